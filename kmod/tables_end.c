// SPDX-License-Identifier: GPL-2.0
/* End markers of gosync's link-time tables; see tables_start.c. */
#include "internal.h"
#include "bench.h"

const struct gosync_component *const __gosync_components_end[0]
	__section(".gosync.components") = {};
const struct gosync_bench_case *const __gosync_bench_cases_end[0]
	__section(".gosync.bench_cases") = {};
