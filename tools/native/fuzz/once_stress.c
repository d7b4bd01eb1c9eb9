// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target of /sys/kernel/debug/gosync_test/once/stress, parsing
 * only: gosync_once_stress_args (kmod/test/once.c), see fuzz_args.h. No
 * thread starts here.
 */
#define FUZZ_ARGS	gosync_once_stress_args
#define FUZZ_WHO	"once"
#include "fuzz_args.h"
