/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The map's part of gosync_test.ko (kmod/test/map.c), as its fuzzers
 * (tools/native/fuzz/map_cmd.c, map_stress.c) use it.
 */
#ifndef _GOSYNC_MAP_TEST_H
#define _GOSYNC_MAP_TEST_H

#include <linux/types.h>

struct gosync_args;
struct seq_buf;

/*
 * The values of the test map of map/cmd and map/stats (kmod/test/map.c,
 * which builds in userspace too) and of map/stress: non-zero u64 numbers
 * stored as pointers.
 */
static inline void *gm_ptr(u64 v)
{
	return (void *)(uintptr_t)v;
}

static inline u64 gm_num(const void *p)
{
	return (u64)(uintptr_t)p;
}

/* The longest line gm_cmd_stats() prints, with its NUL. */
#define GOSYNC_MAP_CMD_STATS_SIZE	1024

int gm_cmd_init(void);
void gm_cmd_exit(void);
int gm_cmd_exec(char *line, struct seq_buf *out, const char *who);
void gm_cmd_stats(struct seq_buf *out);

/* The operations of map/stress, in the order of map/cmd's verbs from store. */
enum gm_st_op {
	GM_ST_STORE,
	GM_ST_LOAD,
	GM_ST_LOAD_OR_STORE,
	GM_ST_LOAD_AND_DELETE,
	GM_ST_DELETE,
	GM_ST_SWAP,
	GM_ST_CAS,
	GM_ST_CAD,
	GM_ST_NR_OPS,
};

/*
 * The arguments of a map/stress command, each that of the key of its name
 * (key_kind: kind=); mix holds the percentage of each enum gm_st_op.
 */
struct gm_st_args {
	u32 threads;
	u32 duration_ms;
	u64 keys;
	u32 key_kind;
	u32 hint;
	u32 mix[GM_ST_NR_OPS];
	u32 checker;
	u32 resizer;
	u64 storm;
	u32 failslab;
	u32 atomic;
};

/* Its struct gosync_args (kmod/test/parse.h), in kmod/test/map.c. */
extern const struct gosync_args gosync_map_stress_args;

#endif /* _GOSYNC_MAP_TEST_H */
