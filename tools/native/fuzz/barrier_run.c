// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target of /sys/kernel/debug/gosync_test/barrier/run, parsing only:
 * gosync_barrier_run_args (kmod/test/barrier.c), see fuzz_args.h.
 */
#define FUZZ_ARGS	gosync_barrier_run_args
#define FUZZ_WHO	"barrier"
#include "fuzz_args.h"
