// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target of /sys/kernel/debug/gosync_test/pool/cmd: the
 * command file's exec() (kmod/test/pool.c) on real gosync_pools, natively.
 *
 * An input is a session: lines split after each '\n', each one write(2)
 * (with its newline, as echo(1) writes it), at most FUZZ_LINES of them,
 * starting with no test pool, as after module load. Every command must
 * pass fuzz.h's checks. At the end of the session every pool must pass
 * its own invariant check ("check": its counters against what the
 * session did), "list" must agree with each pool's "stats", and
 * destroying the pools (as module unload does) must destruct every
 * object each one constructed, with nothing leaked (LeakSanitizer, at
 * exit).
 *
 * Only cost is limited here, never the grammar:
 * - A line asking for more than FUZZ_MAX_OBJ_SIZE-byte objects, more
 *   than FUZZ_MAX_N objects at once or a buffer of more than
 *   FUZZ_MAX_BYTES, that the parser would accept, is skipped: the
 *   module's own bound (256 MiB held) is too much memory per input.
 *   Values the parser rejects still go through.
 * - "create" and "destroy" wait for RCU grace periods (destroy, and the
 *   end of each session, which destroys what is left): only the first
 *   FUZZ_SLOW_LINES of them in a session run.
 */
#include <linux/kernel.h>

#include "cmdfile.h"
#include "fuzz.h"
#include "test.h"

/* Kbuild lists the parts for main.c; this program takes the pool's. */
extern const struct gosync_component gosync_pool_component;

#define FUZZ_LINES		64
#define FUZZ_SLOW_LINES		4
#define FUZZ_MAX_OBJ_SIZE	4096
#define FUZZ_MAX_N		256
#define FUZZ_MAX_BYTES		65536
/* pool/cmd's documented bounds: pools, name length, objects held. */
#define POOL_CMD_POOLS		8
#define POOL_CMD_NAME_MAX	15
#define POOL_CMD_HELD_MAX	16384

static const int pool_cmd_errnos[] = {
	-EINVAL, -ERANGE, -ENAMETOOLONG,	/* the parser */
	-ENOENT, -EEXIST, -ENOSPC, -ENOMEM,	/* the interpreter, the pool */
};

static struct gosync_cmd_file *pool_cmd_file;

/* What a write(2) to pool/cmd runs, after the line check. */
static int pool_cmd_exec(char *line, struct seq_buf *out)
{
	return pool_cmd_file->exec(pool_cmd_file, line, out);
}

static const struct fuzz_cap pool_cmd_caps[] = {
	{ "size=", FUZZ_MAX_OBJ_SIZE, U64_MAX }, { "n=", FUZZ_MAX_N, U64_MAX },
	{ "bytes=", FUZZ_MAX_BYTES, U64_MAX },
	{ "max_cap=", FUZZ_MAX_BYTES, U64_MAX },
};

static const char *const pool_cmd_slow_verbs[] = { "create", "destroy" };

static const struct fuzz_cmd_target pool_cmd_target = {
	.exec = pool_cmd_exec,
	.who = "pool",
	.errnos = pool_cmd_errnos,
	.nr_errnos = ARRAY_SIZE(pool_cmd_errnos),
	.caps = pool_cmd_caps,
	.nr_caps = ARRAY_SIZE(pool_cmd_caps),
	.slow_verbs = pool_cmd_slow_verbs,
	.nr_slow_verbs = ARRAY_SIZE(pool_cmd_slow_verbs),
	.slow_lines = FUZZ_SLOW_LINES,
};

static int pool_cmd(const char *fmt, ...)
{
	char cmd[GOSYNC_CMD_MAX_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return fuzz_cmd(&pool_cmd_target, cmd);
}

static long long number_after(const char *s, const char *key)
{
	const char *p = strstr(s, key);

	FUZZ_CHECK(p);
	return strtoll(p + strlen(key), NULL, 10);
}

/* The session is over: every pool must agree with itself and with list. */
static void check_pools(void)
{
	char names[POOL_CMD_POOLS][POOL_CMD_NAME_MAX + 1];
	char list[GOSYNC_CMD_OUT_SIZE], *name;
	long long bytes, sum = 0, held, size;
	unsigned int pools, n = 0;
	const char *p;
	char kind[4];

	FUZZ_CHECK(!pool_cmd("list\n"));
	memcpy(list, fuzz_out, fuzz_out_len + 1);
	FUZZ_CHECK(sscanf(list, "pools=%u bytes=%lld\n", &pools, &bytes) == 2);
	FUZZ_CHECK(pools <= POOL_CMD_POOLS);
	for (p = strchr(list, '\n'); p && p[1]; p = strchr(p + 1, '\n')) {
		FUZZ_CHECK(n < POOL_CMD_POOLS);
		name = names[n++];
		FUZZ_CHECK(sscanf(p + 1, "name=%15s kind=%3s size=%lld held=%lld",
				  name, kind, &size, &held) == 4);
		FUZZ_CHECK(!pool_cmd("check name=%s\n", name));
		FUZZ_CHECK(!pool_cmd("stats name=%s\n", name));
		FUZZ_CHECK(number_after(fuzz_out, "\nheld ") == held);
		sum += number_after(fuzz_out, "\nheld_bytes ");
		if (!strcmp(kind, "obj"))
			FUZZ_CHECK(number_after(fuzz_out, "\nheld_bytes ") ==
				   held * size);
		FUZZ_CHECK(held <= POOL_CMD_HELD_MAX);
	}
	FUZZ_CHECK(n == pools);
	FUZZ_CHECK(sum == bytes);
	/* Each destroy checks its pool's destructor count (-EIO if off). */
	while (n--)
		FUZZ_CHECK(!pool_cmd("destroy name=%s\n", names[n]));
}

int fuzz_initialize(int *argc, char ***argv)
{
	struct gosync_cmd_file *f;

	fuzz_init();
	for (f = gosync_pool_component.files; f->name; f++)
		if (!strcmp(f->name, "cmd"))
			pool_cmd_file = f;
	FUZZ_CHECK(pool_cmd_file);
	pool_cmd_file->who = "pool";	/* as main.c does */
	return 0;
}

int fuzz_one_input(const u8 *data, size_t size)
{
	fuzz_cmd_lines(&pool_cmd_target, data, size, FUZZ_LINES);
	check_pools();
	gosync_pool_component.exit();	/* as module unload */
	return 0;
}
