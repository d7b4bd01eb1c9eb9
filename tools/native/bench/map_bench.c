// SPDX-License-Identifier: GPL-2.0
/*
 * Native benchmark of gosync_map: the unmodified kmod/map.c, built in
 * userspace against the shim (tools/native/include) and used through
 * <gosync/map.h>, against liburcu's RCU lock-free hash table (cds_lfht,
 * urcu-memb flavor, the flavor the shim's RCU uses) and against a chained
 * hash table behind one pthread_rwlock_t. Primitive "map", env "native".
 *
 * The driver (bench_main.c, shared with pool_bench.c; its modes and
 * options are in bench_main.h) runs every case x thread count x
 * implementation for `make -C tools/native bench`: R reps of each
 * configuration, the implementations interleaved, and the row is the run
 * with the median rate, since this machine's 2 cores and memory are
 * shared and a single 300 ms run can be off by 2x. Each run gets a fresh,
 * preloaded table; deferred frees of a run are flushed (rcu_barrier())
 * before the next run starts.
 *
 * In count mode (tools/native/bench/callgrind.sh: exactly N ops on the
 * main thread inside nb_measure()) the call_rcu worker threads are paused
 * so that no deferred free runs meanwhile: the main thread's allocator
 * state, and so its instruction count, depends on nothing but N. No clock
 * is read, the thread is pinned to one CPU (cds_lfht's item counters are
 * per CPU) and the map's hash seeds are fixed (get_random_u32() is
 * wrapped at link time, bench.mk), as the cds_lfht and rwlock seeds
 * always are. Its result line adds sum=, what the loads summed.
 *
 * Keys are u64, 0 .. nkeys - 1 (nkeys 1024 or 65536); every case starts
 * with every key present, key k holding COOKIE(k). Thread i draws keys and
 * operations from its own xorshift64* generator seeded by i, so the three
 * implementations see the same sequence. One op is one step of the mix:
 *
 *	load_*		load a random key; must hit with COOKIE(key) (checked)
 *	store_*		store a new value into a random (present) key
 *	churn_*		delete a random key, then store it back (two table
 *			operations per op; with 2 threads a delete may find the
 *			key already gone, -ENOENT, which is counted as done)
 *	read90_*	90% load of a random key (must hit), 10% store of a
 *			new value into it
 *
 * Implementations, per table operation:
 *
 *	gosync_map	gosync_map_load() (takes rcu_read_lock() itself),
 *			gosync_map_store() (an existing key's value is replaced
 *			in place), gosync_map_delete() (kfree_rcu() of the
 *			node); GOSYNC_MAP_KEY_U64, size_hint nkeys, no release
 *			callback: values are cookies, never dereferenced.
 *	cds_lfht	nodes {cds_lfht_node, u64 key, value, rcu_head},
 *			kmalloc'd; hash = jhash_2words() of the key's halves
 *			with a seed (the map's hash function); created with
 *			CDS_LFHT_AUTO_RESIZE | CDS_LFHT_ACCOUNTING and as many
 *			buckets as the map starts with (min_nr_alloc_buckets
 *			the same). load: rcu_read_lock(), cds_lfht_lookup(),
 *			read the value, rcu_read_unlock() (the same shim
 *			functions map.c uses). store: kmalloc a node, then
 *			cds_lfht_add_replace() under rcu_read_lock() and
 *			call_rcu() free of the replaced node (a node's value
 *			never changes once published). delete: lookup +
 *			cds_lfht_del() under rcu_read_lock(), call_rcu() free.
 *	rwlock		one pthread_rwlock_t (default attributes, in a
 *			cache line of its own) over a fixed array of singly
 *			linked chains, as many buckets as the map starts with,
 *			indexed by the same jhash_2words();
 *			nodes {next, u64 key, value}. load: rdlock. store:
 *			wrlock; an existing key's value is overwritten in
 *			place. delete: wrlock, unlink; the node is freed after
 *			unlocking, or kept as the thread's spare, which the
 *			next insert uses (readers hold the lock, so a node can
 *			be reused at once: no RCU, no deferred free). An
 *			insert allocates its node before taking the lock.
 *
 * The bodies are written once per mix and instantiated per implementation
 * with the implementation's ops table as a compile-time constant, so every
 * table operation is a direct call for all three alike; liburcu-cds is
 * linked statically (bench.mk), as the map's objects are. All three
 * allocate their nodes with the shim's kmalloc (in this build a slab
 * allocator with the kernel's kmalloc size classes and alignment), so
 * allocation costs the same whichever table calls it.
 */
/*
 * The shim first: its <linux/...> headers pull in the C library's, and
 * the C library's <errno.h> pulls in <linux/errno.h>, which is the shim's.
 * The shim's kernel API (RCU over urcu-memb) before liburcu's table.
 */
#include <linux/jhash.h>
#include <linux/rcupdate.h>
#include <urcu/rculfhash.h>

#include <gosync/map.h>

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_main.h"

/* The value a preloaded key holds: odd, so never NULL. */
#define COOKIE(key)	((unsigned long)(key) * 2 + 1)

enum nb_mix { NB_LOAD, NB_STORE, NB_CHURN, NB_READ90 };

struct nb_case {
	const char *name;
	enum nb_mix mix;
	unsigned int nkeys;
};

static const struct nb_case nb_cases[] = {
	{ "load_1k",	NB_LOAD,	1024 },
	{ "load_64k",	NB_LOAD,	65536 },
	{ "store_1k",	NB_STORE,	1024 },
	{ "store_64k",	NB_STORE,	65536 },
	{ "churn_1k",	NB_CHURN,	1024 },
	{ "churn_64k",	NB_CHURN,	65536 },
	{ "read90_1k",	NB_READ90,	1024 },
	{ "read90_64k",	NB_READ90,	65536 },
};

#define NB_NR_CASES	ARRAY_SIZE(nb_cases)

/* ---- shared state and per-thread context ---- */

struct rw_node {
	struct rw_node *next;
	uint64_t key;
	unsigned long value;
};

/* What readers only read in one cache line, the lock in the next. */
struct rw_table {
	struct rw_node **buckets;
	unsigned int mask;
	uint32_t seed;
	/* its own cache line: every reader writes it */
	struct {
		pthread_rwlock_t rwlock;
	} __aligned(64) lock;
};

struct lf_node {
	struct cds_lfht_node node;
	uint64_t key;
	unsigned long value;
	struct rcu_head rcu;
};

struct nb_impl;
struct nb_thread;

struct nb_state {
	const struct nb_case *c;
	const struct nb_impl *im;
	unsigned int nkeys, nbuckets, threads;
	uint32_t seed;			/* cds_lfht and rwlock hash seed */
	int (*body)(struct nb_thread *t, uint64_t n);
	struct bench_sync sync;
	union {				/* in cache lines of its own */
		struct gosync_map gm;
		struct cds_lfht *lf;
		struct rw_table rw;
	} __aligned(64);
};

struct nb_thread {
	struct nb_state *s;
	uint64_t rnd;
	unsigned long seq;
	void *spare;			/* rwlock: a node for the next insert */
	unsigned long sum;		/* keeps loaded values live */
	struct bench_thread bt;
} __aligned(64);

/**
 * struct nb_impl - one implementation
 * @init: an empty table for s->nkeys keys (s->nbuckets buckets)
 * @destroy: frees the table and every entry (no thread running)
 * @load: the value of @key, or 0
 * @store: sets @key to @val, inserting it if absent; 0 or -errno
 * @del: removes @key; 0, -ENOENT or -errno
 * @thread_exit: frees what the thread kept (optional)
 */
struct nb_impl {
	const char *name;
	int (*init)(struct nb_state *s);
	void (*destroy)(struct nb_state *s);
	unsigned long (*load)(struct nb_thread *t, uint64_t key);
	int (*store)(struct nb_thread *t, uint64_t key, unsigned long val);
	int (*del)(struct nb_thread *t, uint64_t key);
	void (*thread_exit)(struct nb_thread *t);
};

static inline uint32_t nb_hash(uint64_t key, uint32_t seed)
{
	return jhash_2words((uint32_t)key, (uint32_t)(key >> 32), seed);
}

/* ---- gosync_map ---- */

static int gm_init(struct nb_state *s)
{
	const struct gosync_map_opts opts = {
		.key_kind = GOSYNC_MAP_KEY_U64,
		.size_hint = s->nkeys,
	};

	return gosync_map_init(&s->gm, &opts);
}

static void gm_destroy(struct nb_state *s)
{
	gosync_map_destroy(&s->gm);
}

static unsigned long gm_load(struct nb_thread *t, uint64_t key)
{
	return (unsigned long)gosync_map_load(&t->s->gm, &key);
}

static int gm_store(struct nb_thread *t, uint64_t key, unsigned long val)
{
	return gosync_map_store(&t->s->gm, &key, (void *)val);
}

static int gm_del(struct nb_thread *t, uint64_t key)
{
	return gosync_map_delete(&t->s->gm, &key);
}

static const struct nb_impl nb_gosync_map = {
	.name = "gosync_map",
	.init = gm_init,
	.destroy = gm_destroy,
	.load = gm_load,
	.store = gm_store,
	.del = gm_del,
};

/* ---- cds_lfht ---- */

static int lf_match(struct cds_lfht_node *node, const void *key)
{
	return container_of(node, struct lf_node, node)->key ==
	       *(const uint64_t *)key;
}

static void lf_free_rcu(struct rcu_head *head)
{
	kfree(container_of(head, struct lf_node, rcu));
}

static int lf_init(struct nb_state *s)
{
	s->lf = cds_lfht_new_flavor(s->nbuckets, s->nbuckets, 0,
				    CDS_LFHT_AUTO_RESIZE | CDS_LFHT_ACCOUNTING,
				    &urcu_memb_flavor, NULL);
	return s->lf ? 0 : -ENOMEM;
}

static void lf_destroy(struct nb_state *s)
{
	struct cds_lfht_iter iter;
	struct lf_node *n;

	rcu_read_lock();
	cds_lfht_for_each_entry(s->lf, &iter, n, node) {
		if (!cds_lfht_del(s->lf, &n->node))
			call_rcu(&n->rcu, lf_free_rcu);
	}
	rcu_read_unlock();
	rcu_barrier();
	if (cds_lfht_destroy(s->lf, NULL))
		fprintf(stderr, "map_bench: cds_lfht_destroy failed\n");
}

static unsigned long lf_load(struct nb_thread *t, uint64_t key)
{
	struct cds_lfht_iter iter;
	struct cds_lfht_node *node;
	unsigned long v = 0;

	rcu_read_lock();
	cds_lfht_lookup(t->s->lf, nb_hash(key, t->s->seed), lf_match, &key,
			&iter);
	node = cds_lfht_iter_get_node(&iter);
	if (node)	/* a node's value never changes once published */
		v = container_of(node, struct lf_node, node)->value;
	rcu_read_unlock();
	return v;
}

static int lf_store(struct nb_thread *t, uint64_t key, unsigned long val)
{
	struct lf_node *n = kmalloc(sizeof(*n), GFP_KERNEL), *old;
	struct cds_lfht_node *o;

	if (!n)
		return -ENOMEM;
	n->key = key;
	n->value = val;
	cds_lfht_node_init(&n->node);
	rcu_read_lock();
	o = cds_lfht_add_replace(t->s->lf, nb_hash(key, t->s->seed), lf_match,
				 &key, &n->node);
	rcu_read_unlock();
	if (o) {
		old = container_of(o, struct lf_node, node);
		call_rcu(&old->rcu, lf_free_rcu);
	}
	return 0;
}

static int lf_del(struct nb_thread *t, uint64_t key)
{
	struct cds_lfht_iter iter;
	struct cds_lfht_node *node;
	int ret = -ENOENT;

	rcu_read_lock();
	cds_lfht_lookup(t->s->lf, nb_hash(key, t->s->seed), lf_match, &key,
			&iter);
	node = cds_lfht_iter_get_node(&iter);
	if (node)
		ret = cds_lfht_del(t->s->lf, node);	/* 0 or -ENOENT */
	rcu_read_unlock();
	if (!ret)
		call_rcu(&container_of(node, struct lf_node, node)->rcu,
			 lf_free_rcu);
	return ret;
}

static const struct nb_impl nb_cds_lfht = {
	.name = "cds_lfht",
	.init = lf_init,
	.destroy = lf_destroy,
	.load = lf_load,
	.store = lf_store,
	.del = lf_del,
};

/* ---- rwlock ---- */

static int rw_init(struct nb_state *s)
{
	struct rw_table *rw = &s->rw;

	rw->buckets = calloc(s->nbuckets, sizeof(*rw->buckets));
	if (!rw->buckets)
		return -ENOMEM;
	rw->mask = s->nbuckets - 1;
	rw->seed = s->seed;
	return -pthread_rwlock_init(&rw->lock.rwlock, NULL);
}

static void rw_destroy(struct nb_state *s)
{
	struct rw_node *n, *next;
	unsigned int i;

	for (i = 0; i < s->nbuckets; i++) {
		for (n = s->rw.buckets[i]; n; n = next) {
			next = n->next;
			kfree(n);
		}
	}
	free(s->rw.buckets);
	pthread_rwlock_destroy(&s->rw.lock.rwlock);
}

static inline struct rw_node **rw_bucket(struct rw_table *rw, uint64_t key)
{
	return &rw->buckets[nb_hash(key, rw->seed) & rw->mask];
}

static unsigned long rw_load(struct nb_thread *t, uint64_t key)
{
	struct rw_table *rw = &t->s->rw;
	unsigned long v = 0;
	struct rw_node *n;

	pthread_rwlock_rdlock(&rw->lock.rwlock);
	for (n = *rw_bucket(rw, key); n; n = n->next) {
		if (n->key == key) {
			v = n->value;
			break;
		}
	}
	pthread_rwlock_unlock(&rw->lock.rwlock);
	return v;
}

static int rw_store(struct nb_thread *t, uint64_t key, unsigned long val)
{
	struct rw_table *rw = &t->s->rw;
	struct rw_node **b, *n;

	if (!t->spare) {
		struct rw_node *spare = kmalloc(sizeof(*spare), GFP_KERNEL);

		if (!spare)
			return -ENOMEM;
		t->spare = spare;
	}
	pthread_rwlock_wrlock(&rw->lock.rwlock);
	b = rw_bucket(rw, key);
	for (n = *b; n; n = n->next) {
		if (n->key == key) {
			n->value = val;
			break;
		}
	}
	if (!n) {
		n = t->spare;
		t->spare = NULL;
		n->key = key;
		n->value = val;
		n->next = *b;
		*b = n;
	}
	pthread_rwlock_unlock(&rw->lock.rwlock);
	return 0;
}

static int rw_del(struct nb_thread *t, uint64_t key)
{
	struct rw_table *rw = &t->s->rw;
	struct rw_node **pp, *n;

	pthread_rwlock_wrlock(&rw->lock.rwlock);
	for (pp = rw_bucket(rw, key); (n = *pp); pp = &n->next) {
		if (n->key == key) {
			*pp = n->next;
			break;
		}
	}
	pthread_rwlock_unlock(&rw->lock.rwlock);
	if (!n)
		return -ENOENT;
	if (!t->spare)
		t->spare = n;
	else
		kfree(n);
	return 0;
}

static void rw_thread_exit(struct nb_thread *t)
{
	kfree(t->spare);
	t->spare = NULL;
}

static const struct nb_impl nb_rwlock = {
	.name = "rwlock",
	.init = rw_init,
	.destroy = rw_destroy,
	.load = rw_load,
	.store = rw_store,
	.del = rw_del,
	.thread_exit = rw_thread_exit,
};

static const struct nb_impl *const nb_impls[] = {
	&nb_gosync_map, &nb_cds_lfht, &nb_rwlock,
};

#define NB_NR_IMPLS	ARRAY_SIZE(nb_impls)

/* ---- the bodies ---- */

/* xorshift64*: the kernel bench's per-thread generator. */
static inline uint64_t nb_rand(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

/* A new value: odd, unique per thread and op. */
static inline unsigned long nb_value(struct nb_thread *t)
{
	return ((++t->seq * BENCH_MAX_THREADS + t->bt.id) << 1) | 1;
}

/* @n ops of @mix against @im; 0 or a negative errno. */
static __always_inline int nb_body(struct nb_thread *t, uint64_t n,
				   enum nb_mix mix,
				   const struct nb_impl *im)
{
	uint64_t mask = t->s->nkeys - 1, i, r, key;
	unsigned long v;
	int ret;

	for (i = 0; i < n; i++) {
		r = nb_rand(&t->rnd);
		key = (r >> 32) & mask;
		switch (mix) {
		case NB_LOAD:
			v = im->load(t, key);
			if (v != COOKIE(key))
				return -EIO;
			break;
		case NB_STORE:
			ret = im->store(t, key, nb_value(t));
			if (ret)
				return ret;
			break;
		case NB_CHURN:
			ret = im->del(t, key);
			/* Another thread may have deleted it meanwhile. */
			if (ret && (ret != -ENOENT || t->s->threads == 1))
				return ret;
			ret = im->store(t, key, nb_value(t));
			if (ret)
				return ret;
			break;
		case NB_READ90:
			if (((r >> 16) & 0xffff) >= 6554) {	/* 90% */
				v = im->load(t, key);
				if (!v)
					return -EIO;
				t->sum += v;
			} else {
				ret = im->store(t, key, nb_value(t));
				if (ret)
					return ret;
			}
			break;
		}
	}
	return 0;
}

#define NB_BODIES(impl)							\
static int nb_load_##impl(struct nb_thread *t, uint64_t n)		\
{ return nb_body(t, n, NB_LOAD, &nb_##impl); }				\
static int nb_store_##impl(struct nb_thread *t, uint64_t n)		\
{ return nb_body(t, n, NB_STORE, &nb_##impl); }			\
static int nb_churn_##impl(struct nb_thread *t, uint64_t n)		\
{ return nb_body(t, n, NB_CHURN, &nb_##impl); }			\
static int nb_read90_##impl(struct nb_thread *t, uint64_t n)		\
{ return nb_body(t, n, NB_READ90, &nb_##impl); }			\
static int (*const nb_bodies_##impl[])(struct nb_thread *, uint64_t) = { \
	[NB_LOAD] = nb_load_##impl, [NB_STORE] = nb_store_##impl,	\
	[NB_CHURN] = nb_churn_##impl, [NB_READ90] = nb_read90_##impl,	\
}

NB_BODIES(gosync_map);
NB_BODIES(cds_lfht);
NB_BODIES(rwlock);

static int (*nb_body_of(const struct nb_impl *im, enum nb_mix mix))
	(struct nb_thread *, uint64_t)
{
	if (im == &nb_gosync_map)
		return nb_bodies_gosync_map[mix];
	if (im == &nb_cds_lfht)
		return nb_bodies_cds_lfht[mix];
	return nb_bodies_rwlock[mix];
}

/* ---- setup, runs ---- */

static unsigned int nb_buckets(unsigned int nkeys)
{
	/* What gosync_map_init() picks for size_hint = nkeys. */
	unsigned long want = (unsigned long)nkeys * 4 / 3, b = 16;

	while (b < want)
		b <<= 1;
	return b;
}

static struct nb_state *nb_setup(const struct nb_case *c,
				 const struct nb_impl *im, unsigned int threads)
{
	struct nb_state *s = aligned_alloc(64, (sizeof(*s) + 63) & ~63UL);
	struct nb_thread t = { 0 };
	uint64_t k;
	int ret;

	if (!s)
		return NULL;
	memset(s, 0, sizeof(*s));
	s->c = c;
	s->im = im;
	s->nkeys = c->nkeys;
	s->nbuckets = nb_buckets(c->nkeys);
	s->threads = threads;
	s->seed = 0x5eed1234;
	s->body = nb_body_of(im, c->mix);
	ret = im->init(s);
	if (ret) {
		fprintf(stderr, "map_bench: %s init: %s\n", im->name,
			strerror(-ret));
		free(s);
		return NULL;
	}
	t.s = s;
	for (k = 0; k < c->nkeys && !ret; k++)
		ret = im->store(&t, k, COOKIE(k));
	if (im->thread_exit)
		im->thread_exit(&t);
	if (ret) {
		fprintf(stderr, "map_bench: %s preload: %s\n", im->name,
			strerror(-ret));
		im->destroy(s);
		free(s);
		return NULL;
	}
	return s;
}

static void nb_teardown(struct nb_state *s)
{
	rcu_barrier();		/* the run's deferred frees, before destroy */
	s->im->destroy(s);
	free(s);
}

/*
 * The map seeds each table's hash with get_random_u32(). The bench is
 * linked with --wrap=get_random_u32 (bench.mk): in count mode the seeds
 * come from a fixed generator, so that chain lengths, and so instruction
 * counts, are the same in every run; otherwise this is the shim's.
 */
static uint64_t nb_random_state = 0x243F6A8885A308D3ULL;

u32 __wrap_get_random_u32(void)
{
	u32 v;

	if (bench_counting)
		return (u32)(nb_rand(&nb_random_state) >> 32);
	get_random_bytes(&v, sizeof(v));	/* what the shim's does */
	return v;
}

/* ---- what the driver calls ---- */

static struct nb_thread nb_threads[BENCH_MAX_THREADS];

static struct bench_thread *nb_bench_thread(struct bench_sync *sync,
					    unsigned int id)
{
	struct nb_thread *t = &nb_threads[id];

	memset(t, 0, sizeof(*t));
	t->s = container_of(sync, struct nb_state, sync);
	t->rnd = 0x9E3779B97F4A7C15ULL * (id + 1);
	return &t->bt;
}

static int nb_run(struct bench_thread *bt, uint64_t n)
{
	struct nb_thread *t = container_of(bt, struct nb_thread, bt);
	int ret = t->s->body(t, n);

	bt->ops += n;
	return ret;
}

static void nb_thread_exit(struct bench_thread *bt)
{
	struct nb_thread *t = container_of(bt, struct nb_thread, bt);

	if (t->s->im->thread_exit)
		t->s->im->thread_exit(t);
}

/*
 * Count mode: park the call_rcu threads (liburcu's fork hooks) while the
 * ops run: deferred frees would otherwise refill the allocator's free
 * lists at times that depend on scheduling, and the measured thread's
 * malloc() path with them. The default call_rcu thread must exist first:
 * the first call_rcu() would create it under the mutex held meanwhile.
 * (On one CPU, as the driver runs it: cds_lfht picks its per-CPU item
 * counter with sched_getcpu(), and when that counter crosses a multiple
 * of 1024 it does extra work.)
 */
static void nb_count_hold(bool hold)
{
	if (hold) {
		urcu_memb_get_default_call_rcu_data();
		urcu_memb_call_rcu_before_fork();
	} else {
		urcu_memb_call_rcu_after_fork_parent();
	}
}

static void nb_count_note(struct bench_thread *bt)
{
	printf(" sum=%lu", container_of(bt, struct nb_thread, bt)->sum);
}

static struct bench_sync *nb_bench_setup(unsigned int c, unsigned int m,
					 unsigned int threads)
{
	struct nb_state *s = nb_setup(&nb_cases[c], nb_impls[m], threads);

	return s ? &s->sync : NULL;
}

static void nb_bench_teardown(struct bench_sync *sync)
{
	nb_teardown(container_of(sync, struct nb_state, sync));
}

static const char *nb_case_name(unsigned int c)
{
	return nb_cases[c].name;
}

static const char *nb_impl_name(unsigned int m)
{
	return nb_impls[m]->name;
}

static const struct bench nb_bench = {
	.name = "map",
	.nr_cases = NB_NR_CASES,
	.nr_impls = NB_NR_IMPLS,
	.case_name = nb_case_name,
	.impl_name = nb_impl_name,
	.setup = nb_bench_setup,
	.teardown = nb_bench_teardown,
	.thread = nb_bench_thread,
	.run = nb_run,
	.thread_exit = nb_thread_exit,
	.count_hold = nb_count_hold,
	.count_note = nb_count_note,
};

int main(int argc, char **argv)
{
	return bench_main(&nb_bench, argc, argv);
}
