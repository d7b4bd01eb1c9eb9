// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmarks of gosync_pool against the kernel's allocators and against a
 * spinlock-protected free list (the old way). Primitive "pool"; three
 * operation mixes times five implementations make 15 cases, listed in
 * /sys/kernel/debug/gosync_test/bench/cases and run through bench/run.
 *
 * Every implementation hands out PB_SIZE-byte objects (struct pb_obj).
 * A thread writes a sequence number into every object it gets, as a user
 * would initialize it, so each implementation pays for bringing the
 * object's first cache line to its CPU.
 *
 * Cases (the operation mixes):
 *	pair		get one object and put it back, on the local CPU. One
 *			op is one get+put pair.
 *	batch16		get PB_BURST (16) objects, then put them back in the
 *			order they came. One op is one get+put pair (16 per
 *			round), so ns_per_op compares with pair's.
 *	xcpu		cross-CPU producer/consumer: threads 2k and 2k + 1
 *			(bound to different CPUs) share a single-producer,
 *			single-consumer ring of PB_RING slots; the producer
 *			gets objects, stamps them and pushes them, the
 *			consumer pops them, checks the stamp and puts them:
 *			every object is got on one CPU and put on another.
 *			One op is one get or one put: each side counts its
 *			own calls, so ops_per_sec is twice the objects moved
 *			per second. A full (or empty) ring makes a side wait;
 *			waiting counts no op.
 *			An odd thread out (the only thread of a one-thread
 *			run) has a ring of its own: it gets PB_RING objects
 *			into it, then puts them back in FIFO order (a deep
 *			same-CPU batch, so the case still runs and means
 *			something with one CPU).
 *
 * Implementations, what get and put do:
 *	gosync_pool	gosync_pool_get(GFP_KERNEL), gosync_pool_put(); a pool
 *			of PB_SIZE-byte objects, no constructor, default
 *			per-CPU cache (GOSYNC_POOL_CPU_CACHE_DEFAULT), not
 *			IRQ-safe (the fast path disables preemption).
 *	gosync_pool_irq	the same with GOSYNC_POOL_IRQSAFE (the fast path
 *			disables interrupts): what IRQ safety costs.
 *	kmem_cache	kmem_cache_alloc(GFP_KERNEL), kmem_cache_free() on a
 *			cache of PB_SIZE-byte objects made for the run.
 *	mempool		mempool_alloc(GFP_KERNEL), mempool_free() on a
 *			mempool_create_slab_pool() of PB_MEMPOOL_MIN
 *			reserved objects over such a cache.
 *	spinlock	one global list_head of free objects, linked through
 *			the objects themselves, under one spinlock_t (plain
 *			spin_lock(), process context as the non-IRQ-safe pool)
 *			in a cache line of its own; preloaded with PB_PRELOAD
 *			objects from a kmem_cache, which also serves a get
 *			that finds the list empty. A put always links the
 *			object back.
 *
 * Every implementation is called through the same kind of ops table
 * (struct pb_ops); the bodies are written once per mix and instantiated
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

#define PB_SIZE		256
#define PB_BATCH	64		/* ops between stop checks */
#define PB_BURST	16		/* batch16 */
#define PB_RING		128		/* xcpu ring slots, a power of two */
#define PB_MEMPOOL_MIN	16
#define PB_PRELOAD	4096		/* spinlock free list */

/**
 * struct pb_obj - what every implementation hands out
 * @node: the spinlock free list links free objects through it
 * @seq: stamped by the getter
 * @pad: to PB_SIZE bytes
 */
struct pb_obj {
	struct list_head node;
	u64 seq;
	u8 pad[PB_SIZE - sizeof(struct list_head) - sizeof(u64)];
};

/**
 * struct pb_freelist - the spinlock-protected free list
 * @lock: protects @head
 * @head: free objects
 */
struct pb_freelist {
	spinlock_t lock;		/* protects head */
	struct list_head head;
};

/**
 * struct pb_ring - a single-producer, single-consumer ring (xcpu)
 * @head: next slot to pop; written by the consumer only
 * @tail: next slot to push; written by the producer only
 * @slot: the objects in flight
 */
struct pb_ring {
	unsigned int head ____cacheline_aligned_in_smp;
	unsigned int tail ____cacheline_aligned_in_smp;
	struct pb_obj *slot[PB_RING] ____cacheline_aligned_in_smp;
};

struct pb_ops;

/**
 * struct pb_state - the shared state of one run
 * @ops: the implementation
 * @threads: threads of the run
 * @rings: xcpu: one ring per thread pair, plus one for an odd thread out
 * @nr_rings: entries of @rings
 * @kc: the object cache (kmem_cache, mempool and spinlock)
 * @pool: the gosync_pool (gosync_pool, gosync_pool_irq)
 * @mp: the mempool (mempool)
 * @fl: the free list (spinlock), in cache lines of its own
 */
struct pb_state {
	const struct pb_ops *ops;
	unsigned int threads;
	struct pb_ring *rings;
	unsigned int nr_rings;
	struct kmem_cache *kc;
	struct gosync_pool *pool;
	mempool_t *mp;
	struct pb_freelist fl ____cacheline_aligned_in_smp;
};

/**
 * struct pb_ops - one implementation
 * @init: sets it up in @s; 0 or a negative errno
 * @destroy: frees it and every object it holds (all objects are back)
 * @get: an object, or NULL; process context, may sleep
 * @put: takes @obj back
 */
struct pb_ops {
	int (*init)(struct pb_state *s);
	void (*destroy)(struct pb_state *s);
	struct pb_obj *(*get)(struct pb_state *s);
	void (*put)(struct pb_state *s, struct pb_obj *obj);
};

/* ---- kmem_cache ---- */

static int pb_kc_create(struct pb_state *s)
{
	s->kc = kmem_cache_create("gosync_bench_pool", sizeof(struct pb_obj),
				  0, 0, NULL);
	return s->kc ? 0 : -ENOMEM;
}

static void pb_kc_destroy(struct pb_state *s)
{
	kmem_cache_destroy(s->kc);
}

static struct pb_obj *pb_kc_get(struct pb_state *s)
{
	return kmem_cache_alloc(s->kc, GFP_KERNEL);
}

static void pb_kc_put(struct pb_state *s, struct pb_obj *obj)
{
	kmem_cache_free(s->kc, obj);
}

static const struct pb_ops pb_kmem_cache_ops = {
	.init = pb_kc_create,
	.destroy = pb_kc_destroy,
	.get = pb_kc_get,
	.put = pb_kc_put,
};

/* ---- gosync_pool ---- */

static int pb_gp_create(struct pb_state *s, unsigned int flags)
{
	const struct gosync_pool_opts opts = {
		.name = "gosync_bench_pool",
		.size = sizeof(struct pb_obj),
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

static int pb_gp_init(struct pb_state *s)
{
	return pb_gp_create(s, 0);
}

static int pb_gp_irq_init(struct pb_state *s)
{
	return pb_gp_create(s, GOSYNC_POOL_IRQSAFE);
}

static void pb_gp_destroy(struct pb_state *s)
{
	gosync_pool_destroy(s->pool);
}

static struct pb_obj *pb_gp_get(struct pb_state *s)
{
	return gosync_pool_get(s->pool, GFP_KERNEL);
}

static void pb_gp_put(struct pb_state *s, struct pb_obj *obj)
{
	gosync_pool_put(s->pool, obj);
}

static const struct pb_ops pb_gosync_pool_ops = {
	.init = pb_gp_init,
	.destroy = pb_gp_destroy,
	.get = pb_gp_get,
	.put = pb_gp_put,
};

static const struct pb_ops pb_gosync_pool_irq_ops = {
	.init = pb_gp_irq_init,
	.destroy = pb_gp_destroy,
	.get = pb_gp_get,
	.put = pb_gp_put,
};

/* ---- mempool ---- */

static int pb_mp_init(struct pb_state *s)
{
	int ret = pb_kc_create(s);

	if (ret)
		return ret;
	s->mp = mempool_create_slab_pool(PB_MEMPOOL_MIN, s->kc);
	if (!s->mp) {
		pb_kc_destroy(s);
		return -ENOMEM;
	}
	return 0;
}

static void pb_mp_destroy(struct pb_state *s)
{
	mempool_destroy(s->mp);
	pb_kc_destroy(s);
}

static struct pb_obj *pb_mp_get(struct pb_state *s)
{
	return mempool_alloc(s->mp, GFP_KERNEL);
}

static void pb_mp_put(struct pb_state *s, struct pb_obj *obj)
{
	mempool_free(obj, s->mp);
}

static const struct pb_ops pb_mempool_ops = {
	.init = pb_mp_init,
	.destroy = pb_mp_destroy,
	.get = pb_mp_get,
	.put = pb_mp_put,
};

/* ---- spinlock-protected free list ---- */

static void pb_fl_destroy(struct pb_state *s)
{
	struct pb_obj *obj, *tmp;

	list_for_each_entry_safe(obj, tmp, &s->fl.head, node)
		kmem_cache_free(s->kc, obj);
	pb_kc_destroy(s);
}

static int pb_fl_init(struct pb_state *s)
{
	struct pb_obj *obj;
	unsigned int i;
	int ret;

	spin_lock_init(&s->fl.lock);
	INIT_LIST_HEAD(&s->fl.head);
	ret = pb_kc_create(s);
	if (ret)
		return ret;
	for (i = 0; i < PB_PRELOAD; i++) {
		obj = kmem_cache_alloc(s->kc, GFP_KERNEL);
		if (!obj) {
			pb_fl_destroy(s);
			return -ENOMEM;
		}
		list_add(&obj->node, &s->fl.head);
	}
	return 0;
}

static struct pb_obj *pb_fl_get(struct pb_state *s)
{
	struct pb_obj *obj;

	spin_lock(&s->fl.lock);
	obj = list_first_entry_or_null(&s->fl.head, struct pb_obj, node);
	if (obj)
		list_del(&obj->node);
	spin_unlock(&s->fl.lock);
	if (unlikely(!obj))
		obj = kmem_cache_alloc(s->kc, GFP_KERNEL);
	return obj;
}

static void pb_fl_put(struct pb_state *s, struct pb_obj *obj)
{
	spin_lock(&s->fl.lock);
	list_add(&obj->node, &s->fl.head);
	spin_unlock(&s->fl.lock);
}

static const struct pb_ops pb_spinlock_ops = {
	.init = pb_fl_init,
	.destroy = pb_fl_destroy,
	.get = pb_fl_get,
	.put = pb_fl_put,
};

/* ---- the cases ---- */

static void pb_teardown(void *data)
{
	struct pb_state *s = data;
	struct pb_ring *r;
	unsigned int i;

	/* Objects left in flight go back before the implementation goes. */
	for (i = 0; i < s->nr_rings; i++) {
		r = &s->rings[i];
		for (; r->head != r->tail; r->head++)
			s->ops->put(s, r->slot[r->head & (PB_RING - 1)]);
	}
	kvfree(s->rings);
	s->ops->destroy(s);
	kfree(s);
}

static int pb_setup(void **data, unsigned int threads,
		    const struct pb_ops *ops, bool rings)
{
	struct pb_state *s;
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

static int pb_nomem(const char *what)
{
	pr_err("pool bench: %s: get returned NULL\n", what);
	return -ENOMEM;
}

static __always_inline int pb_pair(struct gosync_run_thread *t,
				   const struct pb_ops *ops)
{
	struct pb_state *s = t->run->data;
	struct pb_obj *obj;
	unsigned int i;
	u64 seq = 0;

	do {
		for (i = 0; i < PB_BATCH; i++) {
			obj = ops->get(s);
			if (unlikely(!obj))
				return pb_nomem("pair");
			obj->seq = seq++;
			ops->put(s, obj);
		}
		t->ops += PB_BATCH;
	} while (gosync_run_continue(t));
	return 0;
}

static __always_inline int pb_batch16(struct gosync_run_thread *t,
				      const struct pb_ops *ops)
{
	struct pb_state *s = t->run->data;
	struct pb_obj *obj[PB_BURST];
	unsigned int i, n;
	int ret = 0;
	u64 seq = 0;

	do {
		for (n = 0; n < PB_BURST; n++) {
			obj[n] = ops->get(s);
			if (unlikely(!obj[n])) {
				ret = pb_nomem("batch16");
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
static __always_inline int pb_xcpu_self(struct gosync_run_thread *t,
					const struct pb_ops *ops,
					struct pb_ring *r)
{
	struct pb_state *s = t->run->data;
	struct pb_obj *obj;
	int ret = 0;
	u64 seq = 0;

	do {
		while (r->tail - r->head < PB_RING) {
			obj = ops->get(s);
			if (unlikely(!obj)) {
				ret = pb_nomem("xcpu");
				break;
			}
			obj->seq = seq++;
			r->slot[r->tail++ & (PB_RING - 1)] = obj;
			t->ops++;
		}
		for (; r->head != r->tail; r->head++, t->ops++)
			ops->put(s, r->slot[r->head & (PB_RING - 1)]);
	} while (!ret && gosync_run_continue(t));
	return ret;
}

static __always_inline int pb_xcpu_producer(struct gosync_run_thread *t,
					    const struct pb_ops *ops,
					    struct pb_ring *r)
{
	struct pb_state *s = t->run->data;
	unsigned int i, tail = r->tail;
	struct pb_obj *obj;
	u64 seq = 0;

	for (;;) {
		for (i = 0; i < PB_BATCH; i++) {
			obj = ops->get(s);
			if (unlikely(!obj))
				return pb_nomem("xcpu");
			obj->seq = seq++;
			/* Pairs with smp_store_release() of head: slot is free. */
			while (tail - smp_load_acquire(&r->head) == PB_RING) {
				if (!gosync_run_continue(t)) {
					ops->put(s, obj);
					t->ops += i;
					return 0;
				}
				cpu_relax();
			}
			r->slot[tail & (PB_RING - 1)] = obj;
			/* Pairs with smp_load_acquire() of tail: slot is set. */
			smp_store_release(&r->tail, ++tail);
		}
		t->ops += PB_BATCH;
		if (!gosync_run_continue(t))
			return 0;
	}
}

static __always_inline int pb_xcpu_consumer(struct gosync_run_thread *t,
					    const struct pb_ops *ops,
					    struct pb_ring *r)
{
	struct pb_state *s = t->run->data;
	unsigned int i, head = r->head;
	struct pb_obj *obj;
	u64 seq = 0;

	for (;;) {
		for (i = 0; i < PB_BATCH; i++) {
			/* Pairs with smp_store_release() of tail: slot is set. */
			while (smp_load_acquire(&r->tail) == head) {
				if (!gosync_run_continue(t)) {
					t->ops += i;
					return 0;
				}
				cpu_relax();
			}
			obj = r->slot[head & (PB_RING - 1)];
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
		t->ops += PB_BATCH;
		if (!gosync_run_continue(t))
			return 0;
	}
}

static __always_inline int pb_xcpu(struct gosync_run_thread *t,
				   const struct pb_ops *ops)
{
	struct pb_state *s = t->run->data;
	struct pb_ring *r = &s->rings[t->id / 2];

	if (t->id + 1 == s->threads && !(t->id & 1))
		return pb_xcpu_self(t, ops, r);
	if (!(t->id & 1))
		return pb_xcpu_producer(t, ops, r);
	return pb_xcpu_consumer(t, ops, r);
}

/* PB_CASE() - the bench case of one (mix, implementation); see bench.h. */
#define PB_CASE(mix, which, rings)					\
	GOSYNC_BENCH_MIX_CASE(pb, "pool", mix, which, rings)

PB_CASE(pair, gosync_pool, false);
PB_CASE(pair, gosync_pool_irq, false);
PB_CASE(pair, kmem_cache, false);
PB_CASE(pair, mempool, false);
PB_CASE(pair, spinlock, false);
PB_CASE(batch16, gosync_pool, false);
PB_CASE(batch16, gosync_pool_irq, false);
PB_CASE(batch16, kmem_cache, false);
PB_CASE(batch16, mempool, false);
PB_CASE(batch16, spinlock, false);
PB_CASE(xcpu, gosync_pool, true);
PB_CASE(xcpu, gosync_pool_irq, true);
PB_CASE(xcpu, kmem_cache, true);
PB_CASE(xcpu, mempool, true);
PB_CASE(xcpu, spinlock, true);

GOSYNC_BENCH_SET(gosync_pool_bench, &pb_case_pair_gosync_pool,
		 &pb_case_pair_gosync_pool_irq, &pb_case_pair_kmem_cache,
		 &pb_case_pair_mempool, &pb_case_pair_spinlock,
		 &pb_case_batch16_gosync_pool, &pb_case_batch16_gosync_pool_irq,
		 &pb_case_batch16_kmem_cache, &pb_case_batch16_mempool,
		 &pb_case_batch16_spinlock, &pb_case_xcpu_gosync_pool,
		 &pb_case_xcpu_gosync_pool_irq, &pb_case_xcpu_kmem_cache,
		 &pb_case_xcpu_mempool, &pb_case_xcpu_spinlock);
