// SPDX-License-Identifier: GPL-2.0
/*
 * What gosync.ko sets up once for all users: the module-wide state of the
 * primitives that have some (DEFINE_GOSYNC_STATE(), internal.h), and the
 * version query.
 * module.c calls __gosync_core_init() and __gosync_core_exit() at load and
 * unload; the native build (tools/native) calls them around a program.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/printk.h>

#include <gosync/gosync.h>

#include "internal.h"

/* Kerneldoc in <gosync/gosync.h>. */
u32 gosync_version(void)
{
	return GOSYNC_VERSION_CODE;
}
EXPORT_SYMBOL_GOSYNC(gosync_version);

/* The primitives with module-wide state (DEFINE_GOSYNC_STATE()). */
#include "gosync_state.h"
static const struct gosync_state *const gosync_parts[] = { GOSYNC_STATES };

static void gosync_parts_exit(unsigned int n)
{
	while (n--)
		gosync_parts[n]->exit();
}

/* Context: process context, at module load. 0 or a negative errno. */
int __gosync_core_init(void)
{
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(gosync_parts); i++) {
		ret = gosync_parts[i]->init();
		if (ret) {
			pr_err("%s: init failed: %d\n", gosync_parts[i]->name, ret);
			gosync_parts_exit(i);
			return ret;
		}
	}
	return 0;
}

/* Context: process context, at module unload, when no object is left. */
void __gosync_core_exit(void)
{
	gosync_parts_exit(ARRAY_SIZE(gosync_parts));
}
