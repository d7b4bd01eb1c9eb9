// SPDX-License-Identifier: GPL-2.0
/*
 * Planted fault for `make check-harness`: allocates at load and drops the
 * only pointer. kmemleak's final scan, after the module is unloaded, must
 * report the unreferenced object and the runner must fail the run.
 */
#include <linux/compiler.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

static int __init fault_leak_init(void)
{
	char *p = kmalloc(200, GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	strscpy(p, "gosync harness: planted leak", 200);
	OPTIMIZER_HIDE_VAR(p);
	p = NULL;
	return 0;
}

static void __exit fault_leak_exit(void)
{
}

module_init(fault_leak_init);
module_exit(fault_leak_exit);
MODULE_DESCRIPTION("gosync harness self-test: memory leak");
MODULE_LICENSE("GPL");
