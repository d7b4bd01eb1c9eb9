// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target of /sys/kernel/debug/gosync_test/counter/stress, parsing only:
 * the input is one write(2), checked by gosync_parse_line() and parsed by
 * gosync_counter_parse() (kmod/test/cmd_args.c), what counter_stress_exec()
 * does before it starts its threads. No thread starts here.
 */
#include <linux/cpumask.h>
#include <linux/kernel.h>

#include "cmd_args.h"
#include "fuzz.h"

static const int counter_errnos[] = { -EINVAL, -ERANGE };

static struct gosync_counter_args args;

static int counter_exec(char *line, struct seq_buf *out)
{
	/* Scribble first: the parser must set every field. */
	memset(&args, 0xa5, sizeof(args));
	return gosync_counter_parse(line, &args, out, "counter");
}

int fuzz_initialize(int *argc, char ***argv)
{
	fuzz_init();
	return 0;
}

int fuzz_one_input(const u8 *data, size_t size)
{
	if (fuzz_write(data, size, counter_exec, "counter", counter_errnos,
		       ARRAY_SIZE(counter_errnos), true))
		return 0;

	FUZZ_CHECK(args.threads >= 1 && args.threads <= num_online_cpus());
	FUZZ_CHECK(args.duration_ms >= 1 && args.duration_ms <= 60000);
	return 0;
}
