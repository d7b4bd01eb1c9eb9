// SPDX-License-Identifier: GPL-2.0
/*
 * Planted fault for `make check-harness`: takes a spinlock_t with
 * interrupts disabled, the mistake PREEMPT_RT punishes (spinlock_t is a
 * sleeping lock there). Harmless without RT; on the rtdebug kernel
 * DEBUG_ATOMIC_SLEEP must report it even though the lock is never
 * contended, and the runner must fail the run.
 */
#include <linux/irqflags.h>
#include <linux/module.h>
#include <linux/spinlock.h>

static DEFINE_SPINLOCK(fault_lock);

static int __init fault_rtsleep_init(void)
{
	unsigned long flags;

	local_irq_save(flags);
	spin_lock(&fault_lock);
	spin_unlock(&fault_lock);
	local_irq_restore(flags);
	return 0;
}

static void __exit fault_rtsleep_exit(void)
{
}

module_init(fault_rtsleep_init);
module_exit(fault_rtsleep_exit);
MODULE_DESCRIPTION("gosync harness self-test: a spinlock_t with interrupts off (PREEMPT_RT)");
MODULE_LICENSE("GPL");
