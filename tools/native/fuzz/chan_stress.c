// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target of /sys/kernel/debug/gosync_test/chan/stress, parsing only:
 * gosync_chan_stress_args (kmod/test/chan.c), see fuzz_args.h. No thread
 * starts here.
 */
#define FUZZ_ARGS	gosync_chan_stress_args
#define FUZZ_WHO	"chan"
#include "fuzz_args.h"
