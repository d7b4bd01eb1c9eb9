// SPDX-License-Identifier: GPL-2.0
/*
 * gosync_pubsub through /sys/kernel/debug/gosync_test/pubsub/stress: one
 * topic, publishers publishing numbered messages (freed by the topic's
 * release), stable subscribers (there for the whole run) and churning
 * ones (unsubscribing, their subscriber freed at once, and subscribing
 * again while the publishers run), each subscription with its own depth
 * and full-queue policy; with close=1 the topic is closed under the
 * publishers. The kernel side checks per publisher order, that every seq
 * a subscriber skipped was counted as dropped, that a stable subscriber
 * received or dropped every publish exactly (every successful one, and
 * at most those refused by a racing close besides), that nothing was
 * queued for a subscriber after its unsubscribe returned, that a publish
 * returned no more than the subscribers, and that each message was
 * released exactly once; this program checks the verdict and the
 * counters, that each check fires on a planted violation, and that bad
 * arguments are refused. KASAN (debug kernels) checks that no publish
 * touches a subscriber freed after its unsubscribe.
 */
#include "kselftest_harness.h"
#include "gosync_test.h"

#define PUBSUB_STRESS	GOSYNC_TEST_DEBUGFS "/pubsub/stress"

static char out[8192];

#define run(...)	gs_cmd_logged(PUBSUB_STRESS, out, sizeof(out), __VA_ARGS__)

static long long field(const char *name)
{
	return gs_field(out, name, -1);
}

/*
 * A run of @args for @ms (doubled on a slow kernel) passes, and its
 * counters add up: every message released, refused only by a close.
 */
#define stress(args, ms, closed)	__stress(_metadata, args, ms, closed)

static void __stress(struct __test_metadata *_metadata, const char *args,
		     int ms, bool closed)
{
	ASSERT_EQ(0, run("%s duration_ms=%d", args,
			 gs_slow_kernel() ? ms * 2 : ms));
	EXPECT_EQ(0, strncmp(out, "result=PASS ", 12)) TH_LOG("%s", out);
	EXPECT_EQ(0, field("errors"));
	EXPECT_LT(0, field("ok")) TH_LOG("%s", out);
	EXPECT_EQ(field("published"), field("released"));
	EXPECT_EQ(field("published"), field("ok") + field("refused"));
	if (!closed)
		EXPECT_EQ(0, field("refused"));
	EXPECT_LT(0, field("received"));
}

/* Every policy, churn, the default depth. */
TEST(mix_churn)
{
	stress("publishers=2 subscribers=6 churn_pct=50 seed=3", 700, false);
	EXPECT_LT(6, field("subscriptions")) TH_LOG("%s", out);
}

/* Shallow blocking queues: publishers sleep, nothing is dropped. */
TEST(block)
{
	stress("publishers=3 depth=2 policy=block seed=5", 500, false);
	EXPECT_EQ(0, field("dropped")) TH_LOG("%s", out);
}

/* Drop policies on depth 1: most messages dropped, all accounted. */
TEST(drops)
{
	stress("publishers=4 depth=1 policy=oldest churn_pct=0", 400, false);
	EXPECT_LT(0, field("dropped")) TH_LOG("%s", out);
	stress("publishers=4 depth=1 policy=newest churn_pct=50", 400, false);
	EXPECT_LT(0, field("dropped")) TH_LOG("%s", out);
}

/* The topic closed under the publishers: they stop at -EPIPE. */
TEST(close_race)
{
	stress("publishers=3 subscribers=6 depth=4 close=1", 400, true);
	EXPECT_LE(3, field("refused")) TH_LOG("%s", out);
}

/* Each check fires on the violation planted after a run. */
TEST(inject)
{
	static const struct gs_injection cases[] = {
		{ "order", "seq 7 of publisher 1 after 7" },
		{ "lost", "received 5 + dropped 2, published 8" },
		{ "missing", "3 messages missing, 2 dropped" },
		{ "release", "9 messages released, 10 published" },
		{ "late", "1 queued after its unsubscribe returned" },
		{ "ret", "publish 1 returned 3 with 2 subscribers" },
		{}
	};

	gs_expect_injected(PUBSUB_STRESS,
			   "publishers=1 subscribers=2 duration_ms=50", cases);
}

TEST(bad_arguments)
{
	static const struct gs_refusal cases[] = {
		{ -ERANGE, "publishers=0" },
		{ -ERANGE, "publishers=17" },
		{ -ERANGE, "subscribers=0" },
		{ -ERANGE, "subscribers=33" },
		{ -ERANGE, "duration_ms=0" },
		{ -ERANGE, "duration_ms=30001" },
		{ -ERANGE, "depth=0" },
		{ -ERANGE, "depth=1025" },
		{ -ERANGE, "churn_pct=101" },
		{ -ERANGE, "close=2" },
		{ -ERANGE, "seed=4294967296" },
		{ -EINVAL, "publishers=-1" },
		{ -EINVAL, "policy=fifo" },
		{ -EINVAL, "inject=all" },
		{ -EINVAL, "depth=1 depth=1" },
		{ -EINVAL, "rounds=10" },
		{ -EINVAL, "depth" },
		{ -EINVAL, "seed=0x" },
		{}
	};

	gs_expect_refused(PUBSUB_STRESS, cases);
}

int main(int argc, char **argv)
{
	return gs_test_main(argc, argv);
}
