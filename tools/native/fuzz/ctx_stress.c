// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target of /sys/kernel/debug/gosync_test/ctx/stress, parsing only:
 * gosync_ctx_stress_args (kmod/test/ctx.c), see fuzz_args.h. No thread
 * starts here.
 */
#define FUZZ_ARGS	gosync_ctx_stress_args
#define FUZZ_WHO	"ctx"
#include "fuzz_args.h"
