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
 */
#ifndef _SHIM_SCHED_H
#define _SHIM_SCHED_H

#include <pthread.h>
#include <time.h>

#include <shim/kernel.h>
#include <shim/atomic.h>

#define SHIM_NR_CPUS	64

struct task_struct;

struct shim_ctx {
	int cpu;		/* per-CPU slot, -1 until first asked */
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
#define in_hardirq()		(shim_ctx.hardirq > 0)
#define in_irq()		in_hardirq()
#define in_softirq()		(shim_ctx.softirq_off > 0)
#define in_serving_softirq()	0
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
#define raw_spin_unlock(l)		spin_unlock(l)
#define raw_spin_lock_irqsave(l, f)	spin_lock_irqsave(l, f)
#define raw_spin_unlock_irqrestore(l, f) spin_unlock_irqrestore(l, f)
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
#define NSEC_PER_USEC		1000L
#define NSEC_PER_MSEC		1000000L
#define NSEC_PER_SEC		1000000000L
#define USEC_PER_MSEC		1000L
#define MSEC_PER_SEC		1000L
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
#define ktime_add_ns(a, n)	((a) + (n))
#define ktime_add_ms(a, n)	((a) + (n) * NSEC_PER_MSEC)
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
#define TASK_RUNNING		0
#define TASK_INTERRUPTIBLE	1
#define TASK_UNINTERRUPTIBLE	2
#define TASK_KILLABLE		TASK_UNINTERRUPTIBLE
#define TASK_COMM_LEN		16

struct task_struct {
	pthread_t thread;
	int (*fn)(void *data);
	void *data;
	char comm[TASK_COMM_LEN];
	atomic_t usage;
	int state;		/* TASK_*, atomic */
	int should_stop;	/* atomic */
	int bound_cpu;
	bool is_kthread;
	bool exited;		/* under lock: the kthread's function returned */
	int ret;
	pthread_mutex_t lock;
	pthread_cond_t cond;
};

struct task_struct *shim_current(void);
#define current			shim_current()
#define set_current_state(s)	__atomic_store_n(&current->state, (s), __ATOMIC_SEQ_CST)
#define __set_current_state(s)	__atomic_store_n(&current->state, (s), __ATOMIC_RELAXED)
void schedule(void);
long schedule_timeout(long timeout);
#define schedule_timeout_interruptible(t) \
	({ set_current_state(TASK_INTERRUPTIBLE); schedule_timeout(t); })
#define schedule_timeout_uninterruptible(t) \
	({ set_current_state(TASK_UNINTERRUPTIBLE); schedule_timeout(t); })
int wake_up_process(struct task_struct *t);
#define signal_pending(t)		0
#define fatal_signal_pending(t)		0
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

/* ---- wait queues and completions ------------------------------------ */
struct wait_queue_head {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned long seq;
};

typedef struct wait_queue_head wait_queue_head_t;
#define __WAIT_QUEUE_HEAD_INITIALIZER(n) \
	{ PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0 }
#define DECLARE_WAIT_QUEUE_HEAD(n) \
	wait_queue_head_t n = __WAIT_QUEUE_HEAD_INITIALIZER(n)

void init_waitqueue_head(wait_queue_head_t *wq);
void wake_up_all(wait_queue_head_t *wq);
#define wake_up(wq)			wake_up_all(wq)
#define wake_up_interruptible(wq)	wake_up_all(wq)
#define wake_up_interruptible_all(wq)	wake_up_all(wq)
unsigned long shim_wq_prepare(wait_queue_head_t *wq);
/* Sleep until woken after @seq or @deadline_ns (0: none); false on timeout. */
bool shim_wq_sleep(wait_queue_head_t *wq, unsigned long seq, u64 deadline_ns);

#define wait_event(wq, cond) do {						\
	might_sleep();								\
	for (;;) {								\
		unsigned long _s = shim_wq_prepare(&(wq));			\
		if (cond)							\
			break;							\
		shim_wq_sleep(&(wq), _s, 0);					\
	}									\
} while (0)
#define wait_event_interruptible(wq, cond)	({ wait_event(wq, cond); 0; })
#define wait_event_killable(wq, cond)		({ wait_event(wq, cond); 0; })
#define wait_event_idle(wq, cond)		wait_event(wq, cond)
/* Returns 0 on timeout, else the jiffies left (at least 1). */
#define wait_event_timeout(wq, cond, timeout) ({				\
	u64 _end = ktime_get_ns() + (u64)(timeout) * NSEC_PER_MSEC;		\
	long _left;								\
	might_sleep();								\
	for (;;) {								\
		unsigned long _s = shim_wq_prepare(&(wq));			\
		u64 _now = ktime_get_ns();					\
		if (cond) {							\
			_left = _now < _end ?					\
				(long)DIV_ROUND_UP(_end - _now, NSEC_PER_MSEC) : 1; \
			break;							\
		}								\
		if (_now >= _end) {						\
			_left = 0;						\
			break;							\
		}								\
		shim_wq_sleep(&(wq), _s, _end);					\
	}									\
	_left; })
#define wait_event_interruptible_timeout(wq, cond, t)	wait_event_timeout(wq, cond, t)
#define wait_event_killable_timeout(wq, cond, t)	wait_event_timeout(wq, cond, t)

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
#define wait_for_completion_interruptible(c) ({ wait_for_completion(c); 0; })
#define wait_for_completion_killable(c)	({ wait_for_completion(c); 0; })
#define wait_for_completion_timeout(c, t) \
	((unsigned long)wait_event_timeout((c)->wait, try_wait_for_completion(c), t))

/* ---- hrtimers: a thread sleeps, then runs the callback as hardirq ---- */
enum hrtimer_restart { HRTIMER_NORESTART, HRTIMER_RESTART };
enum hrtimer_mode {
	HRTIMER_MODE_ABS = 0, HRTIMER_MODE_REL = 1,
	HRTIMER_MODE_ABS_HARD = 8, HRTIMER_MODE_REL_HARD = 9,
	HRTIMER_MODE_ABS_SOFT = 4, HRTIMER_MODE_REL_SOFT = 5,
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
	pthread_mutex_t lock;
	pthread_cond_t cond;
};

void hrtimer_init(struct hrtimer *t, clockid_t clock, enum hrtimer_mode mode);
void hrtimer_start(struct hrtimer *t, ktime_t tim, enum hrtimer_mode mode);
int hrtimer_cancel(struct hrtimer *t);

/* Queued, or running its callback: its thread has not finished. */
static inline bool hrtimer_active(const struct hrtimer *t)
{
	return t->started && !__atomic_load_n(&t->done, __ATOMIC_SEQ_CST);
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
#define __alloc_percpu(size, align) __alloc_percpu_gfp(size, align, 0x400 | 0x800 | 0x40 | 0x80)
void free_percpu(void __percpu *p);
#define alloc_percpu_gfp(type, gfp) \
	((typeof(type) __percpu *)__alloc_percpu_gfp(sizeof(type), __alignof__(type), gfp))
#define alloc_percpu(type)	alloc_percpu_gfp(type, 0x400 | 0x800 | 0x40 | 0x80)
#define per_cpu_ptr(p, cpu) \
	((typeof(p))((char *)(p) + (size_t)(cpu) * SHIM_PCPU_UNIT))
#define this_cpu_ptr(p)		per_cpu_ptr(p, smp_processor_id())
#define raw_cpu_ptr(p)		this_cpu_ptr(p)
#define get_cpu_ptr(p)		({ preempt_disable(); this_cpu_ptr(p); })
#define put_cpu_ptr(p)		preempt_enable()
#define per_cpu(var, cpu)	(*per_cpu_ptr(&(var), cpu))
#define this_cpu_read(pcp)	READ_ONCE(*this_cpu_ptr(&(pcp)))
#define this_cpu_write(pcp, v)	WRITE_ONCE(*this_cpu_ptr(&(pcp)), v)
#define this_cpu_add(pcp, v)	\
	WRITE_ONCE(*this_cpu_ptr(&(pcp)), READ_ONCE(*this_cpu_ptr(&(pcp))) + (v))
#define this_cpu_sub(pcp, v)	this_cpu_add(pcp, -(v))
#define this_cpu_inc(pcp)	this_cpu_add(pcp, 1)
#define this_cpu_dec(pcp)	this_cpu_sub(pcp, 1)
#define __this_cpu_add(pcp, v)	this_cpu_add(pcp, v)
#define __this_cpu_inc(pcp)	this_cpu_inc(pcp)
#define __this_cpu_read(pcp)	this_cpu_read(pcp)
#define this_cpu_add_return(pcp, v) ({ this_cpu_add(pcp, v); this_cpu_read(pcp); })

#endif /* _SHIM_SCHED_H */
