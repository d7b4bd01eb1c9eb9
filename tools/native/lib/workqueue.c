// SPDX-License-Identifier: GPL-2.0
/* Workqueues: one worker thread each. See <shim/workqueue.h>. */
#include <shim/all.h>

struct workqueue_struct {
	char name[32];
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;		/* work queued, or stop */
	pthread_cond_t idle;		/* a work item finished */
	struct work_struct *head, *tail;
	struct work_struct *current_work;
	unsigned long seq_done;		/* work items finished */
	unsigned long seq_queued;	/* work items queued */
	bool stop;
};

struct workqueue_struct *system_wq;
struct workqueue_struct *system_unbound_wq;

static void *worker_main(void *arg)
{
	struct workqueue_struct *wq = arg;

	shim_rcu_register_thread();
	pthread_mutex_lock(&wq->lock);
	for (;;) {
		struct work_struct *w = wq->head;

		if (!w) {
			if (wq->stop)
				break;
			pthread_cond_wait(&wq->cond, &wq->lock);
			continue;
		}
		wq->head = w->next;
		if (!wq->head)
			wq->tail = NULL;
		w->next = NULL;
		__atomic_store_n(&w->pending, 0, __ATOMIC_RELAXED);
		w->running = 1;
		wq->current_work = w;
		pthread_mutex_unlock(&wq->lock);

		w->func(w);
		if (shim_ctx.atomic || shim_ctx.rcu)
			shim_warn(__FILE__, __LINE__, "work item returned in atomic context");

		pthread_mutex_lock(&wq->lock);
		/* @w may be freed by now if it was not requeued: no access. */
		wq->current_work = NULL;
		wq->seq_done++;
		pthread_cond_broadcast(&wq->idle);
	}
	pthread_mutex_unlock(&wq->lock);
	shim_rcu_unregister_thread();
	return NULL;
}

struct workqueue_struct *alloc_workqueue(const char *fmt, unsigned int flags,
					 int max_active, ...)
{
	struct workqueue_struct *wq = calloc(1, sizeof(*wq));
	va_list ap;

	might_sleep();
	if (!wq)
		return NULL;
	va_start(ap, max_active);
	vsnprintf(wq->name, sizeof(wq->name), fmt, ap);
	va_end(ap);
	pthread_mutex_init(&wq->lock, NULL);
	pthread_cond_init(&wq->cond, NULL);
	pthread_cond_init(&wq->idle, NULL);
	if (pthread_create(&wq->thread, NULL, worker_main, wq)) {
		free(wq);
		return NULL;
	}
	return wq;
}

void destroy_workqueue(struct workqueue_struct *wq)
{
	might_sleep();
	pthread_mutex_lock(&wq->lock);
	wq->stop = true;		/* after draining what is queued */
	pthread_cond_broadcast(&wq->cond);
	pthread_mutex_unlock(&wq->lock);
	pthread_join(wq->thread, NULL);
	pthread_mutex_destroy(&wq->lock);
	pthread_cond_destroy(&wq->cond);
	pthread_cond_destroy(&wq->idle);
	free(wq);
}

/* Append @w, marked pending, to @wq; called with wq->lock held. */
static void insert_work(struct workqueue_struct *wq, struct work_struct *w)
{
	__atomic_store_n(&w->pending, 1, __ATOMIC_RELAXED);
	w->wq = wq;
	w->next = NULL;
	if (wq->tail)
		wq->tail->next = w;
	else
		wq->head = w;
	wq->tail = w;
	wq->seq_queued++;
	pthread_cond_broadcast(&wq->cond);
}

bool queue_work(struct workqueue_struct *wq, struct work_struct *w)
{
	bool queued = false;

	pthread_mutex_lock(&wq->lock);
	if (!WARN_ON(wq->stop) && !__atomic_load_n(&w->pending, __ATOMIC_RELAXED)) {
		insert_work(wq, w);
		queued = true;
	}
	pthread_mutex_unlock(&wq->lock);
	return queued;
}

/* The grace period of queue_rcu_work() is over: queue the work, pending. */
static void rcu_work_queue(struct rcu_head *head)
{
	struct rcu_work *rw = container_of(head, struct rcu_work, rcu);
	struct workqueue_struct *wq = rw->wq;

	pthread_mutex_lock(&wq->lock);
	if (!WARN_ON(wq->stop))
		insert_work(wq, &rw->work);
	pthread_mutex_unlock(&wq->lock);
}

bool queue_rcu_work(struct workqueue_struct *wq, struct rcu_work *rw)
{
	if (__atomic_exchange_n(&rw->work.pending, 1, __ATOMIC_SEQ_CST))
		return false;
	rw->wq = wq;
	call_rcu(&rw->rcu, rcu_work_queue);
	return true;
}

/* Wait, under wq->lock, until @w is neither queued nor running. */
static bool work_wait_locked(struct workqueue_struct *wq, struct work_struct *w)
{
	bool waited = false;

	while (__atomic_load_n(&w->pending, __ATOMIC_RELAXED) || wq->current_work == w) {
		pthread_cond_wait(&wq->idle, &wq->lock);
		waited = true;
	}
	return waited;
}

bool cancel_work_sync(struct work_struct *w)
{
	struct workqueue_struct *wq = w->wq;
	struct work_struct **pp;
	bool was_pending = false;

	might_sleep();
	if (!wq)
		return false;	/* never queued */
	pthread_mutex_lock(&wq->lock);
	for (pp = &wq->head; *pp; pp = &(*pp)->next) {
		if (*pp != w)
			continue;
		*pp = w->next;
		if (wq->tail == w) {
			struct work_struct *t = wq->head;

			while (t && t->next)
				t = t->next;
			wq->tail = t;
		}
		w->next = NULL;
		__atomic_store_n(&w->pending, 0, __ATOMIC_RELAXED);
		wq->seq_done++;		/* as if it ran, for flush_workqueue() */
		was_pending = true;
		break;
	}
	work_wait_locked(wq, w);
	pthread_mutex_unlock(&wq->lock);
	return was_pending;
}

bool flush_work(struct work_struct *w)
{
	struct workqueue_struct *wq = w->wq;
	bool waited;

	might_sleep();
	if (!wq)
		return false;
	pthread_mutex_lock(&wq->lock);
	waited = work_wait_locked(wq, w);
	pthread_mutex_unlock(&wq->lock);
	return waited;
}

void flush_workqueue(struct workqueue_struct *wq)
{
	unsigned long target;

	might_sleep();
	pthread_mutex_lock(&wq->lock);
	target = wq->seq_queued;
	while (wq->seq_done < target)
		pthread_cond_wait(&wq->idle, &wq->lock);
	pthread_mutex_unlock(&wq->lock);
}

bool work_pending(struct work_struct *w)
{
	return __atomic_load_n(&w->pending, __ATOMIC_RELAXED);
}
