// SPDX-License-Identifier: GPL-2.0
/*
 * Reference counters: the peers every gosync benchmark is read against,
 * and the smallest end-to-end check of the thread runner.
 *
 * Its command files, their grammar and what each run checks are
 * documented for their users in kmod/test/README.md, "counter".
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/percpu.h>
#include <linux/seq_buf.h>
#include <linux/slab.h>

#include "bench.h"
#include "cmd_args.h"
#include "cmdfile.h"
#include "internal.h"
#include "parse.h"
#include "test.h"

#define COUNTER_BATCH		256

/* Shared state of one run, on its own cache lines. */
struct counter_state {
	atomic_long_t shared ____cacheline_aligned_in_smp;
	unsigned long __percpu *percpu;
};

static int counter_setup(void **data, unsigned int threads)
{
	struct counter_state *s = kzalloc(sizeof(*s), GFP_KERNEL);

	if (!s)
		return -ENOMEM;
	s->percpu = alloc_percpu(unsigned long);
	if (!s->percpu) {
		kfree(s);
		return -ENOMEM;
	}
	*data = s;
	return 0;
}

static void counter_teardown(void *data)
{
	struct counter_state *s = data;

	free_percpu(s->percpu);
	kfree(s);
}

/* Increment the shared atomic, the per-CPU counter, or (stress) both. */
static __always_inline int counter_body(struct gosync_run_thread *t,
					bool shared, bool percpu)
{
	struct counter_state *s = t->run->data;
	unsigned int i;

	do {
		for (i = 0; i < COUNTER_BATCH; i++) {
			if (shared)
				atomic_long_inc(&s->shared);
			if (percpu)
				this_cpu_inc(*s->percpu);
		}
		t->ops += COUNTER_BATCH;
	} while (gosync_run_continue(t));
	return 0;
}

static int counter_atomic_body(struct gosync_run_thread *t)
{
	return counter_body(t, true, false);
}

static int counter_percpu_body(struct gosync_run_thread *t)
{
	return counter_body(t, false, true);
}

static int counter_stress_body(struct gosync_run_thread *t)
{
	return counter_body(t, true, true);
}

static const struct gosync_bench_case counter_bench_atomic = {
	.primitive = "counter", .name = "inc", .impl = "atomic_long",
	.setup = counter_setup, .body = counter_atomic_body,
	.teardown = counter_teardown,
};

static const struct gosync_bench_case counter_bench_percpu = {
	.primitive = "counter", .name = "inc", .impl = "percpu",
	.setup = counter_setup, .body = counter_percpu_body,
	.teardown = counter_teardown,
};

GOSYNC_BENCH_SET(counter, &counter_bench_atomic,
		 &counter_bench_percpu);

static int counter_stress_exec(struct gosync_cmd_file *f, char *line,
			       struct seq_buf *out)
{
	struct gosync_run run = {
		.name = "counter",
		.body = counter_stress_body,
	};
	unsigned long percpu = 0, shared;
	struct gosync_counter_args a;
	u64 ops = 0;
	unsigned int i;
	int cpu, ret;

	ret = gosync_args_parse(&gosync_counter_stress_args, line, &a, out,
				f->who);
	if (ret)
		return ret;
	run.nr_threads = a.threads;
	run.duration_ms = a.duration_ms;
	ret = counter_setup(&run.data, a.threads);
	if (ret)
		return ret;
	ret = gosync_run_threads(&run);
	if (!ret) {
		struct counter_state *s = run.data;

		for (i = 0; i < a.threads; i++)
			ops += run.threads[i].ops;
		for_each_possible_cpu(cpu)
			percpu += *per_cpu_ptr(s->percpu, cpu);
		shared = atomic_long_read(&s->shared);
		seq_buf_printf(out, "result=%s threads=%u ops=%llu atomic=%lu percpu=%lu\n",
			       ops == shared && ops == percpu ? "PASS" : "FAIL",
			       a.threads, ops, shared, percpu);
		if (ops != shared || ops != percpu)
			pr_err("counter: stress lost increments: ops=%llu atomic=%lu percpu=%lu\n",
			       ops, shared, percpu);
	}
	gosync_run_free(&run);
	counter_teardown(run.data);
	return ret;
}

DEFINE_GOSYNC_COMPONENT(counter) = {
	.name = "counter",
	.files = (struct gosync_cmd_file []){
		{ .name = "stress", .exec = counter_stress_exec },
		{}
	},
};
