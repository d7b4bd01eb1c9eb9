/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gosync_phaser internals shared by kmod/phaser.c and its KUnit tests
 * (kmod/phaser_kunit.c). The public API is <gosync/phaser.h>.
 */
#ifndef _GOSYNC_KMOD_PHASER_H
#define _GOSYNC_KMOD_PHASER_H

#include <gosync/phaser.h>

/* Move an idle root to another phase (wraparound tests); see phaser.c. */
void __gosync_phaser_set_phase(struct gosync_phaser *ph, int phase);

#endif /* _GOSYNC_KMOD_PHASER_H */
