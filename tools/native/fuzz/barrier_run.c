// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target of /sys/kernel/debug/gosync_test/barrier/run, parsing only: the
 * input is one write(2), checked by gosync_parse_line() and parsed by
 * __gosync_barrier_run_parse() (kmod/test/barrier_run_cmd.c), exactly what
 * barst_exec() does before it creates a barrier or starts a thread. No run
 * starts here.
 *
 * An accepted command must hold arguments a run can use: every bound of
 * the grammar (kmod/test/barrier_debugfs.c).
 */
#include <linux/kernel.h>

#include "fuzz.h"
#include "barrier_run.h"

static const int barrier_run_errnos[] = {
	-EINVAL, -ERANGE, -ENAMETOOLONG,
};

static struct barst_args args;

static int barrier_run_exec(char *line, struct seq_buf *out)
{
	/* Scribble first: the parser must set every field. */
	memset(&args, 0xa5, sizeof(args));
	return __gosync_barrier_run_parse(line, &args, out, "barrier");
}

int fuzz_initialize(int *argc, char ***argv)
{
	fuzz_init();
	return 0;
}

int fuzz_one_input(const u8 *data, size_t size)
{
	if (fuzz_write(data, size, barrier_run_exec, "barrier",
		       barrier_run_errnos, ARRAY_SIZE(barrier_run_errnos),
		       true))
		return 0;

	FUZZ_CHECK(args.threads >= 2 && args.threads <= BARST_THREADS_MAX);
	FUZZ_CHECK(args.rounds >= 1 && args.rounds <= BARST_ROUNDS_MAX);
	FUZZ_CHECK(memchr(args.mode_name, '\0', sizeof(args.mode_name)));
	FUZZ_CHECK(args.mode < BARST_NR_MODES);
	FUZZ_CHECK(args.mode == BARST_PLAIN || args.mode_name[0]);
	FUZZ_CHECK(!args.mode_name[0] ||
		   !strcmp(args.mode_name, barst_mode_names[args.mode]));
	FUZZ_CHECK(args.action <= 1);
	FUZZ_CHECK(memchr(args.inject_name, '\0', sizeof(args.inject_name)));
	FUZZ_CHECK(args.inject < BARST_NR_INJECT);
	FUZZ_CHECK(args.inject == BARST_INJ_NONE || args.inject_name[0]);
	FUZZ_CHECK(!args.inject_name[0] ||
		   !strcmp(args.inject_name, barst_inject_names[args.inject]));
	return 0;
}
