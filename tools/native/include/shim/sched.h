/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Execution contexts, locks, tasks, waiting, time and per-CPU data.
 *
 * Every thread carries a small context (struct shim_ctx): its per-CPU slot
 * and how deep it is in atomic context (spinlocks held, bottom halves or
 * interrupts off, hardirq, RCU read side). might_sleep() and the calls
 * that may sleep (mutex_lock, GFP_KERNEL allocations, synchronize_rcu, the
 * waits) WARN when that depth is not zero, which is what
 * CONFIG_DEBUG_ATOMIC_SLEEP and RCU lockdep catch in a kernel.
 *
 * Per-CPU data is per-thread: each thread that asks for its CPU gets a
 * slot of its own among SHIM_NR_CPUS, held until it exits. Two threads
 * never share a slot, so the kernel's "this CPU's copy is mine while I do
 * not sleep" holds without preemption control. smp_processor_id() is that
 * slot, num_online_cpus() the machine's CPUs (the runner and the tests
 * size their thread counts with it), nr_cpu_ids the slots.
 *
 * Except on request: native_same_cpu() (shim/native.h) puts kthreads on
 * one of SHIM_SHARED_SLOTS shared slots, where they run in parallel and
 * nothing excludes them from each other. That is PREEMPT_RT's two tasks
 * on one CPU, where spin_lock_irqsave() leaves interrupts and preemption
 * on, with a preemption at every instruction: code that keeps its
 * per-CPU data right under spinlocks only through this_cpu operations
 * (which are atomic here in the sanitizer builds, as they are against
 * the CPU's own interrupts and preemption in a kernel) passes; a plain
 * read-modify-write is a data race for TSan and loses updates. Do not
 * share slots with code that relies on preempt_disable() or
 * local_irq_save(), which do exclude on RT and do not here.
 */
#ifndef _SHIM_SCHED_H
#define _SHIM_SCHED_H

#include <pthread.h>
#include <signal.h>
#include <time.h>

#include <shim/kernel.h>
#include <shim/atomic.h>

#define SHIM_NR_CPUS	64
/* The top slots, shared on request (native_same_cpu()). */
#define SHIM_SHARED_SLOTS	4

struct task_struct;

struct shim_ctx {
	int cpu;		/* per-CPU slot, -1 until first asked */
	bool cpu_shared;	/* @cpu is a shared slot, not ours */
	unsigned int id;	/* unique, non-zero: lock owner tag */
	int atomic;		/* spinlocks, bh/irq off, hardirq, preempt off */
	int rcu;		/* RCU read-side nesting */
	int hardirq;
	int softirq_off;
	int irq_off;
	unsigned long qs;	/* times @atomic fell to 0; see shim_atomic_exit() */
	struct task_struct *task;
	struct shim_ctx *rcu_next;	/* lib/rcu.c's registry of threads */
	struct shim_ctx **rcu_pprev;
};

extern __thread struct shim_ctx shim_ctx;
unsigned int shim_ctx_id(void);
int shim_cpu_slot_first(void);
void shim_might_sleep(const char *file, int line);

/* The calling thread's per-CPU slot: inline once it has one. */
static inline int shim_cpu_slot(void)
{
	int cpu = shim_ctx.cpu;

	return likely(cpu >= 0) ? cpu : shim_cpu_slot_first();
}

#ifdef SHIM_DEBUG
#define might_sleep()		shim_might_sleep(__FILE__, __LINE__)
#else
#define might_sleep()		do { } while (0)
#endif
#define might_sleep_if(c)	do { if (c) might_sleep(); } while (0)
#define might_resched()		might_sleep()
#define cond_resched()		({ might_sleep(); 0; })
#define need_resched()		false
#define cond_resched_rcu()	do { } while (0)

/* ---- CPUs ----------------------------------------------------------- */
extern unsigned int shim_nr_online;
#define nr_cpu_ids		((unsigned int)SHIM_NR_CPUS)
#define num_possible_cpus()	((unsigned int)SHIM_NR_CPUS)
#define num_online_cpus()	shim_nr_online
#define NR_CPUS			SHIM_NR_CPUS
#define NUMA_NO_NODE		(-1)
#define cpu_to_node(cpu)	0
#define numa_node_id()		0
#define smp_processor_id()	shim_cpu_slot()
#define raw_smp_processor_id()	shim_cpu_slot()
#define get_cpu()		({ preempt_disable(); smp_processor_id(); })
#define put_cpu()		preempt_enable()

/* A cpumask is one of two sets: the online CPUs or all slots. */
struct cpumask { unsigned int nr; };
extern const struct cpumask *const cpu_online_mask;
extern const struct cpumask *const cpu_possible_mask;
#define cpumask_first(m)	((m)->nr ? 0U : nr_cpu_ids)
#define cpumask_next(c, m)	\
	((unsigned int)(c) + 1 < (m)->nr ? (unsigned int)(c) + 1 : nr_cpu_ids)
#define cpumask_weight(m)	((m)->nr)
/* A CPU of @m other than @cpu, or nr_cpu_ids if there is none. */
#define cpumask_any_but(m, cpu) ({					\
	unsigned int _c = cpumask_first(m);				\
	if (_c == (unsigned int)(cpu))					\
		_c = cpumask_next(_c, m);				\
	_c; })
#define cpu_online(c)		((unsigned int)(c) < shim_nr_online)
#define for_each_possible_cpu(c) for ((c) = 0; (c) < (int)nr_cpu_ids; (c)++)
#define for_each_online_cpu(c)	for ((c) = 0; (c) < (int)shim_nr_online; (c)++)
#define cpu_possible(c)		((unsigned int)(c) < nr_cpu_ids)
#define cpus_read_lock()	do { } while (0)
#define cpus_read_unlock()	do { } while (0)

/*
 * CPU hotplug states (cpuhotplug.h). No CPU comes or goes here: states
 * and their instances are recorded, and the _nocalls variants are what
 * they are in the kernel. A test runs a CPU's teardown callbacks with
 * shim_cpuhp_teardown() as the kernel does when the CPU goes offline
 * (after it died, for a PREPARE state); it must make sure nothing uses
 * that CPU's per-CPU data meanwhile. Only dynamic states are supported.
 */
enum cpuhp_state {
	CPUHP_INVALID = -1,
	CPUHP_OFFLINE = 0,
	CPUHP_BP_PREPARE_DYN,
	CPUHP_BP_PREPARE_DYN_END = CPUHP_BP_PREPARE_DYN + 20,
	CPUHP_AP_ONLINE_DYN,
	CPUHP_AP_ONLINE_DYN_END = CPUHP_AP_ONLINE_DYN + 30,
	CPUHP_ONLINE,
};

struct hlist_node;

int __cpuhp_setup_state(enum cpuhp_state state, const char *name,
			int (*startup)(unsigned int cpu),
			int (*teardown)(unsigned int cpu),
			int (*startup_multi)(unsigned int cpu,
					     struct hlist_node *node),
			int (*teardown_multi)(unsigned int cpu,
					      struct hlist_node *node));
#define cpuhp_setup_state_nocalls(state, name, up, down)		\
	__cpuhp_setup_state(state, name, up, down, NULL, NULL)
#define cpuhp_setup_state(state, name, up, down)			\
	cpuhp_setup_state_nocalls(state, name, up, down)
#define cpuhp_setup_state_multi(state, name, up, down)			\
	__cpuhp_setup_state(state, name, NULL, NULL, up, down)
void __cpuhp_remove_state(enum cpuhp_state state);
#define cpuhp_remove_state(state)		__cpuhp_remove_state(state)
#define cpuhp_remove_state_nocalls(state)	__cpuhp_remove_state(state)
#define cpuhp_remove_multi_state(state)		__cpuhp_remove_state(state)
int cpuhp_state_add_instance_nocalls(enum cpuhp_state state,
				     struct hlist_node *node);
int cpuhp_state_remove_instance_nocalls(enum cpuhp_state state,
					struct hlist_node *node);
#define cpuhp_state_add_instance(state, node) \
	cpuhp_state_add_instance_nocalls(state, node)
#define cpuhp_state_remove_instance(state, node) \
	cpuhp_state_remove_instance_nocalls(state, node)
/* Run every state's teardown for @cpu, highest state first. */
void shim_cpuhp_teardown(unsigned int cpu);
/* Instances of @state now (0 for a state not set up). */
unsigned int shim_cpuhp_instances(enum cpuhp_state state);

/* ---- contexts ------------------------------------------------------- */
/*
 * Atomic context is an RCU read-side critical section, as in a kernel
 * since 4.20 (RCU-sched merged into RCU): synchronize_rcu() waits for every
 * thread that was in one when it started to leave it (lib/rcu.c scans
 * the registered threads' @atomic and @qs). Only the owner writes its
 * counters; a grace period reads them. Under TSan the writes are atomics
 * with a release on leaving, which the grace period's acquire loads pair
 * with: TSan sees the section ordered before what the grace period
 * protects. Otherwise they are the kernel's own preempt_count() accesses,
 * a plain add and a compiler barrier (one instruction to enter on x86,
 * a decrement and a rarely taken branch to leave), ordered against the
 * grace period by membarrier(), as liburcu-memb orders its readers.
 */
#ifdef SHIM_TSAN
#define __shim_ctx_add(f, n, mo)					\
	__atomic_store_n(&shim_ctx.f, shim_ctx.f + (n), __ATOMIC_##mo)
#else
#define __shim_ctx_add(f, n, mo)					\
	(*(volatile typeof(shim_ctx.f) *)&shim_ctx.f += (n))
#endif

/* Enter atomic context (or nest deeper in it). */
static __always_inline void shim_atomic_enter(void)
{
	__shim_ctx_add(atomic, 1, RELAXED);
	barrier();	/* the section's accesses follow; see synchronize_rcu() */
}

/* Leave one level; leaving the outermost is a quiescent state. */
static __always_inline void shim_atomic_exit(void)
{
	barrier();	/* the section's accesses precede */
	__shim_ctx_add(atomic, -1, RELEASE);
	if (!shim_ctx.atomic)
		__shim_ctx_add(qs, 1, RELEASE);
}

#define preempt_disable()	shim_atomic_enter()
#define preempt_enable()	shim_atomic_exit()
#define preempt_disable_notrace() preempt_disable()
#define preempt_enable_notrace() preempt_enable()
#define migrate_disable()	do { } while (0)
#define migrate_enable()	do { } while (0)
#define local_bh_disable()	do { shim_ctx.softirq_off++; shim_atomic_enter(); } while (0)
#define local_bh_enable()	do { shim_atomic_exit(); shim_ctx.softirq_off--; } while (0)
#define local_irq_disable()	do { shim_ctx.irq_off++; shim_atomic_enter(); } while (0)
#define local_irq_enable()	do { shim_atomic_exit(); shim_ctx.irq_off--; } while (0)
#define local_irq_save(f)	do { (f) = 0; local_irq_disable(); } while (0)
#define local_irq_restore(f)	do { (void)(f); local_irq_enable(); } while (0)
#define irqs_disabled()		(shim_ctx.irq_off > 0 || shim_ctx.hardirq > 0)

/*
 * local_lock_t as on a kernel without PREEMPT_RT: preemption or interrupts
 * off (each thread is its own CPU here). The lock itself is a placeholder.
 */
typedef struct { char unused; } local_lock_t;
#define INIT_LOCAL_LOCK(l)	{ 0 }
#define local_lock_init(l)	((void)(l))
#define local_lock(l)		do { (void)(l); preempt_disable(); } while (0)
#define local_unlock(l)		do { (void)(l); preempt_enable(); } while (0)
#define local_lock_irqsave(l, f) do { (void)(l); local_irq_save(f); } while (0)
#define local_unlock_irqrestore(l, f) do { (void)(l); local_irq_restore(f); } while (0)
#define in_hardirq()		(shim_ctx.hardirq > 0)
#define in_irq()		in_hardirq()
#define in_softirq()		(shim_ctx.softirq_off > 0)
#define in_serving_softirq()	0
#define in_nmi()		0	/* no NMIs here */
#define in_interrupt()		(in_hardirq() || in_softirq())
#define in_atomic()		(shim_ctx.atomic > 0)
#define in_task()		(!in_hardirq())
#define preemptible()		(shim_ctx.atomic == 0 && shim_ctx.rcu == 0)

/*
 * ---- spinlocks ------------------------------------------------------
 * A kernel spinlock's holder cannot be preempted; a thread here can, and
 * with more runnable threads than CPUs a waiter would spin through the
 * holder's whole time slice. So a waiter spins a while, then yields its
 * CPU (shim_spin_wait()). The uncontended path is one atomic exchange to
 * lock and one release store to unlock, as the kernel's.
 */
typedef struct {
	int locked;
	unsigned int owner;
} spinlock_t;
typedef spinlock_t raw_spinlock_t;

#define __SPIN_LOCK_UNLOCKED(x)		{ 0, 0 }
#define __RAW_SPIN_LOCK_UNLOCKED(x)	{ 0, 0 }
#define DEFINE_SPINLOCK(x)		spinlock_t x = __SPIN_LOCK_UNLOCKED(x)
#define DEFINE_RAW_SPINLOCK(x)		raw_spinlock_t x = __SPIN_LOCK_UNLOCKED(x)
#define SINGLE_DEPTH_NESTING		1

static inline void spin_lock_init(spinlock_t *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&l->owner, 0, __ATOMIC_RELAXED);
}

#define raw_spin_lock_init(l)	spin_lock_init(l)

void shim_spin_wait(spinlock_t *l);

static inline void spin_lock(spinlock_t *l)
{
	shim_atomic_enter();
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		shim_spin_wait(l);
#ifdef SHIM_DEBUG
	__atomic_store_n(&l->owner, shim_ctx_id(), __ATOMIC_RELAXED);
#endif
}

static inline bool spin_trylock(spinlock_t *l)
{
	if (__atomic_load_n(&l->locked, __ATOMIC_RELAXED) ||
	    __atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		return false;
	shim_atomic_enter();
#ifdef SHIM_DEBUG
	__atomic_store_n(&l->owner, shim_ctx_id(), __ATOMIC_RELAXED);
#endif
	return true;
}

void shim_spin_unlock_bad(spinlock_t *l);

static inline void spin_unlock(spinlock_t *l)
{
#ifdef SHIM_DEBUG
	if (unlikely(__atomic_load_n(&l->owner, __ATOMIC_RELAXED) != shim_ctx.id))
		shim_spin_unlock_bad(l);
	__atomic_store_n(&l->owner, 0, __ATOMIC_RELAXED);
#endif
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
	shim_atomic_exit();
}

static inline bool spin_is_locked(spinlock_t *l)
{
	return __atomic_load_n(&l->locked, __ATOMIC_RELAXED);
}

static inline bool shim_spin_held(const spinlock_t *l)
{
	return __atomic_load_n(&l->owner, __ATOMIC_RELAXED) == shim_ctx_id();
}

#define spin_lock_nested(l, sub)	spin_lock(l)
#define spin_lock_irq(l)		do { local_irq_disable(); spin_lock(l); } while (0)
#define spin_unlock_irq(l)		do { spin_unlock(l); local_irq_enable(); } while (0)
#define spin_lock_irqsave(l, f)		do { local_irq_save(f); spin_lock(l); } while (0)
#define spin_lock_irqsave_nested(l, f, s) spin_lock_irqsave(l, f)
#define spin_unlock_irqrestore(l, f)	do { spin_unlock(l); local_irq_restore(f); } while (0)
#define spin_lock_bh(l)			do { local_bh_disable(); spin_lock(l); } while (0)
#define spin_unlock_bh(l)		do { spin_unlock(l); local_bh_enable(); } while (0)
#define raw_spin_lock(l)		spin_lock(l)
#define raw_spin_lock_nested(l, sub)	spin_lock(l)
#define raw_spin_unlock(l)		spin_unlock(l)
#define raw_spin_lock_irqsave(l, f)	spin_lock_irqsave(l, f)
#define raw_spin_unlock_irqrestore(l, f) spin_unlock_irqrestore(l, f)
#define raw_spin_lock_irq(l)		spin_lock_irq(l)
#define raw_spin_unlock_irq(l)		spin_unlock_irq(l)
#define assert_spin_locked(l)		WARN_ON(!spin_is_locked(l))

/* ---- mutexes -------------------------------------------------------- */
struct mutex {
	pthread_mutex_t m;
	unsigned int owner;
};

#define DEFINE_MUTEX(x)		struct mutex x = { PTHREAD_MUTEX_INITIALIZER, 0 }

void mutex_init(struct mutex *m);
void mutex_destroy(struct mutex *m);
void mutex_lock(struct mutex *m);
void mutex_unlock(struct mutex *m);
int mutex_trylock(struct mutex *m);
bool mutex_is_locked(struct mutex *m);
#define mutex_lock_nested(m, s)		mutex_lock(m)
#define mutex_lock_interruptible(m)	({ mutex_lock(m); 0; })
#define mutex_lock_killable(m)		({ mutex_lock(m); 0; })

static inline bool shim_mutex_held(const struct mutex *m)
{
	return __atomic_load_n(&m->owner, __ATOMIC_RELAXED) == shim_ctx_id();
}

/* lockdep: "held by this thread", exactly (SHIM_DEBUG builds only). */
#define lockdep_is_held(l)							\
	__builtin_choose_expr(__same_type(*(l), spinlock_t),			\
			      shim_spin_held((const void *)(l)),		\
			      shim_mutex_held((const void *)(l)))
#define lockdep_assert_held(l)		SHIM_CHECK(!lockdep_is_held(l))
#define lockdep_assert_not_held(l)	SHIM_CHECK(lockdep_is_held(l))
#define lockdep_assert_irqs_disabled()	SHIM_CHECK(!irqs_disabled())
#define lockdep_set_class(l, k)		do { } while (0)
struct lock_class_key { int unused; };

/* ---- time ----------------------------------------------------------- */
#define HZ			1000
#include <ksrc/include/vdso/time64.h>
#define MAX_SCHEDULE_TIMEOUT	LONG_MAX

static inline u64 ktime_get_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/*
 * The tick clock, as the kernel's: no clock read, just the time of the
 * last tick (the vDSO's coarse clock), a few ns where a precise read may
 * cost tens on a virtual machine. jiffies is derived from it, so it is as
 * cheap to read as the kernel's variable.
 */
static inline u64 ktime_get_coarse_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (u64)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

#define ktime_get()		((ktime_t)ktime_get_ns())
#define ktime_get_mono_fast_ns() ktime_get_ns()
#define local_clock()		ktime_get_ns()
#define ns_to_ktime(ns)		((ktime_t)(ns))
#define ms_to_ktime(ms)		((ktime_t)(ms) * NSEC_PER_MSEC)
#define ktime_to_ns(t)		((s64)(t))
#define ktime_to_us(t)		((s64)(t) / NSEC_PER_USEC)
#define ktime_to_ms(t)		((s64)(t) / NSEC_PER_MSEC)
#define ktime_sub(a, b)		((a) - (b))
#define ktime_add(a, b)		((a) + (b))
#define KTIME_MAX		((s64)~((u64)1 << 63))
#define ktime_add_ns(a, n)	((a) + (n))
#define ktime_add_ms(a, n)	((a) + (n) * NSEC_PER_MSEC)
#define ktime_add_us(a, n)	((a) + (n) * NSEC_PER_USEC)
#define ktime_compare(a, b)	((a) < (b) ? -1 : (a) > (b))
#define ktime_before(a, b)	((a) < (b))
#define ktime_after(a, b)	((a) > (b))

#define jiffies			((unsigned long)(ktime_get_coarse_ns() / NSEC_PER_MSEC))
#define msecs_to_jiffies(m)	((unsigned long)(m))
#define usecs_to_jiffies(u)	((unsigned long)DIV_ROUND_UP((u), 1000))
#define jiffies_to_msecs(j)	((unsigned int)(j))
#define jiffies_to_usecs(j)	((unsigned int)(j) * 1000U)
#define time_after(a, b)	((long)((b) - (a)) < 0)
#define time_before(a, b)	time_after(b, a)
#define time_after_eq(a, b)	((long)((a) - (b)) >= 0)
#define time_before_eq(a, b)	time_after_eq(b, a)
#define time_is_before_jiffies(a) time_after(jiffies, a)
#define time_is_after_jiffies(a) time_before(jiffies, a)

void msleep(unsigned int ms);
unsigned long msleep_interruptible(unsigned int ms);
void usleep_range(unsigned long min, unsigned long max);
#define ssleep(s)		msleep((s) * 1000)
#define fsleep(us)		usleep_range(us, us)
void udelay(unsigned long us);
#define ndelay(ns)		udelay(DIV_ROUND_UP(ns, 1000))
#define mdelay(ms)		udelay((ms) * 1000UL)

/* ---- tasks and kthreads --------------------------------------------- */
#define TASK_RUNNING		0x0000
#define TASK_INTERRUPTIBLE	0x0001
#define TASK_UNINTERRUPTIBLE	0x0002
#define TASK_WAKEKILL		0x0100
#define TASK_NOLOAD		0x0400
#define TASK_KILLABLE		(TASK_WAKEKILL | TASK_UNINTERRUPTIBLE)
#define TASK_IDLE		(TASK_UNINTERRUPTIBLE | TASK_NOLOAD)
#define TASK_NORMAL		(TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE)
#define TASK_COMM_LEN		16

struct wait_queue_entry;

struct task_struct {
	pthread_t thread;
	int (*fn)(void *data);
	void *data;
	char comm[TASK_COMM_LEN];
	atomic_t usage;
	int state;		/* TASK_*, atomic */
	int should_stop;	/* atomic */
	int bound_cpu;
	int shared_slot;	/* native_same_cpu(), or -1 */
	bool is_kthread;
	bool exited;		/* under lock: the kthread's function returned */
	int ret;
	struct wait_queue_entry *wait;	/* prepare_to_wait*() .. finish_wait() */
	unsigned long sigpending;	/* signals sent, bit sig - 1 (atomic) */
	unsigned long sigallowed;	/* a kthread's allow_signal()s (atomic) */
	pthread_mutex_t lock;
	pthread_cond_t cond;
};

struct task_struct *shim_current(void);
#define current			shim_current()
#define set_current_state(s)	__atomic_store_n(&current->state, (s), __ATOMIC_SEQ_CST)
#define __set_current_state(s)	__atomic_store_n(&current->state, (s), __ATOMIC_RELAXED)
/*
 * schedule_timeout() sleeps until wake_up_process(), a signal the state
 * lets in (see signal_pending_state()) or the timeout; between
 * prepare_to_wait*() and finish_wait(), until a wake-up of that wait
 * queue, such a signal or the timeout (see "wait queues" below).
 */
void schedule(void);
long schedule_timeout(long timeout);
#define schedule_timeout_interruptible(t) \
	({ set_current_state(TASK_INTERRUPTIBLE); schedule_timeout(t); })
#define schedule_timeout_uninterruptible(t) \
	({ set_current_state(TASK_UNINTERRUPTIBLE); schedule_timeout(t); })
int wake_up_process(struct task_struct *t);
#define yield()				sched_yield()
int sched_yield(void);

__printf(4, 5) struct task_struct *
kthread_create_on_node(int (*fn)(void *data), void *data, int node,
		       const char *namefmt, ...);
#define kthread_create(fn, data, fmt, ...) \
	kthread_create_on_node(fn, data, NUMA_NO_NODE, fmt, ##__VA_ARGS__)
#define kthread_run(fn, data, fmt, ...) ({					\
	struct task_struct *_k = kthread_create(fn, data, fmt, ##__VA_ARGS__); \
	if (!IS_ERR(_k))							\
		wake_up_process(_k);						\
	_k; })
void kthread_bind(struct task_struct *t, unsigned int cpu);
bool kthread_should_stop(void);
int kthread_stop(struct task_struct *t);
void get_task_struct(struct task_struct *t);
void put_task_struct(struct task_struct *t);

/*
 * ---- signals ---------------------------------------------------------
 * Only what a test sends with send_sig(): a pending bit per signal in the
 * task, no handlers, no delivery to userspace. A kthread ignores every
 * signal it did not allow_signal(), as in the kernel; another thread
 * takes them all. Sleeps notice a signal their state lets in (see
 * schedule_timeout()); there is no signal unless a test sends one.
 */
#define shim_sigmask(sig)	(1UL << ((sig) - 1))
int send_sig(int sig, struct task_struct *t, int priv);
void allow_signal(int sig);
void disallow_signal(int sig);
void flush_signals(struct task_struct *t);

static inline bool signal_pending(struct task_struct *t)
{
	/* Pairs with send_sig()'s release. */
	return __atomic_load_n(&t->sigpending, __ATOMIC_ACQUIRE);
}

static inline bool fatal_signal_pending(struct task_struct *t)
{
	return __atomic_load_n(&t->sigpending, __ATOMIC_ACQUIRE) & shim_sigmask(SIGKILL);
}

/* A signal that ends a sleep in @state: any if interruptible, else SIGKILL if killable. */
static inline int signal_pending_state(unsigned int state, struct task_struct *t)
{
	if (!(state & (TASK_INTERRUPTIBLE | TASK_WAKEKILL)) || !signal_pending(t))
		return 0;
	return (state & TASK_INTERRUPTIBLE) || fatal_signal_pending(t);
}

/*
 * ---- wait queues and completions ------------------------------------
 * A wait queue head is a count of its wake-ups, @seq (a futex word), and
 * of its waiters, @waiters: the threads between shim_wq_add() and
 * shim_wq_del() (wait_event*(), prepare_to_wait*() .. finish_wait()).
 *
 * No lost wake-up: a waiter registers, reads @seq (shim_wq_prepare()),
 * checks its condition, and sleeps only while @seq still holds what it
 * read, and the futex compares and sleeps in one step against
 * FUTEX_WAKE. A waker makes its condition true, then increments @seq and,
 * if @waiters is not 0, wakes the futex. Both sides' accesses are fully
 * ordered (seq_cst):
 *
 *	waiter				waker
 *	@waiters++			cond = true
 *	s = @seq			@seq++
 *	if (!cond) sleep while @seq == s	if (@waiters) FUTEX_WAKE
 *
 * so either the waiter read the new @seq (and, as the increment is a
 * release and the read an acquire, sees the condition), or the waker
 * sees the waiter registered and wakes it (or the futex finds @seq moved
 * and does not sleep). That release/acquire pair is also what TSan sees:
 * a wake-up happens before whatever the thread it woke does next.
 *
 * @lock guards a completion's count only. Every wake-up wakes every
 * waiter (wake_up() is wake_up_all(); there are no exclusive waits).
 */
struct wait_queue_head {
	unsigned int seq;	/* wake-ups so far; the futex word (atomic) */
	unsigned int waiters;	/* registered waiters (atomic) */
	pthread_mutex_t lock;	/* a completion's count */
};

typedef struct wait_queue_head wait_queue_head_t;
#define __WAIT_QUEUE_HEAD_INITIALIZER(n) { 0, 0, PTHREAD_MUTEX_INITIALIZER }
#define DECLARE_WAIT_QUEUE_HEAD(n) \
	wait_queue_head_t n = __WAIT_QUEUE_HEAD_INITIALIZER(n)

void init_waitqueue_head(wait_queue_head_t *wq);
void wake_up_all(wait_queue_head_t *wq);
#define wake_up(wq)			wake_up_all(wq)
#define wake_up_interruptible(wq)	wake_up_all(wq)
#define wake_up_interruptible_all(wq)	wake_up_all(wq)

static inline void shim_wq_add(wait_queue_head_t *wq)
{
	__atomic_add_fetch(&wq->waiters, 1, __ATOMIC_SEQ_CST);
}

static inline void shim_wq_del(wait_queue_head_t *wq)
{
	__atomic_sub_fetch(&wq->waiters, 1, __ATOMIC_RELAXED);
}

/* The wake-ups so far, read before checking the condition. */
static inline unsigned int shim_wq_prepare(wait_queue_head_t *wq)
{
	return __atomic_load_n(&wq->seq, __ATOMIC_SEQ_CST);
}

/*
 * Sleep while @wq's wake-ups are still @seq, until @deadline_ns (0:
 * none). Return: false on timeout. The caller is registered.
 */
bool shim_wq_sleep(wait_queue_head_t *wq, unsigned int seq, u64 deadline_ns);

/*
 * Signals do not wake a queue's futex: a sleep in a state they may end
 * looks for them every SHIM_WQ_POLL_NS. Neither does wake_up_process():
 * natively, a sleep on a wait queue ends only with a wake-up of the
 * queue, its timeout, or such a signal. shim_wq_until() is when a sleep
 * in @state with the deadline @end_ns (0: none) must look again.
 */
#define SHIM_WQ_POLL_NS		(10 * NSEC_PER_MSEC)
u64 shim_wq_until(u64 end_ns, unsigned int state);

/* As the kernel's: a waiter is registered (the list is not empty). */
static inline bool waitqueue_active(wait_queue_head_t *wq)
{
	return __atomic_load_n(&wq->waiters, __ATOMIC_RELAXED);
}

/* Pairs with shim_wq_add(): see the diagram above (cond = true; smp_mb()). */
static inline bool wq_has_sleeper(wait_queue_head_t *wq)
{
	/*
	 * As the kernel's: a full barrier between the caller's store (of
	 * the condition) and the load of @waiters; a seq_cst load alone
	 * may pass an earlier release store.
	 */
	smp_mb();
	return __atomic_load_n(&wq->waiters, __ATOMIC_SEQ_CST);
}

/*
 * A wait entry: the queue it is registered with (NULL: none) and the
 * wake-ups read by the last prepare_to_wait*(), which schedule_timeout()
 * (through current->wait) sleeps against.
 */
struct wait_queue_entry {
	unsigned int flags;
	void *private;
	wait_queue_head_t *head;
	unsigned int seq;
};

typedef struct wait_queue_entry wait_queue_entry_t;

#define DEFINE_WAIT(name)	struct wait_queue_entry name = { .private = current }
#define init_wait(w)		init_wait_entry(w, 0)

static inline void init_wait_entry(struct wait_queue_entry *w, int flags)
{
	w->flags = flags;
	w->private = current;
	w->head = NULL;
	w->seq = 0;
}

long prepare_to_wait_event(wait_queue_head_t *wq, struct wait_queue_entry *w, int state);
void prepare_to_wait(wait_queue_head_t *wq, struct wait_queue_entry *w, int state);
void finish_wait(wait_queue_head_t *wq, struct wait_queue_entry *w);

/*
 * The core of the wait_event*() family, registered for its whole wait:
 * 1 once @cond holds, 0 at @end_ns (0: no deadline), -ERESTARTSYS on a
 * signal @state lets in.
 */
#define __shim_wait_event(wq, cond, state, end_ns) ({				\
	u64 __end = (end_ns);							\
	int __r = 1;								\
	might_sleep();								\
	shim_wq_add(&(wq));							\
	for (;;) {								\
		unsigned int __s = shim_wq_prepare(&(wq));			\
		if (cond)							\
			break;							\
		if (signal_pending_state(state, current)) {			\
			__r = -ERESTARTSYS;					\
			break;							\
		}								\
		if (__end && ktime_get_ns() >= __end) {				\
			__r = 0;						\
			break;							\
		}								\
		shim_wq_sleep(&(wq), __s, shim_wq_until(__end, state));		\
	}									\
	shim_wq_del(&(wq));							\
	__r; })

/* 0 once @cond holds, or -ERESTARTSYS. */
#define __shim_wait_event_state(wq, cond, state) ({				\
	int __ret = 0;								\
	if (!(cond))								\
		__ret = __shim_wait_event(wq, cond, state, 0);			\
	__ret > 0 ? 0 : __ret; })
/* 0 on timeout, -ERESTARTSYS, or the jiffies left (at least 1). */
#define __shim_wait_event_timeout(wq, cond, state, timeout) ({			\
	u64 __e = ktime_get_ns() + (u64)(timeout) * NSEC_PER_MSEC;		\
	long __left = __shim_wait_event(wq, cond, state, __e);			\
	if (__left > 0) {							\
		u64 __now = ktime_get_ns();					\
		__left = __now < __e ?						\
			 (long)DIV_ROUND_UP(__e - __now, NSEC_PER_MSEC) : 1;	\
	}									\
	__left; })

#define wait_event(wq, cond) \
	((void)__shim_wait_event_state(wq, cond, TASK_UNINTERRUPTIBLE))
#define wait_event_interruptible(wq, cond) \
	__shim_wait_event_state(wq, cond, TASK_INTERRUPTIBLE)
#define wait_event_killable(wq, cond)	__shim_wait_event_state(wq, cond, TASK_KILLABLE)
#define wait_event_idle(wq, cond)	wait_event(wq, cond)
#define wait_event_timeout(wq, cond, t) \
	__shim_wait_event_timeout(wq, cond, TASK_UNINTERRUPTIBLE, t)
#define wait_event_interruptible_timeout(wq, cond, t) \
	__shim_wait_event_timeout(wq, cond, TASK_INTERRUPTIBLE, t)
#define wait_event_killable_timeout(wq, cond, t) \
	__shim_wait_event_timeout(wq, cond, TASK_KILLABLE, t)

/*
 * <linux/wait_bit.h>'s waits on a variable: on one of a hashed table of
 * wait queues, as the kernel's (shared by unrelated variables, so a
 * waiter may be woken for another's sake and checks again).
 */
wait_queue_head_t *__var_waitqueue(void *p);
#define wait_var_event(var, cond)	wait_event(*__var_waitqueue(var), cond)
#define wait_var_event_killable(var, cond) \
	wait_event_killable(*__var_waitqueue(var), cond)
#define wake_up_var(var)		wake_up_all(__var_waitqueue(var))

struct completion {
	unsigned int done;
	wait_queue_head_t wait;
};

#define COMPLETION_INITIALIZER(w) { 0, __WAIT_QUEUE_HEAD_INITIALIZER(w.wait) }
#define DECLARE_COMPLETION(w)	struct completion w = COMPLETION_INITIALIZER(w)
#define COMPLETE_ALL		UINT_MAX
void init_completion(struct completion *c);
#define reinit_completion(c)	WRITE_ONCE((c)->done, 0)
void complete(struct completion *c);
void complete_all(struct completion *c);
bool try_wait_for_completion(struct completion *c);
bool completion_done(struct completion *c);
#define wait_for_completion(c)	wait_event((c)->wait, try_wait_for_completion(c))
#define wait_for_completion_interruptible(c) \
	wait_event_interruptible((c)->wait, try_wait_for_completion(c))
#define wait_for_completion_killable(c) \
	wait_event_killable((c)->wait, try_wait_for_completion(c))
#define wait_for_completion_timeout(c, t) \
	((unsigned long)wait_event_timeout((c)->wait, try_wait_for_completion(c), t))

/* ---- hrtimers: a thread sleeps, then runs the callback as hardirq ---- */
enum hrtimer_restart { HRTIMER_NORESTART, HRTIMER_RESTART };
enum hrtimer_mode {
	HRTIMER_MODE_ABS = 0, HRTIMER_MODE_REL = 1,
	HRTIMER_MODE_ABS_HARD = 8, HRTIMER_MODE_REL_HARD = 9,
	HRTIMER_MODE_ABS_SOFT = 4, HRTIMER_MODE_REL_SOFT = 5,
	/* pinned: one thread per timer here, so "this CPU" is not modelled */
	HRTIMER_MODE_ABS_PINNED = 2, HRTIMER_MODE_REL_PINNED = 3,
	HRTIMER_MODE_ABS_PINNED_HARD = 10, HRTIMER_MODE_REL_PINNED_HARD = 11,
};

#ifndef CLOCK_MONOTONIC
#define CLOCK_MONOTONIC 1
#endif
struct hrtimer {
	enum hrtimer_restart (*function)(struct hrtimer *t);
	u64 expires_ns;
	pthread_t thread;
	bool started;
	int cancel;		/* atomic */
	int done;		/* atomic */
	int in_callback;	/* atomic: the callback is running */
	int rearmed;		/* atomic: started again from its callback */
	pthread_mutex_t lock;
	pthread_cond_t cond;
};

void hrtimer_init(struct hrtimer *t, clockid_t clock, enum hrtimer_mode mode);
void hrtimer_start(struct hrtimer *t, ktime_t tim, enum hrtimer_mode mode);
int hrtimer_cancel(struct hrtimer *t);
/* debugobjects' on-stack annotations: nothing to annotate here. */
#define hrtimer_init_on_stack(t, clock, mode)	hrtimer_init(t, clock, mode)
#define destroy_hrtimer_on_stack(t)	WARN_ON_ONCE(hrtimer_active(t))
/* <linux/sched/task_stack.h>: whether @obj is on the calling thread's stack. */
bool object_is_on_stack(const void *obj);

/* Queued, or running its callback: its thread has not finished. */
static inline bool hrtimer_active(const struct hrtimer *t)
{
	return t->started && !__atomic_load_n(&t->done, __ATOMIC_SEQ_CST);
}

static inline ktime_t hrtimer_get_expires(const struct hrtimer *t)
{
	return (ktime_t)t->expires_ns;
}

/* Waiting for its expiry: not running its callback, or started again. */
static inline bool hrtimer_is_queued(const struct hrtimer *t)
{
	return hrtimer_active(t) &&
	       (!__atomic_load_n(&t->in_callback, __ATOMIC_SEQ_CST) ||
		__atomic_load_n(&t->rearmed, __ATOMIC_SEQ_CST));
}

/*
 * From the callback, before it returns HRTIMER_RESTART: move the expiry
 * past @now by whole @interval steps. Return: the steps (0 if it was in
 * the future already).
 */
u64 hrtimer_forward(struct hrtimer *t, ktime_t now, ktime_t interval);
#define hrtimer_forward_now(t, interval) hrtimer_forward(t, ktime_get(), interval)

/* ---- per-CPU data: SHIM_NR_CPUS copies at a fixed stride ------------ */
#define SHIM_PCPU_UNIT		(1UL << 24)
extern char *shim_pcpu_base;
void __percpu *__alloc_percpu_gfp(size_t size, size_t align, gfp_t gfp);
#define __alloc_percpu(size, align) __alloc_percpu_gfp(size, align, GFP_KERNEL)
void free_percpu(void __percpu *p);
#define alloc_percpu_gfp(type, gfp) \
	((typeof(type) __percpu *)__alloc_percpu_gfp(sizeof(type), __alignof__(type), gfp))
#define alloc_percpu(type)	alloc_percpu_gfp(type, GFP_KERNEL)
#define per_cpu_ptr(p, cpu) \
	((typeof(p))((char *)(p) + (size_t)(cpu) * SHIM_PCPU_UNIT))
#define this_cpu_ptr(p)		per_cpu_ptr(p, smp_processor_id())
#define raw_cpu_ptr(p)		this_cpu_ptr(p)
#define get_cpu_ptr(p)		({ preempt_disable(); this_cpu_ptr(p); })
#define put_cpu_ptr(p)		preempt_enable()
#define per_cpu(var, cpu)	(*per_cpu_ptr(&(var), cpu))
#define this_cpu_read(pcp)	READ_ONCE(*this_cpu_ptr(&(pcp)))
#define this_cpu_write(pcp, v)	WRITE_ONCE(*this_cpu_ptr(&(pcp)), v)
/*
 * The read-modify-writes: in the kernel one instruction, atomic against
 * the CPU's own interrupts and preemption. Here a slot is one thread's,
 * so a load and a store do (the benchmark build: a plain add, as the
 * kernel's); the sanitizer builds make them atomic, so that threads that
 * share a slot (native_same_cpu(), the PREEMPT_RT model) see what a CPU's
 * tasks see.
 */
#ifdef SHIM_DEBUG
#define this_cpu_add_return(pcp, v)					\
	__atomic_add_fetch(this_cpu_ptr(&(pcp)), (v), __ATOMIC_RELAXED)
#define this_cpu_cmpxchg(pcp, o, n) ({					\
	typeof(pcp) __o = (o);						\
	__atomic_compare_exchange_n(this_cpu_ptr(&(pcp)), &__o, (n), false, \
				    __ATOMIC_RELAXED, __ATOMIC_RELAXED); \
	__o; })
#else
#define this_cpu_add_return(pcp, v) ({					\
	__auto_type __p = this_cpu_ptr(&(pcp));				\
	typeof(pcp) __n = READ_ONCE(*__p) + (v);			\
	WRITE_ONCE(*__p, __n);						\
	__n; })
#define this_cpu_cmpxchg(pcp, o, n) ({					\
	__auto_type __p = this_cpu_ptr(&(pcp));				\
	typeof(pcp) __c = READ_ONCE(*__p);				\
	if (__c == (o))							\
		WRITE_ONCE(*__p, (n));					\
	__c; })
#endif
#define this_cpu_add(pcp, v)	((void)this_cpu_add_return(pcp, v))
#define this_cpu_sub(pcp, v)	this_cpu_add(pcp, -(v))
#define this_cpu_inc(pcp)	this_cpu_add(pcp, 1)
#define this_cpu_dec(pcp)	this_cpu_sub(pcp, 1)
#define __this_cpu_add(pcp, v)	this_cpu_add(pcp, v)
#define __this_cpu_inc(pcp)	this_cpu_inc(pcp)
#define __this_cpu_read(pcp)	this_cpu_read(pcp)

#endif /* _SHIM_SCHED_H */
