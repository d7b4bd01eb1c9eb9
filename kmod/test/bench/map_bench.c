// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmarks of gosync_map against the kernel's rhashtable and against an
 * rwlock-protected fixed hash table (the old way). Primitive "map"; six
 * operation mixes times three implementations make 18 cases, listed in
 * /sys/kernel/debug/gosync_test/bench/cases and run through bench/run.
 *
 * Keys are u64. The preloaded cases use a key space of MB_KEYS keys
 * (0 .. MB_KEYS - 1); a key's preloaded value is MB_COOKIE(key). Every
 * thread draws keys and operations from its own xorshift64* generator,
 * seeded by its thread id, so the three implementations see the same
 * sequence of keys and operations. One "op" is one call of the mix below;
 * t->ops is updated once per batch of MB_BATCH ops.
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
 *			inserted MB_GROWTH_KEYS / threads keys or the run's
 *			duration is over, whichever comes first, and then
 *			returns: its rate is its inserts divided by its own
 *			time. So each run measures growth from empty to at
 *			most MB_GROWTH_KEYS entries, memory stays bounded and
 *			no deletion is mixed into the figure. (On a fast
 *			machine a run may end before duration_ms.)
 *
 * Implementations, what each does per operation:
 *	gosync_map	gosync_map_load(), _store(), _delete(), _swap(),
 *			_compare_and_swap(), _load_or_store() (the insert);
 *			key kind GOSYNC_MAP_KEY_U64, no release callback:
 *			values are plain non-NULL cookies, never dereferenced.
 *			size_hint MB_KEYS for the preloaded cases, 0 for
 *			insert_growth.
 *	rhashtable	objects {rhash_head, u64 key, unsigned long value,
 *			rcu_head} kmalloc'd with GFP_KERNEL, jhash2 over the
 *			key, automatic_shrinking, nelem_hint min(MB_KEYS,
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
 *			outside the RCU section, up to MB_RHT_RETRIES times.
 *	rwlock		one rwlock_t over a fixed array of hlist_head
 *			buckets, as many as the key space has keys (MB_KEYS,
 *			or MB_GROWTH_KEYS for insert_growth), indexed by
 *			hash_64(); nodes {hlist_node, u64 key, unsigned long
 *			value}. load: read_lock. store, swap, cas, delete,
 *			insert: write_lock; an existing key's value is
 *			overwritten in place (readers hold the lock, so no
 *			allocation and no RCU). A node is allocated before
 *			taking the lock; a deleted node is freed after
 *			dropping it, or kept as the thread's spare.
 *
 * Every implementation is called through the same kind of ops table
 * (struct mb_ops); the bodies are written once per mix and instantiated
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

#define MB_KEYS_SHIFT	16
#define MB_KEYS		BIT(MB_KEYS_SHIFT)
#define MB_GROWTH_SHIFT	20
#define MB_GROWTH_KEYS	BIT(MB_GROWTH_SHIFT)
#define MB_BATCH	64
#define MB_RHT_RETRIES	10000

/* The value a preloaded or grown key gets: odd, so never NULL. */
#define MB_COOKIE(key)	((unsigned long)(key) * 2 + 1)

struct mb_ops;

/* How mb_ops.put() puts a value: gosync_map_store(), _swap(), _load_or_store(). */
enum mb_put {
	MB_STORE,
	MB_SWAP,
	MB_INSERT,
};

/**
 * struct mb_rw_table - the rwlock-protected fixed hash table
 * @lock: protects every bucket and every node's value
 * @bits: log2 of the number of buckets
 * @buckets: the buckets
 */
struct mb_rw_table {
	rwlock_t lock;
	unsigned int bits;
	struct hlist_head *buckets;
};

/**
 * struct mb_rw_node - an entry of the rwlock table
 * @node: in its bucket
 * @key: the key
 * @value: the value
 */
struct mb_rw_node {
	struct hlist_node node;
	u64 key;
	unsigned long value;
};

/**
 * struct mb_rht_obj - an entry of the rhashtable
 * @node: in the table
 * @key: the key
 * @value: the value; never changes once the object is in the table
 * @rcu: for kfree_rcu() once the object left the table
 */
struct mb_rht_obj {
	struct rhash_head node;
	u64 key;
	unsigned long value;
	struct rcu_head rcu;
};

static const struct rhashtable_params mb_rht_params = {
	.key_len = sizeof(u64),
	.key_offset = offsetof(struct mb_rht_obj, key),
	.head_offset = offsetof(struct mb_rht_obj, node),
	.automatic_shrinking = true,
};

/**
 * struct mb_state - the shared state of one run
 * @ops: the implementation
 * @threads: threads of the run
 * @gm: the gosync_map (impl gosync_map)
 * @ht: the rhashtable (impl rhashtable)
 * @rw: the rwlock table (impl rwlock)
 */
struct mb_state {
	const struct mb_ops *ops;
	unsigned int threads;
	union {
		struct gosync_map gm;
		struct rhashtable ht;
		struct mb_rw_table rw;
	};
};

/**
 * struct mb_ctx - one thread's private context
 * @s: the shared state
 * @spare: a preallocated entry (rhashtable, rwlock), or NULL
 * @rnd: xorshift64* state
 * @seq: source of new values
 */
struct mb_ctx {
	struct mb_state *s;
	void *spare;
	u64 rnd;
	unsigned long seq;
};

/**
 * struct mb_ops - one implementation
 * @init: sets up an empty table expecting about @hint keys (0: unknown)
 *	and sized for @keys distinct keys (the rwlock table's buckets)
 * @destroy: frees the table and every entry
 * @load: the value of @key, or 0 if absent
 * @put: as @how says, sets @key to @val, inserting it if absent (MB_STORE;
 *	MB_SWAP, which returns the previous value in *@old, 0 if absent), or
 *	inserts it if absent (MB_INSERT: -EEXIST if present); 0 or -errno
 * @del: removes @key; 0, -ENOENT, or another -errno
 * @cas: sets @key to @val if its value is @old; 0, -EAGAIN (another
 *	value), -ENOENT (absent), or another -errno
 */
struct mb_ops {
	int (*init)(struct mb_state *s, unsigned int hint, unsigned int keys);
	void (*destroy)(struct mb_state *s);
	unsigned long (*load)(struct mb_ctx *c, u64 key);
	int (*put)(struct mb_ctx *c, u64 key, unsigned long val,
		   unsigned long *old, enum mb_put how);
	int (*del)(struct mb_ctx *c, u64 key);
	int (*cas)(struct mb_ctx *c, u64 key, unsigned long old,
		   unsigned long val);
};

/* ---- gosync_map ---- */

static int mb_gm_init(struct mb_state *s, unsigned int hint, unsigned int keys)
{
	const struct gosync_map_opts opts = {
		.key_kind = GOSYNC_MAP_KEY_U64,
		.size_hint = hint,
	};

	return gosync_map_init(&s->gm, &opts);
}

static void mb_gm_destroy(struct mb_state *s)
{
	gosync_map_destroy(&s->gm);
}

static unsigned long mb_gm_load(struct mb_ctx *c, u64 key)
{
	return (unsigned long)gosync_map_load(&c->s->gm, &key);
}

static int mb_gm_del(struct mb_ctx *c, u64 key)
{
	return gosync_map_delete(&c->s->gm, &key);
}

static int mb_gm_put(struct mb_ctx *c, u64 key, unsigned long val,
		     unsigned long *old, enum mb_put how)
{
	void *prev = NULL;
	int ret;

	if (how == MB_STORE)
		return gosync_map_store(&c->s->gm, &key, (void *)val);
	if (how == MB_SWAP)
		ret = gosync_map_swap(&c->s->gm, &key, (void *)val, &prev);
	else
		ret = gosync_map_load_or_store(&c->s->gm, &key, (void *)val, &prev);
	*old = (unsigned long)prev;
	return ret;
}

static int mb_gm_cas(struct mb_ctx *c, u64 key, unsigned long old,
		     unsigned long val)
{
	return gosync_map_compare_and_swap(&c->s->gm, &key, (void *)old,
					   (void *)val);
}

static const struct mb_ops mb_gosync_map_ops = {
	.init = mb_gm_init,
	.destroy = mb_gm_destroy,
	.load = mb_gm_load,
	.put = mb_gm_put,
	.del = mb_gm_del,
	.cas = mb_gm_cas,
};

/* ---- rhashtable ---- */

static int mb_rht_init(struct mb_state *s, unsigned int hint,
		       unsigned int keys)
{
	struct rhashtable_params p = mb_rht_params;

	p.nelem_hint = min_t(unsigned int, hint, U16_MAX);
	return rhashtable_init(&s->ht, &p);
}

static void mb_rht_free(void *ptr, void *arg)
{
	kfree(ptr);
}

static void mb_rht_destroy(struct mb_state *s)
{
	rhashtable_free_and_destroy(&s->ht, mb_rht_free, NULL);
}

/* The thread's spare object, allocated if needed; process context. */
static struct mb_rht_obj *mb_rht_spare(struct mb_ctx *c, u64 key,
				       unsigned long val)
{
	struct mb_rht_obj *n = c->spare;

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

static unsigned long mb_rht_load(struct mb_ctx *c, u64 key)
{
	struct mb_rht_obj *o;
	unsigned long v = 0;

	rcu_read_lock();
	o = rhashtable_lookup(&c->s->ht, &key, mb_rht_params);
	if (o)
		v = o->value;
	rcu_read_unlock();
	return v;
}

/*
 * Store or swap: publish a new object for @key, inserting it or replacing
 * the present one. One attempt; -EBUSY and -ENOMEM come from the insert.
 */
static int mb_rht_put_once(struct mb_ctx *c, struct mb_rht_obj *n,
			   unsigned long *old)
{
	struct rhashtable *ht = &c->s->ht;
	struct mb_rht_obj *o;
	int ret;

	rcu_read_lock();
	for (;;) {
		o = rhashtable_lookup_get_insert_fast(ht, &n->node,
						      mb_rht_params);
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
					     mb_rht_params)) {
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
static int mb_rht_put(struct mb_ctx *c, u64 key, unsigned long val,
		      unsigned long *old, enum mb_put how)
{
	unsigned int tries = 0;
	struct mb_rht_obj *n;
	int ret;

	n = mb_rht_spare(c, key, val);
	if (!n)
		return -ENOMEM;
	for (;;) {
		if (how == MB_INSERT)
			ret = rhashtable_lookup_insert_fast(&c->s->ht, &n->node,
							    mb_rht_params);
		else
			ret = mb_rht_put_once(c, n, old);
		if ((ret != -EBUSY && ret != -ENOMEM) ||
		    ++tries >= MB_RHT_RETRIES)
			break;
		cond_resched();
	}
	if (!ret)
		c->spare = NULL;
	return ret;
}

static int mb_rht_del(struct mb_ctx *c, u64 key)
{
	struct rhashtable *ht = &c->s->ht;
	struct mb_rht_obj *o;
	int ret;

	rcu_read_lock();
	for (;;) {
		o = rhashtable_lookup(ht, &key, mb_rht_params);
		if (!o) {
			ret = -ENOENT;
			break;
		}
		if (!rhashtable_remove_fast(ht, &o->node, mb_rht_params)) {
			kfree_rcu(o, rcu);
			ret = 0;
			break;
		}
		/* o was replaced or removed meanwhile: look again. */
	}
	rcu_read_unlock();
	return ret;
}

static int mb_rht_cas(struct mb_ctx *c, u64 key, unsigned long old,
		      unsigned long val)
{
	struct rhashtable *ht = &c->s->ht;
	struct mb_rht_obj *n, *o;
	int ret;

	n = mb_rht_spare(c, key, val);
	if (!n)
		return -ENOMEM;
	rcu_read_lock();
	for (;;) {
		o = rhashtable_lookup(ht, &key, mb_rht_params);
		if (!o) {
			ret = -ENOENT;
			break;
		}
		if (o->value != old) {
			ret = -EAGAIN;
			break;
		}
		if (!rhashtable_replace_fast(ht, &o->node, &n->node,
					     mb_rht_params)) {
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

static const struct mb_ops mb_rhashtable_ops = {
	.init = mb_rht_init,
	.destroy = mb_rht_destroy,
	.load = mb_rht_load,
	.put = mb_rht_put,
	.del = mb_rht_del,
	.cas = mb_rht_cas,
};

/* ---- rwlock-protected fixed hash table ---- */

static int mb_rw_init(struct mb_state *s, unsigned int hint,
		      unsigned int keys)
{
	struct mb_rw_table *rw = &s->rw;

	rwlock_init(&rw->lock);
	rw->bits = ilog2(roundup_pow_of_two(keys));
	rw->buckets = kvcalloc(1UL << rw->bits, sizeof(*rw->buckets),
			       GFP_KERNEL);
	return rw->buckets ? 0 : -ENOMEM;
}

static void mb_rw_destroy(struct mb_state *s)
{
	struct mb_rw_table *rw = &s->rw;
	struct mb_rw_node *n;
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

static struct hlist_head *mb_rw_bucket(struct mb_rw_table *rw, u64 key)
{
	return &rw->buckets[hash_64(key, rw->bits)];
}

/* The node of @key in @head; the caller holds the lock. */
static struct mb_rw_node *mb_rw_find(struct hlist_head *head, u64 key)
{
	struct mb_rw_node *n;

	hlist_for_each_entry(n, head, node) {
		if (n->key == key)
			return n;
	}
	return NULL;
}

static unsigned long mb_rw_load(struct mb_ctx *c, u64 key)
{
	struct mb_rw_table *rw = &c->s->rw;
	struct mb_rw_node *n;
	unsigned long v = 0;

	read_lock(&rw->lock);
	n = mb_rw_find(mb_rw_bucket(rw, key), key);
	if (n)
		v = n->value;
	read_unlock(&rw->lock);
	return v;
}

/* Set @key to @val, inserting it; MB_INSERT leaves a present key. */
static int mb_rw_put(struct mb_ctx *c, u64 key, unsigned long val,
		     unsigned long *old, enum mb_put how)
{
	struct mb_rw_table *rw = &c->s->rw;
	struct hlist_head *head = mb_rw_bucket(rw, key);
	struct mb_rw_node *n;
	int ret = 0;

	if (!c->spare) {
		c->spare = kmalloc(sizeof(*n), GFP_KERNEL);
		if (!c->spare)
			return -ENOMEM;
	}
	write_lock(&rw->lock);
	n = mb_rw_find(head, key);
	if (n) {
		*old = n->value;
		if (how == MB_INSERT)
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

static int mb_rw_cas(struct mb_ctx *c, u64 key, unsigned long old,
		     unsigned long val)
{
	struct mb_rw_table *rw = &c->s->rw;
	struct mb_rw_node *n;
	int ret = 0;

	write_lock(&rw->lock);
	n = mb_rw_find(mb_rw_bucket(rw, key), key);
	if (!n)
		ret = -ENOENT;
	else if (n->value != old)
		ret = -EAGAIN;
	else
		n->value = val;
	write_unlock(&rw->lock);
	return ret;
}

static int mb_rw_del(struct mb_ctx *c, u64 key)
{
	struct mb_rw_table *rw = &c->s->rw;
	struct mb_rw_node *n;

	write_lock(&rw->lock);
	n = mb_rw_find(mb_rw_bucket(rw, key), key);
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

static const struct mb_ops mb_rwlock_ops = {
	.init = mb_rw_init,
	.destroy = mb_rw_destroy,
	.load = mb_rw_load,
	.put = mb_rw_put,
	.del = mb_rw_del,
	.cas = mb_rw_cas,
};

/* ---- the cases ---- */

/**
 * enum mb_preload - which keys a case starts with
 * @MB_PRELOAD_NONE: none, and no size hint (insert_growth)
 * @MB_PRELOAD_HALF: the even keys of 0 .. MB_KEYS - 1
 * @MB_PRELOAD_ALL: every key of 0 .. MB_KEYS - 1
 */
enum mb_preload {
	MB_PRELOAD_NONE,
	MB_PRELOAD_HALF,
	MB_PRELOAD_ALL,
};

/* Thread @id's generator; xorshift64* must not start at 0. */
static void mb_ctx_init(struct mb_ctx *c, struct mb_state *s, unsigned int id)
{
	c->s = s;
	c->spare = NULL;
	c->rnd = (u64)(id + 1) * 0x9e3779b97f4a7c15ULL;
	c->seq = 0;
}

/* A random key of the key space, from bits 8..23 of @r. */
static __always_inline u64 mb_key(u64 r)
{
	return (r >> 8) & (MB_KEYS - 1);
}

/* A number in 0..99 from the top 32 bits of @r. */
static __always_inline unsigned int mb_pct(u64 r)
{
	return ((r >> 32) * 100) >> 32;
}

/* A new value: odd, so never NULL. */
static __always_inline unsigned long mb_new_value(struct mb_ctx *c)
{
	return (++c->seq << 1) | 1;
}

static void mb_teardown(void *data)
{
	struct mb_state *s = data;

	s->ops->destroy(s);
	kfree(s);
}

static int mb_setup(void **data, unsigned int threads,
		    const struct mb_ops *ops, enum mb_preload preload)
{
	unsigned int hint = preload == MB_PRELOAD_NONE ? 0 : MB_KEYS;
	unsigned int keys = preload == MB_PRELOAD_NONE ? MB_GROWTH_KEYS
						       : MB_KEYS;
	struct mb_state *s;
	unsigned long old;
	struct mb_ctx c;
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
	mb_ctx_init(&c, s, 0);
	for (i = 0; i < MB_KEYS && preload != MB_PRELOAD_NONE; i++) {
		if (preload == MB_PRELOAD_HALF && (i & 1))
			continue;
		ret = ops->put(&c, i, MB_COOKIE(i), &old, MB_INSERT);
		if (ret)
			break;
		if (!(i & 1023))
			cond_resched();
	}
	kfree(c.spare);
	if (ret) {
		pr_err("map bench: preloading key %u failed: %d\n", i, ret);
		mb_teardown(s);
		return ret;
	}
	*data = s;
	return 0;
}

static int mb_fail(const char *what, u64 key, int ret)
{
	pr_err("map bench: %s of key %llu: unexpected result %d\n", what, key,
	       ret);
	return ret ? ret : -EIO;
}

/*
 * The mixes of random keys: MB_MIX_READ_ONLY, _SWAP, _CAS, or a number
 * 0 .. 100: that percentage of loads, the rest half stores, half deletes.
 */
#define MB_MIX_READ_ONLY	101
#define MB_MIX_SWAP		102
#define MB_MIX_CAS		103

/* One op of mix @mix on a random key drawn from @r; 0 or why it failed. */
static __always_inline int mb_op(struct mb_ctx *c, const struct mb_ops *ops,
				 unsigned int mix, u64 r)
{
	u64 key = mb_key(r);
	unsigned int pct = mb_pct(r);
	unsigned long v;
	int ret;

	switch (mix) {
	case MB_MIX_READ_ONLY:
		/* Every load must hit and return the preloaded value. */
		v = ops->load(c, key);
		return unlikely(v != MB_COOKIE(key)) ? mb_fail("load", key, 0) : 0;
	case MB_MIX_SWAP:
		ret = ops->put(c, key, mb_new_value(c), &v, MB_SWAP);
		return unlikely(ret || !v) ? mb_fail("swap", key, ret) : 0;
	case MB_MIX_CAS:
		v = ops->load(c, key);
		if (unlikely(!v))
			return mb_fail("load", key, 0);
		ret = ops->cas(c, key, v, mb_new_value(c));
		return unlikely(ret && ret != -EAGAIN) ? mb_fail("cas", key, ret) : 0;
	}
	if (pct < mix) {
		v = ops->load(c, key);
		/* Absent (0), or a value some thread stored. */
		return unlikely(v && !(v & 1)) ? mb_fail("load", key, 0) : 0;
	}
	if (pct < mix + (100 - mix) / 2) {
		ret = ops->put(c, key, mb_new_value(c), &v, MB_STORE);
		return unlikely(ret) ? mb_fail("store", key, ret) : 0;
	}
	ret = ops->del(c, key);
	return unlikely(ret && ret != -ENOENT) ? mb_fail("delete", key, ret) : 0;
}

/* The body of a mix of random keys. */
static __always_inline int mb_random(struct gosync_run_thread *t,
				     const struct mb_ops *ops, unsigned int mix)
{
	struct mb_ctx c;
	unsigned int i;
	int ret = 0;

	mb_ctx_init(&c, t->run->data, t->id);
	do {
		for (i = 0; i < MB_BATCH && !ret; i++)
			ret = mb_op(&c, ops, mix, gosync_xorshift64s(&c.rnd));
		t->ops += MB_BATCH;
	} while (!ret && gosync_run_continue(t));
	kfree(c.spare);
	return ret;
}

static __always_inline int mb_insert_growth(struct gosync_run_thread *t,
					    const struct mb_ops *ops)
{
	struct mb_state *s = t->run->data;
	unsigned int quota = MB_GROWTH_KEYS / s->threads;
	u64 base = (u64)(t->id + 1) << 32;
	unsigned int n = 0, end;
	unsigned long old;
	struct mb_ctx c;
	int ret = 0;

	mb_ctx_init(&c, s, t->id);
	do {
		end = min(n + MB_BATCH, quota);
		for (; n < end; n++) {
			ret = ops->put(&c, base + n, MB_COOKIE(base + n), &old,
				       MB_INSERT);
			if (unlikely(ret)) {
				ret = mb_fail("insert", base + n, ret);
				goto out;
			}
		}
		t->ops = n;
	} while (n < quota && gosync_run_continue(t));
out:
	kfree(c.spare);
	return ret;
}

/* MB_CASE() - the bench case of one (mix, implementation); see bench.h. */
#define MB_CASE(mix, which, preload)					\
	GOSYNC_BENCH_MIX_CASE(mb, "map", mix, which, preload)

#define mb_read_only(t, ops)	mb_random(t, ops, MB_MIX_READ_ONLY)
#define mb_read_mostly(t, ops)	mb_random(t, ops, 90)
#define mb_write_heavy(t, ops)	mb_random(t, ops, 50)
#define mb_swap(t, ops)		mb_random(t, ops, MB_MIX_SWAP)
#define mb_cas(t, ops)		mb_random(t, ops, MB_MIX_CAS)

MB_CASE(read_only, gosync_map, MB_PRELOAD_ALL);
MB_CASE(read_only, rhashtable, MB_PRELOAD_ALL);
MB_CASE(read_only, rwlock, MB_PRELOAD_ALL);
MB_CASE(read_mostly, gosync_map, MB_PRELOAD_HALF);
MB_CASE(read_mostly, rhashtable, MB_PRELOAD_HALF);
MB_CASE(read_mostly, rwlock, MB_PRELOAD_HALF);
MB_CASE(write_heavy, gosync_map, MB_PRELOAD_HALF);
MB_CASE(write_heavy, rhashtable, MB_PRELOAD_HALF);
MB_CASE(write_heavy, rwlock, MB_PRELOAD_HALF);
MB_CASE(swap, gosync_map, MB_PRELOAD_ALL);
MB_CASE(swap, rhashtable, MB_PRELOAD_ALL);
MB_CASE(swap, rwlock, MB_PRELOAD_ALL);
MB_CASE(cas, gosync_map, MB_PRELOAD_ALL);
MB_CASE(cas, rhashtable, MB_PRELOAD_ALL);
MB_CASE(cas, rwlock, MB_PRELOAD_ALL);
MB_CASE(insert_growth, gosync_map, MB_PRELOAD_NONE);
MB_CASE(insert_growth, rhashtable, MB_PRELOAD_NONE);
MB_CASE(insert_growth, rwlock, MB_PRELOAD_NONE);

GOSYNC_BENCH_SET(gosync_map_bench, &mb_case_read_only_gosync_map,
		 &mb_case_read_only_rhashtable, &mb_case_read_only_rwlock,
		 &mb_case_read_mostly_gosync_map,
		 &mb_case_read_mostly_rhashtable, &mb_case_read_mostly_rwlock,
		 &mb_case_write_heavy_gosync_map,
		 &mb_case_write_heavy_rhashtable, &mb_case_write_heavy_rwlock,
		 &mb_case_swap_gosync_map, &mb_case_swap_rhashtable,
		 &mb_case_swap_rwlock, &mb_case_cas_gosync_map,
		 &mb_case_cas_rhashtable, &mb_case_cas_rwlock,
		 &mb_case_insert_growth_gosync_map,
		 &mb_case_insert_growth_rhashtable,
		 &mb_case_insert_growth_rwlock);
