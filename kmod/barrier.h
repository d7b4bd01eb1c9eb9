/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gosync_barrier internals shared by kmod/barrier.c and its KUnit tests
 * (kmod/kunit/barrier_kunit.c). The public API is <gosync/barrier.h>.
 */
#ifndef _GOSYNC_KMOD_BARRIER_H
#define _GOSYNC_KMOD_BARRIER_H

#include <gosync/barrier.h>

/* Move a quiet barrier to another generation (wraparound tests); see barrier.c. */
void __gosync_barrier_set_gen(struct gosync_barrier *b, u64 gen);

#endif /* _GOSYNC_KMOD_BARRIER_H */
