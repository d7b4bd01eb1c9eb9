// SPDX-License-Identifier: GPL-2.0
/*
 * gosync_pool gives cached objects back when memory runs short. A test
 * pool's depot is filled with 64 MiB of objects; then
 * - drop_caches: "echo 2 > /proc/sys/vm/drop_caches" runs every
 *   shrinker; the first scan only ages the depot (victim tier), a later
 *   one frees it;
 * - memory hog: a child process maps and touches anonymous memory until
 *   reclaim runs the pool's shrinker, watching the pool's depot after
 *   each step, and stops as soon as it fell (well before the OOM killer:
 *   it slows to 1 MiB steps when little is free, and the pool's 64 MiB
 *   are what reclaim can take).
 * Either way the depot and cached counts must fall, the shrunk count
 * rise, and the pool's invariants hold.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "gosync_test.h"
#include "pool_test.h"

#define OBJ_SIZE	4096
#define NR_OBJS		16384		/* 64 MiB */
#define MIB		(1024 * 1024LL)

/* A /proc/meminfo field in bytes; -1 if absent. */
static long long mem_field(const char *key)
{
	char buf[8192];
	long long v;

	if (gs_read("/proc/meminfo", buf, sizeof(buf)) <= 0)
		return -1;
	v = field_in(buf, key, ':');
	return v < 0 ? -1 : v * 1024;
}

/* A pool named @name whose depot holds nearly all of 64 MiB of objects. */
static void fill(struct __test_metadata *_metadata, const char *name)
{
	destroy_all();
	ASSERT_EQ(0, pin_to(0));
	ASSERT_EQ(0, pc("create name=%s size=%d cpu_cache=16", name, OBJ_SIZE));
	ASSERT_EQ(0, pc("get name=%s n=%d", name, NR_OBJS)) TH_LOG("%s", out);
	ASSERT_EQ(0, pc("put name=%s n=%d", name, NR_OBJS));
	ASSERT_EQ(0, pin_to(-1));
	EXPECT_EQ(NR_OBJS, pstat(name, "cached"));
	EXPECT_LE(NR_OBJS - 16, pstat(name, "depot"));
}

FIXTURE(pressure) {
	int unused;
};

FIXTURE_SETUP(pressure)
{
}

FIXTURE_TEARDOWN(pressure)
{
	destroy_all();
}

TEST_F_TIMEOUT(pressure, drop_caches, 120)
{
	long long depot0, depot = 0;
	int i;

	if (access("/proc/sys/vm/drop_caches", W_OK))
		SKIP(return, "no writable /proc/sys/vm/drop_caches");
	fill(_metadata, "dc");
	depot0 = pstat("dc", "depot");
	for (i = 0; i < 5; i++) {
		/* A pass may only age what was spilled since the last scan. */
		ASSERT_EQ(0, gs_cmd("/proc/sys/vm/drop_caches", "2\n"));
		depot = pstat("dc", "depot");
		printf("# drop_caches %d: depot %lld of %lld, shrunk %lld\n", i + 1,
		       depot, depot0, pstat("dc", "shrunk"));
		if (depot < depot0)
			break;
	}
	EXPECT_LT(depot, depot0);
	EXPECT_LT(0, pstat("dc", "shrunk"));
	EXPECT_EQ(pstat("dc", "shrunk"), pstat("dc", "dtors"));
	EXPECT_EQ(NR_OBJS - pstat("dc", "shrunk"), pstat("dc", "cached"));
	EXPECT_EQ(0, pc("check name=dc")) TH_LOG("%s", out);
	destroy_all();
}

/* The hog: touch memory in steps until the depot falls below @depot0. */
static int run_hog(long long depot0, long long limit)
{
	long long touched = 0, step, depot;
	char *p;

	/* If the OOM killer must pick, pick this process. */
	gs_cmd("/proc/self/oom_score_adj", "1000");
	while (touched < limit) {
		step = mem_field("MemFree") > 128 * MIB ? 16 * MIB : MIB;
		p = mmap(NULL, step, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return 2;
		memset(p, 0x5a, step);
		touched += step;
		depot = pstat("hog", "depot");
		if (depot >= 0 && depot < depot0) {
			printf("# memory hog: depot %lld/%lld after %lld MiB, MemFree %lld MiB\n",
			       depot, depot0, touched / MIB, mem_field("MemFree") / MIB);
			return 0;
		}
	}
	printf("# memory hog: depot never fell after %lld MiB\n", touched / MIB);
	return 1;
}

TEST_F_TIMEOUT(pressure, memory_hog, 400)
{
	long long total = mem_field("MemTotal"), depot0, depot;
	int status;
	pid_t pid;

	if (total <= 0)
		SKIP(return, "no MemTotal in /proc/meminfo");
	if (mem_field("SwapTotal") > 0)
		SKIP(return, "swap: the hog would be swapped out, not reclaimed from the pool");
	fill(_metadata, "hog");
	depot0 = pstat("hog", "depot");
	printf("# MemTotal %lld MiB, MemFree %lld MiB, depot %lld objects\n",
	       total / MIB, mem_field("MemFree") / MIB, depot0);

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(run_hog(depot0, total));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	depot = pstat("hog", "depot");
	printf("# hog %s %d; depot %lld of %lld, shrunk %lld\n",
	       WIFEXITED(status) ? "exited" : "killed by signal",
	       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
	       depot, depot0, pstat("hog", "shrunk"));
	/* An OOM kill is acceptable only if the pool was reclaimed from. */
	EXPECT_TRUE(WIFEXITED(status) ? WEXITSTATUS(status) == 0 :
		    WTERMSIG(status) == SIGKILL);
	EXPECT_LT(depot, depot0);
	EXPECT_LT(0, pstat("hog", "shrunk"));
	EXPECT_GT(NR_OBJS, pstat("hog", "cached"));
	EXPECT_EQ(0, pc("check name=hog")) TH_LOG("%s", out);
	destroy_all();
}

int main(int argc, char **argv)
{
	return gs_test_main(argc, argv);
}
