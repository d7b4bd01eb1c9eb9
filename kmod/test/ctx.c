// SPDX-License-Identifier: GPL-2.0
/*
 * gosync_ctx in gosync_test.ko: /sys/kernel/debug/gosync_test/ctx/,
 * its checks and inject= points on the runner (runner.h).
 *
 * The stress: rounds of a tree of GCTX_NODES contexts (a root, 3
 * children, 9 grandchildren). In each round thread 0, the controller,
 * cancels a few random nodes with random causes and arms deadlines on
 * others (which cancel them from the hrtimer's hard interrupt), while
 * every other thread waits on a random node, starting at a random moment
 * (before or after the cancellations). Then the controller checks that
 * every waiter of a live node is still waiting, cancels the root with
 * -ESHUTDOWN so that everyone returns, judges each wait and each node,
 * and puts the tree in a random order (parents before or after their
 * children).
 *
 * Its command file, its grammar and what each run checks are documented
 * for their users in kmod/test/README.md, "ctx".
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/sched.h>
#include <linux/seq_buf.h>
#include <linux/slab.h>
#include <linux/wait.h>

#include <gosync/ctx.h>

#include "cmdfile.h"
#include "internal.h"
#include "parse.h"
#include "runner.h"
#include "test.h"

#define GCTX_NODES	13
#define GCTX_THREADS_MAX	64
#define GCTX_ROUNDS_MAX	100000
#define GCTX_ACTIONS	3		/* cancels or deadlines per round */
#define GCTX_SPREAD_US	2000		/* when they happen */
#define GCTX_WAIT_SECS	10		/* a waiter's own timeout */
#define GCTX_LATE_MS	2000		/* a woken waiter returns within */

/* Node i's parent; -1 for the root. */
static const s8 gctx_parent[GCTX_NODES] = {
	-1, 0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3,
};

/* The causes, by index; the last two are the deadline's and the end's. */
static const int gctx_causes[] = {
	-ECANCELED, -EIO, -ENODEV, -EPIPE, -ETIMEDOUT, -ESHUTDOWN,
};

#define GCTX_TIMEDOUT	4
#define GCTX_END	5

enum gctx_inject {
	GCTX_INJ_NONE,
	GCTX_INJ_EARLY,
	GCTX_INJ_LATE,
	GCTX_INJ_CAUSE,
	GCTX_INJ_PARENT,
	GCTX_INJ_REACH,
	GCTX_NR_INJECT,
};

static const char *const gctx_inject_names[GCTX_NR_INJECT] = {
	[GCTX_INJ_NONE] = "none",
	[GCTX_INJ_EARLY] = "early",
	[GCTX_INJ_LATE] = "late",
	[GCTX_INJ_CAUSE] = "cause",
	[GCTX_INJ_PARENT] = "parent",
	[GCTX_INJ_REACH] = "reach",
};

/* The arguments of ctx/stress, by their keys (gctx_params). */
struct gctx_args {
	u32 threads;
	u32 rounds;
	u32 deadline_pct;
	u32 seed;
	u32 inject;
};

static const struct gctx_args gctx_defaults = {
	.threads = 8, .rounds = 100, .deadline_pct = 30, .seed = 1,
};

static const struct gosync_param gctx_params[] = {
	GOSYNC_ARG_U32("threads", struct gctx_args, threads, 2,
		       GCTX_THREADS_MAX, false),
	GOSYNC_ARG_U32("rounds", struct gctx_args, rounds, 1, GCTX_ROUNDS_MAX,
		       false),
	GOSYNC_ARG_U32("deadline_pct", struct gctx_args, deadline_pct, 0, 100,
		       false),
	GOSYNC_ARG_U32("seed", struct gctx_args, seed, 0, U32_MAX, false),
	GOSYNC_ARG_ENUM("inject", struct gctx_args, inject, gctx_inject_names,
			GCTX_NR_INJECT),
};

/* The arguments of ctx/stress; the fuzzers run them too. */
const struct gosync_args gosync_ctx_stress_args =
	GOSYNC_ARGS(gctx_params, struct gctx_args, &gctx_defaults, NULL);

/* One node of the round's tree, and what was done to it. */
struct gctx_node {
	struct gosync_ctx ctx;
	u64 first_ns;		/* earliest cancel or deadline on it; 0: none */
	u32 causes;		/* bit i: gctx_causes[i] applied to it */
};

/* One waiter's wait in the current round. */
struct gctx_wait {
	int node;
	int ret;
	u64 start_ns;
	u64 ret_ns;
	bool returned;
};

struct gctx_state {
	struct gctx_args a;
	struct gosync_run run;
	struct gosync_violations v;
	struct gctx_node node[GCTX_NODES];
	struct gctx_wait *w;		/* one per thread; w[0] unused */
	wait_queue_head_t wq;
	u32 round;			/* published with release */
	atomic_t returned;		/* waiters done with the round */
	u32 rnd;			/* the controller's random state */
	bool abort;
	/* Totals for the result line. */
	u64 waits;
	u64 cancels;
	u64 deadlines;
	u64 woken_early;		/* waits that started after their cancel */
	u64 max_late_us;
};

#define gctx_fail(s, fmt, ...) \
	gosync_violation(&(s)->v, fmt, ##__VA_ARGS__)

/*
 * Node @n's earliest action and the causes applied on its path. Without
 * a cancel on the path (deadlines only, or nothing), the end's cause may
 * come first: a deadline's timer may fire late.
 */
static void gctx_path(struct gctx_state *s, int n, u64 *first, u32 *causes)
{
	*first = 0;
	*causes = 0;
	for (; n >= 0; n = gctx_parent[n]) {
		u64 f = s->node[n].first_ns;

		if (f && (!*first || f < *first))
			*first = f;
		*causes |= s->node[n].causes;
	}
	if (!(*causes & ~BIT(GCTX_TIMEDOUT)))
		*causes |= BIT(GCTX_END);
}

/* A cancel on the path is synchronous: the node is cancelled now. */
static void gctx_check_reached(struct gctx_state *s, u32 round, int n,
			       int err, u32 causes)
{
	if (!err && (causes & ~BIT(GCTX_TIMEDOUT) & ~BIT(GCTX_END)))
		gctx_fail(s, "round %u: node %d is live after a cancel on its path (%#x)",
			  round, n, causes);
}

static bool gctx_cause_in(int err, u32 causes)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(gctx_causes); i++)
		if ((causes & BIT(i)) && gctx_causes[i] == err)
			return true;
	return false;
}

/* A waiter returned before the final cancel: its node must be cancelled. */
static void gctx_check_early(struct gctx_state *s, u32 round, int node,
			     bool returned, u64 first)
{
	if (returned && !first)
		gctx_fail(s, "round %u: a waiter of live node %d returned", round,
			  node);
}

/* A wait's outcome against its node's cause and path. */
static void gctx_check_wait(struct gctx_state *s, u32 round,
			    struct gctx_wait *w, int err, u32 causes,
			    u64 first)
{
	u64 from;

	if (w->ret != err || !gctx_cause_in(err, causes))
		gctx_fail(s, "round %u: a waiter of node %d got %d, node %d, causes %#x",
			  round, w->node, w->ret, err, causes);
	if (w->ret_ns < first)
		gctx_fail(s, "round %u: a waiter of node %d returned %llu us early",
			  round, w->node, (first - w->ret_ns) / NSEC_PER_USEC);
	/* A deadline is due at its time; a cancel by the time it returned. */
	from = max(first, w->start_ns);
	if (w->ret_ns > from &&
	    w->ret_ns - from > (u64)GCTX_LATE_MS * NSEC_PER_MSEC)
		gctx_fail(s, "round %u: a waiter of node %d returned %llu ms late",
			  round, w->node, (w->ret_ns - from) / NSEC_PER_MSEC);
	else if (w->ret_ns > from)
		s->max_late_us = max(s->max_late_us,
				     (w->ret_ns - from) / NSEC_PER_USEC);
}

/* A node's final cause: one from its path (gctx_path()). */
static void gctx_check_node(struct gctx_state *s, u32 round, int n, int err,
			    u32 causes)
{
	if (!gctx_cause_in(err, causes))
		gctx_fail(s, "round %u: node %d ended with %d, causes on its path %#x",
			  round, n, err, causes);
}

static u32 gctx_rand(struct gctx_state *s)
{
	return gosync_xorshift32(&s->rnd);
}

/* The controller's cancellations and deadlines of one round. */
static void gctx_act(struct gctx_state *s)
{
	unsigned int i;

	for (i = 0; i < GCTX_ACTIONS; i++) {
		int n = gctx_rand(s) % GCTX_NODES;
		u32 us = gctx_rand(s) % GCTX_SPREAD_US;
		struct gctx_node *node = &s->node[n];

		if (gctx_rand(s) % 100 < s->a.deadline_pct) {
			ktime_t d = ktime_add_us(ktime_get(), us);

			/* Recorded first: the timer may fire at once. */
			if (!node->first_ns || d < node->first_ns)
				node->first_ns = d;
			node->causes |= BIT(GCTX_TIMEDOUT);
			gosync_ctx_set_deadline(&node->ctx, d);
			s->deadlines++;
		} else {
			unsigned int c = gctx_rand(s) % GCTX_TIMEDOUT;
			u64 t;

			usleep_range(us / 4, us / 4 + 10);
			t = ktime_get_ns();
			if (!node->first_ns || t < node->first_ns)
				node->first_ns = t;
			node->causes |= BIT(c);
			gosync_ctx_cancel(&node->ctx, gctx_causes[c]);
			s->cancels++;
		}
	}
}

/* Put the nodes in a random order: parents before or after children. */
static void gctx_put_all(struct gctx_state *s)
{
	u8 order[GCTX_NODES];
	unsigned int i, j;

	for (i = 0; i < GCTX_NODES; i++)
		order[i] = i;
	for (i = GCTX_NODES - 1; i > 0; i--) {
		j = gctx_rand(s) % (i + 1);
		swap(order[i], order[j]);
	}
	for (i = 0; i < GCTX_NODES; i++)
		gosync_ctx_put(&s->node[order[i]].ctx);
}

/* Waiters still in the round after @ms: each is left to its timeout. */
static bool gctx_all_returned(struct gctx_state *s, unsigned int ms)
{
	/* Not cut short by an abort: the tree must outlive every wait. */
	return wait_event_timeout(s->wq, atomic_read_acquire(&s->returned) ==
				  s->a.threads - 1, msecs_to_jiffies(ms));
}

static void gctx_round(struct gctx_state *s, u32 round)
{
	u64 settle;
	int i;

	for (i = 0; i < GCTX_NODES; i++) {
		s->node[i].first_ns = 0;
		s->node[i].causes = 0;
		gosync_ctx_init(&s->node[i].ctx, gctx_parent[i] < 0 ? NULL :
				&s->node[gctx_parent[i]].ctx);
	}
	atomic_set(&s->returned, 0);
	for (i = 1; i < s->a.threads; i++)
		s->w[i].returned = false;
	/* Pairs with smp_load_acquire() in gctx_waiter(). */
	smp_store_release(&s->round, round);
	wake_up_all(&s->wq);
	gctx_act(s);
	/* Every deadline is past; every woken waiter had time to return. */
	settle = GCTX_SPREAD_US / 1000 + 20;
	msleep(settle);
	for (i = 1; i < s->a.threads; i++) {
		struct gctx_wait *w = &s->w[i];
		u64 first;
		u32 causes;

		/* Pairs with smp_store_release() in gctx_waiter(). */
		if (!smp_load_acquire(&w->returned))
			continue;
		gctx_path(s, w->node, &first, &causes);
		gctx_check_early(s, round, w->node, true, first);
	}
	for (i = 0; i < GCTX_NODES; i++) {
		u64 first;
		u32 causes;

		gctx_path(s, i, &first, &causes);
		gctx_check_reached(s, round, i, gosync_ctx_err(&s->node[i].ctx),
				   causes);
	}
	gosync_ctx_cancel(&s->node[0].ctx, gctx_causes[GCTX_END]);
	if (!gctx_all_returned(s, GCTX_LATE_MS + 1000)) {
		gctx_fail(s, "round %u: %d of %u waiters still wait after the end",
			  round, s->a.threads - 1 - atomic_read(&s->returned),
			  s->a.threads - 1);
		/* Their own timeouts free them; the tree outlives them. */
		gctx_all_returned(s, GCTX_WAIT_SECS * 1000 + 1000);
	}
	for (i = 1; i < s->a.threads; i++) {
		struct gctx_wait *w = &s->w[i];
		u64 first;
		u32 causes;

		if (!w->returned)
			continue;
		gctx_path(s, w->node, &first, &causes);
		if (!first)
			first = w->start_ns;	/* the end's: not timed */
		gctx_check_wait(s, round, w, gosync_ctx_err(&s->node[w->node].ctx),
				causes, first);
		if (first && w->start_ns > first)
			s->woken_early++;
		s->waits++;
	}
	for (i = 0; i < GCTX_NODES; i++) {
		u64 first;
		u32 causes;

		gctx_path(s, i, &first, &causes);
		gctx_check_node(s, round, i, gosync_ctx_err(&s->node[i].ctx),
				causes);
	}
	gctx_put_all(s);
}

static int gctx_waiter(struct gosync_run_thread *t)
{
	struct gctx_state *s = t->run->data;
	struct gctx_wait *w = &s->w[t->id];
	u32 rnd = gosync_hash32(s->a.seed, t->id) | 1;
	u32 seen = 0;

	for (;;) {
		u32 r;

		/* Pairs with smp_store_release() in gctx_round(). */
		wait_event(s->wq, (r = smp_load_acquire(&s->round)) != seen ||
			   READ_ONCE(s->abort));
		if (r == seen || r > s->a.rounds)
			return 0;
		seen = r;
		w->node = gosync_xorshift32(&rnd) % GCTX_NODES;
		usleep_range(0, gosync_xorshift32(&rnd) % GCTX_SPREAD_US + 1);
		w->start_ns = ktime_get_ns();
		w->ret = gosync_ctx_wait_timeout(&s->node[w->node].ctx,
						 GCTX_WAIT_SECS * HZ);
		w->ret_ns = ktime_get_ns();
		/* Pairs with smp_load_acquire() in gctx_round(). */
		smp_store_release(&w->returned, true);
		/* Fully ordered (returns a value): publishes the wait. */
		atomic_inc_return(&s->returned);
		wake_up_all(&s->wq);
	}
}

static int gctx_body(struct gosync_run_thread *t)
{
	struct gctx_state *s = t->run->data;
	u32 r;

	if (t->id)
		return gctx_waiter(t);
	for (r = 1; r <= s->a.rounds && !READ_ONCE(s->abort); r++)
		gctx_round(s, r);
	/* Past the last round: the waiters leave. */
	smp_store_release(&s->round, s->a.rounds + 1);
	wake_up_all(&s->wq);
	return 0;
}

/* A stopped run: nobody starts another round or wait. */
static void gctx_abort(struct gosync_run *run)
{
	struct gctx_state *s = run->data;

	WRITE_ONCE(s->abort, true);
	wake_up_all(&s->wq);
}

/* Plant the violation inject= asks for, through the check that finds it. */
static void gctx_inject(struct gctx_state *s)
{
	struct gctx_wait w = { .node = 4, .ret = -EIO, .start_ns = 1,
			       .ret_ns = 1 };

	switch (s->a.inject) {
	case GCTX_INJ_EARLY:
		gctx_check_early(s, 0, 4, true, 0);
		break;
	case GCTX_INJ_LATE:
		w.ret_ns = 2 + (u64)(GCTX_LATE_MS + 1) * NSEC_PER_MSEC;
		gctx_check_wait(s, 0, &w, -EIO, BIT(1), 1);
		break;
	case GCTX_INJ_CAUSE:
		gctx_check_wait(s, 0, &w, -EIO, BIT(2), 1);
		break;
	case GCTX_INJ_REACH:
		gctx_check_reached(s, 0, 5, 0, BIT(1));
		break;
	case GCTX_INJ_PARENT:
		gctx_check_node(s, 0, 0, -EIO, BIT(GCTX_END));
		break;
	}
}

static int gctx_exec(struct gosync_cmd_file *f, char *line,
		     struct seq_buf *out)
{
	struct gctx_state *s;
	struct gctx_args a;
	int ret, err;

	ret = gosync_args_parse(&gosync_ctx_stress_args, line, &a, out, f->who);
	if (ret)
		return ret;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->w = kcalloc(a.threads, sizeof(*s->w), GFP_KERNEL);
	if (!s->w) {
		kfree(s);
		return -ENOMEM;
	}
	s->a = a;
	s->rnd = gosync_hash32(a.seed, U64_MAX) | 1;
	init_waitqueue_head(&s->wq);
	gosync_violations_init(&s->v, "ctx: stress");
	s->run = (struct gosync_run){
		.name = "ctx", .nr_threads = a.threads, .body = gctx_body,
		.abort = gctx_abort, .data = s, .v = &s->v,
	};
	ret = gosync_run_threads(&s->run);
	if (!s->run.go) {
		gosync_report(out, f->who, "stress: no threads (%d)", ret);
		goto out;
	}
	if (!ret)
		gctx_inject(s);
	err = gosync_run_result(&s->run, out,
				"threads=%u rounds=%u deadline_pct=%u waits=%llu cancels=%llu deadlines=%llu after_cancel=%llu max_late_us=%llu",
				a.threads, a.rounds, a.deadline_pct, s->waits,
				s->cancels, s->deadlines, s->woken_early,
				s->max_late_us);
	if (!ret)
		ret = err;
out:
	gosync_run_free(&s->run);
	kfree(s->w);
	kfree(s);
	return ret;
}

/* Nothing outlives a run: no init or exit. */
DEFINE_GOSYNC_COMPONENT(ctx) = {
	.name = "ctx",
	.files = (struct gosync_cmd_file []){
		{ .name = "stress", .exec = gctx_exec },
		{}
	},
};
