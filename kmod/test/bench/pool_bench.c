// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmarks of gosync_pool against the kernel's allocators and against a
 * spinlock-protected free list (the old way). Primitive "pool"; three
 * operation mixes times five implementations make 15 cases, listed in
 * /sys/kernel/debug/gosync_test/bench/cases and run through bench/run.
 *
 * Every implementation hands out GP_B_SIZE-byte objects (struct gp_b_obj).
 * A thread writes a sequence number into every object it gets, as a user
 * would initialize it, so each implementation pays for bringing the
 * object's first cache line to its CPU.
 *
 * Cases (the operation mixes):
 *	pair		get one object and put it back, on the local CPU. One
 *			op is one get+put pair.
 *	batch16		get GP_B_BURST (16) objects, then put them back in the
 *			order they came. One op is one get+put pair (16 per
 *			round), so ns_per_op compares with pair's.
 *	xcpu		cross-CPU producer/consumer: threads 2k and 2k + 1
 *			(bound to different CPUs) share a single-producer,
 *			single-consumer ring of GP_B_RING slots; the producer
 *			gets objects, stamps them and pushes them, the
 *			consumer pops them, checks the stamp and puts them:
 *			every object is got on one CPU and put on another.
 *			One op is one get or one put: each side counts its
 *			own calls, so ops_per_sec is twice the objects moved
 *			per second. A full (or empty) ring makes a side wait;
 *			waiting counts no op.
 *			An odd thread out (the only thread of a one-thread
 *			run) has a ring of its own: it gets GP_B_RING objects
 *			into it, then puts them back in FIFO order (a deep
 *			same-CPU batch, so the case still runs and means
 *			something with one CPU).
 *
 * Implementations, what get and put do:
 *	gosync_pool	gosync_pool_get(GFP_KERNEL), gosync_pool_put(); a pool
 *			of GP_B_SIZE-byte objects, no constructor, default
 *			per-CPU cache (GOSYNC_POOL_CPU_CACHE_DEFAULT), not
 *			IRQ-safe (the fast path disables preemption).
 *	gosync_pool_irq	the same with GOSYNC_POOL_IRQSAFE (the fast path
 *			disables interrupts): what IRQ safety costs.
 *	kmem_cache	kmem_cache_alloc(GFP_KERNEL), kmem_cache_free() on a
 *			cache of GP_B_SIZE-byte objects made for the run.
 *	mempool		mempool_alloc(GFP_KERNEL), mempool_free() on a
 *			mempool_create_slab_pool() of GP_B_MEMPOOL_MIN
 *			reserved objects over such a cache.
 *	spinlock	one global list_head of free objects, linked through
 *			the objects themselves, under one spinlock_t (plain
 *			spin_lock(), process context as the non-IRQ-safe pool)
 *			in a cache line of its own; preloaded with GP_B_PRELOAD
 *			objects from a kmem_cache, which also serves a get
 *			that finds the list empty. A put always links the
 *			object back.
 *
 * Every implementation is called through the same kind of ops table
 * (struct gp_b_ops); the bodies are written once per mix and instantiated
 * per implementation with the table as a compile-time constant, so the
 * compiler turns the table calls into direct calls for all of them alike.
 * Objects still in a ring when a run ends go back to their implementation
 * in teardown, before it is destroyed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cache.h>
#include <linux/err.h>
#include <linux/list.h>
#include <linux/mempool.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include <gosync/pool.h>

#include "bench.h"
#include "test.h"

#define GP_B_SIZE		256
#define GP_B_BATCH	64		/* ops between stop checks */
#define GP_B_BURST	16		/* batch16 */
#define GP_B_RING		128		/* xcpu ring slots, a power of two */
#define GP_B_MEMPOOL_MIN	16
#define GP_B_PRELOAD	4096		/* spinlock free list */

/**
 * struct gp_b_obj - what every implementation hands out
 * @node: the spinlock free list links free objects through it
 * @seq: stamped by the getter
 * @pad: to GP_B_SIZE bytes
 */
struct gp_b_obj {
	struct list_head node;
	u64 seq;
	u8 pad[GP_B_SIZE - sizeof(struct list_head) - sizeof(u64)];
};

/**
 * struct gp_b_freelist - the spinlock-protected free list
 * @lock: protects @head
 * @head: free objects
 */
struct gp_b_freelist {
	spinlock_t lock;		/* protects head */
	struct list_head head;
};

/**
 * struct gp_b_ring - a single-producer, single-consumer ring (xcpu)
 * @head: next slot to pop; written by the consumer only
 * @tail: next slot to push; written by the producer only
 * @slot: the objects in flight
 */
struct gp_b_ring {
	unsigned int head ____cacheline_aligned_in_smp;
	unsigned int tail ____cacheline_aligned_in_smp;
	struct gp_b_obj *slot[GP_B_RING] ____cacheline_aligned_in_smp;
};

struct gp_b_ops;

/**
 * struct gp_b_state - the shared state of one run
 * @ops: the implementation
 * @threads: threads of the run
 * @rings: xcpu: one ring per thread pair, plus one for an odd thread out
 * @nr_rings: entries of @rings
 * @kc: the object cache (kmem_cache, mempool and spinlock)
 * @pool: the gosync_pool (gosync_pool, gosync_pool_irq)
 * @mp: the mempool (mempool)
 * @fl: the free list (spinlock), in cache lines of its own
 */
struct gp_b_state {
	const struct gp_b_ops *ops;
	unsigned int threads;
	struct gp_b_ring *rings;
	unsigned int nr_rings;
	struct kmem_cache *kc;
	struct gosync_pool *pool;
	mempool_t *mp;
	struct gp_b_freelist fl ____cacheline_aligned_in_smp;
};

/**
 * struct gp_b_ops - one implementation
 * @init: sets it up in @s; 0 or a negative errno
 * @destroy: frees it and every object it holds (all objects are back)
 * @get: an object, or NULL; process context, may sleep
 * @put: takes @obj back
 */
struct gp_b_ops {
	int (*init)(struct gp_b_state *s);
	void (*destroy)(struct gp_b_state *s);
	struct gp_b_obj *(*get)(struct gp_b_state *s);
	void (*put)(struct gp_b_state *s, struct gp_b_obj *obj);
};

/* ---- kmem_cache ---- */

static int gp_b_kc_create(struct gp_b_state *s)
{
	s->kc = kmem_cache_create("gosync_bench_pool", sizeof(struct gp_b_obj),
				  0, 0, NULL);
	return s->kc ? 0 : -ENOMEM;
}

static void gp_b_kc_destroy(struct gp_b_state *s)
{
	kmem_cache_destroy(s->kc);
}

static struct gp_b_obj *gp_b_kc_get(struct gp_b_state *s)
{
	return kmem_cache_alloc(s->kc, GFP_KERNEL);
}

static void gp_b_kc_put(struct gp_b_state *s, struct gp_b_obj *obj)
{
	kmem_cache_free(s->kc, obj);
}

static const struct gp_b_ops gp_b_kmem_cache_ops = {
	.init = gp_b_kc_create,
	.destroy = gp_b_kc_destroy,
	.get = gp_b_kc_get,
	.put = gp_b_kc_put,
};

/* ---- gosync_pool ---- */

static int gp_b_gp_create(struct gp_b_state *s, unsigned int flags)
{
	const struct gosync_pool_opts opts = {
		.name = "gosync_bench_pool",
		.size = sizeof(struct gp_b_obj),
		.flags = flags,
	};

	s->pool = gosync_pool_create(&opts);
	if (IS_ERR(s->pool)) {
		int ret = PTR_ERR(s->pool);

		s->pool = NULL;
		return ret;
	}
	return 0;
}

static int gp_b_gp_init(struct gp_b_state *s)
{
	return gp_b_gp_create(s, 0);
}

static int gp_b_gp_irq_init(struct gp_b_state *s)
{
	return gp_b_gp_create(s, GOSYNC_POOL_IRQSAFE);
}

static void gp_b_gp_destroy(struct gp_b_state *s)
{
	gosync_pool_destroy(s->pool);
}

static struct gp_b_obj *gp_b_gp_get(struct gp_b_state *s)
{
	return gosync_pool_get(s->pool, GFP_KERNEL);
}

static void gp_b_gp_put(struct gp_b_state *s, struct gp_b_obj *obj)
{
	gosync_pool_put(s->pool, obj);
}

static const struct gp_b_ops gp_b_gosync_pool_ops = {
	.init = gp_b_gp_init,
	.destroy = gp_b_gp_destroy,
	.get = gp_b_gp_get,
	.put = gp_b_gp_put,
};

static const struct gp_b_ops gp_b_gosync_pool_irq_ops = {
	.init = gp_b_gp_irq_init,
	.destroy = gp_b_gp_destroy,
	.get = gp_b_gp_get,
	.put = gp_b_gp_put,
};

/* ---- mempool ---- */

static int gp_b_mp_init(struct gp_b_state *s)
{
	int ret = gp_b_kc_create(s);

	if (ret)
		return ret;
	s->mp = mempool_create_slab_pool(GP_B_MEMPOOL_MIN, s->kc);
	if (!s->mp) {
		gp_b_kc_destroy(s);
		return -ENOMEM;
	}
	return 0;
}

static void gp_b_mp_destroy(struct gp_b_state *s)
{
	mempool_destroy(s->mp);
	gp_b_kc_destroy(s);
}

static struct gp_b_obj *gp_b_mp_get(struct gp_b_state *s)
{
	return mempool_alloc(s->mp, GFP_KERNEL);
}

static void gp_b_mp_put(struct gp_b_state *s, struct gp_b_obj *obj)
{
	mempool_free(obj, s->mp);
}

static const struct gp_b_ops gp_b_mempool_ops = {
	.init = gp_b_mp_init,
	.destroy = gp_b_mp_destroy,
	.get = gp_b_mp_get,
	.put = gp_b_mp_put,
};

/* ---- spinlock-protected free list ---- */

static void gp_b_fl_destroy(struct gp_b_state *s)
{
	struct gp_b_obj *obj, *tmp;

	list_for_each_entry_safe(obj, tmp, &s->fl.head, node)
		kmem_cache_free(s->kc, obj);
	gp_b_kc_destroy(s);
}

static int gp_b_fl_init(struct gp_b_state *s)
{
	struct gp_b_obj *obj;
	unsigned int i;
	int ret;

	spin_lock_init(&s->fl.lock);
	INIT_LIST_HEAD(&s->fl.head);
	ret = gp_b_kc_create(s);
	if (ret)
		return ret;
	for (i = 0; i < GP_B_PRELOAD; i++) {
		obj = kmem_cache_alloc(s->kc, GFP_KERNEL);
		if (!obj) {
			gp_b_fl_destroy(s);
			return -ENOMEM;
		}
		list_add(&obj->node, &s->fl.head);
	}
	return 0;
}

static struct gp_b_obj *gp_b_fl_get(struct gp_b_state *s)
{
	struct gp_b_obj *obj;

	spin_lock(&s->fl.lock);
	obj = list_first_entry_or_null(&s->fl.head, struct gp_b_obj, node);
	if (obj)
		list_del(&obj->node);
	spin_unlock(&s->fl.lock);
	if (unlikely(!obj))
		obj = kmem_cache_alloc(s->kc, GFP_KERNEL);
	return obj;
}

static void gp_b_fl_put(struct gp_b_state *s, struct gp_b_obj *obj)
{
	spin_lock(&s->fl.lock);
	list_add(&obj->node, &s->fl.head);
	spin_unlock(&s->fl.lock);
}

static const struct gp_b_ops gp_b_spinlock_ops = {
	.init = gp_b_fl_init,
	.destroy = gp_b_fl_destroy,
	.get = gp_b_fl_get,
	.put = gp_b_fl_put,
};

/* ---- the cases ---- */

static void gp_b_teardown(void *data)
{
	struct gp_b_state *s = data;
	struct gp_b_ring *r;
	unsigned int i;

	/* Objects left in flight go back before the implementation goes. */
	for (i = 0; i < s->nr_rings; i++) {
		r = &s->rings[i];
		for (; r->head != r->tail; r->head++)
			s->ops->put(s, r->slot[r->head & (GP_B_RING - 1)]);
	}
	kvfree(s->rings);
	s->ops->destroy(s);
	kfree(s);
}

static int gp_b_setup(void **data, unsigned int threads,
		      const struct gp_b_ops *ops, bool rings)
{
	struct gp_b_state *s;
	int ret;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->ops = ops;
	s->threads = threads;
	if (rings) {
		s->nr_rings = DIV_ROUND_UP(threads, 2);
		s->rings = kvcalloc(s->nr_rings, sizeof(*s->rings), GFP_KERNEL);
		if (!s->rings) {
			kfree(s);
			return -ENOMEM;
		}
	}
	ret = ops->init(s);
	if (ret) {
		kvfree(s->rings);
		kfree(s);
		return ret;
	}
	*data = s;
	return 0;
}

static int gp_b_nomem(const char *what)
{
	pr_err("pool bench: %s: get returned NULL\n", what);
	return -ENOMEM;
}

static __always_inline int gp_b_pair(struct gosync_run_thread *t,
				     const struct gp_b_ops *ops)
{
	struct gp_b_state *s = t->run->data;
	struct gp_b_obj *obj;
	unsigned int i;
	u64 seq = 0;

	do {
		for (i = 0; i < GP_B_BATCH; i++) {
			obj = ops->get(s);
			if (unlikely(!obj))
				return gp_b_nomem("pair");
			obj->seq = seq++;
			ops->put(s, obj);
		}
		t->ops += GP_B_BATCH;
	} while (gosync_run_continue(t));
	return 0;
}

static __always_inline int gp_b_batch16(struct gosync_run_thread *t,
					const struct gp_b_ops *ops)
{
	struct gp_b_state *s = t->run->data;
	struct gp_b_obj *obj[GP_B_BURST];
	unsigned int i, n;
	int ret = 0;
	u64 seq = 0;

	do {
		for (n = 0; n < GP_B_BURST; n++) {
			obj[n] = ops->get(s);
			if (unlikely(!obj[n])) {
				ret = gp_b_nomem("batch16");
				break;
			}
			obj[n]->seq = seq++;
		}
		for (i = 0; i < n; i++)
			ops->put(s, obj[i]);
		t->ops += n;
	} while (!ret && gosync_run_continue(t));
	return ret;
}

/* xcpu, the odd thread out: get a ring's worth, then put them back. */
static __always_inline int gp_b_xcpu_self(struct gosync_run_thread *t,
					  const struct gp_b_ops *ops,
					struct gp_b_ring *r)
{
	struct gp_b_state *s = t->run->data;
	struct gp_b_obj *obj;
	int ret = 0;
	u64 seq = 0;

	do {
		while (r->tail - r->head < GP_B_RING) {
			obj = ops->get(s);
			if (unlikely(!obj)) {
				ret = gp_b_nomem("xcpu");
				break;
			}
			obj->seq = seq++;
			r->slot[r->tail++ & (GP_B_RING - 1)] = obj;
			t->ops++;
		}
		for (; r->head != r->tail; r->head++, t->ops++)
			ops->put(s, r->slot[r->head & (GP_B_RING - 1)]);
	} while (!ret && gosync_run_continue(t));
	return ret;
}

static __always_inline int gp_b_xcpu_producer(struct gosync_run_thread *t,
					      const struct gp_b_ops *ops,
					    struct gp_b_ring *r)
{
	struct gp_b_state *s = t->run->data;
	unsigned int i, tail = r->tail;
	struct gp_b_obj *obj;
	u64 seq = 0;

	for (;;) {
		for (i = 0; i < GP_B_BATCH; i++) {
			obj = ops->get(s);
			if (unlikely(!obj))
				return gp_b_nomem("xcpu");
			obj->seq = seq++;
			/* Pairs with smp_store_release() of head: slot is free. */
			while (tail - smp_load_acquire(&r->head) == GP_B_RING) {
				if (!gosync_run_continue(t)) {
					ops->put(s, obj);
					t->ops += i;
					return 0;
				}
				cpu_relax();
			}
			r->slot[tail & (GP_B_RING - 1)] = obj;
			/* Pairs with smp_load_acquire() of tail: slot is set. */
			smp_store_release(&r->tail, ++tail);
		}
		t->ops += GP_B_BATCH;
		if (!gosync_run_continue(t))
			return 0;
	}
}

static __always_inline int gp_b_xcpu_consumer(struct gosync_run_thread *t,
					      const struct gp_b_ops *ops,
					    struct gp_b_ring *r)
{
	struct gp_b_state *s = t->run->data;
	unsigned int i, head = r->head;
	struct gp_b_obj *obj;
	u64 seq = 0;

	for (;;) {
		for (i = 0; i < GP_B_BATCH; i++) {
			/* Pairs with smp_store_release() of tail: slot is set. */
			while (smp_load_acquire(&r->tail) == head) {
				if (!gosync_run_continue(t)) {
					t->ops += i;
					return 0;
				}
				cpu_relax();
			}
			obj = r->slot[head & (GP_B_RING - 1)];
			/* Pairs with smp_load_acquire() of head: slot is free. */
			smp_store_release(&r->head, ++head);
			if (unlikely(obj->seq != seq)) {
				pr_err("pool bench: xcpu: object %llu arrived as %llu\n",
				       obj->seq, seq);
				ops->put(s, obj);
				return -EIO;
			}
			seq++;
			ops->put(s, obj);
		}
		t->ops += GP_B_BATCH;
		if (!gosync_run_continue(t))
			return 0;
	}
}

static __always_inline int gp_b_xcpu(struct gosync_run_thread *t,
				     const struct gp_b_ops *ops)
{
	struct gp_b_state *s = t->run->data;
	struct gp_b_ring *r = &s->rings[t->id / 2];

	if (t->id + 1 == s->threads && !(t->id & 1))
		return gp_b_xcpu_self(t, ops, r);
	if (!(t->id & 1))
		return gp_b_xcpu_producer(t, ops, r);
	return gp_b_xcpu_consumer(t, ops, r);
}

/* GP_B_CASE() - the bench case of one (mix, implementation); see bench.h. */
#define GP_B_CASE(mix, which, rings)					\
	GOSYNC_BENCH_MIX_CASE(gp_b, "pool", mix, which, rings)

GP_B_CASE(pair, gosync_pool, false);
GP_B_CASE(pair, gosync_pool_irq, false);
GP_B_CASE(pair, kmem_cache, false);
GP_B_CASE(pair, mempool, false);
GP_B_CASE(pair, spinlock, false);
GP_B_CASE(batch16, gosync_pool, false);
GP_B_CASE(batch16, gosync_pool_irq, false);
GP_B_CASE(batch16, kmem_cache, false);
GP_B_CASE(batch16, mempool, false);
GP_B_CASE(batch16, spinlock, false);
GP_B_CASE(xcpu, gosync_pool, true);
GP_B_CASE(xcpu, gosync_pool_irq, true);
GP_B_CASE(xcpu, kmem_cache, true);
GP_B_CASE(xcpu, mempool, true);
GP_B_CASE(xcpu, spinlock, true);

GOSYNC_BENCH_SET(pool, &gp_b_case_pair_gosync_pool,
		 &gp_b_case_pair_gosync_pool_irq, &gp_b_case_pair_kmem_cache,
		 &gp_b_case_pair_mempool, &gp_b_case_pair_spinlock,
		 &gp_b_case_batch16_gosync_pool, &gp_b_case_batch16_gosync_pool_irq,
		 &gp_b_case_batch16_kmem_cache, &gp_b_case_batch16_mempool,
		 &gp_b_case_batch16_spinlock, &gp_b_case_xcpu_gosync_pool,
		 &gp_b_case_xcpu_gosync_pool_irq, &gp_b_case_xcpu_kmem_cache,
		 &gp_b_case_xcpu_mempool, &gp_b_case_xcpu_spinlock);
