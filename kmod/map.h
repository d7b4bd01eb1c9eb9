/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gosync_map internals shared by kmod/map.c, its debugfs face
 * (kmod/test/map_cmd.c, kmod/test/map_debugfs.c), its benchmarks (kmod/test/bench/map_bench.c)
 * and its KUnit tests (kmod/kunit/map_kunit.c). The public API is <gosync/map.h>.
 */
#ifndef _GOSYNC_KMOD_MAP_H
#define _GOSYNC_KMOD_MAP_H

#include <gosync/map.h>

/* Copy to a new table now (tests, debugfs); kerneldoc in map.c. */
int __gosync_map_resize(struct gosync_map *m, unsigned int buckets);

struct seq_buf;

/*
 * The test map of map/cmd and map/stats (kmod/test/map_cmd.c, which builds in
 * userspace too; kmod/test/map_debugfs.c creates the files). Its values, and
 * those of map/stress, are non-zero u64 numbers stored as pointers.
 */
static inline void *mapdbg_ptr(u64 v)
{
	return (void *)(uintptr_t)v;
}

static inline u64 mapdbg_num(const void *p)
{
	return (u64)(uintptr_t)p;
}

/* The longest line __gosync_map_cmd_stats() prints, with its NUL. */
#define GOSYNC_MAP_CMD_STATS_SIZE	1024

int __gosync_map_cmd_init(void);
void __gosync_map_cmd_exit(void);
int __gosync_map_cmd_exec(char *line, struct seq_buf *out, const char *who);
void __gosync_map_cmd_stats(struct seq_buf *out);

/* The operations of map/stress, in the order of its mix. */
enum mapst_op {
	MAPST_LOAD,
	MAPST_STORE,
	MAPST_DELETE,
	MAPST_SWAP,
	MAPST_CAS,
	MAPST_CAD,
	MAPST_LOAD_OR_STORE,
	MAPST_LOAD_AND_DELETE,
	MAPST_NR_OPS,
};

/**
 * struct mapst_args - the arguments of a map/stress command
 * @threads: threads=, stress threads
 * @duration_ms: duration_ms=
 * @keys: keys=, the key space
 * @key_kind: kind= (u64 if absent)
 * @hint: hint=, the map's size hint
 * @mix: the percentage of each operation (enum mapst_op)
 * @checker: checker=
 * @resizer: resizer=
 * @storm: storm=, the storm size, 0 for the operation mix
 * @failslab: failslab=
 * @atomic: atomic=
 */
struct mapst_args {
	u32 threads;
	u32 duration_ms;
	u64 keys;
	u32 key_kind;
	u32 hint;
	u32 mix[MAPST_NR_OPS];
	u32 checker;
	u32 resizer;
	u64 storm;
	u32 failslab;
	u32 atomic;
};

/* Its struct gosync_args (kmod/test/parse.h), in kmod/test/map.c. */
extern const struct gosync_args gosync_map_stress_args;

#endif /* _GOSYNC_KMOD_MAP_H */
