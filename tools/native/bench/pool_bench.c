// SPDX-License-Identifier: GPL-2.0
/*
 * Native benchmark of gosync_pool: the unmodified kmod/pool.c, built in
 * userspace against the shim (tools/native/include) and used through
 * <gosync/pool.h>, against glibc's malloc()/free() of the same size and
 * against a free list behind one pthread_mutex_t (the old way).
 * Primitive "pool", env "native"; the cases are those of the in-kernel
 * benchmark (kmod/pool_bench.c).
 *
 * Timed mode (what `make -C tools/native bench` runs):
 *
 *	pool_bench [--csv FILE] [--ms MS] [--threads "1 2"] [--reps R]
 *		   [--case C[,C...]] [--impl I[,I...]]
 *
 * runs every case x thread count x implementation and appends one row per
 * run to FILE in the in-VM format (env,primitive,case,impl,threads,
 * ops_per_sec,ns_per_op). The defaults come from NATIVE_BENCH_MS (300),
 * NATIVE_BENCH_THREADS ("1 2") and NATIVE_BENCH_REPS (3); each row is the
 * median-rate run of R, the implementations interleaved (as map_bench.c,
 * whose driver this is). N threads, thread i pinned to the i-th CPU of the
 * process's affinity mask, released together from a barrier; each runs
 * its body until the controller raises the stop flag and measures its own
 * elapsed time; ops_per_sec is the sum of each thread's own rate,
 * ns_per_op = threads * 1e9 / ops_per_sec. Each run gets a fresh pool or
 * free list.
 *
 * Count mode (for tools/native/bench/callgrind.sh):
 *
 *	pool_bench --ops N --case C --impl I
 *
 * sets the case up, then runs exactly N ops on the main thread inside
 * nb_measure(), which callgrind counts (inclusive). xcpu runs its
 * one-thread form there.
 *
 *	pool_bench --list	prints "case impl" lines
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

#define PB_SIZE		256
#define PB_BATCH	64		/* ops between stop checks */
#define PB_BURST	16		/* batch16 */
#define PB_RING		128		/* xcpu ring slots, a power of two */
#define PB_PRELOAD	4096		/* mutex free list */
#define PB_SPINS	4096		/* xcpu: spins on a ring between yields */
#define NB_MAX_THREADS	64
#define NB_MAX_REPS	99
#define NB_CSV_HEADER	"env,primitive,case,impl,threads,ops_per_sec,ns_per_op"

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
	pthread_barrier_t start;
	int stop;			/* __atomic */
	struct pb_ring *rings;		/* xcpu: one per thread pair */
	unsigned int nr_rings;
	struct gosync_pool *pool;
	struct {			/* in cache lines of its own */
		pthread_mutex_t lock;
		struct pb_obj *head;	/* under lock */
	} fl __aligned(64);
};

struct pb_thread {
	struct pb_state *s;
	unsigned int id;
	int cpu;
	uint64_t seq;
	uint64_t ops;
	uint64_t elapsed_ns;
	int err;
	pthread_t tid;
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

static inline bool pb_stopped(struct pb_state *s)
{
	return __atomic_load_n(&s->stop, __ATOMIC_RELAXED);
}

/*
 * One round of waiting on the other side of a ring: false once the run
 * is over. Spins, but yields the CPU now and then: this machine's cores
 * are shared, and a spinning side could otherwise hold the CPU its
 * descheduled peer needs (the waits count no op either way).
 */
static inline bool pb_wait(struct pb_state *s, unsigned int *spins)
{
	if (pb_stopped(s))
		return false;
	if (++*spins % PB_SPINS)
		cpu_relax();
	else
		sched_yield();
	return true;
}

static __always_inline int pb_pair(struct pb_thread *t, uint64_t n,
				   const struct pb_impl *im)
{
	struct pb_state *s = t->s;
	struct pb_obj *obj;
	uint64_t i;

	for (i = 0; i < n; i++) {
		obj = im->get(s);
		if (unlikely(!obj))
			return -ENOMEM;
		obj->seq = t->seq++;
		im->put(s, obj);
	}
	t->ops += n;
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
			obj[k] = im->get(s);
			if (unlikely(!obj[k])) {
				ret = -ENOMEM;
				break;
			}
			obj[k]->seq = t->seq++;
		}
		for (i = 0; i < k; i++)
			im->put(s, obj[i]);
	}
	t->ops += done;
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
			obj = im->get(s);
			if (unlikely(!obj))
				return -ENOMEM;
			obj->seq = t->seq++;
			r->slot[r->tail++ & (PB_RING - 1)] = obj;
			t->ops++;
		}
		for (; r->head != r->tail; r->head++, t->ops++)
			im->put(s, r->slot[r->head & (PB_RING - 1)]);
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
		obj = im->get(s);
		if (unlikely(!obj))
			return -ENOMEM;
		obj->seq = t->seq++;
		/* Pairs with the consumer's release of head: the slot is free. */
		while (tail - smp_load_acquire(&r->head) == PB_RING) {
			if (!pb_wait(s, &spins)) {
				im->put(s, obj);
				t->ops += i;
				return 0;
			}
		}
		r->slot[tail & (PB_RING - 1)] = obj;
		/* Pairs with the consumer's acquire of tail: the slot is set. */
		smp_store_release(&r->tail, ++tail);
	}
	t->ops += n;
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
				t->ops += i;
				return 0;
			}
		}
		obj = r->slot[head & (PB_RING - 1)];
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
	t->ops += n;
	return 0;
}

static __always_inline int pb_xcpu(struct pb_thread *t, uint64_t n,
				   const struct pb_impl *im)
{
	struct pb_ring *r = &t->s->rings[t->id / 2];

	if (t->id + 1 == t->s->threads && !(t->id & 1))
		return pb_xcpu_self(t, n, im, r);
	if (!(t->id & 1))
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
			s->im->put(s, r->slot[r->head & (PB_RING - 1)]);
	}
	s->im->destroy(s);
	free(s->rings);
	free(s);
}

static void pb_thread_init(struct pb_thread *t, struct pb_state *s,
			   unsigned int id)
{
	memset(t, 0, sizeof(*t));
	t->s = s;
	t->id = id;
	t->cpu = -1;
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

static void *pb_thread_fn(void *arg)
{
	struct pb_thread *t = arg;
	struct pb_state *s = t->s;
	uint64_t start;

	t->err = nb_pin(t->cpu);
	pthread_barrier_wait(&s->start);
	if (t->err)
		return NULL;
	start = nb_now_ns();
	do {
		t->err = s->body(t, PB_BATCH);
	} while (!t->err && !pb_stopped(s));
	t->elapsed_ns = nb_now_ns() - start;
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
static int pb_run(const struct pb_case *c, const struct pb_impl *im,
		  unsigned int threads, unsigned int ms, struct nb_result *res)
{
	static struct pb_thread th[NB_MAX_THREADS];
	struct timespec d = { ms / 1000, (long)(ms % 1000) * 1000000 };
	double rate = 0;
	struct pb_state *s;
	unsigned int i, started = 0;
	int ret = 0;

	s = pb_setup(c, im, threads);
	if (!s)
		return -ENOMEM;
	pthread_barrier_init(&s->start, NULL, threads + 1);
	for (i = 0; i < threads; i++) {
		pb_thread_init(&th[i], s, i);
		th[i].cpu = nb_cpus[i];
		ret = native_thread_create(&th[i].tid, pb_thread_fn, &th[i]);
		if (ret) {
			fprintf(stderr, "pool_bench: thread: %s\n", strerror(-ret));
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
	pb_teardown(s);
	res->ops_per_sec = (uint64_t)rate;
	res->ns_per_op = rate ? (uint64_t)(threads * 1e9 / rate) : 0;
	return ret;
}

/* ---- count mode ---- */

/*
 * What callgrind.sh counts (--toggle-collect=nb_measure): not inlined, and
 * not cloned (noipa), so the symbol is exactly nb_measure.
 */
static __attribute__((__noipa__)) int nb_measure(struct pb_thread *t, uint64_t n)
{
	int ret = t->s->body(t, n);

	__asm__ volatile("" ::: "memory");
	return ret;
}

static int pb_count(const struct pb_case *c, const struct pb_impl *im,
		    uint64_t n)
{
	struct pb_thread t;
	struct pb_state *s;
	int ret;

	nb_find_cpus();
	if (nb_nr_cpus)
		nb_pin(nb_cpus[0]);
	s = pb_setup(c, im, 1);
	if (!s)
		return -ENOMEM;
	pb_thread_init(&t, s, 0);
	ret = nb_measure(&t, n);
	pb_teardown(s);
	if (!ret)
		printf("%s %s ops=%llu\n", c->name, im->name,
		       (unsigned long long)t.ops);
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
		"usage: pool_bench [--csv FILE] [--ms MS] [--threads \"1 2\"]\n"
		"                  [--reps R] [--case C[,C..]] [--impl I[,I..]]\n"
		"       pool_bench --ops N --case C --impl I\n"
		"       pool_bench --list\n");
	exit(2);
}

/* Every rep of one case and thread count, then its rows. */
static int pb_case_rows(const struct pb_case *c, unsigned int threads,
			unsigned int ms, unsigned int reps, const char *impls,
			FILE *out)
{
	static struct nb_result res[PB_NR_IMPLS][NB_MAX_REPS];
	unsigned int line = 0, r;
	int ret = 0;

	if (out)
		printf("%-10s %u thread%s: ", c->name, threads,
		       threads > 1 ? "s" : " ");
	fflush(stdout);
	/*
	 * Implementations interleaved, rep by rep, each rep starting with the
	 * next one: slow drifts of the machine spread over all of them.
	 */
	for (r = 0; r < reps && !ret; r++) {
		for (size_t k = 0; k < PB_NR_IMPLS && !ret; k++) {
			size_t m = (k + r) % PB_NR_IMPLS;

			if (!nb_selected(impls, pb_impls[m]->name))
				continue;
			ret = pb_run(c, pb_impls[m], threads, ms, &res[m][r]);
			if (ret)
				fprintf(stderr, "pool_bench: %s %s %u threads: %s\n",
					c->name, pb_impls[m]->name, threads,
					strerror(-ret));
		}
	}
	for (size_t m = 0; m < PB_NR_IMPLS && !ret; m++) {
		const struct nb_result *pick = NULL;
		uint64_t rates[NB_MAX_REPS], med;

		if (!nb_selected(impls, pb_impls[m]->name))
			continue;
		for (r = 0; r < reps; r++)
			rates[r] = res[m][r].ops_per_sec;
		qsort(rates, reps, sizeof(rates[0]), nb_cmp_u64);
		med = rates[reps / 2];
		for (r = 0; r < reps && !pick; r++)
			if (res[m][r].ops_per_sec == med)
				pick = &res[m][r];
		/* The CSV row; with --csv, a progress note. */
		fprintf(out ? out : stdout, "native,pool,%s,%s,%u,%llu,%llu\n",
			c->name, pb_impls[m]->name, threads,
			(unsigned long long)pick->ops_per_sec,
			(unsigned long long)pick->ns_per_op);
		if (out)
			printf("%s%s: %.2fM/s %llu ns/op", line++ ? ", " : "",
			       pb_impls[m]->name, pick->ops_per_sec / 1e6,
			       (unsigned long long)pick->ns_per_op);
	}
	if (out && line) {
		printf("\n");
		fflush(out);
	}
	fflush(stdout);
	return ret;
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
		for (size_t c = 0; c < PB_NR_CASES; c++)
			for (size_t m = 0; m < PB_NR_IMPLS; m++)
				printf("%s %s\n", pb_cases[c].name,
				       pb_impls[m]->name);
		return 0;
	}

	native_init();

	if (count_ops) {
		const struct pb_case *c = NULL;
		const struct pb_impl *im = NULL;

		for (size_t k = 0; k < PB_NR_CASES; k++)
			if (cases && !strcmp(cases, pb_cases[k].name))
				c = &pb_cases[k];
		for (size_t k = 0; k < PB_NR_IMPLS; k++)
			if (impls && !strcmp(impls, pb_impls[k]->name))
				im = pb_impls[k];
		if (!c || !im) {
			fprintf(stderr,
				"pool_bench: --ops needs a known --case and --impl\n");
			return 2;
		}
		ret = pb_count(c, im, count_ops);
		if (ret)
			fprintf(stderr, "pool_bench: %s %s: %s\n", c->name,
				im->name, strerror(-ret));
		if (native_exit())
			ret = ret ? ret : -EIO;
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
			fprintf(stderr, "pool_bench: %u threads but %u usable CPUs\n",
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
	fprintf(stderr, "pool_bench: %u ms per run, %u rep(s), threads \"%s\", CPUs",
		ms, reps, threads_list);
	for (unsigned int k = 0; k < nb_nr_cpus; k++)
		fprintf(stderr, " %d", nb_cpus[k]);
	fprintf(stderr, "\n");

	for (size_t ci = 0; ci < PB_NR_CASES && !ret; ci++) {
		if (!nb_selected(cases, pb_cases[ci].name))
			continue;
		for (unsigned int ti = 0; ti < nthreads && !ret; ti++)
			ret = pb_case_rows(&pb_cases[ci], threads[ti], ms, reps,
					   impls, out);
	}
	if (out)
		fclose(out);
	if (native_exit())
		ret = ret ? ret : -EIO;
	return ret ? 1 : 0;
}
