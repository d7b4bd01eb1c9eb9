// SPDX-License-Identifier: GPL-2.0
/*
 * Loading and unloading gosync in a program: kmod/core.c's init and exit,
 * as kmod/module.c calls them at module load and unload, and threads
 * registered with RCU.
 */
#include <shim/all.h>
#include <shim/native.h>

#include "internal.h"

void shim_setup_once(void);

void native_init(void)
{
	int ret;

	shim_setup_once();
	shim_rcu_register_thread();
	system_wq = alloc_workqueue("events", 0, 0);
	system_unbound_wq = alloc_workqueue("events_unbound", WQ_UNBOUND, 0);
	if (!system_wq || !system_unbound_wq)
		shim_bug(__FILE__, __LINE__, "no system workqueues");
	ret = __gosync_core_init();
	if (ret) {
		fprintf(stderr, "native: gosync init failed: %d\n", ret);
		exit(2);
	}
}

unsigned long native_exit(void)
{
	__gosync_core_exit();
	rcu_barrier();
	destroy_workqueue(system_unbound_wq);
	destroy_workqueue(system_wq);
	rcu_barrier();
	return native_warnings();
}

struct native_thread {
	void *(*fn)(void *arg);
	void *arg;
};

static void *native_thread_main(void *p)
{
	struct native_thread nt = *(struct native_thread *)p;
	void *ret;

	free(p);
	shim_rcu_register_thread();
	ret = nt.fn(nt.arg);
	if (shim_ctx.atomic || shim_ctx.rcu)
		shim_warn(__FILE__, __LINE__, "thread returned in atomic context");
	shim_rcu_unregister_thread();
	return ret;
}

int native_thread_create(pthread_t *thread, void *(*fn)(void *arg), void *arg)
{
	struct native_thread *nt = malloc(sizeof(*nt));
	int ret;

	if (!nt)
		return -ENOMEM;
	nt->fn = fn;
	nt->arg = arg;
	ret = pthread_create(thread, NULL, native_thread_main, nt);
	if (ret)
		free(nt);
	return -ret;
}
