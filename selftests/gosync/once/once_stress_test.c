// SPDX-License-Identifier: GPL-2.0
/*
 * gosync_once through /sys/kernel/debug/gosync_test/once/stress: every
 * thread calls every instance of a once in order, so that they all pile
 * onto each new one; the function fails at a chosen rate. The kernel
 * side checks each instance's exact outcome once every thread has called
 * it (at most one successful run, its value returned to every caller
 * after it and visible with it, no run after the result was final, no
 * two runs at once, each failed run's error returned to its caller, and
 * with cache_err=1 exactly one run whose result everyone got); this
 * program checks the verdict, that the runs really failed and retried
 * (so a once that never retries cannot pass), that each check fires on
 * a planted violation, and that bad arguments are refused.
 */
#include "kselftest_harness.h"
#include "gosync_test.h"

#define ONCE_STRESS	GOSYNC_TEST_DEBUGFS "/once/stress"

static char out[8192];

static int run(const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = gs_vcmd_logged(ONCE_STRESS, out, sizeof(out), fmt, ap);
	va_end(ap);
	return ret;
}

static long long field(const char *name)
{
	return gs_field(out, name, -1);
}

static void check_pass(struct __test_metadata *_metadata)
{
	EXPECT_EQ(0, strncmp(out, "result=PASS ", 12)) TH_LOG("%s", out);
	EXPECT_EQ(0, field("errors"));
	EXPECT_EQ(NULL, strstr(out, "error:"));
	EXPECT_LT(0, field("instances")) TH_LOG("%s", out);
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

/*
 * Failures are retried: more runs than instances (with two threads or
 * more, a caller that starts after a failed run retries), some failed.
 */
TEST_F_TIMEOUT(stress, retry, 60)
{
	if (gs_online_cpus() < 2)
		SKIP(return, "one CPU: nobody retries after another's failure");
	ASSERT_EQ(0, run("duration_ms=1000 fail_pct=40 seed=3"));
	check_pass(_metadata);
	EXPECT_LT(field("instances"), field("runs")) TH_LOG("%s", out);
	EXPECT_LT(0, field("failed"));
	EXPECT_LE(field("failed"), field("runs"));
}

/* cache_err=1: one run per instance, failed or not. */
TEST_F_TIMEOUT(stress, cache_err, 60)
{
	ASSERT_EQ(0, run("duration_ms=1000 fail_pct=50 cache_err=1"));
	check_pass(_metadata);
	EXPECT_EQ(field("instances"), field("runs")) TH_LOG("%s", out);
	EXPECT_LT(0, field("failed"));
}

/* Never failing, and always failing (every call then runs or waits). */
TEST_F_TIMEOUT(stress, extremes, 60)
{
	ASSERT_EQ(0, run("duration_ms=500 fail_pct=0"));
	check_pass(_metadata);
	EXPECT_EQ(field("instances"), field("runs"));
	EXPECT_EQ(0, field("failed"));
	ASSERT_EQ(0, run("duration_ms=500 fail_pct=100 threads=1"));
	check_pass(_metadata);
	EXPECT_EQ(field("runs"), field("failed"));
	EXPECT_EQ(field("instances"), field("runs"));
}

/* Each check fires on the violation planted after a run. */
TEST_F_TIMEOUT(stress, inject, 60)
{
	static const struct gs_injection cases[] = {
		{ "overlap", "a run started while 1 ran" },
		{ "after", "a run started after its result was final" },
		{ "result", "a caller got 2, value 1" },
		{ "runs", "runs 2 ok 2" },
		{}
	};

	gs_expect_injected(ONCE_STRESS, "duration_ms=100", cases);
}

TEST(bad_arguments)
{
	static const struct gs_refusal cases[] = {
		{ -ERANGE, "threads=0" },
		{ -ERANGE, "threads=100000" },
		{ -ERANGE, "duration_ms=0" },
		{ -ERANGE, "duration_ms=60001" },
		{ -ERANGE, "fail_pct=101" },
		{ -ERANGE, "cache_err=2" },
		{ -ERANGE, "seed=4294967296" },
		{ -EINVAL, "fail_pct=-1" },
		{ -EINVAL, "inject=everything" },
		{ -EINVAL, "threads=1 threads=1" },
		{ -EINVAL, "rounds=10" },
		{ -EINVAL, "go" },
		{ -EINVAL, "seed=0x" },
		{}
	};

	gs_expect_refused(ONCE_STRESS, cases);
}

int main(int argc, char **argv)
{
	return gs_test_main(argc, argv);
}
