// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target of /sys/kernel/debug/gosync_test/wpool/stress, parsing only:
 * gosync_wpool_stress_args (kmod/test/wpool.c), see fuzz_args.h. No thread
 * starts here.
 */
#define FUZZ_ARGS	gosync_wpool_stress_args
#define FUZZ_WHO	"wpool"
#include "fuzz_args.h"
