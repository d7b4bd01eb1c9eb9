// SPDX-License-Identifier: GPL-2.0
/*
 * gosync_phaser through /sys/kernel/debug/gosync_test/phaser/run: N kthreads
 * do M rounds of arrive-and-await on a flat phaser and on trees of 2 and
 * 4 children, in every mode (plain, random delays, random deregistration
 * with re-registration, interrupted victims, timed-out victims, forced
 * termination) at 2, 4 and 8 threads. The kernel side checks that nobody
 * is released early, that on_advance runs once per phase with every
 * registered party arrived and the right party count, that phases are
 * consecutive, and how termination ends the run; this program checks its
 * verdict, that the counts are exact where they must be (every round
 * advanced once, every other party woken once per round, every thread
 * deregistered), that the interrupt, timeout, deregister and terminate
 * modes really did what they name (so that a phaser that never does it
 * cannot pass them), that each check fires on a planted violation, that a
 * signal to the writer ends a long run cleanly, and that bad arguments
 * are refused.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "gosync_test.h"

#define PH_RUN		GOSYNC_TEST_DEBUGFS "/phaser/run"

/* Output of the last run. */
static char out[8192];

static int run(const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = gs_vcmd_logged(PH_RUN, out, sizeof(out), fmt, ap);
	va_end(ap);
	return ret;
}

/* The field @key of the last output; -1 if absent. */
static long long field(const char *key)
{
	return gs_field(out, key, -1);
}

/* Debug and KCSAN kernels under TCG are far slower than the stock one. */
static int scaled(int rounds)
{
	return gs_slow_kernel() ? rounds / 3 : rounds;
}

static const int nthreads[] = { 2, 4, 8 };
static const int tiers[] = { 0, 2, 4 };

/* The verdict and the header of a run that must pass. */
static void check_pass(struct __test_metadata *_metadata, int threads,
		       int tier, int rounds, const char *mode)
{
	char head[128];

	snprintf(head, sizeof(head), "result=PASS threads=%d tier=%d rounds=%d mode=%s ",
		 threads, tier, rounds, mode);
	EXPECT_EQ(0, strncmp(out, head, strlen(head))) TH_LOG("%s", out);
	EXPECT_EQ(0, field("errors"));
	EXPECT_EQ(NULL, strstr(out, "error:"));
}

/*
 * Every thread did every round: each round advanced exactly once, and in
 * each the other threads were woken by the last arrival.
 */
static void check_all_rounds(struct __test_metadata *_metadata, int threads,
			     int rounds)
{
	EXPECT_EQ(rounds, field("phases"));
	EXPECT_EQ(rounds, field("advances"));
	EXPECT_EQ((long long)(threads - 1) * rounds, field("wakeups"));
	EXPECT_EQ(0, field("deregistered"));
	EXPECT_EQ(0, field("registered"));
	EXPECT_EQ(0, field("terminated"));
}

static void check_mode(struct __test_metadata *_metadata, const char *mode,
		       int threads, int rounds)
{
	if (!strcmp(mode, "deregister")) {
		/* The last party's deregistration ended the last round. */
		EXPECT_EQ(threads, field("deregistered"));
		EXPECT_LT(0, field("registered"));
		EXPECT_EQ(1, field("terminated"));
		EXPECT_EQ(rounds, field("phases"));
		EXPECT_EQ(rounds, field("advances"));
	} else if (!strcmp(mode, "terminate")) {
		EXPECT_EQ(1, field("terminated"));
		/* An on_advance may run into the termination: its phase never opens. */
		EXPECT_LE(field("phases"), field("advances"));
		EXPECT_GE(field("phases") + 1, field("advances"));
		EXPECT_EQ(0, field("deregistered"));
	} else {
		check_all_rounds(_metadata, threads, rounds);
	}
	/* Not vacuous: the victims of these modes, and only they, gave up. */
	EXPECT_LE(0, field("interrupts"));
	EXPECT_LE(0, field("timeouts"));
	EXPECT_EQ(!strcmp(mode, "interrupt"), field("interrupts") > 0) TH_LOG("%s", out);
	EXPECT_EQ(!strcmp(mode, "timeout"), field("timeouts") > 0) TH_LOG("%s", out);
}

/* Only for the timeouts of TEST_F_TIMEOUT(). */
FIXTURE(run) {
	int unused;
};

FIXTURE_SETUP(run)
{
}

FIXTURE_TEARDOWN(run)
{
}

/* @mode at 2, 4 and 8 threads, flat and in trees of 2 and 4 children. */
static void mode_runs(struct __test_metadata *_metadata, const char *mode,
		      int rounds)
{
	unsigned int i, j;
	int m = scaled(rounds);

	for (i = 0; i < ARRAY_SIZE(tiers); i++) {
		for (j = 0; j < ARRAY_SIZE(nthreads); j++) {
			int n = nthreads[j], k = tiers[i];

			if (k > n)
				continue;
			ASSERT_EQ(0, run("threads=%d rounds=%d mode=%s tier=%d seed=%u",
					 n, m, mode, k, 7 * (3 * i + j) + 1))
				TH_LOG("%s", out);
			check_pass(_metadata, n, k, m, mode);
			check_mode(_metadata, mode, n, m);
		}
	}
}

TEST_F_TIMEOUT(run, plain, 120)
{
	mode_runs(_metadata, "plain", 400);
	/* The most threads, in a wide tree; the default mode; one round. */
	ASSERT_EQ(0, run("threads=64 rounds=%d tier=8", scaled(60)));
	check_pass(_metadata, 64, 8, scaled(60), "plain");
	check_all_rounds(_metadata, 64, scaled(60));
	ASSERT_EQ(0, run("threads=3 rounds=1 tier=3"));
	check_pass(_metadata, 3, 3, 1, "plain");
	check_all_rounds(_metadata, 3, 1);
}

TEST_F_TIMEOUT(run, delay, 120)
{
	mode_runs(_metadata, "delay", 200);
}

TEST_F_TIMEOUT(run, deregister, 120)
{
	mode_runs(_metadata, "deregister", 300);
}

TEST_F_TIMEOUT(run, interrupt, 120)
{
	mode_runs(_metadata, "interrupt", 60);
}

TEST_F_TIMEOUT(run, timeout, 120)
{
	mode_runs(_metadata, "timeout", 24);
}

TEST_F_TIMEOUT(run, terminate, 120)
{
	mode_runs(_metadata, "terminate", 300);
}

/* Each check fires on the violation planted in round 50. */
TEST_F_TIMEOUT(run, inject, 60)
{
	static const struct {
		const char *inject;
		const char *error;
	} cases[] = {
		{ "early", "released early from round 50: thread 1 is in 49" },
		{ "entry", "on_advance of round 50: thread 0 wrote round 49" },
		{ "double", "released from round 50 after 52 on_advance calls" },
		{ "phase", "round 50 (phase 50) ended in phase 52, not 51" },
		{ "parties", "on_advance of round 50 got 3 parties, 4 are registered" },
		{ "terminated", "the phaser is not terminated after a plain run" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		EXPECT_EQ(-EIO, run("threads=3 rounds=100 inject=%s",
				    cases[i].inject));
		EXPECT_EQ(0, strncmp(out, "result=FAIL threads=3 tier=0 rounds=100 ", 40))
			TH_LOG("%s", out);
		EXPECT_NE(NULL, strstr(out, cases[i].error)) TH_LOG("%s", out);
		EXPECT_LT(0, field("errors"));
	}
	/* A tree: the root counts children, not threads. */
	EXPECT_EQ(-EIO, run("threads=4 rounds=10 tier=2 inject=parties"));
	EXPECT_NE(NULL, strstr(out, "on_advance of round 5 got 2 parties, 3 are registered"))
		TH_LOG("%s", out);
}

static void on_usr1(int sig)
{
}

/* A signal to the writer ends a long run; the file works afterwards. */
TEST_F_TIMEOUT(run, signal_stops_run, 60)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	struct timespec t0, t1;
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* No SA_RESTART: the write returns -EINTR. */
		sigaction(SIGUSR1, &sa, NULL);
		_exit(-gs_cmd(PH_RUN, "threads=8 rounds=1000000 tier=2 mode=delay"));
	}
	usleep(500 * 1000);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ASSERT_EQ(0, kill(pid, SIGUSR1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(EINTR, WEXITSTATUS(status));
	EXPECT_GT(10, t1.tv_sec - t0.tv_sec);
	ASSERT_LT(0, gs_read(PH_RUN, out, sizeof(out)));
	printf("# %s", out);
	EXPECT_EQ(0, strncmp(out, "result=FAIL threads=8 tier=2 rounds=1000000 mode=delay ", 55))
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "error: run stopped: interrupted by a signal"))
		TH_LOG("%s", out);
	/* The writer terminated the phaser to free the waiters. */
	EXPECT_EQ(1, field("terminated"));
	EXPECT_LT(0, field("phases"));
	/* Every thread is gone: the next run starts afresh. */
	ASSERT_EQ(0, run("threads=2 rounds=50"));
	check_pass(_metadata, 2, 0, 50, "plain");
	check_all_rounds(_metadata, 2, 50);
}

TEST(bad_arguments)
{
	static const struct {
		int err;
		const char *cmd;
	} cases[] = {
		{ -ERANGE, "threads=0 rounds=10" },
		{ -ERANGE, "threads=1 rounds=10" },
		{ -ERANGE, "threads=65 rounds=10" },
		{ -ERANGE, "threads=4294967298 rounds=10" },
		{ -ERANGE, "threads=4 rounds=0" },
		{ -ERANGE, "threads=4 rounds=1000001" },
		{ -ERANGE, "threads=4 rounds=10 tier=5" },
		{ -ERANGE, "threads=2 rounds=10 tier=3 mode=deregister" },
		{ -ERANGE, "threads=64 rounds=10 tier=65" },
		{ -EINVAL, "threads=-1 rounds=10" },
		{ -EINVAL, "threads=4 rounds=-5" },
		{ -EINVAL, "threads=4 rounds=10 tier=-2" },
		{ -EINVAL, "threads=4 rounds=10 seed=-1" },
		{ -EINVAL, "threads=four rounds=10" },
		{ -EINVAL, "threads=4" },
		{ -EINVAL, "rounds=10" },
		{ -EINVAL, "threads=4 rounds=10 mode=fast" },
		{ -EINVAL, "threads=4 rounds=10 mode=" },
		{ -EINVAL, "threads=4 rounds=10 inject=everything" },
		{ -EINVAL, "threads=4 rounds=10 parties=4" },
		{ -EINVAL, "threads=4 rounds=10 threads=4" },
		{ -EINVAL, "threads=4 rounds" },
		{ -EINVAL, "go" },
		{ -EINVAL, "threads=4 rounds=10 seed=0x" },
		{ -EINVAL, "threads=4 rounds=10 mode=deregisterderegister" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		EXPECT_EQ(cases[i].err, run("%s", cases[i].cmd));
		/* Nothing ran: the output is the one error line. */
		EXPECT_EQ(0, strncmp(out, "error: ", 7)) TH_LOG("%s", out);
		EXPECT_EQ(NULL, strstr(out, "result="));
		EXPECT_EQ(strchr(out, '\n'), out + strlen(out) - 1);
	}
	EXPECT_EQ(-EINVAL, gs_cmd(PH_RUN, "threads=2 rounds=1\001"));
	EXPECT_EQ(0, run("threads=2 rounds=1 seed=0xffffffffffffffff"));
	check_pass(_metadata, 2, 0, 1, "plain");
	check_all_rounds(_metadata, 2, 1);
}

int main(int argc, char **argv)
{
	return gs_test_main(argc, argv);
}
