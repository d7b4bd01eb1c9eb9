// SPDX-License-Identifier: GPL-2.0
/*
 * gosync_barrier through /sys/kernel/debug/gosync_test/barrier/run: N kthreads
 * pass M rounds of one barrier, in every mode (plain, random delays,
 * interrupted victims, timed-out victims, resets by a controller) at 2, 4
 * and 8 threads. The kernel side checks that nobody is released early,
 * that the action runs once per generation with everyone arrived, that
 * each generation hands out every arrival index once, and that broken
 * generations follow CyclicBarrier's rules; this program checks its
 * verdict, that the counts are exact (every round released exactly once,
 * one serial waiter and one action each), that the breaking modes really
 * broke generations (so a barrier that never breaks cannot pass them),
 * that each check fires on a planted violation, that a signal to the
 * writer stops a long run cleanly, and that bad arguments are refused.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "gosync_test.h"

#define BAR_RUN		GOSYNC_TEST_DEBUGFS "/barrier/run"

/* Output of the last run. */
static char out[8192];

static int run(const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = gs_vcmd_logged(BAR_RUN, out, sizeof(out), fmt, ap);
	va_end(ap);
	return ret;
}

/* The number after " name=" (or at the start) in the output; -1 if absent. */
static long long field(const char *name)
{
	return gs_field(out, name, -1);
}

/* Debug and KCSAN kernels under TCG are far slower than the stock one. */
static int scaled(int rounds)
{
	return gs_slow_kernel() ? rounds / 2 : rounds;
}

/*
 * What every completed run must show: the verdict, and every round
 * released exactly once with one serial waiter and one action.
 */
static void check_pass(struct __test_metadata *_metadata, int threads,
		       int rounds, const char *mode, int action)
{
	char head[96];

	snprintf(head, sizeof(head), "result=PASS threads=%d rounds=%d mode=%s ",
		 threads, rounds, mode);
	EXPECT_EQ(0, strncmp(out, head, strlen(head))) TH_LOG("%s", out);
	EXPECT_EQ(0, field("errors"));
	EXPECT_EQ(NULL, strstr(out, "error:"));
	EXPECT_EQ(rounds, field("generations"));
	EXPECT_EQ(rounds, field("serials"));
	EXPECT_EQ((long long)rounds * (threads - 1), field("wakeups"));
	EXPECT_EQ(action ? rounds : 0, field("actions"));
}

/* Nothing may break in plain and delay modes. */
static void check_unbroken(struct __test_metadata *_metadata)
{
	EXPECT_EQ(0, field("broken"));
	EXPECT_EQ(0, field("aborted"));
	EXPECT_EQ(0, field("timeouts"));
	EXPECT_EQ(0, field("interrupts"));
	EXPECT_EQ(0, field("resets"));
	EXPECT_EQ(0, field("late"));
	EXPECT_EQ(0, field("skipped"));
}

/*
 * A waiter gave up in each broken generation (@gaveup: "timeouts" or
 * "interrupts"), every other party of it got -ECONNABORTED, and it did
 * break some: the test cannot pass on a barrier that never breaks.
 */
static void check_gave_up(struct __test_metadata *_metadata, int threads,
			  const char *gaveup, const char *never)
{
	EXPECT_LT(0, field("broken")) TH_LOG("%s", out);
	EXPECT_EQ(field("broken"), field(gaveup));
	EXPECT_EQ(0, field(never));
	EXPECT_EQ(field("broken") * (threads - 1), field("aborted"));
	EXPECT_EQ(0, field("resets"));
	EXPECT_EQ(0, field("skipped"));
}

static const int nthreads[] = { 2, 4, 8 };

/* Only for the timeouts of TEST_F_TIMEOUT(): runs take seconds. */
FIXTURE(run) {
	int unused;
};

FIXTURE_SETUP(run)
{
}

FIXTURE_TEARDOWN(run)
{
}

static void mode_runs(struct __test_metadata *_metadata, const char *mode,
		      int rounds)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(nthreads); i++) {
		int n = nthreads[i];
		/* Under TCG a round of 4 or 8 sleeping threads is slow. */
		int m = scaled(n > 2 ? rounds / 4 : rounds);

		ASSERT_EQ(0, run("threads=%d rounds=%d mode=%s seed=%u", n, m,
				 mode, 7 * i + 1)) TH_LOG("%s", out);
		check_pass(_metadata, n, m, mode, 1);
		if (!strcmp(mode, "plain") || !strcmp(mode, "delay"))
			check_unbroken(_metadata);
		else if (!strcmp(mode, "interrupt"))
			check_gave_up(_metadata, n, "interrupts", "timeouts");
		else if (!strcmp(mode, "timeout"))
			check_gave_up(_metadata, n, "timeouts", "interrupts");
		if (strcmp(mode, "reset"))
			continue;
		/* Resets broke sleeping waiters' generations. */
		EXPECT_LT(0, field("resets"));
		EXPECT_LT(0, field("broken")) TH_LOG("%s", out);
		EXPECT_EQ(field("broken") * n,
			  field("aborted") + field("skipped"));
		EXPECT_EQ(0, field("timeouts"));
		EXPECT_EQ(0, field("interrupts"));
		EXPECT_EQ(0, field("late"));
	}
}

TEST_F_TIMEOUT(run, plain, 60)
{
	mode_runs(_metadata, "plain", 2000);
	/* Without the action; more threads than CPUs, up to the maximum. */
	ASSERT_EQ(0, run("threads=4 rounds=%d action=0", scaled(400)));
	check_pass(_metadata, 4, scaled(400), "plain", 0);
	ASSERT_EQ(0, run("threads=64 rounds=%d", scaled(100)));
	check_pass(_metadata, 64, scaled(100), "plain", 1);
	check_unbroken(_metadata);
}

TEST_F_TIMEOUT(run, delay, 60)
{
	mode_runs(_metadata, "delay", 1200);
}

TEST_F_TIMEOUT(run, interrupt, 60)
{
	mode_runs(_metadata, "interrupt", 1000);
}

TEST_F_TIMEOUT(run, timeout, 60)
{
	mode_runs(_metadata, "timeout", 800);
}

/* Each check fires on the violation planted after a run. */
TEST_F_TIMEOUT(run, inject, 60)
{
	static const struct {
		const char *inject;
		const char *error;
	} cases[] = {
		{ "early", "released from round 100 with thread" },
		{ "action", "101 actions for 100 rounds" },
		{ "serial", "generations 100 serials 101" },
		{ "index", "arrival index 0 returned twice" },
		{ "round", "failed round 100, another thread round 99" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		EXPECT_EQ(-EIO, run("threads=3 rounds=100 mode=delay inject=%s",
				    cases[i].inject));
		EXPECT_EQ(0, strncmp(out, "result=FAIL threads=3 rounds=100 ", 33))
			TH_LOG("%s", out);
		EXPECT_NE(NULL, strstr(out, cases[i].error)) TH_LOG("%s", out);
		EXPECT_LT(0, field("errors"));
	}
}

static void on_usr1(int sig)
{
}

/* A signal to the writer stops a long run; the file works afterwards. */
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
		_exit(-gs_cmd(BAR_RUN, "threads=8 rounds=1000000 mode=delay"));
	}
	usleep(500 * 1000);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ASSERT_EQ(0, kill(pid, SIGUSR1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(EINTR, WEXITSTATUS(status));
	EXPECT_GT(10, t1.tv_sec - t0.tv_sec);
	ASSERT_LT(0, gs_read(BAR_RUN, out, sizeof(out)));
	printf("# %s", out);
	EXPECT_EQ(0, strncmp(out, "result=FAIL threads=8 rounds=1000000 mode=delay ", 48))
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "error: run stopped: interrupted by a signal"))
		TH_LOG("%s", out);
	/* Every thread left the barrier: the next run starts afresh. */
	ASSERT_EQ(0, run("threads=2 rounds=50"));
	check_pass(_metadata, 2, 50, "plain", 1);
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
		{ -ERANGE, "threads=4 rounds=0" },
		{ -ERANGE, "threads=4 rounds=1000001" },
		{ -ERANGE, "threads=4 rounds=10 action=2" },
		{ -ERANGE, "threads=4294967298 rounds=10" },
		{ -EINVAL, "threads=-1 rounds=10" },
		{ -EINVAL, "threads=4 rounds=-5" },
		{ -EINVAL, "threads=four rounds=10" },
		{ -EINVAL, "threads=4" },
		{ -EINVAL, "rounds=10" },
		{ -EINVAL, "threads=4 rounds=10 mode=fast" },
		{ -EINVAL, "threads=4 rounds=10 inject=everything" },
		{ -EINVAL, "threads=4 rounds=10 parties=4" },
		{ -EINVAL, "threads=4 rounds=10 threads=4" },
		{ -EINVAL, "threads=4 rounds" },
		{ -EINVAL, "go" },
		{ -EINVAL, "threads=4 rounds=10 seed=0x" },
		{ -EINVAL, "threads=4 rounds=10 mode=interruptinterrupt" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		EXPECT_EQ(cases[i].err, run("%s", cases[i].cmd));
		/* Nothing ran: the output is the one error line. */
		EXPECT_EQ(0, strncmp(out, "error: ", 7)) TH_LOG("%s", out);
		EXPECT_EQ(NULL, strstr(out, "result="));
		EXPECT_EQ(strchr(out, '\n'), out + strlen(out) - 1);
	}
	EXPECT_EQ(-EINVAL, gs_cmd(BAR_RUN, "threads=2 rounds=1\001"));
	EXPECT_EQ(0, run("threads=2 rounds=1 seed=0xffffffff"));
	check_pass(_metadata, 2, 1, "plain", 1);
}

/*
 * Last: while resets are broken (they may sleep for ever), the other
 * tests still run first.
 */
TEST_F_TIMEOUT(run, reset, 60)
{
	mode_runs(_metadata, "reset", 1200);
}

int main(int argc, char **argv)
{
	return gs_test_main(argc, argv);
}
