/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gosync_map internals shared by kmod/map.c, its debugfs face
 * (kmod/map_debugfs.c), its benchmarks (kmod/map_bench.c) and its KUnit
 * tests (kmod/map_kunit.c). The public API is <gosync/map.h>.
 */
#ifndef _GOSYNC_KMOD_MAP_H
#define _GOSYNC_KMOD_MAP_H

#include <gosync/map.h>

struct dentry;

/* Copy to a new table now (tests, debugfs); kerneldoc in map.c. */
int __gosync_map_resize(struct gosync_map *m, unsigned int buckets);

/* Called by map.c's component init and exit (kmod/map_debugfs.c). */
int __gosync_map_debugfs_init(struct dentry *dir);
void __gosync_map_debugfs_exit(void);

#endif /* _GOSYNC_KMOD_MAP_H */
