// SPDX-License-Identifier: GPL-2.0
/*
 * gosync_pool: per-CPU object pools.
 *
 * The design, the context rules and each exported function's contract
 * (its kerneldoc) are in include/gosync/pool.h; this comment covers what
 * only the code needs.
 *
 * Fast paths. gosync_pool_get() and gosync_pool_put() are a handful of
 * loads and stores on the local CPU's loaded magazine, with no loop and
 * no call. One test of pool->flags sends a pool with a reset (and, for
 * get, a destroyed pool) to gp_get_flagged() or gp_put_reset(); put tests
 * GP_DEAD once inside gp_enter() (see "Objects out"); one test of the
 * magazine (empty for get, full for put) sends the rare case to
 * gp_get_slow() or gp_put_full(), which go on inside the same gp_enter().
 * All of these are noinline, so the fast paths stay small.
 *
 * Ownership. A CPU's struct gp_cpu (its two magazines and its counters) is
 * touched only by that CPU, inside gp_enter()/gp_exit(), which take its local
 * lock: interrupts (IRQ-safe pools) or preemption disabled, or on PREEMPT_RT a
 * per-CPU spinlock_t with migration disabled, so two tasks of one CPU take
 * turns; and by gp_drain_cpu() when the CPU is dead, and by destroy after the
 * grace period that retires the fast path. Counters that other CPUs read for
 * statistics are written with WRITE_ONCE(). A magazine in the depot belongs to
 * its shard and is touched only under the shard's lock, which is always taken
 * with interrupts disabled (the same lock class serves IRQ-safe and other
 * pools).
 *
 * Objects out. Each CPU counts gets minus puts in gp_cpu.out (objects move
 * between CPUs, so one CPU's count may be negative; the sum is exact). Destroy
 * sets GP_DEAD in pool->flags and waits for an RCU grace period. Put tests
 * GP_DEAD inside gp_enter(), with interrupts or preemption disabled, and since
 * 4.20 (RCU-sched folded into RCU) synchronize_rcu() waits for such regions as
 * for rcu_read_lock() ones (on PREEMPT_RT the local lock is a spinlock_t, which
 * holds rcu_read_lock()): after it, every put sees GP_DEAD and none is still
 * using a CPU's cache. (The native build's shim models this;
 * tools/native/kunit/planted.c checks that it does.) Destroy then frees what is
 * cached, and adds the sum of the out counts to pool->dead_out, which every put
 * after GP_DEAD has decremented. Before the addition dead_out is at most zero
 * and only falls, so it reaches zero after the addition exactly once: in
 * destroy if nothing was out, else in the put of the last object; that caller
 * frees the pool's remaining memory (from a workqueue, as kmem_cache_destroy()
 * sleeps).
 *
 * So an object counts as out until the pool is done with it. A put that
 * caches it uncounts it inside gp_enter(), where it also caches it. A put
 * that drops it (gp_drop()) runs the destructor and frees it into the
 * pool's cache outside gp_enter(), and only then enters again to uncount
 * it, or, seeing GP_DEAD, to decrement dead_out: either destroy's grace
 * period waited for the uncounting, or destroy counted the object and the
 * pool outlives the drop.
 *
 * Victim tier. Depot magazines are on their shard's young or old list.
 * Spills and hotplug drains add to young; refills and steals take young
 * first (warmest); a scan frees from old only, and when no old magazine is
 * left anywhere it moves every young one to old.
 */
#include <linux/atomic.h>
#include <linux/cpuhotplug.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/list.h>
/* 6.1-rt's local_lock.h uses spinlock_t without including its header. */
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <linux/local_lock.h>
#include <linux/log2.h>
#include <linux/overflow.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/sched/mm.h>
#include <linux/shrinker.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/version.h>
#include <linux/workqueue.h>

#include "internal.h"
#include "pool.h"
#include "trace.h"

/*
 * The shrinker API changed in 6.7 (shrinker_alloc()); GP_SHRINKER_ALLOC
 * is the one place that knows.
 */
#define GP_SHRINKER_ALLOC	(LINUX_VERSION_MAJOR > 6 || \
				 (LINUX_VERSION_MAJOR == 6 && \
				  LINUX_VERSION_PATCHLEVEL >= 7))

/* A magazine: up to pool->mag_size object pointers. */
struct gp_mag {
	struct list_head node;
	unsigned int nr;
	void *objs[];
};

struct gp_cpu_stats {
	u64 hits;
	u64 misses;
	u64 refills;
	u64 steals;
	u64 constructed;
	u64 ctor_failed;
	u64 spills;
	u64 puts;
	u64 dropped;
};

/* One CPU's cache; see "Ownership". */
struct gp_cpu {
	local_lock_t lock;	/* gp_enter(): the rest */
	struct gp_mag *loaded;
	struct gp_mag *prev;
	long cached;		/* objects in loaded and prev */
	long out;		/* gets minus puts on this CPU */
	struct gp_cpu_stats st;
};

/* One CPU's shard of the depot. */
struct gp_shard {
	spinlock_t lock;	/* everything below */
	struct list_head young;
	struct list_head old;
	struct list_head empty;
	unsigned long nr_young;	/* objects, not magazines */
	unsigned long nr_old;
	unsigned int nr_empty;
};

/*
 * pool->flags: the GOSYNC_POOL_* options (GOSYNC_POOL_RESET_ON_GET only
 * with a reset), and these. Written after create only by destroy (GP_DEAD),
 * so read with READ_ONCE().
 */
#define GP_RESET_ON_PUT		BIT(30)	/* opts.reset runs on put */
#define GP_DEAD			BIT(31)	/* destroyed; see "Objects out" */

struct gosync_pool {
	/* Read on every get and put. */
	struct gp_cpu __percpu *cpu;
	unsigned int mag_size;
	unsigned int flags;
	/* The slow paths. */
	struct gp_shard __percpu *shard;
	struct kmem_cache *cache;
	struct gosync_pool_opts opts;
	atomic_long_t nr_objs;		/* objects alive, cached or out */
	atomic_long_t depot_mags;	/* non-empty magazines in the depot */
	atomic_long_t dead_out;		/* see "Objects out" */
	atomic_long_t shrunk;
	bool reclaim_held;		/* __gosync_pool_hold_reclaim() */
#if GP_SHRINKER_ALLOC
	struct shrinker *shrinker;
#else
	struct shrinker shrinker;
#endif
	struct hlist_node cpuhp_node;
	struct work_struct release_work;
	char *name;
	struct gosync_face *face;	/* its debugfs entry, if named */
};

static struct workqueue_struct *gp_wq;
static enum cpuhp_state gp_cpuhp_state;
static atomic_t gp_live = ATOMIC_INIT(0);	/* pools not yet released */
static atomic_long_t gp_ids = ATOMIC_LONG_INIT(0);

/* Counters other CPUs read: one writer, marked stores. */
static __always_inline void gp_inc(u64 *x)
{
	WRITE_ONCE(*x, *x + 1);
}

static __always_inline void gp_add(long *x, long n)
{
	WRITE_ONCE(*x, *x + n);
}

/*
 * Enter and leave this CPU's cache (see "Ownership"); @f is pool->flags.
 * The region is also what destroy's grace period waits for ("Objects
 * out"). Without PREEMPT_RT the local lock disables interrupts (IRQ-safe
 * pools) or preemption, and lockdep checks its use; with PREEMPT_RT it
 * is a per-CPU spinlock_t (which sleeps there), taken with migration
 * disabled and inside an RCU read-side section, so the shard's spinlock_t,
 * the allocator and the destructor may all be used inside.
 */
static __always_inline unsigned long gp_enter(struct gosync_pool *p,
					      unsigned int f)
{
	unsigned long flags = 0;

	if (f & GOSYNC_POOL_IRQSAFE)
		local_lock_irqsave(&p->cpu->lock, flags);
	else
		local_lock(&p->cpu->lock);
	return flags;
}

static __always_inline void gp_exit(struct gosync_pool *p, unsigned int f,
				    unsigned long flags)
{
	if (f & GOSYNC_POOL_IRQSAFE)
		local_unlock_irqrestore(&p->cpu->lock, flags);
	else
		local_unlock(&p->cpu->lock);
}

static struct gp_mag *gp_mag_alloc(const struct gosync_pool *p, gfp_t gfp)
{
	struct gp_mag *m = kmalloc(struct_size(m, objs, p->mag_size), gfp);

	if (m)
		m->nr = 0;
	return m;
}

/* Destruct and free one object the pool made. Any context. */
static void gp_free_obj(struct gosync_pool *p, void *obj)
{
	if (p->opts.dtor)
		p->opts.dtor(obj, p->opts.arg);
	kmem_cache_free(p->cache, obj);
	atomic_long_dec(&p->nr_objs);
}

static void gp_free_mag_objs(struct gosync_pool *p, struct gp_mag *m)
{
	while (m->nr)
		gp_free_obj(p, m->objs[--m->nr]);
}

static void gp_release(struct gosync_pool *p)
{
	kmem_cache_destroy(p->cache);
	kfree(p->name);
	kfree(p);
	atomic_dec(&gp_live);
}

static void gp_release_work(struct work_struct *w)
{
	gp_release(container_of(w, struct gosync_pool, release_work));
}

/* An object out when destroy summed them is back and freed. */
static void gp_dead_out_dec(struct gosync_pool *p)
{
	if (atomic_long_dec_return(&p->dead_out) == 0)
		queue_work(gp_wq, &p->release_work);
}

/* A put after destroy; see "Objects out". */
static noinline void gp_put_dead(struct gosync_pool *p, void *obj)
{
	gp_free_obj(p, obj);
	gp_dead_out_dec(p);
}

/*
 * Free @obj, which a put (or a get's reset) refused to cache, and count it
 * dropped. Called outside gp_enter() (@f: pool->flags) with @obj still
 * counted out: it is uncounted only once it is freed, so a destroy that
 * ran meanwhile counted it and left the rest of the pool to us; see
 * "Objects out".
 */
static noinline void gp_drop(struct gosync_pool *p, unsigned int f, void *obj)
{
	unsigned long flags;
	struct gp_cpu *c;

	gp_free_obj(p, obj);
	gosync_race_window(GOSYNC_RACE_POOL_DROP, p);
	flags = gp_enter(p, f);
	if (unlikely(READ_ONCE(p->flags) & GP_DEAD)) {
		gp_exit(p, f, flags);
		gp_dead_out_dec(p);
		return;
	}
	c = this_cpu_ptr(p->cpu);
	gp_inc(&c->st.dropped);
	gp_add(&c->out, -1);
	gp_exit(p, f, flags);
}

/*
 * Take a non-empty magazine from shard @s in exchange for @c's empty
 * loaded one. Called inside gp_enter().
 */
static bool gp_shard_take(struct gosync_pool *p, struct gp_shard *s,
			  struct gp_cpu *c)
{
	struct gp_mag *m;
	unsigned long flags;

	spin_lock_irqsave(&s->lock, flags);
	m = list_first_entry_or_null(&s->young, struct gp_mag, node);
	if (m) {
		WRITE_ONCE(s->nr_young, s->nr_young - m->nr);
	} else {
		m = list_first_entry_or_null(&s->old, struct gp_mag, node);
		if (!m) {
			spin_unlock_irqrestore(&s->lock, flags);
			return false;
		}
		WRITE_ONCE(s->nr_old, s->nr_old - m->nr);
	}
	list_del(&m->node);
	list_add(&c->loaded->node, &s->empty);
	s->nr_empty++;
	spin_unlock_irqrestore(&s->lock, flags);
	atomic_long_dec(&p->depot_mags);
	c->loaded = m;
	gp_add(&c->cached, m->nr);
	return true;
}

/* Refill @c's empty loaded magazine: own shard, then steal. */
static bool gp_refill(struct gosync_pool *p, struct gp_cpu *c)
{
	unsigned int me = smp_processor_id(), cpu;

	if (gp_shard_take(p, this_cpu_ptr(p->shard), c)) {
		gp_inc(&c->st.refills);
		return true;
	}
	if (!atomic_long_read(&p->depot_mags))
		return false;
	for_each_possible_cpu(cpu) {
		struct gp_shard *s = per_cpu_ptr(p->shard, cpu);

		if (cpu == me ||
		    (!READ_ONCE(s->nr_young) && !READ_ONCE(s->nr_old)))
			continue;
		if (gp_shard_take(p, s, c)) {
			gp_inc(&c->st.steals);
			trace_gosync_pool_steal(p->name, cpu, me, c->loaded->nr);
			return true;
		}
	}
	return false;
}

/* A get that found nothing cached: make one object, outside gp_enter(). */
static void *gp_construct(struct gosync_pool *p, gfp_t gfp)
{
	unsigned int f = READ_ONCE(p->flags);
	unsigned long flags;
	struct gp_cpu *c;
	void *obj = NULL;
	long n = atomic_long_inc_return(&p->nr_objs);

	if (p->opts.max_objects && n > (long)p->opts.max_objects)
		goto fail;
	obj = kmem_cache_zalloc(p->cache, gfp);
	if (!obj)
		goto fail;
	if (p->opts.ctor && p->opts.ctor(obj, p->opts.arg, gfp)) {
		kmem_cache_free(p->cache, obj);
		obj = NULL;
		goto fail;
	}
	flags = gp_enter(p, f);
	c = this_cpu_ptr(p->cpu);
	gp_inc(&c->st.constructed);
	gp_add(&c->out, 1);
	gp_exit(p, f, flags);
	return obj;

fail:
	atomic_long_dec(&p->nr_objs);
	flags = gp_enter(p, f);
	gp_inc(&this_cpu_ptr(p->cpu)->st.ctor_failed);
	gp_exit(p, f, flags);
	return NULL;
}

/*
 * Get's slow path, inside gp_enter() (@f, @flags) with @c's loaded
 * magazine empty: swap in prev, else refill loaded from the depot, else
 * leave and construct (and set *@made, if @made).
 */
static noinline void *gp_get_slow(struct gosync_pool *p, struct gp_cpu *c,
				  unsigned int f, unsigned long flags,
				  gfp_t gfp, bool *made)
{
	struct gp_mag *m;
	void *obj;

	if (c->prev->nr) {
		swap(c->loaded, c->prev);
		gp_inc(&c->st.hits);
	} else {
		gp_inc(&c->st.misses);
		if (!gp_refill(p, c)) {
			gp_exit(p, f, flags);
			if (made)
				*made = true;
			return gp_construct(p, gfp);
		}
	}
	m = c->loaded;
	obj = m->objs[--m->nr];
	gp_add(&c->cached, -1);
	gp_add(&c->out, 1);
	gp_exit(p, f, flags);
	return obj;
}

/* A get but for the reset on get: the fast path, else gp_get_slow(). */
static __always_inline void *__gp_get(struct gosync_pool *p, unsigned int f,
				      gfp_t gfp, bool *made)
{
	unsigned long flags = gp_enter(p, f);
	struct gp_cpu *c = this_cpu_ptr(p->cpu);
	struct gp_mag *m = c->loaded;
	void *obj;

	if (unlikely(!m->nr))
		return gp_get_slow(p, c, f, flags, gfp, made);
	obj = m->objs[--m->nr];
	gp_inc(&c->st.hits);
	gp_add(&c->cached, -1);
	gp_add(&c->out, 1);
	gp_exit(p, f, flags);
	return obj;
}

/* A get from a destroyed pool, or from one that resets on get. */
static noinline void *gp_get_flagged(struct gosync_pool *p, unsigned int f,
				     gfp_t gfp)
{
	void *obj;

	if (f & GP_DEAD) {
		WARN_ONCE(1, "gosync_pool: get from destroyed pool %s\n",
			  p->name);
		return NULL;
	}
	for (;;) {
		bool made = false;

		obj = __gp_get(p, f, gfp, &made);
		if (!obj || made || p->opts.reset(obj, p->opts.arg))
			return obj;
		/* Refused by the reset: it was never handed out. */
		gp_drop(p, f, obj);
	}
}

void *gosync_pool_get(struct gosync_pool *pool, gfp_t gfp)
{
	unsigned int f = READ_ONCE(pool->flags);

	might_alloc(gfp);
	if (unlikely(f & (GOSYNC_POOL_RESET_ON_GET | GP_DEAD)))
		return gp_get_flagged(pool, f, gfp);
	return __gp_get(pool, f, gfp, NULL);
}
EXPORT_SYMBOL_GOSYNC(gosync_pool_get);

/*
 * Put's slow path, inside gp_enter() (@f, @flags) with @c's loaded
 * magazine full: swap with prev, or spill loaded to the depot, then push
 * @obj. If no empty magazine can be had, @obj is dropped instead.
 */
static noinline void gp_put_full(struct gosync_pool *p, struct gp_cpu *c,
				 unsigned int f, unsigned long flags, void *obj)
{
	struct gp_shard *s;
	struct gp_mag *m;
	unsigned long sflags;
	unsigned int n;

	if (c->prev->nr < p->mag_size) {
		swap(c->loaded, c->prev);
		goto push;
	}
	s = this_cpu_ptr(p->shard);
	spin_lock_irqsave(&s->lock, sflags);
	m = list_first_entry_or_null(&s->empty, struct gp_mag, node);
	if (m) {
		list_del(&m->node);
		s->nr_empty--;
	} else {
		spin_unlock_irqrestore(&s->lock, sflags);
		m = gp_mag_alloc(p, GFP_NOWAIT | __GFP_NOWARN);
		if (!m) {
			gp_exit(p, f, flags);
			gp_drop(p, f, obj);
			return;
		}
		spin_lock_irqsave(&s->lock, sflags);
	}
	/* Once unlocked, the full magazine may be stolen and changed. */
	n = c->loaded->nr;
	list_add(&c->loaded->node, &s->young);
	WRITE_ONCE(s->nr_young, s->nr_young + n);
	spin_unlock_irqrestore(&s->lock, sflags);
	atomic_long_inc(&p->depot_mags);
	gp_add(&c->cached, -(long)n);
	c->loaded = m;
	gp_inc(&c->st.spills);
push:
	c->loaded->objs[c->loaded->nr++] = obj;
	gp_add(&c->cached, 1);
	gp_add(&c->out, -1);
	gp_exit(p, f, flags);
}

/*
 * Cache @obj (@keep) or drop it: the fast path, else gp_put_dead(),
 * gp_drop() or gp_put_full().
 */
static __always_inline void __gp_put(struct gosync_pool *p, unsigned int f,
				     void *obj, bool keep)
{
	unsigned long flags = gp_enter(p, f);
	struct gp_cpu *c;
	struct gp_mag *m;

	/* Inside gp_enter(): destroy's grace period waits for us. */
	if (unlikely(READ_ONCE(p->flags) & GP_DEAD)) {
		gp_exit(p, f, flags);
		gp_put_dead(p, obj);
		return;
	}
	c = this_cpu_ptr(p->cpu);
	gp_inc(&c->st.puts);
	if (unlikely(!keep)) {
		gp_exit(p, f, flags);
		gp_drop(p, f, obj);
		return;
	}
	m = c->loaded;
	if (unlikely(m->nr == p->mag_size)) {
		gp_put_full(p, c, f, flags, obj);
		return;
	}
	m->objs[m->nr++] = obj;
	gp_add(&c->cached, 1);
	gp_add(&c->out, -1);
	gp_exit(p, f, flags);
}

/* A put to a pool that resets on put. */
static noinline void gp_put_reset(struct gosync_pool *p, unsigned int f,
				  void *obj)
{
	__gp_put(p, f, obj, p->opts.reset(obj, p->opts.arg));
}

void gosync_pool_put(struct gosync_pool *pool, void *obj)
{
	unsigned int f = READ_ONCE(pool->flags);

	if (unlikely(!obj))
		return;
	if (unlikely(f & GP_RESET_ON_PUT))
		gp_put_reset(pool, f, obj);
	else
		__gp_put(pool, f, obj, true);
}
EXPORT_SYMBOL_GOSYNC(gosync_pool_put);

/* Age every shard: young magazines become old. */
static void gp_age(struct gosync_pool *p)
{
	unsigned long flags;
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct gp_shard *s = per_cpu_ptr(p->shard, cpu);

		spin_lock_irqsave(&s->lock, flags);
		list_splice_tail_init(&s->young, &s->old);
		WRITE_ONCE(s->nr_old, s->nr_old + s->nr_young);
		WRITE_ONCE(s->nr_young, 0);
		spin_unlock_irqrestore(&s->lock, flags);
	}
}

unsigned long gosync_pool_shrink(struct gosync_pool *pool, unsigned long nr)
{
	unsigned long freed = 0, flags;
	bool old_left = false;
	struct gp_mag *m, *tmp;
	unsigned int cpu;
	LIST_HEAD(victims);

	for_each_possible_cpu(cpu) {
		struct gp_shard *s = per_cpu_ptr(pool->shard, cpu);

		spin_lock_irqsave(&s->lock, flags);
		while (freed < nr &&
		       (m = list_first_entry_or_null(&s->old, struct gp_mag,
						     node))) {
			unsigned long take = min_t(unsigned long, m->nr,
						   nr - freed);

			WRITE_ONCE(s->nr_old, s->nr_old - take);
			freed += take;
			if (take == m->nr) {
				list_move(&m->node, &victims);
				atomic_long_dec(&pool->depot_mags);
				continue;
			}
			while (take--)
				gp_free_obj(pool, m->objs[--m->nr]);
		}
		if (!list_empty(&s->old))
			old_left = true;
		list_splice_init(&s->empty, &victims);
		s->nr_empty = 0;
		spin_unlock_irqrestore(&s->lock, flags);
	}
	list_for_each_entry_safe(m, tmp, &victims, node) {
		gp_free_mag_objs(pool, m);
		kfree(m);
	}
	if (!old_left)
		gp_age(pool);
	atomic_long_add(freed, &pool->shrunk);
	trace_gosync_pool_shrink(pool->name, nr, freed);
	return freed;
}
EXPORT_SYMBOL_GOSYNC(gosync_pool_shrink);

/**
 * __gosync_pool_age() - age a pool's depot as a scan that frees nothing
 * @pool: the pool
 *
 * Every young depot magazine becomes old. For tests of the victim tier.
 *
 * Context: any context but hardirq.
 */
void __gosync_pool_age(struct gosync_pool *pool)
{
	gp_age(pool);
}
EXPORT_SYMBOL_GOSYNC_INTERNAL(__gosync_pool_age);

static unsigned long gp_depot_count(struct gosync_pool *p)
{
	unsigned long n = 0;
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct gp_shard *s = per_cpu_ptr(p->shard, cpu);

		n += READ_ONCE(s->nr_young) + READ_ONCE(s->nr_old);
	}
	return n;
}

#if GP_SHRINKER_ALLOC
static struct gosync_pool *gp_of_shrinker(struct shrinker *s)
{
	return s->private_data;
}
#else
static struct gosync_pool *gp_of_shrinker(struct shrinker *s)
{
	return container_of(s, struct gosync_pool, shrinker);
}
#endif

static unsigned long gp_shrink_count(struct shrinker *s,
				     struct shrink_control *sc)
{
	struct gosync_pool *p = gp_of_shrinker(s);
	unsigned long n = READ_ONCE(p->reclaim_held) ? 0 : gp_depot_count(p);

	return n ? n : SHRINK_EMPTY;
}

static unsigned long gp_shrink_scan(struct shrinker *s,
				    struct shrink_control *sc)
{
	struct gosync_pool *p = gp_of_shrinker(s);
	unsigned long freed;

	if (READ_ONCE(p->reclaim_held))
		return SHRINK_STOP;
	freed = gosync_pool_shrink(p, sc->nr_to_scan);
	return freed ? freed : SHRINK_STOP;
}

/**
 * __gosync_pool_hold_reclaim() - keep the kernel's reclaim off a pool
 * @pool: the pool
 * @hold: true: its shrinker reports nothing and frees nothing; false: as
 *	usual
 *
 * For tests that count exact outcomes of gosync_pool_shrink() and of the
 * depot: memory reclaim (kswapd, direct reclaim) may otherwise age and free
 * the depot at any moment. Set it before the test's first put; a scan
 * already running when it is set still completes.
 *
 * Context: any context.
 */
void __gosync_pool_hold_reclaim(struct gosync_pool *pool, bool hold)
{
	WRITE_ONCE(pool->reclaim_held, hold);
}
EXPORT_SYMBOL_GOSYNC_INTERNAL(__gosync_pool_hold_reclaim);

#if GP_SHRINKER_ALLOC
static int gp_shrinker_register(struct gosync_pool *p)
{
	p->shrinker = shrinker_alloc(0, "gosync-pool-%s", p->name);
	if (!p->shrinker)
		return -ENOMEM;
	p->shrinker->count_objects = gp_shrink_count;
	p->shrinker->scan_objects = gp_shrink_scan;
	p->shrinker->seeks = DEFAULT_SEEKS;
	p->shrinker->private_data = p;
	shrinker_register(p->shrinker);
	return 0;
}

static void gp_shrinker_unregister(struct gosync_pool *p)
{
	shrinker_free(p->shrinker);
}
#else
static int gp_shrinker_register(struct gosync_pool *p)
{
	p->shrinker.count_objects = gp_shrink_count;
	p->shrinker.scan_objects = gp_shrink_scan;
	p->shrinker.seeks = DEFAULT_SEEKS;
	return register_shrinker(&p->shrinker, "gosync-pool-%s", p->name);
}

static void gp_shrinker_unregister(struct gosync_pool *p)
{
	unregister_shrinker(&p->shrinker);
}
#endif

/* Move @cpu's magazines to its depot shard; see __gosync_pool_drain_cpu. */
static unsigned long gp_drain_cpu(struct gosync_pool *p, unsigned int cpu)
{
	struct gp_cpu *c = per_cpu_ptr(p->cpu, cpu);
	struct gp_shard *s = per_cpu_ptr(p->shard, cpu);
	struct gp_mag **slots[] = { &c->loaded, &c->prev };
	unsigned long moved = 0, flags;
	unsigned int i, n;

	for (i = 0; i < ARRAY_SIZE(slots); i++) {
		struct gp_mag *m = *slots[i], *e;

		if (!m->nr)
			continue;
		spin_lock_irqsave(&s->lock, flags);
		e = list_first_entry_or_null(&s->empty, struct gp_mag, node);
		if (e) {
			list_del(&e->node);
			s->nr_empty--;
		}
		spin_unlock_irqrestore(&s->lock, flags);
		if (!e)
			e = gp_mag_alloc(p, GFP_KERNEL);
		if (!e)
			continue;	/* the objects stay; nothing is lost */
		n = m->nr;	/* once unlocked, m may be taken */
		spin_lock_irqsave(&s->lock, flags);
		list_add(&m->node, &s->young);
		WRITE_ONCE(s->nr_young, s->nr_young + n);
		spin_unlock_irqrestore(&s->lock, flags);
		atomic_long_inc(&p->depot_mags);
		gp_add(&c->cached, -(long)n);
		moved += n;
		*slots[i] = e;
	}
	trace_gosync_pool_drain(p->name, cpu, moved);
	return moved;
}

/**
 * __gosync_pool_drain_cpu() - move a CPU's magazines to the depot
 * @pool: the pool
 * @cpu: the CPU
 *
 * What the CPU hotplug callback does when @cpu goes offline. The caller
 * must make sure nothing runs the pool's fast path on @cpu meanwhile (an
 * offline CPU, or a pool only the caller uses). For tests.
 *
 * Context: process context; may sleep (allocates empty magazines).
 * Return: the number of objects moved; 0 for a CPU that is not possible.
 */
unsigned long __gosync_pool_drain_cpu(struct gosync_pool *pool,
				      unsigned int cpu)
{
	if (cpu >= nr_cpu_ids || !cpu_possible(cpu))
		return 0;
	return gp_drain_cpu(pool, cpu);
}
EXPORT_SYMBOL_GOSYNC_KUNIT(__gosync_pool_drain_cpu);

static int gp_cpu_dead(unsigned int cpu, struct hlist_node *node)
{
	gp_drain_cpu(hlist_entry(node, struct gosync_pool, cpuhp_node), cpu);
	return 0;
}

/* Free the magazines and objects of every CPU and shard. */
static long gp_free_caches(struct gosync_pool *p)
{
	struct gp_mag *m, *tmp;
	unsigned int cpu;
	long out = 0;

	for_each_possible_cpu(cpu) {
		struct gp_cpu *c = per_cpu_ptr(p->cpu, cpu);
		struct gp_shard *s = per_cpu_ptr(p->shard, cpu);

		out += c->out;
		if (c->loaded) {
			gp_free_mag_objs(p, c->loaded);
			kfree(c->loaded);
		}
		if (c->prev) {
			gp_free_mag_objs(p, c->prev);
			kfree(c->prev);
		}
		list_splice_init(&s->young, &s->empty);
		list_splice_init(&s->old, &s->empty);
		list_for_each_entry_safe(m, tmp, &s->empty, node) {
			gp_free_mag_objs(p, m);
			kfree(m);
		}
	}
	free_percpu(p->cpu);
	free_percpu(p->shard);
	return out;
}

static int gp_check_opts(const struct gosync_pool_opts *o)
{
	if (!o || !o->size || o->size > GOSYNC_POOL_SIZE_MAX)
		return -EINVAL;
	if (o->align && (!is_power_of_2(o->align) ||
			 o->align > GOSYNC_POOL_ALIGN_MAX))
		return -EINVAL;
	if (o->flags & ~GOSYNC_POOL_FLAGS_ALL)
		return -EINVAL;
	if (o->cpu_cache && (o->cpu_cache < 2 ||
			     o->cpu_cache > GOSYNC_POOL_CPU_CACHE_MAX))
		return -EINVAL;
	return 0;
}

/* /sys/kernel/debug/gosync/pool/<name>/stats of a named pool (face.c). */
static void gp_face_show(struct seq_file *m, const void *obj)
{
	struct gosync_pool *pool = (struct gosync_pool *)obj;
	struct gosync_pool_stats st;

	gosync_pool_stats(pool, &st);
	seq_printf(m, "objects=%ld\ncached=%ld\ndepot=%ld\n", st.objects,
		   st.cached, st.depot);
	seq_printf(m, "hits=%llu\nmisses=%llu\nrefills=%llu\nsteals=%llu\n",
		   st.hits, st.misses, st.refills, st.steals);
	seq_printf(m, "constructed=%llu\nctor_failed=%llu\nspills=%llu\n",
		   st.constructed, st.ctor_failed, st.spills);
	seq_printf(m, "puts=%llu\ndropped=%llu\nshrunk=%llu\n", st.puts,
		   st.dropped, st.shrunk);
}

DEFINE_GOSYNC_FACE_KIND(pool, gp_face_show);

struct gosync_pool *gosync_pool_create(const struct gosync_pool_opts *opts)
{
	struct gosync_pool *p;
	char *cname;
	unsigned int cpu;
	int err = gp_check_opts(opts);

	might_sleep();
	if (err)
		return ERR_PTR(err);
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return ERR_PTR(-ENOMEM);
	p->opts = *opts;
	p->flags = opts->flags & ~GOSYNC_POOL_RESET_ON_GET;
	if (opts->reset && (opts->flags & GOSYNC_POOL_RESET_ON_GET))
		p->flags |= GOSYNC_POOL_RESET_ON_GET;
	else if (opts->reset)
		p->flags |= GP_RESET_ON_PUT;
	p->mag_size = (opts->cpu_cache ?: GOSYNC_POOL_CPU_CACHE_DEFAULT) / 2;
	atomic_long_set(&p->nr_objs, 0);
	atomic_long_set(&p->depot_mags, 0);
	atomic_long_set(&p->dead_out, 0);
	atomic_long_set(&p->shrunk, 0);
	INIT_WORK(&p->release_work, gp_release_work);
	err = -ENOMEM;
	p->name = kstrdup(opts->name ?: "gosync_pool", GFP_KERNEL);
	if (!p->name)
		goto err_free;
	p->opts.name = p->name;
	cname = kasprintf(GFP_KERNEL, "gosync_pool_%.32s_%ld", p->name,
			  atomic_long_inc_return(&gp_ids));
	if (!cname)
		goto err_free;
	p->cache = kmem_cache_create(cname, opts->size, opts->align,
				     (opts->flags & GOSYNC_POOL_ACCOUNT) ?
				     SLAB_ACCOUNT : 0, NULL);
	kfree(cname);	/* kmem_cache_create() keeps a copy */
	if (!p->cache)
		goto err_free;
	p->cpu = alloc_percpu(struct gp_cpu);
	p->shard = alloc_percpu(struct gp_shard);
	if (!p->cpu || !p->shard)
		goto err_percpu;
	for_each_possible_cpu(cpu) {
		struct gp_shard *s = per_cpu_ptr(p->shard, cpu);

		spin_lock_init(&s->lock);
		INIT_LIST_HEAD(&s->young);
		INIT_LIST_HEAD(&s->old);
		INIT_LIST_HEAD(&s->empty);
	}
	for_each_possible_cpu(cpu) {
		struct gp_cpu *c = per_cpu_ptr(p->cpu, cpu);

		/*
		 * Two lock classes: lockdep must not see one class taken in
		 * hardirq (an IRQ-safe pool) and with interrupts on (another).
		 */
		if (opts->flags & GOSYNC_POOL_IRQSAFE)
			local_lock_init(&c->lock);
		else
			local_lock_init(&c->lock);
		c->loaded = gp_mag_alloc(p, GFP_KERNEL);
		c->prev = gp_mag_alloc(p, GFP_KERNEL);
		if (!c->loaded || !c->prev)
			goto err_caches;
	}
	err = gp_shrinker_register(p);
	if (err)
		goto err_caches;
	err = cpuhp_state_add_instance_nocalls(gp_cpuhp_state, &p->cpuhp_node);
	if (err)
		goto err_shrinker;
	atomic_inc(&gp_live);
	p->face = __gosync_face_add(&__gosync_pool_face, opts->name, p);
	return p;

err_shrinker:
	gp_shrinker_unregister(p);
err_caches:
	gp_free_caches(p);
	goto err_cache;
err_percpu:
	free_percpu(p->cpu);
	free_percpu(p->shard);
err_cache:
	kmem_cache_destroy(p->cache);
err_free:
	kfree(p->name);
	kfree(p);
	return ERR_PTR(err);
}
EXPORT_SYMBOL_GOSYNC(gosync_pool_create);

void gosync_pool_destroy(struct gosync_pool *pool)
{
	long out;

	if (IS_ERR_OR_NULL(pool))
		return;
	might_sleep();
	__gosync_face_del(pool->face);	/* no reader of its stats is left */
	gp_shrinker_unregister(pool);
	cpuhp_state_remove_instance_nocalls(gp_cpuhp_state, &pool->cpuhp_node);
	WRITE_ONCE(pool->flags, pool->flags | GP_DEAD);
	synchronize_rcu();	/* every put sees GP_DEAD; see "Objects out" */
	out = gp_free_caches(pool);
	if (atomic_long_add_return(out, &pool->dead_out) == 0)
		gp_release(pool);
}
EXPORT_SYMBOL_GOSYNC(gosync_pool_destroy);

static void gp_add_cpu_stats(struct gosync_pool_stats *st, struct gp_cpu *c)
{
	st->hits += READ_ONCE(c->st.hits);
	st->misses += READ_ONCE(c->st.misses);
	st->refills += READ_ONCE(c->st.refills);
	st->steals += READ_ONCE(c->st.steals);
	st->constructed += READ_ONCE(c->st.constructed);
	st->ctor_failed += READ_ONCE(c->st.ctor_failed);
	st->spills += READ_ONCE(c->st.spills);
	st->puts += READ_ONCE(c->st.puts);
	st->dropped += READ_ONCE(c->st.dropped);
	st->cached += READ_ONCE(c->cached);
}

void gosync_pool_stats(struct gosync_pool *pool, struct gosync_pool_stats *st)
{
	unsigned int cpu;

	memset(st, 0, sizeof(*st));
	for_each_possible_cpu(cpu)
		gp_add_cpu_stats(st, per_cpu_ptr(pool->cpu, cpu));
	st->depot = gp_depot_count(pool);
	st->cached += st->depot;
	st->objects = atomic_long_read(&pool->nr_objs);
	st->shrunk = atomic_long_read(&pool->shrunk);
}
EXPORT_SYMBOL_GOSYNC(gosync_pool_stats);

/**
 * __gosync_pool_cpu_stats() - read one CPU's counters of a pool
 * @pool: the pool
 * @cpu: the CPU
 * @st: filled with @cpu's counters: @cached and @depot report its
 *	magazines and depot shard, @objects its gets minus puts (negative if
 *	more objects were put there than taken), @shrunk is 0
 *
 * Context: any context.
 * Return: 0, or -EINVAL for a CPU that is not possible.
 */
int __gosync_pool_cpu_stats(struct gosync_pool *pool, unsigned int cpu,
			    struct gosync_pool_stats *st)
{
	struct gp_shard *s;

	if (cpu >= nr_cpu_ids || !cpu_possible(cpu))
		return -EINVAL;
	memset(st, 0, sizeof(*st));
	gp_add_cpu_stats(st, per_cpu_ptr(pool->cpu, cpu));
	s = per_cpu_ptr(pool->shard, cpu);
	st->depot = READ_ONCE(s->nr_young) + READ_ONCE(s->nr_old);
	st->cached += st->depot;
	st->objects = READ_ONCE(per_cpu_ptr(pool->cpu, cpu)->out);
	return 0;
}
EXPORT_SYMBOL_GOSYNC_INTERNAL(__gosync_pool_cpu_stats);

/* ---- byte buffers ---- */

static int gp_buf_ctor(void *obj, void *arg, gfp_t gfp)
{
	struct gosync_bufpool *bp = arg;
	struct gosync_buf *b = obj;

	/* The data is most of a buffer: charge it as the cache charges b. */
	if (bp->pool->opts.flags & GOSYNC_POOL_ACCOUNT)
		gfp |= __GFP_ACCOUNT;
	b->data = kmalloc(bp->size, gfp);
	if (!b->data)
		return -ENOMEM;
	b->cap = bp->size;
	return 0;
}

static bool gp_buf_reset(void *obj, void *arg)
{
	struct gosync_bufpool *bp = arg;
	struct gosync_buf *b = obj;

	b->len = 0;
	return b->cap <= bp->max_cap;
}

static void gp_buf_dtor(void *obj, void *arg)
{
	kfree(((struct gosync_buf *)obj)->data);
}

int gosync_bufpool_init(struct gosync_bufpool *bp, const char *name,
			size_t size, size_t max_cap, unsigned int flags)
{
	struct gosync_pool_opts o = {
		.name = name,
		.size = sizeof(struct gosync_buf),
		.flags = flags,
		.ctor = gp_buf_ctor,
		.reset = gp_buf_reset,
		.dtor = gp_buf_dtor,
		.arg = bp,
	};

	if (!size || size > KMALLOC_MAX_SIZE || max_cap < size ||
	    (flags & ~(GOSYNC_POOL_IRQSAFE | GOSYNC_POOL_ACCOUNT)))
		return -EINVAL;
	bp->size = size;
	bp->max_cap = max_cap;
	bp->pool = gosync_pool_create(&o);
	if (IS_ERR(bp->pool)) {
		int err = PTR_ERR(bp->pool);

		bp->pool = NULL;
		return err;
	}
	return 0;
}
EXPORT_SYMBOL_GOSYNC(gosync_bufpool_init);

void gosync_bufpool_destroy(struct gosync_bufpool *bp)
{
	gosync_pool_destroy(bp->pool);
	bp->pool = NULL;
}
EXPORT_SYMBOL_GOSYNC(gosync_bufpool_destroy);

struct gosync_buf *gosync_buf_get(struct gosync_bufpool *bp, gfp_t gfp)
{
	return gosync_pool_get(bp->pool, gfp);
}
EXPORT_SYMBOL_GOSYNC(gosync_buf_get);

void gosync_buf_put(struct gosync_bufpool *bp, struct gosync_buf *buf)
{
	gosync_pool_put(bp->pool, buf);
}
EXPORT_SYMBOL_GOSYNC(gosync_buf_put);

int gosync_buf_reserve(struct gosync_buf *buf, size_t n, gfp_t gfp)
{
	size_t need, cap;
	u8 *data;

	if (check_add_overflow(buf->len, n, &need))
		return -EOVERFLOW;
	if (need <= buf->cap)
		return 0;
	cap = max(need, buf->cap * 2);
	if (cap > KMALLOC_MAX_SIZE)
		cap = need;
	if (cap > KMALLOC_MAX_SIZE)
		return -ENOMEM;
	data = krealloc(buf->data, cap, gfp);
	if (!data)
		return -ENOMEM;
	buf->data = data;
	buf->cap = cap;
	return 0;
}
EXPORT_SYMBOL_GOSYNC(gosync_buf_reserve);

/* ---- module-wide state ---- */

/* The release queue and the CPU hotplug state, for every pool. */
static int gp_module_init(void)
{
	int ret;

	gp_wq = alloc_workqueue("gosync_pool", 0, 0);
	if (!gp_wq)
		return -ENOMEM;
	ret = cpuhp_setup_state_multi(CPUHP_BP_PREPARE_DYN, "gosync/pool:dead",
				      NULL, gp_cpu_dead);
	if (ret < 0) {
		destroy_workqueue(gp_wq);
		return ret;
	}
	gp_cpuhp_state = ret;
	return 0;
}

/* At unload: every pool is gone, as its users are unloaded. */
static void gp_module_exit(void)
{
	destroy_workqueue(gp_wq);	/* runs pending releases */
	if (atomic_read(&gp_live))
		pr_warn("gosync: pool: %d pools not destroyed, or with objects out, at unload: leaked\n",
			atomic_read(&gp_live));
	cpuhp_remove_multi_state(gp_cpuhp_state);
}

DEFINE_GOSYNC_STATE(pool, gp_module_init, gp_module_exit);

