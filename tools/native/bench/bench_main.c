// SPDX-License-Identifier: GPL-2.0
/*
 * The driver of the native benchmarks; see bench_main.h.
 */
/*
 * The shim first: the C library's <errno.h> pulls in <linux/errno.h>,
 * which is the shim's, and that wants the whole shim before it.
 */
#include <linux/kernel.h>
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

#include "bench_main.h"

#define BENCH_CSV_HEADER "env,primitive,case,impl,threads,ops_per_sec,ns_per_op"

bool bench_counting;

static int bench_cpus[BENCH_MAX_THREADS];
static unsigned int bench_nr_cpus;

struct bench_result {
	uint64_t ops_per_sec, ns_per_op, ops;
};

static uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Pin the calling thread to @cpu; 0 or a negative errno. */
static int bench_pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return -pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void bench_find_cpus(void)
{
	cpu_set_t set;
	int cpu;

	bench_nr_cpus = 0;
	if (sched_getaffinity(0, sizeof(set), &set))
		return;
	for (cpu = 0; cpu < CPU_SETSIZE && bench_nr_cpus < BENCH_MAX_THREADS; cpu++)
		if (CPU_ISSET(cpu, &set))
			bench_cpus[bench_nr_cpus++] = cpu;
}

/* Thread @id of the run @sync of @b, on @cpu. */
static struct bench_thread *bench_thread(const struct bench *b,
					 struct bench_sync *sync,
					 unsigned int id, int cpu)
{
	struct bench_thread *t = b->thread(sync, id);

	t->b = b;
	t->sync = sync;
	t->id = id;
	t->cpu = cpu;
	return t;
}

static void *bench_thread_fn(void *arg)
{
	struct bench_thread *t = arg;
	const struct bench *b = t->b;
	uint64_t start;

	t->err = bench_pin(t->cpu);
	pthread_barrier_wait(&t->sync->start);
	if (t->err)
		return NULL;
	start = bench_now_ns();
	do {
		t->err = b->run(t, BENCH_BATCH);
	} while (!t->err && !bench_stopped(t->sync));
	t->elapsed_ns = bench_now_ns() - start;
	if (b->thread_exit)
		b->thread_exit(t);
	return NULL;
}

/* One timed run of case @c on implementation @m, @threads threads, @ms ms. */
static int bench_run(const struct bench *b, unsigned int c, unsigned int m,
		     unsigned int threads, unsigned int ms,
		     struct bench_result *res)
{
	struct bench_thread *th[BENCH_MAX_THREADS];
	struct timespec d = { ms / 1000, (long)(ms % 1000) * 1000000 };
	struct bench_sync *sync;
	unsigned int i, started = 0;
	double rate = 0;
	int ret = 0;

	sync = b->setup(c, m, threads);
	if (!sync)
		return -ENOMEM;
	pthread_barrier_init(&sync->start, NULL, threads + 1);
	for (i = 0; i < threads; i++) {
		th[i] = bench_thread(b, sync, i, bench_cpus[i % bench_nr_cpus]);
		ret = native_thread_create(&th[i]->tid, bench_thread_fn, th[i]);
		if (ret) {
			fprintf(stderr, "%s_bench: thread: %s\n", b->name,
				strerror(-ret));
			exit(1);	/* the barrier would never open */
		}
		started++;
	}
	pthread_barrier_wait(&sync->start);
	while (nanosleep(&d, &d) && errno == EINTR)
		;
	__atomic_store_n(&sync->stop, 1, __ATOMIC_RELAXED);
	res->ops = 0;
	for (i = 0; i < started; i++) {
		pthread_join(th[i]->tid, NULL);
		if (th[i]->err && !ret)
			ret = th[i]->err;
		res->ops += th[i]->ops;
		if (th[i]->elapsed_ns)
			rate += (double)th[i]->ops * 1e9 / th[i]->elapsed_ns;
	}
	pthread_barrier_destroy(&sync->start);
	b->teardown(sync);
	res->ops_per_sec = (uint64_t)rate;
	res->ns_per_op = rate ? (uint64_t)(threads * 1e9 / rate) : 0;
	return ret;
}

/* ---- count mode ---- */

/*
 * What callgrind.sh counts (--toggle-collect=nb_measure): not inlined, and
 * not cloned (noipa), so the symbol is exactly nb_measure.
 */
static __attribute__((__noipa__)) int nb_measure(struct bench_thread *t,
						 uint64_t n)
{
	int ret = t->b->run(t, n);

	__asm__ volatile("" ::: "memory");
	return ret;
}

static int bench_count(const struct bench *b, unsigned int c, unsigned int m,
		       uint64_t n)
{
	struct bench_thread *t;
	struct bench_sync *sync;
	int ret;

	bench_find_cpus();
	if (bench_nr_cpus)
		bench_pin(bench_cpus[0]);
	sync = b->setup(c, m, 1);
	if (!sync)
		return -ENOMEM;
	t = bench_thread(b, sync, 0, -1);
	if (b->count_hold)
		b->count_hold(true);
	ret = nb_measure(t, n);
	if (b->count_hold)
		b->count_hold(false);
	if (b->thread_exit)
		b->thread_exit(t);
	b->teardown(sync);
	if (!ret) {
		printf("%s %s ops=%llu", b->case_name(c), b->impl_name(m),
		       (unsigned long long)t->ops);
		if (b->count_note)
			b->count_note(t);
		printf("\n");
	}
	return ret;
}

/* ---- main ---- */

static bool bench_selected(const char *list, const char *name)
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

static unsigned int bench_env_uint(const char *name, unsigned int def)
{
	const char *v = getenv(name);

	return v && *v ? (unsigned int)strtoul(v, NULL, 10) : def;
}

static int bench_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void bench_usage(const struct bench *b)
{
	int w = (int)strlen(b->name);

	fprintf(stderr,
		"usage: %s_bench [--csv FILE] [--ms MS] [--threads \"1 2\"]\n"
		"       %*s       [--reps R] [--case C[,C..]] [--impl I[,I..]]\n"
		"       %s_bench --ops N --case C --impl I\n"
		"       %s_bench --list\n", b->name, w, "", b->name, b->name);
	exit(2);
}

/* Every rep of case @c with @threads threads, then its rows. */
static int bench_case_rows(const struct bench *b, unsigned int c,
			   unsigned int threads, unsigned int ms,
			   unsigned int reps, const char *impls, FILE *out)
{
	struct bench_result (*res)[BENCH_MAX_REPS];
	const char *name = b->case_name(c);
	unsigned int line = 0, r, k, m;
	int ret = 0;

	res = calloc(b->nr_impls, sizeof(*res));
	if (!res)
		return -ENOMEM;
	if (out)
		printf("%-10s %u thread%s: ", name, threads,
		       threads > 1 ? "s" : " ");
	fflush(stdout);
	/*
	 * Implementations interleaved, rep by rep, each rep starting with the
	 * next one: slow drifts of the machine spread over all of them.
	 */
	for (r = 0; r < reps && !ret; r++) {
		for (k = 0; k < b->nr_impls && !ret; k++) {
			m = (k + r) % b->nr_impls;
			if (!bench_selected(impls, b->impl_name(m)))
				continue;
			ret = bench_run(b, c, m, threads, ms, &res[m][r]);
			if (ret)
				fprintf(stderr, "%s_bench: %s %s %u threads: %s\n",
					b->name, name, b->impl_name(m), threads,
					strerror(-ret));
		}
	}
	for (m = 0; m < b->nr_impls && !ret; m++) {
		const struct bench_result *pick = NULL;
		uint64_t rates[BENCH_MAX_REPS], med;

		if (!bench_selected(impls, b->impl_name(m)))
			continue;
		for (r = 0; r < reps; r++)
			rates[r] = res[m][r].ops_per_sec;
		qsort(rates, reps, sizeof(rates[0]), bench_cmp_u64);
		med = rates[reps / 2];
		for (r = 0; r < reps && !pick; r++)
			if (res[m][r].ops_per_sec == med)
				pick = &res[m][r];
		/* The CSV row; with --csv, a progress note. */
		fprintf(out ? out : stdout, "native,%s,%s,%s,%u,%llu,%llu\n",
			b->name, name, b->impl_name(m), threads,
			(unsigned long long)pick->ops_per_sec,
			(unsigned long long)pick->ns_per_op);
		if (!out)
			continue;
		printf("%s%s: %.2fM/s", line++ ? ", " : "", b->impl_name(m),
		       pick->ops_per_sec / 1e6);
		if (b->note_ns)
			printf(" %llu ns/op",
			       (unsigned long long)pick->ns_per_op);
	}
	if (out && line) {
		printf("\n");
		fflush(out);
	}
	fflush(stdout);
	free(res);
	return ret;
}

/* The index of @name among @nr names, or -1. */
static int bench_lookup(const char *(*name_of)(unsigned int), unsigned int nr,
			const char *name)
{
	int found = -1;

	for (unsigned int k = 0; k < nr; k++)
		if (name && !strcmp(name, name_of(k)))
			found = k;
	return found;
}

/* native_exit(), and what it means for the program's exit status @ret. */
static int bench_exit(const struct bench *b, int ret)
{
	if (native_exit() && b->warn_fails)
		ret = ret ? ret : -EIO;
	return ret ? 1 : 0;
}

int bench_main(const struct bench *b, int argc, char **argv)
{
	const char *csv = NULL, *cases = NULL, *impls = NULL;
	const char *threads_list = getenv("NATIVE_BENCH_THREADS");
	unsigned int ms = bench_env_uint("NATIVE_BENCH_MS", 300);
	unsigned int reps = bench_env_uint("NATIVE_BENCH_REPS", 3);
	unsigned long long count_ops = 0;
	unsigned int threads[BENCH_MAX_THREADS], nthreads = 0;
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
			bench_usage(b);
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
			bench_usage(b);
	}
	if (list) {
		for (unsigned int c = 0; c < b->nr_cases; c++)
			for (unsigned int m = 0; m < b->nr_impls; m++)
				printf("%s %s\n", b->case_name(c),
				       b->impl_name(m));
		return 0;
	}

	native_init();

	if (count_ops) {
		int c = bench_lookup(b->case_name, b->nr_cases, cases);
		int m = bench_lookup(b->impl_name, b->nr_impls, impls);

		if (c < 0 || m < 0) {
			fprintf(stderr,
				"%s_bench: --ops needs a known --case and --impl\n",
				b->name);
			return 2;
		}
		bench_counting = true;
		ret = bench_count(b, c, m, count_ops);
		if (ret)
			fprintf(stderr, "%s_bench: %s %s: %s\n", b->name,
				b->case_name(c), b->impl_name(m),
				strerror(-ret));
		return bench_exit(b, ret);
	}

	for (const char *p = threads_list; *p && nthreads < BENCH_MAX_THREADS;) {
		char *end;
		unsigned long n = strtoul(p, &end, 10);

		if (end == p) {
			p++;
			continue;
		}
		threads[nthreads++] = n;
		p = end;
	}
	bench_find_cpus();
	if (!ms || !nthreads || !reps || reps > BENCH_MAX_REPS)
		bench_usage(b);
	/* None of its cases selected: nothing to run, at any thread count. */
	for (i = 0; i < (int)b->nr_cases; i++)
		if (bench_selected(cases, b->case_name(i)))
			break;
	if (i == (int)b->nr_cases)
		return bench_exit(b, 0);
	for (unsigned int k = 0; k < nthreads; k++) {
		if (!threads[k] || threads[k] > BENCH_MAX_THREADS || !bench_nr_cpus ||
		    (threads[k] > bench_nr_cpus && !b->oversubscribe)) {
			fprintf(stderr, "%s_bench: %u threads but %u usable CPUs\n",
				b->name, threads[k], bench_nr_cpus);
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
			fprintf(out, BENCH_CSV_HEADER "\n");
	}
	fprintf(stderr, "%s_bench: %u ms per run, %u rep(s), threads \"%s\", CPUs",
		b->name, ms, reps, threads_list);
	for (unsigned int k = 0; k < bench_nr_cpus; k++)
		fprintf(stderr, " %d", bench_cpus[k]);
	fprintf(stderr, "\n");

	for (unsigned int c = 0; c < b->nr_cases && !ret; c++) {
		if (!bench_selected(cases, b->case_name(c)))
			continue;
		for (unsigned int ti = 0; ti < nthreads && !ret; ti++)
			ret = bench_case_rows(b, c, threads[ti], ms, reps,
					      impls, out);
	}
	if (out)
		fclose(out);
	return bench_exit(b, ret);
}
