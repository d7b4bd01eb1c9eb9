// SPDX-License-Identifier: GPL-2.0
/*
 * gosync's debugfs face: the version file, root-only modes, the component
 * directories, the benchmark driver, and the rejection of bad commands
 * (each with its errno, a readable message, and no change of state).
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "gosync_test.h"

#define BENCH_RUN	GOSYNC_TEST_DEBUGFS "/bench/run"
#define BENCH_CASES	GOSYNC_TEST_DEBUGFS "/bench/cases"
#define COUNTER_STRESS	GOSYNC_TEST_DEBUGFS "/counter/stress"

TEST(version_file)
{
	char buf[256], want[200];
	struct utsname u;

	ASSERT_EQ(0, uname(&u));
	ASSERT_LT(0, gs_read(GOSYNC_DEBUGFS "/version", buf, sizeof(buf)));
	snprintf(want, sizeof(want), "gosync 2.3.0 built for %s\n", u.release);
	EXPECT_STREQ(want, buf);
}

TEST(root_only_modes)
{
	EXPECT_EQ(0400, gs_file_mode(GOSYNC_DEBUGFS "/version"));
	EXPECT_EQ(0400, gs_file_mode(BENCH_CASES));
	EXPECT_EQ(0600, gs_file_mode(BENCH_RUN));
	EXPECT_EQ(0600, gs_file_mode(COUNTER_STRESS));
}

TEST(unprivileged_user_is_refused)
{
	int status;
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(10);
		if (open(BENCH_RUN, O_WRONLY) >= 0)
			_exit(11);
		_exit(errno == EACCES ? 0 : 12);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST(bench_cases_listed)
{
	char buf[4096];

	ASSERT_LT(0, gs_read(BENCH_CASES, buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "counter inc atomic_long\n"));
	EXPECT_NE(NULL, strstr(buf, "counter inc percpu\n"));
}

/* Run a counter case and check the CSV line it prints. */
static void check_bench_run(struct __test_metadata *_metadata, int threads)
{
	char cmd[128], buf[512], impl[32];
	unsigned long long ops, rate, ns;
	unsigned int t;
	int n;

	snprintf(cmd, sizeof(cmd),
		 "primitive=counter case=inc impl=percpu threads=%d duration_ms=50\n",
		 threads);
	ASSERT_EQ(0, gs_cmd(BENCH_RUN, cmd));
	ASSERT_LT(0, gs_read(BENCH_RUN, buf, sizeof(buf)));
	n = sscanf(buf, "counter,inc,%31[^,],%u,%llu,%llu,%llu", impl, &t, &ops,
		   &rate, &ns);
	ASSERT_EQ(5, n) TH_LOG("output: %s", buf);
	EXPECT_STREQ("percpu", impl);
	EXPECT_EQ((unsigned int)threads, t);
	EXPECT_LT(0ULL, ops);
	EXPECT_LT(0ULL, rate);
	EXPECT_LT(0ULL, ns);
	/* ns_per_op = threads * 1e9 / ops_per_sec, rounded down. */
	EXPECT_EQ(threads * 1000000000ULL / rate, ns);
}

TEST(bench_run_one_thread)
{
	check_bench_run(_metadata, 1);
}

TEST(bench_run_all_cpus)
{
	check_bench_run(_metadata, gs_online_cpus());
}

struct bad_cmd {
	const char *cmd;
	size_t len;		/* 0: strlen(cmd) */
	int err;
	const char *msg;	/* expected in the output; NULL: not checked */
};

static void check_bad_cmds(struct __test_metadata *_metadata, const char *path,
			   const struct bad_cmd *bad, size_t n)
{
	char buf[4096];
	size_t i;

	for (i = 0; i < n; i++) {
		size_t len = bad[i].len ? bad[i].len : strlen(bad[i].cmd);

		EXPECT_EQ(-bad[i].err, gs_pwrite(path, bad[i].cmd, len, 0))
			TH_LOG("command %zu '%s'", i, bad[i].cmd);
		if (!bad[i].msg)
			continue;
		ASSERT_LT(0, gs_read(path, buf, sizeof(buf)));
		EXPECT_EQ(0, strncmp(buf, "error: ", 7)) TH_LOG("said '%s'", buf);
		EXPECT_NE(NULL, strstr(buf, bad[i].msg))
			TH_LOG("command %zu '%s' said '%s'", i, bad[i].cmd, buf);
	}
}

TEST(bench_bad_input)
{
	char too_many[64], huge[8192];
	static const struct bad_cmd bad[] = {
		{ "primitive=counter case=inc", 0, EINVAL, "missing key 'impl'" },
		{ "primitive=counter case=inc impl=nope", 0, ENOENT, "no case" },
		{ "primitive=counter case=inc impl=percpu threads=0", 0, ERANGE,
		  "outside" },
		{ "primitive=counter case=inc impl=percpu threads=abc", 0, EINVAL,
		  "not an unsigned number" },
		{ "primitive=counter case=inc impl=percpu threads=-1", 0, EINVAL,
		  "not an unsigned number" },
		{ "primitive=counter case=inc impl=percpu duration_ms=0", 0, ERANGE,
		  "outside" },
		{ "primitive=counter case=inc impl=percpu duration_ms=60001", 0,
		  ERANGE, "outside" },
		{ "primitive=counter case=inc impl=percpu speed=9", 0, EINVAL,
		  "unknown key 'speed'" },
		{ "run primitive=counter", 0, EINVAL, "not key=value" },
		{ "primitive=counter primitive=counter case=inc impl=percpu", 0,
		  EINVAL, "given twice" },
		{ "primitive=0123456789012345678901234567890123456789 case=a impl=b",
		  0, ENAMETOOLONG, "longer than 31 bytes" },
		{ "\x01\x02\xff\xfe", 0, EINVAL, "not printable ASCII" },
		{ "primitive=counter\0case=inc impl=percpu", 38, EINVAL,
		  "byte 0x00" },
		{ "", 0, EINVAL, "empty command" },
		{ "\n", 0, EINVAL, "empty command" },
	};

	check_bad_cmds(_metadata, BENCH_RUN, bad, ARRAY_SIZE(bad));

	snprintf(too_many, sizeof(too_many),
		 "primitive=counter case=inc impl=percpu threads=%d",
		 gs_online_cpus() + 1);
	{
		const struct bad_cmd more[] = {
			{ too_many, 0, ERANGE, "outside" },
		};

		check_bad_cmds(_metadata, BENCH_RUN, more, 1);
	}

	memset(huge, 'a', sizeof(huge));
	EXPECT_EQ(-E2BIG, gs_pwrite(BENCH_RUN, huge, sizeof(huge), 0));
	EXPECT_EQ(-E2BIG, gs_pwrite(BENCH_RUN, huge, 513, 0));
	/* A command must come in one write, at offset 0. */
	EXPECT_EQ(-EINVAL, gs_pwrite(BENCH_RUN, "impl=percpu", 11, 5));

	/* Nothing above broke the driver. */
	check_bench_run(_metadata, 1);
}

TEST(counter_stress_bad_input)
{
	static const struct bad_cmd bad[] = {
		{ "threads=0", 0, ERANGE, "outside" },
		{ "threads=1 duration_ms=x", 0, EINVAL, "not an unsigned number" },
		{ "threads=1 duration_ms=100000", 0, ERANGE, "outside" },
		{ "threads=1 mode=fast", 0, EINVAL, "unknown key 'mode'" },
	};

	check_bad_cmds(_metadata, COUNTER_STRESS, bad, ARRAY_SIZE(bad));
}

int main(int argc, char **argv)
{
	return gs_test_main(argc, argv);
}
