/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gosync_barrier internals shared by kmod/barrier.c, its debugfs entry
 * (kmod/face.c) and its KUnit tests (kmod/kunit/barrier_kunit.c). The
 * public API is <gosync/barrier.h>.
 */
#ifndef _GOSYNC_KMOD_BARRIER_H
#define _GOSYNC_KMOD_BARRIER_H

#include <linux/bits.h>

#include <gosync/barrier.h>

/* The word: generation << 33 | broken << 32 | count. */
#define GBAR_COUNT_MASK		GENMASK_ULL(31, 0)
#define GBAR_BROKEN		BIT_ULL(32)
#define GBAR_GEN_SHIFT		33

/* Move a quiet barrier to another generation (wraparound tests); see barrier.c. */
void __gosync_barrier_set_gen(struct gosync_barrier *b, u64 gen);

#endif /* _GOSYNC_KMOD_BARRIER_H */
