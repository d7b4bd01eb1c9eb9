/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gosync_map internals that its tests use (kmod/test/map.c, the benchmarks
 * in kmod/test/bench/map_bench.c, kmod/kunit/map_kunit.c). The public API
 * is <gosync/map.h>; what only the test module shares is kmod/test/map_test.h.
 */
#ifndef _GOSYNC_KMOD_MAP_H
#define _GOSYNC_KMOD_MAP_H

#include <gosync/map.h>

/* Copy to a new table now (tests, debugfs); kerneldoc in map.c. */
int __gosync_map_resize(struct gosync_map *m, unsigned int buckets);

#endif /* _GOSYNC_KMOD_MAP_H */
