/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gosync_test.ko: the debugfs command files, stress runs and benchmarks
 * of gosync, in /sys/kernel/debug/gosync_test/. Not a library: it loads
 * after gosync.ko and uses its exports like any other module (plus the
 * few internals in namespace GOSYNC_INTERNAL).
 *
 * Each part (one per primitive, plus the benchmark driver and the counter
 * self-check) is a struct gosync_component listed, in init order, in
 * main.c: that list is the one place a new part is added. A primitive's
 * part is one file, kmod/test/<primitive>.c, with no debugfs code of its
 * own: its command files (cmdfile.h) and their arguments (parse.h), its
 * stress bodies, checks and inject= points on the runner (runner.h).
 * Its benchmark cases are in bench/, listed in bench/bench.c.
 */
#ifndef _GOSYNC_TEST_H
#define _GOSYNC_TEST_H

#include <linux/export.h>

#include "internal.h"

struct dentry;
struct gosync_args;
struct gosync_cmd_file;

/* The debugfs root of gosync_test.ko, for messages and comments. */
#define GOSYNC_TEST_DEBUGFS	"/sys/kernel/debug/gosync_test"

/**
 * struct gosync_component - one part of gosync_test.ko
 * @name: name of its directory under /sys/kernel/debug/gosync_test/ and
 *	the prefix of its log messages
 * @init: called once at module load, in the order of main.c's list, with
 *	the part's debugfs directory (an ERR_PTR if debugfs is unavailable,
 *	which a part must tolerate); a negative errno fails the module load;
 *	may be NULL
 * @exit: called once at module unload, in reverse order, after every
 *	debugfs file of gosync_test.ko has been removed and drained; may be
 *	NULL
 * @files: its command files, each with @name and @exec (or @show), ended
 *	by an empty entry, created in its directory
 *	after @init; may be NULL
 */
struct gosync_component {
	const char *name;
	int (*init)(struct dentry *dir);
	void (*exit)(void);
	struct gosync_cmd_file *files;
};

/**
 * DEFINE_GOSYNC_COMPONENT() - define a part of gosync_test.ko
 * @p: its name: the part is gosync_<p>_component
 *
 * Starts a line, followed by " = { ... };". Kbuild finds every such line
 * of kmod/test and lists the parts for main.c (gosync_parts.h): defining
 * one is all a new part does to be initialized and torn down.
 */
#define DEFINE_GOSYNC_COMPONENT(p)					\
	extern const struct gosync_component gosync_##p##_component;	\
	const struct gosync_component gosync_##p##_component

/* The arguments of their run and stress files, for the fuzzers. */
extern const struct gosync_args gosync_barrier_run_args;
extern const struct gosync_args gosync_phaser_run_args;
extern const struct gosync_args gosync_breaker_stress_args;
extern const struct gosync_args gosync_pool_stress_args;
extern const struct gosync_args gosync_once_stress_args;
extern const struct gosync_args gosync_ctx_stress_args;
extern const struct gosync_args gosync_sem_stress_args;
extern const struct gosync_args gosync_chan_stress_args;
extern const struct gosync_args gosync_group_stress_args;
extern const struct gosync_args gosync_wpool_stress_args;
extern const struct gosync_args gosync_pubsub_stress_args;

/*
 * EXPORT_SYMBOL_GOSYNC_TEST(): what gosync_kunit.ko uses of the test
 * framework (the parser, the thread runner, the benchmark driver).
 */
#define EXPORT_SYMBOL_GOSYNC_TEST(sym) \
	EXPORT_SYMBOL_NS_GPL(sym, __GOSYNC_NS(GOSYNC_TEST))
#define GOSYNC_IMPORT_NS_TEST()	MODULE_IMPORT_NS(__GOSYNC_NS(GOSYNC_TEST))

#endif /* _GOSYNC_TEST_H */
