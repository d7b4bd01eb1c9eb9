// SPDX-License-Identifier: GPL-2.0
/*
 * gosync_group in gosync_test.ko: /sys/kernel/debug/gosync_test/group/,
 * its checks and inject= points on the runner (runner.h).
 *
 * The stress: every thread runs rounds of a fresh group (allocated for
 * the round, freed right after its wait and destroy, so that a job
 * touching it late is a use after free for KASAN). Each round submits
 * jobs= jobs (go, or try_go falling back to go when full); each job
 * works a random while, watching the group's context or ignoring it, and
 * fails with an error that names it (GGRP_ST_ERR + its index) at
 * fail_pct percent. After the wait, everything the jobs and the go calls
 * recorded is judged exactly.
 *
 * Its command file, its grammar and what each run checks are documented
 * for their users in kmod/test/README.md, "group".
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
#include <gosync/group.h>

#include "cmdfile.h"
#include "internal.h"
#include "parse.h"
#include "runner.h"
#include "test.h"

#define GGRP_ST_THREADS_MAX	64
#define GGRP_ST_JOBS_MAX	256
#define GGRP_ST_ROUNDS_MAX	100000
#define GGRP_ST_WORK_US		200	/* a job works 0 .. this long */
#define GGRP_ST_ERR		1024	/* job i fails with -(this + i) */

enum ggrp_st_mode {
	GGRP_ST_WQ,
	GGRP_ST_KTHREAD,
	GGRP_ST_NR_MODES,
};

static const char *const ggrp_st_mode_names[GGRP_ST_NR_MODES] = {
	[GGRP_ST_WQ] = "wq",
	[GGRP_ST_KTHREAD] = "kthread",
};

enum ggrp_st_inject {
	GGRP_INJ_NONE,
	GGRP_INJ_TWICE,
	GGRP_INJ_LIMIT,
	GGRP_INJ_FIRST,
	GGRP_INJ_COUNT,
	GGRP_INJ_CAUSE,
	GGRP_INJ_EARLY,
	GGRP_NR_INJECT,
};

static const char *const ggrp_st_inject_names[GGRP_NR_INJECT] = {
	[GGRP_INJ_NONE] = "none",
	[GGRP_INJ_TWICE] = "twice",
	[GGRP_INJ_LIMIT] = "limit",
	[GGRP_INJ_FIRST] = "first",
	[GGRP_INJ_COUNT] = "count",
	[GGRP_INJ_CAUSE] = "cause",
	[GGRP_INJ_EARLY] = "early",
};

/* The arguments of group/stress, by their keys (ggrp_st_params). */
struct ggrp_st_args {
	u32 threads;
	u32 rounds;
	u32 jobs;
	u32 limit;
	u32 fail_pct;
	u32 mode;
	u32 seed;
	u32 inject;
};

static const struct ggrp_st_args ggrp_st_defaults = {
	.threads = 2, .rounds = 20, .jobs = 32, .limit = 4, .fail_pct = 10,
	.seed = 1,
};

static const struct gosync_param ggrp_st_params[] = {
	GOSYNC_ARG_U32("threads", struct ggrp_st_args, threads, 1,
		       GGRP_ST_THREADS_MAX, false),
	GOSYNC_ARG_U32("rounds", struct ggrp_st_args, rounds, 1,
		       GGRP_ST_ROUNDS_MAX, false),
	GOSYNC_ARG_U32("jobs", struct ggrp_st_args, jobs, 1, GGRP_ST_JOBS_MAX,
		       false),
	GOSYNC_ARG_U32("limit", struct ggrp_st_args, limit, 0,
		       GGRP_ST_JOBS_MAX, false),
	GOSYNC_ARG_U32("fail_pct", struct ggrp_st_args, fail_pct, 0, 100,
		       false),
	GOSYNC_ARG_ENUM("mode", struct ggrp_st_args, mode, ggrp_st_mode_names,
			GGRP_ST_NR_MODES),
	GOSYNC_ARG_U32("seed", struct ggrp_st_args, seed, 0, U32_MAX, false),
	GOSYNC_ARG_ENUM("inject", struct ggrp_st_args, inject,
			ggrp_st_inject_names, GGRP_NR_INJECT),
};

/* The arguments of group/stress; the fuzzers run them too. */
const struct gosync_args gosync_group_stress_args =
	GOSYNC_ARGS(ggrp_st_params, struct ggrp_st_args, &ggrp_st_defaults,
		    NULL);

struct ggrp_st_thread;

/* One job of a round: what its go call and its run recorded. */
struct ggrp_st_job {
	struct ggrp_st_thread *t;
	unsigned int idx;
	u32 work_us;
	bool fail;		/* it returns -(GGRP_ST_ERR + idx) */
	bool watch;		/* it waits on the context, else ignores it */
	int go_ret;		/* its go call's return */
	int pre_err;		/* the context's cause before its go call */
	atomic_t ran;
	int entry_err;		/* the context's cause when it started */
	int exit_err;		/* ... when it returned */
	bool ended;		/* published with release at its end */
};

/* One thread: its rounds, one group at a time. */
struct ggrp_st_thread {
	struct ggrp_st_state *s;
	unsigned int id;
	struct ggrp_st_job *job;	/* a.jobs of them */
	atomic_t running;
	atomic_t max_running;
};

struct ggrp_st_state {
	struct ggrp_st_args a;
	struct gosync_run run;
	struct gosync_violations v;
	struct ggrp_st_thread *t;	/* a.threads of them */
	bool abort;
	/* Totals for the result line. */
	atomic64_t groups;
	atomic64_t started;
	atomic64_t refused;
	atomic64_t nomem;
	atomic64_t failed;
	atomic64_t cancelled;		/* rounds ended by a job's error */
	atomic_t max_running;
};

#define ggrp_fail(s, fmt, ...) \
	gosync_violation(&(s)->v, fmt, ##__VA_ARGS__)

static int ggrp_st_job_fn(struct gosync_ctx *ctx, void *arg)
{
	struct ggrp_st_job *j = arg;
	struct ggrp_st_thread *t = j->t;
	int now = atomic_inc_return(&t->running);
	int max = atomic_read(&t->max_running);

	while (now > max && !atomic_try_cmpxchg(&t->max_running, &max, now))
		;
	atomic_inc(&j->ran);
	j->entry_err = gosync_ctx_err(ctx);
	if (j->watch)
		gosync_ctx_wait_timeout(ctx, usecs_to_jiffies(j->work_us));
	else if (j->work_us)
		usleep_range(j->work_us, j->work_us + 10);
	j->exit_err = gosync_ctx_err(ctx);
	atomic_dec(&t->running);
	/* Pairs with smp_load_acquire() in ggrp_st_check_job(). */
	smp_store_release(&j->ended, true);
	return j->fail ? -(GGRP_ST_ERR + (int)j->idx) : 0;
}

/* Each started job ran once and ended; a refused one never ran. */
static void ggrp_st_check_job(struct ggrp_st_state *s, u32 round,
			      struct ggrp_st_job *j, int ran, bool ended)
{
	int want = j->go_ret ? 0 : 1;

	if (ran != want)
		ggrp_fail(s, "round %u: job %u ran %d times, go returned %d",
			  round, j->idx, ran, j->go_ret);
	else if (want && !ended)
		ggrp_fail(s, "round %u: wait returned before job %u ended",
			  round, j->idx);
}

/* Never more jobs at once than the limit. */
static void ggrp_st_check_limit(struct ggrp_st_state *s, u32 round, int max)
{
	if (s->a.limit && max > s->a.limit)
		ggrp_fail(s, "round %u: %d jobs ran at once, limit %u", round,
			  max, s->a.limit);
}

/*
 * Wait's error is the first: a failed job's, which saw the context live
 * when it returned (any cancellation comes after the first error's
 * return); 0 if no started job failed; the context's cause the same.
 */
static void ggrp_st_check_first(struct ggrp_st_state *s, u32 round, int ret,
				int cause, bool any_failed,
				struct ggrp_st_job *job)
{
	int w = -ret - GGRP_ST_ERR;

	if (!ret && !any_failed)
		return;
	if (!ret || w < 0 || w >= s->a.jobs || !job[w].fail || job[w].go_ret ||
	    job[w].exit_err || cause != ret)
		ggrp_fail(s, "round %u: wait returned %d, the context %d, failed jobs %s",
			  round, ret, cause, any_failed ? "some" : "none");
}

/* Submitted = started + refused; a go call in a cancelled group refused. */
static void ggrp_st_check_count(struct ggrp_st_state *s, u32 round,
				unsigned int started, unsigned int refused,
				unsigned int submitted)
{
	if (started + refused != submitted)
		ggrp_fail(s, "round %u: %u started + %u refused != %u submitted",
			  round, started, refused, submitted);
}

/* A job, or a go call, saw no cause but the first error. */
static void ggrp_st_check_cause(struct ggrp_st_state *s, u32 round,
				unsigned int idx, const char *what, int seen,
				int first)
{
	if (seen && seen != first)
		ggrp_fail(s, "round %u: job %u saw %d at %s, the first error %d",
			  round, idx, seen, what, first);
}

/* A go call into a cancelled group started nothing. */
static void ggrp_st_check_refused(struct ggrp_st_state *s, u32 round,
				  struct ggrp_st_job *j)
{
	if (j->pre_err && j->go_ret != j->pre_err)
		ggrp_fail(s, "round %u: go of job %u returned %d in a group cancelled with %d",
			  round, j->idx, j->go_ret, j->pre_err);
}

static int ggrp_st_submit(struct gosync_group *g, struct ggrp_st_job *j,
			  bool try)
{
	int ret;

	if (try) {
		ret = gosync_group_try_go(g, ggrp_st_job_fn, j);
		if (ret != -EBUSY)
			return ret;
	}
	return gosync_group_go(g, ggrp_st_job_fn, j);
}

static void ggrp_st_round(struct ggrp_st_thread *t, u32 round)
{
	struct ggrp_st_state *s = t->s;
	const struct gosync_group_opts o = {
		.limit = s->a.limit,
		.flags = s->a.mode == GGRP_ST_KTHREAD ? GOSYNC_GROUP_KTHREAD : 0,
	};
	unsigned int i, started = 0, refused = 0, max;
	u64 key = ((u64)t->id << 32 | round) * GGRP_ST_JOBS_MAX;
	struct gosync_group *g;
	bool any_failed = false;
	int ret, cause;

	g = kzalloc(sizeof(*g), GFP_KERNEL);
	if (!g) {
		atomic64_inc(&s->nomem);
		return;
	}
	atomic_set(&t->running, 0);
	atomic_set(&t->max_running, 0);
	ret = gosync_group_init(g, NULL, &o);
	if (ret) {
		ggrp_fail(s, "round %u: init returned %d", round, ret);
		kfree(g);
		return;
	}
	for (i = 0; i < s->a.jobs; i++) {
		struct ggrp_st_job *j = &t->job[i];
		u32 h = gosync_hash32(s->a.seed, key + i);

		*j = (struct ggrp_st_job){
			.t = t, .idx = i, .work_us = h % GGRP_ST_WORK_US,
			.fail = (h >> 8) % 100 < s->a.fail_pct,
			.watch = h & BIT(30),
		};
		j->pre_err = gosync_ctx_err(gosync_group_ctx(g));
		j->go_ret = ggrp_st_submit(g, j, h & BIT(31));
		if (!j->go_ret) {
			started++;
			any_failed |= j->fail;
		} else if (j->go_ret == -ENOMEM || j->go_ret == -EAGAIN) {
			atomic64_inc(&s->nomem);
			refused++;
		} else {
			refused++;
		}
	}
	ret = gosync_group_wait(g);
	cause = gosync_ctx_err(gosync_group_ctx(g));
	max = atomic_read(&t->max_running);
	if (gosync_group_destroy(g))
		ggrp_fail(s, "round %u: destroy after wait refused", round);
	else
		kfree(g);	/* no job may touch it now (KASAN) */
	ggrp_st_check_count(s, round, started, refused, s->a.jobs);
	ggrp_st_check_limit(s, round, max);
	ggrp_st_check_first(s, round, ret, cause, any_failed, t->job);
	for (i = 0; i < s->a.jobs; i++) {
		struct ggrp_st_job *j = &t->job[i];
		/* Pairs with smp_store_release() in ggrp_st_job_fn(). */
		bool ended = smp_load_acquire(&j->ended);

		ggrp_st_check_job(s, round, j, atomic_read(&j->ran), ended);
		ggrp_st_check_refused(s, round, j);
		if (j->go_ret == -ENOMEM || j->go_ret == -EAGAIN)
			continue;
		ggrp_st_check_cause(s, round, i, "its go call", j->go_ret, ret);
		if (!j->go_ret) {
			ggrp_st_check_cause(s, round, i, "its start", j->entry_err, ret);
			ggrp_st_check_cause(s, round, i, "its end", j->exit_err, ret);
			if (j->fail)
				atomic64_inc(&s->failed);
		}
	}
	if (atomic_read(&t->running))
		ggrp_fail(s, "round %u: %d jobs still ran after wait", round,
			  atomic_read(&t->running));
	atomic64_inc(&s->groups);
	atomic64_add(started, &s->started);
	atomic64_add(refused, &s->refused);
	if (ret)
		atomic64_inc(&s->cancelled);
	for (;;) {
		int m = atomic_read(&s->max_running);

		if (max <= m || atomic_try_cmpxchg(&s->max_running, &m, max))
			break;
	}
}

static int ggrp_st_body(struct gosync_run_thread *rt)
{
	struct ggrp_st_state *s = rt->run->data;
	struct ggrp_st_thread *t = &s->t[rt->id];
	u32 r;

	for (r = 1; r <= s->a.rounds && !READ_ONCE(s->abort); r++) {
		ggrp_st_round(t, r);
		rt->ops++;
		cond_resched();
	}
	return 0;
}

/* A stopped run: no thread starts another round. */
static void ggrp_st_abort(struct gosync_run *run)
{
	struct ggrp_st_state *s = run->data;

	WRITE_ONCE(s->abort, true);
}

/* Plant the violation inject= asks for, through the check that finds it. */
static void ggrp_st_inject(struct ggrp_st_state *s)
{
	struct ggrp_st_job j[2] = {
		{ .idx = 0, .fail = true },
		{ .idx = 1, .fail = true },
	};

	switch (s->a.inject) {
	case GGRP_INJ_TWICE:
		ggrp_st_check_job(s, 0, &j[0], 2, true);
		break;
	case GGRP_INJ_LIMIT:
		ggrp_st_check_limit(s, 0, s->a.limit ? s->a.limit + 1 : 0);
		if (!s->a.limit)
			ggrp_fail(s, "round 0: inject=limit needs limit=");
		break;
	case GGRP_INJ_FIRST:
		/* Job 1 returned after the cancel: it cannot be the first. */
		j[1].exit_err = -GGRP_ST_ERR;
		ggrp_st_check_first(s, 0, -GGRP_ST_ERR - 1, -GGRP_ST_ERR - 1,
				    true, j);
		break;
	case GGRP_INJ_COUNT:
		ggrp_st_check_count(s, 0, 3, 1, 5);
		break;
	case GGRP_INJ_CAUSE:
		ggrp_st_check_cause(s, 0, 1, "its end", -EIO, -GGRP_ST_ERR);
		break;
	case GGRP_INJ_EARLY:
		ggrp_st_check_job(s, 0, &j[0], 1, false);
		break;
	}
}

static int ggrp_st_exec(struct gosync_cmd_file *f, char *line,
			struct seq_buf *out)
{
	struct ggrp_st_state *s;
	struct ggrp_st_args a;
	unsigned int i;
	int ret, err;

	ret = gosync_args_parse(&gosync_group_stress_args, line, &a, out,
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
	for (i = 0; i < a.threads; i++) {
		s->t[i].s = s;
		s->t[i].id = i;
		s->t[i].job = kcalloc(a.jobs, sizeof(*s->t[i].job), GFP_KERNEL);
		if (!s->t[i].job)
			goto free;
	}
	s->a = a;
	gosync_violations_init(&s->v, "group: stress");
	s->run = (struct gosync_run){
		.name = "group", .nr_threads = a.threads, .body = ggrp_st_body,
		.abort = ggrp_st_abort, .data = s, .v = &s->v,
	};
	ret = gosync_run_threads(&s->run);
	if (!s->run.go) {
		gosync_report(out, f->who, "stress: no threads (%d)", ret);
		goto out;
	}
	if (!ret)
		ggrp_st_inject(s);
	err = gosync_run_result(&s->run, out,
				"threads=%u rounds=%u jobs=%u limit=%u fail_pct=%u mode=%s groups=%lld started=%lld refused=%lld nomem=%lld failed=%lld cancelled=%lld max_running=%d",
				a.threads, a.rounds, a.jobs, a.limit, a.fail_pct,
				ggrp_st_mode_names[a.mode],
				atomic64_read(&s->groups),
				atomic64_read(&s->started),
				atomic64_read(&s->refused),
				atomic64_read(&s->nomem),
				atomic64_read(&s->failed),
				atomic64_read(&s->cancelled),
				atomic_read(&s->max_running));
	if (!ret)
		ret = err;
out:
	gosync_run_free(&s->run);
free:
	for (i = 0; i < a.threads; i++)
		kfree(s->t[i].job);
	kfree(s->t);
	kfree(s);
	return ret;
}

/* Nothing outlives a run: no init or exit. */
DEFINE_GOSYNC_COMPONENT(group) = {
	.name = "group",
	.files = (struct gosync_cmd_file []){
		{ .name = "stress", .exec = ggrp_st_exec },
		{}
	},
};
