// SPDX-License-Identifier: GPL-2.0
/*
 * gosync_once in gosync_test.ko: /sys/kernel/debug/gosync_test/once/,
 * its checks and inject= points on the runner (runner.h).
 *
 * The stress: every thread calls every instance of a once, in order, so
 * that all of them pile onto each new instance together, the case that
 * matters (one runs, the others wait). Instances live in a ring of
 * GONCE_SLOTS slots; the last thread done with an instance judges it and
 * recycles its slot for the instance GONCE_SLOTS later, which the other
 * threads wait for. The function fails (-EIO) with probability fail_pct,
 * decided by the seed, the instance and the run. Its benchmark is in
 * bench/once_bench.c.
 *
 * Its command file, its grammar and what each run checks are documented
 * for their users in kmod/test/README.md, "once".
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/kernel.h>
#include <linux/seq_buf.h>
#include <linux/slab.h>

#include <gosync/once.h>

#include "cmdfile.h"
#include "internal.h"
#include "parse.h"
#include "runner.h"
#include "test.h"

#define GONCE_SLOTS	64
#define GONCE_MAX_MS	60000

/* inject=, a violation planted after the run through its check. */
enum gonce_inject {
	GONCE_INJ_NONE,
	GONCE_INJ_OVERLAP,
	GONCE_INJ_AFTER,
	GONCE_INJ_RESULT,
	GONCE_INJ_RUNS,
	GONCE_NR_INJECT,
};

static const char *const gonce_inject_names[GONCE_NR_INJECT] = {
	[GONCE_INJ_NONE] = "none",
	[GONCE_INJ_OVERLAP] = "overlap",
	[GONCE_INJ_AFTER] = "after",
	[GONCE_INJ_RESULT] = "result",
	[GONCE_INJ_RUNS] = "runs",
};

/* The arguments of once/stress, by their keys (gonce_params). */
struct gonce_args {
	u32 threads;
	u32 duration_ms;
	u32 fail_pct;
	u32 cache_err;
	u32 seed;
	u32 inject;
};

static const struct gonce_args gonce_defaults = {
	.duration_ms = 1000, .fail_pct = 30, .seed = 1,
};

static const struct gosync_param gonce_params[] = {
	GOSYNC_ARG_CPUS("threads", struct gonce_args, threads),
	GOSYNC_ARG_U32("duration_ms", struct gonce_args, duration_ms, 1,
		       GONCE_MAX_MS, false),
	GOSYNC_ARG_U32("fail_pct", struct gonce_args, fail_pct, 0, 100, false),
	GOSYNC_ARG_U32("cache_err", struct gonce_args, cache_err, 0, 1, false),
	GOSYNC_ARG_U32("seed", struct gonce_args, seed, 0, U32_MAX, false),
	GOSYNC_ARG_ENUM("inject", struct gonce_args, inject,
			gonce_inject_names, GONCE_NR_INJECT),
};

/* threads= is 0 until here when not given: every online CPU. */
static int gonce_check_args(void *args, struct seq_buf *out, const char *who)
{
	struct gonce_args *a = args;

	a->threads = a->threads ?: num_online_cpus();
	return 0;
}

/* The arguments of once/stress; the fuzzers run them too. */
const struct gosync_args gosync_once_stress_args =
	GOSYNC_ARGS(gonce_params, struct gonce_args, &gonce_defaults,
		    gonce_check_args);

/* One instance of a once, in its slot; counts of its runs and calls. */
struct gonce_slot {
	struct gosync_once once;
	struct gonce_state *s;
	u64 inst;		/* the instance it holds; release/acquire */
	int payload;		/* written by a successful run */
	atomic_t left;		/* threads yet to call it */
	atomic_t inside;	/* runs in progress */
	atomic_t runs;
	atomic_t ok_runs;
	atomic_t ok_calls;
	atomic_t err_calls;
} ____cacheline_aligned_in_smp;

/* One run. */
struct gonce_state {
	struct gonce_args a;
	unsigned int flags;
	struct gosync_run run;
	struct gosync_violations v;
	atomic64_t judged;	/* instances every thread called */
	atomic64_t runs;	/* runs of judged instances */
	atomic64_t failed;	/* failed runs of judged instances */
	struct gonce_slot slots[GONCE_SLOTS];
};

#define gonce_fail(s, fmt, ...) \
	gosync_violation(&(s)->v, fmt, ##__VA_ARGS__)

/* The value a successful run of instance @inst returns: never 0 or < 0. */
static int gonce_value(u64 inst)
{
	return (int)(inst % 1000000) + 1;
}

/* A run starts: alone (@inside 1) and before the result is final. */
static void gonce_check_enter(struct gonce_state *s, u64 inst, int inside,
			      bool done)
{
	if (inside != 1)
		gonce_fail(s, "instance %llu: a run started while %d ran",
			   inst, inside - 1);
	if (done)
		gonce_fail(s, "instance %llu: a run started after its result was final",
			   inst);
}

static int gonce_fn(void *arg)
{
	struct gonce_slot *slot = arg;
	struct gonce_state *s = slot->s;
	u64 inst = slot->inst;
	int r, ret;

	gonce_check_enter(s, inst, atomic_inc_return(&slot->inside),
			  gosync_once_done(&slot->once));
	r = atomic_inc_return(&slot->runs);
	if (gosync_hash32(s->a.seed, inst * 64 + min(r, 63)) % 100 <
	    s->a.fail_pct) {
		ret = -EIO;
	} else {
		ret = gonce_value(inst);
		WRITE_ONCE(slot->payload, ret);
		atomic_inc(&slot->ok_runs);
	}
	atomic_dec(&slot->inside);
	return ret;
}

/* A caller's result: the instance's value, or this run's -EIO. */
static void gonce_check_call(struct gonce_state *s, struct gonce_slot *slot,
			     u64 inst, int ret)
{
	bool cache = s->a.cache_err;

	if (ret >= 0) {
		if (ret != gonce_value(inst) ||
		    READ_ONCE(slot->payload) != ret)
			gonce_fail(s, "instance %llu: a caller got %d, value %d, payload %d",
				   inst, ret, gonce_value(inst),
				   READ_ONCE(slot->payload));
		else if (!gosync_once_done(&slot->once))
			gonce_fail(s, "instance %llu: a caller got %d, not done",
				   inst, ret);
		atomic_inc(&slot->ok_calls);
	} else if (ret == -EIO) {
		if (cache && gosync_once_result(&slot->once) != -EIO)
			gonce_fail(s, "instance %llu: -EIO not cached (result %d)",
				   inst, gosync_once_result(&slot->once));
		atomic_inc(&slot->err_calls);
	} else {
		gonce_fail(s, "instance %llu: a caller got %d", inst, ret);
	}
}

/*
 * Every thread called the instance: the counts must be exact. A success
 * is one run, final, returned to every caller after it; with cache_err
 * there is exactly one run, whose result every caller got; without, each
 * failed run returned its error to its own caller at least.
 */
static void gonce_judge(struct gonce_state *s, u64 inst, int runs,
			int ok_runs, int ok_calls, int err_calls, bool done)
{
	int n = s->a.threads;

	if (ok_runs > 1 || (ok_calls && ok_runs != 1) ||
	    ok_calls + err_calls != n || runs < 1 ||
	    err_calls < runs - ok_runs ||
	    (s->a.cache_err && runs != 1) ||
	    (s->a.cache_err && ok_calls != n && err_calls != n) ||
	    done != (ok_runs == 1 || s->a.cache_err))
		gonce_fail(s, "instance %llu: runs %d ok %d, calls ok %d err %d of %d, done %d",
			   inst, runs, ok_runs, ok_calls, err_calls, n, done);
}

static void gonce_recycle(struct gonce_state *s, struct gonce_slot *slot,
			  u64 inst)
{
	int runs = atomic_read(&slot->runs);

	gonce_judge(s, inst, runs, atomic_read(&slot->ok_runs),
		    atomic_read(&slot->ok_calls),
		    atomic_read(&slot->err_calls),
		    gosync_once_done(&slot->once));
	atomic64_inc(&s->judged);
	atomic64_add(runs, &s->runs);
	atomic64_add(runs - atomic_read(&slot->ok_runs), &s->failed);
	/* Every caller has returned: nobody uses the object any more. */
	gosync_once_init(&slot->once, s->flags);
	slot->payload = 0;
	atomic_set(&slot->inside, 0);
	atomic_set(&slot->runs, 0);
	atomic_set(&slot->ok_runs, 0);
	atomic_set(&slot->ok_calls, 0);
	atomic_set(&slot->err_calls, 0);
	atomic_set(&slot->left, s->a.threads);
	/* Pairs with smp_load_acquire() in gonce_body(). */
	smp_store_release(&slot->inst, inst + GONCE_SLOTS);
}

static int gonce_body(struct gosync_run_thread *t)
{
	struct gonce_state *s = t->run->data;
	u64 inst;

	for (inst = 0; ; inst++) {
		struct gonce_slot *slot = &s->slots[inst % GONCE_SLOTS];
		int ret;

		/* The slowest thread still holds the slot's older instance. */
		while (smp_load_acquire(&slot->inst) != inst)
			if (!gosync_run_continue(t))
				return 0;
		ret = gosync_once_do(&slot->once, gonce_fn, slot);
		gonce_check_call(s, slot, inst, ret);
		t->ops++;
		if (atomic_dec_and_test(&slot->left))
			gonce_recycle(s, slot, inst);
		if (inst % 16 == 15 && !gosync_run_continue(t))
			return 0;
	}
}

/* Plant the violation inject= asks for, through the check that finds it. */
static void gonce_inject(struct gonce_state *s)
{
	int n = s->a.threads;

	switch (s->a.inject) {
	case GONCE_INJ_OVERLAP:
		gonce_check_enter(s, 0, 2, false);
		break;
	case GONCE_INJ_AFTER:
		gonce_check_enter(s, 0, 1, true);
		break;
	case GONCE_INJ_RESULT:
		gonce_check_call(s, &s->slots[0], 0, gonce_value(1));
		break;
	case GONCE_INJ_RUNS:
		gonce_judge(s, 0, 2, 2, n, 0, true);
		break;
	}
}

static int gonce_exec(struct gosync_cmd_file *f, char *line,
		      struct seq_buf *out)
{
	struct gonce_state *s;
	struct gonce_args a;
	unsigned int i;
	int ret, err;

	ret = gosync_args_parse(&gosync_once_stress_args, line, &a, out,
				f->who);
	if (ret)
		return ret;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->a = a;
	s->flags = a.cache_err ? GOSYNC_ONCE_CACHE_ERR : 0;
	for (i = 0; i < GONCE_SLOTS; i++) {
		s->slots[i].s = s;
		s->slots[i].inst = i;
		atomic_set(&s->slots[i].left, a.threads);
		gosync_once_init(&s->slots[i].once, s->flags);
	}
	gosync_violations_init(&s->v, "once: stress");
	s->run = (struct gosync_run){
		.name = "once", .nr_threads = a.threads,
		.duration_ms = a.duration_ms, .body = gonce_body,
		.data = s, .v = &s->v,
	};
	ret = gosync_run_threads(&s->run);
	if (!s->run.go) {
		gosync_report(out, f->who, "stress: no threads (%d)", ret);
		goto out;
	}
	/* Instances some thread did not call are not judged. */
	if (!ret)
		gonce_inject(s);
	err = gosync_run_result(&s->run, out,
				"threads=%u fail_pct=%u cache_err=%u instances=%lld runs=%lld failed=%lld",
				a.threads, a.fail_pct, a.cache_err,
				atomic64_read(&s->judged),
				atomic64_read(&s->runs),
				atomic64_read(&s->failed));
	if (!ret)
		ret = err;
out:
	gosync_run_free(&s->run);
	kfree(s);
	return ret;
}

/* Nothing outlives a run: no init or exit. */
DEFINE_GOSYNC_COMPONENT(once) = {
	.name = "once",
	.files = (struct gosync_cmd_file []){
		{ .name = "stress", .exec = gonce_exec },
		{}
	},
};
