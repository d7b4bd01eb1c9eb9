/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RCU over liburcu's urcu-memb flavor (membarrier-based readers: a read
 * lock is a thread-local counter update, as cheap as the kernel's).
 *
 * Every thread that reads under RCU or calls call_rcu() must be registered
 * (shim_rcu_register_thread()): with liburcu, and with the shim's own
 * registry for atomic context (below). The shim registers the threads it
 * creates (kthreads, workqueue workers, hrtimer threads,
 * native_thread_create()) and native_init() registers the main thread.
 *
 * As in a kernel since 4.20, atomic context (preemption, bottom halves or
 * interrupts off, a spinlock held, hardirq) is a read-side critical
 * section too: synchronize_rcu() waits for liburcu's readers, then for
 * every registered thread that was in atomic context at its start to
 * leave it (the per-thread counters of <shim/sched.h>; membarrier()
 * orders them, as liburcu-memb orders its readers). Callbacks queued with
 * call_rcu() wait for liburcu's readers only, and a thread the shim did
 * not create (liburcu's call_rcu thread) is not waited for.
 *
 * The kernel's struct rcu_head is not liburcu's, so liburcu's is renamed
 * to struct shim_urcu_head while its headers are read, and the kernel's
 * wraps it with the callback. Callbacks run on liburcu's call_rcu thread
 * after a grace period, as the kernel runs them after one, in softirq or
 * rcuoc kthreads.
 *
 * ThreadSanitizer cannot see a grace period (liburcu is not instrumented
 * and orders readers with membarrier()). Under TSan each read-side
 * critical section ends with a release on one shim object, and
 * synchronize_rcu() and every callback begin with an acquire of it: all
 * readers that finished are ordered before the code a grace period
 * protects, which is RCU's guarantee. (Atomic-context sections need no
 * such object: their counters are atomics under TSan, released on
 * leaving and acquired by the grace period.) The model is coarser than RCU in
 * one way: an access a reader makes after its rcu_read_unlock() (a bug)
 * is ordered by that thread's next unlock, so TSan reports it only if the
 * grace period ends before that next unlock.
 */
#ifndef _SHIM_RCU_H
#define _SHIM_RCU_H

#include <shim/kernel.h>
#include <shim/atomic.h>
#include <shim/sched.h>

/*
 * liburcu's fast paths inline (as the kernel's rcu_read_lock() is), except
 * under TSan: its inlined code would be instrumented without the
 * library's ordering being visible.
 */
#if !defined(SHIM_TSAN) && !defined(_LGPL_SOURCE)
#define _LGPL_SOURCE
#endif
#define rcu_head shim_urcu_head
#include <urcu/urcu-memb.h>
#undef rcu_head
#undef rcu_dereference
#undef rcu_assign_pointer
#undef rcu_cmpxchg_pointer
#undef rcu_set_pointer
#undef rcu_xchg_pointer

#ifdef SHIM_TSAN
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
extern char shim_rcu_gp;
#define shim_rcu_reader_done()	__tsan_release(&shim_rcu_gp)
#define shim_rcu_gp_done()	__tsan_acquire(&shim_rcu_gp)
#else
#define shim_rcu_reader_done()	do { } while (0)
#define shim_rcu_gp_done()	do { } while (0)
#endif

struct rcu_head;
typedef void (*rcu_callback_t)(struct rcu_head *head);

/*
 * In the production-like opt build the kernel's struct rcu_head is
 * liburcu's, 16 bytes as in the kernel, so objects keep the kernel's
 * size (and cache-line layout) and callbacks are called directly. The
 * debug builds wrap it with the callback, which a trampoline calls after
 * telling TSan about the grace period and entering softirq context.
 */
struct rcu_head {
	struct shim_urcu_head urcu;
#ifdef SHIM_DEBUG
	rcu_callback_t func;
#endif
};

#define callback_head rcu_head

static inline void rcu_read_lock(void)
{
	urcu_memb_read_lock();
	shim_ctx.rcu++;
}

static inline void rcu_read_unlock(void)
{
	shim_ctx.rcu--;
	shim_rcu_reader_done();
	urcu_memb_read_unlock();
}

#define rcu_read_lock_bh()	do { local_bh_disable(); rcu_read_lock(); } while (0)
#define rcu_read_unlock_bh()	do { rcu_read_unlock(); local_bh_enable(); } while (0)
#define rcu_read_lock_sched()	do { preempt_disable(); rcu_read_lock(); } while (0)
#define rcu_read_unlock_sched()	do { rcu_read_unlock(); preempt_enable(); } while (0)
#define rcu_read_lock_held()	(shim_ctx.rcu > 0)
#define rcu_read_lock_any_held() (shim_ctx.rcu > 0 || shim_ctx.atomic > 0)

/*
 * The checks of rcu_dereference_check() and _protected() are evaluated
 * in SHIM_DEBUG builds (as the kernel does under CONFIG_PROVE_RCU) and
 * WARN when false.
 */
#define rcu_dereference_raw(p)	__atomic_load_n(&(p), __ATOMIC_CONSUME)
#define rcu_dereference_check(p, c) ({						\
	SHIM_CHECK(!((c) || rcu_read_lock_any_held()));				\
	rcu_dereference_raw(p); })
#define rcu_dereference(p)	rcu_dereference_check(p, 0)
#define rcu_dereference_bh(p)	rcu_dereference(p)
#define rcu_dereference_sched(p) rcu_dereference(p)
#define rcu_dereference_protected(p, c) ({					\
	SHIM_CHECK(!(c));							\
	__atomic_load_n(&(p), __ATOMIC_RELAXED); })
#define rcu_access_pointer(p)	__atomic_load_n(&(p), __ATOMIC_RELAXED)
#define rcu_assign_pointer(p, v) __atomic_store_n(&(p), (v), __ATOMIC_RELEASE)
#define RCU_INIT_POINTER(p, v)	__atomic_store_n(&(p), (v), __ATOMIC_RELAXED)
#define RCU_INITIALIZER(v)	(v)
#define unrcu_pointer(p)	(p)
#define rcu_replace_pointer(p, v, c) ({						\
	typeof(p) _old = rcu_dereference_protected(p, c);			\
	rcu_assign_pointer(p, v);						\
	_old; })
#define rcu_pointer_handoff(p)	(p)

/* Register the calling thread (see above); unregistered at its exit. */
void shim_rcu_register_thread(void);
void shim_rcu_unregister_thread(void);

void synchronize_rcu(void);
#define synchronize_rcu_expedited() synchronize_rcu()
void call_rcu(struct rcu_head *head, rcu_callback_t func);
void rcu_barrier(void);
/*
 * kfree_rcu(): as the kernel does, the callback encodes where the head
 * lies in the object; here it is one of a table of callbacks, one per
 * multiple of 8 bytes up to SHIM_KFREE_RCU_MAX.
 */
#define SHIM_KFREE_RCU_MAX	1024
extern const rcu_callback_t shim_kfree_rcu_cb[SHIM_KFREE_RCU_MAX / 8];
#define kfree_rcu(p, field) do {						\
	typeof(p) _p = (p);							\
	BUILD_BUG_ON(offsetof(typeof(*_p), field) % 8 ||			\
		     offsetof(typeof(*_p), field) >= SHIM_KFREE_RCU_MAX);	\
	if (_p)									\
		call_rcu(&_p->field,						\
			 shim_kfree_rcu_cb[offsetof(typeof(*_p), field) / 8]);	\
} while (0)
#define kvfree_rcu(p, field)	kfree_rcu(p, field)

/* ---- atomic notifier chains (kernel/notifier.c) --------------------- */
#define NOTIFY_DONE		0x0000
#define NOTIFY_OK		0x0001
#define NOTIFY_STOP_MASK	0x8000
#define NOTIFY_BAD		(NOTIFY_STOP_MASK | 0x0002)
#define NOTIFY_STOP		(NOTIFY_OK | NOTIFY_STOP_MASK)

struct notifier_block;
typedef int (*notifier_fn_t)(struct notifier_block *nb, unsigned long action,
			     void *data);

struct notifier_block {
	notifier_fn_t notifier_call;
	struct notifier_block __rcu *next;
	int priority;
};

struct atomic_notifier_head {
	spinlock_t lock;	/* serializes (un)registration; calls use RCU */
	struct notifier_block __rcu *head;
};

#define ATOMIC_INIT_NOTIFIER_HEAD(name) do {				\
		spin_lock_init(&(name)->lock);				\
		(name)->head = NULL;					\
	} while (0)

int atomic_notifier_chain_register(struct atomic_notifier_head *nh,
				   struct notifier_block *nb);
int atomic_notifier_chain_unregister(struct atomic_notifier_head *nh,
				     struct notifier_block *nb);
int atomic_notifier_call_chain(struct atomic_notifier_head *nh,
			       unsigned long val, void *v);

#endif /* _SHIM_RCU_H */
