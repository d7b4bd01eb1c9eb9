// SPDX-License-Identifier: GPL-2.0
/*
 * Start markers of gosync's link-time tables. Kbuild links this file first
 * and tables_end.c last, so every GOSYNC_COMPONENT() and
 * GOSYNC_BENCH_CASE() entry lands between the two markers of its table.
 */
#include "internal.h"
#include "bench.h"

const struct gosync_component *const __gosync_components_start[0]
	__section(".gosync.components") = {};
const struct gosync_bench_case *const __gosync_bench_cases_start[0]
	__section(".gosync.bench_cases") = {};
