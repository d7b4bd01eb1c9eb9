// SPDX-License-Identifier: GPL-2.0
/*
 * Native benchmark of gosync_map: the unmodified kmod/map.c, built in
 * userspace against the shim (tools/native/include) and used through
 * <gosync/map.h>, against liburcu's RCU lock-free hash table (cds_lfht,
 * urcu-memb flavor, the flavor the shim's RCU uses) and against a chained
 * hash table behind one pthread_rwlock_t. Primitive "map", env "native".
 *
 * Timed mode (what `make -C tools/native bench` runs):
 *
 *	map_bench [--csv FILE] [--ms MS] [--threads "1 2"] [--reps R]
 *		  [--case C[,C...]] [--impl I[,I...]]
 *
 * runs every case x thread count x implementation and appends one row per
 * run to FILE in the in-VM format (env,primitive,case,impl,threads,
 * ops_per_sec,ns_per_op; see tools/bench/run.sh). The defaults come from
 * NATIVE_BENCH_MS (300), NATIVE_BENCH_THREADS ("1 2") and NATIVE_BENCH_REPS
 * (3). Each configuration runs R times (the implementations interleaved)
 * and its row is the run with the median rate: this machine's 2 cores and
 * memory are shared, and a single 300 ms run can be off by 2x. Like the
 * kernel driver (kmod/bench.c): N threads, thread i pinned to the i-th CPU
 * of the process's affinity mask, released together from a barrier; each
 * runs the case's body until the controller raises the stop flag (checked
 * every NB_BATCH ops) and measures its own elapsed time; ops_per_sec is the
 * sum of each thread's own rate, ns_per_op = threads * 1e9 / ops_per_sec.
 * Each run gets a fresh, preloaded table; deferred frees of a run are
 * flushed (rcu_barrier()) before the next run starts.
 *
 * Count mode (for tools/native/bench/callgrind.sh):
 *
 *	map_bench --ops N --case C --impl I
 *
 * sets the case up as above, then runs exactly N ops on the main thread
 * inside nb_measure() (callgrind counts only that function, inclusive),
 * with the call_rcu worker threads paused so that no deferred free runs
 * meanwhile: the main thread's allocator state, and so its instruction
 * count, depends on nothing but N. No clock is read, the thread is pinned
 * to one CPU (cds_lfht's item counters are per CPU) and the map's hash
 * seeds are fixed (get_random_u32() is wrapped at link time, bench.mk), as
 * the cds_lfht and rwlock seeds always are.
 *
 *	map_bench --list	prints "case impl" lines
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
#include <shim/native.h>

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NB_BATCH	64
#define NB_MAX_THREADS	64
#define NB_MAX_REPS	99
#define NB_CSV_HEADER	"env,primitive,case,impl,threads,ops_per_sec,ns_per_op"

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
	pthread_barrier_t start;
	int stop;			/* __atomic */
	union {				/* in cache lines of its own */
		struct gosync_map gm;
		struct cds_lfht *lf;
		struct rw_table rw;
	} __aligned(64);
};

struct nb_thread {
	struct nb_state *s;
	unsigned int id;
	int cpu;
	uint64_t rnd;
	unsigned long seq;
	void *spare;			/* rwlock: a node for the next insert */
	uint64_t ops;
	uint64_t elapsed_ns;
	unsigned long sum;		/* keeps loaded values live */
	int err;
	pthread_t tid;
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
	return ((++t->seq * NB_MAX_THREADS + t->id) << 1) | 1;
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

static void nb_thread_init(struct nb_thread *t, struct nb_state *s,
			   unsigned int id)
{
	memset(t, 0, sizeof(*t));
	t->s = s;
	t->id = id;
	t->cpu = -1;
	t->rnd = 0x9E3779B97F4A7C15ULL * (id + 1);
}

static uint64_t nb_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Pin the calling thread to @cpu; 0 or a negative errno. */
static int nb_pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return -pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void *nb_thread_fn(void *arg)
{
	struct nb_thread *t = arg;
	struct nb_state *s = t->s;
	uint64_t start;

	t->err = nb_pin(t->cpu);
	pthread_barrier_wait(&s->start);
	if (t->err)
		return NULL;
	start = nb_now_ns();
	do {
		t->err = s->body(t, NB_BATCH);
		t->ops += NB_BATCH;
	} while (!t->err && !__atomic_load_n(&s->stop, __ATOMIC_RELAXED));
	t->elapsed_ns = nb_now_ns() - start;
	if (s->im->thread_exit)
		s->im->thread_exit(t);
	return NULL;
}

static int nb_cpus[NB_MAX_THREADS];
static unsigned int nb_nr_cpus;

static void nb_find_cpus(void)
{
	cpu_set_t set;
	int cpu;

	nb_nr_cpus = 0;
	if (sched_getaffinity(0, sizeof(set), &set))
		return;
	for (cpu = 0; cpu < CPU_SETSIZE && nb_nr_cpus < NB_MAX_THREADS; cpu++)
		if (CPU_ISSET(cpu, &set))
			nb_cpus[nb_nr_cpus++] = cpu;
}

struct nb_result {
	uint64_t ops_per_sec, ns_per_op, ops;
};

/* One timed run of @c on @im with @threads threads for @ms ms. */
static int nb_run(const struct nb_case *c, const struct nb_impl *im,
		  unsigned int threads, unsigned int ms, struct nb_result *res)
{
	static struct nb_thread th[NB_MAX_THREADS];
	struct timespec d = { ms / 1000, (long)(ms % 1000) * 1000000 };
	double rate = 0;
	struct nb_state *s;
	unsigned int i, started = 0;
	int ret = 0;

	s = nb_setup(c, im, threads);
	if (!s)
		return -ENOMEM;
	pthread_barrier_init(&s->start, NULL, threads + 1);
	for (i = 0; i < threads; i++) {
		nb_thread_init(&th[i], s, i);
		th[i].cpu = nb_cpus[i];
		ret = native_thread_create(&th[i].tid, nb_thread_fn, &th[i]);
		if (ret) {
			fprintf(stderr, "map_bench: thread: %s\n", strerror(-ret));
			exit(1);	/* the barrier would never open */
		}
		started++;
	}
	pthread_barrier_wait(&s->start);
	while (nanosleep(&d, &d) && errno == EINTR)
		;
	__atomic_store_n(&s->stop, 1, __ATOMIC_RELAXED);
	res->ops = 0;
	for (i = 0; i < started; i++) {
		pthread_join(th[i].tid, NULL);
		if (th[i].err && !ret)
			ret = th[i].err;
		res->ops += th[i].ops;
		if (th[i].elapsed_ns)
			rate += (double)th[i].ops * 1e9 / th[i].elapsed_ns;
	}
	pthread_barrier_destroy(&s->start);
	nb_teardown(s);
	res->ops_per_sec = (uint64_t)rate;
	res->ns_per_op = rate ? (uint64_t)(threads * 1e9 / rate) : 0;
	return ret;
}

/* ---- count mode ---- */

/*
 * The map seeds each table's hash with get_random_u32(). The bench is
 * linked with --wrap=get_random_u32 (bench.mk): in count mode the seeds
 * come from a fixed generator, so that chain lengths, and so instruction
 * counts, are the same in every run; otherwise this is the shim's.
 */
static bool nb_fixed_random;
static uint64_t nb_random_state = 0x243F6A8885A308D3ULL;

u32 __wrap_get_random_u32(void)
{
	u32 v;

	if (nb_fixed_random)
		return (u32)(nb_rand(&nb_random_state) >> 32);
	get_random_bytes(&v, sizeof(v));	/* what the shim's does */
	return v;
}

/* What callgrind.sh counts (--toggle-collect=nb_measure). */
static noinline int nb_measure(struct nb_thread *t, uint64_t n)
{
	int ret = t->s->body(t, n);

	__asm__ volatile("" ::: "memory");
	return ret;
}

static int nb_count(const struct nb_case *c, const struct nb_impl *im,
		    uint64_t n)
{
	struct nb_thread t;
	struct nb_state *s;
	int ret;

	/*
	 * On one CPU: cds_lfht picks its per-CPU item counter with
	 * sched_getcpu(), and when that counter crosses a multiple of 1024 it
	 * does extra work.
	 */
	nb_find_cpus();
	if (nb_nr_cpus)
		nb_pin(nb_cpus[0]);
	s = nb_setup(c, im, 1);
	if (!s)
		return -ENOMEM;
	nb_thread_init(&t, s, 0);
	/*
	 * Park the call_rcu threads (liburcu's fork hooks): deferred frees
	 * would otherwise refill the allocator's free lists at times that
	 * depend on scheduling, and the measured thread's malloc() path
	 * with them. The default call_rcu thread must exist first: the
	 * first call_rcu() would create it under the mutex held meanwhile.
	 */
	urcu_memb_get_default_call_rcu_data();
	urcu_memb_call_rcu_before_fork();
	ret = nb_measure(&t, n);
	urcu_memb_call_rcu_after_fork_parent();
	if (im->thread_exit)
		im->thread_exit(&t);
	nb_teardown(s);
	if (!ret)
		printf("%s %s ops=%llu sum=%lu\n", c->name, im->name,
		       (unsigned long long)n, t.sum);
	return ret;
}

/* ---- main ---- */

static bool nb_selected(const char *list, const char *name)
{
	size_t len = strlen(name);
	const char *p = list;

	if (!list || !*list)
		return true;
	while ((p = strstr(p, name))) {
		if ((p == list || p[-1] == ',') && (p[len] == ',' || !p[len]))
			return true;
		p += len;
	}
	return false;
}

static unsigned int nb_env_uint(const char *name, unsigned int def)
{
	const char *v = getenv(name);

	return v && *v ? (unsigned int)strtoul(v, NULL, 10) : def;
}

static int nb_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void nb_usage(void)
{
	fprintf(stderr,
		"usage: map_bench [--csv FILE] [--ms MS] [--threads \"1 2\"]\n"
		"                 [--reps R] [--case C[,C..]] [--impl I[,I..]]\n"
		"       map_bench --ops N --case C --impl I\n"
		"       map_bench --list\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *csv = NULL, *cases = NULL, *impls = NULL;
	const char *threads_list = getenv("NATIVE_BENCH_THREADS");
	unsigned int ms = nb_env_uint("NATIVE_BENCH_MS", 300);
	unsigned int reps = nb_env_uint("NATIVE_BENCH_REPS", 3);
	unsigned long long count_ops = 0;
	unsigned int threads[NB_MAX_THREADS], nthreads = 0;
	bool list = false;
	FILE *out = NULL;
	int i, ret = 0;

	if (!threads_list || !*threads_list)
		threads_list = "1 2";
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--list")) {
			list = true;
			continue;
		}
		if (!v)
			nb_usage();
		i++;
		if (!strcmp(a, "--csv"))
			csv = v;
		else if (!strcmp(a, "--ms"))
			ms = strtoul(v, NULL, 10);
		else if (!strcmp(a, "--threads"))
			threads_list = v;
		else if (!strcmp(a, "--reps"))
			reps = strtoul(v, NULL, 10);
		else if (!strcmp(a, "--case"))
			cases = v;
		else if (!strcmp(a, "--impl"))
			impls = v;
		else if (!strcmp(a, "--ops"))
			count_ops = strtoull(v, NULL, 10);
		else
			nb_usage();
	}
	if (list) {
		for (size_t c = 0; c < NB_NR_CASES; c++)
			for (size_t m = 0; m < NB_NR_IMPLS; m++)
				printf("%s %s\n", nb_cases[c].name,
				       nb_impls[m]->name);
		return 0;
	}

	native_init();

	if (count_ops) {
		const struct nb_case *c = NULL;
		const struct nb_impl *im = NULL;

		for (size_t k = 0; k < NB_NR_CASES; k++)
			if (cases && !strcmp(cases, nb_cases[k].name))
				c = &nb_cases[k];
		for (size_t k = 0; k < NB_NR_IMPLS; k++)
			if (impls && !strcmp(impls, nb_impls[k]->name))
				im = nb_impls[k];
		if (!c || !im) {
			fprintf(stderr,
				"map_bench: --ops needs a known --case and --impl\n");
			return 2;
		}
		nb_fixed_random = true;
		ret = nb_count(c, im, count_ops);
		if (ret)
			fprintf(stderr, "map_bench: %s %s: %s\n", c->name,
				im->name, strerror(-ret));
		native_exit();
		return ret ? 1 : 0;
	}

	for (const char *p = threads_list; *p && nthreads < NB_MAX_THREADS;) {
		char *end;
		unsigned long n = strtoul(p, &end, 10);

		if (end == p) {
			p++;
			continue;
		}
		threads[nthreads++] = n;
		p = end;
	}
	nb_find_cpus();
	if (!ms || !nthreads || !reps || reps > NB_MAX_REPS)
		nb_usage();
	for (unsigned int k = 0; k < nthreads; k++) {
		if (!threads[k] || threads[k] > nb_nr_cpus) {
			fprintf(stderr, "map_bench: %u threads but %u usable CPUs\n",
				threads[k], nb_nr_cpus);
			return 2;
		}
	}
	if (csv) {
		out = fopen(csv, "a");
		if (!out) {
			perror(csv);
			return 1;
		}
		fseek(out, 0, SEEK_END);
		if (ftell(out) == 0)
			fprintf(out, NB_CSV_HEADER "\n");
	}
	fprintf(stderr, "map_bench: %u ms per run, %u rep(s), threads \"%s\", CPUs", ms,
		reps, threads_list);
	for (unsigned int k = 0; k < nb_nr_cpus; k++)
		fprintf(stderr, " %d", nb_cpus[k]);
	fprintf(stderr, "\n");

	for (size_t ci = 0; ci < NB_NR_CASES && !ret; ci++) {
		const struct nb_case *c = &nb_cases[ci];

		if (!nb_selected(cases, c->name))
			continue;
		for (unsigned int ti = 0; ti < nthreads && !ret; ti++) {
			struct nb_result res[NB_NR_IMPLS][NB_MAX_REPS];
			unsigned int line = 0;

			if (out)
				printf("%-10s %u thread%s: ", c->name, threads[ti],
				       threads[ti] > 1 ? "s" : " ");
			fflush(stdout);

			/*
			 * Implementations interleaved, rep by rep, each rep
			 * starting with the next one: slow drifts of the
			 * machine spread over all of them.
			 */
			for (unsigned int r = 0; r < reps && !ret; r++) {
				for (size_t k = 0; k < NB_NR_IMPLS && !ret; k++) {
					size_t m = (k + r) % NB_NR_IMPLS;

					if (!nb_selected(impls, nb_impls[m]->name))
						continue;
					ret = nb_run(c, nb_impls[m], threads[ti],
						     ms, &res[m][r]);
					if (ret)
						fprintf(stderr, "map_bench: %s %s %u threads: %s\n",
							c->name, nb_impls[m]->name,
							threads[ti], strerror(-ret));
				}
			}
			for (size_t m = 0; m < NB_NR_IMPLS && !ret; m++) {
				uint64_t rates[NB_MAX_REPS], med;
				const struct nb_result *pick = NULL;

				if (!nb_selected(impls, nb_impls[m]->name))
					continue;
				for (unsigned int r = 0; r < reps; r++)
					rates[r] = res[m][r].ops_per_sec;
				qsort(rates, reps, sizeof(rates[0]), nb_cmp_u64);
				med = rates[reps / 2];
				for (unsigned int r = 0; r < reps && !pick; r++)
					if (res[m][r].ops_per_sec == med)
						pick = &res[m][r];
				/* The CSV row; with --csv, a progress note. */
				fprintf(out ? out : stdout,
					"native,map,%s,%s,%u,%llu,%llu\n",
					c->name, nb_impls[m]->name, threads[ti],
					(unsigned long long)pick->ops_per_sec,
					(unsigned long long)pick->ns_per_op);
				if (out)
					printf("%s%s: %.2fM/s", line++ ? ", " :
					       "", nb_impls[m]->name,
					       pick->ops_per_sec / 1e6);
			}
			if (out && line) {
				printf("\n");
				fflush(out);
			}
			fflush(stdout);
		}
	}
	if (out)
		fclose(out);
	native_exit();
	return ret ? 1 : 0;
}
