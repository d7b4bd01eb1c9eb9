// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target of /sys/kernel/debug/gosync_test/breaker/stress, parsing
 * only: gosync_breaker_stress_args (kmod/test/breaker.c), see
 * fuzz_args.h.
 */
#define FUZZ_ARGS	gosync_breaker_stress_args
#define FUZZ_WHO	"breaker"
#include "fuzz_args.h"
