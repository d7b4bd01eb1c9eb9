/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gosync_pool's debugfs face: the command interpreter of pool/cmd and the
 * argument parser of pool/stress (kmod/test/pool_cmd.c, which builds in
 * userspace too, so the fuzzers run it), used by kmod/test/pool_debugfs.c,
 * which creates the files and runs the stress tests. The grammar is at
 * the top of kmod/test/pool_debugfs.c.
 */
#ifndef _GOSYNC_KMOD_POOL_CMD_H
#define _GOSYNC_KMOD_POOL_CMD_H

#include <linux/types.h>

struct seq_buf;

/* At most this many test pools at once, and objects held by each. */
#define GOSYNC_POOL_CMD_POOLS		8
#define GOSYNC_POOL_CMD_HELD_MAX	16384
/* A test pool's name (without its NUL), and most objects one get/put moves. */
#define GOSYNC_POOL_CMD_NAME_MAX	15
/* All the test pools together hold at most this many bytes of objects. */
#define GOSYNC_POOL_CMD_BYTES_MAX	(256UL << 20)

int __gosync_pool_cmd_init(void);
void __gosync_pool_cmd_exit(void);
int __gosync_pool_cmd_exec(char *line, struct seq_buf *out, const char *who);

/**
 * enum poolst_mode - what the threads of a pool/stress run do
 * @POOLST_PAIR: get one object, put it back
 * @POOLST_BATCH: get POOLST_BATCH_OBJS objects, put them back
 * @POOLST_XCPU: producers get, consumers on other CPUs put
 * @POOLST_IRQ: pair, plus an hrtimer on each CPU doing get/put in hardirq
 * @POOLST_NR_MODES: number of modes
 */
enum poolst_mode {
	POOLST_PAIR,
	POOLST_BATCH,
	POOLST_XCPU,
	POOLST_IRQ,
	POOLST_NR_MODES,
};

#define POOLST_BATCH_OBJS	16
#define POOLST_MAX_MS		600000
#define POOLST_MIN_SIZE		16
/* Cross-CPU transfer ring of one producer/consumer pair (xcpu). */
#define POOLST_RING		256
/* The most memory a run's objects may take. */
#define POOLST_MAX_BYTES	(256ULL << 20)

/**
 * struct poolst_args - the arguments of a pool/stress command
 * @threads: threads=, stress threads (default: every online CPU)
 * @duration_ms: duration_ms=
 * @mode: mode= (pair if absent)
 * @size: size=, object size
 * @cpu_cache: cpu_cache=, 0 for the pool's default
 * @max_objects: max_objects=, 0 for no bound
 * @poison: poison=, check and refill each object's pattern
 * @irqsafe: irqsafe=, create the pool GOSYNC_POOL_IRQSAFE (always in irq mode)
 * @timer_us: timer_us=, the hrtimer period of irq mode
 * @failslab: failslab=, the stress threads run with make_it_fail set
 */
struct poolst_args {
	u32 threads;
	u32 duration_ms;
	u32 mode;
	u32 size;
	u32 cpu_cache;
	u64 max_objects;
	u32 poison;
	u32 irqsafe;
	u32 timer_us;
	u32 failslab;
};

extern const char *const poolst_mode_names[POOLST_NR_MODES];

#endif /* _GOSYNC_KMOD_POOL_CMD_H */
