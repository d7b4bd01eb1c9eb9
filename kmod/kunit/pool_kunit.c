// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of gosync_pool (kmod/pool.c): option checks, the miss path
 * (zeroed memory, constructor, its failure, the max_objects bound), hits,
 * magazine swaps, spills and refills counted exactly on one CPU, reset on
 * put and on get (and a refused object), the byte-buffer pool's size cap,
 * the shrinker's victim tier, the hotplug drain, steals from another
 * CPU's depot shard, destroy with objects out, the typed wrapper, and
 * concurrency: threads on every CPU and an hrtimer in hardirq context on
 * an IRQ-safe pool, with every object checked for double use.
 *
 * Cases that count per-CPU events run with migration disabled, so the
 * pool's fast path stays on one CPU. Each case keeps its pools in a
 * fixture whose exit destroys them, so a failed assertion leaks nothing.
 */
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <gosync/pool.h>

#include "internal.h"
#include "pool.h"
#include "runner.h"

#define GP_POOLS	4
#define GP_MAGIC_FREE	0x600dcafeU
#define GP_MAGIC_OUT	0xdeadbeefU

/* A test object: its state word catches a double get or a double put. */
struct gp_obj {
	u32 magic;
	u32 ctor_seen_zero;
	atomic_t users;
	u64 payload[4];
};

struct gp_fx {
	struct gosync_pool *pools[GP_POOLS];
	atomic_t ctors;
	atomic_t dtors;
	atomic_t resets;
	int ctor_fail_every;	/* 0: never; n: every n-th constructor */
	bool reset_keep;
	struct hrtimer timer;
	bool timer_live;
	bool irq_stop;
	struct gosync_pool *irq_pool;
	atomic_t irq_ops;
	atomic_t errors;
	struct gosync_bufpool bp;
	bool bp_live;
	/* The destructor of this object signals, then stalls. */
	void *stall_obj;
	void *fill[2];		/* put before stall_obj by gp_nomag_putter() */
	struct completion in_dtor;
	struct completion destroyed;
	struct task_struct *putter;
};

static int gp_ctor(void *obj, void *arg, gfp_t gfp)
{
	struct gp_fx *fx = arg;
	struct gp_obj *o = obj;
	int n = atomic_inc_return(&fx->ctors);

	o->ctor_seen_zero = !memchr_inv(o, 0, sizeof(*o));
	if (fx->ctor_fail_every && n % fx->ctor_fail_every == 0)
		return -ENOMEM;
	o->magic = GP_MAGIC_FREE;
	return 0;
}

static bool gp_reset(void *obj, void *arg)
{
	struct gp_fx *fx = arg;

	atomic_inc(&fx->resets);
	return READ_ONCE(fx->reset_keep);
}

static void gp_dtor(void *obj, void *arg)
{
	struct gp_fx *fx = arg;

	atomic_inc(&fx->dtors);
	if (obj == READ_ONCE(fx->stall_obj)) {
		/* A test that puts from process context: we may sleep here. */
		complete(&fx->in_dtor);
		wait_for_completion_timeout(&fx->destroyed, 10 * HZ);
	}
}

static int gp_init(struct kunit *test)
{
	struct gp_fx *fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);

	if (!fx)
		return -ENOMEM;
	fx->reset_keep = true;
	test->priv = fx;
	return 0;
}

static void gp_exit(struct kunit *test)
{
	struct gp_fx *fx = test->priv;
	int i;

	if (fx->timer_live) {
		WRITE_ONCE(fx->irq_stop, true);
		hrtimer_cancel(&fx->timer);
	}
	if (fx->putter) {
		kthread_stop(fx->putter);
		put_task_struct(fx->putter);
	}
	for (i = 0; i < GP_POOLS; i++)
		gosync_pool_destroy(fx->pools[i]);
	if (fx->bp_live)
		gosync_bufpool_destroy(&fx->bp);
}

/* A pool of struct gp_obj with the fixture's callbacks, kept in slot @i. */
static struct gosync_pool *gp_pool(struct kunit *test, int i,
				   unsigned int cpu_cache, unsigned int flags,
				   unsigned long max_objects)
{
	struct gp_fx *fx = test->priv;
	struct gosync_pool_opts o = {
		.name = "kunit",
		.size = sizeof(struct gp_obj),
		.cpu_cache = cpu_cache,
		.flags = flags,
		.max_objects = max_objects,
		.ctor = gp_ctor,
		.reset = gp_reset,
		.dtor = gp_dtor,
		.arg = fx,
	};
	struct gosync_pool *p = gosync_pool_create(&o);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	/* The cases count exact depot and shrink outcomes: no kswapd. */
	__gosync_pool_hold_reclaim(p, true);
	fx->pools[i] = p;
	return p;
}

static void gp_destroy(struct kunit *test, int i)
{
	struct gp_fx *fx = test->priv;

	gosync_pool_destroy(fx->pools[i]);
	fx->pools[i] = NULL;
}

/* Mark an object out (catches handing one object to two users). */
static bool gp_take(struct gp_obj *o)
{
	if (o->magic != GP_MAGIC_FREE || atomic_inc_return(&o->users) != 1)
		return false;
	o->magic = GP_MAGIC_OUT;
	return true;
}

static bool gp_give(struct gp_obj *o)
{
	if (o->magic != GP_MAGIC_OUT || atomic_dec_return(&o->users) != 0)
		return false;
	o->magic = GP_MAGIC_FREE;
	return true;
}

static void pool_create_errors_test(struct kunit *test)
{
	struct gosync_pool_opts o = { .size = 64 };
	struct gosync_pool *p;

	KUNIT_EXPECT_EQ(test, PTR_ERR(gosync_pool_create(NULL)), -EINVAL);
	o.size = 0;
	KUNIT_EXPECT_EQ(test, PTR_ERR(gosync_pool_create(&o)), -EINVAL);
	o.size = GOSYNC_POOL_SIZE_MAX + 1;
	KUNIT_EXPECT_EQ(test, PTR_ERR(gosync_pool_create(&o)), -EINVAL);
	o.size = 64;
	o.align = 24;
	KUNIT_EXPECT_EQ(test, PTR_ERR(gosync_pool_create(&o)), -EINVAL);
	o.align = GOSYNC_POOL_ALIGN_MAX * 2;
	KUNIT_EXPECT_EQ(test, PTR_ERR(gosync_pool_create(&o)), -EINVAL);
	o.align = 0;
	o.flags = GOSYNC_POOL_FLAGS_ALL + 1;
	KUNIT_EXPECT_EQ(test, PTR_ERR(gosync_pool_create(&o)), -EINVAL);
	o.flags = 0;
	o.cpu_cache = 1;
	KUNIT_EXPECT_EQ(test, PTR_ERR(gosync_pool_create(&o)), -EINVAL);
	o.cpu_cache = GOSYNC_POOL_CPU_CACHE_MAX + 2;
	KUNIT_EXPECT_EQ(test, PTR_ERR(gosync_pool_create(&o)), -EINVAL);

	/* The limits themselves are fine; alignment is honoured. */
	o.cpu_cache = GOSYNC_POOL_CPU_CACHE_MAX;
	o.align = 256;
	o.size = 100;
	p = gosync_pool_create(&o);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	((struct gp_fx *)test->priv)->pools[0] = p;
	{
		void *a = gosync_pool_get(p, GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, a);
		KUNIT_EXPECT_EQ(test, (unsigned long)a % 256, 0UL);
		gosync_pool_put(p, a);
	}
	gosync_pool_destroy(NULL);
	gosync_pool_destroy(ERR_PTR(-EINVAL));
}

static void pool_miss_hit_test(struct kunit *test)
{
	struct gp_fx *fx = test->priv;
	struct gosync_pool *p = gp_pool(test, 0, 8, 0, 0);
	struct gosync_pool_stats st;
	struct gp_obj *a, *b;

	migrate_disable();
	a = gosync_pool_get(p, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_EXPECT_EQ(test, a->ctor_seen_zero, 1U);
	KUNIT_EXPECT_EQ(test, a->magic, GP_MAGIC_FREE);
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->ctors), 1);
	gosync_pool_put(p, a);
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->resets), 1);
	b = gosync_pool_get(p, GFP_KERNEL);
	migrate_enable();
	KUNIT_EXPECT_PTR_EQ(test, a, b);
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->ctors), 1);
	gosync_pool_put(p, NULL);	/* no-op */

	gosync_pool_stats(p, &st);
	KUNIT_EXPECT_EQ(test, st.misses, 1ULL);
	KUNIT_EXPECT_EQ(test, st.hits, 1ULL);
	KUNIT_EXPECT_EQ(test, st.constructed, 1ULL);
	KUNIT_EXPECT_EQ(test, st.puts, 1ULL);
	KUNIT_EXPECT_EQ(test, st.objects, 1L);
	KUNIT_EXPECT_EQ(test, st.cached, 0L);
	gosync_pool_put(p, b);
	gosync_pool_stats(p, &st);
	KUNIT_EXPECT_EQ(test, st.cached, 1L);
	gp_destroy(test, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->dtors), 1);
}

/*
 * cpu_cache 4: magazines of 2. Twelve objects out, then back: 4 stay on
 * the CPU, 8 go to the depot in 4 spills; getting them again takes the
 * CPU's 4 (hits), then 4 refills of 2.
 */
static void pool_magazines_test(struct kunit *test)
{
	struct gosync_pool *p = gp_pool(test, 0, 4, 0, 0);
	struct gosync_pool_stats st, cs;
	void *objs[12];
	unsigned int cpu;
	int i;

	migrate_disable();
	cpu = smp_processor_id();
	for (i = 0; i < 12; i++) {
		objs[i] = gosync_pool_get(p, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
	}
	for (i = 0; i < 12; i++)
		gosync_pool_put(p, objs[i]);
	gosync_pool_stats(p, &st);
	KUNIT_EXPECT_EQ(test, st.spills, 4ULL);
	KUNIT_EXPECT_EQ(test, st.cached, 12L);
	KUNIT_EXPECT_EQ(test, st.depot, 8L);
	KUNIT_EXPECT_EQ(test, __gosync_pool_cpu_stats(p, cpu, &cs), 0);
	KUNIT_EXPECT_EQ(test, cs.depot, 8L);
	KUNIT_EXPECT_EQ(test, cs.cached - cs.depot, 4L);

	for (i = 0; i < 12; i++) {
		objs[i] = gosync_pool_get(p, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
	}
	gosync_pool_stats(p, &st);
	KUNIT_EXPECT_EQ(test, st.constructed, 12ULL);
	KUNIT_EXPECT_EQ(test, st.refills, 4ULL);
	KUNIT_EXPECT_EQ(test, st.steals, 0ULL);
	KUNIT_EXPECT_EQ(test, st.hits, 12ULL - 4);
	KUNIT_EXPECT_EQ(test, st.cached, 0L);
	KUNIT_EXPECT_EQ(test, st.depot, 0L);
	for (i = 0; i < 12; i++)
		gosync_pool_put(p, objs[i]);
	migrate_enable();
	KUNIT_EXPECT_EQ(test, __gosync_pool_cpu_stats(p, nr_cpu_ids, &cs),
			-EINVAL);
}

static void pool_bounds_test(struct kunit *test)
{
	struct gp_fx *fx = test->priv;
	struct gosync_pool *p = gp_pool(test, 0, 2, 0, 3);
	struct gosync_pool_stats st;
	void *o[4];
	int i;

	for (i = 0; i < 3; i++) {
		o[i] = gosync_pool_get(p, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, o[i]);
	}
	KUNIT_EXPECT_NULL(test, gosync_pool_get(p, GFP_KERNEL));
	gosync_pool_stats(p, &st);
	KUNIT_EXPECT_EQ(test, st.ctor_failed, 1ULL);
	KUNIT_EXPECT_EQ(test, st.objects, 3L);
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->ctors), 3);
	gosync_pool_put(p, o[0]);
	o[3] = gosync_pool_get(p, GFP_KERNEL);
	KUNIT_EXPECT_NOT_NULL(test, o[3]);
	for (i = 1; i < 4; i++)
		gosync_pool_put(p, o[i]);
	gosync_pool_stats(p, &st);
	KUNIT_EXPECT_EQ(test, st.objects, 3L);
	KUNIT_EXPECT_EQ(test, st.cached, 3L);
}

static void pool_ctor_failure_test(struct kunit *test)
{
	struct gp_fx *fx = test->priv;
	struct gosync_pool *p = gp_pool(test, 0, 0, 0, 0);
	struct gosync_pool_stats st;
	void *o[10];
	int i, got = 0;

	fx->ctor_fail_every = 2;
	for (i = 0; i < 10; i++) {
		o[i] = gosync_pool_get(p, GFP_KERNEL);
		got += !!o[i];
	}
	KUNIT_EXPECT_EQ(test, got, 5);
	gosync_pool_stats(p, &st);
	KUNIT_EXPECT_EQ(test, st.ctor_failed, 5ULL);
	KUNIT_EXPECT_EQ(test, st.constructed, 5ULL);
	KUNIT_EXPECT_EQ(test, st.objects, 5L);
	for (i = 0; i < 10; i++)
		gosync_pool_put(p, o[i]);
	gp_destroy(test, 0);
	/* A failed constructor's object is freed without the destructor. */
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->dtors), 5);
}

static void pool_reset_test(struct kunit *test)
{
	struct gp_fx *fx = test->priv;
	struct gosync_pool *p = gp_pool(test, 0, 0, 0, 0);
	struct gosync_pool *g = gp_pool(test, 1, 0, GOSYNC_POOL_RESET_ON_GET,
					0);
	struct gosync_pool_stats st;
	void *a, *b;

	/* Refused on put: freed, destructed, counted. */
	a = gosync_pool_get(p, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	WRITE_ONCE(fx->reset_keep, false);
	gosync_pool_put(p, a);
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->resets), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->dtors), 1);
	gosync_pool_stats(p, &st);
	KUNIT_EXPECT_EQ(test, st.dropped, 1ULL);
	KUNIT_EXPECT_EQ(test, st.objects, 0L);
	KUNIT_EXPECT_EQ(test, st.cached, 0L);

	/* On get: not run on put, nor on a constructed object. */
	WRITE_ONCE(fx->reset_keep, true);
	atomic_set(&fx->resets, 0);
	migrate_disable();
	a = gosync_pool_get(g, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	gosync_pool_put(g, a);
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->resets), 0);
	b = gosync_pool_get(g, GFP_KERNEL);
	KUNIT_EXPECT_PTR_EQ(test, a, b);
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->resets), 1);
	gosync_pool_put(g, b);
	/* Refused on get: freed, and the get constructs a new one. */
	WRITE_ONCE(fx->reset_keep, false);
	b = gosync_pool_get(g, GFP_KERNEL);
	migrate_enable();
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->resets), 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->dtors), 2);
	gosync_pool_stats(g, &st);
	KUNIT_EXPECT_EQ(test, st.dropped, 1ULL);
	KUNIT_EXPECT_EQ(test, st.constructed, 2ULL);
	KUNIT_EXPECT_EQ(test, st.objects, 1L);
	gosync_pool_put(g, b);
}

static void pool_bufpool_test(struct kunit *test)
{
	struct gp_fx *fx = test->priv;
	struct gosync_pool_stats st;
	struct gosync_buf *b, *c;

	KUNIT_EXPECT_EQ(test, gosync_bufpool_init(&fx->bp, "kb", 0, 64, 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, gosync_bufpool_init(&fx->bp, "kb", 128, 64, 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, gosync_bufpool_init(&fx->bp, "kb", 64, 64,
						  GOSYNC_POOL_RESET_ON_GET),
			-EINVAL);
	KUNIT_ASSERT_EQ(test, gosync_bufpool_init(&fx->bp, "kb", 64, 256, 0),
			0);
	fx->bp_live = true;
	__gosync_pool_hold_reclaim(fx->bp.pool, true);

	migrate_disable();
	b = gosync_buf_get(&fx->bp, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_EQ(test, b->cap, (size_t)64);
	KUNIT_EXPECT_EQ(test, b->len, (size_t)0);
	memset(b->data, 'x', 64);
	b->len = 64;
	KUNIT_EXPECT_EQ(test, gosync_buf_reserve(b, 100, GFP_KERNEL), 0);
	KUNIT_EXPECT_GE(test, b->cap, (size_t)164);
	KUNIT_EXPECT_EQ(test, b->data[63], 'x');
	KUNIT_EXPECT_EQ(test, gosync_buf_reserve(b, SIZE_MAX, GFP_KERNEL),
			-EOVERFLOW);
	b->len = 164;
	/* Within the cap: cached, emptied. */
	gosync_buf_put(&fx->bp, b);
	c = gosync_buf_get(&fx->bp, GFP_KERNEL);
	KUNIT_EXPECT_PTR_EQ(test, b, c);
	KUNIT_EXPECT_EQ(test, c->len, (size_t)0);
	/* Beyond it: dropped. */
	KUNIT_EXPECT_EQ(test, gosync_buf_reserve(c, 1000, GFP_KERNEL), 0);
	gosync_buf_put(&fx->bp, c);
	migrate_enable();
	gosync_pool_stats(fx->bp.pool, &st);
	KUNIT_EXPECT_EQ(test, st.dropped, 1ULL);
	KUNIT_EXPECT_EQ(test, st.objects, 0L);
	KUNIT_EXPECT_EQ(test, st.cached, 0L);
	gosync_buf_put(&fx->bp, NULL);
}

/*
 * The victim tier: objects spilled since the last scan survive it; the
 * next scans free at most what they are asked, never the CPU's own
 * magazines.
 */
/*
 * Get @n objects on this CPU, then put them all back, until a round drops
 * none: a put that spills needs a magazine, allocated with GFP_NOWAIT,
 * and drops its object if that fails (documented; seen under memory
 * pressure). The caller has migration disabled.
 */
static void gp_round(struct kunit *test, struct gosync_pool *p, void **objs,
		     int n)
{
	struct gosync_pool_stats st;
	int i, tries = 0;
	u64 dropped;

	do {
		gosync_pool_stats(p, &st);
		dropped = st.dropped;
		for (i = 0; i < n; i++) {
			objs[i] = gosync_pool_get(p, GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, objs[i]);
		}
		for (i = 0; i < n; i++)
			gosync_pool_put(p, objs[i]);
		gosync_pool_stats(p, &st);
		if (st.dropped != dropped)
			kunit_info(test, "%llu puts dropped (no magazine): again\n",
				   st.dropped - dropped);
	} while (st.dropped != dropped && ++tries < 10);
	KUNIT_ASSERT_EQ(test, st.dropped, dropped);
}

static void pool_shrink_test(struct kunit *test)
{
	struct gp_fx *fx = test->priv;
	struct gosync_pool *p = gp_pool(test, 0, 4, 0, 0);
	struct gosync_pool_stats st;
	void *objs[20];
	int i, dtors;

	migrate_disable();
	gp_round(test, p, objs, 20);
	migrate_enable();
	gosync_pool_stats(p, &st);
	KUNIT_ASSERT_EQ(test, st.depot, 16L);
	KUNIT_ASSERT_EQ(test, st.objects, 20L);
	dtors = atomic_read(&fx->dtors);

	/* All young: nothing freed, all aged. */
	KUNIT_EXPECT_EQ(test, gosync_pool_shrink(p, 100), 0UL);
	/* Partial: 5 of 16 old. */
	KUNIT_EXPECT_EQ(test, gosync_pool_shrink(p, 5), 5UL);
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->dtors) - dtors, 5);
	gosync_pool_stats(p, &st);
	KUNIT_EXPECT_EQ(test, st.shrunk, 5ULL);
	KUNIT_EXPECT_EQ(test, st.depot, 11L);
	KUNIT_EXPECT_EQ(test, st.objects, 15L);
	/* The rest of the old ones; the CPU's 4 stay. */
	KUNIT_EXPECT_EQ(test, gosync_pool_shrink(p, ULONG_MAX), 11UL);
	KUNIT_EXPECT_EQ(test, gosync_pool_shrink(p, ULONG_MAX), 0UL);
	gosync_pool_stats(p, &st);
	KUNIT_EXPECT_EQ(test, st.depot, 0L);
	KUNIT_EXPECT_EQ(test, st.objects, 4L);
	KUNIT_EXPECT_EQ(test, st.cached, 4L);
	KUNIT_EXPECT_EQ(test, st.shrunk, 16ULL);

	/* A busy pool: what it takes back from the depot is not freed. */
	migrate_disable();
	gp_round(test, p, objs, 20);
	__gosync_pool_age(p);
	for (i = 0; i < 20; i++)
		objs[i] = gosync_pool_get(p, GFP_KERNEL);
	migrate_enable();
	KUNIT_EXPECT_EQ(test, gosync_pool_shrink(p, ULONG_MAX), 0UL);
	gosync_pool_stats(p, &st);
	KUNIT_EXPECT_EQ(test, st.objects, 20L);
	KUNIT_EXPECT_EQ(test, st.depot, 0L);
	for (i = 0; i < 20; i++)
		gosync_pool_put(p, objs[i]);
}

/* What the CPU hotplug callback does, on a pool only this test uses. */
static void pool_drain_cpu_test(struct kunit *test)
{
	struct gosync_pool *p = gp_pool(test, 0, 8, 0, 0);
	struct gosync_pool_stats st, cs;
	void *objs[6];
	unsigned int cpu;
	int i;

	migrate_disable();
	cpu = smp_processor_id();
	for (i = 0; i < 6; i++)
		objs[i] = gosync_pool_get(p, GFP_KERNEL);
	for (i = 0; i < 6; i++)
		gosync_pool_put(p, objs[i]);
	KUNIT_EXPECT_EQ(test, __gosync_pool_drain_cpu(p, cpu), 6UL);
	KUNIT_EXPECT_EQ(test, __gosync_pool_cpu_stats(p, cpu, &cs), 0);
	KUNIT_EXPECT_EQ(test, cs.cached, 6L);
	KUNIT_EXPECT_EQ(test, cs.depot, 6L);
	KUNIT_EXPECT_EQ(test, __gosync_pool_drain_cpu(p, cpu), 0UL);
	KUNIT_EXPECT_EQ(test, __gosync_pool_drain_cpu(p, nr_cpu_ids), 0UL);
	for (i = 0; i < 6; i++)
		objs[i] = gosync_pool_get(p, GFP_KERNEL);
	migrate_enable();
	gosync_pool_stats(p, &st);
	KUNIT_EXPECT_EQ(test, st.constructed, 6ULL);
	KUNIT_EXPECT_EQ(test, st.refills, 2ULL);
	KUNIT_EXPECT_EQ(test, st.objects, 6L);
	for (i = 0; i < 6; i++)
		gosync_pool_put(p, objs[i]);
}

struct gp_steal {
	struct gosync_pool *p;
	void *objs[8];
	unsigned int cpu;
	struct completion done;
};

static int gp_steal_fn(void *data)
{
	struct gp_steal *s = data;
	int i;

	s->cpu = raw_smp_processor_id();
	for (i = 0; i < 8; i++)
		s->objs[i] = gosync_pool_get(s->p, GFP_KERNEL);
	complete(&s->done);
	return 0;
}

/* Objects spilled on one CPU are stolen by a get on another. */
static void pool_steal_test(struct kunit *test)
{
	struct gosync_pool *p = gp_pool(test, 0, 4, 0, 0);
	struct gp_steal *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct gosync_pool_stats st;
	struct task_struct *t;
	unsigned int me, other;
	void *objs[12];
	int i;

	KUNIT_ASSERT_NOT_NULL(test, s);
	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two online CPUs");
	migrate_disable();
	me = smp_processor_id();
	for (i = 0; i < 12; i++)
		objs[i] = gosync_pool_get(p, GFP_KERNEL);
	for (i = 0; i < 12; i++)
		gosync_pool_put(p, objs[i]);
	migrate_enable();
	other = cpumask_any_but(cpu_online_mask, me);
	KUNIT_ASSERT_LT(test, other, nr_cpu_ids);
	s->p = p;
	init_completion(&s->done);
	t = kthread_create(gp_steal_fn, s, "gosync-pk-steal");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	kthread_bind(t, other);
	wake_up_process(t);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&s->done,
							    10 * HZ) > 0);
	KUNIT_EXPECT_NE(test, s->cpu, me);
	gosync_pool_stats(p, &st);
	/* 8 in the depot, in magazines of 2: all stolen, none made. */
	KUNIT_EXPECT_EQ(test, st.steals, 4ULL);
	KUNIT_EXPECT_EQ(test, st.constructed, 12ULL);
	for (i = 0; i < 8; i++) {
		KUNIT_EXPECT_NOT_NULL(test, s->objs[i]);
		gosync_pool_put(p, s->objs[i]);
	}
	gosync_pool_stats(p, &st);
	KUNIT_EXPECT_EQ(test, st.cached, 12L);
}

/* Objects out at destroy are freed when put back; nothing leaks. */
static void pool_destroy_with_objects_out_test(struct kunit *test)
{
	struct gp_fx *fx = test->priv;
	struct gosync_pool *p = gp_pool(test, 0, 4, GOSYNC_POOL_IRQSAFE, 0);
	void *objs[10];
	unsigned long flags;
	int i;

	for (i = 0; i < 10; i++) {
		objs[i] = gosync_pool_get(p, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
	}
	for (i = 0; i < 4; i++)
		gosync_pool_put(p, objs[i]);
	gp_destroy(test, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->dtors), 4);
	/* Still usable memory. */
	memset(objs[4], 0, sizeof(struct gp_obj));
	gosync_pool_put(p, objs[4]);
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->dtors), 5);
	/* The last put may come from an atomic section (irqs off; bh on RT). */
	flags = gosync_test_atomic_enter();
	for (i = 5; i < 10; i++)
		gosync_pool_put(p, objs[i]);
	gosync_test_atomic_exit(flags);
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->dtors), 10);
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->resets), 10);
}

/* Put fx->stall_obj into fx->pools[0], then wait to be stopped. */
static int gp_putter(void *arg)
{
	struct gp_fx *fx = arg;

	gosync_pool_put(fx->pools[0], fx->stall_obj);
	while (!kthread_should_stop())
		usleep_range(1000, 2000);
	return 0;
}

/* Whether gp_fail_next_alloc() can make an allocation fail. */
#if defined(GOSYNC_NATIVE) || IS_ENABLED(CONFIG_FAILSLAB)
#define GP_CAN_FAIL_ALLOC true
#else
#define GP_CAN_FAIL_ALLOC false
#endif

/* Make the calling task's next slab allocation fail. */
static void gp_fail_next_alloc(void)
{
#if defined(GOSYNC_NATIVE)
	shim_fail_alloc(1);
#elif IS_ENABLED(CONFIG_FAILSLAB)
	current->fail_nth = 1;	/* what /proc/self/fail-nth writes */
#endif
}

/*
 * Fill this CPU's two magazines (of one object each) with fx->fill[], then
 * put fx->stall_obj with the magazine allocation failing: dropped.
 */
static int gp_nomag_putter(void *arg)
{
	struct gp_fx *fx = arg;

	gosync_pool_put(fx->pools[0], fx->fill[0]);
	gosync_pool_put(fx->pools[0], fx->fill[1]);
	gp_fail_next_alloc();
	gosync_pool_put(fx->pools[0], fx->stall_obj);
	while (!kthread_should_stop())
		usleep_range(1000, 2000);
	return 0;
}

/*
 * A put that drops its object (the reset refuses it) races with destroy:
 * its destructor signals, then waits until destroy has returned. The
 * dropped object is still out until it is freed, so destroy must leave
 * the pool to that put, which frees the rest of it afterwards: no use of
 * the freed pool (KASAN, ASan), no "cache still has objects" from
 * kmem_cache_destroy(), every constructed object destructed once.
 */
static void pool_drop_races_destroy_test(struct kunit *test)
{
	struct gp_fx *fx = test->priv;
	struct gosync_pool *p = gp_pool(test, 0, 0, 0, 0);
	struct task_struct *task;
	void *keep, *obj;

	keep = gosync_pool_get(p, GFP_KERNEL);	/* cached at destroy */
	obj = gosync_pool_get(p, GFP_KERNEL);	/* dropped by the putter */
	KUNIT_ASSERT_NOT_NULL(test, keep);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	gosync_pool_put(p, keep);
	init_completion(&fx->in_dtor);
	init_completion(&fx->destroyed);
	WRITE_ONCE(fx->stall_obj, obj);
	WRITE_ONCE(fx->reset_keep, false);
	task = kthread_create(gp_putter, fx, "kunit-pool-put");
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	get_task_struct(task);
	fx->putter = task;
	wake_up_process(task);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&fx->in_dtor, 10 * HZ) > 0);
	/* The putter is in the destructor, past the pool's own section. */
	gp_destroy(test, 0);
	complete(&fx->destroyed);	/* and now it goes on */
	kthread_stop(task);
	put_task_struct(task);
	fx->putter = NULL;
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->ctors), 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->dtors), 2);
}

/*
 * The other drop path: the put finds both of its CPU's magazines full, no
 * empty one in the shard, and cannot allocate one. It drops the object
 * through the same gp_drop() as a refusing reset, and must leave the pool
 * to destroy just as late.
 */
static void pool_nomag_drop_races_destroy_test(struct kunit *test)
{
	struct gp_fx *fx = test->priv;
	struct gosync_pool *p = gp_pool(test, 0, 2, 0, 0);	/* magazines of 1 */
	struct task_struct *task;
	int i;

	if (!GP_CAN_FAIL_ALLOC)
		kunit_skip(test, "needs CONFIG_FAILSLAB to fail the magazine allocation");
	for (i = 0; i < 2; i++) {
		fx->fill[i] = gosync_pool_get(p, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, fx->fill[i]);
	}
	fx->stall_obj = gosync_pool_get(p, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fx->stall_obj);
	init_completion(&fx->in_dtor);
	init_completion(&fx->destroyed);
	task = kthread_create(gp_nomag_putter, fx, "kunit-pool-put");
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	kthread_bind(task, raw_smp_processor_id());	/* all three puts on one CPU */
	get_task_struct(task);
	fx->putter = task;
	wake_up_process(task);
	KUNIT_ASSERT_TRUE_MSG(test, wait_for_completion_timeout(&fx->in_dtor, 10 * HZ) > 0,
			      "the third put did not drop its object");
	gp_destroy(test, 0);	/* the fillers are cached: destructed here */
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->dtors), 3);
	complete(&fx->destroyed);
	kthread_stop(task);
	put_task_struct(task);
	fx->putter = NULL;
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->ctors), 3);
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->dtors), 3);
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->resets), 3);
}

struct gp_typed {
	u64 a;
	u32 made;
};

static int gp_typed_ctor(struct gp_typed *t, void *arg, gfp_t gfp)
{
	t->made = 1;
	return 0;
}

DEFINE_GOSYNC_POOL(gp_typed, struct gp_typed, gp_typed_ctor);

static void pool_typed_test(struct kunit *test)
{
	struct gp_fx *fx = test->priv;
	struct gosync_pool_opts o = { .cpu_cache = 8 };
	struct gp_typed_pool tp;
	struct gp_typed *t;

	KUNIT_ASSERT_EQ(test, gp_typed_pool_create(&tp, &o), 0);
	fx->pools[0] = tp.pool;
	t = gp_typed_pool_get(&tp, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_EXPECT_EQ(test, t->made, 1U);
	KUNIT_EXPECT_EQ(test, t->a, 0ULL);
	gp_typed_pool_put(&tp, t);
	fx->pools[0] = NULL;
	gp_typed_pool_destroy(&tp);
	KUNIT_EXPECT_NULL(test, tp.pool);
	o.cpu_cache = 1;
	KUNIT_EXPECT_EQ(test, gp_typed_pool_create(&tp, &o), -EINVAL);
	KUNIT_EXPECT_NULL(test, tp.pool);
}

/* Each thread: get a few, check they are exclusively ours, put back. */
static int gp_thread_body(struct gosync_run_thread *t)
{
	struct gp_fx *fx = t->run->data;
	struct gosync_pool *p = fx->pools[0];
	struct gp_obj *o[8];
	unsigned int n = 1 + t->id % 8, i;

	while (gosync_run_continue(t)) {
		for (i = 0; i < n; i++) {
			o[i] = gosync_pool_get(p, GFP_KERNEL);
			if (!o[i] || !gp_take(o[i]))
				atomic_inc(&fx->errors);
			if (!o[i])
				break;
		}
		while (i--)
			if (!gp_give(o[i]))
				atomic_inc(&fx->errors);
		for (i = 0; i < n && o[i]; i++)
			gosync_pool_put(p, o[i]);
		/* Keep the shrinker path in the mix. */
		if (t->id == 0 && (t->ops & 255) == 0)
			gosync_pool_shrink(p, 16);
		t->ops++;
	}
	return 0;
}

static enum hrtimer_restart gp_timer_fn(struct hrtimer *timer)
{
	struct gp_fx *fx = container_of(timer, struct gp_fx, timer);
	struct gp_obj *o;

	if (!GOSYNC_ANY_IRQ())
		atomic_inc(&fx->errors);
	o = gosync_pool_get(fx->irq_pool, GFP_ATOMIC);
	if (o) {
		if (!gp_take(o) || !gp_give(o))
			atomic_inc(&fx->errors);
		gosync_pool_put(fx->irq_pool, o);
		atomic_inc(&fx->irq_ops);
	}
	if (READ_ONCE(fx->irq_stop))
		return HRTIMER_NORESTART;
	hrtimer_forward_now(timer, ns_to_ktime(100 * NSEC_PER_USEC));
	return HRTIMER_RESTART;
}

/*
 * Threads on every online CPU and an hrtimer in hardirq context (softirq
 * on PREEMPT_RT, where pools are not for hard interrupt context) share an
 * IRQ-safe pool with small magazines, so every path (swap, spill, refill,
 * steal, shrink) runs concurrently. No object may be handed to two users
 * and, once all are back, every object is cached.
 */
static void pool_concurrent_test(struct kunit *test)
{
	struct gp_fx *fx = test->priv;
	struct gosync_pool *p = gp_pool(test, 0, 4, GOSYNC_POOL_IRQSAFE, 0);
	struct gosync_run run = {
		.name = "pool-kunit",
		.nr_threads = min(num_online_cpus(), 4U),
		.duration_ms = 300,
		.body = gp_thread_body,
		.data = fx,
	};
	struct gosync_pool_stats st;
	int ret;

	fx->irq_pool = p;
	hrtimer_init(&fx->timer, CLOCK_MONOTONIC, GOSYNC_HRTIMER_ANY);
	fx->timer.function = gp_timer_fn;
	fx->timer_live = true;
	hrtimer_start(&fx->timer, ns_to_ktime(100 * NSEC_PER_USEC),
		      GOSYNC_HRTIMER_ANY);
	ret = gosync_run_threads(&run);
	WRITE_ONCE(fx->irq_stop, true);
	hrtimer_cancel(&fx->timer);
	fx->timer_live = false;
	gosync_run_free(&run);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->errors), 0);
	KUNIT_EXPECT_GT(test, atomic_read(&fx->irq_ops), 0);

	gosync_pool_stats(p, &st);
	KUNIT_EXPECT_EQ(test, st.cached, st.objects);
	KUNIT_EXPECT_EQ(test, (u64)st.objects,
			st.constructed - st.dropped - st.shrunk);
	KUNIT_EXPECT_EQ(test, (u64)atomic_read(&fx->ctors), st.constructed);
	gp_destroy(test, 0);
	KUNIT_EXPECT_EQ(test, (u64)atomic_read(&fx->dtors), st.constructed);
}

static struct kunit_case gosync_pool_cases[] = {
	KUNIT_CASE(pool_create_errors_test),
	KUNIT_CASE(pool_miss_hit_test),
	KUNIT_CASE(pool_magazines_test),
	KUNIT_CASE(pool_bounds_test),
	KUNIT_CASE(pool_ctor_failure_test),
	KUNIT_CASE(pool_reset_test),
	KUNIT_CASE(pool_bufpool_test),
	KUNIT_CASE(pool_shrink_test),
	KUNIT_CASE(pool_drain_cpu_test),
	KUNIT_CASE(pool_steal_test),
	KUNIT_CASE(pool_destroy_with_objects_out_test),
	KUNIT_CASE(pool_drop_races_destroy_test),
	KUNIT_CASE(pool_nomag_drop_races_destroy_test),
	KUNIT_CASE(pool_typed_test),
	KUNIT_CASE(pool_concurrent_test),
	{}
};

static struct kunit_suite gosync_pool_suite = {
	.name = "gosync_pool",
	.init = gp_init,
	.exit = gp_exit,
	.test_cases = gosync_pool_cases,
};

kunit_test_suite(gosync_pool_suite);
