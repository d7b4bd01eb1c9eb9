/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a native program (test runner, benchmark, fuzzer) calls around the
 * kernel APIs: the equivalent of loading and unloading gosync.ko, and
 * threads that may use RCU and per-CPU data.
 */
#ifndef _SHIM_NATIVE_H
#define _SHIM_NATIVE_H

#include <pthread.h>
#include <stdbool.h>

/*
 * native_init() - "insmod": register the calling thread with RCU and run
 * gosync's init (kmod/core.c). Exits the program if it fails.
 */
void native_init(void);

/*
 * native_exit() - "rmmod": run gosync's exit, wait for RCU callbacks.
 * Return: the number of WARN splats since start (a test program fails
 * when it is not 0).
 */
unsigned long native_exit(void);

/* native_warnings() - WARN splats so far. */
unsigned long native_warnings(void);

/*
 * native_expect_warnings() - the next @n WARNs are a test's own, provoked
 * on purpose (a KUnit case of a WARN that guards bad input): each prints
 * one "expected WARN" line, not a splat, and is not counted. Return: how
 * many expected WARNs were left (0 when every one came); call it with 0
 * at the end of the case to check that and to stop expecting.
 */
unsigned long native_expect_warnings(unsigned long n);

/* native_quiet() - silence (true) or restore pr_*() output. */
void native_quiet(bool quiet);

/*
 * native_thread_create() - pthread_create() for a thread that may use
 * RCU and per-CPU data: registered with liburcu for its lifetime, with a
 * per-CPU slot of its own. Join it with pthread_join(). Returns 0 or a
 * negative errno.
 */
int native_thread_create(pthread_t *thread, void *(*fn)(void *arg), void *arg);

/* native_bind_cpu() - pin the calling thread to CPU @cpu (modulo online). */
void native_bind_cpu(unsigned int cpu);

struct task_struct;

/*
 * native_same_cpu() - before it is woken, put kthread @t on shared per-CPU
 * slot @cpu % SHIM_SHARED_SLOTS, with every other kthread put there: two
 * tasks of one CPU under PREEMPT_RT, running in parallel (see "Per-CPU
 * data" in shim/sched.h). Not pinned to a host CPU.
 */
void native_same_cpu(struct task_struct *t, unsigned int cpu);

#endif /* _SHIM_NATIVE_H */
