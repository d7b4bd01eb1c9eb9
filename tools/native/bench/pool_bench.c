// SPDX-License-Identifier: GPL-2.0
/*
 * Native benchmark of gosync_pool: the unmodified kmod/pool.c, built in
 * userspace against the shim (tools/native/include) and used through
 * <gosync/pool.h>, against glibc's malloc()/free() of the same size and
 * against a free list behind one pthread_mutex_t (the old way).
 * Primitive "pool", env "native"; the cases are those of the in-kernel
 * benchmark (kmod/test/bench/pool_bench.c).
 *
 * The driver (bench_main.c, shared with map_bench.c; its modes and
 * options are in bench_main.h) runs every case x thread count x
 * implementation for `make -C tools/native bench`, each run with a fresh
 * pool or free list, and counts instructions per op for
 * tools/native/bench/callgrind.sh (count mode: one thread, exactly N ops
 * inside nb_measure(); xcpu runs its one-thread form there).
 *
 * Every implementation hands out PB_SIZE-byte objects (struct pb_obj); a
 * thread stamps a sequence number into every object it gets, as a user
 * initializes an object, so each implementation pays for bringing the
 * object's first cache line to its CPU. Cases:
 *
 *	pair	get one object and put it back. One op is one get+put pair,
 *		so ns_per_op at one thread is the time of one pair (the
 *		issue's native target: under 5 ns).
 *	batch16	get PB_BURST (16) objects, then put them back in the order
 *		they came. One op is one get+put pair.
 *	xcpu	cross-CPU producer/consumer: threads 2k and 2k + 1 share a
 *		single-producer, single-consumer ring of PB_RING slots; the
 *		producer gets objects, stamps them and pushes them, the
 *		consumer pops them, checks the stamp (FIFO order) and puts
 *		them: every object is got on one CPU and put on the other.
 *		One op is one get or one put (each side counts its own), so
 *		ops_per_sec is twice the objects moved per second; waiting
 *		on a full or empty ring counts nothing (it spins, yielding
 *		the CPU every PB_SPINS rounds). An odd thread out
 *		(the only thread of a one-thread run) gets PB_RING objects
 *		into a ring of its own, then puts them back in FIFO order.
 *
 * Implementations:
 *
 *	gosync_pool	gosync_pool_get(GFP_KERNEL), gosync_pool_put(); no
 *			constructor, default per-CPU cache, not IRQ-safe: the
 *			configuration of the in-kernel case. Its objects come
 *			from the shim's kmem_cache (in this build the slab
 *			allocator with the kernel's size classes).
 *	malloc		glibc malloc(PB_SIZE), free() (per-thread tcache,
 *			then arenas under locks).
 *	mutex		a singly linked list of free objects, linked through
 *			the objects, under one pthread_mutex_t (default
 *			attributes) in a cache line of its own; preloaded with
 *			PB_PRELOAD malloc'd objects; a get that finds it empty
 *			mallocs; a put always links the object back.
 *
 * The bodies are written once per mix and instantiated per implementation
 * with the implementation's ops table as a compile-time constant, so every
 * get and put is a direct call for all three alike.
 */
/*
 * The shim first: its <linux/...> headers pull in the C library's, and
 * the C library's <errno.h> pulls in <linux/errno.h>, which is the shim's.
 */
#include <linux/slab.h>

#include <gosync/pool.h>

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_main.h"

#define PB_SIZE		256
#define PB_BURST	16		/* batch16 */
#define PB_RING		128		/* xcpu ring slots, a power of two */
#define PB_PRELOAD	4096		/* mutex free list */
#define PB_SPINS	4096		/* xcpu: spins on a ring between yields */

enum pb_mix { PB_PAIR, PB_BATCH16, PB_XCPU };

struct pb_case {
	const char *name;
	enum pb_mix mix;
};

static const struct pb_case pb_cases[] = {
	{ "pair",	PB_PAIR },
	{ "batch16",	PB_BATCH16 },
	{ "xcpu",	PB_XCPU },
};

#define PB_NR_CASES	ARRAY_SIZE(pb_cases)

/* What every implementation hands out; the free list links through @next. */
struct pb_obj {
	struct pb_obj *next;
	void *unused;
	uint64_t seq;
	uint8_t pad[PB_SIZE - 2 * sizeof(void *) - sizeof(uint64_t)];
};

/*
 * A single-producer, single-consumer ring; head (written by the consumer
 * only), tail (by the producer only) and the slots in lines of their own.
 */
struct pb_ring {
	unsigned int head ____cacheline_aligned_in_smp;
	unsigned int tail ____cacheline_aligned_in_smp;
	struct pb_obj *slot[PB_RING] ____cacheline_aligned_in_smp;
};

struct pb_impl;
struct pb_thread;

struct pb_state {
	const struct pb_case *c;
	const struct pb_impl *im;
	unsigned int threads;
	int (*body)(struct pb_thread *t, uint64_t n);
	struct bench_sync sync;
	struct pb_ring *rings;		/* xcpu: one per thread pair */
	unsigned int nr_rings;
	struct gosync_pool *pool;
	struct {			/* in cache lines of its own */
		pthread_mutex_t lock;
		struct pb_obj *head;	/* under lock */
	} fl __aligned(64);
};

struct pb_thread {
	struct bench_thread bt;
	struct pb_state *s;
	uint64_t seq;
} __aligned(64);

/**
 * struct pb_impl - one implementation
 * @name: its name in the CSV
 * @init: sets it up in @s; 0 or a negative errno
 * @destroy: frees it and every object it holds (all objects are back)
 * @get: an object, or NULL
 * @put: takes @obj back
 */
struct pb_impl {
	const char *name;
	int (*init)(struct pb_state *s);
	void (*destroy)(struct pb_state *s);
	struct pb_obj *(*get)(struct pb_state *s);
	void (*put)(struct pb_state *s, struct pb_obj *obj);
};

/* ---- gosync_pool ---- */

static int gp_init(struct pb_state *s)
{
	const struct gosync_pool_opts opts = {
		.name = "pool_bench",
		.size = sizeof(struct pb_obj),
	};

	s->pool = gosync_pool_create(&opts);
	if (IS_ERR(s->pool)) {
		int ret = PTR_ERR(s->pool);

		s->pool = NULL;
		return ret;
	}
	return 0;
}

static void gp_destroy(struct pb_state *s)
{
	gosync_pool_destroy(s->pool);
}

static struct pb_obj *gp_get(struct pb_state *s)
{
	return gosync_pool_get(s->pool, GFP_KERNEL);
}

static void gp_put(struct pb_state *s, struct pb_obj *obj)
{
	gosync_pool_put(s->pool, obj);
}

static const struct pb_impl pb_gosync_pool = {
	.name = "gosync_pool",
	.init = gp_init,
	.destroy = gp_destroy,
	.get = gp_get,
	.put = gp_put,
};

/* ---- malloc ---- */

static int ma_init(struct pb_state *s)
{
	return 0;
}

static void ma_destroy(struct pb_state *s)
{
}

static struct pb_obj *ma_get(struct pb_state *s)
{
	return malloc(sizeof(struct pb_obj));
}

static void ma_put(struct pb_state *s, struct pb_obj *obj)
{
	free(obj);
}

static const struct pb_impl pb_malloc = {
	.name = "malloc",
	.init = ma_init,
	.destroy = ma_destroy,
	.get = ma_get,
	.put = ma_put,
};

/* ---- mutex-protected free list ---- */

static void fl_destroy(struct pb_state *s)
{
	struct pb_obj *obj;

	while ((obj = s->fl.head)) {
		s->fl.head = obj->next;
		free(obj);
	}
	pthread_mutex_destroy(&s->fl.lock);
}

static int fl_init(struct pb_state *s)
{
	struct pb_obj *obj;
	unsigned int i;
	int ret;

	ret = -pthread_mutex_init(&s->fl.lock, NULL);
	if (ret)
		return ret;
	s->fl.head = NULL;
	for (i = 0; i < PB_PRELOAD; i++) {
		obj = malloc(sizeof(*obj));
		if (!obj) {
			fl_destroy(s);
			return -ENOMEM;
		}
		obj->next = s->fl.head;
		s->fl.head = obj;
	}
	return 0;
}

static struct pb_obj *fl_get(struct pb_state *s)
{
	struct pb_obj *obj;

	pthread_mutex_lock(&s->fl.lock);
	obj = s->fl.head;
	if (obj)
		s->fl.head = obj->next;
	pthread_mutex_unlock(&s->fl.lock);
	if (unlikely(!obj))
		obj = malloc(sizeof(*obj));
	return obj;
}

static void fl_put(struct pb_state *s, struct pb_obj *obj)
{
	pthread_mutex_lock(&s->fl.lock);
	obj->next = s->fl.head;
	s->fl.head = obj;
	pthread_mutex_unlock(&s->fl.lock);
}

static const struct pb_impl pb_mutex = {
	.name = "mutex",
	.init = fl_init,
	.destroy = fl_destroy,
	.get = fl_get,
	.put = fl_put,
};

static const struct pb_impl *const pb_impls[] = {
	&pb_gosync_pool, &pb_malloc, &pb_mutex,
};

#define PB_NR_IMPLS	ARRAY_SIZE(pb_impls)

/* ---- the bodies: each does @n ops (fewer if the run stops) ---- */

/*
 * One round of waiting on the other side of a ring: false once the run
 * is over. Spins, but yields the CPU now and then: this machine's cores
 * are shared, and a spinning side could otherwise hold the CPU its
 * descheduled peer needs (the waits count no op either way).
 */
static inline bool pb_wait(struct pb_state *s, unsigned int *spins)
{
	if (bench_stopped(&s->sync))
		return false;
	if (++*spins % PB_SPINS)
		cpu_relax();
	else
		sched_yield();
	return true;
}

/* An object from @im, stamped with @t's next sequence number; or NULL. */
static __always_inline struct pb_obj *pb_get(struct pb_thread *t,
					     const struct pb_impl *im)
{
	struct pb_obj *obj = im->get(t->s);

	if (likely(obj))
		obj->seq = t->seq++;
	return obj;
}

/* Ring slot @i (a free-running index). */
static inline struct pb_obj **pb_slot(struct pb_ring *r, unsigned int i)
{
	return &r->slot[i & (PB_RING - 1)];
}

static __always_inline int pb_pair(struct pb_thread *t, uint64_t n,
				   const struct pb_impl *im)
{
	struct pb_state *s = t->s;
	struct pb_obj *obj;
	uint64_t i;

	for (i = 0; i < n; i++) {
		obj = pb_get(t, im);
		if (unlikely(!obj))
			return -ENOMEM;
		im->put(s, obj);
	}
	t->bt.ops += n;
	return 0;
}

static __always_inline int pb_batch16(struct pb_thread *t, uint64_t n,
				      const struct pb_impl *im)
{
	struct pb_state *s = t->s;
	struct pb_obj *obj[PB_BURST];
	unsigned int i, k, burst;
	uint64_t done;
	int ret = 0;

	for (done = 0; done < n && !ret; done += k) {
		burst = n - done < PB_BURST ? n - done : PB_BURST;
		for (k = 0; k < burst; k++) {
			obj[k] = pb_get(t, im);
			if (unlikely(!obj[k])) {
				ret = -ENOMEM;
				break;
			}
		}
		for (i = 0; i < k; i++)
			im->put(s, obj[i]);
	}
	t->bt.ops += done;
	return ret;
}

/* xcpu, the odd thread out: up to a ring's worth of gets, then the puts. */
static __always_inline int pb_xcpu_self(struct pb_thread *t, uint64_t n,
					const struct pb_impl *im,
					struct pb_ring *r)
{
	struct pb_state *s = t->s;
	uint64_t done = 0, k, i;
	struct pb_obj *obj;

	while (done < n) {
		k = (n - done) / 2;
		k = k > PB_RING ? PB_RING : k ? k : 1;
		for (i = 0; i < k; i++) {
			obj = pb_get(t, im);
			if (unlikely(!obj))
				return -ENOMEM;
			*pb_slot(r, r->tail++) = obj;
			t->bt.ops++;
		}
		for (; r->head != r->tail; r->head++, t->bt.ops++)
			im->put(s, *pb_slot(r, r->head));
		done += 2 * k;
	}
	return 0;
}

static __always_inline int pb_xcpu_producer(struct pb_thread *t, uint64_t n,
					    const struct pb_impl *im,
					    struct pb_ring *r)
{
	struct pb_state *s = t->s;
	unsigned int tail = r->tail, spins = 0;
	struct pb_obj *obj;
	uint64_t i;

	for (i = 0; i < n; i++) {
		obj = pb_get(t, im);
		if (unlikely(!obj))
			return -ENOMEM;
		/* Pairs with the consumer's release of head: the slot is free. */
		while (tail - smp_load_acquire(&r->head) == PB_RING) {
			if (!pb_wait(s, &spins)) {
				im->put(s, obj);
				t->bt.ops += i;
				return 0;
			}
		}
		*pb_slot(r, tail) = obj;
		/* Pairs with the consumer's acquire of tail: the slot is set. */
		smp_store_release(&r->tail, ++tail);
	}
	t->bt.ops += n;
	return 0;
}

static __always_inline int pb_xcpu_consumer(struct pb_thread *t, uint64_t n,
					    const struct pb_impl *im,
					    struct pb_ring *r)
{
	struct pb_state *s = t->s;
	unsigned int head = r->head, spins = 0;
	struct pb_obj *obj;
	uint64_t i;

	for (i = 0; i < n; i++) {
		/* Pairs with the producer's release of tail: the slot is set. */
		while (smp_load_acquire(&r->tail) == head) {
			if (!pb_wait(s, &spins)) {
				t->bt.ops += i;
				return 0;
			}
		}
		obj = *pb_slot(r, head);
		/* Pairs with the producer's acquire of head: the slot is free. */
		smp_store_release(&r->head, ++head);
		if (unlikely(obj->seq != t->seq)) {
			fprintf(stderr, "pool_bench: xcpu: object %llu arrived as %llu\n",
				(unsigned long long)obj->seq,
				(unsigned long long)t->seq);
			im->put(s, obj);
			return -EIO;
		}
		t->seq++;
		im->put(s, obj);
	}
	t->bt.ops += n;
	return 0;
}

static __always_inline int pb_xcpu(struct pb_thread *t, uint64_t n,
				   const struct pb_impl *im)
{
	struct pb_ring *r = &t->s->rings[t->bt.id / 2];

	if (t->bt.id + 1 == t->s->threads && !(t->bt.id & 1))
		return pb_xcpu_self(t, n, im, r);
	if (!(t->bt.id & 1))
		return pb_xcpu_producer(t, n, im, r);
	return pb_xcpu_consumer(t, n, im, r);
}

#define PB_BODIES(impl)							\
static int pb_pair_##impl(struct pb_thread *t, uint64_t n)		\
{ return pb_pair(t, n, &pb_##impl); }					\
static int pb_batch16_##impl(struct pb_thread *t, uint64_t n)		\
{ return pb_batch16(t, n, &pb_##impl); }				\
static int pb_xcpu_##impl(struct pb_thread *t, uint64_t n)		\
{ return pb_xcpu(t, n, &pb_##impl); }					\
static int (*const pb_bodies_##impl[])(struct pb_thread *, uint64_t) = { \
	[PB_PAIR] = pb_pair_##impl, [PB_BATCH16] = pb_batch16_##impl,	\
	[PB_XCPU] = pb_xcpu_##impl,					\
}

PB_BODIES(gosync_pool);
PB_BODIES(malloc);
PB_BODIES(mutex);

static int (*pb_body_of(const struct pb_impl *im, enum pb_mix mix))
	(struct pb_thread *, uint64_t)
{
	if (im == &pb_gosync_pool)
		return pb_bodies_gosync_pool[mix];
	if (im == &pb_malloc)
		return pb_bodies_malloc[mix];
	return pb_bodies_mutex[mix];
}

/* ---- setup, runs ---- */

static struct pb_state *pb_setup(const struct pb_case *c,
				 const struct pb_impl *im, unsigned int threads)
{
	struct pb_state *s = aligned_alloc(64, (sizeof(*s) + 63) & ~63UL);
	int ret;

	if (!s)
		return NULL;
	memset(s, 0, sizeof(*s));
	s->c = c;
	s->im = im;
	s->threads = threads;
	s->body = pb_body_of(im, c->mix);
	if (c->mix == PB_XCPU) {
		size_t sz = sizeof(*s->rings) * ((threads + 1) / 2);

		s->nr_rings = (threads + 1) / 2;
		s->rings = aligned_alloc(64, sz);
		if (!s->rings) {
			free(s);
			return NULL;
		}
		memset(s->rings, 0, sz);
	}
	ret = im->init(s);
	if (ret) {
		fprintf(stderr, "pool_bench: %s init: %s\n", im->name,
			strerror(-ret));
		free(s->rings);
		free(s);
		return NULL;
	}
	return s;
}

static void pb_teardown(struct pb_state *s)
{
	unsigned int i;

	/* Objects left in flight go back before the implementation goes. */
	for (i = 0; i < s->nr_rings; i++) {
		struct pb_ring *r = &s->rings[i];

		for (; r->head != r->tail; r->head++)
			s->im->put(s, *pb_slot(r, r->head));
	}
	s->im->destroy(s);
	free(s->rings);
	free(s);
}

static struct pb_thread pb_threads[BENCH_MAX_THREADS];

static struct bench_thread *pb_bench_thread(struct bench_sync *sync,
					    unsigned int id)
{
	struct pb_thread *t = &pb_threads[id];

	memset(t, 0, sizeof(*t));
	t->s = container_of(sync, struct pb_state, sync);
	return &t->bt;
}

static int pb_run(struct bench_thread *bt, uint64_t n)
{
	struct pb_thread *t = container_of(bt, struct pb_thread, bt);

	return t->s->body(t, n);
}

static struct bench_sync *pb_bench_setup(unsigned int c, unsigned int m,
					 unsigned int threads)
{
	struct pb_state *s = pb_setup(&pb_cases[c], pb_impls[m], threads);

	return s ? &s->sync : NULL;
}

static void pb_bench_teardown(struct bench_sync *sync)
{
	pb_teardown(container_of(sync, struct pb_state, sync));
}

static const char *pb_case_name(unsigned int c)
{
	return pb_cases[c].name;
}

static const char *pb_impl_name(unsigned int m)
{
	return pb_impls[m]->name;
}

static const struct bench pb_bench = {
	.name = "pool",
	.nr_cases = PB_NR_CASES,
	.nr_impls = PB_NR_IMPLS,
	.case_name = pb_case_name,
	.impl_name = pb_impl_name,
	.setup = pb_bench_setup,
	.teardown = pb_bench_teardown,
	.thread = pb_bench_thread,
	.run = pb_run,
	.note_ns = true,
	.warn_fails = true,
};

int main(int argc, char **argv)
{
	return bench_main(&pb_bench, argc, argv);
}
