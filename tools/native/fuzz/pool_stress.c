// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target of /sys/kernel/debug/gosync_test/pool/stress, parsing only: the
 * input is one write(2), checked by gosync_parse_line() and parsed by
 * __gosync_pool_stress_parse() (kmod/test/pool_cmd.c), exactly what
 * poolst_exec() does before it creates a pool or starts a thread. No
 * stress run starts here.
 *
 * An accepted command must hold arguments a run can use: every bound of
 * the grammar (kmod/test/pool_debugfs.c).
 */
#include <linux/cpumask.h>
#include <linux/kernel.h>

#include <gosync/pool.h>

#include "fuzz.h"
#include "pool_cmd.h"

static const int pool_stress_errnos[] = {
	-EINVAL, -ERANGE, -ENAMETOOLONG, -EOPNOTSUPP,
};

static struct poolst_args args;

static int pool_stress_exec(char *line, struct seq_buf *out)
{
	/* Scribble first: the parser must set every field. */
	memset(&args, 0xa5, sizeof(args));
	return __gosync_pool_stress_parse(line, &args, out, "pool");
}

int fuzz_initialize(int *argc, char ***argv)
{
	fuzz_init();
	return 0;
}

int fuzz_one_input(const u8 *data, size_t size)
{
	unsigned int cache;

	if (fuzz_write(data, size, pool_stress_exec, "pool", pool_stress_errnos,
		       ARRAY_SIZE(pool_stress_errnos), true))
		return 0;

	FUZZ_CHECK(args.threads >= 1 && args.threads <= num_online_cpus());
	FUZZ_CHECK(args.duration_ms >= 1 && args.duration_ms <= POOLST_MAX_MS);
	FUZZ_CHECK(memchr(args.mode_name, '\0', sizeof(args.mode_name)));
	FUZZ_CHECK(args.mode < POOLST_NR_MODES);
	FUZZ_CHECK(args.mode == POOLST_PAIR || args.mode_name[0]);
	FUZZ_CHECK(!args.mode_name[0] ||
		   !strcmp(args.mode_name, poolst_mode_names[args.mode]));
	FUZZ_CHECK(args.mode != POOLST_XCPU || args.threads >= 2);
	FUZZ_CHECK(args.size >= POOLST_MIN_SIZE && args.size <= GOSYNC_POOL_SIZE_MAX);
	FUZZ_CHECK(!args.cpu_cache || (args.cpu_cache >= 2 &&
				       args.cpu_cache <= GOSYNC_POOL_CPU_CACHE_MAX));
	FUZZ_CHECK(args.poison <= 1 && args.irqsafe <= 1);
	FUZZ_CHECK(args.mode != POOLST_IRQ || args.irqsafe);
	FUZZ_CHECK(args.timer_us >= 10 && args.timer_us <= 100000);
	FUZZ_CHECK(!args.failslab);	/* no CONFIG_FAILSLAB natively */
	cache = args.cpu_cache ? args.cpu_cache : GOSYNC_POOL_CPU_CACHE_DEFAULT;
	FUZZ_CHECK(((u64)num_online_cpus() * cache +
		    (u64)args.threads * (POOLST_BATCH_OBJS + POOLST_RING)) * args.size <=
		   POOLST_MAX_BYTES);
	return 0;
}
