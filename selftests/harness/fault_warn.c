// SPDX-License-Identifier: GPL-2.0
/*
 * Planted fault for `make check-harness`: a WARN at load. The VM runner
 * must fail the run on the "WARNING:" it prints. Never load it elsewhere.
 */
#include <linux/bug.h>
#include <linux/module.h>

static int __init fault_warn_init(void)
{
	WARN(1, "gosync harness: planted warning\n");
	return 0;
}

static void __exit fault_warn_exit(void)
{
}

module_init(fault_warn_init);
module_exit(fault_warn_exit);
MODULE_DESCRIPTION("gosync harness self-test: planted WARN");
MODULE_LICENSE("GPL");
