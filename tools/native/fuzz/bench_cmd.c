// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target of /sys/kernel/debug/gosync_test/bench/run, parsing only: the
 * input is one write(2), checked by gosync_parse_line() and parsed by
 * gosync_bench_parse() (kmod/test/cmd_args.c), what gosync_bench_exec() does
 * before it looks the case up and runs it. No benchmark runs here.
 */
#include <linux/cpumask.h>
#include <linux/kernel.h>

#include "cmd_args.h"
#include "fuzz.h"

static const int bench_errnos[] = { -EINVAL, -ERANGE, -ENAMETOOLONG };

static struct gosync_bench_args args;

static int bench_exec(char *line, struct seq_buf *out)
{
	/* Scribble first: the parser must set every field. */
	memset(&args, 0xa5, sizeof(args));
	return gosync_bench_parse(line, &args, out, "bench");
}

static void check_name(const char *s)
{
	size_t n = strnlen(s, GOSYNC_BENCH_NAME_MAX);

	FUZZ_CHECK(n > 0 && n < GOSYNC_BENCH_NAME_MAX);
	for (; *s; s++)
		FUZZ_CHECK(*s > 0x20 && *s <= 0x7e);
}

int fuzz_initialize(int *argc, char ***argv)
{
	fuzz_init();
	return 0;
}

int fuzz_one_input(const u8 *data, size_t size)
{
	if (fuzz_write(data, size, bench_exec, "bench", bench_errnos,
		       ARRAY_SIZE(bench_errnos), true))
		return 0;

	check_name(args.primitive);
	check_name(args.name);
	check_name(args.impl);
	FUZZ_CHECK(args.threads >= 1 && args.threads <= num_online_cpus());
	FUZZ_CHECK(args.duration_ms >= 1 && args.duration_ms <= 60000);
	return 0;
}
