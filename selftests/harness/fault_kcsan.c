// SPDX-License-Identifier: GPL-2.0
/*
 * Planted fault for `make check-harness`: two kthreads increment one plain
 * variable with no synchronization. KCSAN must report the data race and
 * the runner must fail the run. The threads stop at module unload.
 */
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/sched.h>

static unsigned long fault_racy_counter;
static struct task_struct *fault_threads[2];

static int fault_kcsan_fn(void *unused)
{
	while (!kthread_should_stop()) {
		unsigned int i;

		for (i = 0; i < 1000; i++)
			fault_racy_counter++;
		cond_resched();
	}
	return 0;
}

static int __init fault_kcsan_init(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fault_threads); i++) {
		fault_threads[i] = kthread_run(fault_kcsan_fn, NULL, "fault_kcsan/%u", i);
		if (IS_ERR(fault_threads[i])) {
			int ret = PTR_ERR(fault_threads[i]);

			while (i--)
				kthread_stop(fault_threads[i]);
			return ret;
		}
	}
	return 0;
}

static void __exit fault_kcsan_exit(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fault_threads); i++)
		kthread_stop(fault_threads[i]);
}

module_init(fault_kcsan_init);
module_exit(fault_kcsan_exit);
MODULE_DESCRIPTION("gosync harness self-test: data race");
MODULE_LICENSE("GPL");
