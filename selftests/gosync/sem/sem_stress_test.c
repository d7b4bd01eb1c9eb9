// SPDX-License-Identifier: GPL-2.0
/*
 * gosync_sem through /sys/kernel/debug/gosync_test/sem/stress: threads
 * take random weights from one small semaphore by four ways (plain
 * acquire, try_acquire, a context with a deadline cancelled from an
 * hrtimer, a timeout), hold them a few microseconds and give them back.
 * The kernel side checks that the units held never exceed the capacity,
 * that each failed call returns its own cause, not before its deadline
 * and within 2 s after it, that every release succeeds, and that at the
 * end every unit is back and nobody is queued; this program checks the
 * verdict, that every way really happened (cancellations of queued
 * waiters included), that each check fires on a planted violation, and
 * that bad arguments are refused.
 */
#include "kselftest_harness.h"
#include "gosync_test.h"

#define SEM_STRESS	GOSYNC_TEST_DEBUGFS "/sem/stress"

static char out[8192];

static int run(const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = gs_vcmd_logged(SEM_STRESS, out, sizeof(out), fmt, ap);
	va_end(ap);
	return ret;
}

static long long field(const char *name)
{
	return gs_field(out, name, -1);
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

/* Every way at once, large requests at the head of the queue. */
TEST_F_TIMEOUT(stress, mixed, 120)
{
	ASSERT_EQ(0, run("duration_ms=1000 capacity=8 seed=3"));
	EXPECT_EQ(0, strncmp(out, "result=PASS ", 12)) TH_LOG("%s", out);
	EXPECT_EQ(0, field("errors"));
	EXPECT_LT(0, field("ok"));
	EXPECT_LT(0, field("units"));
	EXPECT_LE(0, field("cancelled"));
	EXPECT_LE(0, field("refused"));
}

/* Contexts only: deadlines cancel waiters from hard interrupts. */
TEST_F_TIMEOUT(stress, deadlines, 120)
{
	ASSERT_EQ(0, run("duration_ms=1000 capacity=4 ctx_pct=100 timeout_pct=0 try_pct=0 seed=7"));
	EXPECT_EQ(0, strncmp(out, "result=PASS ", 12)) TH_LOG("%s", out);
	EXPECT_LT(0, field("ok"));
	EXPECT_EQ(0, field("refused"));
	EXPECT_EQ(0, field("timedout"));
}

/* A semaphore of one unit: a lock, with timeouts and cancellations. */
TEST_F_TIMEOUT(stress, one_unit, 120)
{
	ASSERT_EQ(0, run("duration_ms=1000 capacity=1 ctx_pct=30 timeout_pct=30 try_pct=20"));
	EXPECT_EQ(0, strncmp(out, "result=PASS ", 12)) TH_LOG("%s", out);
	EXPECT_LT(0, field("ok"));
}

/* Large weights: max_n is the whole capacity. */
TEST_F_TIMEOUT(stress, large_weights, 120)
{
	ASSERT_EQ(0, run("duration_ms=500 capacity=1000000 max_n=1000000 ctx_pct=20"));
	EXPECT_EQ(0, strncmp(out, "result=PASS ", 12)) TH_LOG("%s", out);
	EXPECT_LT(0, field("ok"));
}

/* Each check fires on the violation planted after a run. */
TEST_F_TIMEOUT(stress, inject, 60)
{
	static const struct gs_injection cases[] = {
		{ "over", "units held (after taking 1), capacity 8" },
		{ "cause", "returned -4" },
		{ "early", "before its deadline" },
		{ "leak", "given back" },
		{}
	};

	gs_expect_injected(SEM_STRESS, "duration_ms=50", cases);
}

TEST(bad_arguments)
{
	static const struct gs_refusal cases[] = {
		{ -ERANGE, "threads=0" },
		{ -ERANGE, "threads=100000" },
		{ -ERANGE, "capacity=0" },
		{ -ERANGE, "capacity=1000001" },
		{ -ERANGE, "capacity=4 max_n=5" },
		{ -ERANGE, "ctx_pct=60 timeout_pct=30 try_pct=11" },
		{ -ERANGE, "try_pct=101" },
		{ -ERANGE, "hold_us=1001" },
		{ -ERANGE, "duration_ms=0" },
		{ -EINVAL, "inject=all" },
		{ -EINVAL, "capacity=1 capacity=1" },
		{ -EINVAL, "rounds=10" },
		{ -EINVAL, "acquire" },
		{ -EINVAL, "seed=0x" },
		{}
	};

	gs_expect_refused(SEM_STRESS, cases);
}

int main(int argc, char **argv)
{
	return gs_test_main(argc, argv);
}
