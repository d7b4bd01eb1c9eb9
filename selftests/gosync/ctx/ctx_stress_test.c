// SPDX-License-Identifier: GPL-2.0
/*
 * gosync_ctx through /sys/kernel/debug/gosync_test/ctx/stress: rounds of
 * a tree of 13 contexts; a controller cancels random nodes with random
 * causes and arms deadlines on others (cancelled from the hrtimer's hard
 * interrupt), while the other threads wait on random nodes, starting
 * before or after the cancellations; then the root is cancelled to end
 * the round and the tree is put in a random order. The kernel side
 * checks that a cancel reaches the whole subtree at once, that no waiter
 * of a live node returns, that every waiter returns its node's cause
 * within 2 s and not before the cancellation, and that every node's
 * cause comes from its path (a child never cancels its parent); this
 * program checks the verdict, that cancels, deadlines and waits really
 * happened (also waits that started after their cancel), that each
 * check fires on a planted violation, and that bad arguments are
 * refused. kmemleak (debug kernels) checks that nothing leaks.
 */
#include "kselftest_harness.h"
#include "gosync_test.h"

#define CTX_STRESS	GOSYNC_TEST_DEBUGFS "/ctx/stress"

static char out[8192];

static int run(const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = gs_vcmd_logged(CTX_STRESS, out, sizeof(out), fmt, ap);
	va_end(ap);
	return ret;
}

static long long field(const char *name)
{
	return gs_field(out, name, -1);
}

static int scaled(int rounds)
{
	return gs_slow_kernel() ? rounds / 2 : rounds;
}

FIXTURE(stress) {
	int unused;
};

FIXTURE_SETUP(stress)
{
}

FIXTURE_TEARDOWN(stress)
{
}

TEST_F_TIMEOUT(stress, cancels_and_deadlines, 120)
{
	int rounds = scaled(200);

	ASSERT_EQ(0, run("threads=8 rounds=%d deadline_pct=30 seed=5", rounds));
	EXPECT_EQ(0, strncmp(out, "result=PASS ", 12)) TH_LOG("%s", out);
	EXPECT_EQ(0, field("errors"));
	EXPECT_EQ((long long)rounds * 7, field("waits")) TH_LOG("%s", out);
	EXPECT_LT(0, field("cancels"));
	EXPECT_LT(0, field("deadlines"));
	EXPECT_LT(0, field("after_cancel")) TH_LOG("%s", out);
}

/* Deadlines only: every cancellation comes from hard interrupt context. */
TEST_F_TIMEOUT(stress, deadlines_only, 120)
{
	ASSERT_EQ(0, run("threads=4 rounds=%d deadline_pct=100", scaled(100)));
	EXPECT_EQ(0, strncmp(out, "result=PASS ", 12)) TH_LOG("%s", out);
	EXPECT_EQ(0, field("cancels"));
	EXPECT_LT(0, field("deadlines"));
}

/* Many waiters, more than CPUs, on cancels only. */
TEST_F_TIMEOUT(stress, many_waiters, 120)
{
	ASSERT_EQ(0, run("threads=64 rounds=%d deadline_pct=0", scaled(40)));
	EXPECT_EQ(0, strncmp(out, "result=PASS ", 12)) TH_LOG("%s", out);
	EXPECT_EQ(0, field("deadlines"));
	EXPECT_EQ((long long)scaled(40) * 63, field("waits"));
}

/* Each check fires on the violation planted after a run. */
TEST_F_TIMEOUT(stress, inject, 60)
{
	static const struct gs_injection cases[] = {
		{ "early", "a waiter of live node 4 returned" },
		{ "late", "ms late" },
		{ "cause", "a waiter of node 4 got -5" },
		{ "parent", "node 0 ended with -5" },
		{ "reach", "node 5 is live after a cancel" },
		{}
	};

	gs_expect_injected(CTX_STRESS, "threads=2 rounds=2", cases);
}

TEST(bad_arguments)
{
	static const struct gs_refusal cases[] = {
		{ -ERANGE, "threads=1" },
		{ -ERANGE, "threads=65" },
		{ -ERANGE, "rounds=0" },
		{ -ERANGE, "rounds=100001" },
		{ -ERANGE, "deadline_pct=101" },
		{ -ERANGE, "seed=4294967296" },
		{ -EINVAL, "threads=-2" },
		{ -EINVAL, "inject=all" },
		{ -EINVAL, "rounds=1 rounds=1" },
		{ -EINVAL, "duration_ms=10" },
		{ -EINVAL, "cancel" },
		{ -EINVAL, "seed=0x" },
		{}
	};

	gs_expect_refused(CTX_STRESS, cases);
}

int main(int argc, char **argv)
{
	return gs_test_main(argc, argv);
}
