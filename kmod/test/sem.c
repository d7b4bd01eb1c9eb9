// SPDX-License-Identifier: GPL-2.0
/*
 * gosync_sem in gosync_test.ko: /sys/kernel/debug/gosync_test/sem/, its
 * checks and inject= points on the runner (runner.h).
 *
 * The stress: threads take random weights (0 to max_n units) from one
 * semaphore of a small capacity, so that large requests sit at the head
 * of the queue while small ones pile up behind them, by four ways chosen
 * at random per call: a plain acquire, try_acquire, an acquire whose
 * context has a deadline a few hundred microseconds away (cancelled from
 * a hard-interrupt hrtimer, often while queued), and an acquire with a
 * timeout. A holder keeps its units for 0 to hold_us microseconds, then
 * releases them. Every outcome is counted and checked exactly: the units
 * held never exceed the capacity, a cancelled or timed-out call returns its own cause
 * and not before its deadline, and within a bound after it, every release
 * succeeds, and at the end every unit taken was given back, the queue is
 * empty and every unit is available. Its benchmark is in bench/sem_bench.c.
 *
 * Its command file, its grammar and what each run checks are documented
 * for their users in kmod/test/README.md, "sem".
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/seq_buf.h>
#include <linux/slab.h>

#include <gosync/ctx.h>
#include <gosync/sem.h>

#include "cmdfile.h"
#include "internal.h"
#include "parse.h"
#include "runner.h"
#include "test.h"

#define GSEM_MAX_MS	60000
#define GSEM_DEADLINE_US 400	/* a context's deadline: up to this far */
#define GSEM_LATE_MS	2000	/* a cancelled waiter returns within this */

/* inject=, a violation planted after the run through its check. */
enum gsem_inject {
	GSEM_INJ_NONE,
	GSEM_INJ_OVER,
	GSEM_INJ_CAUSE,
	GSEM_INJ_EARLY,
	GSEM_INJ_LEAK,
	GSEM_NR_INJECT,
};

static const char *const gsem_inject_names[GSEM_NR_INJECT] = {
	[GSEM_INJ_NONE] = "none",
	[GSEM_INJ_OVER] = "over",
	[GSEM_INJ_CAUSE] = "cause",
	[GSEM_INJ_EARLY] = "early",
	[GSEM_INJ_LEAK] = "leak",
};

/* The arguments of sem/stress, by their keys (gsem_params). */
struct gsem_args {
	u32 threads;
	u32 duration_ms;
	u32 capacity;
	u32 max_n;
	u32 ctx_pct;
	u32 timeout_pct;
	u32 try_pct;
	u32 hold_us;
	u32 seed;
	u32 inject;
};

static const struct gsem_args gsem_defaults = {
	.duration_ms = 1000, .capacity = 8, .ctx_pct = 30, .timeout_pct = 10,
	.try_pct = 10, .hold_us = 3, .seed = 1,
};

static const struct gosync_param gsem_params[] = {
	GOSYNC_ARG_CPUS("threads", struct gsem_args, threads),
	GOSYNC_ARG_U32("duration_ms", struct gsem_args, duration_ms, 1,
		       GSEM_MAX_MS, false),
	GOSYNC_ARG_U32("capacity", struct gsem_args, capacity, 1, 1000000,
		       false),
	GOSYNC_ARG_U32("max_n", struct gsem_args, max_n, 0, 1000000, false),
	GOSYNC_ARG_U32("ctx_pct", struct gsem_args, ctx_pct, 0, 100, false),
	GOSYNC_ARG_U32("timeout_pct", struct gsem_args, timeout_pct, 0, 100,
		       false),
	GOSYNC_ARG_U32("try_pct", struct gsem_args, try_pct, 0, 100, false),
	GOSYNC_ARG_U32("hold_us", struct gsem_args, hold_us, 0, 1000, false),
	GOSYNC_ARG_U32("seed", struct gsem_args, seed, 0, U32_MAX, false),
	GOSYNC_ARG_ENUM("inject", struct gsem_args, inject,
			gsem_inject_names, GSEM_NR_INJECT),
};

/*
 * threads= is 0 until here when not given: every online CPU; max_n 0:
 * the capacity. The ways must leave room for plain acquires.
 */
static int gsem_check_args(void *args, struct seq_buf *out, const char *who)
{
	struct gsem_args *a = args;

	a->threads = a->threads ?: num_online_cpus();
	a->max_n = a->max_n ?: a->capacity;
	if (a->max_n > a->capacity) {
		gosync_report(out, who, "max_n=%u over capacity=%u", a->max_n,
			      a->capacity);
		return -ERANGE;
	}
	if (a->ctx_pct + a->timeout_pct + a->try_pct > 100) {
		gosync_report(out, who, "ctx_pct + timeout_pct + try_pct = %u, over 100",
			      a->ctx_pct + a->timeout_pct + a->try_pct);
		return -ERANGE;
	}
	return 0;
}

/* The arguments of sem/stress; the fuzzers run them too. */
const struct gosync_args gosync_sem_stress_args =
	GOSYNC_ARGS(gsem_params, struct gsem_args, &gsem_defaults,
		    gsem_check_args);

/* The way a call takes its units. */
enum gsem_way { GSEM_PLAIN, GSEM_TRY, GSEM_CTX, GSEM_TIMEOUT };

/* One run. */
struct gsem_state {
	struct gsem_args a;
	struct gosync_sem sem;
	struct gosync_run run;
	struct gosync_violations v;
	atomic64_t held;	/* units the threads say they hold */
	atomic64_t taken;	/* units acquired, in all */
	atomic64_t given;	/* units released, in all */
	atomic64_t ok;		/* calls that got their units */
	atomic64_t refused;	/* try_acquire that did not */
	atomic64_t cancelled;	/* ended by their context's deadline */
	atomic64_t timedout;	/* ended by their timeout */
	atomic64_t late_ns;	/* the latest return after a deadline */
};

#define gsem_fail(s, fmt, ...) \
	gosync_violation(&(s)->v, fmt, ##__VA_ARGS__)

/* Units were taken: the holders together never exceed the capacity. */
static void gsem_check_held(struct gsem_state *s, s64 held, u64 n)
{
	if (held > s->a.capacity)
		gsem_fail(s, "%lld units held (after taking %llu), capacity %u",
			  held, n, s->a.capacity);
}

/*
 * A call of @way ended with @ret: 0, or its own cause. A context's
 * -ETIMEDOUT comes at its deadline or after, within GSEM_LATE_MS.
 */
static void gsem_check_ret(struct gsem_state *s, enum gsem_way way, int ret,
			   ktime_t deadline, ktime_t now)
{
	s64 late = ktime_to_ns(ktime_sub(now, deadline));

	if (!ret)
		return;
	if (ret != -ETIMEDOUT || way == GSEM_PLAIN || way == GSEM_TRY) {
		gsem_fail(s, "an acquire (way %d) returned %d", way, ret);
		return;
	}
	if (way != GSEM_CTX)
		return;
	if (late < 0)
		gsem_fail(s, "a context's acquire returned -ETIMEDOUT %lld ns before its deadline",
			  -late);
	else if (late > (s64)GSEM_LATE_MS * NSEC_PER_MSEC)
		gsem_fail(s, "a context's acquire returned %lld ms after its deadline",
			  late / NSEC_PER_MSEC);
}

/* Take @n units the way @way; 0 or the cause (1: try_acquire refused). */
static int gsem_take(struct gsem_state *s, enum gsem_way way, u64 n, u32 r)
{
	struct gosync_ctx ctx;
	ktime_t deadline;
	int ret;

	switch (way) {
	case GSEM_PLAIN:
		return gosync_sem_acquire(&s->sem, n, NULL);
	case GSEM_TRY:
		return gosync_sem_try_acquire(&s->sem, n) ? 0 : 1;
	case GSEM_TIMEOUT:
		ret = gosync_sem_acquire_timeout(&s->sem, n, NULL, r % 3);
		gsem_check_ret(s, way, ret, 0, 0);
		return ret;
	case GSEM_CTX:
		break;
	}
	gosync_ctx_init(&ctx, NULL);
	deadline = ktime_add_us(ktime_get(), r % GSEM_DEADLINE_US + 1);
	gosync_ctx_set_deadline(&ctx, deadline);
	ret = gosync_sem_acquire(&s->sem, n, &ctx);
	if (ret) {
		ktime_t now = ktime_get();
		s64 late = ktime_to_ns(ktime_sub(now, deadline));

		gsem_check_ret(s, way, ret, deadline, now);
		if (late > atomic64_read(&s->late_ns))
			atomic64_set(&s->late_ns, late);
		if (ret == -ETIMEDOUT && gosync_ctx_err(&ctx) != -ETIMEDOUT)
			gsem_fail(s, "an acquire returned -ETIMEDOUT, its context %d",
				  gosync_ctx_err(&ctx));
	}
	gosync_ctx_put(&ctx);
	return ret;
}

static enum gsem_way gsem_way(const struct gsem_args *a, u32 pct)
{
	if (pct < a->ctx_pct)
		return GSEM_CTX;
	pct -= a->ctx_pct;
	if (pct < a->timeout_pct)
		return GSEM_TIMEOUT;
	pct -= a->timeout_pct;
	return pct < a->try_pct ? GSEM_TRY : GSEM_PLAIN;
}

static int gsem_body(struct gosync_run_thread *t)
{
	struct gsem_state *s = t->run->data;
	u32 rnd = gosync_hash32(s->a.seed, t->id) | 1;

	while (gosync_run_continue(t)) {
		u32 r = gosync_xorshift32(&rnd);
		enum gsem_way way = gsem_way(&s->a, r % 100);
		u64 n = (r >> 8) % (s->a.max_n + 1);
		int ret;

		ret = gsem_take(s, way, n, r >> 12);
		t->ops++;
		if (ret == 1) {
			atomic64_inc(&s->refused);
			continue;
		}
		if (ret == -ETIMEDOUT) {
			atomic64_inc(way == GSEM_CTX ? &s->cancelled :
				     &s->timedout);
			continue;
		}
		if (ret) {
			/* A fatal signal stops the run: the runner says why. */
			if (ret != -EINTR)
				gsem_check_ret(s, way, ret, 0, 0);
			return ret;
		}
		atomic64_inc(&s->ok);
		atomic64_add(n, &s->taken);
		gsem_check_held(s, atomic64_add_return(n, &s->held), n);
		udelay(r % (s->a.hold_us + 1));
		atomic64_sub(n, &s->held);
		ret = gosync_sem_release(&s->sem, n);
		if (ret)
			gsem_fail(s, "release of %llu held units returned %d", n,
				  ret);
		else
			atomic64_add(n, &s->given);
	}
	return 0;
}

/* The run is over: every unit back, nobody queued, the counts balance. */
static void gsem_check_end(struct gsem_state *s, s64 taken, s64 given,
			   u64 available, bool queued)
{
	if (taken != given || available != s->a.capacity || queued)
		gsem_fail(s, "end: %lld taken, %lld given back, %llu of %u available, queue %s",
			  taken, given, available, s->a.capacity,
			  queued ? "not empty" : "empty");
}

/* Plant the violation inject= asks for, through the check that finds it. */
static void gsem_inject(struct gsem_state *s)
{
	ktime_t now = ktime_get();

	switch (s->a.inject) {
	case GSEM_INJ_OVER:
		gsem_check_held(s, s->a.capacity + 1, 1);
		break;
	case GSEM_INJ_CAUSE:
		gsem_check_ret(s, GSEM_CTX, -EINTR, now, now);
		break;
	case GSEM_INJ_EARLY:
		gsem_check_ret(s, GSEM_CTX, -ETIMEDOUT, ktime_add_ms(now, 1),
			       now);
		break;
	case GSEM_INJ_LEAK:
		/* One unit taken and never given back. */
		if (gosync_sem_try_acquire(&s->sem, 1))
			atomic64_inc(&s->taken);
		break;
	}
}

static int gsem_exec(struct gosync_cmd_file *f, char *line,
		     struct seq_buf *out)
{
	struct gsem_state *s;
	struct gsem_args a;
	int ret, err;

	ret = gosync_args_parse(&gosync_sem_stress_args, line, &a, out,
				f->who);
	if (ret)
		return ret;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->a = a;
	gosync_sem_init(&s->sem, a.capacity);
	gosync_violations_init(&s->v, "sem: stress");
	s->run = (struct gosync_run){
		.name = "sem", .nr_threads = a.threads,
		.duration_ms = a.duration_ms, .body = gsem_body,
		.data = s, .v = &s->v,
	};
	ret = gosync_run_threads(&s->run);
	if (!s->run.go) {
		gosync_report(out, f->who, "stress: no threads (%d)", ret);
		goto out;
	}
	if (!ret) {
		gsem_inject(s);
		gsem_check_end(s, atomic64_read(&s->taken),
			       atomic64_read(&s->given),
			       gosync_sem_available(&s->sem),
			       atomic64_read(&s->sem.state) < 0);
	}
	err = gosync_run_result(&s->run, out,
				"threads=%u capacity=%u max_n=%u ok=%lld refused=%lld cancelled=%lld timedout=%lld units=%lld late_us=%lld",
				a.threads, a.capacity, a.max_n,
				atomic64_read(&s->ok),
				atomic64_read(&s->refused),
				atomic64_read(&s->cancelled),
				atomic64_read(&s->timedout),
				atomic64_read(&s->taken),
				atomic64_read(&s->late_ns) / NSEC_PER_USEC);
	if (!ret)
		ret = err;
out:
	gosync_run_free(&s->run);
	kfree(s);
	return ret;
}

/* Nothing outlives a run: no init or exit. */
DEFINE_GOSYNC_COMPONENT(sem) = {
	.name = "sem",
	.files = (struct gosync_cmd_file []){
		{ .name = "stress", .exec = gsem_exec },
		{}
	},
};
