// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmarks of gosync_pool against the kernel's allocators and against a
 * spinlock-protected free list (the old way). Primitive "pool"; three
 * operation mixes times five implementations make 15 cases, listed in
 * /sys/kernel/debug/gosync_test/bench/cases and run through bench/run.
 *
 * Each case and implementation, what it does and what one op is, is
 * documented for the benchmarks' users in kmod/test/bench/README.md,
 * "pool".
 *
 * Every implementation is one entry of enum gp_b_impl; get and put switch
 * on it. The bodies are written once per mix and instantiated per
 * implementation with its struct gp_b_ops a compile-time constant, so
 * the compiler keeps only that implementation's calls, for all alike.
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

enum gp_b_impl { GP_B_POOL, GP_B_POOL_IRQ, GP_B_KMEM_CACHE, GP_B_MEMPOOL, GP_B_SPINLOCK };

/* One implementation, as GOSYNC_BENCH_MIX_CASE() hands it to the bodies. */
struct gp_b_ops {
	enum gp_b_impl impl;
};

static const struct gp_b_ops gp_b_gosync_pool_ops = { GP_B_POOL };
static const struct gp_b_ops gp_b_gosync_pool_irq_ops = { GP_B_POOL_IRQ };
static const struct gp_b_ops gp_b_kmem_cache_ops = { GP_B_KMEM_CACHE };
static const struct gp_b_ops gp_b_mempool_ops = { GP_B_MEMPOOL };
static const struct gp_b_ops gp_b_spinlock_ops = { GP_B_SPINLOCK };

/**
 * struct gp_b_state - the shared state of one run
 * @ops: the implementation
 * @threads: threads of the run
 * @rings: xcpu: one ring per thread pair, plus one for an odd thread out
 * @nr_rings: entries of @rings
 * @kc: the object cache (kmem_cache, mempool and spinlock)
 * @pool: the gosync_pool (gosync_pool, gosync_pool_irq)
 * @mp: the mempool (mempool)
 * @lock: protects @free, in cache lines of its own
 * @free: the spinlock free list (spinlock)
 */
struct gp_b_state {
	const struct gp_b_ops *ops;
	unsigned int threads;
	struct gp_b_ring *rings;
	unsigned int nr_rings;
	struct kmem_cache *kc;
	struct gosync_pool *pool;
	mempool_t *mp;
	spinlock_t lock ____cacheline_aligned_in_smp;	/* protects free */
	struct list_head free;
};

/* Sets the implementation up in @s; gp_b_destroy() undoes a part too. */
static int gp_b_init(struct gp_b_state *s, enum gp_b_impl impl)
{
	const struct gosync_pool_opts opts = {
		.name = "gosync_bench_pool", .size = sizeof(struct gp_b_obj),
		.flags = impl == GP_B_POOL_IRQ ? GOSYNC_POOL_IRQSAFE : 0,
	};
	struct gp_b_obj *obj;
	unsigned int i;

	if (impl == GP_B_POOL || impl == GP_B_POOL_IRQ) {
		s->pool = gosync_pool_create(&opts);
		return PTR_ERR_OR_ZERO(s->pool);
	}
	s->kc = kmem_cache_create("gosync_bench_pool", sizeof(struct gp_b_obj),
				  0, 0, NULL);
	if (!s->kc)
		return -ENOMEM;
	if (impl == GP_B_MEMPOOL) {
		s->mp = mempool_create_slab_pool(GP_B_MEMPOOL_MIN, s->kc);
		return s->mp ? 0 : -ENOMEM;
	}
	for (i = 0; impl == GP_B_SPINLOCK && i < GP_B_PRELOAD; i++) {
		obj = kmem_cache_alloc(s->kc, GFP_KERNEL);
		if (!obj)
			return -ENOMEM;
		list_add(&obj->node, &s->free);
	}
	return 0;
}

/* Frees what gp_b_init() made and every object it holds (all are back). */
static void gp_b_destroy(struct gp_b_state *s)
{
	struct gp_b_obj *obj, *tmp;

	list_for_each_entry_safe(obj, tmp, &s->free, node)
		kmem_cache_free(s->kc, obj);
	mempool_destroy(s->mp);
	kmem_cache_destroy(s->kc);
	gosync_pool_destroy(s->pool);	/* NULL or an ERR_PTR: nothing */
}

/* An object, or NULL; process context, may sleep. */
static __always_inline struct gp_b_obj *gp_b_get(struct gp_b_state *s,
						 const struct gp_b_ops *ops)
{
	struct gp_b_obj *obj = NULL;

	switch (ops->impl) {
	case GP_B_POOL:
	case GP_B_POOL_IRQ:
		return gosync_pool_get(s->pool, GFP_KERNEL);
	case GP_B_MEMPOOL:
		return mempool_alloc(s->mp, GFP_KERNEL);
	case GP_B_SPINLOCK:
		spin_lock(&s->lock);
		obj = list_first_entry_or_null(&s->free, struct gp_b_obj, node);
		if (obj)
			list_del(&obj->node);
		spin_unlock(&s->lock);
		break;
	case GP_B_KMEM_CACHE:
		break;
	}
	/* kmem_cache, and a spinlock free list found empty. */
	if (unlikely(!obj))
		obj = kmem_cache_alloc(s->kc, GFP_KERNEL);
	return obj;
}

static __always_inline void gp_b_put(struct gp_b_state *s,
				     const struct gp_b_ops *ops,
				     struct gp_b_obj *obj)
{
	switch (ops->impl) {
	case GP_B_POOL:
	case GP_B_POOL_IRQ:
		gosync_pool_put(s->pool, obj);
		break;
	case GP_B_KMEM_CACHE:
		kmem_cache_free(s->kc, obj);
		break;
	case GP_B_MEMPOOL:
		mempool_free(obj, s->mp);
		break;
	case GP_B_SPINLOCK:
		spin_lock(&s->lock);
		list_add(&obj->node, &s->free);
		spin_unlock(&s->lock);
		break;
	}
}

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
			gp_b_put(s, s->ops, r->slot[r->head & (GP_B_RING - 1)]);
	}
	kvfree(s->rings);
	gp_b_destroy(s);
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
	spin_lock_init(&s->lock);
	INIT_LIST_HEAD(&s->free);
	if (rings) {
		s->nr_rings = DIV_ROUND_UP(threads, 2);
		s->rings = kvcalloc(s->nr_rings, sizeof(*s->rings), GFP_KERNEL);
	}
	ret = s->nr_rings && !s->rings ? -ENOMEM : gp_b_init(s, ops->impl);
	if (ret) {
		s->nr_rings = 0;	/* nothing is in flight; maybe no rings */
		gp_b_teardown(s);
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

/*
 * pair (@n 1) and batch16: get @n objects, then put them back in the
 * order they came, GP_B_BATCH gets between stop checks.
 */
static __always_inline int gp_b_burst(struct gosync_run_thread *t,
				      const struct gp_b_ops *ops, unsigned int n)
{
	struct gp_b_state *s = t->run->data;
	struct gp_b_obj *obj[GP_B_BURST];
	unsigned int i, j, got;
	u64 seq = 0;

	do {
		for (j = 0; j < GP_B_BATCH / n; j++) {
			for (got = 0; got < n; got++) {
				obj[got] = gp_b_get(s, ops);
				if (unlikely(!obj[got]))
					break;
				obj[got]->seq = seq++;
			}
			for (i = 0; i < got; i++)
				gp_b_put(s, ops, obj[i]);
			t->ops += got;
			if (unlikely(got < n))
				return gp_b_nomem(n == 1 ? "pair" : "batch16");
		}
	} while (gosync_run_continue(t));
	return 0;
}

static __always_inline int gp_b_pair(struct gosync_run_thread *t,
				     const struct gp_b_ops *ops)
{
	return gp_b_burst(t, ops, 1);
}

static __always_inline int gp_b_batch16(struct gosync_run_thread *t,
					const struct gp_b_ops *ops)
{
	return gp_b_burst(t, ops, GP_B_BURST);
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
			obj = gp_b_get(s, ops);
			if (unlikely(!obj)) {
				ret = gp_b_nomem("xcpu");
				break;
			}
			obj->seq = seq++;
			r->slot[r->tail++ & (GP_B_RING - 1)] = obj;
			t->ops++;
		}
		for (; r->head != r->tail; r->head++, t->ops++)
			gp_b_put(s, ops, r->slot[r->head & (GP_B_RING - 1)]);
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
			obj = gp_b_get(s, ops);
			if (unlikely(!obj))
				return gp_b_nomem("xcpu");
			obj->seq = seq++;
			/* Pairs with smp_store_release() of head: slot is free. */
			while (tail - smp_load_acquire(&r->head) == GP_B_RING) {
				if (!gosync_run_continue(t)) {
					gp_b_put(s, ops, obj);
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
				gp_b_put(s, ops, obj);
				return -EIO;
			}
			seq++;
			gp_b_put(s, ops, obj);
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

/* The cases: each mix on each implementation (bench.h). */
GOSYNC_BENCH_MIX_CASE(gp_b, "pool", pair, gosync_pool, false);
GOSYNC_BENCH_MIX_CASE(gp_b, "pool", pair, gosync_pool_irq, false);
GOSYNC_BENCH_MIX_CASE(gp_b, "pool", pair, kmem_cache, false);
GOSYNC_BENCH_MIX_CASE(gp_b, "pool", pair, mempool, false);
GOSYNC_BENCH_MIX_CASE(gp_b, "pool", pair, spinlock, false);
GOSYNC_BENCH_MIX_CASE(gp_b, "pool", batch16, gosync_pool, false);
GOSYNC_BENCH_MIX_CASE(gp_b, "pool", batch16, gosync_pool_irq, false);
GOSYNC_BENCH_MIX_CASE(gp_b, "pool", batch16, kmem_cache, false);
GOSYNC_BENCH_MIX_CASE(gp_b, "pool", batch16, mempool, false);
GOSYNC_BENCH_MIX_CASE(gp_b, "pool", batch16, spinlock, false);
GOSYNC_BENCH_MIX_CASE(gp_b, "pool", xcpu, gosync_pool, true);
GOSYNC_BENCH_MIX_CASE(gp_b, "pool", xcpu, gosync_pool_irq, true);
GOSYNC_BENCH_MIX_CASE(gp_b, "pool", xcpu, kmem_cache, true);
GOSYNC_BENCH_MIX_CASE(gp_b, "pool", xcpu, mempool, true);
GOSYNC_BENCH_MIX_CASE(gp_b, "pool", xcpu, spinlock, true);

GOSYNC_BENCH_SET(pool, &gp_b_case_pair_gosync_pool,
		 &gp_b_case_pair_gosync_pool_irq, &gp_b_case_pair_kmem_cache,
		 &gp_b_case_pair_mempool, &gp_b_case_pair_spinlock,
		 &gp_b_case_batch16_gosync_pool, &gp_b_case_batch16_gosync_pool_irq,
		 &gp_b_case_batch16_kmem_cache, &gp_b_case_batch16_mempool,
		 &gp_b_case_batch16_spinlock, &gp_b_case_xcpu_gosync_pool,
		 &gp_b_case_xcpu_gosync_pool_irq, &gp_b_case_xcpu_kmem_cache,
		 &gp_b_case_xcpu_mempool, &gp_b_case_xcpu_spinlock);
