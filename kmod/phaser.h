/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gosync_phaser internals shared by kmod/phaser.c and its KUnit tests
 * (kmod/kunit/phaser_kunit.c). The public API is <gosync/phaser.h>.
 */
#ifndef _GOSYNC_KMOD_PHASER_H
#define _GOSYNC_KMOD_PHASER_H

#include <linux/bits.h>

#include <gosync/phaser.h>

/* The word: terminated, advancing, attached, phase, parties, unarrived. */
#define GPH_UNARRIVED_MASK	GENMASK_ULL(15, 0)
#define GPH_PARTIES_SHIFT	16
#define GPH_ONE_PARTY		(BIT_ULL(GPH_PARTIES_SHIFT) | 1)
#define GPH_COUNTS_MASK		GENMASK_ULL(31, 0)
#define GPH_PHASE_SHIFT		32
#define GPH_PHASE_MASK		GENMASK_ULL(60, 32)
#define GPH_ATTACHED		BIT_ULL(61)
#define GPH_ADVANCING		BIT_ULL(62)
#define GPH_TERMINATED		BIT_ULL(63)

/* Move an idle root to another phase (wraparound tests); see phaser.c. */
void __gosync_phaser_set_phase(struct gosync_phaser *ph, int phase);

#endif /* _GOSYNC_KMOD_PHASER_H */
