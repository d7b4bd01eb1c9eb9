// SPDX-License-Identifier: GPL-2.0
/*
 * gosync.ko's debugfs face: a named breaker and pool made through
 * gosync_test.ko's command files appear as
 * /sys/kernel/debug/gosync/<kind>/<name>/stats while they exist, with
 * their state and counters as key=value lines and no address, and are
 * gone once destroyed. (The lifecycle races are KUnit's:
 * kmod/kunit/face_kunit.c.)
 */
#include <ctype.h>

#include "kselftest_harness.h"
#include "gosync_test.h"

#define BRK_CMD		GOSYNC_TEST_DEBUGFS "/breaker/cmd"
#define POOL_CMD	GOSYNC_TEST_DEBUGFS "/pool/cmd"
#define FACE		GOSYNC_DEBUGFS

static char out[8192];
static char stats[4096];

/* Every line is key=value, the value a number or a word; no address. */
static void check_lines(struct __test_metadata *_metadata, const char *text)
{
	const char *p, *line = text;
	int run = 0;

	EXPECT_EQ(NULL, strstr(text, "0x")) TH_LOG("%s", text);
	for (p = text; *p; p++) {
		run = isxdigit((unsigned char)*p) ? run + 1 : 0;
		EXPECT_GT(16, run) TH_LOG("%s", text);
		if (*p == '\n') {
			EXPECT_NE(NULL, memchr(line, '=', p - line)) TH_LOG("%s", text);
			line = p + 1;
		}
	}
	EXPECT_EQ(line, p) TH_LOG("no final newline: %s", text);
}

TEST(kind_directories)
{
	static const char *const kinds[] = {
		"pool", "breaker", "map", "barrier", "phaser",
	};
	char path[128];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		snprintf(path, sizeof(path), FACE "/%s", kinds[i]);
		EXPECT_EQ(0, access(path, F_OK)) TH_LOG("%s", path);
	}
}

TEST(breaker_appears_while_it_exists)
{
	const char *path = FACE "/breaker/facebrk/stats";

	if (access(BRK_CMD, W_OK))
		SKIP(return, "gosync_test.ko is not loaded");
	ASSERT_EQ(0, gs_cmd_out(BRK_CMD, out, sizeof(out),
				"create name=facebrk clock=fake consecutive=2"));
	ASSERT_LT(0, gs_read(path, stats, sizeof(stats)));
	EXPECT_EQ(0, strncmp(stats, "state=closed\nforced=0\ngen=1\n", 28))
		TH_LOG("%s", stats);
	check_lines(_metadata, stats);
	ASSERT_EQ(0, gs_cmd_out(BRK_CMD, out, sizeof(out),
				"feed name=facebrk ok=3 fail=2"));
	ASSERT_LT(0, gs_read(path, stats, sizeof(stats)));
	EXPECT_EQ(0, strncmp(stats, "state=open\nforced=0\ngen=2\n", 26))
		TH_LOG("%s", stats);
	EXPECT_EQ(1, gs_field(stats, "trips", -1));
	EXPECT_EQ(1, gs_field(stats, "transitions", -1));
	ASSERT_EQ(0, gs_cmd_out(BRK_CMD, out, sizeof(out), "destroy name=facebrk"));
	EXPECT_EQ(-ENOENT, gs_read(path, stats, sizeof(stats)));
	EXPECT_NE(0, access(FACE "/breaker/facebrk", F_OK));
}

TEST(pool_appears_while_it_exists)
{
	/* gosync_test.ko names its pool "dbg-<name>". */
	const char *path = FACE "/pool/dbg-facepool/stats";

	if (access(POOL_CMD, W_OK))
		SKIP(return, "gosync_test.ko is not loaded");
	ASSERT_EQ(0, gs_cmd_out(POOL_CMD, out, sizeof(out),
				"create name=facepool cpu_cache=8"));
	ASSERT_EQ(0, gs_cmd_out(POOL_CMD, out, sizeof(out),
				"get name=facepool n=3"));
	ASSERT_LT(0, gs_read(path, stats, sizeof(stats)));
	EXPECT_EQ(3, gs_field(stats, "objects", -1)) TH_LOG("%s", stats);
	EXPECT_EQ(0, gs_field(stats, "cached", -1));
	EXPECT_EQ(3, gs_field(stats, "constructed", -1));
	check_lines(_metadata, stats);
	ASSERT_EQ(0, gs_cmd_out(POOL_CMD, out, sizeof(out),
				"put name=facepool n=3"));
	ASSERT_LT(0, gs_read(path, stats, sizeof(stats)));
	EXPECT_EQ(3, gs_field(stats, "cached", -1)) TH_LOG("%s", stats);
	EXPECT_EQ(3, gs_field(stats, "puts", -1));
	ASSERT_EQ(0, gs_cmd_out(POOL_CMD, out, sizeof(out),
				"destroy name=facepool"));
	EXPECT_EQ(-ENOENT, gs_read(path, stats, sizeof(stats)));
}

int main(int argc, char **argv)
{
	return gs_test_main(argc, argv);
}
