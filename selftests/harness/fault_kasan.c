// SPDX-License-Identifier: GPL-2.0
/*
 * Planted fault for `make check-harness`: reads a kmalloc'ed buffer after
 * kfree. KASAN must report the use-after-free and the runner must fail
 * the run.
 */
#include <linux/compiler.h>
#include <linux/module.h>
#include <linux/slab.h>

static int __init fault_kasan_init(void)
{
	char *p = kmalloc(64, GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	kfree(p);
	OPTIMIZER_HIDE_VAR(p);
	pr_info("fault_kasan: read after free: %d\n", READ_ONCE(p[8]));
	return 0;
}

static void __exit fault_kasan_exit(void)
{
}

module_init(fault_kasan_init);
module_exit(fault_kasan_exit);
MODULE_DESCRIPTION("gosync harness self-test: use after free");
MODULE_LICENSE("GPL");
