// SPDX-License-Identifier: GPL-2.0
/*
 * gosync_group through /sys/kernel/debug/gosync_test/group/stress: every
 * thread runs rounds of a fresh error group (freed right after its wait)
 * whose jobs, on the unbound workqueue or on kthreads, work a random
 * while, watching the group's context or ignoring it, and some fail with
 * an error naming them. The kernel side checks that every started job ran
 * exactly once and ended before wait returned, a refused one never ran,
 * started + refused = submitted, never more jobs at once than the limit,
 * wait returned the first error (a failed job that saw the context live
 * when it returned) and the context the same cause, every job and go call
 * saw no cause but that one, and a go call into a cancelled group was
 * refused with its cause; this program checks the verdict, that jobs
 * really failed, were refused and were limited, that each check fires on
 * a planted violation, and that bad arguments are refused. KASAN and
 * kmemleak (debug kernels) check that no job touches a freed group and
 * nothing leaks.
 */
#include "kselftest_harness.h"
#include "gosync_test.h"

#define GROUP_STRESS	GOSYNC_TEST_DEBUGFS "/group/stress"

static char out[8192];

#define run(...)	gs_cmd_logged(GROUP_STRESS, out, sizeof(out), __VA_ARGS__)

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

/* The default workqueue, a limit, failures cancelling rounds. */
TEST_F_TIMEOUT(stress, wq_limited, 120)
{
	int rounds = scaled(40);

	ASSERT_EQ(0, run("threads=4 rounds=%d jobs=32 limit=4 fail_pct=5 seed=3",
			 rounds));
	EXPECT_EQ(0, strncmp(out, "result=PASS ", 12)) TH_LOG("%s", out);
	EXPECT_EQ(0, field("errors"));
	EXPECT_EQ((long long)rounds * 4, field("groups"));
	EXPECT_EQ((long long)rounds * 4 * 32, field("started") + field("refused"));
	EXPECT_LT(0, field("failed"));
	EXPECT_LT(0, field("refused")) TH_LOG("%s", out);
	EXPECT_LT(0, field("cancelled"));
	EXPECT_GE(4, field("max_running"));
}

/* No limit, no failure: every job runs. */
TEST_F_TIMEOUT(stress, wq_unlimited, 120)
{
	int rounds = scaled(40);

	ASSERT_EQ(0, run("threads=2 rounds=%d jobs=64 limit=0 fail_pct=0",
			 rounds));
	EXPECT_EQ(0, strncmp(out, "result=PASS ", 12)) TH_LOG("%s", out);
	EXPECT_EQ((long long)rounds * 2 * 64, field("started"));
	EXPECT_EQ(0, field("refused"));
	EXPECT_EQ(0, field("cancelled"));
}

/* One kthread per job. */
TEST_F_TIMEOUT(stress, kthread, 120)
{
	int rounds = scaled(20);

	ASSERT_EQ(0, run("threads=2 rounds=%d jobs=16 limit=3 fail_pct=10 mode=kthread seed=7",
			 rounds));
	EXPECT_EQ(0, strncmp(out, "result=PASS ", 12)) TH_LOG("%s", out);
	EXPECT_EQ((long long)rounds * 2, field("groups"));
	EXPECT_GE(3, field("max_running"));
	EXPECT_LT(0, field("failed"));
}

/* Each check fires on the violation planted after a run. */
TEST_F_TIMEOUT(stress, inject, 60)
{
	static const struct gs_injection cases[] = {
		{ "twice", "job 0 ran 2 times" },
		{ "limit", "3 jobs ran at once, limit 2" },
		{ "first", "wait returned -1025" },
		{ "count", "3 started + 1 refused != 5 submitted" },
		{ "cause", "job 1 saw -5 at its end" },
		{ "early", "wait returned before job 0 ended" },
		{}
	};

	gs_expect_injected(GROUP_STRESS, "threads=1 rounds=2 jobs=4 limit=2",
			   cases);
}

TEST(bad_arguments)
{
	static const struct gs_refusal cases[] = {
		{ -ERANGE, "threads=0" },
		{ -ERANGE, "threads=65" },
		{ -ERANGE, "rounds=0" },
		{ -ERANGE, "rounds=100001" },
		{ -ERANGE, "jobs=0" },
		{ -ERANGE, "jobs=257" },
		{ -ERANGE, "limit=257" },
		{ -ERANGE, "fail_pct=101" },
		{ -ERANGE, "seed=4294967296" },
		{ -EINVAL, "threads=-2" },
		{ -EINVAL, "mode=thread" },
		{ -EINVAL, "inject=all" },
		{ -EINVAL, "jobs=1 jobs=1" },
		{ -EINVAL, "duration_ms=10" },
		{ -EINVAL, "wait" },
		{ -EINVAL, "seed=0x" },
		{}
	};

	gs_expect_refused(GROUP_STRESS, cases);
}

int main(int argc, char **argv)
{
	return gs_test_main(argc, argv);
}
