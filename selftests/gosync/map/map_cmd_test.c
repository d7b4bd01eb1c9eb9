// SPDX-License-Identifier: GPL-2.0
/*
 * gosync_map through its debugfs command file (map/cmd) and its statistics
 * (map/stats): every verb on every key kind, every error path of the map
 * API, and bad input of every sort. Each rejected command must fail with
 * its errno, leave "error: <why>" as the file's output, and leave the map
 * exactly as it was (same length, same values).
 */
#define _GNU_SOURCE
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "gosync_test.h"

#define MAP_CMD		GOSYNC_TEST_DEBUGFS "/map/cmd"
#define MAP_STATS	GOSYNC_TEST_DEBUGFS "/map/stats"
#define MAP_STRESS	GOSYNC_TEST_DEBUGFS "/map/stress"
#define KEY_MAX		256	/* GOSYNC_MAP_KEY_MAX */

/* Output of the last command. */
static char out[8192];

/* Run one command (printf-style) and read its output; 0 or -errno. */
#define mc(...)		gs_cmd_out(MAP_CMD, out, sizeof(out), __VA_ARGS__)

/* The value of a u64-style key, or -errno. */
static long long mc_load(const char *key)
{
	unsigned long long v;
	int ret = mc("load key=%s", key);

	if (ret)
		return ret;
	if (sscanf(out, "value=%llu", &v) != 1)
		return -EIO;
	return (long long)v;
}

static long long mc_len(void)
{
	unsigned long long n;

	if (mc("len") || sscanf(out, "len=%llu", &n) != 1)
		return -1;
	return (long long)n;
}

/* One field of the stats line; -1 if absent. */
static long long stat_get(const char *name)
{
	char buf[4096], pat[64];
	const char *p;

	buf[0] = ' ';
	if (gs_read(MAP_STATS, buf + 1, sizeof(buf) - 1) <= 0)
		return -1;
	snprintf(pat, sizeof(pat), " %s=", name);
	p = strstr(buf, pat);
	if (!p)
		return -1;
	return strtoll(p + strlen(pat), NULL, 0);
}

/*
 * The release count once it reaches @want, or after 5 s. "sync" waits for
 * the releases queued with call_rcu(); the values of a cleared table are
 * released by a worker that runs after that grace period.
 */
static long long wait_releases(long long want)
{
	long long n = -1;
	int i;

	for (i = 0; i < 100; i++) {
		if (mc("sync"))
			return -1;
		n = stat_get("releases");
		if (n >= want)
			break;
		usleep(50000);
	}
	return n;
}

TEST(files_and_modes)
{
	EXPECT_EQ(0600, gs_file_mode(MAP_CMD));
	EXPECT_EQ(0400, gs_file_mode(MAP_STATS));
	EXPECT_EQ(0600, gs_file_mode(MAP_STRESS));
}

TEST(u64_every_verb)
{
	long long releases0;

	ASSERT_EQ(0, mc("init"));
	EXPECT_STREQ("kind=u64 key_len=0 hint=0 max=0 gfp=kernel\n", out);
	EXPECT_EQ(0, stat_get("entries"));
	EXPECT_EQ(0, stat_get("releases"));
	EXPECT_EQ(0, mc_len());

	/* store, load, replace */
	ASSERT_EQ(0, mc("store key=1 value=10"));
	EXPECT_STREQ("stored\n", out);
	EXPECT_EQ(10, mc_load("1"));
	ASSERT_EQ(0, mc("store key=1 value=11"));
	EXPECT_EQ(11, mc_load("1"));
	EXPECT_EQ(11, mc_load("0x1"));
	EXPECT_EQ(1, mc_len());

	/* load_or_store: loads a present key, stores an absent one */
	ASSERT_EQ(0, mc("load_or_store key=1 value=12"));
	EXPECT_STREQ("loaded value=11\n", out);
	EXPECT_EQ(11, mc_load("1"));
	ASSERT_EQ(0, mc("load_or_store key=2 value=20"));
	EXPECT_STREQ("stored value=20\n", out);
	EXPECT_EQ(20, mc_load("2"));

	/* swap: of a present key, and of an absent one (which adds it) */
	ASSERT_EQ(0, mc("swap key=2 value=21"));
	EXPECT_STREQ("old=20\n", out);
	EXPECT_EQ(21, mc_load("2"));
	ASSERT_EQ(0, mc("swap key=3 value=30"));
	EXPECT_STREQ("old=none\n", out);
	EXPECT_EQ(30, mc_load("3"));
	EXPECT_EQ(3, mc_len());

	/* cas: success, mismatch, absent key */
	ASSERT_EQ(0, mc("cas key=3 old=30 new=31"));
	EXPECT_STREQ("swapped\n", out);
	EXPECT_EQ(31, mc_load("3"));
	EXPECT_EQ(-EAGAIN, mc("cas key=3 old=30 new=32"));
	EXPECT_EQ(0, strncmp(out, "error: ", 7)) TH_LOG("said %s", out);
	EXPECT_EQ(31, mc_load("3"));
	EXPECT_EQ(-ENOENT, mc("cas key=99 old=1 new=2"));
	EXPECT_EQ(-ENOENT, mc_load("99"));

	/* cad: mismatch, success, absent key */
	EXPECT_EQ(-EAGAIN, mc("cad key=3 old=30"));
	EXPECT_EQ(31, mc_load("3"));
	ASSERT_EQ(0, mc("cad key=3 old=31"));
	EXPECT_STREQ("deleted\n", out);
	EXPECT_EQ(-ENOENT, mc_load("3"));
	EXPECT_NE(NULL, strstr(out, "no such key"));
	EXPECT_EQ(-ENOENT, mc("cad key=3 old=31"));

	/* load_and_delete and delete, then again on the absent key */
	ASSERT_EQ(0, mc("load_and_delete key=2"));
	EXPECT_STREQ("deleted value=21\n", out);
	EXPECT_EQ(-ENOENT, mc("load_and_delete key=2"));
	ASSERT_EQ(0, mc("delete key=1"));
	EXPECT_STREQ("deleted\n", out);
	EXPECT_EQ(-ENOENT, mc("delete key=1"));
	EXPECT_EQ(0, mc_len());

	/*
	 * Departed values: 10 (replaced), 20 (swapped), 30 (cas), 31 (cad),
	 * 21 (load_and_delete), 11 (delete). Each released once, after a
	 * grace period.
	 */
	ASSERT_EQ(0, mc("sync"));
	EXPECT_STREQ("synced\n", out);
	EXPECT_EQ(6, stat_get("releases"));
	releases0 = stat_get("releases");

	/* Extremes of keys and values. */
	ASSERT_EQ(0, mc("store key=0 value=18446744073709551615"));
	ASSERT_EQ(0, mc("load key=0"));
	EXPECT_STREQ("value=18446744073709551615\n", out);
	ASSERT_EQ(0, mc("store key=18446744073709551615 value=1"));
	EXPECT_EQ(1, mc_load("0xffffffffffffffff"));
	ASSERT_EQ(0, mc("clear"));
	EXPECT_STREQ("cleared\n", out);
	EXPECT_EQ(0, mc_len());
	EXPECT_EQ(-ENOENT, mc_load("0"));
	EXPECT_EQ(releases0 + 2, wait_releases(releases0 + 2));

	/* Per-verb counts (of this map, since its init) and failures. */
	EXPECT_EQ(4, stat_get("store"));
	EXPECT_EQ(2, stat_get("load_or_store"));
	EXPECT_EQ(2, stat_get("swap"));
	EXPECT_EQ(3, stat_get("cas"));
	EXPECT_EQ(3, stat_get("cad"));
	EXPECT_EQ(2, stat_get("load_and_delete"));
	EXPECT_EQ(2, stat_get("delete"));
	EXPECT_EQ(1, stat_get("clear"));
	EXPECT_LE(2, stat_get("sync"));
	/* cas x2, cad x2, load_and_delete, delete, load x3 failed */
	EXPECT_EQ(9, stat_get("errors"));
}

TEST(range)
{
	unsigned long long seen[8] = { 0 };
	unsigned long long k, v;
	const char *p;
	int i, lines = 0;

	ASSERT_EQ(0, mc("init"));
	ASSERT_EQ(0, mc("range"));
	EXPECT_STREQ("visited=0\n", out);
	for (i = 1; i <= 5; i++)
		ASSERT_EQ(0, mc("store key=%d value=%d", i, 100 + i));
	ASSERT_EQ(0, mc("range"));
	for (p = out; sscanf(p, "key=%llu value=%llu", &k, &v) == 2;
	     p = strchr(p, '\n') + 1) {
		ASSERT_LT(0ULL, k);
		ASSERT_GT(6ULL, k);
		EXPECT_EQ(100 + k, v);
		seen[k]++;
		lines++;
	}
	EXPECT_EQ(5, lines);
	for (i = 1; i <= 5; i++)
		EXPECT_EQ(1ULL, seen[i]) TH_LOG("key %d", i);
	EXPECT_STREQ("visited=5\n", p);

	ASSERT_EQ(0, mc("range limit=2"));
	EXPECT_NE(NULL, strstr(out, "\nvisited=2\n"));
	ASSERT_EQ(0, mc("range limit=1000"));
	EXPECT_NE(NULL, strstr(out, "\nvisited=5\n"));

	/* Many entries: only the first 32 are printed, all are counted. */
	for (i = 6; i <= 300; i++)
		ASSERT_EQ(0, mc("store key=%d value=%d", i, i));
	ASSERT_EQ(0, mc("range"));
	EXPECT_NE(NULL, strstr(out, "\nvisited=300\n")) TH_LOG("%s", out);
	for (lines = 0, p = out; *p; p++)
		lines += *p == '\n';
	EXPECT_EQ(33, lines);
}

/* Wait until no resize runs and the bucket count is stable. */
static void settle(void)
{
	long long last = -1, b;
	int i, stable = 0;

	for (i = 0; i < 100 && stable < 3; i++) {
		usleep(50000);
		b = stat_get("buckets");
		stable = b == last && stat_get("resizing") == 0 ? stable + 1 : 0;
		last = b;
	}
}

TEST(resize)
{
	long long grows, shrinks, reseeds;
	char key[16];
	int i, bad = 0;

	ASSERT_EQ(0, mc("init"));
	EXPECT_EQ(16, stat_get("buckets"));
	ASSERT_EQ(0, mc("resize buckets=64"));
	EXPECT_STREQ("buckets=64\n", out);
	EXPECT_EQ(64, stat_get("buckets"));
	EXPECT_EQ(1, stat_get("grows"));

	/* 200 entries in 64 buckets: the map grows by itself. */
	for (i = 0; i < 200; i++)
		ASSERT_EQ(0, mc("store key=%d value=%d", i, i + 1));
	settle();
	EXPECT_LE(2, stat_get("grows"));
	/*
	 * The worker sizes for twice the entries it sees: 256 buckets if it
	 * ran before entry 129, 512 if it ran later (a slow guest).
	 */
	EXPECT_LE(256, stat_get("buckets"));
	EXPECT_GE(512, stat_get("buckets"));
	grows = stat_get("grows");
	shrinks = stat_get("shrinks");
	reseeds = stat_get("reseeds");
	ASSERT_EQ(0, mc("resize buckets=1024"));
	EXPECT_EQ(1024, stat_get("buckets"));
	EXPECT_EQ(grows + 1, stat_get("grows"));
	ASSERT_EQ(0, mc("resize buckets=0"));
	EXPECT_STREQ("buckets=1024\n", out);
	EXPECT_EQ(reseeds + 1, stat_get("reseeds"));
	ASSERT_EQ(0, mc("resize buckets=16"));
	EXPECT_EQ(16, stat_get("buckets"));
	EXPECT_EQ(shrinks + 1, stat_get("shrinks"));
	EXPECT_EQ(200, mc_len());
	EXPECT_EQ(200, stat_get("entries"));
	for (i = 0; i < 200; i++) {
		snprintf(key, sizeof(key), "%d", i);
		bad += mc_load(key) != i + 1;
	}
	EXPECT_EQ(0, bad);
	/* Chains of 16 buckets for 200 keys: longest_chain says so. */
	EXPECT_LE(13, stat_get("longest_chain"));
	EXPECT_EQ(0, stat_get("resizing"));
	/* Copies move values, they do not release them. */
	ASSERT_EQ(0, mc("sync"));
	EXPECT_EQ(0, stat_get("releases"));
}

TEST(string_keys)
{
	char key[640];

	ASSERT_EQ(0, mc("init kind=str"));
	EXPECT_STREQ("kind=str key_len=0 hint=0 max=0 gfp=kernel\n", out);
	ASSERT_EQ(0, mc("store key=hello value=1"));
	ASSERT_EQ(0, mc("store key=hello2 value=2"));
	ASSERT_EQ(0, mc("store key=1 value=3"));
	EXPECT_EQ(1, mc_load("hello"));
	EXPECT_EQ(2, mc_load("hello2"));
	EXPECT_EQ(3, mc_load("1"));
	EXPECT_EQ(-ENOENT, mc_load("0x1"));	/* a string, not a number */
	EXPECT_EQ(-ENOENT, mc_load("hell"));
	ASSERT_EQ(0, mc("store key=a=b,c;d value=4"));
	EXPECT_EQ(4, mc_load("a=b,c;d"));

	/* The longest key the map takes: 255 characters. */
	memset(key, 'k', KEY_MAX - 1);
	key[KEY_MAX - 1] = '\0';
	ASSERT_EQ(0, mc("store key=%s value=5", key));
	EXPECT_EQ(5, mc_load(key));
	ASSERT_EQ(0, mc("range"));
	EXPECT_NE(NULL, strstr(out, "key=hello value=1\n"));
	EXPECT_NE(NULL, strstr(out, "key=a=b,c;d value=4\n"));
	EXPECT_NE(NULL, strstr(out, "visited=5\n"));
	EXPECT_EQ(5, mc_len());

	/* 256 and 400 characters: too long for the map. */
	key[KEY_MAX - 1] = 'k';
	key[KEY_MAX] = '\0';
	EXPECT_EQ(-ENAMETOOLONG, mc("store key=%s value=6", key));
	EXPECT_NE(NULL, strstr(out, "key too long")) TH_LOG("%s", out);
	EXPECT_EQ(-ENAMETOOLONG, mc("load key=%s", key));
	EXPECT_EQ(-ENAMETOOLONG, mc("delete key=%s", key));
	EXPECT_EQ(-ENAMETOOLONG, mc("swap key=%s value=1", key));
	memset(key, 'x', 400);
	key[400] = '\0';
	EXPECT_EQ(-ENAMETOOLONG, mc("load_or_store key=%s value=6", key));
	EXPECT_EQ(5, mc_len());
	EXPECT_EQ(1, mc_load("hello"));
	/* A key too long for a command line (over 512 bytes). */
	memset(key, 'y', 600);
	key[600] = '\0';
	EXPECT_EQ(-E2BIG, mc("store key=%s value=7", key));
	EXPECT_EQ(5, mc_len());
}

TEST(binary_keys)
{
	char key[2 * 64 + 1];
	int i;

	ASSERT_EQ(0, mc("init kind=bin key_len=4"));
	EXPECT_STREQ("kind=bin key_len=4 hint=0 max=0 gfp=kernel\n", out);
	ASSERT_EQ(0, mc("store key=deadbeef value=5"));
	EXPECT_EQ(5, mc_load("deadbeef"));
	EXPECT_EQ(5, mc_load("DEADBEEF"));
	EXPECT_EQ(-ENOENT, mc_load("deadbeee"));
	ASSERT_EQ(0, mc("store key=00000000 value=6"));
	EXPECT_EQ(6, mc_load("00000000"));
	ASSERT_EQ(0, mc("range"));
	EXPECT_NE(NULL, strstr(out, "key=deadbeef value=5\n"));
	EXPECT_NE(NULL, strstr(out, "key=00000000 value=6\n"));

	/* Wrong length, non-hex digits, a number where hex is due. */
	EXPECT_EQ(-EINVAL, mc("store key=deadbe value=1"));
	EXPECT_NE(NULL, strstr(out, "must be 8 hex digits")) TH_LOG("%s", out);
	EXPECT_EQ(-EINVAL, mc("store key=deadbeef00 value=1"));
	EXPECT_EQ(-EINVAL, mc("store key=zzzzzzzz value=1"));
	EXPECT_EQ(-EINVAL, mc("load key=0xdeadbe"));
	EXPECT_EQ(2, mc_len());

	/* A 64-byte key. */
	ASSERT_EQ(0, mc("init kind=bin key_len=64"));
	for (i = 0; i < 128; i++)
		key[i] = "0123456789abcdef"[i % 16];
	key[128] = '\0';
	ASSERT_EQ(0, mc("store key=%s value=9", key));
	EXPECT_EQ(9, mc_load(key));
	key[127] = '0';
	EXPECT_EQ(-ENOENT, mc_load(key));
	EXPECT_EQ(1, mc_len());
}

TEST(max_entries)
{
	ASSERT_EQ(0, mc("init max=3"));
	EXPECT_STREQ("kind=u64 key_len=0 hint=0 max=3 gfp=kernel\n", out);
	ASSERT_EQ(0, mc("store key=1 value=1"));
	ASSERT_EQ(0, mc("store key=2 value=2"));
	ASSERT_EQ(0, mc("load_or_store key=3 value=3"));
	EXPECT_EQ(-ENOSPC, mc("store key=4 value=4"));
	EXPECT_NE(NULL, strstr(out, "full")) TH_LOG("%s", out);
	EXPECT_EQ(-ENOSPC, mc("load_or_store key=4 value=4"));
	EXPECT_EQ(-ENOSPC, mc("swap key=4 value=4"));
	EXPECT_EQ(-ENOENT, mc_load("4"));
	EXPECT_EQ(3, mc_len());
	/* Replacing an existing key needs no room. */
	ASSERT_EQ(0, mc("store key=1 value=10"));
	ASSERT_EQ(0, mc("swap key=2 value=20"));
	ASSERT_EQ(0, mc("cas key=3 old=3 new=30"));
	EXPECT_EQ(10, mc_load("1"));
	EXPECT_EQ(3, mc_len());
	/* Room again after a delete, and after a clear. */
	ASSERT_EQ(0, mc("delete key=1"));
	ASSERT_EQ(0, mc("store key=4 value=4"));
	EXPECT_EQ(-ENOSPC, mc("store key=5 value=5"));
	ASSERT_EQ(0, mc("resize buckets=256"));
	EXPECT_EQ(-ENOSPC, mc("store key=5 value=5"));
	EXPECT_EQ(3, mc_len());
	ASSERT_EQ(0, mc("clear"));
	ASSERT_EQ(0, mc("store key=5 value=5"));
	EXPECT_EQ(1, mc_len());
}

TEST(init_failure_keeps_map)
{
	long long buckets;

	ASSERT_EQ(0, mc("init hint=1000"));
	buckets = stat_get("buckets");
	EXPECT_LE(1024, buckets);
	ASSERT_EQ(0, mc("store key=1 value=7"));
	EXPECT_EQ(-EINVAL, mc("init kind=bin key_len=0"));
	EXPECT_NE(NULL, strstr(out, "gosync_map_init() failed (-22)")) TH_LOG("%s", out);
	EXPECT_EQ(-EINVAL, mc("init kind=bin key_len=257"));
	EXPECT_EQ(-EINVAL, mc("init kind=bin"));	/* key_len defaults to 0 */
	EXPECT_EQ(-EINVAL, mc("init kind=float"));
	EXPECT_NE(NULL, strstr(out, "unknown kind 'float'"));
	EXPECT_EQ(-EINVAL, mc("init gfp=nofs"));
	EXPECT_NE(NULL, strstr(out, "unknown gfp 'nofs'"));
	EXPECT_EQ(-ERANGE, mc("init hint=99999999"));
	EXPECT_EQ(-EINVAL, mc("init kind=stringkey"));	/* a word of the list */
	EXPECT_NE(NULL, strstr(out, "unknown kind 'stringkey' (u64|bin|str)"));
	EXPECT_EQ(-EINVAL, mc("init key=1"));
	EXPECT_EQ(7, mc_load("1"));
	EXPECT_EQ(1, mc_len());
	EXPECT_EQ(buckets, stat_get("buckets"));
	EXPECT_EQ(1, stat_get("store"));
}

TEST(gfp_atomic)
{
	char buf[4096];
	int i;

	ASSERT_EQ(0, mc("init gfp=atomic"));
	EXPECT_STREQ("kind=u64 key_len=0 hint=0 max=0 gfp=atomic\n", out);
	for (i = 1; i <= 100; i++)
		ASSERT_EQ(0, mc("store key=%d value=%d", i, i));
	ASSERT_EQ(0, mc("store key=1 value=1000"));
	ASSERT_EQ(0, mc("swap key=2 value=2000"));
	ASSERT_EQ(0, mc("cas key=3 old=3 new=3000"));
	ASSERT_EQ(0, mc("cad key=4 old=4"));
	ASSERT_EQ(0, mc("delete key=5"));
	ASSERT_EQ(0, mc("load_and_delete key=6"));
	EXPECT_STREQ("deleted value=6\n", out);
	ASSERT_EQ(0, mc("load_or_store key=6 value=6"));
	ASSERT_EQ(0, mc("range limit=3"));
	EXPECT_NE(NULL, strstr(out, "visited=3\n"));
	EXPECT_EQ(1000, mc_load("1"));
	EXPECT_EQ(98, mc_len());
	ASSERT_EQ(0, mc("resize buckets=256"));
	EXPECT_STREQ("buckets=256\n", out);
	EXPECT_EQ(98, mc_len());
	ASSERT_EQ(0, mc("clear"));
	EXPECT_EQ(0, mc_len());
	/* 1, 2, 3 replaced; 4, 5, 6 deleted; 98 cleared */
	EXPECT_EQ(104, wait_releases(104));
	ASSERT_LT(0, gs_read(MAP_STATS, buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, " gfp=atomic "));
}

struct bad_cmd {
	const char *cmd;
	size_t len;		/* 0: strlen(cmd) */
	int err;
	const char *msg;	/* expected in the output */
};

/*
 * Each command must fail with its errno and message, and leave the map as
 * it was: @len entries, key @probe -> 7.
 */
static void check_bad(struct __test_metadata *_metadata,
		      const struct bad_cmd *bad, size_t n, long long len,
		      const char *probe)
{
	size_t i;

	for (i = 0; i < n; i++) {
		size_t l = bad[i].len ? bad[i].len : strlen(bad[i].cmd);

		EXPECT_EQ(-bad[i].err, gs_pwrite(MAP_CMD, bad[i].cmd, l, 0))
			TH_LOG("command %zu '%s'", i, bad[i].cmd);
		ASSERT_LT(0, gs_read(MAP_CMD, out, sizeof(out)));
		EXPECT_EQ(0, strncmp(out, "error: ", 7))
			TH_LOG("command %zu '%s' said '%s'", i, bad[i].cmd, out);
		EXPECT_NE(NULL, strstr(out, bad[i].msg))
			TH_LOG("command %zu '%s' said '%s'", i, bad[i].cmd, out);
		EXPECT_EQ(len, mc_len()) TH_LOG("after command %zu '%s'", i, bad[i].cmd);
		EXPECT_EQ(7, mc_load(probe)) TH_LOG("after command %zu '%s'", i, bad[i].cmd);
	}
}

TEST(bad_input)
{
	static const struct bad_cmd bad[] = {
		/* verbs */
		{ "frobnicate key=1", 0, EINVAL, "unknown verb 'frobnicate'" },
		{ "key=1 value=2", 0, EINVAL, "unknown verb 'key=1'" },
		{ "STORE key=1 value=2", 0, EINVAL, "unknown verb" },
		{ "store_ key=1 value=2", 0, EINVAL, "unknown verb" },
		/* missing arguments */
		{ "store value=5", 0, EINVAL, "missing key 'key'" },
		{ "store key=2", 0, EINVAL, "missing key 'value'" },
		{ "load", 0, EINVAL, "missing key 'key'" },
		{ "cas key=1 old=7", 0, EINVAL, "missing key 'new'" },
		{ "cad key=1", 0, EINVAL, "missing key 'old'" },
		{ "resize", 0, EINVAL, "missing key 'buckets'" },
		{ "store key= value=5", 0, EINVAL, "'key' needs a value" },
		{ "store key=2 value=", 0, EINVAL, "not an unsigned number" },
		{ "store =2 value=5", 0, EINVAL, "not key=value" },
		/* extra arguments */
		{ "load key=1 extra=2", 0, EINVAL, "unknown key 'extra'" },
		{ "load key=1 value=2", 0, EINVAL, "unknown key 'value'" },
		{ "load key=1 junk", 0, EINVAL, "not key=value" },
		{ "delete key=1 old=7", 0, EINVAL, "unknown key 'old'" },
		{ "clear all", 0, EINVAL, "not key=value" },
		{ "clear key=1", 0, EINVAL, "unknown key 'key'" },
		{ "len now=1", 0, EINVAL, "unknown key 'now'" },
		{ "sync x=1", 0, EINVAL, "unknown key 'x'" },
		{ "init kind=u64 kind=str", 0, EINVAL, "given twice" },
		{ "store key=1 value=2 value=3", 0, EINVAL, "given twice" },
		/* non-numeric numbers */
		{ "store key=abc value=1", 0, EINVAL, "key 'abc' is not an unsigned number" },
		{ "store key=1 value=abc", 0, EINVAL, "not an unsigned number" },
		{ "store key=1 value=-1", 0, EINVAL, "not an unsigned number" },
		{ "store key=1 value=0x", 0, EINVAL, "not an unsigned number" },
		{ "store key=1 value=1.5", 0, EINVAL, "not an unsigned number" },
		{ "store key=1 value=18446744073709551616", 0, EINVAL,
		  "not an unsigned number" },
		{ "load key=-1", 0, EINVAL, "not an unsigned number" },
		{ "range limit=x", 0, EINVAL, "not an unsigned number" },
		{ "resize buckets=sixteen", 0, EINVAL, "not an unsigned number" },
		/* NULL values: the map refuses them */
		{ "store key=2 value=0", 0, EINVAL, "non-zero" },
		{ "store key=1 value=0", 0, EINVAL, "non-zero" },
		{ "swap key=1 value=0", 0, EINVAL, "non-zero" },
		{ "load_or_store key=2 value=0", 0, EINVAL, "non-zero" },
		{ "cas key=1 old=0 new=5", 0, EINVAL, "non-zero" },
		{ "cas key=1 old=7 new=0", 0, EINVAL, "non-zero" },
		{ "cad key=1 old=0", 0, EINVAL, "non-zero" },
		/* the map's own errors */
		{ "cas key=1 old=8 new=9", 0, EAGAIN, "not the expected one" },
		{ "cad key=1 old=8", 0, EAGAIN, "not the expected one" },
		{ "load key=2", 0, ENOENT, "no such key" },
		{ "delete key=2", 0, ENOENT, "no such key" },
		{ "load_and_delete key=2", 0, ENOENT, "no such key" },
		{ "cas key=2 old=1 new=2", 0, ENOENT, "no such key" },
		{ "cad key=2 old=1", 0, ENOENT, "no such key" },
		/* numbers out of bounds */
		{ "range limit=0", 0, ERANGE, "outside" },
		{ "resize buckets=99999999", 0, ERANGE, "outside" },
		{ "resize buckets=100", 0, EINVAL, "not 0 or a power of 2" },
		{ "resize buckets=8", 0, EINVAL, "not 0 or a power of 2" },
		{ "resize buckets=1", 0, EINVAL, "not 0 or a power of 2" },
		/* binary garbage */
		{ "\x01\x02\xff\xfe", 0, EINVAL, "not printable ASCII" },
		{ "store key=1\0 value=5", 20, EINVAL, "byte 0x00" },
		{ "store key=1 value=5\x7f", 0, EINVAL, "byte 0x7f" },
		{ "store key=\xc3\xa9 value=1", 0, EINVAL, "byte 0xc3" },
		{ "store key=1\r value=5", 0, EINVAL, "byte 0x0d" },
		{ "store key=1 value=5\n\n", 0, EINVAL, "byte 0x0a" },
		{ "clear\x1b[2J", 0, EINVAL, "byte 0x1b" },
		/* nothing at all */
		{ "", 0, EINVAL, "empty command" },
		{ "\n", 0, EINVAL, "empty command" },
		{ " \t ", 0, EINVAL, "empty command" },
	};
	static char huge[1 << 20];
	char garbage[512];
	unsigned int seed = 1;
	int i, j;

	ASSERT_EQ(0, mc("init"));
	ASSERT_EQ(0, mc("store key=1 value=7"));
	ASSERT_EQ(0, mc("store key=3 value=9"));
	check_bad(_metadata, bad, ARRAY_SIZE(bad), 2, "1");

	/* Huge writes: refused before anything is parsed. */
	memset(huge, 'a', sizeof(huge));
	memcpy(huge, "clear ", 6);
	EXPECT_EQ(-E2BIG, gs_pwrite(MAP_CMD, huge, 513, 0));
	EXPECT_EQ(-E2BIG, gs_pwrite(MAP_CMD, huge, 4096, 0));
	EXPECT_EQ(-E2BIG, gs_pwrite(MAP_CMD, huge, sizeof(huge), 0));
	/* A command must come in one write, at offset 0. */
	EXPECT_EQ(-EINVAL, gs_pwrite(MAP_CMD, "clear", 5, 3));
	EXPECT_EQ(2, mc_len());
	EXPECT_EQ(7, mc_load("1"));

	/* Random binary garbage of every length up to the limit. */
	for (i = 0; i < 200; i++) {
		int len = 1 + (int)(rand_r(&seed) % sizeof(garbage));
		int r;

		for (j = 0; j < len; j++)
			garbage[j] = (char)rand_r(&seed);
		garbage[0] = '\x80';	/* never printable: always refused */
		r = gs_pwrite(MAP_CMD, garbage, len, 0);
		EXPECT_EQ(-EINVAL, r) TH_LOG("garbage %d of %d bytes", i, len);
	}
	EXPECT_EQ(2, mc_len());
	EXPECT_EQ(7, mc_load("1"));
	EXPECT_EQ(9, mc_load("3"));

	/* Well-formed but odd spacing is accepted. */
	ASSERT_EQ(0, mc("%s\n", "  store\tkey=5   value=55 "));
	EXPECT_EQ(55, mc_load("5"));
	ASSERT_EQ(0, gs_pwrite(MAP_CMD, "delete key=5\n", 13, 0));
	EXPECT_EQ(2, mc_len());
}

TEST(bad_input_string_and_binary)
{
	static const struct bad_cmd bin_bad[] = {
		{ "store key=1 value=1", 0, EINVAL, "must be 2 hex digits" },
		{ "store key=001 value=1", 0, EINVAL, "must be 2 hex digits" },
		{ "store key=0g value=1", 0, EINVAL, "must be 2 hex digits" },
		{ "store key=-1 value=1", 0, EINVAL, "must be 2 hex digits" },
		{ "delete key=02", 0, ENOENT, "no such key" },
	};
	char key[KEY_MAX + 1], cmd[600], load[600];
	const struct bad_cmd str_bad[] = {
		{ cmd, 0, ENAMETOOLONG, "key too long" },
		{ load, 0, ENAMETOOLONG, "key too long" },
		{ "store key=k value=0", 0, EINVAL, "non-zero" },
		{ "load key=nokey", 0, ENOENT, "no such key" },
		{ "load key=1 key=2", 0, EINVAL, "given twice" },
	};

	memset(key, 'z', KEY_MAX);
	key[KEY_MAX] = '\0';
	snprintf(cmd, sizeof(cmd), "store key=%s value=1", key);
	snprintf(load, sizeof(load), "load key=%s", key);
	ASSERT_EQ(0, mc("init kind=str"));
	ASSERT_EQ(0, mc("store key=1 value=7"));
	check_bad(_metadata, str_bad, ARRAY_SIZE(str_bad), 1, "1");

	ASSERT_EQ(0, mc("init kind=bin key_len=1"));
	ASSERT_EQ(0, mc("store key=01 value=7"));
	check_bad(_metadata, bin_bad, ARRAY_SIZE(bin_bad), 1, "01");
}

/* Many processes driving the test map at once: every command is atomic. */
/* 1,200 commands from 6 processes: minutes on a loaded KCSAN guest. */
FIXTURE(slow) {};
FIXTURE_SETUP(slow) {}
FIXTURE_TEARDOWN(slow) {}

TEST_F_TIMEOUT(slow, concurrent_writers, 180)
{
	const int workers = 6, per = 40;
	int i, status, fails = 0;
	char key[16];

	ASSERT_EQ(0, mc("init"));
	for (i = 0; i < workers; i++) {
		pid_t pid = fork();

		ASSERT_LE(0, pid);
		if (pid == 0) {
			int j, f = 0;
			char b[4096];

			for (j = 0; j < per; j++) {
				int k = i * 1000 + j;
				char c[64];

				snprintf(c, sizeof(c), "store key=%d value=%d", k, k + 1);
				f += gs_cmd(MAP_CMD, c) != 0;
				snprintf(c, sizeof(c), "load_or_store key=%d value=5", k);
				f += gs_cmd(MAP_CMD, c) != 0;
				f += gs_read(MAP_STATS, b, sizeof(b)) <= 0;
				snprintf(c, sizeof(c), "cad key=%d old=%d", k, k + 2);
				f += gs_cmd(MAP_CMD, c) != -EAGAIN;
			}
			_exit(f ? 1 : 0);
		}
	}
	for (i = 0; i < workers; i++) {
		ASSERT_LT(0, wait(&status));
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			fails++;
	}
	EXPECT_EQ(0, fails);
	EXPECT_EQ(workers * per, mc_len());
	for (i = 0; i < workers * per; i++) {
		int k = (i / per) * 1000 + i % per;

		snprintf(key, sizeof(key), "%d", k);
		if (mc_load(key) != k + 1)
			fails++;
	}
	EXPECT_EQ(0, fails);
	EXPECT_EQ(workers * per, stat_get("store"));
	EXPECT_EQ(workers * per, stat_get("errors"));
	ASSERT_EQ(0, mc("init"));
}

int main(int argc, char **argv)
{
	return gs_test_main(argc, argv);
}
