/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Workqueues: each workqueue has one worker thread that runs its work
 * items in queueing order. The kernel's guarantees hold: a work item is
 * pending at most once, never runs concurrently with itself, and
 * flush/cancel wait for a running instance. What differs: the kernel may
 * run the items of an unbound queue concurrently; here they run one at a
 * time, so a work item that waits for another of the same queue would
 * deadlock here (and is fragile in a kernel too).
 */
#ifndef _SHIM_WORKQUEUE_H
#define _SHIM_WORKQUEUE_H

#include <shim/kernel.h>
#include <shim/sched.h>
#include <shim/rcu.h>

struct work_struct;
struct workqueue_struct;
typedef void (*work_func_t)(struct work_struct *work);

struct work_struct {
	work_func_t func;
	struct work_struct *next;	/* in its queue, under the queue lock */
	struct workqueue_struct *wq;	/* the queue it was last queued on */
	int pending;			/* under the queue lock */
	int running;			/* under the queue lock */
};

struct rcu_work {
	struct work_struct work;
	struct rcu_head rcu;
	struct workqueue_struct *wq;
};

#define WQ_UNBOUND		(1 << 1)
#define WQ_FREEZABLE		(1 << 2)
#define WQ_MEM_RECLAIM		(1 << 3)
#define WQ_HIGHPRI		(1 << 4)
#define WQ_CPU_INTENSIVE	(1 << 5)

#define INIT_WORK(w, f) do {							\
	memset((w), 0, sizeof(*(w)));						\
	(w)->func = (f);							\
} while (0)
#define INIT_RCU_WORK(rw, f)	INIT_WORK(&(rw)->work, f)
#define to_rcu_work(w)		container_of(w, struct rcu_work, work)
#define DECLARE_WORK(n, f)	struct work_struct n = { .func = (f) }

__printf(1, 4) struct workqueue_struct *
alloc_workqueue(const char *fmt, unsigned int flags, int max_active, ...);
#define alloc_ordered_workqueue(fmt, flags, ...) \
	alloc_workqueue(fmt, (flags) | WQ_UNBOUND, 1, ##__VA_ARGS__)
void destroy_workqueue(struct workqueue_struct *wq);
bool queue_work(struct workqueue_struct *wq, struct work_struct *w);
bool queue_rcu_work(struct workqueue_struct *wq, struct rcu_work *rw);
bool cancel_work_sync(struct work_struct *w);
bool flush_work(struct work_struct *w);
void flush_workqueue(struct workqueue_struct *wq);
bool work_pending(struct work_struct *w);
extern struct workqueue_struct *system_wq;
extern struct workqueue_struct *system_unbound_wq;
#define schedule_work(w)	queue_work(system_wq, w)
#define flush_scheduled_work()	flush_workqueue(system_wq)

#endif /* _SHIM_WORKQUEUE_H */
