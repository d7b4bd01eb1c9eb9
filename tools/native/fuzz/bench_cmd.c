// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target of /sys/kernel/debug/gosync_test/bench/run, parsing only:
 * gosync_bench_run_args (kmod/test/cmd_args.c), see fuzz_args.h. No
 * benchmark runs here.
 */
#include "cmd_args.h"

#define FUZZ_ARGS	gosync_bench_run_args
#define FUZZ_WHO	"bench"
#include "fuzz_args.h"
