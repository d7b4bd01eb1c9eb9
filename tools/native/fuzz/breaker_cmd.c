// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target of /sys/kernel/debug/gosync_test/breaker/cmd: the module's
 * command interpreter (kmod/test/breaker.c) on real gosync_breakers,
 * natively.
 *
 * An input is a session: lines split after each '\n', each one write(2)
 * (with its newline, as echo(1) writes it), at most FUZZ_LINES of them,
 * starting with no test breaker, as after module load. Every command must
 * pass fuzz.h's checks; -EIO, a broken invariant or a breaker call that
 * returned what it may not, is not among the accepted errnos. At the end
 * of the session every breaker must pass its own invariant check
 * ("check": its counts against its notifier's log and what the session
 * did), its notifier must have judged every state change legal
 * ("events"), the events it prints must have consecutive generations,
 * each starting where the previous ended, and destroying the breakers (as module unload does)
 * must leave nothing leaked (LeakSanitizer, per input).
 *
 * Only cost and one shim limitation are limited here, never the grammar:
 * - A line asking feed for more than FUZZ_MAX_FEED calls of a kind, that
 *   the parser would accept, is skipped. Values the parser rejects still
 *   go through.
 * - "create" and "destroy" register and unregister a notifier (destroy
 *   waits for an RCU grace period, as does the end of each session, which
 *   destroys what is left): only the first FUZZ_SLOW_LINES of them in a
 *   session run.
 * - A create with notify_timer=1 is skipped: the shim's hrtimer_start()
 *   joins the timer's thread, so re-arming the timer (under the breaker's
 *   lock) while its callback waits for that lock deadlocks, which the
 *   kernel's hrtimer_start() does not. The notify timer is exercised by
 *   the kselftest instead.
 */
#include <linux/kernel.h>

#include "fuzz.h"
#include "breaker.h"

#define FUZZ_LINES		64
#define FUZZ_SLOW_LINES		4
#define FUZZ_MAX_FEED		2000

static const int breaker_cmd_errnos[] = {
	-EINVAL, -ERANGE, -ENAMETOOLONG,	/* the parser */
	-ENOENT, -EEXIST, -ENOSPC, -ENOMEM,	/* the interpreter */
	-EBUSY,					/* the breaker's controls */
};

static int breaker_cmd_exec(char *line, struct seq_buf *out)
{
	return gb_cmd_exec(line, out, "breaker");
}

static const struct fuzz_cap breaker_cmd_caps[] = {
	{ "ok=", FUZZ_MAX_FEED, U64_MAX }, { "fail=", FUZZ_MAX_FEED, U64_MAX },
	{ "slow=", FUZZ_MAX_FEED, U64_MAX },
	{ "ignored=", FUZZ_MAX_FEED, U64_MAX },
	{ "notify_timer=", 0, 1 },
};

static const char *const breaker_cmd_slow_verbs[] = { "create", "destroy" };

static const struct fuzz_cmd_target breaker_cmd_target = {
	.exec = breaker_cmd_exec,
	.who = "breaker",
	.errnos = breaker_cmd_errnos,
	.nr_errnos = ARRAY_SIZE(breaker_cmd_errnos),
	.caps = breaker_cmd_caps,
	.nr_caps = ARRAY_SIZE(breaker_cmd_caps),
	.slow_verbs = breaker_cmd_slow_verbs,
	.nr_slow_verbs = ARRAY_SIZE(breaker_cmd_slow_verbs),
	.slow_lines = FUZZ_SLOW_LINES,
};

static int breaker_cmd(const char *fmt, ...)
{
	char cmd[GOSYNC_CMD_MAX_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return fuzz_cmd(&breaker_cmd_target, cmd);
}

/* The events a breaker prints follow each other. */
static void check_events(void)
{
	char from[16], to[16], prev_to[16] = "", reason[24];
	unsigned long long gen, prev = 0, total;
	unsigned int kept, forced, lines = 0;
	const char *p;
	long long ms;

	FUZZ_CHECK(sscanf(fuzz_out, "events=%llu kept=%u", &total, &kept) == 2);
	FUZZ_CHECK(kept <= GOSYNC_BREAKER_CMD_EVENTS && kept <= total);
	for (p = strchr(fuzz_out, '\n'); p && p[1]; p = strchr(p + 1, '\n')) {
		if (!strcmp(p + 1, "...\n"))
			break;
		FUZZ_CHECK(sscanf(p + 1, "gen=%llu from=%15s to=%15s reason=%23s forced=%u ms=%lld",
				  &gen, from, to, reason, &forced, &ms) == 6);
		FUZZ_CHECK(forced <= 1);
		if (lines++) {
			FUZZ_CHECK(gen == prev + 1);
			FUZZ_CHECK(!strcmp(from, prev_to));
		}
		prev = gen;
		strcpy(prev_to, to);
	}
	/* The newest event is the breaker's generation - 1 changes after init. */
	FUZZ_CHECK(!lines || prev == total + 1);
	FUZZ_CHECK(lines <= kept);
}

/* The session is over: every breaker must agree with itself and with list. */
static void check_breakers(void)
{
	char names[GOSYNC_BREAKER_CMD_BREAKERS][GOSYNC_BREAKER_CMD_NAME_MAX + 1];
	char list[GOSYNC_CMD_OUT_SIZE], clock[8], state[16], *name;
	unsigned int breakers, n = 0, held;
	const char *p;

	FUZZ_CHECK(!breaker_cmd("list\n"));
	memcpy(list, fuzz_out, fuzz_out_len + 1);
	FUZZ_CHECK(sscanf(list, "breakers=%u\n", &breakers) == 1);
	FUZZ_CHECK(breakers <= GOSYNC_BREAKER_CMD_BREAKERS);
	for (p = strchr(list, '\n'); p && p[1]; p = strchr(p + 1, '\n')) {
		FUZZ_CHECK(n < GOSYNC_BREAKER_CMD_BREAKERS);
		name = names[n++];
		FUZZ_CHECK(sscanf(p + 1, "name=%15s clock=%7s held=%u state=%15s",
				  name, clock, &held, state) == 4);
		FUZZ_CHECK(held <= GOSYNC_BREAKER_CMD_TICKETS);
		FUZZ_CHECK(!strcmp(state, "closed") || !strcmp(state, "open") ||
			   !strcmp(state, "half-open"));
		FUZZ_CHECK(!breaker_cmd("check name=%s\n", name));
		FUZZ_CHECK(!breaker_cmd("events name=%s last=%d\n", name,
					GOSYNC_BREAKER_CMD_EVENTS));
		check_events();
		FUZZ_CHECK(!breaker_cmd("counts name=%s\n", name));
		FUZZ_CHECK(!strncmp(fuzz_out, "state=", 6));
		FUZZ_CHECK(!breaker_cmd("state name=%s\n", name));
		FUZZ_CHECK(!strcmp(clock, "real") || !strcmp(clock, "fake"));
	}
	FUZZ_CHECK(n == breakers);
	while (n--)
		FUZZ_CHECK(!breaker_cmd("destroy name=%s\n", names[n]));
}

int fuzz_initialize(int *argc, char ***argv)
{
	fuzz_init();
	return 0;
}

int fuzz_one_input(const u8 *data, size_t size)
{
	fuzz_cmd_lines(&breaker_cmd_target, data, size, FUZZ_LINES);
	check_breakers();
	gb_cmd_exit();
	return 0;
}
