// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target of /sys/kernel/debug/gosync_test/map/cmd: the module's command
 * interpreter (kmod/test/map.c) on a real gosync_map, natively.
 *
 * An input is a session: lines split after each '\n', each one write(2)
 * (with its newline, as echo(1) writes it), at most FUZZ_LINES of them,
 * run on an empty map of u64 keys, as after module load. Every command
 * must pass fuzz.h's checks. At the end of the session the map must agree
 * with itself: "len", the number of entries "range" visits and the
 * entries of "stats" are one number, and "stats" fits its buffer.
 *
 * Only cost is limited here, never the grammar:
 * - A line asking for a table bigger than FUZZ_MAX_BUCKETS (init hint=,
 *   resize buckets=) that the parser would accept is skipped: clearing
 *   and freeing up to 4M buckets (tens of MB) per line would take most of
 *   the run. Values the parser rejects still go through.
 * - "init" and "sync" wait for RCU callbacks (rcu_barrier(), in init's
 *   gosync_map_destroy() of the old map), which liburcu runs about every
 *   10 ms: only the first FUZZ_SLOW_LINES of them in a session run.
 * - A session starts from "clear" on the map the last one left, if that
 *   is still the u64 map of module load, and from a new map (and so one
 *   more rcu_barrier()) only after an init changed it.
 */
#include <linux/kernel.h>

#include "fuzz.h"
#include "map.h"
#include "map_test.h"

#define FUZZ_LINES		64
#define FUZZ_SLOW_LINES		1
#define FUZZ_MAX_BUCKETS	4096
#define FUZZ_HINT_MAX		BIT(22)		/* GM_HINT_MAX in kmod/test/map.c */

static const int map_cmd_errnos[] = {
	-EINVAL, -ERANGE, -ENAMETOOLONG,	/* the parser */
	-ENOENT, -EAGAIN, -ENOSPC,		/* the map calls */
};

static int map_cmd_exec(char *line, struct seq_buf *out)
{
	return gm_cmd_exec(line, out, "map");
}

static const struct fuzz_cap map_cmd_caps[] = {
	{ "hint=", FUZZ_MAX_BUCKETS, FUZZ_HINT_MAX },
	{ "buckets=", FUZZ_MAX_BUCKETS, FUZZ_HINT_MAX },
};

static const char *const map_cmd_slow_verbs[] = { "init", "sync" };

static const struct fuzz_cmd_target map_cmd_target = {
	.exec = map_cmd_exec,
	.who = "map",
	.errnos = map_cmd_errnos,
	.nr_errnos = ARRAY_SIZE(map_cmd_errnos),
	.caps = map_cmd_caps,
	.nr_caps = ARRAY_SIZE(map_cmd_caps),
	.slow_verbs = map_cmd_slow_verbs,
	.nr_slow_verbs = ARRAY_SIZE(map_cmd_slow_verbs),
	.slow_lines = FUZZ_SLOW_LINES,
};

static int map_cmd(const char *cmd)
{
	return fuzz_cmd(&map_cmd_target, cmd);
}

/* Back to an empty u64 map, as after module load. */
static void reset_map(void)
{
	static const char fresh[] = "kind=u64 key_len=0 gfp=kernel max=0 ";
	static char stats[GOSYNC_MAP_CMD_STATS_SIZE];
	struct seq_buf sb;

	seq_buf_init(&sb, stats, sizeof(stats));
	gm_cmd_stats(&sb);
	if (!strncmp(stats, fresh, sizeof(fresh) - 1)) {
		FUZZ_CHECK(!map_cmd("clear\n"));
		return;
	}
	gm_cmd_exit();
	FUZZ_CHECK(!gm_cmd_init());
}

static unsigned long long number_after(const char *s, const char *key)
{
	const char *p = strstr(s, key);

	FUZZ_CHECK(p);
	return strtoull(p + strlen(key), NULL, 10);
}

/* The session is over: the map must agree with itself. */
static void check_map(void)
{
	static char stats[GOSYNC_MAP_CMD_STATS_SIZE];
	unsigned long long len, visited, entries;
	struct seq_buf sb;
	const char *last;

	FUZZ_CHECK(!map_cmd("len\n"));
	len = number_after(fuzz_out, "len=");
	FUZZ_CHECK(!map_cmd("range\n"));
	/* The last line is "visited=N". */
	fuzz_out[fuzz_out_len - 1] = '\0';
	last = strrchr(fuzz_out, '\n');
	last = last ? last + 1 : fuzz_out;
	FUZZ_CHECK(!strncmp(last, "visited=", 8));
	visited = number_after(last, "visited=");
	FUZZ_CHECK(visited == len);

	seq_buf_init(&sb, stats, sizeof(stats));
	gm_cmd_stats(&sb);
	FUZZ_CHECK(!seq_buf_has_overflowed(&sb));
	FUZZ_CHECK(seq_buf_used(&sb) < sizeof(stats));
	FUZZ_CHECK(stats[seq_buf_used(&sb) - 1] == '\n');
	entries = number_after(stats, " entries=");
	FUZZ_CHECK(entries == len);
}

int fuzz_initialize(int *argc, char ***argv)
{
	fuzz_init();
	FUZZ_CHECK(!gm_cmd_init());
	return 0;
}

int fuzz_one_input(const u8 *data, size_t size)
{
	reset_map();
	fuzz_cmd_lines(&map_cmd_target, data, size, FUZZ_LINES);
	check_map();
	return 0;
}
