// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmarks of gosync_map against the kernel's rhashtable and against an
 * rwlock-protected fixed hash table (the old way). Primitive "map"; six
 * operation mixes times three implementations make 18 cases, listed in
 * /sys/kernel/debug/gosync_test/bench/cases and run through bench/run.
 *
 * Keys are u64. The preloaded cases use a key space of GM_B_KEYS keys
 * (0 .. GM_B_KEYS - 1); a key's preloaded value is GM_B_COOKIE(key). Every
 * thread draws keys and operations from its own xorshift64* generator,
 * seeded by its thread id, so the three implementations see the same
 * sequence of keys and operations. One "op" is one call of the mix below;
 * t->ops is updated once per batch of GM_B_BATCH ops.
 *
 * Cases (the operation mixes):
 *	read_only	every key present; each op loads a random key. Every
 *			load must hit and return the preloaded value (checked).
 *	read_mostly	half the keys present at start (the even ones); each
 *			op picks a random key and loads it (90%), stores a
 *			new value (5%: overwrite or insert) or deletes it
 *			(5%), so about half the keys stay present.
 *	write_heavy	as read_mostly with 50% loads, 25% stores, 25%
 *			deletes.
 *	swap		every key present; each op swaps a new value into a
 *			random key and must get an old value back (checked).
 *	cas		every key present; each op loads a random key and
 *			compare-and-swaps a new value for the one it loaded.
 *			One op = that load + one CAS attempt, successful or
 *			not (a CAS fails only if another thread changed the
 *			key in between; any other error fails the run).
 *	insert_growth	starts from an empty table with no size hint; thread
 *			i inserts the keys ((i + 1) << 32) + 0, 1, 2, ...
 *			(insert-if-absent, each must succeed) until it has
 *			inserted GM_B_GROWTH_KEYS / threads keys or the run's
 *			duration is over, whichever comes first, and then
 *			returns: its rate is its inserts divided by its own
 *			time. So each run measures growth from empty to at
 *			most GM_B_GROWTH_KEYS entries, memory stays bounded and
 *			no deletion is mixed into the figure. (On a fast
 *			machine a run may end before duration_ms.)
 *
 * Implementations, what each does per operation:
 *	gosync_map	gosync_map_load(), _store(), _delete(), _swap(),
 *			_compare_and_swap(), _load_or_store() (the insert);
 *			key kind GOSYNC_MAP_KEY_U64, no release callback:
 *			values are plain non-NULL cookies, never dereferenced.
 *			size_hint GM_B_KEYS for the preloaded cases, 0 for
 *			insert_growth.
 *	rhashtable	objects {rhash_head, u64 key, unsigned long value,
 *			rcu_head} kmalloc'd with GFP_KERNEL, jhash2 over the
 *			key, automatic_shrinking, nelem_hint min(GM_B_KEYS,
 *			U16_MAX) for the preloaded cases (0 for growth).
 *			An object's value never changes once it is in the
 *			table, so a value is read without any ordering beyond
 *			the lookup's. load: rhashtable_lookup() and read the
 *			value, under rcu_read_lock(). store and swap: a new
 *			object, then rhashtable_lookup_get_insert_fast(); if
 *			the key is present, rhashtable_replace_fast() of the
 *			old object by the new one and kfree_rcu() of the old
 *			(retried if the old object left the table meanwhile).
 *			cas: lookup, compare the value, replace the object as
 *			for store (if the object changed meanwhile, look it
 *			up and compare again). delete: lookup,
 *			rhashtable_remove_fast(), kfree_rcu(). insert:
 *			rhashtable_lookup_insert_fast(). Allocation happens
 *			before rcu_read_lock(); each thread keeps one spare
 *			object, so an op that ends up not publishing its new
 *			object (failed CAS, store racing a delete) does not
 *			pay kmalloc/kfree: only a successful store, swap, CAS
 *			or insert consumes an allocation, as it must.
 *			-EBUSY or -ENOMEM from an insert (the table is being
 *			resized, GFP_ATOMIC bucket allocation) is retried
 *			outside the RCU section, up to GM_B_RHT_RETRIES times.
 *	rwlock		one rwlock_t over a fixed array of hlist_head
 *			buckets, as many as the key space has keys (GM_B_KEYS,
 *			or GM_B_GROWTH_KEYS for insert_growth), indexed by
 *			hash_64(); nodes {hlist_node, u64 key, unsigned long
 *			value}. load: read_lock. store, swap, cas, delete,
 *			insert: write_lock; an existing key's value is
 *			overwritten in place (readers hold the lock, so no
 *			allocation and no RCU). A node is allocated before
 *			taking the lock; a deleted node is freed after
 *			dropping it, or kept as the thread's spare.
 *
 * Every implementation is called through the same kind of ops table
 * (struct gm_b_ops); the bodies are written once per mix and instantiated
 * per implementation with the table as a compile-time constant, so the
 * compiler turns the table calls into direct calls for all three alike.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bits.h>
#include <linux/hash.h>
#include <linux/limits.h>
#include <linux/list.h>
#include <linux/minmax.h>
#include <linux/rcupdate.h>
#include <linux/rhashtable.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "bench.h"
#include "map.h"
#include "test.h"

#define GM_B_KEYS_SHIFT	16
#define GM_B_KEYS		BIT(GM_B_KEYS_SHIFT)
#define GM_B_GROWTH_SHIFT	20
#define GM_B_GROWTH_KEYS	BIT(GM_B_GROWTH_SHIFT)
#define GM_B_BATCH	64
#define GM_B_RHT_RETRIES	10000

/* The value a preloaded or grown key gets: odd, so never NULL. */
#define GM_B_COOKIE(key)	((unsigned long)(key) * 2 + 1)

struct gm_b_ops;

/* How gm_b_ops.put() puts a value: gosync_map_store(), _swap(), _load_or_store(). */
enum gm_b_put {
	GM_B_STORE,
	GM_B_SWAP,
	GM_B_INSERT,
};

/**
 * struct gm_b_rw_table - the rwlock-protected fixed hash table
 * @lock: protects every bucket and every node's value
 * @bits: log2 of the number of buckets
 * @buckets: the buckets
 */
struct gm_b_rw_table {
	rwlock_t lock;
	unsigned int bits;
	struct hlist_head *buckets;
};

/**
 * struct gm_b_rw_node - an entry of the rwlock table
 * @node: in its bucket
 * @key: the key
 * @value: the value
 */
struct gm_b_rw_node {
	struct hlist_node node;
	u64 key;
	unsigned long value;
};

/**
 * struct gm_b_rht_obj - an entry of the rhashtable
 * @node: in the table
 * @key: the key
 * @value: the value; never changes once the object is in the table
 * @rcu: for kfree_rcu() once the object left the table
 */
struct gm_b_rht_obj {
	struct rhash_head node;
	u64 key;
	unsigned long value;
	struct rcu_head rcu;
};

static const struct rhashtable_params gm_b_rht_params = {
	.key_len = sizeof(u64),
	.key_offset = offsetof(struct gm_b_rht_obj, key),
	.head_offset = offsetof(struct gm_b_rht_obj, node),
	.automatic_shrinking = true,
};

/**
 * struct gm_b_state - the shared state of one run
 * @ops: the implementation
 * @threads: threads of the run
 * @gm: the gosync_map (impl gosync_map)
 * @ht: the rhashtable (impl rhashtable)
 * @rw: the rwlock table (impl rwlock)
 */
struct gm_b_state {
	const struct gm_b_ops *ops;
	unsigned int threads;
	union {
		struct gosync_map gm;
		struct rhashtable ht;
		struct gm_b_rw_table rw;
	};
};

/**
 * struct gm_b_ctx - one thread's private context
 * @s: the shared state
 * @spare: a preallocated entry (rhashtable, rwlock), or NULL
 * @rnd: xorshift64* state
 * @seq: source of new values
 */
struct gm_b_ctx {
	struct gm_b_state *s;
	void *spare;
	u64 rnd;
	unsigned long seq;
};

/**
 * struct gm_b_ops - one implementation
 * @init: sets up an empty table expecting about @hint keys (0: unknown)
 *	and sized for @keys distinct keys (the rwlock table's buckets)
 * @destroy: frees the table and every entry
 * @load: the value of @key, or 0 if absent
 * @put: as @how says, sets @key to @val, inserting it if absent (GM_B_STORE;
 *	GM_B_SWAP, which returns the previous value in *@old, 0 if absent), or
 *	inserts it if absent (GM_B_INSERT: -EEXIST if present); 0 or -errno
 * @del: removes @key; 0, -ENOENT, or another -errno
 * @cas: sets @key to @val if its value is @old; 0, -EAGAIN (another
 *	value), -ENOENT (absent), or another -errno
 */
struct gm_b_ops {
	int (*init)(struct gm_b_state *s, unsigned int hint, unsigned int keys);
	void (*destroy)(struct gm_b_state *s);
	unsigned long (*load)(struct gm_b_ctx *c, u64 key);
	int (*put)(struct gm_b_ctx *c, u64 key, unsigned long val,
		   unsigned long *old, enum gm_b_put how);
	int (*del)(struct gm_b_ctx *c, u64 key);
	int (*cas)(struct gm_b_ctx *c, u64 key, unsigned long old,
		   unsigned long val);
};

/* ---- gosync_map ---- */

static int gm_b_gm_init(struct gm_b_state *s, unsigned int hint, unsigned int keys)
{
	const struct gosync_map_opts opts = {
		.key_kind = GOSYNC_MAP_KEY_U64,
		.size_hint = hint,
	};

	return gosync_map_init(&s->gm, &opts);
}

static void gm_b_gm_destroy(struct gm_b_state *s)
{
	gosync_map_destroy(&s->gm);
}

static unsigned long gm_b_gm_load(struct gm_b_ctx *c, u64 key)
{
	return (unsigned long)gosync_map_load(&c->s->gm, &key);
}

static int gm_b_gm_del(struct gm_b_ctx *c, u64 key)
{
	return gosync_map_delete(&c->s->gm, &key);
}

static int gm_b_gm_put(struct gm_b_ctx *c, u64 key, unsigned long val,
		       unsigned long *old, enum gm_b_put how)
{
	void *prev = NULL;
	int ret;

	if (how == GM_B_STORE)
		return gosync_map_store(&c->s->gm, &key, (void *)val);
	if (how == GM_B_SWAP)
		ret = gosync_map_swap(&c->s->gm, &key, (void *)val, &prev);
	else
		ret = gosync_map_load_or_store(&c->s->gm, &key, (void *)val, &prev);
	*old = (unsigned long)prev;
	return ret;
}

static int gm_b_gm_cas(struct gm_b_ctx *c, u64 key, unsigned long old,
		       unsigned long val)
{
	return gosync_map_compare_and_swap(&c->s->gm, &key, (void *)old,
					   (void *)val);
}

static const struct gm_b_ops gm_b_gosync_map_ops = {
	.init = gm_b_gm_init,
	.destroy = gm_b_gm_destroy,
	.load = gm_b_gm_load,
	.put = gm_b_gm_put,
	.del = gm_b_gm_del,
	.cas = gm_b_gm_cas,
};

/* ---- rhashtable ---- */

static int gm_b_rht_init(struct gm_b_state *s, unsigned int hint,
			 unsigned int keys)
{
	struct rhashtable_params p = gm_b_rht_params;

	p.nelem_hint = min_t(unsigned int, hint, U16_MAX);
	return rhashtable_init(&s->ht, &p);
}

static void gm_b_rht_free(void *ptr, void *arg)
{
	kfree(ptr);
}

static void gm_b_rht_destroy(struct gm_b_state *s)
{
	rhashtable_free_and_destroy(&s->ht, gm_b_rht_free, NULL);
}

/* The thread's spare object, allocated if needed; process context. */
static struct gm_b_rht_obj *gm_b_rht_spare(struct gm_b_ctx *c, u64 key,
					   unsigned long val)
{
	struct gm_b_rht_obj *n = c->spare;

	if (!n) {
		n = kmalloc(sizeof(*n), GFP_KERNEL);
		if (!n)
			return NULL;
		c->spare = n;
	}
	n->key = key;
	n->value = val;
	return n;
}

static unsigned long gm_b_rht_load(struct gm_b_ctx *c, u64 key)
{
	struct gm_b_rht_obj *o;
	unsigned long v = 0;

	rcu_read_lock();
	o = rhashtable_lookup(&c->s->ht, &key, gm_b_rht_params);
	if (o)
		v = o->value;
	rcu_read_unlock();
	return v;
}

/*
 * Store or swap: publish a new object for @key, inserting it or replacing
 * the present one. One attempt; -EBUSY and -ENOMEM come from the insert.
 */
static int gm_b_rht_put_once(struct gm_b_ctx *c, struct gm_b_rht_obj *n,
			     unsigned long *old)
{
	struct rhashtable *ht = &c->s->ht;
	struct gm_b_rht_obj *o;
	int ret;

	rcu_read_lock();
	for (;;) {
		o = rhashtable_lookup_get_insert_fast(ht, &n->node,
						      gm_b_rht_params);
		if (!o) {
			*old = 0;
			ret = 0;
			break;
		}
		if (IS_ERR(o)) {
			ret = PTR_ERR(o);
			break;
		}
		if (!rhashtable_replace_fast(ht, &o->node, &n->node,
					     gm_b_rht_params)) {
			*old = o->value;
			kfree_rcu(o, rcu);
			ret = 0;
			break;
		}
		/* o was replaced or removed meanwhile: insert or replace again. */
	}
	rcu_read_unlock();
	return ret;
}

/* Store, swap or insert; -EBUSY and -ENOMEM are retried. */
static int gm_b_rht_put(struct gm_b_ctx *c, u64 key, unsigned long val,
			unsigned long *old, enum gm_b_put how)
{
	unsigned int tries = 0;
	struct gm_b_rht_obj *n;
	int ret;

	n = gm_b_rht_spare(c, key, val);
	if (!n)
		return -ENOMEM;
	for (;;) {
		if (how == GM_B_INSERT)
			ret = rhashtable_lookup_insert_fast(&c->s->ht, &n->node,
							    gm_b_rht_params);
		else
			ret = gm_b_rht_put_once(c, n, old);
		if ((ret != -EBUSY && ret != -ENOMEM) ||
		    ++tries >= GM_B_RHT_RETRIES)
			break;
		cond_resched();
	}
	if (!ret)
		c->spare = NULL;
	return ret;
}

static int gm_b_rht_del(struct gm_b_ctx *c, u64 key)
{
	struct rhashtable *ht = &c->s->ht;
	struct gm_b_rht_obj *o;
	int ret;

	rcu_read_lock();
	for (;;) {
		o = rhashtable_lookup(ht, &key, gm_b_rht_params);
		if (!o) {
			ret = -ENOENT;
			break;
		}
		if (!rhashtable_remove_fast(ht, &o->node, gm_b_rht_params)) {
			kfree_rcu(o, rcu);
			ret = 0;
			break;
		}
		/* o was replaced or removed meanwhile: look again. */
	}
	rcu_read_unlock();
	return ret;
}

static int gm_b_rht_cas(struct gm_b_ctx *c, u64 key, unsigned long old,
			unsigned long val)
{
	struct rhashtable *ht = &c->s->ht;
	struct gm_b_rht_obj *n, *o;
	int ret;

	n = gm_b_rht_spare(c, key, val);
	if (!n)
		return -ENOMEM;
	rcu_read_lock();
	for (;;) {
		o = rhashtable_lookup(ht, &key, gm_b_rht_params);
		if (!o) {
			ret = -ENOENT;
			break;
		}
		if (o->value != old) {
			ret = -EAGAIN;
			break;
		}
		if (!rhashtable_replace_fast(ht, &o->node, &n->node,
					     gm_b_rht_params)) {
			c->spare = NULL;
			kfree_rcu(o, rcu);
			ret = 0;
			break;
		}
		/* o was replaced or removed meanwhile: compare again. */
	}
	rcu_read_unlock();
	return ret;
}

static const struct gm_b_ops gm_b_rhashtable_ops = {
	.init = gm_b_rht_init,
	.destroy = gm_b_rht_destroy,
	.load = gm_b_rht_load,
	.put = gm_b_rht_put,
	.del = gm_b_rht_del,
	.cas = gm_b_rht_cas,
};

/* ---- rwlock-protected fixed hash table ---- */

static int gm_b_rw_init(struct gm_b_state *s, unsigned int hint,
			unsigned int keys)
{
	struct gm_b_rw_table *rw = &s->rw;

	rwlock_init(&rw->lock);
	rw->bits = ilog2(roundup_pow_of_two(keys));
	rw->buckets = kvcalloc(1UL << rw->bits, sizeof(*rw->buckets),
			       GFP_KERNEL);
	return rw->buckets ? 0 : -ENOMEM;
}

static void gm_b_rw_destroy(struct gm_b_state *s)
{
	struct gm_b_rw_table *rw = &s->rw;
	struct gm_b_rw_node *n;
	struct hlist_node *tmp;
	unsigned long i;

	for (i = 0; i < 1UL << rw->bits; i++) {
		hlist_for_each_entry_safe(n, tmp, &rw->buckets[i], node)
			kfree(n);
		if (!(i & 1023))
			cond_resched();
	}
	kvfree(rw->buckets);
}

static struct hlist_head *gm_b_rw_bucket(struct gm_b_rw_table *rw, u64 key)
{
	return &rw->buckets[hash_64(key, rw->bits)];
}

/* The node of @key in @head; the caller holds the lock. */
static struct gm_b_rw_node *gm_b_rw_find(struct hlist_head *head, u64 key)
{
	struct gm_b_rw_node *n;

	hlist_for_each_entry(n, head, node) {
		if (n->key == key)
			return n;
	}
	return NULL;
}

static unsigned long gm_b_rw_load(struct gm_b_ctx *c, u64 key)
{
	struct gm_b_rw_table *rw = &c->s->rw;
	struct gm_b_rw_node *n;
	unsigned long v = 0;

	read_lock(&rw->lock);
	n = gm_b_rw_find(gm_b_rw_bucket(rw, key), key);
	if (n)
		v = n->value;
	read_unlock(&rw->lock);
	return v;
}

/* Set @key to @val, inserting it; GM_B_INSERT leaves a present key. */
static int gm_b_rw_put(struct gm_b_ctx *c, u64 key, unsigned long val,
		       unsigned long *old, enum gm_b_put how)
{
	struct gm_b_rw_table *rw = &c->s->rw;
	struct hlist_head *head = gm_b_rw_bucket(rw, key);
	struct gm_b_rw_node *n;
	int ret = 0;

	if (!c->spare) {
		c->spare = kmalloc(sizeof(*n), GFP_KERNEL);
		if (!c->spare)
			return -ENOMEM;
	}
	write_lock(&rw->lock);
	n = gm_b_rw_find(head, key);
	if (n) {
		*old = n->value;
		if (how == GM_B_INSERT)
			ret = -EEXIST;
		else
			n->value = val;
	} else {
		n = c->spare;
		c->spare = NULL;
		n->key = key;
		n->value = val;
		hlist_add_head(&n->node, head);
		*old = 0;
	}
	write_unlock(&rw->lock);
	return ret;
}

static int gm_b_rw_cas(struct gm_b_ctx *c, u64 key, unsigned long old,
		       unsigned long val)
{
	struct gm_b_rw_table *rw = &c->s->rw;
	struct gm_b_rw_node *n;
	int ret = 0;

	write_lock(&rw->lock);
	n = gm_b_rw_find(gm_b_rw_bucket(rw, key), key);
	if (!n)
		ret = -ENOENT;
	else if (n->value != old)
		ret = -EAGAIN;
	else
		n->value = val;
	write_unlock(&rw->lock);
	return ret;
}

static int gm_b_rw_del(struct gm_b_ctx *c, u64 key)
{
	struct gm_b_rw_table *rw = &c->s->rw;
	struct gm_b_rw_node *n;

	write_lock(&rw->lock);
	n = gm_b_rw_find(gm_b_rw_bucket(rw, key), key);
	if (n)
		hlist_del(&n->node);
	write_unlock(&rw->lock);
	if (!n)
		return -ENOENT;
	if (c->spare)
		kfree(n);
	else
		c->spare = n;
	return 0;
}

static const struct gm_b_ops gm_b_rwlock_ops = {
	.init = gm_b_rw_init,
	.destroy = gm_b_rw_destroy,
	.load = gm_b_rw_load,
	.put = gm_b_rw_put,
	.del = gm_b_rw_del,
	.cas = gm_b_rw_cas,
};

/* ---- the cases ---- */

/**
 * enum gm_b_preload - which keys a case starts with
 * @GM_B_PRELOAD_NONE: none, and no size hint (insert_growth)
 * @GM_B_PRELOAD_HALF: the even keys of 0 .. GM_B_KEYS - 1
 * @GM_B_PRELOAD_ALL: every key of 0 .. GM_B_KEYS - 1
 */
enum gm_b_preload {
	GM_B_PRELOAD_NONE,
	GM_B_PRELOAD_HALF,
	GM_B_PRELOAD_ALL,
};

/* Thread @id's generator; xorshift64* must not start at 0. */
static void gm_b_ctx_init(struct gm_b_ctx *c, struct gm_b_state *s, unsigned int id)
{
	c->s = s;
	c->spare = NULL;
	c->rnd = (u64)(id + 1) * 0x9e3779b97f4a7c15ULL;
	c->seq = 0;
}

/* A random key of the key space, from bits 8..23 of @r. */
static __always_inline u64 gm_b_key(u64 r)
{
	return (r >> 8) & (GM_B_KEYS - 1);
}

/* A number in 0..99 from the top 32 bits of @r. */
static __always_inline unsigned int gm_b_pct(u64 r)
{
	return ((r >> 32) * 100) >> 32;
}

/* A new value: odd, so never NULL. */
static __always_inline unsigned long gm_b_new_value(struct gm_b_ctx *c)
{
	return (++c->seq << 1) | 1;
}

static void gm_b_teardown(void *data)
{
	struct gm_b_state *s = data;

	s->ops->destroy(s);
	kfree(s);
}

static int gm_b_setup(void **data, unsigned int threads,
		      const struct gm_b_ops *ops, enum gm_b_preload preload)
{
	unsigned int hint = preload == GM_B_PRELOAD_NONE ? 0 : GM_B_KEYS;
	unsigned int keys = preload == GM_B_PRELOAD_NONE ? GM_B_GROWTH_KEYS
						       : GM_B_KEYS;
	struct gm_b_state *s;
	unsigned long old;
	struct gm_b_ctx c;
	unsigned int i;
	int ret;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->ops = ops;
	s->threads = threads;
	ret = ops->init(s, hint, keys);
	if (ret) {
		kfree(s);
		return ret;
	}
	gm_b_ctx_init(&c, s, 0);
	for (i = 0; i < GM_B_KEYS && preload != GM_B_PRELOAD_NONE; i++) {
		if (preload == GM_B_PRELOAD_HALF && (i & 1))
			continue;
		ret = ops->put(&c, i, GM_B_COOKIE(i), &old, GM_B_INSERT);
		if (ret)
			break;
		if (!(i & 1023))
			cond_resched();
	}
	kfree(c.spare);
	if (ret) {
		pr_err("map bench: preloading key %u failed: %d\n", i, ret);
		gm_b_teardown(s);
		return ret;
	}
	*data = s;
	return 0;
}

static int gm_b_fail(const char *what, u64 key, int ret)
{
	pr_err("map bench: %s of key %llu: unexpected result %d\n", what, key,
	       ret);
	return ret ? ret : -EIO;
}

/*
 * The mixes of random keys: GM_B_MIX_READ_ONLY, _SWAP, _CAS, or a number
 * 0 .. 100: that percentage of loads, the rest half stores, half deletes.
 */
#define GM_B_MIX_READ_ONLY	101
#define GM_B_MIX_SWAP		102
#define GM_B_MIX_CAS		103

/* One op of mix @mix on a random key drawn from @r; 0 or why it failed. */
static __always_inline int gm_b_op(struct gm_b_ctx *c, const struct gm_b_ops *ops,
				   unsigned int mix, u64 r)
{
	u64 key = gm_b_key(r);
	unsigned int pct = gm_b_pct(r);
	unsigned long v;
	int ret;

	switch (mix) {
	case GM_B_MIX_READ_ONLY:
		/* Every load must hit and return the preloaded value. */
		v = ops->load(c, key);
		return unlikely(v != GM_B_COOKIE(key)) ? gm_b_fail("load", key, 0) : 0;
	case GM_B_MIX_SWAP:
		ret = ops->put(c, key, gm_b_new_value(c), &v, GM_B_SWAP);
		return unlikely(ret || !v) ? gm_b_fail("swap", key, ret) : 0;
	case GM_B_MIX_CAS:
		v = ops->load(c, key);
		if (unlikely(!v))
			return gm_b_fail("load", key, 0);
		ret = ops->cas(c, key, v, gm_b_new_value(c));
		return unlikely(ret && ret != -EAGAIN) ? gm_b_fail("cas", key, ret) : 0;
	}
	if (pct < mix) {
		v = ops->load(c, key);
		/* Absent (0), or a value some thread stored. */
		return unlikely(v && !(v & 1)) ? gm_b_fail("load", key, 0) : 0;
	}
	if (pct < mix + (100 - mix) / 2) {
		ret = ops->put(c, key, gm_b_new_value(c), &v, GM_B_STORE);
		return unlikely(ret) ? gm_b_fail("store", key, ret) : 0;
	}
	ret = ops->del(c, key);
	return unlikely(ret && ret != -ENOENT) ? gm_b_fail("delete", key, ret) : 0;
}

/* The body of a mix of random keys. */
static __always_inline int gm_b_random(struct gosync_run_thread *t,
				       const struct gm_b_ops *ops, unsigned int mix)
{
	struct gm_b_ctx c;
	unsigned int i;
	int ret = 0;

	gm_b_ctx_init(&c, t->run->data, t->id);
	do {
		for (i = 0; i < GM_B_BATCH && !ret; i++)
			ret = gm_b_op(&c, ops, mix, gosync_xorshift64s(&c.rnd));
		t->ops += GM_B_BATCH;
	} while (!ret && gosync_run_continue(t));
	kfree(c.spare);
	return ret;
}

static __always_inline int gm_b_insert_growth(struct gosync_run_thread *t,
					      const struct gm_b_ops *ops)
{
	struct gm_b_state *s = t->run->data;
	unsigned int quota = GM_B_GROWTH_KEYS / s->threads;
	u64 base = (u64)(t->id + 1) << 32;
	unsigned int n = 0, end;
	unsigned long old;
	struct gm_b_ctx c;
	int ret = 0;

	gm_b_ctx_init(&c, s, t->id);
	do {
		end = min(n + GM_B_BATCH, quota);
		for (; n < end; n++) {
			ret = ops->put(&c, base + n, GM_B_COOKIE(base + n), &old,
				       GM_B_INSERT);
			if (unlikely(ret)) {
				ret = gm_b_fail("insert", base + n, ret);
				goto out;
			}
		}
		t->ops = n;
	} while (n < quota && gosync_run_continue(t));
out:
	kfree(c.spare);
	return ret;
}

/* GM_B_CASE() - the bench case of one (mix, implementation); see bench.h. */
#define GM_B_CASE(mix, which, preload)					\
	GOSYNC_BENCH_MIX_CASE(gm_b, "map", mix, which, preload)

#define gm_b_read_only(t, ops)	gm_b_random(t, ops, GM_B_MIX_READ_ONLY)
#define gm_b_read_mostly(t, ops)	gm_b_random(t, ops, 90)
#define gm_b_write_heavy(t, ops)	gm_b_random(t, ops, 50)
#define gm_b_swap(t, ops)		gm_b_random(t, ops, GM_B_MIX_SWAP)
#define gm_b_cas(t, ops)		gm_b_random(t, ops, GM_B_MIX_CAS)

GM_B_CASE(read_only, gosync_map, GM_B_PRELOAD_ALL);
GM_B_CASE(read_only, rhashtable, GM_B_PRELOAD_ALL);
GM_B_CASE(read_only, rwlock, GM_B_PRELOAD_ALL);
GM_B_CASE(read_mostly, gosync_map, GM_B_PRELOAD_HALF);
GM_B_CASE(read_mostly, rhashtable, GM_B_PRELOAD_HALF);
GM_B_CASE(read_mostly, rwlock, GM_B_PRELOAD_HALF);
GM_B_CASE(write_heavy, gosync_map, GM_B_PRELOAD_HALF);
GM_B_CASE(write_heavy, rhashtable, GM_B_PRELOAD_HALF);
GM_B_CASE(write_heavy, rwlock, GM_B_PRELOAD_HALF);
GM_B_CASE(swap, gosync_map, GM_B_PRELOAD_ALL);
GM_B_CASE(swap, rhashtable, GM_B_PRELOAD_ALL);
GM_B_CASE(swap, rwlock, GM_B_PRELOAD_ALL);
GM_B_CASE(cas, gosync_map, GM_B_PRELOAD_ALL);
GM_B_CASE(cas, rhashtable, GM_B_PRELOAD_ALL);
GM_B_CASE(cas, rwlock, GM_B_PRELOAD_ALL);
GM_B_CASE(insert_growth, gosync_map, GM_B_PRELOAD_NONE);
GM_B_CASE(insert_growth, rhashtable, GM_B_PRELOAD_NONE);
GM_B_CASE(insert_growth, rwlock, GM_B_PRELOAD_NONE);

GOSYNC_BENCH_SET(map, &gm_b_case_read_only_gosync_map,
		 &gm_b_case_read_only_rhashtable, &gm_b_case_read_only_rwlock,
		 &gm_b_case_read_mostly_gosync_map,
		 &gm_b_case_read_mostly_rhashtable, &gm_b_case_read_mostly_rwlock,
		 &gm_b_case_write_heavy_gosync_map,
		 &gm_b_case_write_heavy_rhashtable, &gm_b_case_write_heavy_rwlock,
		 &gm_b_case_swap_gosync_map, &gm_b_case_swap_rhashtable,
		 &gm_b_case_swap_rwlock, &gm_b_case_cas_gosync_map,
		 &gm_b_case_cas_rhashtable, &gm_b_case_cas_rwlock,
		 &gm_b_case_insert_growth_gosync_map,
		 &gm_b_case_insert_growth_rhashtable,
		 &gm_b_case_insert_growth_rwlock);
