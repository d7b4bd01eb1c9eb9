// SPDX-License-Identifier: GPL-2.0
/*
 * gosync.ko as a dependency of another module:
 * - gosync_consumer.ko cannot load without gosync.ko (unknown symbols);
 * - with gosync.ko loaded it loads, resolves gosync's exports and works;
 * - gosync.ko refuses to unload while the consumer holds it;
 * - gosync_test.ko, the test module, needs gosync.ko, holds it, and is
 *   held while one of its debugfs files is open; gosync.ko alone has no
 *   test files;
 * - load and unload cycles leave nothing behind.
 *
 * Runs with no gosync module loaded; finds the .ko files in $GOSYNC_MODDIR
 * (default /gosync/modules) and skips if they are absent.
 */
#define _GNU_SOURCE
#include <sys/syscall.h>

#include "kselftest_harness.h"
#include "gosync_test.h"

#define CONSUMER_STATUS	"/sys/kernel/debug/gosync_consumer/status"

static const char *moddir(void)
{
	const char *d = getenv("GOSYNC_MODDIR");

	return d ? d : "/gosync/modules";
}

/* finit_module(2) of $GOSYNC_MODDIR/@name.ko; 0 or -errno. */
static int load(const char *name)
{
	char path[512];
	int fd, ret;

	snprintf(path, sizeof(path), "%s/%s.ko", moddir(), name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "", 0) ? -errno : 0;
	close(fd);
	return ret;
}

static int unload(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? -errno : 0;
}

static int loaded(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/module/%s", name);
	return access(path, F_OK) == 0;
}

FIXTURE(mods) {
};

static void unload_all(void)
{
	unload("gosync_consumer");
	unload("gosync_test");
	unload("gosync");
}

FIXTURE_SETUP(mods)
{
	unload_all();
	ASSERT_FALSE(loaded("gosync_consumer"));
	ASSERT_FALSE(loaded("gosync_test"));
	ASSERT_FALSE(loaded("gosync"));
}

FIXTURE_TEARDOWN(mods)
{
	unload_all();
}

TEST_F(mods, consumer_needs_gosync)
{
	EXPECT_EQ(-ENOENT, load("gosync_consumer"));
	EXPECT_FALSE(loaded("gosync_consumer"));
	EXPECT_NE(0, access(CONSUMER_STATUS, F_OK));
}

TEST_F(mods, consumer_uses_gosync)
{
	char buf[512];

	ASSERT_EQ(0, load("gosync"));
	ASSERT_EQ(0, load("gosync_consumer"));
	ASSERT_LT(0, gs_read(CONSUMER_STATUS, buf, sizeof(buf)));
	/*
	 * Its gosync_map: alpha kept by load_or_store, beta swapped to 20
	 * (old value released), gamma deleted (released).
	 */
	/*
	 * Its probe of 8 devices: an error group of 2 at a time, channels
	 * from a weighted semaphore; device 1's -EIO is the group's error.
	 */
	/*
	 * Its breaker: 3 successes, 3 failures trip it, 4 calls rejected
	 * without reaching the device.
	 */
	/*
	 * Its once: the firmware load fails twice (each call retries),
	 * then its value is every later caller's.
	 */
	EXPECT_STREQ("gosync 2.3.0 ok\n"
		     "map len=2 alpha=1 beta=20 gamma=0 released=2\n"
		     "breaker open device_calls=6 trips=1 rejected=4\n"
		     "once results=-11,-11,66,66 loads=3 done=1\n"
		     "group err=-5 broken=-5 limit_kept=1 chans_kept=1 chans_back=1 accounted=1\n"
		     "chan sent=100 got=80 sum=8000 stages=0,0 merge=0 closed=1\n",
		     buf);
	/* The kernel recorded the dependency. */
	EXPECT_EQ(0, access("/sys/module/gosync/holders/gosync_consumer", F_OK));
}

TEST_F(mods, gosync_pinned_while_used)
{
	char buf[128];

	ASSERT_EQ(0, load("gosync"));
	ASSERT_EQ(0, load("gosync_consumer"));
	EXPECT_EQ(-EWOULDBLOCK, unload("gosync"));
	EXPECT_TRUE(loaded("gosync"));
	EXPECT_LT(0, gs_read(CONSUMER_STATUS, buf, sizeof(buf)));
	EXPECT_LT(0, gs_read(GOSYNC_DEBUGFS "/version", buf, sizeof(buf)));
	/* Once the user is gone, it unloads, with its debugfs tree. */
	EXPECT_EQ(0, unload("gosync_consumer"));
	EXPECT_EQ(0, unload("gosync"));
	EXPECT_FALSE(loaded("gosync"));
	EXPECT_NE(0, access(GOSYNC_DEBUGFS, F_OK));
}

TEST_F(mods, test_module_needs_gosync)
{
	EXPECT_EQ(-ENOENT, load("gosync_test"));
	EXPECT_FALSE(loaded("gosync_test"));
	EXPECT_NE(0, access(GOSYNC_TEST_DEBUGFS, F_OK));
}

TEST_F(mods, library_alone_has_no_test_files)
{
	ASSERT_EQ(0, load("gosync"));
	EXPECT_EQ(0, access(GOSYNC_DEBUGFS "/version", R_OK));
	EXPECT_NE(0, access(GOSYNC_TEST_DEBUGFS, F_OK));
	EXPECT_NE(0, access(GOSYNC_DEBUGFS "/bench", F_OK));
	EXPECT_EQ(0, unload("gosync"));
}

TEST_F(mods, test_module_pinned_while_file_open)
{
	int fd;

	ASSERT_EQ(0, load("gosync"));
	ASSERT_EQ(0, load("gosync_test"));
	EXPECT_EQ(0, access("/sys/module/gosync/holders/gosync_test", F_OK));
	fd = open(GOSYNC_TEST_DEBUGFS "/bench/run", O_RDWR);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EWOULDBLOCK, unload("gosync_test"));
	EXPECT_EQ(-EWOULDBLOCK, unload("gosync"));
	close(fd);
	EXPECT_EQ(0, unload("gosync_test"));
	EXPECT_NE(0, access(GOSYNC_TEST_DEBUGFS, F_OK));
	EXPECT_EQ(0, unload("gosync"));
}

/* Each unload waits for RCU grace periods: seconds under TCG. */
TEST_F_TIMEOUT(mods, load_unload_cycles, 300)
{
	int i;

	for (i = 0; i < 5; i++) {
		ASSERT_EQ(0, load("gosync"));
		ASSERT_EQ(0, load("gosync_test"));
		ASSERT_EQ(0, access(GOSYNC_TEST_DEBUGFS "/bench/cases", R_OK));
		ASSERT_EQ(0, load("gosync_consumer"));
		ASSERT_EQ(0, unload("gosync_consumer"));
		ASSERT_EQ(0, unload("gosync_test"));
		ASSERT_EQ(0, unload("gosync"));
	}
	/* Loading twice is refused without harm. */
	ASSERT_EQ(0, load("gosync"));
	EXPECT_EQ(-EEXIST, load("gosync"));
	EXPECT_EQ(0, unload("gosync"));
}

int main(int argc, char **argv)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/gosync.ko", moddir());
	if (access(path, R_OK))
		ksft_exit_skip("no %s (set GOSYNC_MODDIR)\n", path);
	return test_harness_run(argc, argv);
}
