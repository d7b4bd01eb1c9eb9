// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark of gosync_sem, one unit at a time, against the kernel's
 * struct semaphore (down()/up()) and a counter under a mutex with a wait
 * queue (what a driver writes without a semaphore). Each impl's state is
 * shared by all the threads of a run.
 *
 *	sem/pair	capacity = threads: no one ever waits; one op is an
 *			acquire of 1 and its release
 *	sem/contended	capacity 1: every thread contends; one op is an
 *			acquire of 1, a critical section (a plain increment
 *			of a shared counter) and the release
 *
 * gosync_try (try_acquire() + release) runs in pair only: with capacity 1
 * it would spin, which measures a spinlock, not a semaphore. The last
 * thread out of a contended run checks that the counter saw every op: a
 * lost increment means two holders at once.
 */
#include <linux/atomic.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/semaphore.h>
#include <linux/slab.h>
#include <linux/wait.h>

#include <gosync/sem.h>

#include "bench.h"
#include "runner.h"

/**
 * struct gsem_bench - the state every thread of a run shares
 * @sem: gosync_sem, gosync_try
 * @semaphore: struct semaphore
 * @lock: mutex_counter: guards @count
 * @count: mutex_counter: the units available
 * @wq: mutex_counter: where acquirers wait for @count
 * @cs: the critical section's counter (contended)
 * @ops: ops of the threads that are done (contended)
 * @alive: threads not done yet (contended)
 */
struct gsem_bench {
	struct gosync_sem sem;
	struct semaphore semaphore;
	struct mutex lock;	/* mutex_counter: guards count */
	unsigned int count;
	wait_queue_head_t wq;
	u64 cs ____cacheline_aligned;
	atomic64_t ops;
	atomic_t alive;
};

static int gsem_bench_setup(void **data, unsigned int capacity,
			    unsigned int threads)
{
	struct gsem_bench *b = kzalloc(sizeof(*b), GFP_KERNEL);
	int ret;

	if (!b)
		return -ENOMEM;
	ret = gosync_sem_init(&b->sem, capacity);
	if (ret) {
		kfree(b);
		return ret;
	}
	sema_init(&b->semaphore, capacity);
	mutex_init(&b->lock);
	b->count = capacity;
	init_waitqueue_head(&b->wq);
	atomic_set(&b->alive, threads);
	*data = b;
	return 0;
}

static int gsem_bench_setup_pair(void **data, unsigned int threads)
{
	return gsem_bench_setup(data, threads, threads);
}

static int gsem_bench_setup_contended(void **data, unsigned int threads)
{
	return gsem_bench_setup(data, 1, threads);
}

static void gsem_bench_teardown(void *data)
{
	kfree(data);
}

/* The obvious counting semaphore: a counter under a mutex, a wait queue. */
static void gsem_mc_down(struct gsem_bench *b)
{
	mutex_lock(&b->lock);
	while (!b->count) {
		mutex_unlock(&b->lock);
		/* A hint: rechecked under the lock. Pairs with gsem_mc_up(). */
		wait_event(b->wq, READ_ONCE(b->count));
		mutex_lock(&b->lock);
	}
	WRITE_ONCE(b->count, b->count - 1);
	mutex_unlock(&b->lock);
}

static void gsem_mc_up(struct gsem_bench *b)
{
	mutex_lock(&b->lock);
	WRITE_ONCE(b->count, b->count + 1);
	mutex_unlock(&b->lock);
	/* Its lock orders the count before a waiter's recheck. */
	wake_up(&b->wq);
}

enum gsem_bench_impl { GSEM_B_GOSYNC, GSEM_B_TRY, GSEM_B_SEMAPHORE, GSEM_B_MC };

/*
 * One acquire of 1; false if it failed (a bug here: no context, no
 * signal, and the units always come). @impl is a compile-time constant.
 */
static __always_inline bool gsem_b_down(struct gsem_bench *b,
					enum gsem_bench_impl impl)
{
	switch (impl) {
	case GSEM_B_GOSYNC:
		return !gosync_sem_acquire(&b->sem, 1, NULL);
	case GSEM_B_TRY:
		return gosync_sem_try_acquire(&b->sem, 1);
	case GSEM_B_SEMAPHORE:
		down(&b->semaphore);
		return true;
	default:
		gsem_mc_down(b);
		return true;
	}
}

static __always_inline void gsem_b_up(struct gsem_bench *b,
				      enum gsem_bench_impl impl)
{
	switch (impl) {
	case GSEM_B_GOSYNC:
	case GSEM_B_TRY:
		gosync_sem_release(&b->sem, 1);
		break;
	case GSEM_B_SEMAPHORE:
		up(&b->semaphore);
		break;
	default:
		gsem_mc_up(b);
		break;
	}
}

/* Ops between checks of the run's end: few, a contended op may sleep. */
#define GSEM_BATCH	64

/*
 * The ops of one thread: acquire 1, the critical section if @cs, release;
 * @impl and @cs are compile-time constants.
 */
static __always_inline int gsem_b_loop(struct gosync_run_thread *t,
				       enum gsem_bench_impl impl, bool cs)
{
	struct gsem_bench *b = t->run->data;
	unsigned int i;

	do {
		for (i = 0; i < GSEM_BATCH; i++) {
			if (!gsem_b_down(b, impl))
				return -EIO;
			/* The semaphore, of capacity 1, guards it. */
			if (cs)
				b->cs++;
			gsem_b_up(b, impl);
		}
		t->ops += GSEM_BATCH;
	} while (gosync_run_continue(t));
	return 0;
}

static __always_inline int gsem_b_pair(struct gosync_run_thread *t,
				       enum gsem_bench_impl impl)
{
	return gsem_b_loop(t, impl, false);
}

static __always_inline int gsem_b_contended(struct gosync_run_thread *t,
					    enum gsem_bench_impl impl)
{
	struct gsem_bench *b = t->run->data;
	int ret = gsem_b_loop(t, impl, true);

	if (ret)
		return ret;
	/* Fully ordered: the last one out sees every op and increment. */
	atomic64_add(t->ops, &b->ops);
	if (!atomic_dec_and_test(&b->alive))
		return 0;
	if (b->cs != (u64)atomic64_read(&b->ops)) {
		pr_err("sem/contended: %llu increments for %lld ops\n",
		       b->cs, (s64)atomic64_read(&b->ops));
		return -EIO;
	}
	return 0;
}

#define GSEM_BENCH(mix, id, im, which)					\
static int gsem_bench_body_##mix##_##id(struct gosync_run_thread *t)	\
{									\
	return gsem_b_##mix(t, which);					\
}									\
static const struct gosync_bench_case gsem_bench_##mix##_##id = {	\
	.primitive = "sem", .name = #mix, .impl = im,			\
	.setup = gsem_bench_setup_##mix,				\
	.body = gsem_bench_body_##mix##_##id,				\
	.teardown = gsem_bench_teardown,				\
}

GSEM_BENCH(pair, gosync, "gosync_sem", GSEM_B_GOSYNC);
GSEM_BENCH(pair, try, "gosync_try", GSEM_B_TRY);
GSEM_BENCH(pair, semaphore, "semaphore", GSEM_B_SEMAPHORE);
GSEM_BENCH(pair, mc, "mutex_counter", GSEM_B_MC);
GSEM_BENCH(contended, gosync, "gosync_sem", GSEM_B_GOSYNC);
GSEM_BENCH(contended, semaphore, "semaphore", GSEM_B_SEMAPHORE);
GSEM_BENCH(contended, mc, "mutex_counter", GSEM_B_MC);

GOSYNC_BENCH_SET(sem, &gsem_bench_pair_gosync, &gsem_bench_pair_try,
		 &gsem_bench_pair_semaphore, &gsem_bench_pair_mc,
		 &gsem_bench_contended_gosync, &gsem_bench_contended_semaphore,
		 &gsem_bench_contended_mc);
