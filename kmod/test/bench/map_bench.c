// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmarks of gosync_map against the kernel's rhashtable and against an
 * rwlock-protected fixed hash table (the old way). Primitive "map"; six
 * operation mixes times three implementations make 18 cases, listed in
 * /sys/kernel/debug/gosync_test/bench/cases and run through bench/run.
 *
 * Each case and implementation, what it does and what one op is, is
 * documented for the benchmarks' users in kmod/test/bench/README.md,
 * "map".
 *
 * Every implementation is one function, struct gm_b_ops.op(), that does
 * any of the operations (enum gm_b_how); the bodies are written once per
 * mix and instantiated per implementation with the table as a
 * compile-time constant, so the compiler turns the table calls into direct
 * calls for all three alike.
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

#define GM_B_KEYS		BIT(16)
#define GM_B_GROWTH_KEYS	BIT(20)
#define GM_B_BATCH	64
#define GM_B_RHT_RETRIES	10000

/* The value a preloaded or grown key gets: odd, so never NULL. */
#define GM_B_COOKIE(key)	((unsigned long)(key) * 2 + 1)

/*
 * What gm_b_ops.op() does with a key: load it, set it (inserting it if
 * absent: store, swap), insert it if absent (gosync_map_load_or_store()),
 * delete it, or compare-and-swap it.
 */
enum gm_b_how {
	GM_B_LOAD,
	GM_B_STORE,
	GM_B_SWAP,
	GM_B_INSERT,
	GM_B_DEL,
	GM_B_CAS,
};

/* The rwlock table: @lock guards the buckets and every node's value. */
struct gm_b_rw_table {
	rwlock_t lock;
	unsigned int bits;
	struct hlist_head *buckets;
};

struct gm_b_rw_node {
	struct hlist_node node;
	u64 key;
	unsigned long value;
};

/* An entry of the rhashtable; its value never changes once it is in. */
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

/* The shared state of one run: the implementation and its table. */
struct gm_b_state {
	const struct gm_b_ops *ops;
	unsigned int threads;
	union {
		struct gosync_map gm;
		struct rhashtable ht;
		struct gm_b_rw_table rw;
	};
};

/*
 * One thread's private context: a preallocated entry (rhashtable, rwlock)
 * or NULL, its xorshift64* state and the source of its new values.
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
 * @op: does @how on @key with the new value @val. *@old is, for GM_B_CAS,
 *	the expected value on entry; on return (not after GM_B_STORE or
 *	GM_B_DEL) it is the value @key had, 0 if absent. Returns 0; -ENOENT
 *	(GM_B_DEL, GM_B_CAS: absent), -EAGAIN (GM_B_CAS: another value),
 *	-EEXIST (GM_B_INSERT: present), or another -errno.
 */
struct gm_b_ops {
	int (*init)(struct gm_b_state *s, unsigned int hint, unsigned int keys);
	void (*destroy)(struct gm_b_state *s);
	int (*op)(struct gm_b_ctx *c, enum gm_b_how how, u64 key,
		  unsigned long val, unsigned long *old);
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

static int gm_b_gm_op(struct gm_b_ctx *c, enum gm_b_how how, u64 key,
		      unsigned long val, unsigned long *old)
{
	struct gosync_map *m = &c->s->gm;
	void *prev = NULL;
	int ret = 0;

	switch (how) {
	case GM_B_LOAD:
		prev = gosync_map_load(m, &key);
		break;
	case GM_B_STORE:
		return gosync_map_store(m, &key, (void *)val);
	case GM_B_SWAP:
		ret = gosync_map_swap(m, &key, (void *)val, &prev);
		break;
	case GM_B_INSERT:
		ret = gosync_map_load_or_store(m, &key, (void *)val, &prev);
		break;
	case GM_B_DEL:
		return gosync_map_delete(m, &key);
	case GM_B_CAS:
		return gosync_map_compare_and_swap(m, &key, (void *)*old, (void *)val);
	}
	*old = (unsigned long)prev;
	return ret;
}

static const struct gm_b_ops gm_b_gosync_map_ops = {
	.init = gm_b_gm_init,
	.destroy = gm_b_gm_destroy,
	.op = gm_b_gm_op,
};

/* ---- rhashtable ---- */

static int gm_b_rht_init(struct gm_b_state *s, unsigned int hint, unsigned int keys)
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

/*
 * One attempt of @how other than GM_B_INSERT: look @key up (store and
 * swap: insert @n unless the key is present), then read, delete or
 * replace by @n what was found. -EBUSY and -ENOMEM come from the insert.
 */
static int gm_b_rht_once(struct rhashtable *ht, enum gm_b_how how, u64 key,
			 struct gm_b_rht_obj *n, unsigned long *old)
{
	unsigned long exp = *old;
	struct gm_b_rht_obj *o;
	int ret;

	rcu_read_lock();
	for (;;) {
		if (how == GM_B_STORE || how == GM_B_SWAP)
			o = rhashtable_lookup_get_insert_fast(ht, &n->node, gm_b_rht_params);
		else
			o = rhashtable_lookup(ht, &key, gm_b_rht_params);
		if (IS_ERR(o)) {
			ret = PTR_ERR(o);
			break;
		}
		*old = o ? o->value : 0;
		/* Absent: @n went in for store and swap. */
		if (!o) {
			ret = how == GM_B_DEL || how == GM_B_CAS ? -ENOENT : 0;
			break;
		}
		if (how == GM_B_LOAD || (how == GM_B_CAS && o->value != exp)) {
			ret = how == GM_B_LOAD ? 0 : -EAGAIN;
			break;
		}
		if (how == GM_B_DEL)
			ret = rhashtable_remove_fast(ht, &o->node, gm_b_rht_params);
		else
			ret = rhashtable_replace_fast(ht, &o->node, &n->node, gm_b_rht_params);
		if (!ret) {
			kfree_rcu(o, rcu);
			break;
		}
		/* o was replaced or removed meanwhile: look again. */
	}
	rcu_read_unlock();
	return ret;
}

/* The new object, if @how makes one, is the thread's spare until it goes in. */
static int gm_b_rht_op(struct gm_b_ctx *c, enum gm_b_how how, u64 key,
		       unsigned long val, unsigned long *old)
{
	struct gm_b_rht_obj *n = NULL;
	unsigned int tries = 0;
	int ret;

	if (how != GM_B_LOAD && how != GM_B_DEL) {
		n = c->spare ?: kmalloc(sizeof(*n), GFP_KERNEL);
		if (!n)
			return -ENOMEM;
		c->spare = n;
		n->key = key;
		n->value = val;
	}
	for (;;) {
		if (how == GM_B_INSERT)
			ret = rhashtable_lookup_insert_fast(&c->s->ht, &n->node, gm_b_rht_params);
		else
			ret = gm_b_rht_once(&c->s->ht, how, key, n, old);
		if ((ret != -EBUSY && ret != -ENOMEM) ||
		    ++tries >= GM_B_RHT_RETRIES)
			break;
		cond_resched();
	}
	if (!ret && n)
		c->spare = NULL;
	return ret;
}

static const struct gm_b_ops gm_b_rhashtable_ops = {
	.init = gm_b_rht_init,
	.destroy = gm_b_rht_destroy,
	.op = gm_b_rht_op,
};

/* ---- rwlock-protected fixed hash table ---- */

static int gm_b_rw_init(struct gm_b_state *s, unsigned int hint, unsigned int keys)
{
	struct gm_b_rw_table *rw = &s->rw;

	rwlock_init(&rw->lock);
	rw->bits = ilog2(roundup_pow_of_two(keys));
	rw->buckets = kvcalloc(1UL << rw->bits, sizeof(*rw->buckets), GFP_KERNEL);
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

static int gm_b_rw_op(struct gm_b_ctx *c, enum gm_b_how how, u64 key,
		      unsigned long val, unsigned long *old)
{
	struct gm_b_rw_table *rw = &c->s->rw;
	struct hlist_head *head = &rw->buckets[hash_64(key, rw->bits)];
	bool puts = how == GM_B_STORE || how == GM_B_SWAP || how == GM_B_INSERT;
	unsigned long exp = *old;
	struct gm_b_rw_node *n;
	int ret = 0;

	if (how == GM_B_LOAD) {
		read_lock(&rw->lock);
		n = gm_b_rw_find(head, key);
		*old = n ? n->value : 0;
		read_unlock(&rw->lock);
		return 0;
	}
	if (puts && !c->spare) {
		c->spare = kmalloc(sizeof(*n), GFP_KERNEL);
		if (!c->spare)
			return -ENOMEM;
	}
	write_lock(&rw->lock);
	n = gm_b_rw_find(head, key);
	*old = n ? n->value : 0;
	if (!n && !puts) {
		ret = -ENOENT;
	} else if (!n) {
		n = c->spare;
		c->spare = NULL;
		n->key = key;
		n->value = val;
		hlist_add_head(&n->node, head);
	} else if (how == GM_B_DEL) {
		hlist_del(&n->node);
	} else if (how == GM_B_INSERT) {
		ret = -EEXIST;
	} else if (how == GM_B_CAS && n->value != exp) {
		ret = -EAGAIN;
	} else {
		n->value = val;
	}
	write_unlock(&rw->lock);
	if (how == GM_B_DEL && !ret) {
		if (c->spare)
			kfree(n);
		else
			c->spare = n;
	}
	return ret;
}

static const struct gm_b_ops gm_b_rwlock_ops = {
	.init = gm_b_rw_init,
	.destroy = gm_b_rw_destroy,
	.op = gm_b_rw_op,
};

/* ---- the cases ---- */

/*
 * Which keys a case starts with: none and no size hint (insert_growth),
 * the even keys of 0 .. GM_B_KEYS - 1, or all of them.
 */
enum gm_b_preload {
	GM_B_PRELOAD_NONE,
	GM_B_PRELOAD_HALF,
	GM_B_PRELOAD_ALL,
};

/* Thread @id's generator; xorshift64* must not start at 0. */
static void gm_b_ctx_init(struct gm_b_ctx *c, struct gm_b_state *s, unsigned int id)
{
	*c = (struct gm_b_ctx){ .s = s, .rnd = (u64)(id + 1) * 0x9e3779b97f4a7c15ULL };
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
	unsigned int keys = preload == GM_B_PRELOAD_NONE ? GM_B_GROWTH_KEYS : GM_B_KEYS;
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
	for (i = 0; i < GM_B_KEYS && preload != GM_B_PRELOAD_NONE;
	     i += preload == GM_B_PRELOAD_HALF ? 2 : 1) {
		ret = ops->op(&c, GM_B_INSERT, i, GM_B_COOKIE(i), &old);
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
	pr_err("map bench: %s of key %llu: unexpected result %d\n", what, key, ret);
	return ret ? ret : -EIO;
}

/*
 * The mixes of random keys: GM_B_MIX_READ_ONLY, _SWAP, _CAS, or a number
 * 0 .. 100: that percentage of loads, the rest half stores, half deletes.
 */
#define GM_B_MIX_READ_ONLY	101
#define GM_B_MIX_SWAP		102
#define GM_B_MIX_CAS		103

/*
 * One op of mix @mix on a random key drawn from @r (bits 8..23; the top
 * 32 bits give a percentage); 0 or why it failed.
 */
static __always_inline int gm_b_op(struct gm_b_ctx *c, const struct gm_b_ops *ops,
				   unsigned int mix, u64 r)
{
	u64 key = (r >> 8) & (GM_B_KEYS - 1);
	unsigned int pct = ((r >> 32) * 100) >> 32;
	unsigned long v = 0;
	int ret;

	switch (mix) {
	case GM_B_MIX_READ_ONLY:
		/* Every load must hit and return the preloaded value. */
		ops->op(c, GM_B_LOAD, key, 0, &v);
		return unlikely(v != GM_B_COOKIE(key)) ? gm_b_fail("load", key, 0) : 0;
	case GM_B_MIX_SWAP:
		ret = ops->op(c, GM_B_SWAP, key, gm_b_new_value(c), &v);
		return unlikely(ret || !v) ? gm_b_fail("swap", key, ret) : 0;
	case GM_B_MIX_CAS:
		ops->op(c, GM_B_LOAD, key, 0, &v);
		if (unlikely(!v))
			return gm_b_fail("load", key, 0);
		ret = ops->op(c, GM_B_CAS, key, gm_b_new_value(c), &v);
		return unlikely(ret && ret != -EAGAIN) ? gm_b_fail("cas", key, ret) : 0;
	}
	if (pct < mix) {
		ops->op(c, GM_B_LOAD, key, 0, &v);
		/* Absent (0), or a value some thread stored. */
		return unlikely(v && !(v & 1)) ? gm_b_fail("load", key, 0) : 0;
	}
	if (pct < mix + (100 - mix) / 2) {
		ret = ops->op(c, GM_B_STORE, key, gm_b_new_value(c), &v);
		return unlikely(ret) ? gm_b_fail("store", key, ret) : 0;
	}
	ret = ops->op(c, GM_B_DEL, key, 0, &v);
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
		for (; n < end && !ret; n++)
			ret = ops->op(&c, GM_B_INSERT, base + n, GM_B_COOKIE(base + n), &old);
		t->ops = n;
	} while (!ret && n < quota && gosync_run_continue(t));
	kfree(c.spare);
	return ret ? gm_b_fail("insert", base + n - 1, ret) : 0;
}

#define gm_b_read_only(t, ops)	gm_b_random(t, ops, GM_B_MIX_READ_ONLY)
#define gm_b_read_mostly(t, ops)	gm_b_random(t, ops, 90)
#define gm_b_write_heavy(t, ops)	gm_b_random(t, ops, 50)
#define gm_b_swap(t, ops)		gm_b_random(t, ops, GM_B_MIX_SWAP)
#define gm_b_cas(t, ops)		gm_b_random(t, ops, GM_B_MIX_CAS)

/* GM_B_CASE() - the bench case of one (mix, implementation); see bench.h. */
#define GM_B_CASE(mix, which, preload)					\
	GOSYNC_BENCH_MIX_CASE(gm_b, "map", mix, which, preload)

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
		 &gm_b_case_read_mostly_gosync_map, &gm_b_case_read_mostly_rhashtable,
		 &gm_b_case_read_mostly_rwlock, &gm_b_case_write_heavy_gosync_map,
		 &gm_b_case_write_heavy_rhashtable, &gm_b_case_write_heavy_rwlock,
		 &gm_b_case_swap_gosync_map, &gm_b_case_swap_rhashtable,
		 &gm_b_case_swap_rwlock, &gm_b_case_cas_gosync_map,
		 &gm_b_case_cas_rhashtable, &gm_b_case_cas_rwlock,
		 &gm_b_case_insert_growth_gosync_map,
		 &gm_b_case_insert_growth_rhashtable, &gm_b_case_insert_growth_rwlock);
