// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target of /sys/kernel/debug/gosync_test/phaser/run, parsing only: the
 * input is one write(2), checked by gosync_parse_line() and parsed by
 * __gosync_phaser_run_parse() (kmod/test/phaser_run_cmd.c), exactly what
 * phr_exec() does before it sets up a phaser tree or starts a thread. No
 * run starts here.
 *
 * An accepted command must hold arguments a run can use: every bound of
 * the grammar (kmod/test/phaser_debugfs.c).
 */
#include <linux/kernel.h>

#include "fuzz.h"
#include "phaser_run.h"

static const int phaser_run_errnos[] = {
	-EINVAL, -ERANGE, -ENAMETOOLONG,
};

static struct phr_args args;

static int phaser_run_exec(char *line, struct seq_buf *out)
{
	/* Scribble first: the parser must set every field. */
	memset(&args, 0xa5, sizeof(args));
	return __gosync_phaser_run_parse(line, &args, out, "phaser");
}

int fuzz_initialize(int *argc, char ***argv)
{
	fuzz_init();
	return 0;
}

int fuzz_one_input(const u8 *data, size_t size)
{
	if (fuzz_write(data, size, phaser_run_exec, "phaser",
		       phaser_run_errnos, ARRAY_SIZE(phaser_run_errnos), true))
		return 0;

	FUZZ_CHECK(args.threads >= PHR_THREADS_MIN &&
		   args.threads <= PHR_THREADS_MAX);
	FUZZ_CHECK(args.rounds >= 1 && args.rounds <= PHR_ROUNDS_MAX);
	FUZZ_CHECK(args.tier <= args.threads);
	FUZZ_CHECK(memchr(args.mode_name, '\0', sizeof(args.mode_name)));
	FUZZ_CHECK(args.mode < PHR_NR_MODES);
	FUZZ_CHECK(args.mode == PHR_PLAIN || args.mode_name[0]);
	FUZZ_CHECK(!args.mode_name[0] ||
		   !strcmp(args.mode_name, phr_mode_names[args.mode]));
	FUZZ_CHECK(memchr(args.inject_name, '\0', sizeof(args.inject_name)));
	FUZZ_CHECK(args.inject < PHR_NR_INJECT);
	FUZZ_CHECK(args.inject == PHR_INJ_NONE || args.inject_name[0]);
	FUZZ_CHECK(!args.inject_name[0] ||
		   !strcmp(args.inject_name, phr_inject_names[args.inject]));
	return 0;
}
