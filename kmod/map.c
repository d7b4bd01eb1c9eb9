// SPDX-License-Identifier: GPL-2.0
/*
 * gosync_map: a concurrent map with lockless reads (Go's sync.Map).
 *
 * The design, the context rules, the memory-ordering guarantee and each
 * exported function's contract (its kerneldoc) are in include/gosync/map.h;
 * this comment covers what only the code needs.
 *
 * Tables. A table is a power-of-two array of buckets; a bucket is an RCU
 * chain of nodes under its own spinlock. A node holds a copy of the key,
 * the key's hash under the table's seed, and the value. Nodes are inserted
 * at the head of their chain; they never move and their keys never change,
 * so a reader that walks a chain under rcu_read_lock() sees each node that
 * stays linked exactly once.
 *
 * Writers. Every write goes through gm_update(): find the bucket in the
 * current table, lock it, check that the table is still current (a resize
 * or a clear may have replaced it while we spun), and apply the operation.
 * An insert that has no node yet tries an allocation under the lock with
 * the map's gfp flags minus direct reclaim, which almost always succeeds
 * and saves a second lock round; if it fails, the locked step returns
 * GM_NEED_NODES, the caller allocates with the map's full gfp flags
 * outside the lock and tries again. Nothing else allocates under a bucket
 * lock.
 *
 * Copying to a new table (resize or reseed). The worker publishes the new
 * table as t->future, then copies each bucket of t under that bucket's lock
 * (and the destination bucket's lock, nested). From the moment a writer
 * sees t->future under its bucket lock, it applies its change to both
 * tables under both locks. Invariant, under the lock of a key's bucket in
 * t: the key is in future only if it is in t, with the same value. When
 * every bucket is copied, future becomes the map's table with one
 * cmpxchg() and t is freed after a grace period, without releasing the
 * values, which future's nodes now own. A clear during the copy wins: the
 * cmpxchg() fails and the copy is dropped.
 *
 * The switch takes no bucket lock, so it can land between a writer's
 * check of the table under t's bucket lock and its lock of f's bucket;
 * writers that see the switch then change f under f's locks alone, and
 * t stops being the truth. So the writer checks again once it holds
 * both locks, and starts over on f if the switch came first (a writer
 * that changed f's bucket saw the switch before it unlocked it).
 *
 * Counting. Each table counts its entries per CPU (exact sum, for len)
 * and folds the per-CPU deltas into an approximate shared total every
 * GM_FOLD changes, which is when writers check the load factor and kick
 * the resize worker. Bounded maps also count in one atomic, to enforce
 * max_entries exactly.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/jhash.h>
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/percpu.h>
#include <linux/random.h>
#include <linux/rcupdate.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "internal.h"
#include "map.h"
#include "trace.h"

/* Per-CPU count changes between two folds into the shared total. */
#define GM_FOLD		16
/* Nodes the copy allocates per lock round of a bucket. */
#define GM_COPY_BATCH	32
/* gm_apply() result: allocate c->need nodes and try again. */
#define GM_NEED_NODES	1
/* The table was replaced under us: look it up and lock again. */
#define GM_RETRY	2

/**
 * struct gm_node - one entry (or, once retired, one deferred release)
 * @next: next node of the chain (RCU)
 * @value: the value; smp_store_release() by writers under the bucket
 *	lock, smp_load_acquire() by lockless readers
 * @map: the map, for the release callback
 * @rcu: deferred release and free
 * @hash: hash of the key under its table's seed
 * @key_len: bytes of @key (strings: with the NUL)
 * @key: the key
 */
struct gm_node {
	struct gm_node __rcu *next;
	void *value;
	struct gosync_map *map;
	struct rcu_head rcu;
	u32 hash;
	u16 key_len;
	u8 key[] __aligned(8);
};

/**
 * struct gm_bucket - one chain
 * @first: head of the chain (RCU)
 * @lock: serializes writers of this chain
 */
struct gm_bucket {
	struct gm_node __rcu *first;
	spinlock_t lock;	/* serializes writers of this chain */
};

/**
 * struct gm_pcpu - one CPU's share of a table's entry count
 * @n: entries added minus entries removed on this CPU; written by its CPU
 *	only, with this_cpu operations (see gm_count()), read by others with
 *	READ_ONCE()
 * @folded: part of @n already added to gosync_map_table.approx; this CPU
 *	only, with this_cpu operations
 */
struct gm_pcpu {
	long n;
	long folded;
};

/**
 * struct gosync_map_table - one generation of a map's buckets
 * @size: number of buckets, a power of two
 * @seed: hash seed
 * @reseed: a chain reached GOSYNC_MAP_CHAIN_MAX; the worker should copy
 * @future: the table being filled by a resize, or NULL (RCU)
 * @map: the map
 * @count: per-CPU entry counts
 * @approx: sum of the folded per-CPU counts
 * @nr: exact entry count, bounded maps only
 * @free_work: frees the table after a grace period once it is cleared
 * @buckets: the buckets
 */
struct gosync_map_table {
	unsigned int size;
	u32 seed;
	bool reseed;
	struct gosync_map_table __rcu *future;
	struct gosync_map *map;
	struct gm_pcpu __percpu *count;
	atomic_long_t approx;
	atomic_long_t nr;
	struct rcu_work free_work;
	struct gm_bucket buckets[];
};

/* A key checked and measured by gm_key_prep(). */
struct gm_key {
	const void *p;
	unsigned int len;
};

/**
 * struct gm_req - one write operation
 * @op: what to do
 * @key: the key
 * @old: the expected value (compare-and-swap, compare-and-delete)
 * @new: the value to put
 * @prev: out: the value found (or NULL)
 */
struct gm_req {
	enum gm_op {
		GM_STORE,
		GM_LOAD_OR_STORE,
		GM_SWAP,
		GM_CAS,
		GM_DELETE,
		GM_LOAD_AND_DELETE,
		GM_CAD,
	} op;
	struct gm_key key;
	void *old;
	void *new;
	void *prev;
};

/* State of one locked step of gm_update(). */
struct gm_ctx {
	struct gosync_map *m;
	struct gosync_map_table *t, *f;
	struct gm_bucket *b, *fb;
	u32 hash, fhash;
	struct gm_node *spares[2];
	unsigned int nspares;
	unsigned int need;
	bool kick;
};

static struct workqueue_struct *gm_wq;

static int gm_key_prep(const struct gosync_map *m, const void *key,
		       struct gm_key *k)
{
	if (!key)
		return -EINVAL;
	k->p = key;
	switch (m->opts.key_kind) {
	case GOSYNC_MAP_KEY_U64:
		k->len = sizeof(u64);
		return 0;
	case GOSYNC_MAP_KEY_BINARY:
		k->len = m->opts.key_len;
		return 0;
	default:
		k->len = strnlen(key, GOSYNC_MAP_KEY_MAX);
		if (k->len == GOSYNC_MAP_KEY_MAX)
			return -ENAMETOOLONG;
		k->len++;	/* keep the NUL: range hands out C strings */
		return 0;
	}
}

static inline u64 gm_load_u64(const void *p)
{
	u64 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline u32 gm_hash(const void *key, unsigned int len, u32 seed)
{
	if (len == sizeof(u64)) {
		u64 v = gm_load_u64(key);

		return jhash_2words((u32)v, (u32)(v >> 32), seed);
	}
	return jhash(key, len, seed);
}

static inline bool gm_key_eq(const struct gm_node *n, const struct gm_key *k)
{
	if (n->key_len != k->len)
		return false;
	if (k->len == sizeof(u64))
		return gm_load_u64(n->key) == gm_load_u64(k->p);
	return !memcmp(n->key, k->p, k->len);
}

static inline struct gm_bucket *gm_bucket(struct gosync_map_table *t, u32 hash)
{
	return &t->buckets[hash & (t->size - 1)];
}

/*
 * Find @k in @b. Callers hold rcu_read_lock(), and writers also the
 * bucket lock. *@pprev gets the link that points to the node; *@chain the
 * chain length when the key is absent.
 */
static struct gm_node *gm_find(struct gm_bucket *b, const struct gm_key *k,
			       u32 hash, struct gm_node __rcu ***pprev,
			       unsigned int *chain)
{
	struct gm_node __rcu **pp = &b->first;
	unsigned int len = 0;
	struct gm_node *n;

	while ((n = rcu_dereference(*pp))) {
		if (n->hash == hash && gm_key_eq(n, k)) {
			if (pprev)
				*pprev = pp;
			return n;
		}
		pp = &n->next;
		len++;
	}
	if (chain)
		*chain = len;
	return NULL;
}

/* The node *@pp points to, in a chain of @b, whose lock the caller holds. */
static inline struct gm_node *gm_locked(struct gm_node __rcu **pp,
					struct gm_bucket *b)
{
	return rcu_dereference_protected(*pp, lockdep_is_held(&b->lock));
}

/* Link @n, filled, at the head of @b, whose lock the caller holds. */
static void gm_link_node(struct gm_bucket *b, struct gm_node *n)
{
	RCU_INIT_POINTER(n->next, gm_locked(&b->first, b));
	/* Publish the filled node; pairs with rcu_dereference() in gm_find(). */
	rcu_assign_pointer(b->first, n);
}

static size_t gm_node_size(unsigned int key_len)
{
	return offsetof(struct gm_node, key) + key_len;
}

static void gm_node_fill(struct gm_node *n, struct gosync_map *m,
			 const void *key, unsigned int len, u32 hash,
			 void *value)
{
	n->map = m;
	n->hash = hash;
	n->key_len = len;
	n->value = value;
	memcpy(n->key, key, len);
}

/* RCU callback: a value left the map a grace period ago. */
static void gm_release_rcu(struct rcu_head *head)
{
	struct gm_node *n = container_of(head, struct gm_node, rcu);
	struct gosync_map *m = n->map;

	m->opts.release(n->value, m->opts.release_arg);
	kfree(n);
}

/* Free @n, and release its value unless @keep_value, after a grace period. */
static void gm_node_retire(struct gosync_map *m, struct gm_node *n,
			   bool keep_value)
{
	if (m->opts.release && !keep_value)
		call_rcu(&n->rcu, gm_release_rcu);
	else
		kfree_rcu(n, rcu);
}

static long gm_count_sum(struct gosync_map_table *t)
{
	long sum = 0;
	int cpu;

	if (t->map->opts.max_entries)
		return atomic_long_read(&t->nr);
	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu_ptr(t->count, cpu)->n);
	return max(sum, 0L);
}

/*
 * Would the worker resize @t if it held @n entries? It grows past one
 * entry per bucket and shrinks below one per 8 buckets; either way the new
 * table gets 2 to 4 buckets per entry (gm_wanted_size()), and never fewer
 * than the map's minimum, to which it also grows the small table a clear
 * installs.
 */
static bool gm_resize_due(const struct gosync_map *m,
			  const struct gosync_map_table *t, long n)
{
	return (n > t->size && t->size < GOSYNC_MAP_MAX_BUCKETS) ||
	       (n < t->size / 8 && t->size > m->min_buckets) ||
	       t->size < m->min_buckets;	/* a clear's small table */
}

/*
 * Count @d entries into @t; a bucket lock is held. Returns whether the
 * caller should kick the resize worker (only asked for the current table,
 * @check).
 *
 * this_cpu operations only: under PREEMPT_RT the bucket lock leaves
 * interrupts and preemption on, so two tasks of this CPU (holding two
 * different bucket locks) may interleave here. Each add is one atomic
 * step for the CPU, and only the task whose cmpxchg moves @folded adds
 * that part to the shared total: approx stays the sum of the folded
 * parts.
 */
static bool gm_count(struct gosync_map_table *t, long d, bool check)
{
	long n, folded, delta;

	n = this_cpu_add_return(t->count->n, d);
	if (t->map->opts.max_entries) {
		if (d < 0)
			atomic_long_add(d, &t->nr);
		/* Increments are made by gm_insert() to enforce the bound. */
		return check && gm_resize_due(t->map, t, atomic_long_read(&t->nr));
	}
	gosync_race_window(GOSYNC_RACE_MAP_COUNT, t->map);
	folded = this_cpu_read(t->count->folded);
	delta = n - folded;
	if (delta < GM_FOLD && delta > -GM_FOLD)
		return false;
	if (this_cpu_cmpxchg(t->count->folded, folded, n) != folded)
		return false;	/* another task of this CPU folded it */
	return gm_resize_due(t->map, t, atomic_long_add_return(delta, &t->approx)) &&
	       check;
}

static struct gm_node *gm_take_spare(struct gm_ctx *c)
{
	return c->spares[--c->nspares];
}

/* Link a new node for the request's key at the head of @b. */
static void gm_link(struct gm_ctx *c, struct gm_bucket *b, u32 hash,
		    const struct gm_req *r)
{
	struct gm_node *n = gm_take_spare(c);

	gm_node_fill(n, c->m, r->key.p, r->key.len, hash, r->new);
	gm_link_node(b, n);
}

static int gm_insert(struct gm_ctx *c, struct gm_req *r, unsigned int chain)
{
	struct gosync_map *m = c->m;
	unsigned int want = c->f ? 2 : 1;

	/* Usually a non-blocking allocation here saves a second lock round. */
	while (c->nspares < want) {
		gfp_t gfp = (m->opts.gfp & ~__GFP_DIRECT_RECLAIM) |
			    __GFP_NOWARN;
		struct gm_node *n = kmalloc(gm_node_size(r->key.len), gfp);

		if (!n) {
			c->need = want;
			return GM_NEED_NODES;
		}
		c->spares[c->nspares++] = n;
	}
	if (m->opts.max_entries) {
		if (atomic_long_inc_return(&c->t->nr) > m->opts.max_entries) {
			atomic_long_dec(&c->t->nr);
			return -ENOSPC;
		}
		/*
		 * The copy may have been switched in after we checked that t
		 * is current (we hold t's lock, not the switch's): inserts
		 * through f then count only on f, so the bound must hold on
		 * f too. Before the switch f holds a subset of t, so this
		 * never refuses what t accepts.
		 */
		if (c->f && atomic_long_inc_return(&c->f->nr) > m->opts.max_entries) {
			atomic_long_dec(&c->f->nr);
			atomic_long_dec(&c->t->nr);
			return -ENOSPC;
		}
	}
	gm_link(c, c->b, c->hash, r);
	if (c->f) {
		gm_link(c, c->fb, c->fhash, r);
		gm_count(c->f, 1, false);
	}
	c->kick |= gm_count(c->t, 1, true);
	if (chain + 1 >= GOSYNC_MAP_CHAIN_MAX && !READ_ONCE(c->t->reseed)) {
		WRITE_ONCE(c->t->reseed, true);
		c->kick = true;
	}
	return 0;
}

static int gm_replace(struct gm_ctx *c, struct gm_req *r, struct gm_node *n,
		      struct gm_node *fn)
{
	struct gosync_map *m = c->m;
	struct gm_node *rec;

	/* Only writers under the bucket lock change a value. */
	void *old = READ_ONCE(n->value);
	/* Storing a value over itself: it does not leave the map. */
	bool leaves = m->opts.release && old != r->new;

	if (leaves && !c->nspares) {
		c->need = 1;
		return GM_NEED_NODES;
	}
	r->prev = old;
	/* Pairs with smp_load_acquire() in gosync_map_load() and range. */
	smp_store_release(&n->value, r->new);
	if (fn)		/* the copy in the future table, same pairing */
		smp_store_release(&fn->value, r->new);
	if (leaves) {
		rec = gm_take_spare(c);
		rec->map = m;
		rec->value = r->prev;
		call_rcu(&rec->rcu, gm_release_rcu);
	}
	return 0;
}

static int gm_unlink(struct gm_ctx *c, struct gm_req *r, struct gm_node *n,
		     struct gm_node __rcu **pprev)
{
	struct gm_node __rcu **fpprev;
	struct gm_node *fn = NULL;

	if (c->f)
		fn = gm_find(c->fb, &r->key, c->fhash, &fpprev, NULL);
	r->prev = READ_ONCE(n->value);
	rcu_assign_pointer(*pprev, gm_locked(&n->next, c->b));
	if (fn) {
		rcu_assign_pointer(*fpprev, gm_locked(&fn->next, c->fb));
		gm_count(c->f, -1, false);
		gm_node_retire(c->m, fn, true);	/* n owns the value */
	}
	c->kick |= gm_count(c->t, -1, true);
	gm_node_retire(c->m, n, false);
	return 0;
}

/* The locked step: both bucket locks held, tables checked. */
static int gm_apply(struct gm_ctx *c, struct gm_req *r)
{
	struct gm_node __rcu **pprev;
	struct gm_node *n, *fn = NULL;
	unsigned int chain = 0;
	int ret;

	n = gm_find(c->b, &r->key, c->hash, &pprev, &chain);
	switch (r->op) {
	case GM_LOAD_OR_STORE:
		if (n) {
			r->prev = READ_ONCE(n->value);
			return -EEXIST;
		}
		fallthrough;
	case GM_STORE:
	case GM_SWAP:
		if (!n) {
			ret = gm_insert(c, r, chain);
			if (!ret)
				r->prev = r->op == GM_LOAD_OR_STORE ? r->new : NULL;
			return ret;
		}
		break;
	case GM_CAS:
	case GM_CAD:
		if (!n)
			return -ENOENT;
		if (READ_ONCE(n->value) != r->old)
			return -EAGAIN;
		if (r->op == GM_CAD)
			return gm_unlink(c, r, n, pprev);
		break;
	case GM_DELETE:
	case GM_LOAD_AND_DELETE:
		if (!n)
			return -ENOENT;
		return gm_unlink(c, r, n, pprev);
	}
	if (c->f)
		fn = gm_find(c->fb, &r->key, c->fhash, NULL, NULL);
	return gm_replace(c, r, n, fn);
}

/* gm_apply() with the future table's bucket locked too. */
static int gm_apply_future(struct gm_ctx *c, struct gm_req *r)
{
	int ret = GM_RETRY;

	c->fhash = gm_hash(r->key.p, r->key.len, c->f->seed);
	c->fb = gm_bucket(c->f, c->fhash);
	gosync_race_window(GOSYNC_RACE_MAP_FUTURE, c->m);
	spin_lock_nested(&c->fb->lock, SINGLE_DEPTH_NESTING);
	/*
	 * The copy may have been switched in since we checked under t's
	 * lock: the switch takes no bucket lock, and writers that see it
	 * change f under f's locks alone. A writer that changed this bucket
	 * of f saw the switch before it unlocked fb, so we see it now.
	 */
	if (rcu_access_pointer(c->m->tbl) == c->t)
		ret = gm_apply(c, r);
	spin_unlock(&c->fb->lock);
	return ret;
}

static int gm_update_locked(struct gm_ctx *c, struct gm_req *r)
{
	struct gosync_map *m = c->m;
	unsigned long flags;
	int ret;

	rcu_read_lock();
	do {
		c->t = rcu_dereference(m->tbl);
		c->hash = gm_hash(r->key.p, r->key.len, c->t->seed);
		c->b = gm_bucket(c->t, c->hash);
		ret = GM_RETRY;
		spin_lock_irqsave(&c->b->lock, flags);
		/* A resize or clear may have replaced the table meanwhile. */
		if (rcu_access_pointer(m->tbl) == c->t) {
			/* Set before the copier took this lock; see top. */
			c->f = rcu_dereference(c->t->future);
			c->fb = NULL;
			if (c->f)
				ret = gm_apply_future(c, r);
			else
				ret = gm_apply(c, r);
		}
		spin_unlock_irqrestore(&c->b->lock, flags);
	} while (ret == GM_RETRY);
	rcu_read_unlock();
	return ret;
}

/* One core for every write: allocate outside the locks, apply inside. */
static int gm_update(struct gosync_map *m, const void *key, struct gm_req *r)
{
	struct gm_ctx c = { .m = m };
	int ret;

	ret = gm_key_prep(m, key, &r->key);
	if (ret)
		return ret;
	for (;;) {
		c.need = 0;
		ret = gm_update_locked(&c, r);
		if (ret != GM_NEED_NODES)
			break;
		while (c.nspares < c.need) {
			c.spares[c.nspares] = kmalloc(gm_node_size(r->key.len),
						      m->opts.gfp);
			if (!c.spares[c.nspares]) {
				ret = -ENOMEM;
				goto out;
			}
			c.nspares++;
		}
	}
out:
	while (c.nspares)
		kfree(gm_take_spare(&c));
	if (c.kick && !READ_ONCE(m->dying))
		queue_work(gm_wq, &m->resize_work);
	return ret;
}

static struct gosync_map_table *gm_table_alloc(struct gosync_map *m,
					       unsigned int size, gfp_t gfp)
{
	struct gosync_map_table *t;
	unsigned int i;

	t = kvzalloc(struct_size(t, buckets, size), gfp);
	if (!t)
		return NULL;
	t->count = alloc_percpu_gfp(struct gm_pcpu, gfp);
	if (!t->count) {
		kvfree(t);
		return NULL;
	}
	t->size = size;
	t->seed = get_random_u32();
	t->map = m;
	for (i = 0; i < size; i++)
		spin_lock_init(&t->buckets[i].lock);
	return t;
}

/*
 * Free @t and its nodes; release the values if @t owns them. Nobody may
 * reach @t any more (a grace period passed since it was unpublished).
 */
static void gm_table_free(struct gosync_map *m, struct gosync_map_table *t,
			  bool values)
{
	struct gm_node *n, *next;
	unsigned int i;

	for (i = 0; i < t->size; i++) {
		n = rcu_dereference_protected(t->buckets[i].first, true);
		for (; n; n = next) {
			next = rcu_dereference_protected(n->next, true);
			if (values && m->opts.release)
				m->opts.release(n->value, m->opts.release_arg);
			kfree(n);
		}
		if (!(i & 1023))
			cond_resched();
	}
	free_percpu(t->count);
	kvfree(t);
}

static void gm_table_free_work(struct work_struct *work)
{
	struct gosync_map_table *t =
		container_of(to_rcu_work(work), struct gosync_map_table, free_work);
	struct gosync_map *m = t->map;

	/* A copy from @t may still be running; it notices and drops out. */
	mutex_lock(&m->resize_lock);
	mutex_unlock(&m->resize_lock);
	gm_table_free(m, t, true);
}

/*
 * Copy bucket @i of @t into @f. Takes the same locks as a writer, so
 * writers and the copy see each other's changes. Nodes are allocated
 * outside the locks, as many as the chain holds (up to GM_COPY_BATCH);
 * if writers grew the chain meanwhile, the next round copies the rest.
 */
static int gm_copy_bucket(struct gosync_map *m, struct gosync_map_table *t,
			  struct gosync_map_table *f, unsigned int i)
{
	struct gm_bucket *b = &t->buckets[i], *fb;
	struct gm_node *pool[GM_COPY_BATCH], *n;
	unsigned int npool = 0, want;
	size_t size = 0, biggest;
	unsigned long flags;
	struct gm_key k;
	bool more;
	u32 fhash;
	int ret = 0;

	do {
		want = 0;
		biggest = 0;
		rcu_read_lock();
		for (n = rcu_dereference(b->first); n; n = rcu_dereference(n->next)) {
			want++;
			biggest = max(biggest, gm_node_size(n->key_len));
		}
		rcu_read_unlock();
		if (biggest > size) {
			while (npool)
				kfree(pool[--npool]);
			size = biggest;
		}
		want = min_t(unsigned int, want, GM_COPY_BATCH);
		while (npool < want) {
			pool[npool] = kmalloc(size, GFP_KERNEL);
			if (!pool[npool]) {
				ret = -ENOMEM;
				goto out;
			}
			npool++;
		}

		more = false;
		rcu_read_lock();	/* for rcu_dereference() in gm_find() */
		spin_lock_irqsave(&b->lock, flags);
		for (n = gm_locked(&b->first, b); n && !more;
		     n = gm_locked(&n->next, b)) {
			k.p = n->key;
			k.len = n->key_len;
			fhash = gm_hash(n->key, n->key_len, f->seed);
			fb = gm_bucket(f, fhash);
			spin_lock_nested(&fb->lock, SINGLE_DEPTH_NESTING);
			if (!gm_find(fb, &k, fhash, NULL, NULL)) {
				if (npool && size >= gm_node_size(n->key_len)) {
					gm_node_fill(pool[--npool], m, n->key,
						     n->key_len, fhash,
						     READ_ONCE(n->value));
					gm_link_node(fb, pool[npool]);
					gm_count(f, 1, false);
					if (m->opts.max_entries)
						atomic_long_inc(&f->nr);
				} else {
					more = true;
				}
			}
			spin_unlock(&fb->lock);
		}
		spin_unlock_irqrestore(&b->lock, flags);
		rcu_read_unlock();
	} while (more);
out:
	while (npool)
		kfree(pool[--npool]);
	return ret;
}

/*
 * Copy the map's current table @t into a new table of @size buckets with a
 * new seed and make it current. Called with resize_lock held, which keeps
 * @t allocated even if a clear unpublishes it.
 */
static int gm_copy_table(struct gosync_map *m, struct gosync_map_table *t,
			 unsigned int size)
{
	unsigned int i, old_size = t->size;
	struct gosync_map_table *f, *cur;
	int ret = 0;

	lockdep_assert_held(&m->resize_lock);
	f = gm_table_alloc(m, size, GFP_KERNEL);
	if (!f) {
		ret = -ENOMEM;
		goto out;
	}
	/* Writers read it under a bucket lock that the copy takes later. */
	rcu_assign_pointer(t->future, f);
	for (i = 0; i < t->size && !ret; i++) {
		ret = gm_copy_bucket(m, t, f, i);
		if (!ret && rcu_access_pointer(m->tbl) != t)
			ret = -EAGAIN;	/* cleared: the copy is moot */
		cond_resched();
	}
	if (!ret) {
		/* Fully ordered: f's contents are visible before f is. */
		cur = unrcu_pointer(cmpxchg(&m->tbl, RCU_INITIALIZER(t),
					    RCU_INITIALIZER(f)));
		if (cur != t)
			ret = -EAGAIN;
	}
	if (ret) {
		RCU_INIT_POINTER(t->future, NULL);
		synchronize_rcu();	/* writers that saw f are done with it */
		gm_table_free(m, f, false);
		goto out;
	}
	if (size > old_size)
		atomic_inc(&m->grows);
	else if (size < old_size)
		atomic_inc(&m->shrinks);
	else
		atomic_inc(&m->reseeds);
	synchronize_rcu();		/* nobody reaches t any more */
	gm_table_free(m, t, false);	/* f's nodes own the values now */
	return 0;
out:
	atomic_inc(&m->aborts);
	return ret;
}

/*
 * gm_copy_table(), and its trace event (resize, or reseed if @size is
 * @t's): the entries before the copy, the copy's duration and result.
 */
static int gm_migrate(struct gosync_map *m, struct gosync_map_table *t,
		      unsigned int size)
{
	bool reseed = size == t->size, traced;
	unsigned int old_size = t->size;
	unsigned long entries = 0;
	u64 start = 0;
	int ret;

	traced = reseed ? trace_gosync_map_reseed_enabled() :
			  trace_gosync_map_resize_enabled();
	if (traced) {
		entries = max(gm_count_sum(t), 0L);
		start = ktime_get_ns();
	}
	ret = gm_copy_table(m, t, size);
	if (!traced)
		return ret;
	if (reseed)
		trace_gosync_map_reseed(m->opts.name, old_size, size, entries,
					ktime_get_ns() - start, ret);
	else
		trace_gosync_map_resize(m->opts.name, old_size, size, entries,
					ktime_get_ns() - start, ret);
	return ret;
}

/* The bucket count the worker wants for @n entries. */
static unsigned int gm_wanted_size(const struct gosync_map *m,
				   const struct gosync_map_table *t, long n)
{
	if (!gm_resize_due(m, t, n))
		return t->size;
	n = clamp_t(long, 2 * n, m->min_buckets, GOSYNC_MAP_MAX_BUCKETS);
	return roundup_pow_of_two(n);
}

static void gm_resize_work(struct work_struct *work)
{
	struct gosync_map *m = container_of(work, struct gosync_map, resize_work);
	struct gosync_map_table *t;
	unsigned int size;

	mutex_lock(&m->resize_lock);
	if (READ_ONCE(m->dying))
		goto out;
	/*
	 * A clear may replace it (without resize_lock: hence a dependency-
	 * ordered load), but resize_lock keeps the table we got allocated.
	 */
	t = rcu_dereference_check(m->tbl, lockdep_is_held(&m->resize_lock));
	size = gm_wanted_size(m, t, gm_count_sum(t));
	if (size != t->size || READ_ONCE(t->reseed))
		gm_migrate(m, t, size);
out:
	mutex_unlock(&m->resize_lock);
}

/**
 * __gosync_map_resize() - copy the map to a new table now (tests only)
 * @m: the map
 * @buckets: bucket count of the new table (a power of two between
 *	GOSYNC_MAP_MIN_BUCKETS and GOSYNC_MAP_MAX_BUCKETS), or 0 to keep the
 *	current count
 *
 * The new table always gets a new hash seed, so @buckets == 0 reseeds.
 * Readers and writers may run meanwhile. Exported to gosync_kunit.ko only.
 *
 * Context: process context; sleeps.
 * Return: 0, -EINVAL for a bad @buckets, -ENOMEM (map unchanged), or
 * -EAGAIN if the map was cleared meanwhile (the copy is dropped).
 */
int __gosync_map_resize(struct gosync_map *m, unsigned int buckets)
{
	struct gosync_map_table *t;
	int ret;

	if (buckets && (!is_power_of_2(buckets) ||
			buckets < GOSYNC_MAP_MIN_BUCKETS ||
			buckets > GOSYNC_MAP_MAX_BUCKETS))
		return -EINVAL;
	mutex_lock(&m->resize_lock);
	/* As in gm_resize_work(): a clear may publish a new table meanwhile. */
	t = rcu_dereference_check(m->tbl, lockdep_is_held(&m->resize_lock));
	ret = gm_migrate(m, t, buckets ? buckets : t->size);
	mutex_unlock(&m->resize_lock);
	return ret;
}
EXPORT_SYMBOL_GOSYNC_INTERNAL(__gosync_map_resize);

/* /sys/kernel/debug/gosync/map/<name>/stats of a named map (face.c). */
static void gm_face_show(struct seq_file *m, const void *obj)
{
	struct gosync_map *map = (struct gosync_map *)obj;
	struct gosync_map_stats st;

	gosync_map_stats(map, &st);
	seq_printf(m, "entries=%lu\nbuckets=%u\nlongest_chain=%u\nresizing=%d\n",
		   st.entries, st.buckets, st.longest_chain, st.resizing);
	seq_printf(m, "grows=%u\nshrinks=%u\nreseeds=%u\naborts=%u\n",
		   st.grows, st.shrinks, st.reseeds, st.aborts);
}

DEFINE_GOSYNC_FACE_KIND(map, gm_face_show);

int gosync_map_init(struct gosync_map *m, const struct gosync_map_opts *opts)
{
	struct gosync_map_table *t;
	unsigned long hint;

	if (!m || !opts)
		return -EINVAL;
	switch (opts->key_kind) {
	case GOSYNC_MAP_KEY_U64:
	case GOSYNC_MAP_KEY_STRING:
		break;
	case GOSYNC_MAP_KEY_BINARY:
		if (!opts->key_len || opts->key_len > GOSYNC_MAP_KEY_MAX)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	memset(m, 0, sizeof(*m));
	m->opts = *opts;
	if (!m->opts.gfp)
		m->opts.gfp = GFP_KERNEL;
	/* 4/3 bucket per expected entry, as rhashtable sizes its tables. */
	hint = clamp_t(unsigned long, (unsigned long)opts->size_hint * 4 / 3,
		       GOSYNC_MAP_MIN_BUCKETS, GOSYNC_MAP_MAX_BUCKETS);
	m->min_buckets = roundup_pow_of_two(hint);
	t = gm_table_alloc(m, m->min_buckets, m->opts.gfp);
	if (!t)
		return -ENOMEM;
	mutex_init(&m->resize_lock);
	INIT_WORK(&m->resize_work, gm_resize_work);
	RCU_INIT_POINTER(m->tbl, t);
	m->face = __gosync_face_add(&__gosync_map_face, opts->name, m);
	return 0;
}
EXPORT_SYMBOL_GOSYNC(gosync_map_init);

void gosync_map_destroy(struct gosync_map *m)
{
	__gosync_face_del(m->face);	/* no reader of its stats is left */
	m->face = NULL;
	WRITE_ONCE(m->dying, true);
	cancel_work_sync(&m->resize_work);
	synchronize_rcu();		/* readers of the last values are done */
	rcu_barrier();			/* deferred releases, queued frees */
	flush_workqueue(gm_wq);		/* tables unpublished by clear */
	gm_table_free(m, rcu_dereference_protected(m->tbl, true), true);
	RCU_INIT_POINTER(m->tbl, NULL);
	mutex_destroy(&m->resize_lock);
}
EXPORT_SYMBOL_GOSYNC(gosync_map_destroy);

/* gosync_map_load() for u64 keys: every node's key is 8 bytes. */
static void *gm_load_u64key(struct gosync_map *m, u64 key)
{
	struct gosync_map_table *t;
	struct gm_node *n;
	void *v = NULL;
	u32 hash;

	rcu_read_lock();
	t = rcu_dereference(m->tbl);
	hash = gm_hash(&key, sizeof(key), t->seed);
	for (n = rcu_dereference(gm_bucket(t, hash)->first); n;
	     n = rcu_dereference(n->next)) {
		if (n->hash == hash && gm_load_u64(n->key) == key) {
			v = smp_load_acquire(&n->value);	/* pairs with gm_replace() */
			break;
		}
	}
	rcu_read_unlock();
	return v;
}

void *gosync_map_load(struct gosync_map *m, const void *key)
{
	struct gosync_map_table *t;
	struct gm_node *n;
	struct gm_key k;
	void *v = NULL;
	u32 hash;

	if (likely(m->opts.key_kind == GOSYNC_MAP_KEY_U64 && key))
		return gm_load_u64key(m, gm_load_u64(key));
	if (gm_key_prep(m, key, &k))
		return NULL;
	rcu_read_lock();
	t = rcu_dereference(m->tbl);
	hash = gm_hash(k.p, k.len, t->seed);
	n = gm_find(gm_bucket(t, hash), &k, hash, NULL, NULL);
	if (n)
		v = smp_load_acquire(&n->value);	/* pairs with gm_replace() */
	rcu_read_unlock();
	return v;
}
EXPORT_SYMBOL_GOSYNC(gosync_map_load);

int gosync_map_store(struct gosync_map *m, const void *key, void *value)
{
	struct gm_req r = { .op = GM_STORE, .new = value };

	if (!value)
		return -EINVAL;
	return gm_update(m, key, &r);
}
EXPORT_SYMBOL_GOSYNC(gosync_map_store);

int gosync_map_load_or_store(struct gosync_map *m, const void *key,
			     void *value, void **actual)
{
	struct gm_req r = { .op = GM_LOAD_OR_STORE, .new = value };
	int ret;

	if (!value)
		return -EINVAL;
	ret = gm_update(m, key, &r);
	if (actual && (!ret || ret == -EEXIST))
		*actual = r.prev;
	return ret;
}
EXPORT_SYMBOL_GOSYNC(gosync_map_load_or_store);

int gosync_map_load_and_delete(struct gosync_map *m, const void *key,
			       void **old)
{
	struct gm_req r = { .op = GM_LOAD_AND_DELETE };
	int ret = gm_update(m, key, &r);

	if (old)
		*old = ret ? NULL : r.prev;
	return ret;
}
EXPORT_SYMBOL_GOSYNC(gosync_map_load_and_delete);

int gosync_map_delete(struct gosync_map *m, const void *key)
{
	struct gm_req r = { .op = GM_DELETE };

	return gm_update(m, key, &r);
}
EXPORT_SYMBOL_GOSYNC(gosync_map_delete);

int gosync_map_swap(struct gosync_map *m, const void *key, void *value,
		    void **old)
{
	struct gm_req r = { .op = GM_SWAP, .new = value };
	int ret;

	if (!value)
		return -EINVAL;
	ret = gm_update(m, key, &r);
	if (old)
		*old = ret ? NULL : r.prev;
	return ret;
}
EXPORT_SYMBOL_GOSYNC(gosync_map_swap);

int gosync_map_compare_and_swap(struct gosync_map *m, const void *key,
				void *old, void *new)
{
	struct gm_req r = { .op = GM_CAS, .old = old, .new = new };

	if (!old || !new)
		return -EINVAL;
	return gm_update(m, key, &r);
}
EXPORT_SYMBOL_GOSYNC(gosync_map_compare_and_swap);

int gosync_map_compare_and_delete(struct gosync_map *m, const void *key,
				  void *old)
{
	struct gm_req r = { .op = GM_CAD, .old = old };

	if (!old)
		return -EINVAL;
	return gm_update(m, key, &r);
}
EXPORT_SYMBOL_GOSYNC(gosync_map_compare_and_delete);

unsigned long gosync_map_range(struct gosync_map *m, gosync_map_range_fn fn,
			       void *arg)
{
	struct gosync_map_table *t;
	unsigned long visited = 0;
	struct gm_node *n;
	unsigned int i;

	rcu_read_lock();
	t = rcu_dereference(m->tbl);
	for (i = 0; i < t->size; i++) {
		for (n = rcu_dereference(t->buckets[i].first); n;
		     n = rcu_dereference(n->next)) {
			visited++;
			/* Pairs with gm_replace(), as in gosync_map_load(). */
			if (!fn(n->key, smp_load_acquire(&n->value), arg))
				goto out;
		}
	}
out:
	rcu_read_unlock();
	return visited;
}
EXPORT_SYMBOL_GOSYNC(gosync_map_range);

int gosync_map_clear(struct gosync_map *m)
{
	struct gosync_map_table *tn, *old;

	tn = gm_table_alloc(m, GOSYNC_MAP_MIN_BUCKETS, m->opts.gfp);
	if (!tn)
		return -ENOMEM;
	/* Fully ordered, so tn is initialized before it is seen. */
	old = unrcu_pointer(xchg(&m->tbl, RCU_INITIALIZER(tn)));
	INIT_RCU_WORK(&old->free_work, gm_table_free_work);
	queue_rcu_work(gm_wq, &old->free_work);
	/* Not tn->size: once published, a resize may free tn at any time. */
	if (m->min_buckets > GOSYNC_MAP_MIN_BUCKETS)
		queue_work(gm_wq, &m->resize_work);
	return 0;
}
EXPORT_SYMBOL_GOSYNC(gosync_map_clear);

unsigned long gosync_map_len(struct gosync_map *m)
{
	unsigned long n;

	rcu_read_lock();
	n = gm_count_sum(rcu_dereference(m->tbl));
	rcu_read_unlock();
	return n;
}
EXPORT_SYMBOL_GOSYNC(gosync_map_len);

void gosync_map_stats(struct gosync_map *m, struct gosync_map_stats *st)
{
	struct gosync_map_table *t;
	unsigned int i, len;
	struct gm_node *n;

	memset(st, 0, sizeof(*st));
	rcu_read_lock();
	t = rcu_dereference(m->tbl);
	st->entries = gm_count_sum(t);
	st->buckets = t->size;
	st->resizing = !!rcu_access_pointer(t->future);
	for (i = 0; i < t->size; i++) {
		len = 0;
		for (n = rcu_dereference(t->buckets[i].first); n;
		     n = rcu_dereference(n->next))
			len++;
		st->longest_chain = max(st->longest_chain, len);
	}
	rcu_read_unlock();
	st->grows = atomic_read(&m->grows);
	st->shrinks = atomic_read(&m->shrinks);
	st->reseeds = atomic_read(&m->reseeds);
	st->aborts = atomic_read(&m->aborts);
}
EXPORT_SYMBOL_GOSYNC(gosync_map_stats);

/* The resize workers' queue, for every map: made at module load. */
static int gm_module_init(void)
{
	gm_wq = alloc_workqueue("gosync_map", WQ_UNBOUND, 0);
	return gm_wq ? 0 : -ENOMEM;
}

/* At unload: every map is gone, as its users are unloaded. */
static void gm_module_exit(void)
{
	rcu_barrier();			/* our RCU callbacks have run */
	destroy_workqueue(gm_wq);	/* and so has our work */
}

DEFINE_GOSYNC_STATE(map, gm_module_init, gm_module_exit);

