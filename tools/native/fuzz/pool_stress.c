// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target of /sys/kernel/debug/gosync_test/pool/stress, parsing only:
 * gosync_pool_stress_args (kmod/test/pool.c), see fuzz_args.h.
 */
#define FUZZ_ARGS	gosync_pool_stress_args
#define FUZZ_WHO	"pool"
#include "fuzz_args.h"
