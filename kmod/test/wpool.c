// SPDX-License-Identifier: GPL-2.0
/*
 * gosync_wpool in gosync_test.ko: /sys/kernel/debug/gosync_test/wpool/,
 * its checks and inject= points on the runner (runner.h).
 *
 * The stress: one pool; thread 0 is its controller, the others submit.
 * Each submitter owns jobs= jobs, each used once: it submits them in turn
 * (try_submit at try_pct percent, falling back to a blocking submit when
 * full; a blocking submit under a context with a short deadline at
 * ctx_pct percent; every eighth followed by a pause of up to gap_us)
 * until the pool refuses with -ESHUTDOWN. A job works a
 * random while, watching the pool's context (ended by shutdown) or not.
 * The controller resizes the pool at random within [0, min] x [1, max]
 * (resize=1), samples its workers, and at shutdown_ms shuts it down with
 * a drain of drain_ms, then marks that shutdown has returned. Exact
 * checks: every accepted job ran once or was dropped once (never both,
 * never twice), a refused one neither; per submitter run + dropped +
 * refused == submitted; nothing runs or is dropped after shutdown
 * returned; a job sees no cause but -ESHUTDOWN; workers never above max,
 * never below min while running; shutdown's count is the dropped jobs;
 * and after it no worker and no thread is left.
 *
 * Its command file, its grammar and what each run checks are documented
 * for their users in kmod/test/README.md, "wpool".
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/seq_buf.h>
#include <linux/slab.h>

#include <gosync/ctx.h>
#include <gosync/wpool.h>

#include "cmdfile.h"
#include "internal.h"
#include "parse.h"
#include "runner.h"
#include "test.h"

#define GWP_ST_THREADS_MAX	64
#define GWP_ST_JOBS_MAX		65536
#define GWP_ST_WORKERS_MAX	64
#define GWP_ST_CAPACITY_MAX	4096
#define GWP_ST_MS_MAX		60000
#define GWP_ST_WORK_US		100	/* a job works 0 .. this long */
#define GWP_ST_CTX_US		500	/* a submit's deadline, 0 .. this */
#define GWP_ST_GAP_US_MAX	100000	/* a submitter's pause, at most */
#define GWP_ST_EXIT_MS		100	/* workers above a lowered max are gone */

enum gwp_st_inject {
	GWP_INJ_NONE,
	GWP_INJ_TWICE,
	GWP_INJ_LOST,
	GWP_INJ_COUNT,
	GWP_INJ_LATE,
	GWP_INJ_WORKERS,
	GWP_INJ_THREADS,
	GWP_INJ_CAUSE,
	GWP_INJ_DROPPED,
	GWP_NR_INJECT,
};

static const char *const gwp_st_inject_names[GWP_NR_INJECT] = {
	[GWP_INJ_NONE] = "none",
	[GWP_INJ_TWICE] = "twice",
	[GWP_INJ_LOST] = "lost",
	[GWP_INJ_COUNT] = "count",
	[GWP_INJ_LATE] = "late",
	[GWP_INJ_WORKERS] = "workers",
	[GWP_INJ_THREADS] = "threads",
	[GWP_INJ_CAUSE] = "cause",
	[GWP_INJ_DROPPED] = "dropped",
};

/* The arguments of wpool/stress, by their keys (gwp_st_params). */
struct gwp_st_args {
	u32 threads;
	u32 duration_ms;
	u32 jobs;
	u32 min;
	u32 max;
	u32 capacity;
	u32 try_pct;
	u32 ctx_pct;
	u32 watch_pct;
	u32 shutdown_ms;
	u32 drain_ms;
	u32 idle_ms;
	u32 grow_us;
	u32 resize;
	u32 gap_us;
	u32 seed;
	u32 inject;
};

static const struct gwp_st_args gwp_st_defaults = {
	.threads = 3, .duration_ms = 300, .jobs = 4096, .min = 1, .max = 4,
	.capacity = 16, .try_pct = 30, .ctx_pct = 20, .watch_pct = 10,
	.drain_ms = 5, .idle_ms = 5, .grow_us = 200, .resize = 1, .seed = 1,
};

static const struct gosync_param gwp_st_params[] = {
	GOSYNC_ARG_U32("threads", struct gwp_st_args, threads, 2,
		       GWP_ST_THREADS_MAX, false),
	GOSYNC_ARG_U32("duration_ms", struct gwp_st_args, duration_ms, 1,
		       GWP_ST_MS_MAX, false),
	GOSYNC_ARG_U32("jobs", struct gwp_st_args, jobs, 1, GWP_ST_JOBS_MAX,
		       false),
	GOSYNC_ARG_U32("min", struct gwp_st_args, min, 0, GWP_ST_WORKERS_MAX,
		       false),
	GOSYNC_ARG_U32("max", struct gwp_st_args, max, 1, GWP_ST_WORKERS_MAX,
		       false),
	GOSYNC_ARG_U32("capacity", struct gwp_st_args, capacity, 1,
		       GWP_ST_CAPACITY_MAX, false),
	GOSYNC_ARG_U32("try_pct", struct gwp_st_args, try_pct, 0, 100, false),
	GOSYNC_ARG_U32("ctx_pct", struct gwp_st_args, ctx_pct, 0, 100, false),
	GOSYNC_ARG_U32("watch_pct", struct gwp_st_args, watch_pct, 0, 100,
		       false),
	GOSYNC_ARG_U32("shutdown_ms", struct gwp_st_args, shutdown_ms, 0,
		       GWP_ST_MS_MAX, false),
	GOSYNC_ARG_U32("drain_ms", struct gwp_st_args, drain_ms, 0,
		       GWP_ST_MS_MAX, false),
	GOSYNC_ARG_U32("idle_ms", struct gwp_st_args, idle_ms, 1,
		       GWP_ST_MS_MAX, false),
	GOSYNC_ARG_U32("grow_us", struct gwp_st_args, grow_us, 0,
		       GOSYNC_WPOOL_MAX_GROW_DELAY_US, false),
	GOSYNC_ARG_U32("resize", struct gwp_st_args, resize, 0, 1, false),
	GOSYNC_ARG_U32("gap_us", struct gwp_st_args, gap_us, 0,
		       GWP_ST_GAP_US_MAX, false),
	GOSYNC_ARG_U32("seed", struct gwp_st_args, seed, 0, U32_MAX, false),
	GOSYNC_ARG_ENUM("inject", struct gwp_st_args, inject,
			gwp_st_inject_names, GWP_NR_INJECT),
};

static int gwp_st_args_check(void *args, struct seq_buf *out, const char *who)
{
	struct gwp_st_args *a = args;

	if (a->min > a->max) {
		gosync_report(out, who, "stress: min %u > max %u", a->min, a->max);
		return -ERANGE;
	}
	if (a->shutdown_ms > a->duration_ms) {
		gosync_report(out, who, "stress: shutdown_ms %u > duration_ms %u",
			      a->shutdown_ms, a->duration_ms);
		return -ERANGE;
	}
	if (!a->shutdown_ms)
		a->shutdown_ms = a->duration_ms;
	return 0;
}

/* The arguments of wpool/stress; the fuzzers run them too. */
const struct gosync_args gosync_wpool_stress_args =
	GOSYNC_ARGS(gwp_st_params, struct gwp_st_args, &gwp_st_defaults,
		    gwp_st_args_check);

struct gwp_st_state;

/* One job: what its submit and its run recorded. */
struct gwp_st_job {
	struct gosync_wpool_job job;
	struct gwp_st_state *s;
	u32 work_us;
	bool watch;
	int submit_ret;
	atomic_t ran;
	atomic_t dropped;
	int cause;		/* the pool context's cause it saw */
	bool late;		/* it ran or was dropped after shutdown returned */
};

/* One submitter. */
struct gwp_st_thread {
	struct gwp_st_job *job;		/* a.jobs of them */
	unsigned int submitted;		/* jobs it tried, once each */
	u64 busy;			/* try_submit's -EBUSY */
	u64 timedout;			/* a context's deadline */
};

struct gwp_st_state {
	struct gosync_wpool_opts o;
	struct gwp_st_args a;
	struct gosync_run run;
	struct gosync_violations v;
	struct gwp_st_thread *t;	/* a.threads of them (0: the controller) */
	struct gosync_wpool pool;
	struct gosync_ctx abort_ctx;	/* cancelled by a stopped run */
	bool shut;			/* shutdown returned */
	int shutdown_ret;
	u64 resizes;
	u64 samples;
	unsigned int min_seen_workers;
	unsigned int max_seen_workers;
};

#define gwp_fail(s, fmt, ...) \
	gosync_violation(&(s)->v, fmt, ##__VA_ARGS__)

/* After shutdown returned, nothing of the pool's runs. */
static void gwp_st_check_late(struct gwp_st_state *s, struct gwp_st_job *j,
			      bool late, const char *what)
{
	if (late) {
		j->late = true;
		gwp_fail(s, "a job %s after shutdown returned", what);
	}
}

static void gwp_st_job_fn(struct gosync_ctx *ctx, struct gosync_wpool_job *job)
{
	struct gwp_st_job *j = container_of(job, struct gwp_st_job, job);
	struct gwp_st_state *s = j->s;

	/* Pairs with smp_store_release() after shutdown returned. */
	gwp_st_check_late(s, j, smp_load_acquire(&s->shut), "ran");
	if (j->watch)
		gosync_ctx_wait_timeout(ctx, 1 + j->work_us % 2);
	else if (j->work_us)
		usleep_range(j->work_us, j->work_us + 10);
	j->cause = gosync_ctx_err(ctx);
	atomic_inc(&j->ran);
}

static void gwp_st_drop(struct gosync_wpool_job *job, int cause)
{
	struct gwp_st_job *j = container_of(job, struct gwp_st_job, job);

	/* Pairs with smp_store_release() after shutdown returned. */
	gwp_st_check_late(j->s, j, smp_load_acquire(&j->s->shut), "was dropped");
	atomic_inc(&j->dropped);
}

/* An accepted job ran once or was dropped once; a refused one neither. */
static void gwp_st_check_job(struct gwp_st_state *s, unsigned int tid,
			     unsigned int idx, int submit_ret, int ran,
			     int dropped)
{
	int want = submit_ret ? 0 : 1;

	if (ran + dropped != want || ran > 1 || dropped > 1)
		gwp_fail(s, "submitter %u job %u: submit %d, ran %d, dropped %d",
			 tid, idx, submit_ret, ran, dropped);
}

/* Per submitter: run + dropped + refused == submitted. */
static void gwp_st_check_count(struct gwp_st_state *s, unsigned int tid,
			       unsigned int ran, unsigned int dropped,
			       unsigned int refused, unsigned int submitted)
{
	if (ran + dropped + refused != submitted)
		gwp_fail(s, "submitter %u: %u ran + %u dropped + %u refused != %u submitted",
			 tid, ran, dropped, refused, submitted);
}

/* A job sees its pool's context live, or cancelled by shutdown. */
static void gwp_st_check_cause(struct gwp_st_state *s, int cause)
{
	if (cause && cause != -ESHUTDOWN)
		gwp_fail(s, "a job saw its context cancelled with %d", cause);
}

/* While the pool runs: min <= workers <= max. */
static void gwp_st_check_workers(struct gwp_st_state *s,
				 const struct gosync_wpool_stats *st,
				 unsigned int max)
{
	if (st->workers > max || st->peak_workers > s->a.max ||
	    st->workers < st->min)
		gwp_fail(s, "%u workers (peak %u), min %u max %u", st->workers,
			 st->peak_workers, st->min, max);
}

/* After shutdown: no worker, no thread; its count is the drops. */
static void gwp_st_check_end(struct gwp_st_state *s,
			     const struct gosync_wpool_stats *st,
			     int shutdown_ret, u64 dropped_seen)
{
	if (st->workers || st->threads || st->queued || st->running)
		gwp_fail(s, "after shutdown: %u workers, %u threads, %u queued, %u running",
			 st->workers, st->threads, st->queued,
			 st->running);
	if (shutdown_ret != dropped_seen || st->dropped != dropped_seen ||
	    st->done + st->dropped != st->submitted)
		gwp_fail(s,
			 "shutdown returned %d, %llu seen dropped; pool: %llu submitted, %llu done, %llu dropped",
			 shutdown_ret, dropped_seen, st->submitted, st->done,
			 st->dropped);
}

/* One submit: try, blocking, or blocking under a deadline. */
static int gwp_st_submit(struct gwp_st_state *s, struct gwp_st_thread *t,
			 struct gwp_st_job *j, u32 h)
{
	struct gosync_ctx ctx;
	int ret;

	if (h % 100 < s->a.try_pct) {
		ret = gosync_wpool_try_submit(&s->pool, &j->job);
		if (ret != -EBUSY)
			return ret;
		t->busy++;
	}
	if ((h >> 8) % 100 >= s->a.ctx_pct)
		return gosync_wpool_submit(&s->pool, &j->job, &s->abort_ctx);
	gosync_ctx_init(&ctx, &s->abort_ctx);
	gosync_ctx_set_deadline(&ctx, ktime_add_us(ktime_get(),
						   (h >> 16) % GWP_ST_CTX_US));
	ret = gosync_wpool_submit(&s->pool, &j->job, &ctx);
	gosync_ctx_put(&ctx);
	if (ret == -ETIMEDOUT)
		t->timedout++;
	return ret;
}

static void gwp_st_submitter(struct gwp_st_state *s, unsigned int tid)
{
	struct gwp_st_thread *t = &s->t[tid];
	unsigned int i;

	for (i = 0; i < s->a.jobs; i++) {
		struct gwp_st_job *j = &t->job[i];
		u32 h = gosync_hash32(s->a.seed, (u64)tid << 32 | i);

		j->s = s;
		j->work_us = (h >> 20) % GWP_ST_WORK_US;
		j->watch = (h >> 12) % 100 < s->a.watch_pct;
		gosync_wpool_job_init(&j->job, gwp_st_job_fn);
		j->submit_ret = gwp_st_submit(s, t, j, h);
		t->submitted++;
		if (j->submit_ret == -ESHUTDOWN || gosync_ctx_err(&s->abort_ctx))
			break;
		/* Pauses let workers go idle, time out and exit. */
		if (s->a.gap_us && !(h >> 29))
			usleep_range(s->a.gap_us / 2, s->a.gap_us);
		else if (!(i % 64))
			cond_resched();
	}
}

static void gwp_st_sample(struct gwp_st_state *s, unsigned int max)
{
	struct gosync_wpool_stats st;

	gosync_wpool_stats(&s->pool, &st);
	gwp_st_check_workers(s, &st, max);
	s->samples++;
	s->min_seen_workers = min(s->min_seen_workers, st.workers);
	s->max_seen_workers = max(s->max_seen_workers, st.workers);
}

/*
 * The controller: resizes and samples until shutdown_ms, shuts down,
 * marks it. Workers above a lowered max exit as they finish their job:
 * the bound checked is the highest max of the last GWP_ST_EXIT_MS.
 */
static void gwp_st_controller(struct gwp_st_state *s)
{
	unsigned long start = jiffies, lowered = jiffies;
	unsigned long end = start + msecs_to_jiffies(s->a.shutdown_ms);
	unsigned int max = s->a.max, hi = s->a.max, n = 0;

	while (time_before(jiffies, end) && !gosync_ctx_err(&s->abort_ctx)) {
		u32 h = gosync_hash32(s->a.seed ^ 0x5a5a, n++);

		if (time_after(jiffies, lowered + msecs_to_jiffies(GWP_ST_EXIT_MS)))
			hi = max;
		gwp_st_sample(s, hi);
		if (s->a.resize && h % 4 == 0) {
			unsigned int nmin = (h >> 8) % (s->a.min + 1);
			unsigned int nmax = nmin + (h >> 16) % (s->a.max - nmin + 1);
			int ret;

			nmax = max(nmax, 1U);
			ret = gosync_wpool_resize(&s->pool, nmin, nmax);
			if (ret && ret != -ENOMEM && ret != -EAGAIN)
				gwp_fail(s, "resize(%u, %u) returned %d", nmin,
					 nmax, ret);
			if (nmax < max)
				lowered = jiffies;
			hi = max(hi, nmax);
			max = nmax;
			s->resizes++;
			gwp_st_sample(s, hi);
		}
		usleep_range(500, 1500);
	}
	s->shutdown_ret = gosync_wpool_shutdown(&s->pool, NULL,
						msecs_to_jiffies(s->a.drain_ms));
	/* Pairs with smp_load_acquire() in the job and drop functions. */
	smp_store_release(&s->shut, true);
}

static int gwp_st_body(struct gosync_run_thread *rt)
{
	struct gwp_st_state *s = rt->run->data;

	if (rt->id == 0)
		gwp_st_controller(s);
	else
		gwp_st_submitter(s, rt->id);
	rt->ops++;
	return 0;
}

/* A stopped run: blocked submitters and the controller give up. */
static void gwp_st_abort(struct gosync_run *run)
{
	struct gwp_st_state *s = run->data;

	gosync_ctx_cancel(&s->abort_ctx, -EINTR);
}

/* Judge every job once the run is over and the pool shut down. */
static void gwp_st_judge(struct gwp_st_state *s, u64 *ran_total,
			 u64 *dropped_total, u64 *refused_total)
{
	struct gosync_wpool_stats st;
	unsigned int tid, i;

	for (tid = 1; tid < s->a.threads; tid++) {
		struct gwp_st_thread *t = &s->t[tid];
		unsigned int ran = 0, dropped = 0, refused = 0;

		for (i = 0; i < t->submitted; i++) {
			struct gwp_st_job *j = &t->job[i];
			int r = atomic_read(&j->ran), d = atomic_read(&j->dropped);

			gwp_st_check_job(s, tid, i, j->submit_ret, r, d);
			if (r)
				gwp_st_check_cause(s, j->cause);
			ran += r;
			dropped += d;
			refused += j->submit_ret != 0;
		}
		gwp_st_check_count(s, tid, ran, dropped, refused, t->submitted);
		*ran_total += ran;
		*dropped_total += dropped;
		*refused_total += refused;
	}
	gosync_wpool_stats(&s->pool, &st);
	gwp_st_check_end(s, &st, s->shutdown_ret, *dropped_total);
}

/* Plant the violation inject= asks for, through the check that finds it. */
static void gwp_st_inject(struct gwp_st_state *s)
{
	struct gosync_wpool_stats st = { .workers = s->a.max + 1,
					 .min = s->a.min };
	struct gwp_st_job j = {};

	switch (s->a.inject) {
	case GWP_INJ_TWICE:
		gwp_st_check_job(s, 1, 0, 0, 2, 0);
		break;
	case GWP_INJ_LOST:
		gwp_st_check_job(s, 1, 0, 0, 0, 0);
		break;
	case GWP_INJ_COUNT:
		gwp_st_check_count(s, 1, 3, 1, 0, 5);
		break;
	case GWP_INJ_LATE:
		gwp_st_check_late(s, &j, true, "ran");
		break;
	case GWP_INJ_WORKERS:
		gwp_st_check_workers(s, &st, s->a.max);
		break;
	case GWP_INJ_THREADS:
		st = (struct gosync_wpool_stats){ .threads = 1 };
		gwp_st_check_end(s, &st, 0, 0);
		break;
	case GWP_INJ_CAUSE:
		gwp_st_check_cause(s, -EIO);
		break;
	case GWP_INJ_DROPPED:
		/* Shutdown counted one drop the drop callback never saw. */
		st = (struct gosync_wpool_stats){ .dropped = 1, .submitted = 1 };
		gwp_st_check_end(s, &st, 1, 0);
		break;
	}
}

static int gwp_st_exec(struct gosync_cmd_file *f, char *line,
		       struct seq_buf *out)
{
	u64 ran = 0, dropped = 0, refused = 0, busy = 0, timedout = 0;
	struct gosync_wpool_stats st;
	struct gwp_st_state *s;
	struct gwp_st_args a;
	unsigned int i;
	int ret, err;

	ret = gosync_args_parse(&gosync_wpool_stress_args, line, &a, out,
				f->who);
	if (ret)
		return ret;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->t = kcalloc(a.threads, sizeof(*s->t), GFP_KERNEL);
	if (!s->t) {
		kfree(s);
		return -ENOMEM;
	}
	ret = -ENOMEM;
	for (i = 1; i < a.threads; i++) {
		s->t[i].job = kvcalloc(a.jobs, sizeof(*s->t[i].job), GFP_KERNEL);
		if (!s->t[i].job)
			goto free;
	}
	s->a = a;
	s->min_seen_workers = UINT_MAX;
	s->o = (struct gosync_wpool_opts){
		.name = "stress", .min = a.min, .max = a.max,
		.capacity = a.capacity, .grow_delay_us = a.grow_us,
		.idle_ms = a.idle_ms, .drop = gwp_st_drop,
	};
	gosync_ctx_init(&s->abort_ctx, NULL);
	ret = gosync_wpool_init(&s->pool, NULL, &s->o);
	if (ret) {
		gosync_report(out, f->who, "stress: init returned %d", ret);
		goto put;
	}
	gosync_violations_init(&s->v, "wpool: stress");
	s->run = (struct gosync_run){
		.name = "wpool", .nr_threads = a.threads, .body = gwp_st_body,
		.abort = gwp_st_abort, .data = s, .v = &s->v,
	};
	ret = gosync_run_threads(&s->run);
	/* A run that did not start, or stopped early: shut down here. */
	if (!READ_ONCE(s->shut)) {
		s->shutdown_ret = gosync_wpool_shutdown(&s->pool, NULL, 0);
		/* Pairs with smp_load_acquire() in the job and drop functions. */
		smp_store_release(&s->shut, true);
	}
	if (!s->run.go) {
		gosync_report(out, f->who, "stress: no threads (%d)", ret);
		goto destroy;
	}
	gwp_st_judge(s, &ran, &dropped, &refused);
	if (!ret)
		gwp_st_inject(s);
	for (i = 1; i < a.threads; i++) {
		busy += s->t[i].busy;
		timedout += s->t[i].timedout;
	}
	gosync_wpool_stats(&s->pool, &st);
	err = gosync_run_result(&s->run, out,
				"threads=%u duration_ms=%u min=%u max=%u capacity=%u submitted=%llu ran=%llu dropped=%llu refused=%llu busy=%llu timedout=%llu resizes=%llu samples=%llu workers_seen=%u-%u peak_workers=%u spawned=%llu retired=%llu",
				a.threads, a.duration_ms, a.min, a.max,
				a.capacity, ran + dropped + refused, ran,
				dropped, refused, busy, timedout, s->resizes,
				s->samples,
				s->samples ? s->min_seen_workers : 0,
				s->max_seen_workers, st.peak_workers,
				st.spawned, st.retired);
	if (!ret)
		ret = err;
destroy:
	gosync_run_free(&s->run);
	gosync_wpool_destroy(&s->pool);
put:
	gosync_ctx_put(&s->abort_ctx);
free:
	for (i = 1; i < a.threads; i++)
		kvfree(s->t[i].job);
	kfree(s->t);
	kfree(s);
	return ret;
}

/* Nothing outlives a run: no init or exit. */
DEFINE_GOSYNC_COMPONENT(wpool) = {
	.name = "wpool",
	.files = (struct gosync_cmd_file []){
		{ .name = "stress", .exec = gwp_st_exec },
		{}
	},
};
