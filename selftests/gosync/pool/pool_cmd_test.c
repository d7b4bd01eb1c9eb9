// SPDX-License-Identifier: GPL-2.0
/*
 * gosync_pool through its debugfs command file (pool/cmd): every verb,
 * the pool's bounds (max_objects, a failing constructor, a reset that
 * drops, oversize buffers), the shrinker's victim tier, and bad input of
 * every sort. A rejected command must fail with its errno, leave
 * "error: <why>" as the output and change nothing; after each case the
 * pool's own invariant check ("check") must pass.
 *
 * The program runs pinned to one CPU, so that a get finds what the
 * previous put cached (the fast path uses the calling CPU's magazines)
 * and the counts below are exact.
 */
#define _GNU_SOURCE
#include "kselftest_harness.h"
#include "gosync_test.h"
#include "pool_test.h"

FIXTURE(pool) {
	int unused;
};

FIXTURE_SETUP(pool)
{
	ASSERT_EQ(0, pin_to(0));
	destroy_all();
}

FIXTURE_TEARDOWN(pool)
{
	destroy_all();
}

/* A rejected command: its errno, an error line, nothing changed. */
#define EXPECT_REJECT(err, ...)						\
	do {								\
		char _before[sizeof(out)];				\
		pc("list");						\
		strcpy(_before, out);					\
		EXPECT_EQ(err, pc(__VA_ARGS__)) TH_LOG("%s", out);	\
		EXPECT_EQ(0, strncmp(out, "error: ", 7)) TH_LOG("%s", out); \
		pc("list");						\
		EXPECT_STREQ(_before, out);				\
	} while (0)

/* The pool's own invariant check passes. */
static void expect_check(struct __test_metadata *_metadata, const char *name)
{
	EXPECT_EQ(0, pc("check name=%s", name)) TH_LOG("%s", out);
}

TEST(files_and_modes)
{
	EXPECT_EQ(0600, gs_file_mode(POOL_CMD));
	EXPECT_EQ(0600, gs_file_mode(POOL_STRESS));
}

TEST_F(pool, create_list_destroy)
{
	ASSERT_EQ(0, pc("create name=a"));
	EXPECT_EQ(0, strncmp(out, "created name=a kind=obj size=64 align=0 cpu_cache=0 ", 52));
	EXPECT_NE(NULL, strstr(out, " max_objects=0 irqsafe=0 reset_on_get=0 reset=0 "));
	EXPECT_NE(NULL, strstr(out, " reset=0 ctor_fail=0 drop=0\n"));
	ASSERT_EQ(0, pc("create name=b-2_X kind=buf size=100 max_cap=1000 irqsafe=1"));
	EXPECT_STREQ("created name=b-2_X kind=buf size=100 max_cap=1000 irqsafe=1\n", out);
	ASSERT_EQ(0, pc("create name=c kind=buf size=10"));
	EXPECT_STREQ("created name=c kind=buf size=10 max_cap=40 irqsafe=0\n", out);
	ASSERT_EQ(0, pc("list"));
	EXPECT_STREQ("pools=3 bytes=0\nname=a kind=obj size=64 held=0\n"
		     "name=b-2_X kind=buf size=100 held=0\nname=c kind=buf size=10 held=0\n", out);
	EXPECT_REJECT(-EEXIST, "create name=a size=128");
	EXPECT_REJECT(-EEXIST, "create name=c");
	ASSERT_EQ(0, pc("get name=a n=3"));
	EXPECT_STREQ("got=3 held=3\n", out);
	ASSERT_EQ(0, pc("list"));
	EXPECT_STREQ("pools=3 bytes=192\nname=a kind=obj size=64 held=3\n"
		     "name=b-2_X kind=buf size=100 held=0\nname=c kind=buf size=10 held=0\n", out);
	ASSERT_EQ(0, pc("destroy name=a"));
	EXPECT_STREQ("destroyed name=a held=3 constructed=3\n", out);
	EXPECT_REJECT(-ENOENT, "destroy name=a");
	EXPECT_REJECT(-ENOENT, "get name=a");
	ASSERT_EQ(0, pc("destroy name=b-2_X"));
	ASSERT_EQ(0, pc("destroy name=c"));
	ASSERT_EQ(0, pc("list"));
	EXPECT_STREQ("pools=0 bytes=0\n", out);
}

TEST_F(pool, at_most_eight_pools)
{
	int i;

	for (i = 0; i < 8; i++)
		ASSERT_EQ(0, pc("create name=p%d", i));
	EXPECT_REJECT(-ENOSPC, "create name=p8");
	ASSERT_EQ(0, pc("destroy name=p3"));
	ASSERT_EQ(0, pc("create name=p8"));
	EXPECT_REJECT(-ENOSPC, "create name=p9");
}

TEST_F(pool, bad_input)
{
	char big[600];

	ASSERT_EQ(0, pc("create name=a kind=buf"));
	ASSERT_EQ(0, pc("create name=o"));
	/* The parser. */
	EXPECT_REJECT(-EINVAL, "frobnicate name=a");
	EXPECT_REJECT(-EINVAL, "get");
	EXPECT_REJECT(-EINVAL, "get name=");
	EXPECT_REJECT(-EINVAL, "get name=o n=abc");
	EXPECT_REJECT(-EINVAL, "get name=o n=-1");
	EXPECT_REJECT(-EINVAL, "get name=o n");
	EXPECT_REJECT(-EINVAL, "get name=o =3");
	EXPECT_REJECT(-EINVAL, "get name=o n=1 n=2");
	EXPECT_REJECT(-EINVAL, "get name=o size=5");
	EXPECT_REJECT(-EINVAL, "list name=o");
	EXPECT_REJECT(-ERANGE, "get name=o n=0");
	EXPECT_REJECT(-ERANGE, "get name=o n=16385");
	EXPECT_REJECT(-EINVAL, "get name=o n=18446744073709551616");
	EXPECT_REJECT(-ERANGE, "cpustats name=o cpu=100000");
	EXPECT_REJECT(-ENAMETOOLONG, "create name=abcdefghijklmnop");
	EXPECT_REJECT(-ENAMETOOLONG, "get name=o gfp=kernelkernel");
	EXPECT_REJECT(-EINVAL, " \t\t\n");
	EXPECT_EQ(-EINVAL, gs_cmd(POOL_CMD, "get name=o\x01"));
	EXPECT_EQ(-EINVAL, gs_pwrite(POOL_CMD, "list", 4, 3));
	memset(big, 'x', sizeof(big));
	EXPECT_EQ(-E2BIG, gs_pwrite(POOL_CMD, big, sizeof(big), 0));
	/* The interpreter. */
	EXPECT_REJECT(-ENOENT, "get name=nope");
	EXPECT_REJECT(-EINVAL, "create name=a/b");
	EXPECT_REJECT(-EINVAL, "create name=x kind=heap");
	EXPECT_REJECT(-EINVAL, "create name=x kind=buf drop=2");
	EXPECT_REJECT(-EINVAL, "create name=x kind=buf cpu_cache=8");
	EXPECT_REJECT(-EINVAL, "create name=x max_cap=100");
	EXPECT_REJECT(-EINVAL, "get name=o gfp=never");
	EXPECT_REJECT(-ERANGE, "put name=o");
	EXPECT_REJECT(-EINVAL, "grow name=o bytes=10");
	EXPECT_REJECT(-ENOENT, "grow name=a bytes=10");
	EXPECT_REJECT(-EINVAL, "destroy name=a late_put=1");
	/* Options gosync_pool_create() refuses. */
	EXPECT_REJECT(-EINVAL, "create name=x size=0");
	EXPECT_REJECT(-EINVAL, "create name=x size=4194305");
	EXPECT_REJECT(-EINVAL, "create name=x align=3");
	EXPECT_REJECT(-EINVAL, "create name=x align=8192");
	EXPECT_REJECT(-EINVAL, "create name=x cpu_cache=1");
	EXPECT_REJECT(-EINVAL, "create name=x cpu_cache=1025");
	EXPECT_REJECT(-EINVAL, "create name=x kind=buf size=100 max_cap=99");
	EXPECT_REJECT(-EINVAL, "create name=x kind=buf size=0");
	/* The bounds of what the test pools hold. */
	ASSERT_EQ(0, pc("create name=big size=4194304"));
	EXPECT_REJECT(-ERANGE, "get name=big n=65");
	ASSERT_EQ(0, pc("get name=o n=2"));
	EXPECT_REJECT(-ERANGE, "put name=o n=3");
	EXPECT_REJECT(-ERANGE, "get name=o n=16383");
	ASSERT_EQ(0, pc("get name=a"));
	EXPECT_REJECT(-ERANGE, "grow name=a bytes=10 idx=1");
	expect_check(_metadata, "o");
	expect_check(_metadata, "a");
	expect_check(_metadata, "big");
}

TEST_F(pool, get_put_counts)
{
	ASSERT_EQ(0, pc("create name=g cpu_cache=8"));
	ASSERT_EQ(0, pc("get name=g n=3"));
	EXPECT_EQ(3, pstat("g", "misses"));
	EXPECT_EQ(0, pstat("g", "hits"));
	EXPECT_EQ(3, pstat("g", "constructed"));
	EXPECT_EQ(3, pstat("g", "objects"));
	EXPECT_EQ(0, pstat("g", "cached"));
	EXPECT_EQ(3, pstat("g", "ctor_calls"));
	expect_check(_metadata, "g");
	ASSERT_EQ(0, pc("put name=g n=3"));
	EXPECT_STREQ("put=3 held=0\n", out);
	EXPECT_EQ(3, pstat("g", "puts"));
	EXPECT_EQ(3, pstat("g", "cached"));
	EXPECT_EQ(0, pstat("g", "depot"));
	/* Served from the CPU's magazines: no constructor call. */
	ASSERT_EQ(0, pc("get name=g n=3"));
	EXPECT_EQ(3, pstat("g", "hits"));
	EXPECT_EQ(3, pstat("g", "constructed"));
	EXPECT_EQ(0, pstat("g", "cached"));
	/* Every stats key is there. */
	ASSERT_EQ(0, pc("stats name=g"));
	EXPECT_EQ(0, strncmp(out, "hits 3\nmisses 3\nrefills 0\nsteals 0\nconstructed 3\n", 48))
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\nctor_failed 0\nspills 0\nputs 3\ndropped 0\nshrunk 0\n"
			       "objects 3\ncached 0\ndepot 0\nheld 3\n"));
	EXPECT_NE(NULL, strstr(out, "\ndtors 0\n"));
	/* More than fit in the CPU's two magazines spill to the depot. */
	ASSERT_EQ(0, pc("get name=g n=37"));
	ASSERT_EQ(0, pc("put name=g n=40"));
	EXPECT_EQ(40, pstat("g", "cached"));
	EXPECT_LT(0, pstat("g", "spills"));
	EXPECT_LE(32, pstat("g", "depot"));
	EXPECT_GE(36, pstat("g", "depot"));
	/* A get that empties the magazines refills from the depot. */
	ASSERT_EQ(0, pc("get name=g n=40"));
	EXPECT_LT(0, pstat("g", "refills"));
	EXPECT_EQ(40, pstat("g", "constructed"));
	EXPECT_EQ(0, pstat("g", "cached"));
	expect_check(_metadata, "g");
	ASSERT_EQ(0, pc("destroy name=g"));
	EXPECT_STREQ("destroyed name=g held=40 constructed=40\n", out);
}

TEST_F(pool, cpustats)
{
	int cpus = gs_online_cpus(), lines = 0;
	char *p;

	ASSERT_EQ(0, pc("create name=c cpu_cache=16"));
	ASSERT_EQ(0, pc("get name=c n=5"));
	ASSERT_EQ(0, pc("put name=c n=2"));
	EXPECT_EQ(3, pcpustat("c", 0, "objects"));	/* out from CPU 0 */
	EXPECT_EQ(2, pcpustat("c", 0, "cached"));
	EXPECT_EQ(5, pcpustat("c", 0, "misses"));
	EXPECT_EQ(2, pcpustat("c", 0, "puts"));
	EXPECT_EQ(0, strncmp(out, "cpu 0\nhits 0\n", 13)) TH_LOG("%s", out);
	if (cpus > 1) {
		EXPECT_EQ(0, pcpustat("c", 1, "puts"));
		EXPECT_EQ(0, pcpustat("c", 1, "cached"));
	}
	ASSERT_EQ(0, pc("cpustats name=c"));
	for (p = out; (p = strstr(p, "cpu=")); p++)
		lines++;
	EXPECT_EQ(cpus, lines) TH_LOG("%s", out);
	EXPECT_EQ(0, strncmp(out, "cpu=0 hits=0 misses=5 ", 22)) TH_LOG("%s", out);
	expect_check(_metadata, "c");
}

TEST_F(pool, max_objects)
{
	ASSERT_EQ(0, pc("create name=m max_objects=5"));
	ASSERT_EQ(0, pc("get name=m n=4"));
	EXPECT_EQ(-ENOSPC, pc("get name=m n=3"));
	EXPECT_NE(NULL, strstr(out, "max_objects=5 reached after 1 objects")) TH_LOG("%s", out);
	EXPECT_EQ(5, pstat("m", "held"));
	EXPECT_EQ(5, pstat("m", "objects"));
	EXPECT_EQ(1, pstat("m", "ctor_failed"));
	EXPECT_EQ(1, pstat("m", "get_nulls"));
	EXPECT_EQ(5, pstat("m", "ctor_calls"));
	expect_check(_metadata, "m");
	/* Objects put back are reused: the bound is on objects, not gets. */
	ASSERT_EQ(0, pc("put name=m n=5"));
	ASSERT_EQ(0, pc("get name=m n=5"));
	EXPECT_EQ(-ENOSPC, pc("get name=m"));
	EXPECT_EQ(5, pstat("m", "constructed"));
	EXPECT_EQ(2, pstat("m", "ctor_failed"));
	expect_check(_metadata, "m");
}

TEST_F(pool, ctor_failure)
{
	ASSERT_EQ(0, pc("create name=f ctor_fail=1"));
	EXPECT_EQ(-ENOMEM, pc("get name=f n=3"));
	EXPECT_NE(NULL, strstr(out, "constructor failed after 0 objects")) TH_LOG("%s", out);
	EXPECT_EQ(0, pstat("f", "held"));
	EXPECT_EQ(0, pstat("f", "objects"));
	EXPECT_EQ(0, pstat("f", "constructed"));
	EXPECT_EQ(1, pstat("f", "ctor_failed"));
	EXPECT_EQ(0, pstat("f", "dtors"));	/* not for a failed construction */
	expect_check(_metadata, "f");

	/* Every third constructor call fails. */
	ASSERT_EQ(0, pc("create name=g ctor_fail=3"));
	ASSERT_EQ(0, pc("get name=g n=2"));
	EXPECT_EQ(-ENOMEM, pc("get name=g n=5"));
	EXPECT_EQ(2, pstat("g", "held"));
	ASSERT_EQ(0, pc("get name=g n=2"));
	EXPECT_EQ(-ENOMEM, pc("get name=g"));
	EXPECT_EQ(4, pstat("g", "constructed"));
	EXPECT_EQ(2, pstat("g", "ctor_failed"));
	EXPECT_EQ(6, pstat("g", "ctor_calls"));
	EXPECT_EQ(4, pstat("g", "objects"));
	expect_check(_metadata, "g");
	/* Cached objects need no constructor. */
	ASSERT_EQ(0, pc("put name=g n=4"));
	ASSERT_EQ(0, pc("get name=g n=4"));
	EXPECT_EQ(6, pstat("g", "ctor_calls"));
	expect_check(_metadata, "g");
	ASSERT_EQ(0, pc("destroy name=g"));
	EXPECT_STREQ("destroyed name=g held=4 constructed=4\n", out);
}

TEST_F(pool, reset_on_put_drops)
{
	ASSERT_EQ(0, pc("create name=r reset=1 drop=2"));
	ASSERT_EQ(0, pc("get name=r n=4"));
	EXPECT_EQ(0, pstat("r", "resets"));
	ASSERT_EQ(0, pc("put name=r n=4"));
	EXPECT_EQ(4, pstat("r", "resets"));
	EXPECT_EQ(2, pstat("r", "reset_drops"));
	EXPECT_EQ(2, pstat("r", "dropped"));
	EXPECT_EQ(4, pstat("r", "puts"));
	EXPECT_EQ(2, pstat("r", "dtors"));
	EXPECT_EQ(2, pstat("r", "objects"));
	EXPECT_EQ(2, pstat("r", "cached"));
	expect_check(_metadata, "r");
	/* reset=1 alone keeps everything. */
	ASSERT_EQ(0, pc("create name=k reset=1"));
	ASSERT_EQ(0, pc("get name=k n=3"));
	ASSERT_EQ(0, pc("put name=k n=3"));
	EXPECT_EQ(3, pstat("k", "resets"));
	EXPECT_EQ(0, pstat("k", "dropped"));
	EXPECT_EQ(3, pstat("k", "cached"));
	expect_check(_metadata, "k");
}

TEST_F(pool, reset_on_get)
{
	/* Not on put, not on a new object: on a get of a cached one. */
	ASSERT_EQ(0, pc("create name=r reset=1 reset_on_get=1"));
	ASSERT_EQ(0, pc("get name=r n=2"));
	EXPECT_EQ(0, pstat("r", "resets"));
	ASSERT_EQ(0, pc("put name=r n=2"));
	EXPECT_EQ(0, pstat("r", "resets"));
	ASSERT_EQ(0, pc("get name=r n=2"));
	EXPECT_EQ(2, pstat("r", "resets"));
	EXPECT_EQ(2, pstat("r", "hits"));
	expect_check(_metadata, "r");

	/*
	 * A refused object is freed and the get goes on: of the three cached
	 * objects the second is refused, and the third get constructs.
	 */
	ASSERT_EQ(0, pc("create name=d reset_on_get=1 drop=2"));
	ASSERT_EQ(0, pc("get name=d n=3"));
	ASSERT_EQ(0, pc("put name=d n=3"));
	EXPECT_EQ(0, pstat("d", "resets"));
	ASSERT_EQ(0, pc("get name=d n=3"));
	EXPECT_EQ(3, pstat("d", "held"));
	EXPECT_EQ(3, pstat("d", "resets"));
	EXPECT_EQ(1, pstat("d", "reset_drops"));
	EXPECT_EQ(1, pstat("d", "dropped"));
	EXPECT_EQ(1, pstat("d", "dtors"));
	EXPECT_EQ(4, pstat("d", "constructed"));
	EXPECT_EQ(3, pstat("d", "objects"));
	EXPECT_EQ(3, pstat("d", "puts"));
	expect_check(_metadata, "d");

	/* drop=1: every cached object is refused, each get constructs. */
	ASSERT_EQ(0, pc("create name=e reset_on_get=1 drop=1"));
	ASSERT_EQ(0, pc("get name=e n=4"));
	ASSERT_EQ(0, pc("put name=e n=4"));
	ASSERT_EQ(0, pc("get name=e n=4"));
	EXPECT_EQ(4, pstat("e", "dropped"));
	EXPECT_EQ(8, pstat("e", "constructed"));
	EXPECT_EQ(4, pstat("e", "objects"));
	expect_check(_metadata, "e");
}

TEST_F(pool, bufpool_oversize_dropped)
{
	ASSERT_EQ(0, pc("create name=b kind=buf size=64 max_cap=256"));
	ASSERT_EQ(0, pc("get name=b n=2"));
	EXPECT_EQ(128, pstat("b", "held_bytes"));
	ASSERT_EQ(0, pc("grow name=b bytes=1000"));
	EXPECT_STREQ("cap=1000\n", out);
	ASSERT_EQ(0, pc("grow name=b bytes=100 idx=0"));
	EXPECT_STREQ("cap=128\n", out);
	ASSERT_EQ(0, pc("grow name=b bytes=10"));		/* fits already */
	EXPECT_STREQ("cap=1000\n", out);
	EXPECT_EQ(1128, pstat("b", "held_bytes"));
	/* The oversize buffer is freed on put, the other one cached. */
	ASSERT_EQ(0, pc("put name=b"));
	EXPECT_EQ(1, pstat("b", "dropped"));
	EXPECT_EQ(1, pstat("b", "oversize"));
	EXPECT_EQ(1, pstat("b", "objects"));
	EXPECT_EQ(0, pstat("b", "cached"));
	ASSERT_EQ(0, pc("put name=b"));
	EXPECT_EQ(1, pstat("b", "dropped"));
	EXPECT_EQ(1, pstat("b", "cached"));
	expect_check(_metadata, "b");
	/* The cached buffer comes back as it went (cap 128, within max_cap). */
	ASSERT_EQ(0, pc("get name=b"));
	EXPECT_EQ(128, pstat("b", "held_bytes"));
	EXPECT_EQ(2, pstat("b", "constructed"));
	ASSERT_EQ(0, pc("grow name=b bytes=256"));
	ASSERT_EQ(0, pc("put name=b"));
	EXPECT_EQ(1, pstat("b", "dropped"));	/* cap == max_cap is kept */
	expect_check(_metadata, "b");
}

TEST_F(pool, gfp_atomic)
{
	ASSERT_EQ(0, pc("create name=i irqsafe=1"));
	ASSERT_EQ(0, pc("get name=i n=40 gfp=atomic"));
	ASSERT_EQ(0, pc("put name=i n=40"));
	ASSERT_EQ(0, pc("get name=i n=40 gfp=atomic"));
	EXPECT_EQ(40, pstat("i", "constructed"));
	expect_check(_metadata, "i");
	ASSERT_EQ(0, pc("create name=p"));
	ASSERT_EQ(0, pc("get name=p n=10 gfp=atomic"));
	ASSERT_EQ(0, pc("put name=p n=5"));
	ASSERT_EQ(0, pc("get name=p n=5 gfp=kernel"));
	expect_check(_metadata, "p");
	ASSERT_EQ(0, pc("create name=b kind=buf irqsafe=1"));
	ASSERT_EQ(0, pc("get name=b n=3 gfp=atomic"));
	expect_check(_metadata, "b");
}

TEST_F(pool, align_and_size)
{
	ASSERT_EQ(0, pc("create name=a size=1 align=4096"));
	ASSERT_EQ(0, pc("get name=a n=3"));
	ASSERT_EQ(0, pc("create name=b size=65536"));
	ASSERT_EQ(0, pc("get name=b n=2"));
	ASSERT_EQ(0, pc("put name=b n=2"));
	ASSERT_EQ(0, pc("create name=c size=24 align=8 cpu_cache=2"));
	ASSERT_EQ(0, pc("get name=c n=5"));
	ASSERT_EQ(0, pc("put name=c n=5"));
	EXPECT_LE(3, pstat("c", "depot"));
	expect_check(_metadata, "a");
	expect_check(_metadata, "b");
	expect_check(_metadata, "c");
}

/*
 * The victim tier: a magazine spilled since the last scan survives it.
 * The first shrink finds only young magazines, frees nothing and ages
 * them; the next ones free up to nr objects, never from the CPUs' own
 * magazines.
 */
TEST_F(pool, shrink_victim_tier)
{
	long long depot, cpu_cached;

	ASSERT_EQ(0, pc("create name=s cpu_cache=4"));
	ASSERT_EQ(0, pc("get name=s n=200"));
	ASSERT_EQ(0, pc("put name=s n=200"));
	depot = pstat("s", "depot");
	cpu_cached = pstat("s", "cached") - depot;
	EXPECT_EQ(200, pstat("s", "cached"));
	EXPECT_LE(196, depot);
	EXPECT_GE(4, cpu_cached);

	ASSERT_EQ(0, pc("shrink name=s nr=1000"));
	EXPECT_STREQ("freed=0\n", out);
	EXPECT_EQ(depot, pstat("s", "depot"));
	ASSERT_EQ(0, pc("shrink name=s nr=10"));
	EXPECT_STREQ("freed=10\n", out);
	EXPECT_EQ(depot - 10, pstat("s", "depot"));
	EXPECT_EQ(10, pstat("s", "shrunk"));
	EXPECT_EQ(10, pstat("s", "dtors"));
	expect_check(_metadata, "s");
	ASSERT_EQ(0, pc("shrink name=s"));
	EXPECT_EQ(depot - 10, field_in(out, "freed", '='));
	EXPECT_EQ(0, pstat("s", "depot"));
	EXPECT_EQ(cpu_cached, pstat("s", "cached"));	/* the CPU's magazines stay */
	EXPECT_EQ(cpu_cached, pstat("s", "objects"));
	EXPECT_EQ(depot, pstat("s", "shrunk"));
	ASSERT_EQ(0, pc("shrink name=s"));
	EXPECT_STREQ("freed=0\n", out);
	expect_check(_metadata, "s");

	/* age does what a scan that frees nothing does. */
	ASSERT_EQ(0, pc("get name=s n=100"));
	ASSERT_EQ(0, pc("put name=s n=100"));
	depot = pstat("s", "depot");
	EXPECT_LE(96, depot);
	ASSERT_EQ(0, pc("age name=s"));
	EXPECT_STREQ("aged\n", out);
	ASSERT_EQ(0, pc("shrink name=s nr=0"));
	EXPECT_STREQ("freed=0\n", out);
	ASSERT_EQ(0, pc("shrink name=s nr=1000"));
	EXPECT_EQ(depot, field_in(out, "freed", '='));
	EXPECT_EQ(0, pstat("s", "depot"));
	expect_check(_metadata, "s");

	/*
	 * A busy pool takes its aged magazines back between scans and
	 * spills young ones: no scan ever frees its objects.
	 */
	ASSERT_EQ(0, pc("get name=s n=50"));
	ASSERT_EQ(0, pc("put name=s n=50"));
	ASSERT_EQ(0, pc("shrink name=s"));
	EXPECT_STREQ("freed=0\n", out);
	ASSERT_EQ(0, pc("get name=s n=50"));
	ASSERT_EQ(0, pc("put name=s n=50"));
	ASSERT_EQ(0, pc("shrink name=s"));
	EXPECT_STREQ("freed=0\n", out);
	EXPECT_LE(46, pstat("s", "depot"));
	EXPECT_EQ(50, pstat("s", "objects"));
	expect_check(_metadata, "s");
}

TEST_F(pool, destroy_with_objects_out)
{
	ASSERT_EQ(0, pc("create name=l reset=1"));
	ASSERT_EQ(0, pc("get name=l n=5"));
	ASSERT_EQ(0, pc("put name=l n=2"));
	/* Destroy first, then the three held objects are put back. */
	ASSERT_EQ(0, pc("destroy name=l late_put=1"));
	EXPECT_STREQ("destroyed name=l held=3 constructed=5\n", out);
	ASSERT_EQ(0, pc("list"));
	EXPECT_STREQ("pools=0 bytes=0\n", out);
	/* The same with buffers, put back before destroy. */
	ASSERT_EQ(0, pc("create name=b kind=buf"));
	ASSERT_EQ(0, pc("get name=b n=5"));
	ASSERT_EQ(0, pc("destroy name=b"));
	EXPECT_STREQ("destroyed name=b held=5 constructed=5\n", out);
}

int main(int argc, char **argv)
{
	return gs_test_main(argc, argv);
}
