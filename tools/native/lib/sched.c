// SPDX-License-Identifier: GPL-2.0
/*
 * Thread contexts and per-CPU slots, might_sleep(), mutexes, time, tasks
 * and kthreads, wait queues, completions, hrtimers and the per-CPU arena.
 * The semantics are in <shim/sched.h>.
 */
#include <linux/futex.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <shim/all.h>
#include <shim/native.h>

__thread struct shim_ctx shim_ctx = { .cpu = -1 };
unsigned int shim_nr_online = 1;

static const struct cpumask shim_online_mask_v = { 0 };
static struct cpumask shim_online_mask;
static const struct cpumask shim_possible_mask = { SHIM_NR_CPUS };
const struct cpumask *const cpu_online_mask = &shim_online_mask;
const struct cpumask *const cpu_possible_mask = &shim_possible_mask;

static unsigned int shim_next_id;
static pthread_mutex_t shim_slot_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long shim_slots;	/* bit i: slot i taken */
static pthread_key_t shim_exit_key;
static pthread_once_t shim_once = PTHREAD_ONCE_INIT;

static void shim_thread_exit(void *unused);

static void shim_setup(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	shim_nr_online = n < 1 ? 1 : n > SHIM_NR_CPUS ? SHIM_NR_CPUS : n;
	shim_online_mask.nr = shim_nr_online;
	(void)shim_online_mask_v;
	pthread_key_create(&shim_exit_key, shim_thread_exit);
}

void shim_setup_once(void)
{
	pthread_once(&shim_once, shim_setup);
}

unsigned int shim_ctx_id(void)
{
	if (unlikely(!shim_ctx.id))
		shim_ctx.id = __atomic_add_fetch(&shim_next_id, 1, __ATOMIC_RELAXED);
	return shim_ctx.id;
}

/* Give the thread a slot of its own, held until it exits. */
int shim_cpu_slot_first(void)
{
	int slot;

	if (shim_ctx.cpu >= 0)
		return shim_ctx.cpu;
	shim_setup_once();
	pthread_mutex_lock(&shim_slot_lock);
	/* The top SHIM_SHARED_SLOTS are never a thread's own. */
	slot = shim_slots == ~0UL ? SHIM_NR_CPUS : __builtin_ctzl(~shim_slots);
	if (slot >= SHIM_NR_CPUS - SHIM_SHARED_SLOTS)
		shim_bug(__FILE__, __LINE__, "too many threads use per-CPU data");
	shim_slots |= 1UL << slot;
	pthread_mutex_unlock(&shim_slot_lock);
	shim_ctx.cpu = slot;
	pthread_setspecific(shim_exit_key, (void *)1);
	return slot;
}

static void deadline_ts(struct timespec *ts, u64 deadline_ns)
{
	/* Condition variables below use CLOCK_MONOTONIC. */
	ts->tv_sec = deadline_ns / NSEC_PER_SEC;
	ts->tv_nsec = deadline_ns % NSEC_PER_SEC;
}

static void cond_init_mono(pthread_cond_t *c)
{
	pthread_condattr_t a;

	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(c, &a);
	pthread_condattr_destroy(&a);
}

static struct task_struct *task_alloc(void)
{
	struct task_struct *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	atomic_set(&t->usage, 1);
	t->bound_cpu = -1;
	t->shared_slot = -1;
	pthread_mutex_init(&t->lock, NULL);
	cond_init_mono(&t->cond);
	return t;
}

static void shim_thread_exit(void *unused)
{
	struct task_struct *t = shim_ctx.task;

	if (shim_ctx.cpu >= 0 && !shim_ctx.cpu_shared) {
		pthread_mutex_lock(&shim_slot_lock);
		shim_slots &= ~(1UL << shim_ctx.cpu);
		pthread_mutex_unlock(&shim_slot_lock);
		shim_ctx.cpu = -1;
	}
	/* The thread's own reference, as a task's at exit. */
	if (t)
		put_task_struct(t);
	shim_ctx.task = NULL;
}

struct task_struct *shim_current(void)
{
	if (unlikely(!shim_ctx.task)) {
		shim_setup_once();
		shim_ctx.task = task_alloc();
		if (!shim_ctx.task)
			shim_bug(__FILE__, __LINE__, "out of memory for current");
		shim_ctx.task->thread = pthread_self();
		pthread_setspecific(shim_exit_key, (void *)1);
	}
	return shim_ctx.task;
}

void shim_might_sleep(const char *file, int line)
{
	if (unlikely(shim_ctx.atomic || shim_ctx.rcu)) {
		fprintf(stderr, "BUG: sleeping function called from invalid context at %s:%d\n",
			file, line);
		shim_warn(file, line, "might_sleep()");
	}
}

void shim_spin_wait(spinlock_t *l)
{
	unsigned int spins = 0;

	while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED)) {
		if (++spins % 256)
			cpu_relax();
		else
			sched_yield();
	}
}

void shim_spin_unlock_bad(spinlock_t *l)
{
	shim_warn(__FILE__, __LINE__, "spin_unlock() of a lock this thread does not hold");
}

/* ---- mutexes -------------------------------------------------------- */
void mutex_init(struct mutex *m)
{
	pthread_mutex_init(&m->m, NULL);
	m->owner = 0;
}

void mutex_destroy(struct mutex *m)
{
	WARN_ON(__atomic_load_n(&m->owner, __ATOMIC_RELAXED));
	pthread_mutex_destroy(&m->m);
}

void mutex_lock(struct mutex *m)
{
	might_sleep();
	pthread_mutex_lock(&m->m);
	__atomic_store_n(&m->owner, shim_ctx_id(), __ATOMIC_RELAXED);
}

int mutex_trylock(struct mutex *m)
{
	if (pthread_mutex_trylock(&m->m))
		return 0;
	__atomic_store_n(&m->owner, shim_ctx_id(), __ATOMIC_RELAXED);
	return 1;
}

void mutex_unlock(struct mutex *m)
{
	WARN_ON(__atomic_load_n(&m->owner, __ATOMIC_RELAXED) != shim_ctx_id());
	__atomic_store_n(&m->owner, 0, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&m->m);
}

bool mutex_is_locked(struct mutex *m)
{
	return __atomic_load_n(&m->owner, __ATOMIC_RELAXED) != 0;
}

/* ---- time ----------------------------------------------------------- */
static void sleep_ns(u64 ns)
{
	struct timespec ts = { ns / NSEC_PER_SEC, ns % NSEC_PER_SEC };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

void msleep(unsigned int ms)
{
	might_sleep();
	sleep_ns((u64)ms * NSEC_PER_MSEC);
}

/* As the kernel's: until a signal; returns the ms left then. */
unsigned long msleep_interruptible(unsigned int ms)
{
	long left = ms;

	might_sleep();
	while (left && !signal_pending(current))
		left = schedule_timeout_interruptible(left);
	return left;
}

void usleep_range(unsigned long min, unsigned long max)
{
	might_sleep();
	sleep_ns((u64)min * NSEC_PER_USEC);
}

void udelay(unsigned long us)
{
	u64 end = ktime_get_ns() + us * NSEC_PER_USEC;

	while (ktime_get_ns() < end)
		cpu_relax();
}

/* ---- tasks ---------------------------------------------------------- */
int wake_up_process(struct task_struct *t)
{
	int woke;

	pthread_mutex_lock(&t->lock);
	woke = __atomic_exchange_n(&t->state, TASK_RUNNING, __ATOMIC_SEQ_CST) != TASK_RUNNING;
	pthread_cond_broadcast(&t->cond);
	pthread_mutex_unlock(&t->lock);
	return woke;
}

/* Woken by wake_up_process(), or by a signal @state lets in. */
static bool task_woken(struct task_struct *t, unsigned int state)
{
	return __atomic_load_n(&t->state, __ATOMIC_SEQ_CST) == TASK_RUNNING ||
	       signal_pending_state(state, t);
}

long schedule_timeout(long timeout)
{
	struct task_struct *t = current;
	struct wait_queue_entry *w = t->wait;
	unsigned int state = __atomic_load_n(&t->state, __ATOMIC_RELAXED);
	u64 end, now;
	struct timespec ts;
	long left = timeout;

	if (unlikely(shim_ctx.atomic || shim_ctx.rcu))
		shim_warn(__FILE__, __LINE__, "scheduling while atomic");
	if (unlikely(timeout < 0)) {
		shim_warn(__FILE__, __LINE__, "a negative timeout to sleep");
		__atomic_store_n(&t->state, TASK_RUNNING, __ATOMIC_SEQ_CST);
		return 0;
	}
	end = timeout == MAX_SCHEDULE_TIMEOUT ? 0 :
	      ktime_get_ns() + (u64)timeout * NSEC_PER_MSEC;
	if (w && w->head) {
		/* Between prepare_to_wait*() and finish_wait(): see sched.h. */
		while (!task_woken(t, state)) {
			if (shim_wq_sleep(w->head, w->seq, shim_wq_until(end, state)))
				break;
			if (end && ktime_get_ns() >= end) {
				left = 0;
				break;
			}
		}
	} else {
		deadline_ts(&ts, end);
		pthread_mutex_lock(&t->lock);
		while (!task_woken(t, state)) {
			if (!end) {
				pthread_cond_wait(&t->cond, &t->lock);
			} else if (pthread_cond_timedwait(&t->cond, &t->lock, &ts) == ETIMEDOUT) {
				left = 0;
				break;
			}
		}
		pthread_mutex_unlock(&t->lock);
	}
	__atomic_store_n(&t->state, TASK_RUNNING, __ATOMIC_SEQ_CST);
	if (end && left) {
		now = ktime_get_ns();
		left = now < end ? (long)DIV_ROUND_UP(end - now, NSEC_PER_MSEC) : 1;
	}
	return left;
}

void schedule(void)
{
	schedule_timeout(MAX_SCHEDULE_TIMEOUT);
}

void get_task_struct(struct task_struct *t)
{
	atomic_inc(&t->usage);
}

void put_task_struct(struct task_struct *t)
{
	if (!atomic_dec_and_test(&t->usage))
		return;
	pthread_mutex_destroy(&t->lock);
	pthread_cond_destroy(&t->cond);
	free(t);
}

/* ---- kthreads ------------------------------------------------------- */
void native_bind_cpu(unsigned int cpu)
{
	cpu_set_t set;

	shim_setup_once();
	CPU_ZERO(&set);
	CPU_SET(cpu % shim_nr_online, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void *kthread_main(void *arg)
{
	struct task_struct *t = arg;

	shim_ctx.task = t;
	pthread_setspecific(shim_exit_key, (void *)1);
	shim_rcu_register_thread();
	/* Created asleep, as kthread_create() leaves it: wait for a wakeup. */
	pthread_mutex_lock(&t->lock);
	while (__atomic_load_n(&t->state, __ATOMIC_SEQ_CST) != TASK_RUNNING)
		pthread_cond_wait(&t->cond, &t->lock);
	pthread_mutex_unlock(&t->lock);
	if (t->shared_slot >= 0) {
		shim_ctx.cpu = t->shared_slot;
		shim_ctx.cpu_shared = true;
	} else if (t->bound_cpu >= 0) {
		native_bind_cpu(t->bound_cpu);
	}
	if (!kthread_should_stop())
		t->ret = t->fn(t->data);
	else
		t->ret = -EINTR;
	if (shim_ctx.atomic || shim_ctx.rcu)
		shim_warn(__FILE__, __LINE__, "kthread returned in atomic context");
	shim_rcu_unregister_thread();
	/* For kthread_stop(); shim_thread_exit() then drops our reference. */
	pthread_mutex_lock(&t->lock);
	t->exited = true;
	pthread_cond_broadcast(&t->cond);
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

struct task_struct *kthread_create_on_node(int (*fn)(void *data), void *data,
					   int node, const char *namefmt, ...)
{
	struct task_struct *t;
	pthread_attr_t attr;
	va_list ap;
	int err;

	might_sleep();
	shim_setup_once();
	t = task_alloc();
	if (!t)
		return ERR_PTR(-ENOMEM);
	t->fn = fn;
	t->data = data;
	t->is_kthread = true;
	t->state = TASK_UNINTERRUPTIBLE;
	va_start(ap, namefmt);
	vsnprintf(t->comm, sizeof(t->comm), namefmt, ap);
	va_end(ap);
	/*
	 * Detached: as a kernel thread is reaped when its function returns,
	 * whether or not anyone calls kthread_stop(), which waits for
	 * t->exited instead of joining.
	 */
	if (pthread_attr_init(&attr))
		goto fail;
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	err = pthread_create(&t->thread, &attr, kthread_main, t);
	pthread_attr_destroy(&attr);
	if (err)
		goto fail;
	return t;
fail:
	put_task_struct(t);
	return ERR_PTR(-EAGAIN);
}

void kthread_bind(struct task_struct *t, unsigned int cpu)
{
	t->bound_cpu = cpu;
}

void native_same_cpu(struct task_struct *t, unsigned int cpu)
{
	t->shared_slot = SHIM_NR_CPUS - SHIM_SHARED_SLOTS +
			 cpu % SHIM_SHARED_SLOTS;
}

bool kthread_should_stop(void)
{
	struct task_struct *t = shim_ctx.task;

	return t && __atomic_load_n(&t->should_stop, __ATOMIC_SEQ_CST);
}

int kthread_stop(struct task_struct *t)
{
	int ret;

	might_sleep();
	get_task_struct(t);	/* the caller's contract: @t has not exited */
	__atomic_store_n(&t->should_stop, 1, __ATOMIC_SEQ_CST);
	wake_up_process(t);
	pthread_mutex_lock(&t->lock);
	while (!t->exited)
		pthread_cond_wait(&t->cond, &t->lock);
	ret = t->ret;
	pthread_mutex_unlock(&t->lock);
	put_task_struct(t);
	return ret;
}

/* ---- signals -------------------------------------------------------- */
int send_sig(int sig, struct task_struct *t, int priv)
{
	if (sig < 1 || sig > (int)BITS_PER_LONG)
		return -EINVAL;
	/* A kthread ignores what it did not allow, as in the kernel. */
	if (t->is_kthread &&
	    !(__atomic_load_n(&t->sigallowed, __ATOMIC_ACQUIRE) & shim_sigmask(sig)))
		return 0;
	/* Release: pairs with signal_pending()'s acquire. */
	__atomic_fetch_or(&t->sigpending, shim_sigmask(sig), __ATOMIC_RELEASE);
	/* Wake a schedule_timeout() outside a wait queue; a queue's sleep polls. */
	pthread_mutex_lock(&t->lock);
	pthread_cond_broadcast(&t->cond);
	pthread_mutex_unlock(&t->lock);
	return 0;
}

void allow_signal(int sig)
{
	__atomic_fetch_or(&current->sigallowed, shim_sigmask(sig), __ATOMIC_RELEASE);
}

void disallow_signal(int sig)
{
	struct task_struct *t = current;

	__atomic_fetch_and(&t->sigallowed, ~shim_sigmask(sig), __ATOMIC_RELEASE);
	__atomic_fetch_and(&t->sigpending, ~shim_sigmask(sig), __ATOMIC_RELAXED);
}

void flush_signals(struct task_struct *t)
{
	__atomic_store_n(&t->sigpending, 0, __ATOMIC_RELAXED);
}

/* ---- wait queues ---------------------------------------------------- */
/* The protocol is in <shim/sched.h>. */
static long shim_futex(unsigned int *uaddr, int op, unsigned int val,
		       const struct timespec *abs_mono)
{
	return syscall(SYS_futex, uaddr, op, val, abs_mono, NULL, FUTEX_BITSET_MATCH_ANY);
}

void init_waitqueue_head(wait_queue_head_t *wq)
{
	wq->seq = 0;
	wq->waiters = 0;
	pthread_mutex_init(&wq->lock, NULL);
}

void wake_up_all(wait_queue_head_t *wq)
{
	/* Release, and ordered before the load of @waiters: see sched.h. */
	__atomic_add_fetch(&wq->seq, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&wq->waiters, __ATOMIC_SEQ_CST))
		shim_futex(&wq->seq, FUTEX_WAKE_PRIVATE, INT_MAX, NULL);
}

/* The kernel's bit_wait_table: 256 queues, hashed by address. */
#define SHIM_VAR_WQS	256
static wait_queue_head_t shim_var_wq[SHIM_VAR_WQS];

__attribute__((constructor)) static void shim_var_wq_init(void)
{
	unsigned int i;

	for (i = 0; i < SHIM_VAR_WQS; i++)
		init_waitqueue_head(&shim_var_wq[i]);
}

wait_queue_head_t *__var_waitqueue(void *p)
{
	return &shim_var_wq[((uintptr_t)p * 0x9e3779b97f4a7c15ULL) >> 56];
}

u64 shim_wq_until(u64 end_ns, unsigned int state)
{
	u64 poll;

	if (!(state & (TASK_INTERRUPTIBLE | TASK_WAKEKILL)))
		return end_ns;
	poll = ktime_get_ns() + SHIM_WQ_POLL_NS;
	return end_ns && end_ns < poll ? end_ns : poll;
}

bool shim_wq_sleep(wait_queue_head_t *wq, unsigned int seq, u64 deadline_ns)
{
	struct timespec ts;

	deadline_ts(&ts, deadline_ns);
	/* Acquire: pairs with wake_up_all()'s increment. */
	while (__atomic_load_n(&wq->seq, __ATOMIC_ACQUIRE) == seq) {
		if (deadline_ns && ktime_get_ns() >= deadline_ns)
			return false;
		/* Sleeps only if @seq is still there (an absolute monotonic deadline). */
		shim_futex(&wq->seq, FUTEX_WAIT_BITSET_PRIVATE, seq,
			   deadline_ns ? &ts : NULL);
	}
	return true;
}

void prepare_to_wait(wait_queue_head_t *wq, struct wait_queue_entry *w, int state)
{
	if (!w->head) {
		shim_wq_add(wq);
		w->head = wq;
	}
	/* Registered first: see the diagram in sched.h. */
	w->seq = shim_wq_prepare(wq);
	current->wait = w;
	set_current_state(state);
}

long prepare_to_wait_event(wait_queue_head_t *wq, struct wait_queue_entry *w, int state)
{
	if (signal_pending_state(state, current)) {
		/* Off the queue, as the kernel's; the caller calls finish_wait(). */
		if (w->head)
			shim_wq_del(w->head);
		w->head = NULL;
		return -ERESTARTSYS;
	}
	prepare_to_wait(wq, w, state);
	return 0;
}

void finish_wait(wait_queue_head_t *wq, struct wait_queue_entry *w)
{
	struct task_struct *t = current;

	__set_current_state(TASK_RUNNING);
	if (w->head) {
		WARN_ON_ONCE(w->head != wq);
		shim_wq_del(w->head);
		w->head = NULL;
	}
	if (t->wait == w)
		t->wait = NULL;
}

/* ---- completions ---------------------------------------------------- */
/*
 * The count is under the queue's lock, and so is the wake-up: a waiter
 * that took the count (under the lock) may free the completion, as in
 * the kernel, so complete() touches nothing of it after unlocking.
 */
void init_completion(struct completion *c)
{
	c->done = 0;
	init_waitqueue_head(&c->wait);
}

void complete(struct completion *c)
{
	pthread_mutex_lock(&c->wait.lock);
	if (c->done != COMPLETE_ALL)
		c->done++;
	wake_up_all(&c->wait);
	pthread_mutex_unlock(&c->wait.lock);
}

void complete_all(struct completion *c)
{
	pthread_mutex_lock(&c->wait.lock);
	c->done = COMPLETE_ALL;
	wake_up_all(&c->wait);
	pthread_mutex_unlock(&c->wait.lock);
}

bool try_wait_for_completion(struct completion *c)
{
	bool ret = false;

	pthread_mutex_lock(&c->wait.lock);
	if (c->done) {
		if (c->done != COMPLETE_ALL)
			c->done--;
		ret = true;
	}
	pthread_mutex_unlock(&c->wait.lock);
	return ret;
}

bool completion_done(struct completion *c)
{
	bool ret;

	pthread_mutex_lock(&c->wait.lock);
	ret = c->done;
	pthread_mutex_unlock(&c->wait.lock);
	return ret;
}

/* ---- hrtimers ------------------------------------------------------- */
/*
 * The timer's thread: wait for the expiry (or a cancel), run the callback
 * as hardirq, and again at the new expiry for as long as the callback
 * returns HRTIMER_RESTART (it moved the expiry with hrtimer_forward()).
 */
static void *hrtimer_thread(void *arg)
{
	struct hrtimer *t = arg;
	struct timespec ts;
	bool fire, restart;

	shim_rcu_register_thread();
	do {
		deadline_ts(&ts, t->expires_ns);
		pthread_mutex_lock(&t->lock);
		while (!__atomic_load_n(&t->cancel, __ATOMIC_SEQ_CST)) {
			if (pthread_cond_timedwait(&t->cond, &t->lock, &ts) == ETIMEDOUT)
				break;
		}
		fire = !__atomic_load_n(&t->cancel, __ATOMIC_SEQ_CST);
		pthread_mutex_unlock(&t->lock);
		if (!fire)
			break;
		shim_ctx.hardirq++;
		shim_atomic_enter();
		__atomic_store_n(&t->in_callback, 1, __ATOMIC_SEQ_CST);
		restart = t->function(t) == HRTIMER_RESTART;
		__atomic_store_n(&t->in_callback, 0, __ATOMIC_SEQ_CST);
		/* Started again from the callback: that expiry stands. */
		if (__atomic_exchange_n(&t->rearmed, 0, __ATOMIC_SEQ_CST))
			restart = true;
		shim_atomic_exit();
		shim_ctx.hardirq--;
	} while (restart);
	if (fire)
		__atomic_store_n(&t->done, 1, __ATOMIC_SEQ_CST);
	shim_rcu_unregister_thread();
	return NULL;
}

u64 hrtimer_forward(struct hrtimer *t, ktime_t now, ktime_t interval)
{
	u64 n;

	if ((u64)now < t->expires_ns)
		return 0;
	/*
	 * As the kernel's: an enqueued timer is not forwarded. Called from
	 * the callback only, where enqueued means started again.
	 */
	if (WARN_ON(__atomic_load_n(&t->rearmed, __ATOMIC_SEQ_CST)))
		return 0;
	if (WARN_ON(interval <= 0))
		interval = 1;
	n = ((u64)now - t->expires_ns) / (u64)interval + 1;
	t->expires_ns += n * (u64)interval;
	return n;
}

void hrtimer_init(struct hrtimer *t, clockid_t clock, enum hrtimer_mode mode)
{
	memset(t, 0, sizeof(*t));
	pthread_mutex_init(&t->lock, NULL);
	cond_init_mono(&t->cond);
}

void hrtimer_start(struct hrtimer *t, ktime_t tim, enum hrtimer_mode mode)
{
	/*
	 * From its own callback (or a hook that callback calls): the
	 * timer's thread runs it again at the new expiry.
	 */
	if (t->started && __atomic_load_n(&t->in_callback, __ATOMIC_SEQ_CST) &&
	    pthread_equal(pthread_self(), t->thread)) {
		t->expires_ns = (mode & HRTIMER_MODE_REL) ?
				ktime_get_ns() + tim : (u64)tim;
		__atomic_store_n(&t->rearmed, 1, __ATOMIC_SEQ_CST);
		return;
	}
	if (t->started)
		hrtimer_cancel(t);
	t->expires_ns = (mode & HRTIMER_MODE_REL) ? ktime_get_ns() + tim : (u64)tim;
	__atomic_store_n(&t->cancel, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&t->done, 0, __ATOMIC_SEQ_CST);
	t->started = !pthread_create(&t->thread, NULL, hrtimer_thread, t);
	WARN_ON(!t->started);
}

int hrtimer_cancel(struct hrtimer *t)
{
	int was_pending;

	if (!t->started)
		return 0;
	pthread_mutex_lock(&t->lock);
	__atomic_store_n(&t->cancel, 1, __ATOMIC_SEQ_CST);
	pthread_cond_broadcast(&t->cond);
	pthread_mutex_unlock(&t->lock);
	pthread_join(t->thread, NULL);
	t->started = false;
	was_pending = !__atomic_load_n(&t->done, __ATOMIC_SEQ_CST);
	return was_pending;
}

/* ---- the per-CPU arena ---------------------------------------------- */
/*
 * SHIM_NR_CPUS units of SHIM_PCPU_UNIT bytes of address space (reserved,
 * not committed); an allocation is one offset, valid in every unit, so
 * per_cpu_ptr() is an addition. Power-of-two size classes, each chunk
 * aligned to its size (up to a page), freed chunks reused by class.
 */
#define PCPU_MIN_SHIFT	4
#define PCPU_CLASSES	21
char *shim_pcpu_base;
static size_t pcpu_next;
static u8 pcpu_class_of[SHIM_PCPU_UNIT >> PCPU_MIN_SHIFT];
static size_t pcpu_free[PCPU_CLASSES];	/* offset + 1 of a free chunk, 0: none */
static pthread_mutex_t pcpu_lock = PTHREAD_MUTEX_INITIALIZER;

void __percpu *__alloc_percpu_gfp(size_t size, size_t align, gfp_t gfp)
{
	unsigned int c = PCPU_MIN_SHIFT, cpu;
	size_t off;

	might_sleep_if(gfp & 0x400);
	while ((1UL << c) < size || (1UL << c) < align)
		c++;
	if (c - PCPU_MIN_SHIFT >= PCPU_CLASSES)
		return NULL;
	pthread_mutex_lock(&pcpu_lock);
	if (!shim_pcpu_base) {
		void *p = mmap(NULL, SHIM_NR_CPUS * SHIM_PCPU_UNIT, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

		if (p == MAP_FAILED) {
			pthread_mutex_unlock(&pcpu_lock);
			return NULL;
		}
		shim_pcpu_base = p;
	}
	if (pcpu_free[c - PCPU_MIN_SHIFT]) {
		off = pcpu_free[c - PCPU_MIN_SHIFT] - 1;
		memcpy(&pcpu_free[c - PCPU_MIN_SHIFT], shim_pcpu_base + off, sizeof(size_t));
	} else {
		size_t a = min_t(size_t, 1UL << c, 4096);

		off = round_up(pcpu_next, a);
		if (off + (1UL << c) > SHIM_PCPU_UNIT) {
			pthread_mutex_unlock(&pcpu_lock);
			return NULL;
		}
		pcpu_next = off + (1UL << c);
	}
	pcpu_class_of[off >> PCPU_MIN_SHIFT] = c;
	for (cpu = 0; cpu < SHIM_NR_CPUS; cpu++)
		memset(shim_pcpu_base + cpu * SHIM_PCPU_UNIT + off, 0, size);
	pthread_mutex_unlock(&pcpu_lock);
	return shim_pcpu_base + off;
}

void free_percpu(void __percpu *p)
{
	size_t off;
	unsigned int c;

	if (!p)
		return;
	off = (char *)p - shim_pcpu_base;
	pthread_mutex_lock(&pcpu_lock);
	c = pcpu_class_of[off >> PCPU_MIN_SHIFT];
	if (WARN_ON(c < PCPU_MIN_SHIFT)) {
		pthread_mutex_unlock(&pcpu_lock);
		return;
	}
	pcpu_class_of[off >> PCPU_MIN_SHIFT] = 0;
	memcpy(shim_pcpu_base + off, &pcpu_free[c - PCPU_MIN_SHIFT], sizeof(size_t));
	pcpu_free[c - PCPU_MIN_SHIFT] = off + 1;
	pthread_mutex_unlock(&pcpu_lock);
}

/* ---- CPU hotplug states --------------------------------------------- */
/*
 * The dynamic states, each with its callbacks and, for a multi-instance
 * state, its instances. shim_cpuhp_teardown() runs the callbacks with
 * cpuhp_lock held: in the kernel, adding or removing an instance waits
 * for a hotplug operation in progress (cpus_read_lock()) in the same way.
 */
#define CPUHP_SLOTS	(CPUHP_ONLINE + 1)

struct shim_cpuhp_step {
	const char *name;
	bool used;
	bool multi;
	int (*startup)(unsigned int cpu);
	int (*teardown)(unsigned int cpu);
	int (*startup_multi)(unsigned int cpu, struct hlist_node *node);
	int (*teardown_multi)(unsigned int cpu, struct hlist_node *node);
	struct hlist_head list;
};

static struct shim_cpuhp_step cpuhp_steps[CPUHP_SLOTS];
static pthread_mutex_t cpuhp_lock = PTHREAD_MUTEX_INITIALIZER;

static bool cpuhp_valid(enum cpuhp_state state)
{
	return state > CPUHP_OFFLINE && state < CPUHP_ONLINE &&
	       state != CPUHP_BP_PREPARE_DYN_END;
}

int __cpuhp_setup_state(enum cpuhp_state state, const char *name,
			int (*startup)(unsigned int cpu),
			int (*teardown)(unsigned int cpu),
			int (*startup_multi)(unsigned int cpu,
					     struct hlist_node *node),
			int (*teardown_multi)(unsigned int cpu,
					      struct hlist_node *node))
{
	int first, last, s, ret = -ENOSPC;

	might_sleep();
	if (state == CPUHP_BP_PREPARE_DYN) {
		first = CPUHP_BP_PREPARE_DYN;
		last = CPUHP_BP_PREPARE_DYN_END - 1;
	} else if (state == CPUHP_AP_ONLINE_DYN) {
		first = CPUHP_AP_ONLINE_DYN;
		last = CPUHP_AP_ONLINE_DYN_END - 1;
	} else {
		WARN(1, "shim: cpuhp: only dynamic states are supported\n");
		return -EINVAL;
	}
	pthread_mutex_lock(&cpuhp_lock);
	for (s = first; s <= last; s++) {
		struct shim_cpuhp_step *st = &cpuhp_steps[s];

		if (st->used)
			continue;
		memset(st, 0, sizeof(*st));
		st->used = true;
		st->name = name;
		st->multi = startup_multi || teardown_multi;
		st->startup = startup;
		st->teardown = teardown;
		st->startup_multi = startup_multi;
		st->teardown_multi = teardown_multi;
		ret = s;
		break;
	}
	pthread_mutex_unlock(&cpuhp_lock);
	return ret;
}

void __cpuhp_remove_state(enum cpuhp_state state)
{
	struct shim_cpuhp_step *st;

	might_sleep();
	if (WARN_ON(!cpuhp_valid(state)))
		return;
	pthread_mutex_lock(&cpuhp_lock);
	st = &cpuhp_steps[state];
	WARN(!st->used, "shim: cpuhp: removing state %d, which is not set up\n",
	     state);
	WARN(st->multi && !hlist_empty(&st->list),
	     "Error: Removing state %d which has instances left.\n", state);
	st->used = false;
	pthread_mutex_unlock(&cpuhp_lock);
}

int cpuhp_state_add_instance_nocalls(enum cpuhp_state state,
				     struct hlist_node *node)
{
	struct shim_cpuhp_step *st;
	int ret = 0;

	might_sleep();
	if (!cpuhp_valid(state))
		return -EINVAL;
	pthread_mutex_lock(&cpuhp_lock);
	st = &cpuhp_steps[state];
	if (!st->used || !st->multi)
		ret = -EINVAL;
	else
		hlist_add_head(node, &st->list);
	pthread_mutex_unlock(&cpuhp_lock);
	return ret;
}

int cpuhp_state_remove_instance_nocalls(enum cpuhp_state state,
					struct hlist_node *node)
{
	struct shim_cpuhp_step *st;
	struct hlist_node *n;
	bool found = false;

	might_sleep();
	if (!cpuhp_valid(state))
		return -EINVAL;
	pthread_mutex_lock(&cpuhp_lock);
	st = &cpuhp_steps[state];
	hlist_for_each(n, &st->list)
		found |= n == node;
	WARN(!found, "shim: cpuhp: instance not on state %d\n", state);
	if (found)
		hlist_del(node);
	pthread_mutex_unlock(&cpuhp_lock);
	return found ? 0 : -ENOENT;
}

void shim_cpuhp_teardown(unsigned int cpu)
{
	struct shim_cpuhp_step *st;
	struct hlist_node *n;
	int s;

	might_sleep();
	pthread_mutex_lock(&cpuhp_lock);
	for (s = CPUHP_ONLINE - 1; s > CPUHP_OFFLINE; s--) {
		st = &cpuhp_steps[s];
		if (!st->used)
			continue;
		if (st->teardown)
			st->teardown(cpu);
		if (st->teardown_multi)
			hlist_for_each(n, &st->list)
				st->teardown_multi(cpu, n);
	}
	pthread_mutex_unlock(&cpuhp_lock);
}

unsigned int shim_cpuhp_instances(enum cpuhp_state state)
{
	struct hlist_node *n;
	unsigned int nr = 0;

	if (!cpuhp_valid(state))
		return 0;
	pthread_mutex_lock(&cpuhp_lock);
	if (cpuhp_steps[state].used)
		hlist_for_each(n, &cpuhp_steps[state].list)
			nr++;
	pthread_mutex_unlock(&cpuhp_lock);
	return nr;
}

bool object_is_on_stack(const void *obj)
{
	uintptr_t p = (uintptr_t)obj;
	pthread_attr_t a;
	size_t size;
	void *addr;
	bool on;

	if (pthread_getattr_np(pthread_self(), &a))
		return false;
	on = !pthread_attr_getstack(&a, &addr, &size) &&
	     p >= (uintptr_t)addr && p < (uintptr_t)addr + size;
	pthread_attr_destroy(&a);
	return on;
}
