// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target of /sys/kernel/debug/gosync_test/group/stress, parsing only:
 * gosync_group_stress_args (kmod/test/group.c), see fuzz_args.h. No thread
 * starts here.
 */
#define FUZZ_ARGS	gosync_group_stress_args
#define FUZZ_WHO	"group"
#include "fuzz_args.h"
