// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark driver and its debugfs face; see bench.h.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/math64.h>
#include <linux/seq_buf.h>
#include <linux/seq_file.h>
#include <linux/string.h>

#include "bench.h"
#include "cmd_args.h"
#include "cmdfile.h"
#include "internal.h"
#include "parse.h"
#include "test.h"

/*
 * Every part's cases, defined with GOSYNC_BENCH_SET() (bench.h): Kbuild
 * lists each set of kmod/test in gosync_parts.h, so a new set edits no
 * list here.
 */
#include "gosync_parts.h"
static const struct gosync_bench_set *const gosync_bench_sets[] = {
	GOSYNC_BENCH_SETS
};

/* The @n-th case of all the sets, in the order above. */
static const struct gosync_bench_case *gosync_bench_case(unsigned int n)
{
	const struct gosync_bench_set *set;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(gosync_bench_sets); i++) {
		set = gosync_bench_sets[i];
		if (n < set->nr_cases)
			return set->cases[n];
		n -= set->nr_cases;
	}
	return NULL;
}

/**
 * gosync_bench_find() - look a case up by its three names
 * @primitive: e.g. "map"
 * @name: e.g. "read_mostly"
 * @impl: e.g. "rhashtable"
 *
 * Context: any context.
 * Return: the case, or NULL.
 */
const struct gosync_bench_case *gosync_bench_find(const char *primitive,
						  const char *name,
						  const char *impl)
{
	const struct gosync_bench_case *c;
	unsigned int n;

	for (n = 0; (c = gosync_bench_case(n)); n++) {
		if (!strcmp(c->primitive, primitive) &&
		    !strcmp(c->name, name) && !strcmp(c->impl, impl))
			return c;
	}
	return NULL;
}
EXPORT_SYMBOL_GOSYNC_TEST(gosync_bench_find);

/**
 * gosync_bench_run() - run one case and measure it
 * @c: the case
 * @threads: number of threads, 1 .. num_online_cpus()
 * @duration_ms: how long the bodies run
 * @res: filled in on success
 *
 * Context: process context, sleeps for @duration_ms.
 * Return: 0, or a negative errno from the runner, setup() or a body
 * (-EINVAL for a bad thread count, -EINTR if interrupted).
 */
int gosync_bench_run(const struct gosync_bench_case *c, unsigned int threads,
		     unsigned int duration_ms, struct gosync_bench_result *res)
{
	struct gosync_run run = {
		.name = c->impl,
		.nr_threads = threads,
		.duration_ms = duration_ms,
		.body = c->body,
	};
	unsigned int i;
	u64 rate = 0, ops = 0;
	int ret;

	if (c->setup) {
		ret = c->setup(&run.data, threads);
		if (ret)
			return ret;
	}
	ret = gosync_run_threads(&run);
	for (i = 0; !ret && i < threads; i++) {
		const struct gosync_run_thread *t = &run.threads[i];

		ops += t->ops;
		if (t->elapsed_ns)
			rate += mul_u64_u64_div_u64(t->ops, NSEC_PER_SEC,
						    t->elapsed_ns);
	}
	gosync_run_free(&run);
	if (c->teardown)
		c->teardown(run.data);
	if (ret)
		return ret;

	res->threads = threads;
	res->ops = ops;
	res->ops_per_sec = rate;
	res->ns_per_op = rate ? div64_u64((u64)threads * NSEC_PER_SEC, rate) : 0;
	return 0;
}
EXPORT_SYMBOL_GOSYNC_TEST(gosync_bench_run);

static int gosync_bench_cases_show(struct seq_file *m, void *unused)
{
	const struct gosync_bench_case *c;
	unsigned int n;

	for (n = 0; (c = gosync_bench_case(n)); n++)
		seq_printf(m, "%s %s %s\n", c->primitive, c->name, c->impl);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(gosync_bench_cases);

static int gosync_bench_exec(struct gosync_cmd_file *f, char *line,
			     struct seq_buf *out)
{
	const struct gosync_bench_case *c;
	struct gosync_bench_result res;
	struct gosync_bench_args a;
	int ret;

	ret = gosync_args_parse(&gosync_bench_run_args, line, &a, out, f->who);
	if (ret)
		return ret;
	c = gosync_bench_find(a.primitive, a.name, a.impl);
	if (!c) {
		gosync_report(out, f->who, "no case '%s %s %s' (see bench/cases)",
			      a.primitive, a.name, a.impl);
		return -ENOENT;
	}
	ret = gosync_bench_run(c, a.threads, a.duration_ms, &res);
	if (ret) {
		gosync_report(out, f->who, "%s %s %s failed: %d", a.primitive,
			      a.name, a.impl, ret);
		return ret;
	}
	seq_buf_printf(out, "%s,%s,%s,%u,%llu,%llu,%llu\n", c->primitive,
		       c->name, c->impl, res.threads, res.ops, res.ops_per_sec,
		       res.ns_per_op);
	return 0;
}

static int gosync_bench_init(struct dentry *dir)
{
	debugfs_create_file("cases", 0400, dir, NULL, &gosync_bench_cases_fops);
	return 0;
}

DEFINE_GOSYNC_COMPONENT(bench) = {
	.name = "bench",
	.init = gosync_bench_init,
	.files = (struct gosync_cmd_file []){
		{ .name = "run", .exec = gosync_bench_exec },
		{}
	},
};
