// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target of /sys/kernel/debug/gosync_test/map/stress, parsing only: the
 * input is one write(2), checked by gosync_parse_line() and parsed by
 * gosync_map_stress_args (kmod/test/map.c), exactly what gm_st_exec()
 * does before it starts any thread. No stress run starts here.
 *
 * An accepted command must hold arguments a run can use: every bound of
 * the grammar (kmod/test/map.c) and a mix that sums to 100.
 */
#include <linux/cpumask.h>
#include <linux/kernel.h>

#include "fuzz.h"
#include "map.h"
#include "map_test.h"
#include "parse.h"

static const int map_stress_errnos[] = {
	-EINVAL, -ERANGE, -ENAMETOOLONG, -EOPNOTSUPP,
};

static struct gm_st_args args;

static int map_stress_exec(char *line, struct seq_buf *out)
{
	/* Scribble first: the parser must set every field. */
	memset(&args, 0xa5, sizeof(args));
	return gosync_args_parse(&gosync_map_stress_args, line, &args, out, "map");
}

int fuzz_initialize(int *argc, char ***argv)
{
	fuzz_init();
	return 0;
}

int fuzz_one_input(const u8 *data, size_t size)
{
	unsigned int i, sum = 0;

	if (fuzz_write(data, size, map_stress_exec, "map", map_stress_errnos,
		       ARRAY_SIZE(map_stress_errnos), true))
		return 0;

	FUZZ_CHECK(args.threads >= 1 && args.threads <= num_online_cpus());
	FUZZ_CHECK(args.duration_ms >= 1 && args.duration_ms <= 600000);
	FUZZ_CHECK(args.keys >= 1 && args.keys <= BIT(22));
	FUZZ_CHECK(args.storm <= BIT(22));
	FUZZ_CHECK(args.storm || args.keys >= args.threads);
	FUZZ_CHECK(args.hint <= BIT(22));
	FUZZ_CHECK(args.key_kind == GOSYNC_MAP_KEY_U64 ||
		   args.key_kind == GOSYNC_MAP_KEY_STRING ||
		   args.key_kind == GOSYNC_MAP_KEY_BINARY);
	FUZZ_CHECK(args.checker <= 1 && args.resizer <= 1 &&
		   args.atomic <= 1);
	FUZZ_CHECK(!args.failslab);	/* no CONFIG_FAULT_INJECTION natively */
	for (i = 0; i < GM_ST_NR_OPS; i++) {
		FUZZ_CHECK(args.mix[i] <= 100);
		sum += args.mix[i];
	}
	FUZZ_CHECK(sum == 100);
	return 0;
}
