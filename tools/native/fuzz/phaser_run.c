// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target of /sys/kernel/debug/gosync_test/phaser/run, parsing only:
 * gosync_phaser_run_args (kmod/test/phaser.c), see fuzz_args.h.
 */
#define FUZZ_ARGS	gosync_phaser_run_args
#define FUZZ_WHO	"phaser"
#include "fuzz_args.h"
