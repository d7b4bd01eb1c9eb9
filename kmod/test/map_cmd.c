// SPDX-License-Identifier: GPL-2.0
/*
 * The command interpreter behind /sys/kernel/debug/gosync_test/map/cmd and
 * map/stats, and the argument parser of map/stress: the grammar and the
 * outputs are documented at the top of kmod/test/map_debugfs.c, which creates
 * the files and runs the stress tests.
 *
 * This file has no debugfs, seq_file, kthread or command-file dependency,
 * so the userspace build (tools/native) compiles it unchanged and fuzzes
 * it with the inputs a write(2) to those files would carry.
 */
#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/bottom_half.h>
#include <linux/cpumask.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/seq_buf.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "cmdfile.h"
#include "map.h"
#include "parse.h"

#define MAPST_MAX_MS		600000
#define MAPST_MAX_KEYS		BIT(22)

/* ------------------------------------------------------------------ */
/* The test map behind "cmd" and "stats".                              */

enum mapdbg_verb_id {
	MAPDBG_INIT,
	MAPDBG_STORE,
	MAPDBG_LOAD,
	MAPDBG_LOAD_OR_STORE,
	MAPDBG_LOAD_AND_DELETE,
	MAPDBG_DELETE,
	MAPDBG_SWAP,
	MAPDBG_CAS,
	MAPDBG_CAD,
	MAPDBG_RANGE,
	MAPDBG_CLEAR,
	MAPDBG_LEN,
	MAPDBG_RESIZE,
	MAPDBG_SYNC,
	MAPDBG_NR_VERBS,
};

/**
 * struct mapdbg_test - the test map and its counters
 * @map: the map
 * @kind: its key kind
 * @key_len: key length of a binary map
 * @max: its entry limit, 0 for none
 * @atomic: created with GFP_ATOMIC; operations run with bottom halves off
 * @releases: values the map has released (release callback runs)
 * @calls: commands run on this map, by verb
 * @errors: commands that failed
 */
struct mapdbg_test {
	struct gosync_map map;
	enum gosync_map_key_kind kind;
	unsigned int key_len;
	unsigned long max;
	bool atomic;
	atomic_long_t releases;
	unsigned long calls[MAPDBG_NR_VERBS];
	unsigned long errors;
};

/* Argument slots a verb may take. */
enum mapdbg_arg {
	MAPDBG_A_KEY,
	MAPDBG_A_VALUE,
	MAPDBG_A_OLD,
	MAPDBG_A_NEW,
	MAPDBG_A_LIMIT,
	MAPDBG_A_KIND,
	MAPDBG_A_KEY_LEN,
	MAPDBG_A_HINT,
	MAPDBG_A_MAX,
	MAPDBG_A_GFP,
	MAPDBG_A_BUCKETS,
	MAPDBG_NR_ARGS,
};

#define MAPDBG_HINT_MAX		BIT(22)
#define MAPDBG_RANGE_PRINT	32

/**
 * struct mapdbg_args - the parsed arguments of one command
 * @key: the key as written
 * @kind: kind= of init
 * @gfp: gfp= of init
 * @value: value=
 * @old: old=
 * @new: new=
 * @limit: limit= of range
 * @max: max= of init
 * @key_len: key_len= of init
 * @hint: hint= of init
 * @buckets: buckets= of resize
 * @ukey: the key of a u64 map
 * @bkey: the key of a binary map
 * @hex: scratch for printing binary keys
 */
struct mapdbg_args {
	char key[GOSYNC_CMD_MAX_LEN];
	char kind[8];
	char gfp[8];
	u64 value;
	u64 old;
	u64 new;
	u64 limit;
	u64 max;
	u32 key_len;
	u32 hint;
	u32 buckets;
	u64 ukey;
	u8 bkey[GOSYNC_MAP_KEY_MAX];
	char hex[2 * GOSYNC_MAP_KEY_MAX + 1];
};

struct mapdbg_verb {
	const char *name;
	u16 takes;		/* BIT(enum mapdbg_arg) it accepts */
	u16 needs;		/* ... and requires */
	bool sleeps;		/* never run with bottom halves disabled */
	int (*run)(struct mapdbg_test *t, struct mapdbg_args *a,
		   const void *key, struct seq_buf *out);
};

static_assert(offsetof(struct mapdbg_verb, name) == 0,
	      "gosync_parse_verb() finds a verb by its first member");

/* Serializes commands with stats reads; guards mapdbg_cur and mapdbg_args. */
static DEFINE_MUTEX(mapdbg_lock);
static struct mapdbg_test *mapdbg_cur;
static struct mapdbg_args mapdbg_scratch;

static void mapdbg_release(void *value, void *arg)
{
	struct mapdbg_test *t = arg;

	atomic_long_inc(&t->releases);
}

static const char *const mapdbg_kind_names[] = {
	[GOSYNC_MAP_KEY_U64] = "u64",
	[GOSYNC_MAP_KEY_BINARY] = "bin",
	[GOSYNC_MAP_KEY_STRING] = "str",
};

static int mapdbg_parse_kind(const char *s, enum gosync_map_key_kind *kind)
{
	int i = match_string(mapdbg_kind_names, ARRAY_SIZE(mapdbg_kind_names), s);

	if (i < 0)
		return i;
	*kind = i;
	return 0;
}

static void mapdbg_print_key(struct mapdbg_test *t, struct mapdbg_args *a,
			     const void *key, struct seq_buf *out)
{
	u64 k;

	switch (t->kind) {
	case GOSYNC_MAP_KEY_U64:
		memcpy(&k, key, sizeof(k));
		seq_buf_printf(out, "key=%llu", k);
		break;
	case GOSYNC_MAP_KEY_STRING:
		seq_buf_printf(out, "key=%s", (const char *)key);
		break;
	default:
		*bin2hex(a->hex, key, t->key_len) = '\0';
		seq_buf_printf(out, "key=%s", a->hex);
		break;
	}
}

/* Turn the written key into what the map takes, or explain why not. */
static int mapdbg_key(struct mapdbg_test *t, struct mapdbg_args *a,
		      const void **key, struct seq_buf *out)
{
	size_t len;

	switch (t->kind) {
	case GOSYNC_MAP_KEY_U64:
		if (kstrtou64(a->key, 0, &a->ukey)) {
			gosync_report(out, "map", "key '%.32s' is not an unsigned number",
				      a->key);
			return -EINVAL;
		}
		*key = &a->ukey;
		return 0;
	case GOSYNC_MAP_KEY_STRING:
		*key = a->key;
		return 0;
	default:
		len = strlen(a->key);
		if (len != 2 * t->key_len || hex2bin(a->bkey, a->key, t->key_len)) {
			gosync_report(out, "map", "key must be %u hex digits", 2 * t->key_len);
			return -EINVAL;
		}
		*key = a->bkey;
		return 0;
	}
}

/* Explain a failed map call; returns @ret. */
static int mapdbg_failed(struct seq_buf *out, const char *call, int ret)
{
	const char *why;

	switch (ret) {
	case -ENOENT:
		why = "no such key";
		break;
	case -EAGAIN:
		why = "the value is not the expected one";
		break;
	case -ENOSPC:
		why = "the map is full";
		break;
	case -ENAMETOOLONG:
		why = "key too long";
		break;
	case -ENOMEM:
		why = "out of memory";
		break;
	case -EINVAL:
		why = "invalid argument (a value must be non-zero)";
		break;
	default:
		why = "failed";
		break;
	}
	gosync_report(out, "map", "%s: %s (%d)", call, why, ret);
	return ret;
}

static int mapdbg_store(struct mapdbg_test *t, struct mapdbg_args *a,
			const void *key, struct seq_buf *out)
{
	int ret = gosync_map_store(&t->map, key, mapdbg_ptr(a->value));

	if (ret)
		return mapdbg_failed(out, "store", ret);
	seq_buf_printf(out, "stored\n");
	return 0;
}

static int mapdbg_load(struct mapdbg_test *t, struct mapdbg_args *a,
		       const void *key, struct seq_buf *out)
{
	void *v;

	/* load() answers NULL for a key it refuses: say why. */
	if (t->kind == GOSYNC_MAP_KEY_STRING && strlen(key) >= GOSYNC_MAP_KEY_MAX)
		return mapdbg_failed(out, "load", -ENAMETOOLONG);
	v = gosync_map_load(&t->map, key);
	if (!v)
		return mapdbg_failed(out, "load", -ENOENT);
	seq_buf_printf(out, "value=%llu\n", mapdbg_num(v));
	return 0;
}

static int mapdbg_load_or_store(struct mapdbg_test *t, struct mapdbg_args *a,
				const void *key, struct seq_buf *out)
{
	void *actual = NULL;
	int ret = gosync_map_load_or_store(&t->map, key, mapdbg_ptr(a->value),
					   &actual);

	if (ret == -EEXIST) {
		seq_buf_printf(out, "loaded value=%llu\n", mapdbg_num(actual));
		return 0;
	}
	if (ret)
		return mapdbg_failed(out, "load_or_store", ret);
	seq_buf_printf(out, "stored value=%llu\n", mapdbg_num(actual));
	return 0;
}

static int mapdbg_load_and_delete(struct mapdbg_test *t, struct mapdbg_args *a,
				  const void *key, struct seq_buf *out)
{
	void *old = NULL;
	int ret = gosync_map_load_and_delete(&t->map, key, &old);

	if (ret)
		return mapdbg_failed(out, "load_and_delete", ret);
	seq_buf_printf(out, "deleted value=%llu\n", mapdbg_num(old));
	return 0;
}

static int mapdbg_delete(struct mapdbg_test *t, struct mapdbg_args *a,
			 const void *key, struct seq_buf *out)
{
	int ret = gosync_map_delete(&t->map, key);

	if (ret)
		return mapdbg_failed(out, "delete", ret);
	seq_buf_printf(out, "deleted\n");
	return 0;
}

static int mapdbg_swap(struct mapdbg_test *t, struct mapdbg_args *a,
		       const void *key, struct seq_buf *out)
{
	void *old = NULL;
	int ret = gosync_map_swap(&t->map, key, mapdbg_ptr(a->value), &old);

	if (ret)
		return mapdbg_failed(out, "swap", ret);
	if (old)
		seq_buf_printf(out, "old=%llu\n", mapdbg_num(old));
	else
		seq_buf_printf(out, "old=none\n");
	return 0;
}

static int mapdbg_cas(struct mapdbg_test *t, struct mapdbg_args *a,
		      const void *key, struct seq_buf *out)
{
	int ret = gosync_map_compare_and_swap(&t->map, key, mapdbg_ptr(a->old),
					      mapdbg_ptr(a->new));

	if (ret)
		return mapdbg_failed(out, "cas", ret);
	seq_buf_printf(out, "swapped\n");
	return 0;
}

static int mapdbg_cad(struct mapdbg_test *t, struct mapdbg_args *a,
		      const void *key, struct seq_buf *out)
{
	int ret = gosync_map_compare_and_delete(&t->map, key, mapdbg_ptr(a->old));

	if (ret)
		return mapdbg_failed(out, "cad", ret);
	seq_buf_printf(out, "deleted\n");
	return 0;
}

struct mapdbg_range_ctx {
	struct mapdbg_test *t;
	struct mapdbg_args *a;
	struct seq_buf *out;
	u64 visited;
};

static bool mapdbg_range_visit(const void *key, void *value, void *arg)
{
	struct mapdbg_range_ctx *c = arg;
	struct seq_buf *out = c->out;

	/* Keep room for the longest line and the final count. */
	if (c->visited < MAPDBG_RANGE_PRINT &&
	    out->size - seq_buf_used(out) > 2 * GOSYNC_MAP_KEY_MAX + 64) {
		mapdbg_print_key(c->t, c->a, key, out);
		seq_buf_printf(out, " value=%llu\n", mapdbg_num(value));
	}
	return ++c->visited < c->a->limit;
}

static int mapdbg_range(struct mapdbg_test *t, struct mapdbg_args *a,
			const void *key, struct seq_buf *out)
{
	struct mapdbg_range_ctx c = { .t = t, .a = a, .out = out };
	unsigned long n;

	n = gosync_map_range(&t->map, mapdbg_range_visit, &c);
	if (n != c.visited) {
		gosync_report(out, "map", "range returned %lu but visited %llu",
			      n, c.visited);
		return -EIO;
	}
	seq_buf_printf(out, "visited=%llu\n", c.visited);
	return 0;
}

static int mapdbg_clear(struct mapdbg_test *t, struct mapdbg_args *a,
			const void *key, struct seq_buf *out)
{
	int ret = gosync_map_clear(&t->map);

	if (ret)
		return mapdbg_failed(out, "clear", ret);
	seq_buf_printf(out, "cleared\n");
	return 0;
}

static int mapdbg_len(struct mapdbg_test *t, struct mapdbg_args *a,
		      const void *key, struct seq_buf *out)
{
	seq_buf_printf(out, "len=%lu\n", gosync_map_len(&t->map));
	return 0;
}

static int mapdbg_resize(struct mapdbg_test *t, struct mapdbg_args *a,
			 const void *key, struct seq_buf *out)
{
	struct gosync_map_stats st;
	int ret = __gosync_map_resize(&t->map, a->buckets);

	if (ret == -EINVAL) {
		gosync_report(out, "map", "resize: buckets=%u is not 0 or a power of 2 in [%u,%u]",
			      a->buckets, GOSYNC_MAP_MIN_BUCKETS,
			      (unsigned int)GOSYNC_MAP_MAX_BUCKETS);
		return ret;
	}
	if (ret)
		return mapdbg_failed(out, "resize", ret);
	gosync_map_stats(&t->map, &st);
	seq_buf_printf(out, "buckets=%u\n", st.buckets);
	return 0;
}

static int mapdbg_sync(struct mapdbg_test *t, struct mapdbg_args *a,
		       const void *key, struct seq_buf *out)
{
	rcu_barrier();
	seq_buf_printf(out, "synced\n");
	return 0;
}

static int mapdbg_init_map(struct mapdbg_test *unused, struct mapdbg_args *a,
			   const void *key, struct seq_buf *out);

#define A(x)	BIT(MAPDBG_A_##x)

static const struct mapdbg_verb mapdbg_verbs[MAPDBG_NR_VERBS] = {
	[MAPDBG_INIT] = { "init", A(KIND) | A(KEY_LEN) | A(HINT) | A(MAX) | A(GFP),
			  0, true, mapdbg_init_map },
	[MAPDBG_STORE] = { "store", A(KEY) | A(VALUE), A(KEY) | A(VALUE),
			   false, mapdbg_store },
	[MAPDBG_LOAD] = { "load", A(KEY), A(KEY), false, mapdbg_load },
	[MAPDBG_LOAD_OR_STORE] = { "load_or_store", A(KEY) | A(VALUE),
				   A(KEY) | A(VALUE), false, mapdbg_load_or_store },
	[MAPDBG_LOAD_AND_DELETE] = { "load_and_delete", A(KEY), A(KEY), false,
				     mapdbg_load_and_delete },
	[MAPDBG_DELETE] = { "delete", A(KEY), A(KEY), false, mapdbg_delete },
	[MAPDBG_SWAP] = { "swap", A(KEY) | A(VALUE), A(KEY) | A(VALUE), false,
			  mapdbg_swap },
	[MAPDBG_CAS] = { "cas", A(KEY) | A(OLD) | A(NEW), A(KEY) | A(OLD) | A(NEW),
			 false, mapdbg_cas },
	[MAPDBG_CAD] = { "cad", A(KEY) | A(OLD), A(KEY) | A(OLD), false, mapdbg_cad },
	[MAPDBG_RANGE] = { "range", A(LIMIT), 0, false, mapdbg_range },
	[MAPDBG_CLEAR] = { "clear", 0, 0, false, mapdbg_clear },
	[MAPDBG_LEN] = { "len", 0, 0, false, mapdbg_len },
	[MAPDBG_RESIZE] = { "resize", A(BUCKETS), A(BUCKETS), true, mapdbg_resize },
	[MAPDBG_SYNC] = { "sync", 0, 0, true, mapdbg_sync },
};

#undef A

/* The parameters @v accepts, with their destinations in @a; returns how many. */
static unsigned int mapdbg_params(const struct mapdbg_verb *v,
				  struct mapdbg_args *a, struct gosync_param *p)
{
	const struct gosync_param all[MAPDBG_NR_ARGS] = {
		[MAPDBG_A_KEY] = GOSYNC_PARAM_STR("key", a->key, false),
		[MAPDBG_A_VALUE] = GOSYNC_PARAM_U64("value", &a->value, 0, U64_MAX, false),
		[MAPDBG_A_OLD] = GOSYNC_PARAM_U64("old", &a->old, 0, U64_MAX, false),
		[MAPDBG_A_NEW] = GOSYNC_PARAM_U64("new", &a->new, 0, U64_MAX, false),
		[MAPDBG_A_LIMIT] = GOSYNC_PARAM_U64("limit", &a->limit, 1, U64_MAX, false),
		[MAPDBG_A_KIND] = GOSYNC_PARAM_STR("kind", a->kind, false),
		[MAPDBG_A_KEY_LEN] = GOSYNC_PARAM_U32("key_len", &a->key_len, 0, U32_MAX,
						      false),
		[MAPDBG_A_HINT] = GOSYNC_PARAM_U32("hint", &a->hint, 0, MAPDBG_HINT_MAX,
						   false),
		[MAPDBG_A_MAX] = GOSYNC_PARAM_U64("max", &a->max, 0, ULONG_MAX, false),
		[MAPDBG_A_GFP] = GOSYNC_PARAM_STR("gfp", a->gfp, false),
		[MAPDBG_A_BUCKETS] = GOSYNC_PARAM_U32("buckets", &a->buckets, 0,
						      MAPDBG_HINT_MAX, false),
	};

	return gosync_param_select(p, all, MAPDBG_NR_ARGS, v->takes, v->needs);
}

static struct mapdbg_test *mapdbg_test_new(const struct gosync_map_opts *base,
					   int *err)
{
	struct mapdbg_test *t = kzalloc(sizeof(*t), GFP_KERNEL);
	struct gosync_map_opts opts = *base;

	if (!t) {
		*err = -ENOMEM;
		return NULL;
	}
	opts.release = mapdbg_release;
	opts.release_arg = t;
	*err = gosync_map_init(&t->map, &opts);
	if (*err) {
		kfree(t);
		return NULL;
	}
	t->kind = opts.key_kind;
	t->key_len = opts.key_kind == GOSYNC_MAP_KEY_BINARY ? opts.key_len : 0;
	t->max = opts.max_entries;
	t->atomic = opts.gfp == GFP_ATOMIC;
	atomic_long_set(&t->releases, 0);
	return t;
}

static void mapdbg_test_free(struct mapdbg_test *t)
{
	if (!t)
		return;
	gosync_map_destroy(&t->map);
	kfree(t);
}

static int mapdbg_init_map(struct mapdbg_test *unused, struct mapdbg_args *a,
			   const void *key, struct seq_buf *out)
{
	struct gosync_map_opts opts = {
		.key_kind = GOSYNC_MAP_KEY_U64,
		.key_len = a->key_len,
		.size_hint = a->hint,
		.max_entries = a->max,
		.gfp = GFP_KERNEL,
	};
	struct mapdbg_test *t;
	int ret;

	if (a->kind[0] && mapdbg_parse_kind(a->kind, &opts.key_kind)) {
		gosync_report(out, "map", "init: unknown kind '%s' (u64, str or bin)",
			      a->kind);
		return -EINVAL;
	}
	if (!strcmp(a->gfp, "atomic")) {
		opts.gfp = GFP_ATOMIC;
	} else if (a->gfp[0] && strcmp(a->gfp, "kernel")) {
		gosync_report(out, "map", "init: unknown gfp '%s' (kernel or atomic)",
			      a->gfp);
		return -EINVAL;
	}
	t = mapdbg_test_new(&opts, &ret);
	if (!t) {
		gosync_report(out, "map", "init: gosync_map_init() failed (%d)", ret);
		return ret;
	}
	mapdbg_test_free(mapdbg_cur);
	mapdbg_cur = t;
	seq_buf_printf(out, "kind=%s key_len=%u hint=%u max=%lu gfp=%s\n",
		       mapdbg_kind_names[t->kind], t->key_len, a->hint, t->max,
		       t->atomic ? "atomic" : "kernel");
	return 0;
}

/**
 * __gosync_map_cmd_exec() - parse and run one command on the test map
 * @line: the command line, checked by gosync_parse_line(); modified
 * @out: receives the command's output, or "error: <why>"
 * @who: prefix of messages about rejected commands
 *
 * The exec() of the command file map/cmd; the grammar is at the top of
 * kmod/test/map_debugfs.c. Needs the test map of __gosync_map_cmd_init().
 *
 * Context: process context, may sleep; serialized with the other commands
 * and with __gosync_map_cmd_stats().
 * Return: 0, or a negative errno (rejected command or failed map call).
 */
int __gosync_map_cmd_exec(char *line, struct seq_buf *out, const char *who)
{
	struct gosync_param params[MAPDBG_NR_ARGS];
	struct mapdbg_args *a = &mapdbg_scratch;
	const struct mapdbg_verb *v;
	struct mapdbg_test *t;
	const void *key = NULL;
	unsigned int n;
	bool bh_off;
	int ret;

	v = gosync_parse_verb(&line, mapdbg_verbs, ARRAY_SIZE(mapdbg_verbs),
			      sizeof(mapdbg_verbs[0]), out, who);
	if (!v)
		return -EINVAL;

	mutex_lock(&mapdbg_lock);
	t = mapdbg_cur;
	memset(a, 0, offsetof(struct mapdbg_args, ukey));
	a->limit = U64_MAX;
	n = mapdbg_params(v, a, params);
	ret = gosync_parse_params(line, params, n, out, who);
	if (!ret && (v->takes & BIT(MAPDBG_A_KEY)))
		ret = mapdbg_key(t, a, &key, out);
	if (ret)
		goto out;

	/* init frees t: decide before. */
	bh_off = t->atomic && !v->sleeps;
	if (bh_off)
		local_bh_disable();
	ret = v->run(t, a, key, out);
	if (bh_off)
		local_bh_enable();

	/* init replaced the map: count on the new one. */
	t = mapdbg_cur;
	t->calls[v - mapdbg_verbs]++;
	if (ret)
		t->errors++;
out:
	mutex_unlock(&mapdbg_lock);
	return ret;
}

/**
 * __gosync_map_cmd_stats() - print the test map's statistics line
 * @out: receives the line (at most GOSYNC_MAP_CMD_STATS_SIZE bytes)
 *
 * The contents of the file map/stats, documented at the top of
 * kmod/test/map_debugfs.c.
 *
 * Context: process context, may sleep; needs the test map of
 * __gosync_map_cmd_init().
 */
void __gosync_map_cmd_stats(struct seq_buf *out)
{
	struct gosync_map_stats st;
	struct mapdbg_test *t;
	unsigned int i;

	mutex_lock(&mapdbg_lock);
	t = mapdbg_cur;
	gosync_map_stats(&t->map, &st);
	seq_buf_printf(out, "kind=%s key_len=%u gfp=%s max=%lu",
		       mapdbg_kind_names[t->kind], t->key_len,
		       t->atomic ? "atomic" : "kernel", t->max);
	seq_buf_printf(out, " entries=%lu buckets=%u longest_chain=%u resizing=%d",
		       st.entries, st.buckets, st.longest_chain, st.resizing);
	seq_buf_printf(out, " grows=%u shrinks=%u reseeds=%u aborts=%u releases=%ld",
		       st.grows, st.shrinks, st.reseeds, st.aborts,
		       atomic_long_read(&t->releases));
	for (i = 0; i < MAPDBG_NR_VERBS; i++)
		seq_buf_printf(out, " %s=%lu", mapdbg_verbs[i].name, t->calls[i]);
	seq_buf_printf(out, " errors=%lu\n", t->errors);
	mutex_unlock(&mapdbg_lock);
}

/**
 * __gosync_map_cmd_init() - create the test map of map/cmd
 *
 * An empty map of u64 keys, as at module load.
 *
 * Context: process context, may sleep; before any other __gosync_map_cmd_*()
 * call.
 * Return: 0 or a negative errno from gosync_map_init() (-ENOMEM).
 */
int __gosync_map_cmd_init(void)
{
	const struct gosync_map_opts opts = {
		.key_kind = GOSYNC_MAP_KEY_U64,
		.gfp = GFP_KERNEL,
	};
	int ret;

	mapdbg_cur = mapdbg_test_new(&opts, &ret);
	return mapdbg_cur ? 0 : ret;
}

/**
 * __gosync_map_cmd_exit() - destroy the test map of map/cmd
 *
 * Context: process context, may sleep; once no command runs.
 */
void __gosync_map_cmd_exit(void)
{
	mapdbg_test_free(mapdbg_cur);
	mapdbg_cur = NULL;
}

/* ------------------------------------------------------------------ */
/* The arguments of map/stress.                                       */

static const char *const mapst_op_names[MAPST_NR_OPS] = {
	"load", "store", "delete", "swap", "cas", "cad", "load_or_store",
	"load_and_delete",
};

static const u32 mapst_default_mix[MAPST_NR_OPS] = { 40, 20, 10, 10, 5, 5, 5, 5 };

/**
 * __gosync_map_stress_parse() - parse and check the arguments of map/stress
 * @line: the command line, checked by gosync_parse_line(); modified
 * @a: filled with the arguments, the defaults for those not given
 * @out: where to explain a rejection
 * @who: prefix of messages about rejected commands
 *
 * The grammar is at the top of kmod/test/map_debugfs.c. Defaults: every online
 * CPU, 1000 ms, 65536 keys of kind u64, the default operation mix.
 *
 * Context: any context.
 * Return: 0, or a negative errno: the parser's (see parse.h), -EINVAL for
 * a mix that does not sum to 100, fewer keys than threads or an unknown
 * kind, -EOPNOTSUPP for failslab=1 without CONFIG_FAULT_INJECTION.
 */
int __gosync_map_stress_parse(char *line, struct mapst_args *a,
			      struct seq_buf *out, const char *who)
{
	struct gosync_param p[12 + MAPST_NR_OPS] = {
		GOSYNC_PARAM_U32("threads", &a->threads, 1, num_online_cpus(), false),
		GOSYNC_PARAM_U32("duration_ms", &a->duration_ms, 1, MAPST_MAX_MS, false),
		GOSYNC_PARAM_U64("keys", &a->keys, 1, MAPST_MAX_KEYS, false),
		GOSYNC_PARAM_STR("kind", a->kind, false),
		GOSYNC_PARAM_U32("hint", &a->hint, 0, MAPDBG_HINT_MAX, false),
		GOSYNC_PARAM_U32("checker", &a->checker, 0, 1, false),
		GOSYNC_PARAM_U32("resizer", &a->resizer, 0, 1, false),
		GOSYNC_PARAM_U64("storm", &a->storm, 0, MAPST_MAX_KEYS, false),
		GOSYNC_PARAM_U32("failslab", &a->failslab, 0, 1, false),
		GOSYNC_PARAM_U32("atomic", &a->atomic, 0, 1, false),
	};
	unsigned int i, n = 10, sum = 0;
	bool any = false;
	int ret;

	*a = (struct mapst_args){
		.threads = num_online_cpus(),
		.duration_ms = 1000,
		.keys = 65536,
		.key_kind = GOSYNC_MAP_KEY_U64,
	};
	for (i = 0; i < MAPST_NR_OPS; i++) {
		a->mix[i] = U32_MAX;
		p[n++] = (struct gosync_param)GOSYNC_PARAM_U32(mapst_op_names[i],
							       &a->mix[i], 0, 100,
							       false);
	}
	ret = gosync_parse_params(line, p, n, out, who);
	if (ret)
		return ret;
	for (i = 0; i < MAPST_NR_OPS; i++) {
		if (a->mix[i] == U32_MAX)
			continue;
		any = true;
		sum += a->mix[i];
	}
	for (i = 0; i < MAPST_NR_OPS; i++) {
		if (!any)
			a->mix[i] = mapst_default_mix[i];
		else if (a->mix[i] == U32_MAX)
			a->mix[i] = 0;
	}
	if (any && sum != 100) {
		gosync_report(out, who, "stress: the operation mix sums to %u%%, not 100%%",
			      sum);
		return -EINVAL;
	}
	if (!a->storm && a->keys < a->threads) {
		gosync_report(out, who, "stress: keys=%llu is fewer than threads=%u",
			      a->keys, a->threads);
		return -EINVAL;
	}
#ifndef CONFIG_FAULT_INJECTION
	if (a->failslab) {
		gosync_report(out, who, "stress: failslab=1 needs CONFIG_FAULT_INJECTION");
		return -EOPNOTSUPP;
	}
#endif
	if (a->kind[0] && mapdbg_parse_kind(a->kind, &a->key_kind)) {
		gosync_report(out, who, "stress: unknown kind '%s' (u64, str or bin)",
			      a->kind);
		return -EINVAL;
	}
	return 0;
}
