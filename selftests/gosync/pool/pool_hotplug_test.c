// SPDX-License-Identifier: GPL-2.0
/*
 * gosync_pool and CPU hotplug: objects cached in CPU 1's magazines move to
 * the depot when CPU 1 goes offline, and nothing is lost or leaked. The
 * program puts objects back while pinned to CPU 1 (the fast path caches
 * on the calling CPU), takes CPU 1 offline, and checks that CPU 1's
 * magazines are empty, the depot grew by what they held, and the objects,
 * cached and constructed counts did not change; then brings CPU 1 back,
 * and gets every object again from another CPU without constructing one.
 * Skipped when CPU 1 cannot be taken offline.
 */
#define _GNU_SOURCE
#include "kselftest_harness.h"
#include "gosync_test.h"
#include "pool_test.h"

#define CPU1_ONLINE	"/sys/devices/system/cpu/cpu1/online"

static int set_online(int on)
{
	return gs_cmd(CPU1_ONLINE, on ? "1\n" : "0\n");
}

FIXTURE(hotplug) {
	int unused;
};

FIXTURE_SETUP(hotplug)
{
	destroy_all();
}

FIXTURE_TEARDOWN(hotplug)
{
	char buf[8];

	pin_to(-1);
	/* Every later test expects every CPU. */
	if (gs_read(CPU1_ONLINE, buf, sizeof(buf)) > 0 && buf[0] == '0')
		set_online(1);
	destroy_all();
}

TEST_F_TIMEOUT(hotplug, offline_drains_to_depot, 120)
{
	long long objects, cached, depot, constructed, mags;
	char buf[8];
	int ret;

	if (access(CPU1_ONLINE, W_OK))
		SKIP(return, "no writable %s", CPU1_ONLINE);
	ASSERT_LT(0, gs_read(CPU1_ONLINE, buf, sizeof(buf)));
	if (buf[0] != '1')
		SKIP(return, "CPU 1 is offline already");
	ASSERT_EQ(0, pc("create name=h cpu_cache=32"));
	/* 20 objects cached on CPU 1 (two magazines of 16), 10 on CPU 0. */
	ASSERT_EQ(0, pin_to(1));
	ASSERT_EQ(0, pc("get name=h n=20"));
	ASSERT_EQ(0, pc("put name=h n=20"));
	ASSERT_EQ(0, pin_to(0));
	ASSERT_EQ(0, pc("get name=h n=10"));
	ASSERT_EQ(0, pc("put name=h n=10"));
	EXPECT_EQ(20, pcpustat("h", 1, "cached"));
	EXPECT_EQ(0, pcpustat("h", 1, "depot"));
	objects = pstat("h", "objects");
	cached = pstat("h", "cached");
	depot = pstat("h", "depot");
	constructed = pstat("h", "constructed");
	EXPECT_LE(20, cached);
	mags = pcpustat("h", 1, "cached") - pcpustat("h", 1, "depot");
	EXPECT_EQ(20, mags);

	ret = set_online(0);
	if (ret == -EBUSY || ret == -EPERM || ret == -EACCES)
		SKIP(return, "CPU 1 cannot go offline (%d)", ret);
	ASSERT_EQ(0, ret);
	/* CPU 1's magazines are empty, its depot shard holds their objects. */
	EXPECT_EQ(0, pcpustat("h", 1, "cached") - pcpustat("h", 1, "depot"));
	EXPECT_EQ(20, pcpustat("h", 1, "depot"));
	EXPECT_EQ(depot + 20, pstat("h", "depot"));
	EXPECT_EQ(cached, pstat("h", "cached"));
	EXPECT_EQ(objects, pstat("h", "objects"));
	EXPECT_EQ(0, pc("check name=h")) TH_LOG("%s", out);

	ASSERT_EQ(0, set_online(1));
	/* Everything comes back from CPU 0: its own magazines, then steals. */
	ASSERT_EQ(0, pc("get name=h n=%lld", cached));
	EXPECT_EQ(constructed, pstat("h", "constructed"));
	EXPECT_EQ(0, pstat("h", "cached"));
	EXPECT_LT(0, pcpustat("h", 0, "steals"));
	EXPECT_EQ(0, pc("check name=h")) TH_LOG("%s", out);
	ASSERT_EQ(0, pc("destroy name=h"));
	EXPECT_NE(NULL, strstr(out, "constructed=30")) TH_LOG("%s", out);
}

int main(int argc, char **argv)
{
	return gs_test_main(argc, argv);
}
