// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target of /sys/kernel/debug/gosync_test/pubsub/stress, parsing only:
 * gosync_pubsub_stress_args (kmod/test/pubsub.c), see fuzz_args.h. No thread
 * starts here.
 */
#define FUZZ_ARGS	gosync_pubsub_stress_args
#define FUZZ_WHO	"pubsub"
#include "fuzz_args.h"
