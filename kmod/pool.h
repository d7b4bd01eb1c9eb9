/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gosync_pool internals for the pool's debugfs face, benchmark and KUnit
 * tests (exported to gosync_kunit.ko only); the API is <gosync/pool.h>.
 * The kerneldoc is in kmod/pool.c.
 */
#ifndef _GOSYNC_KMOD_POOL_H
#define _GOSYNC_KMOD_POOL_H

#include <gosync/pool.h>

int __gosync_pool_cpu_stats(struct gosync_pool *pool, unsigned int cpu,
			    struct gosync_pool_stats *st);
void __gosync_pool_age(struct gosync_pool *pool);
void __gosync_pool_hold_reclaim(struct gosync_pool *pool, bool hold);
unsigned long __gosync_pool_drain_cpu(struct gosync_pool *pool,
				      unsigned int cpu);

#endif /* _GOSYNC_KMOD_POOL_H */
