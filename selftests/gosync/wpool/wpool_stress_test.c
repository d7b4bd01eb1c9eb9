// SPDX-License-Identifier: GPL-2.0
/*
 * gosync_wpool through /sys/kernel/debug/gosync_test/wpool/stress: one
 * pool, a controller that resizes it at random and shuts it down at
 * shutdown_ms with a short drain, and submitters that submit their jobs
 * (try_submit, blocking, blocking under a deadline) until refused. The
 * kernel side checks that every accepted job ran once or was dropped
 * once and a refused one neither, run + dropped + refused == submitted
 * per submitter, nothing ran or was dropped after shutdown returned, a
 * job saw no cause but -ESHUTDOWN, workers stayed within [min, max], and
 * no worker or thread was left after shutdown; this program checks the
 * verdict, that backpressure, drops, growth and shrinking really
 * happened, the pool's debugfs face during a run, that each check fires
 * on a planted violation, and that bad arguments are refused.
 */
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "gosync_test.h"

#define WPOOL_STRESS	GOSYNC_TEST_DEBUGFS "/wpool/stress"
#define WPOOL_FACE	GOSYNC_DEBUGFS "/wpool/stress/stats"

static char out[8192];

#define run(...)	gs_cmd_logged(WPOOL_STRESS, out, sizeof(out), __VA_ARGS__)

static long long field(const char *name)
{
	return gs_field(out, name, -1);
}

static int scaled(int ms)
{
	return gs_slow_kernel() ? ms * 2 : ms;
}

/* Sum of the parts is the whole; the verdict is PASS. */
static void check_pass(struct __test_metadata *_metadata)
{
	EXPECT_EQ(0, strncmp(out, "result=PASS ", 12)) TH_LOG("%s", out);
	EXPECT_EQ(0, field("errors"));
	EXPECT_EQ(field("submitted"),
		  field("ran") + field("dropped") + field("refused"));
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
 * A small queue, a short drain: backpressure (busy), drops at shutdown,
 * refusals, resizes.
 */
TEST_F_TIMEOUT(stress, backpressure, 120)
{
	ASSERT_EQ(0, run("threads=5 duration_ms=%d capacity=4 try_pct=50 ctx_pct=30 drain_ms=0",
			 scaled(400)));
	check_pass(_metadata);
	EXPECT_LT(0, field("ran"));
	EXPECT_LT(0, field("busy")) TH_LOG("%s", out);
	EXPECT_LT(0, field("refused")) TH_LOG("%s", out);
	EXPECT_LT(0, field("resizes"));
	EXPECT_GE(4, field("peak_workers"));
}

/* From zero workers: growth to max, idle exits back down. */
TEST_F_TIMEOUT(stress, adaptive, 120)
{
	ASSERT_EQ(0, run("duration_ms=%d jobs=2000 min=0 max=6 idle_ms=1 grow_us=0 gap_us=20000",
			 scaled(400)));
	check_pass(_metadata);
	EXPECT_LT(0, field("spawned"));
	EXPECT_LT(0, field("retired")) TH_LOG("%s", out);
	EXPECT_GE(6, field("peak_workers"));
}

/* A drain long enough for every job: nothing dropped. */
TEST_F_TIMEOUT(stress, full_drain, 120)
{
	ASSERT_EQ(0, run("duration_ms=%d jobs=500 min=2 max=2 ctx_pct=0 drain_ms=60000 resize=0",
			 scaled(200)));
	check_pass(_metadata);
	EXPECT_EQ(0, field("dropped"));
}

/* The pool's face shows it while a run lasts. */
TEST_F_TIMEOUT(stress, face, 120)
{
	pid_t pid = fork();
	int status;

	ASSERT_LE(0, pid);
	if (!pid) {
		char stats[1024];
		int i;

		for (i = 0; i < 400; i++) {
			if (gs_read(WPOOL_FACE, stats, sizeof(stats)) > 0 &&
			    gs_field(stats, "workers", -1) >= 0 &&
			    gs_field(stats, "capacity", -1) == 8)
				_exit(0);
			usleep(5000);
		}
		_exit(1);
	}
	ASSERT_EQ(0, run("threads=2 duration_ms=%d capacity=8 resize=0",
			 scaled(1000)));
	check_pass(_metadata);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("no %s with workers= and capacity=8 during the run",
		       WPOOL_FACE);
	EXPECT_GT(0, gs_read(WPOOL_FACE, out, sizeof(out)));
}

/* Each check fires on the violation planted after a run. */
TEST_F_TIMEOUT(stress, inject, 60)
{
	static const struct gs_injection cases[] = {
		{ "twice", "submit 0, ran 2, dropped 0" },
		{ "lost", "submit 0, ran 0, dropped 0" },
		{ "count", "3 ran + 1 dropped + 0 refused != 5 submitted" },
		{ "late", "a job ran after shutdown returned" },
		{ "workers", "5 workers (peak 0), min 1 max 4" },
		{ "threads", "after shutdown: 0 workers, 1 threads" },
		{ "cause", "a job saw its context cancelled with -5" },
		{ "dropped", "shutdown returned 1, 0 seen dropped; pool: 1 submitted" },
		{}
	};

	gs_expect_injected(WPOOL_STRESS, "threads=2 duration_ms=20 jobs=50",
			   cases);
}

TEST(bad_arguments)
{
	static const struct gs_refusal cases[] = {
		{ -ERANGE, "threads=1" },
		{ -ERANGE, "threads=65" },
		{ -ERANGE, "duration_ms=0" },
		{ -ERANGE, "duration_ms=60001" },
		{ -ERANGE, "jobs=0" },
		{ -ERANGE, "jobs=65537" },
		{ -ERANGE, "max=0" },
		{ -ERANGE, "max=65" },
		{ -ERANGE, "min=5 max=4" },
		{ -ERANGE, "capacity=0" },
		{ -ERANGE, "capacity=4097" },
		{ -ERANGE, "try_pct=101" },
		{ -ERANGE, "shutdown_ms=500 duration_ms=100" },
		{ -ERANGE, "idle_ms=0" },
		{ -ERANGE, "grow_us=10000001" },
		{ -ERANGE, "resize=2" },
		{ -ERANGE, "gap_us=100001" },
		{ -EINVAL, "inject=all" },
		{ -EINVAL, "jobs=1 jobs=1" },
		{ -EINVAL, "rounds=10" },
		{ -EINVAL, "submit" },
		{ -EINVAL, "seed=0x" },
		{}
	};

	gs_expect_refused(WPOOL_STRESS, cases);
}

int main(int argc, char **argv)
{
	return gs_test_main(argc, argv);
}
