// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target of /sys/kernel/debug/gosync_test/counter/stress, parsing
 * only: gosync_counter_stress_args (kmod/test/cmd_args.c), see
 * fuzz_args.h. No thread starts here.
 */
#include "cmd_args.h"

#define FUZZ_ARGS	gosync_counter_stress_args
#define FUZZ_WHO	"counter"
#include "fuzz_args.h"
