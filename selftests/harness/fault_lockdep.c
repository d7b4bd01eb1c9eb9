// SPDX-License-Identifier: GPL-2.0
/*
 * Planted fault for `make check-harness`: takes two mutexes in both orders
 * (A then B, later B then A). One thread cannot deadlock on it, but lockdep
 * must report the circular dependency and the runner must fail the run.
 */
#include <linux/module.h>
#include <linux/mutex.h>

static DEFINE_MUTEX(fault_lock_a);
static DEFINE_MUTEX(fault_lock_b);

static int __init fault_lockdep_init(void)
{
	mutex_lock(&fault_lock_a);
	mutex_lock(&fault_lock_b);
	mutex_unlock(&fault_lock_b);
	mutex_unlock(&fault_lock_a);

	mutex_lock(&fault_lock_b);
	mutex_lock(&fault_lock_a);
	mutex_unlock(&fault_lock_a);
	mutex_unlock(&fault_lock_b);
	return 0;
}

static void __exit fault_lockdep_exit(void)
{
}

module_init(fault_lockdep_init);
module_exit(fault_lockdep_exit);
MODULE_DESCRIPTION("gosync harness self-test: inverted lock order");
MODULE_LICENSE("GPL");
