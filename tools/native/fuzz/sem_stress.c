// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target of /sys/kernel/debug/gosync_test/sem/stress, parsing only:
 * gosync_sem_stress_args (kmod/test/sem.c), see fuzz_args.h. No thread
 * starts here.
 */
#define FUZZ_ARGS	gosync_sem_stress_args
#define FUZZ_WHO	"sem"
#include "fuzz_args.h"
