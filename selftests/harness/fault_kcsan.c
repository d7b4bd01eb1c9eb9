// SPDX-License-Identifier: GPL-2.0
/*
 * Planted fault for `make check-harness`: two kthreads increment one plain
 * variable with no synchronization. KCSAN must report the data race and
 * the runner must fail the run. The threads stop at module unload.
 *
 * KCSAN only sees a race when the other access lands while a watchpoint is
 * armed on another CPU (it disables interrupts around the watchpoint), so
 * the two threads are bound to two distinct online CPUs: left to the
 * scheduler they may share one vCPU and the race is never observed.
 */
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/cpumask.h>
#include <linux/sched.h>

static unsigned long fault_racy_counter;
static struct task_struct *fault_threads[2];

static int fault_race_fn(void *unused)
{
	while (!kthread_should_stop()) {
		unsigned int i;

		for (i = 0; i < 1000; i++)
			fault_racy_counter++;
		cond_resched();
	}
	return 0;
}

static int __init fault_race_init(void)
{
	unsigned int i, cpu = cpumask_first(cpu_online_mask);

	if (num_online_cpus() < 2)
		return -ENODEV;
	for (i = 0; i < ARRAY_SIZE(fault_threads); i++) {
		fault_threads[i] = kthread_create(fault_race_fn, NULL, "fault_kcsan/%u", cpu);
		if (IS_ERR(fault_threads[i])) {
			int ret = PTR_ERR(fault_threads[i]);

			while (i--)
				kthread_stop(fault_threads[i]);
			return ret;
		}
		kthread_bind(fault_threads[i], cpu);
		wake_up_process(fault_threads[i]);
		cpu = cpumask_next(cpu, cpu_online_mask);
	}
	return 0;
}

static void __exit fault_race_exit(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fault_threads); i++)
		kthread_stop(fault_threads[i]);
}

module_init(fault_race_init);
module_exit(fault_race_exit);
MODULE_DESCRIPTION("gosync harness self-test: data race");
MODULE_LICENSE("GPL");
