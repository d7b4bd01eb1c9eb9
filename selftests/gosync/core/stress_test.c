// SPDX-License-Identifier: GPL-2.0
/*
 * Stress of gosync's foundation:
 * - the counter stress: every online CPU increments a shared atomic, a
 *   per-CPU counter and a private count; the kernel checks that the three
 *   totals agree (no increment lost by the runner or the counters);
 * - many processes hammering the command files at once with good and bad
 *   commands: every command gets its own correct answer and the files stay
 *   usable.
 */
#define _GNU_SOURCE
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "gosync_test.h"

#define BENCH_RUN	GOSYNC_TEST_DEBUGFS "/bench/run"
#define COUNTER_STRESS	GOSYNC_TEST_DEBUGFS "/counter/stress"

static void counter_stress(struct __test_metadata *_metadata, int threads,
			   int ms)
{
	unsigned long long ops, atomic, percpu;
	char cmd[64], buf[256], verdict[8];
	int t, n;

	snprintf(cmd, sizeof(cmd), "threads=%d duration_ms=%d", threads, ms);
	ASSERT_EQ(0, gs_cmd(COUNTER_STRESS, cmd));
	ASSERT_LT(0, gs_read(COUNTER_STRESS, buf, sizeof(buf)));
	n = sscanf(buf, "result=%7s threads=%d ops=%llu atomic=%llu percpu=%llu",
		   verdict, &t, &ops, &atomic, &percpu);
	ASSERT_EQ(5, n) TH_LOG("%s", buf);
	EXPECT_STREQ("PASS", verdict);
	EXPECT_EQ(threads, t);
	EXPECT_LT(0ULL, ops);
	EXPECT_EQ(ops, atomic);
	EXPECT_EQ(ops, percpu);
}

TEST(counter_stress_all_cpus)
{
	counter_stress(_metadata, gs_online_cpus(), 500);
}

TEST(counter_stress_one_cpu)
{
	counter_stress(_metadata, 1, 200);
}

/* One worker: @rounds of good and bad commands; exit code = failures. */
static int hammer(int id, int rounds)
{
	char buf[512];
	int i, fails = 0;

	for (i = 0; i < rounds; i++) {
		switch ((id + i) % 4) {
		case 0:
			if (gs_cmd(BENCH_RUN,
				   "primitive=counter case=inc impl=atomic_long duration_ms=1"))
				fails++;
			break;
		case 1:
			if (gs_cmd(BENCH_RUN, "primitive=counter case=inc impl=none") != -ENOENT)
				fails++;
			break;
		case 2:
			if (gs_cmd(COUNTER_STRESS, "threads=1 duration_ms=1"))
				fails++;
			break;
		default:
			if (gs_cmd(COUNTER_STRESS, "threads=zero") != -EINVAL)
				fails++;
			if (gs_read(BENCH_RUN, buf, sizeof(buf)) < 0)
				fails++;
			break;
		}
	}
	return fails;
}

TEST(concurrent_command_writers)
{
	const int workers = 8, rounds = 40;
	int i, status, fails = 0;

	for (i = 0; i < workers; i++) {
		pid_t pid = fork();

		ASSERT_LE(0, pid);
		if (pid == 0)
			_exit(hammer(i, rounds) ? 1 : 0);
	}
	for (i = 0; i < workers; i++) {
		ASSERT_LT(0, wait(&status));
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			fails++;
	}
	EXPECT_EQ(0, fails);
	/* And the files still work. */
	counter_stress(_metadata, 1, 50);
}

int main(int argc, char **argv)
{
	return gs_test_main(argc, argv);
}
