// SPDX-License-Identifier: GPL-2.0
/* RCU over liburcu-memb; the design is in <shim/rcu.h>. */
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <shim/all.h>

#ifdef SHIM_TSAN
char shim_rcu_gp;
static char shim_rcu_cb_done;
#define shim_cb_ran()		__tsan_release(&shim_rcu_cb_done)
#define shim_barrier_done()	__tsan_acquire(&shim_rcu_cb_done)
#define shim_head_queued(h)	__tsan_release(h)
#define shim_head_taken(h)	__tsan_acquire(h)
#else
#define shim_cb_ran()		do { } while (0)
#define shim_barrier_done()	do { } while (0)
#define shim_head_queued(h)	do { } while (0)
#define shim_head_taken(h)	do { } while (0)
#endif

/*
 * ---- atomic context as a read-side critical section ----------------
 * The registered threads, linked through their struct shim_ctx (which
 * lives in their TLS: a thread leaves the list before it exits, at the
 * latest from a thread-specific-data destructor, so a failed KUnit
 * assertion's pthread_exit() unregisters too).
 *
 * The list's lock must not order threads for ThreadSanitizer: a mutex
 * would put every registration after the previous thread's exit and hide
 * the races between short-lived threads (the harness's plant_race). So
 * it is a spinlock of relaxed atomics and fences, which TSan does not
 * model, and the list's links are relaxed atomics (shim_link_*()).
 * What TSan must see is only that a thread's TLS was initialized before
 * another thread touches it: each thread releases its shim_ctx once, as
 * it registers, and a thread that reaches a node through the list
 * acquires it (shim_ctx_seen()) before touching it.
 */
#ifdef SHIM_TSAN
#define shim_ctx_published(c)	__tsan_release(c)
#define shim_ctx_seen(c)	__tsan_acquire(c)
#else
#define shim_ctx_published(c)	do { } while (0)
#define shim_ctx_seen(c)	do { } while (0)
#endif
static int shim_threads_locked;
static struct shim_ctx *shim_threads;		/* under shim_threads_lock() */
static pthread_key_t shim_threads_key;
static pthread_once_t shim_threads_once = PTHREAD_ONCE_INIT;
static int shim_membarrier_cmd;			/* 0: none, a fence instead */

/* <linux/membarrier.h>'s commands */
#define SHIM_MEMBARRIER_QUERY				0
#define SHIM_MEMBARRIER_GLOBAL				(1 << 0)
#define SHIM_MEMBARRIER_PRIVATE_EXPEDITED		(1 << 3)
#define SHIM_MEMBARRIER_REGISTER_PRIVATE_EXPEDITED	(1 << 4)

static long shim_sys_membarrier(int cmd)
{
	return syscall(__NR_membarrier, cmd, 0, 0);
}

static void shim_threads_lock(void)
{
	while (__atomic_exchange_n(&shim_threads_locked, 1, __ATOMIC_RELAXED))
		sched_yield();
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
}

static void shim_threads_unlock(void)
{
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(&shim_threads_locked, 0, __ATOMIC_RELAXED);
}

#define shim_link_get(p)	__atomic_load_n(&(p), __ATOMIC_RELAXED)
#define shim_link_set(p, v)	__atomic_store_n(&(p), (v), __ATOMIC_RELAXED)

static void shim_thread_gone(void *ctx)
{
	struct shim_ctx *c = ctx, *next, **pprev;

	shim_threads_lock();
	pprev = shim_link_get(c->rcu_pprev);
	if (pprev) {
		next = shim_link_get(c->rcu_next);
		if (pprev != &shim_threads)
			shim_ctx_seen(container_of(pprev, struct shim_ctx, rcu_next));
		shim_link_set(*pprev, next);
		if (next) {
			shim_ctx_seen(next);
			shim_link_set(next->rcu_pprev, pprev);
		}
		shim_link_set(c->rcu_pprev, NULL);
	}
	shim_threads_unlock();
}

/*
 * A registered thread that ends without shim_rcu_unregister_thread() (a
 * failed KUNIT_ASSERT ends its case's thread with pthread_exit()) must
 * still leave liburcu's registry: a dead reader left there hangs every
 * later synchronize_rcu().
 */
static void shim_thread_exit_unregistered(void *ctx)
{
	shim_thread_gone(ctx);
	urcu_memb_unregister_thread();
}

static void shim_threads_setup(void)
{
	long q;

	pthread_key_create(&shim_threads_key, shim_thread_exit_unregistered);
	if (!shim_sys_membarrier(SHIM_MEMBARRIER_REGISTER_PRIVATE_EXPEDITED)) {
		shim_membarrier_cmd = SHIM_MEMBARRIER_PRIVATE_EXPEDITED;
		return;
	}
	q = shim_sys_membarrier(SHIM_MEMBARRIER_QUERY);
	if (q > 0 && (q & SHIM_MEMBARRIER_GLOBAL))
		shim_membarrier_cmd = SHIM_MEMBARRIER_GLOBAL;
}

void shim_rcu_register_thread(void)
{
	struct shim_ctx *first;

	pthread_once(&shim_threads_once, shim_threads_setup);
	urcu_memb_register_thread();
	shim_ctx_published(&shim_ctx);
	shim_threads_lock();
	first = shim_link_get(shim_threads);
	shim_link_set(shim_ctx.rcu_next, first);
	if (first) {
		shim_ctx_seen(first);
		shim_link_set(first->rcu_pprev, &shim_ctx.rcu_next);
	}
	shim_link_set(shim_ctx.rcu_pprev, &shim_threads);
	shim_link_set(shim_threads, &shim_ctx);
	shim_threads_unlock();
	pthread_setspecific(shim_threads_key, &shim_ctx);
}

void shim_rcu_unregister_thread(void)
{
	pthread_setspecific(shim_threads_key, NULL);
	shim_thread_gone(&shim_ctx);
	urcu_memb_unregister_thread();
}

/*
 * A full barrier in every thread of the process that is running (one that
 * is not passes through the scheduler's). Pairs with the compiler barriers
 * of shim_atomic_enter() and _exit(), as liburcu-memb's grace period pairs
 * with its readers'. Without membarrier() (say, under valgrind, which runs
 * one thread at a time anyway) a fence is the best the shim can do.
 */
static void shim_membarrier(void)
{
	if (!shim_membarrier_cmd || shim_sys_membarrier(shim_membarrier_cmd))
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

struct shim_section {
	struct shim_ctx *ctx;
	unsigned long qs;
};

/*
 * Is the thread of @s still registered and in the section it was in? (A
 * new thread whose TLS took an exited one's place at worst makes us wait
 * for its section too.)
 */
static bool shim_section_open(const struct shim_section *s)
{
	struct shim_ctx *t;
	bool open = false;

	shim_threads_lock();
	for (t = shim_link_get(shim_threads); t; t = shim_link_get(t->rcu_next)) {
		shim_ctx_seen(t);
		if (t != s->ctx)
			continue;
		open = __atomic_load_n(&t->atomic, __ATOMIC_ACQUIRE) &&
		       __atomic_load_n(&t->qs, __ATOMIC_ACQUIRE) == s->qs;
		break;
	}
	shim_threads_unlock();
	return open;
}

/*
 * Wait until every registered thread that is in atomic context now has
 * left that section (its @atomic reached 0, so @qs moved on) or exited.
 * The first membarrier() makes each such section visible here, or makes
 * what the caller did before visible to it; the second orders the
 * sections seen to end before what the caller does next. The lock is not
 * held while waiting, so a thread may exit meanwhile.
 */
static void shim_wait_atomic_sections(void)
{
	struct shim_section *open = NULL;
	unsigned int n = 0, cap = 0, i, spins;
	struct shim_ctx *t;

	shim_threads_lock();
	shim_membarrier();
	for (t = shim_link_get(shim_threads); t; t = shim_link_get(t->rcu_next)) {
		unsigned long qs;

		shim_ctx_seen(t);
		qs = __atomic_load_n(&t->qs, __ATOMIC_ACQUIRE);
		if (t == &shim_ctx || !__atomic_load_n(&t->atomic, __ATOMIC_ACQUIRE))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			open = realloc(open, cap * sizeof(*open));
			if (!open)
				shim_bug(__FILE__, __LINE__, "out of memory in synchronize_rcu()");
		}
		open[n++] = (struct shim_section){ t, qs };
	}
	shim_threads_unlock();
	for (i = 0; i < n; i++)
		for (spins = 0; shim_section_open(&open[i]); spins++) {
			if (spins < 100)
				sched_yield();
			else
				usleep(50);
		}
	free(open);
	shim_membarrier();
}

void synchronize_rcu(void)
{
	might_sleep();
	urcu_memb_synchronize_rcu();
	shim_wait_atomic_sections();
	shim_rcu_gp_done();
}

#ifdef SHIM_DEBUG
static void shim_rcu_trampoline(struct shim_urcu_head *u)
{
	struct rcu_head *head = container_of(u, struct rcu_head, urcu);

	shim_head_taken(head);
	shim_rcu_gp_done();
	/* Callbacks run in softirq context in the kernel: they may not sleep. */
	local_bh_disable();
	head->func(head);
	local_bh_enable();
	shim_cb_ran();
}

void call_rcu(struct rcu_head *head, rcu_callback_t func)
{
	head->func = func;
	shim_head_queued(head);
	urcu_memb_call_rcu(&head->urcu, shim_rcu_trampoline);
}
#else
void call_rcu(struct rcu_head *head, rcu_callback_t func)
{
	/* struct rcu_head is liburcu's: the same pointer, the same call. */
	urcu_memb_call_rcu(&head->urcu, (void (*)(struct shim_urcu_head *))func);
}
#endif

/*
 * kfree_rcu()'s callbacks: the one at index 8 * r + c frees the object
 * whose rcu_head lies 8 * (8 * r + c) bytes into it.
 */
#define KFREE_AT(r, c)							\
static void shim_kfree_at_##r##_##c(struct rcu_head *head)		\
{									\
	kfree((char *)head - 8 * (8 * (r) + (c)));			\
}

#define KFREE_ROW(r)	KFREE_AT(r, 0) KFREE_AT(r, 1) KFREE_AT(r, 2)	\
			KFREE_AT(r, 3) KFREE_AT(r, 4) KFREE_AT(r, 5)	\
			KFREE_AT(r, 6) KFREE_AT(r, 7)
#define KFREE_PTRS(r)	shim_kfree_at_##r##_0, shim_kfree_at_##r##_1,	\
			shim_kfree_at_##r##_2, shim_kfree_at_##r##_3,	\
			shim_kfree_at_##r##_4, shim_kfree_at_##r##_5,	\
			shim_kfree_at_##r##_6, shim_kfree_at_##r##_7

KFREE_ROW(0) KFREE_ROW(1) KFREE_ROW(2) KFREE_ROW(3)
KFREE_ROW(4) KFREE_ROW(5) KFREE_ROW(6) KFREE_ROW(7)
KFREE_ROW(8) KFREE_ROW(9) KFREE_ROW(10) KFREE_ROW(11)
KFREE_ROW(12) KFREE_ROW(13) KFREE_ROW(14) KFREE_ROW(15)

const rcu_callback_t shim_kfree_rcu_cb[SHIM_KFREE_RCU_MAX / 8] = {
	KFREE_PTRS(0), KFREE_PTRS(1), KFREE_PTRS(2), KFREE_PTRS(3),
	KFREE_PTRS(4), KFREE_PTRS(5), KFREE_PTRS(6), KFREE_PTRS(7),
	KFREE_PTRS(8), KFREE_PTRS(9), KFREE_PTRS(10), KFREE_PTRS(11),
	KFREE_PTRS(12), KFREE_PTRS(13), KFREE_PTRS(14), KFREE_PTRS(15),
};

void rcu_barrier(void)
{
	might_sleep();
	urcu_memb_barrier();
	shim_barrier_done();
}

#ifdef SHIM_TSAN
/*
 * liburcu is not instrumented: its own allocations are ordered by atomics
 * TSan cannot see (a barrier's record, freed by the call_rcu thread).
 * Ignore what the library itself calls; gosync's accesses stay checked,
 * ordered by the annotations above.
 */
const char *__tsan_default_suppressions(void);
const char *__tsan_default_suppressions(void)
{
	return "called_from_lib:liburcu-memb.so\n"
	       "called_from_lib:liburcu-common.so\n"
	       "called_from_lib:liburcu-cds.so\n";
}
#endif

/* ---- atomic notifier chains, as kernel/notifier.c ------------------- */

int atomic_notifier_chain_register(struct atomic_notifier_head *nh,
				   struct notifier_block *nb)
{
	struct notifier_block **nl;
	unsigned long flags;
	int ret = 0;

	spin_lock_irqsave(&nh->lock, flags);
	for (nl = &nh->head; *nl; nl = &(*nl)->next) {
		if (*nl == nb) {
			ret = -EEXIST;
			goto out;
		}
		if (nb->priority > (*nl)->priority)
			break;
	}
	nb->next = *nl;
	rcu_assign_pointer(*nl, nb);
out:
	spin_unlock_irqrestore(&nh->lock, flags);
	return ret;
}

int atomic_notifier_chain_unregister(struct atomic_notifier_head *nh,
				     struct notifier_block *nb)
{
	struct notifier_block **nl;
	unsigned long flags;
	int ret = -ENOENT;

	spin_lock_irqsave(&nh->lock, flags);
	for (nl = &nh->head; *nl; nl = &(*nl)->next) {
		if (*nl == nb) {
			rcu_assign_pointer(*nl, nb->next);
			ret = 0;
			break;
		}
	}
	spin_unlock_irqrestore(&nh->lock, flags);
	synchronize_rcu();
	return ret;
}

int atomic_notifier_call_chain(struct atomic_notifier_head *nh,
			       unsigned long val, void *v)
{
	struct notifier_block *nb, *next;
	int ret = NOTIFY_DONE;

	rcu_read_lock();
	for (nb = rcu_dereference(nh->head); nb; nb = next) {
		next = rcu_dereference(nb->next);
		ret = nb->notifier_call(nb, val, v);
		if (ret & NOTIFY_STOP_MASK)
			break;
	}
	rcu_read_unlock();
	return ret;
}
