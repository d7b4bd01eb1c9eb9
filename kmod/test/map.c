// SPDX-License-Identifier: GPL-2.0
/*
 * gosync_map in gosync_test.ko: a test map driven by a command file, its
 * statistics, and a stress run, in /sys/kernel/debug/gosync_test/map/.
 * The interpreter and the parsers build in userspace too (tools/native),
 * so the fuzzers run them.
 *
 * Its command files, their grammar and what each run checks are
 * documented for their users in kmod/test/README.md, "map".
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/bits.h>
#include <linux/bottom_half.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/limits.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/rcupdate.h>
#include <linux/seq_buf.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/version.h>
/* <asm/unaligned.h> became <linux/unaligned.h> in 6.12. */
#if LINUX_VERSION_MAJOR > 6 || \
	(LINUX_VERSION_MAJOR == 6 && LINUX_VERSION_PATCHLEVEL >= 12)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

#include "cmdfile.h"
#include "internal.h"
#include "map.h"
#include "map_test.h"
#include "parse.h"
#include "runner.h"
#include "test.h"

#define GM_ST_MAX_MS		600000
#define GM_ST_MAX_KEYS		BIT(22)

/* ---- The test map behind "cmd" and "stats" ---- */

enum gm_verb_id {
	GM_INIT,
	GM_STORE,
	GM_LOAD,
	GM_LOAD_OR_STORE,
	GM_LOAD_AND_DELETE,
	GM_DELETE,
	GM_SWAP,
	GM_CAS,
	GM_CAD,
	GM_RANGE,
	GM_CLEAR,
	GM_LEN,
	GM_RESIZE,
	GM_SYNC,
	GM_NR_VERBS,
};

/*
 * The test map with its settings (key_len of a binary map, max 0 for no
 * limit; atomic: GFP_ATOMIC, operations run with bottom halves off), the
 * release callback runs, and the commands run on it and those that failed.
 */
struct gm_test {
	struct gosync_map map;
	enum gosync_map_key_kind kind;
	unsigned int key_len;
	unsigned long max;
	bool atomic;
	atomic_long_t releases;
	unsigned long calls[GM_NR_VERBS];
	unsigned long errors;
};

/* Argument slots a verb may take. */
enum gm_arg {
	GM_A_KEY,
	GM_A_VALUE,
	GM_A_OLD,
	GM_A_NEW,
	GM_A_LIMIT,
	GM_A_KIND,
	GM_A_KEY_LEN,
	GM_A_HINT,
	GM_A_MAX,
	GM_A_GFP,
	GM_A_BUCKETS,
	GM_NR_ARGS,
};

#define GM_HINT_MAX		BIT(22)
#define GM_RANGE_PRINT	32

/*
 * The arguments of one command, by their keys (kind and gfp as indices
 * of their words), then the key in the form the map takes and scratch
 * for printing keys.
 */
struct gm_args {
	char key[GOSYNC_CMD_MAX_LEN];
	u32 kind;
	u32 gfp;
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

/*
 * A verb: the keys it requires and those it may take besides (BIT(enum
 * gm_arg)), whether it may sleep (never run with bottom halves off),
 * and what it prints on success, followed by a number if it ends in '='.
 */
struct gm_verb {
	const char *name;
	u16 needs;
	u16 may;
	bool sleeps;
	const char *done;
};

static_assert(offsetof(struct gm_verb, name) == 0,
	      "gosync_parse_verb() finds a verb by its first member");

/* Serializes commands with stats reads; guards gm_cur and gm_args. */
static DEFINE_MUTEX(gm_lock);
static struct gm_test *gm_cur;
static struct gm_args gm_scratch;

static void gm_release(void *value, void *arg)
{
	struct gm_test *t = arg;

	atomic_long_inc(&t->releases);
}

static const char *const gm_kind_names[] = {
	[GOSYNC_MAP_KEY_U64] = "u64",
	[GOSYNC_MAP_KEY_BINARY] = "bin",
	[GOSYNC_MAP_KEY_STRING] = "str",
};

static const char *const gm_gfp_names[] = { "kernel", "atomic" };

/* Turn the written key into what the map takes, or explain why not. */
static int gm_key(struct gm_test *t, struct gm_args *a, const void **key, struct seq_buf *out)
{
	*key = a->key;
	if (t->kind == GOSYNC_MAP_KEY_U64) {
		*key = &a->ukey;
		if (kstrtou64(a->key, 0, &a->ukey)) {
			gosync_report(out, "map", "key '%.32s' is not an unsigned number", a->key);
			return -EINVAL;
		}
	} else if (t->kind == GOSYNC_MAP_KEY_BINARY) {
		*key = a->bkey;
		if (strlen(a->key) != 2 * t->key_len || hex2bin(a->bkey, a->key, t->key_len)) {
			gosync_report(out, "map", "key must be %u hex digits", 2 * t->key_len);
			return -EINVAL;
		}
	}
	return 0;
}

static const struct {
	int err;
	const char *why;
} gm_whys[] = {
	{ -ENOENT, "no such key" },
	{ -EAGAIN, "the value is not the expected one" },
	{ -ENOSPC, "the map is full" },
	{ -ENAMETOOLONG, "key too long" },
	{ -ENOMEM, "out of memory" },
	{ -EINVAL, "invalid argument (a value must be non-zero)" },
};

/* Explain a failed map call; returns @ret. */
static int gm_failed(struct seq_buf *out, const char *call, int ret)
{
	const char *why = "failed";
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(gm_whys); i++)
		if (gm_whys[i].err == ret)
			why = gm_whys[i].why;
	gosync_report(out, "map", "%s: %s (%d)", call, why, ret);
	return ret;
}

struct gm_range_ctx {
	struct gm_test *t;
	struct gm_args *a;
	struct seq_buf *out;
	u64 visited;
};

static bool gm_range_visit(const void *key, void *value, void *arg)
{
	struct gm_range_ctx *c = arg;
	struct seq_buf *out = c->out;
	const char *ks = c->a->hex;
	u64 k;

	/* Keep room for the longest line and the final count. */
	if (c->visited < GM_RANGE_PRINT &&
	    out->size - seq_buf_used(out) > 2 * GOSYNC_MAP_KEY_MAX + 64) {
		if (c->t->kind == GOSYNC_MAP_KEY_STRING) {
			ks = key;
		} else if (c->t->kind == GOSYNC_MAP_KEY_U64) {
			memcpy(&k, key, sizeof(k));
			snprintf(c->a->hex, sizeof(c->a->hex), "%llu", k);
		} else {
			*bin2hex(c->a->hex, key, c->t->key_len) = '\0';
		}
		seq_buf_printf(out, "key=%s value=%llu\n", ks, gm_num(value));
	}
	return ++c->visited < c->a->limit;
}

#define A(x)	BIT(GM_A_##x)

static const struct gm_verb gm_verbs[GM_NR_VERBS] = {
	[GM_INIT] = { "init", 0, A(KIND) | A(KEY_LEN) | A(HINT) | A(MAX) | A(GFP), true },
	[GM_STORE] = { "store", A(KEY) | A(VALUE), 0, false, "stored" },
	[GM_LOAD] = { "load", A(KEY), 0, false, "value=" },
	[GM_LOAD_OR_STORE] = { "load_or_store", A(KEY) | A(VALUE), 0, false, "stored value=" },
	[GM_LOAD_AND_DELETE] = { "load_and_delete", A(KEY), 0, false, "deleted value=" },
	[GM_DELETE] = { "delete", A(KEY), 0, false, "deleted" },
	[GM_SWAP] = { "swap", A(KEY) | A(VALUE), 0, false, "old=" },
	[GM_CAS] = { "cas", A(KEY) | A(OLD) | A(NEW), 0, false, "swapped" },
	[GM_CAD] = { "cad", A(KEY) | A(OLD), 0, false, "deleted" },
	[GM_RANGE] = { "range", 0, A(LIMIT), false, "visited=" },
	[GM_CLEAR] = { "clear", 0, 0, false, "cleared" },
	[GM_LEN] = { "len", 0, 0, false, "len=" },
	[GM_RESIZE] = { "resize", A(BUCKETS), 0, true, "buckets=" },
	[GM_SYNC] = { "sync", 0, 0, true, "synced" },
};

#undef A

/* Verb @id on key @key of @t; prints its result or explains its failure. */
static int gm_run(struct gm_test *t, unsigned int id, struct gm_args *a,
		  const void *key, struct seq_buf *out)
{
	struct gm_range_ctx c = { .t = t, .a = a, .out = out };
	const char *done = gm_verbs[id].done;
	struct gosync_map *m = &t->map;
	struct gosync_map_stats st;
	void *old = NULL;
	u64 n = 0;
	int ret = 0;

	switch (id) {
	case GM_STORE:
		ret = gosync_map_store(m, key, gm_ptr(a->value));
		break;
	case GM_LOAD:
		old = gosync_map_load(m, key);
		/* load() answers NULL for a key it refuses too: say why. */
		if (!old && t->kind == GOSYNC_MAP_KEY_STRING && strlen(key) >= GOSYNC_MAP_KEY_MAX)
			ret = -ENAMETOOLONG;
		else if (!old)
			ret = -ENOENT;
		break;
	case GM_LOAD_OR_STORE:
		ret = gosync_map_load_or_store(m, key, gm_ptr(a->value), &old);
		if (ret == -EEXIST) {
			done = "loaded value=";
			ret = 0;
		}
		break;
	case GM_LOAD_AND_DELETE:
		ret = gosync_map_load_and_delete(m, key, &old);
		break;
	case GM_DELETE:
		ret = gosync_map_delete(m, key);
		break;
	case GM_SWAP:
		ret = gosync_map_swap(m, key, gm_ptr(a->value), &old);
		if (!ret && !old)
			done = "old=none";
		break;
	case GM_CAS:
		ret = gosync_map_compare_and_swap(m, key, gm_ptr(a->old), gm_ptr(a->new));
		break;
	case GM_CAD:
		ret = gosync_map_compare_and_delete(m, key, gm_ptr(a->old));
		break;
	case GM_RANGE:
		n = gosync_map_range(m, gm_range_visit, &c);
		if (n != c.visited) {
			gosync_report(out, "map", "range returned %llu but visited %llu",
				      n, c.visited);
			return -EIO;
		}
		break;
	case GM_CLEAR:
		ret = gosync_map_clear(m);
		break;
	case GM_LEN:
		n = gosync_map_len(m);
		break;
	case GM_RESIZE:
		ret = __gosync_map_resize(m, a->buckets);
		if (ret == -EINVAL) {
			gosync_report(out, "map",
				      "resize: buckets=%u is not 0 or a power of 2 in [%u,%u]",
				      a->buckets, GOSYNC_MAP_MIN_BUCKETS,
				      (unsigned int)GOSYNC_MAP_MAX_BUCKETS);
			return ret;
		}
		gosync_map_stats(m, &st);
		n = st.buckets;
		break;
	case GM_SYNC:
		rcu_barrier();
		break;
	}
	if (ret)
		return gm_failed(out, gm_verbs[id].name, ret);
	seq_buf_printf(out, "%s", done);
	if (done[strlen(done) - 1] == '=')
		seq_buf_printf(out, "%llu", old ? gm_num(old) : n);
	seq_buf_printf(out, "\n");
	return 0;
}

/* The keys of every verb, in gm_scratch, by enum gm_arg. */
#define GM_P(type, k, m, lo, hi)	GOSYNC_PARAM_##type(k, &gm_scratch.m, lo, hi, false)

static const struct gosync_param gm_all_params[GM_NR_ARGS] = {
	[GM_A_KEY] = GOSYNC_PARAM_STR("key", gm_scratch.key, false),
	[GM_A_VALUE] = GM_P(U64, "value", value, 0, U64_MAX),
	[GM_A_OLD] = GM_P(U64, "old", old, 0, U64_MAX),
	[GM_A_NEW] = GM_P(U64, "new", new, 0, U64_MAX),
	[GM_A_LIMIT] = GM_P(U64, "limit", limit, 1, U64_MAX),
	[GM_A_KIND] = GOSYNC_PARAM_ENUM("kind", &gm_scratch.kind, gm_kind_names,
					ARRAY_SIZE(gm_kind_names)),
	[GM_A_KEY_LEN] = GM_P(U32, "key_len", key_len, 0, U32_MAX),
	[GM_A_HINT] = GM_P(U32, "hint", hint, 0, GM_HINT_MAX),
	[GM_A_MAX] = GM_P(U64, "max", max, 0, ULONG_MAX),
	[GM_A_GFP] = GOSYNC_PARAM_ENUM("gfp", &gm_scratch.gfp, gm_gfp_names,
				       ARRAY_SIZE(gm_gfp_names)),
	[GM_A_BUCKETS] = GM_P(U32, "buckets", buckets, 0, GM_HINT_MAX),
};

#undef GM_P

/* Destroy the test map; once no command runs, or under gm_lock. */
void gm_cmd_exit(void)
{
	if (gm_cur) {
		gosync_map_destroy(&gm_cur->map);
		kfree(gm_cur);
	}
	gm_cur = NULL;
}

/* Replace the test map by a new one made with @opts; if none, keep it. */
static int gm_test_new(struct gosync_map_opts *opts)
{
	struct gm_test *t = kzalloc(sizeof(*t), GFP_KERNEL);
	int ret;

	if (!t)
		return -ENOMEM;
	opts->release = gm_release;
	opts->release_arg = t;
	ret = gosync_map_init(&t->map, opts);
	if (ret) {
		kfree(t);
		return ret;
	}
	t->kind = opts->key_kind;
	t->key_len = t->kind == GOSYNC_MAP_KEY_BINARY ? opts->key_len : 0;
	t->max = opts->max_entries;
	t->atomic = opts->gfp == GFP_ATOMIC;
	gm_cmd_exit();
	gm_cur = t;
	return 0;
}

static int gm_init_map(struct gm_args *a, struct seq_buf *out)
{
	struct gosync_map_opts opts = {
		.key_kind = a->kind,
		.key_len = a->key_len,
		.size_hint = a->hint,
		.max_entries = a->max,
		.gfp = a->gfp ? GFP_ATOMIC : GFP_KERNEL,
	};
	int ret = gm_test_new(&opts);

	if (ret) {
		gosync_report(out, "map", "init: gosync_map_init() failed (%d)", ret);
		return ret;
	}
	seq_buf_printf(out, "kind=%s key_len=%u hint=%u max=%lu gfp=%s\n",
		       gm_kind_names[gm_cur->kind], gm_cur->key_len, a->hint,
		       gm_cur->max, gm_gfp_names[gm_cur->atomic]);
	return 0;
}

/*
 * The exec() of map/cmd (grammar at the top) on the test map of
 * gm_cmd_init(): @line, checked by gosync_parse_line(), is modified; @out
 * receives the output or "error: <why>" (@who: prefix of messages about
 * rejected commands). Process context, serialized with gm_cmd_stats().
 * Returns 0, or a negative errno (rejected command or failed map call).
 */
int gm_cmd_exec(char *line, struct seq_buf *out, const char *who)
{
	struct gosync_param params[GM_NR_ARGS];
	struct gm_args *a = &gm_scratch;
	const struct gm_verb *v;
	struct gm_test *t;
	const void *key = NULL;
	unsigned int n, id;
	bool bh_off;
	int ret;

	v = gosync_parse_verb(&line, gm_verbs, ARRAY_SIZE(gm_verbs),
			      sizeof(gm_verbs[0]), out, who);
	if (!v)
		return -EINVAL;
	id = v - gm_verbs;

	mutex_lock(&gm_lock);
	t = gm_cur;
	memset(a, 0, offsetof(struct gm_args, ukey));
	a->limit = U64_MAX;
	n = gosync_param_select(params, gm_all_params, GM_NR_ARGS, v->needs | v->may, v->needs);
	ret = gosync_parse_params(line, params, n, out, who);
	if (!ret && (v->needs & BIT(GM_A_KEY)))
		ret = gm_key(t, a, &key, out);
	if (ret)
		goto out;

	bh_off = t->atomic && !v->sleeps;
	if (bh_off)
		local_bh_disable();
	ret = id == GM_INIT ? gm_init_map(a, out) : gm_run(t, id, a, key, out);
	if (bh_off)
		local_bh_enable();
	/* On the new map after an init. */
	gm_cur->calls[id]++;
	if (ret)
		gm_cur->errors++;
out:
	mutex_unlock(&gm_lock);
	return ret;
}

/* The line of map/stats (at most GOSYNC_MAP_CMD_STATS_SIZE bytes). */
void gm_cmd_stats(struct seq_buf *out)
{
	struct gosync_map_stats st;
	struct gm_test *t;
	unsigned int i;

	mutex_lock(&gm_lock);
	t = gm_cur;
	gosync_map_stats(&t->map, &st);
	seq_buf_printf(out, "kind=%s key_len=%u gfp=%s max=%lu",
		       gm_kind_names[t->kind], t->key_len,
		       gm_gfp_names[t->atomic], t->max);
	seq_buf_printf(out, " entries=%lu buckets=%u longest_chain=%u resizing=%d",
		       st.entries, st.buckets, st.longest_chain, st.resizing);
	seq_buf_printf(out, " grows=%u shrinks=%u reseeds=%u aborts=%u releases=%ld",
		       st.grows, st.shrinks, st.reseeds, st.aborts,
		       atomic_long_read(&t->releases));
	for (i = 0; i < GM_NR_VERBS; i++)
		seq_buf_printf(out, " %s=%lu", gm_verbs[i].name, t->calls[i]);
	seq_buf_printf(out, " errors=%lu\n", t->errors);
	mutex_unlock(&gm_lock);
}

/* The test map of map/cmd as at module load, an empty one of u64 keys. */
int gm_cmd_init(void)
{
	struct gosync_map_opts opts = {
		.key_kind = GOSYNC_MAP_KEY_U64,
		.gfp = GFP_KERNEL,
	};

	return gm_test_new(&opts);
}

/* ---- The arguments of map/stress; grammar and defaults at the top ---- */

static const u32 gm_st_default_mix[GM_ST_NR_OPS] = { 20, 40, 5, 5, 10, 10, 5, 5 };

static_assert(GM_STORE + GM_ST_CAD == GM_CAD, "a stress op is named by its verb");

/*
 * Every online CPU if threads= is absent; a mix of percentages given in
 * part sums to 100, the default mix if none is given; -EINVAL for a mix
 * that does not, or fewer keys than threads, -EOPNOTSUPP for failslab=1
 * without CONFIG_FAULT_INJECTION.
 */
static int gm_st_args_check(void *args, struct seq_buf *out, const char *who)
{
	struct gm_st_args *a = args;
	unsigned int i, sum = 0;
	bool any = false;

	a->threads = a->threads ?: num_online_cpus();
	for (i = 0; i < GM_ST_NR_OPS; i++)
		any |= a->mix[i] != U32_MAX;
	for (i = 0; i < GM_ST_NR_OPS; i++) {
		if (a->mix[i] == U32_MAX)
			a->mix[i] = any ? 0 : gm_st_default_mix[i];
		sum += a->mix[i];
	}
	if (sum != 100) {
		gosync_report(out, who, "stress: the operation mix sums to %u%%, not 100%%",
			      sum);
		return -EINVAL;
	}
	if (!a->storm && a->keys < a->threads) {
		gosync_report(out, who, "stress: keys=%llu is fewer than threads=%u",
			      a->keys, a->threads);
		return -EINVAL;
	}
	if (!IS_ENABLED(CONFIG_FAULT_INJECTION) && a->failslab) {
		gosync_report(out, who, "stress: failslab=1 needs CONFIG_FAULT_INJECTION");
		return -EOPNOTSUPP;
	}
	return 0;
}

static const struct gm_st_args gm_st_defaults = {
	.duration_ms = 1000,
	.keys = 65536,
	.key_kind = GOSYNC_MAP_KEY_U64,
	.mix = { [0 ... GM_ST_NR_OPS - 1] = U32_MAX },
};

#define GM_ST_ARG(k, m, lo, hi)	GOSYNC_ARG_U32(k, struct gm_st_args, m, lo, hi, false)

static const struct gosync_param gm_st_params[] = {
	GOSYNC_ARG_CPUS("threads", struct gm_st_args, threads),
	GM_ST_ARG("duration_ms", duration_ms, 1, GM_ST_MAX_MS),
	GOSYNC_ARG_U64("keys", struct gm_st_args, keys, 1, GM_ST_MAX_KEYS, false),
	GOSYNC_ARG_ENUM("kind", struct gm_st_args, key_kind, gm_kind_names,
			ARRAY_SIZE(gm_kind_names)),
	GM_ST_ARG("hint", hint, 0, GM_HINT_MAX),
	GM_ST_ARG("checker", checker, 0, 1),
	GM_ST_ARG("resizer", resizer, 0, 1),
	GOSYNC_ARG_U64("storm", struct gm_st_args, storm, 0, GM_ST_MAX_KEYS, false),
	GM_ST_ARG("failslab", failslab, 0, 1),
	GM_ST_ARG("atomic", atomic, 0, 1),
	GM_ST_ARG("store", mix[GM_ST_STORE], 0, 100),
	GM_ST_ARG("load", mix[GM_ST_LOAD], 0, 100),
	GM_ST_ARG("load_or_store", mix[GM_ST_LOAD_OR_STORE], 0, 100),
	GM_ST_ARG("load_and_delete", mix[GM_ST_LOAD_AND_DELETE], 0, 100),
	GM_ST_ARG("delete", mix[GM_ST_DELETE], 0, 100),
	GM_ST_ARG("swap", mix[GM_ST_SWAP], 0, 100),
	GM_ST_ARG("cas", mix[GM_ST_CAS], 0, 100),
	GM_ST_ARG("cad", mix[GM_ST_CAD], 0, 100),
};

/* The arguments of map/stress; the fuzzers run them too. */
const struct gosync_args gosync_map_stress_args =
	GOSYNC_ARGS(gm_st_params, struct gm_st_args, &gm_st_defaults, gm_st_args_check);

static int gm_cmdfile_exec(struct gosync_cmd_file *f, char *line, struct seq_buf *out)
{
	return gm_cmd_exec(line, out, f->who);
}

/* ---- The stress launcher ---- */

#define GM_ST_BATCH		64
#define GM_ST_SEQ_BITS		24
#define GM_ST_SEQ_MASK		((1ULL << GM_ST_SEQ_BITS) - 1)
#define GM_ST_STR_PREFIX	"gosync-stress-"
#define GM_ST_BIN_LEN		16

/*
 * One stress thread: the expected value of each key it owns (0: absent;
 * slot i is key i * nr_threads + id), how many it owns, its xorshift state,
 * its calls that returned -ENOMEM and the values it put into the map.
 */
struct gm_st_thread {
	u64 *shadow;
	u64 owned;
	u64 rng;
	u64 enomem;
	u64 inserted;
};

/*
 * One stress run: its arguments, but a.keys is the storm size in a storm
 * (keys 0 .. a.keys - 1) and a.mix holds cumulative percentages;
 * @min_buckets: those of the new map, the least it shrinks to; @seen: the
 * keys of the current range; @bad_releases: released values that encode
 * no key of the run; the storm writer's completed @cycles and the
 * largest length it saw (@peak).
 */
struct mapst {
	struct gosync_map map;
	struct gm_st_args a;
	unsigned int min_buckets;
	struct gm_st_thread *th;
	unsigned long *seen;
	atomic_long_t releases;
	atomic_long_t bad_releases;
	struct gosync_run run;
	struct gosync_violations v;
	bool storm_done;
	u64 ranges;
	u64 resizes;
	u64 resize_enomem;
	u64 resizer_rng;
	u64 cycles;
	u64 peak;
};

union gm_st_key {
	u64 u;
	char s[40];
	u8 b[GM_ST_BIN_LEN];
};

#define gm_st_fail(s, ...)	gosync_violation(&(s)->v, __VA_ARGS__)

static inline u64 gm_st_value(u64 k, u64 r)
{
	return (k << GM_ST_SEQ_BITS) | (r & GM_ST_SEQ_MASK) | 1;
}

static inline bool gm_st_value_ok(u64 v, u64 k)
{
	return v >> GM_ST_SEQ_BITS == k && (v & 1);
}

static const void *gm_st_key(const struct mapst *s, u64 k, union gm_st_key *kb)
{
	switch (s->a.key_kind) {
	case GOSYNC_MAP_KEY_U64:
		kb->u = k;
		return &kb->u;
	case GOSYNC_MAP_KEY_STRING:
		snprintf(kb->s, sizeof(kb->s), GM_ST_STR_PREFIX "%llu", k);
		return kb->s;
	default:
		put_unaligned_le64(k, kb->b);
		put_unaligned_le64(~k, kb->b + 8);
		return kb->b;
	}
}

/* The key number of a key the map hands back; false if it is none of ours. */
static bool gm_st_key_num(const struct mapst *s, const void *key, u64 *k)
{
	const size_t plen = sizeof(GM_ST_STR_PREFIX) - 1;

	switch (s->a.key_kind) {
	case GOSYNC_MAP_KEY_U64:
		memcpy(k, key, sizeof(*k));
		break;
	case GOSYNC_MAP_KEY_STRING:
		if (strncmp(key, GM_ST_STR_PREFIX, plen) ||
		    kstrtou64((const char *)key + plen, 10, k))
			return false;
		break;
	default:
		*k = get_unaligned_le64(key);
		if (get_unaligned_le64((const u8 *)key + 8) != ~*k)
			return false;
		break;
	}
	return *k < s->a.keys;
}

static void gm_st_release(void *value, void *arg)
{
	struct mapst *s = arg;
	u64 v = gm_num(value);

	atomic_long_inc(&s->releases);
	if (!(v & 1) || v >> GM_ST_SEQ_BITS >= s->a.keys)
		atomic_long_inc(&s->bad_releases);
}

/* atomic=1: the stress threads call the map with bottom halves off. */
static inline void gm_st_enter(const struct mapst *s)
{
	if (s->a.atomic)
		local_bh_disable();
}

static inline void gm_st_leave(const struct mapst *s)
{
	if (s->a.atomic)
		local_bh_enable();
}

static void gm_st_make_it_fail(const struct mapst *s, bool on)
{
#ifdef CONFIG_FAULT_INJECTION
	if (s->a.failslab)
		current->make_it_fail = on;
#endif
}

/* The result of a call that may fail with -ENOMEM: true (counted) if it did. */
static bool gm_st_enomem(struct gm_st_thread *th, int ret)
{
	if (ret != -ENOMEM)
		return false;
	th->enomem++;
	return true;
}

/*
 * One random operation on one of the thread's own keys. Each sets what
 * the call must return (@want) and the key's value if it succeeds
 * (@next); @got, the value it reported, must be the shadowed one.
 */
static void gm_st_one_op(struct mapst *s, struct gm_st_thread *th, unsigned int id)
{
	u64 r = gosync_xorshift64s(&th->rng);
	u64 idx = r % th->owned;
	u64 k = idx * s->a.threads + id;
	u64 cur = th->shadow[idx], got = cur, next = cur;
	u64 nv = gm_st_value(k, gosync_xorshift64s(&th->rng));
	u32 pick = (r >> 40) % 100;
	struct gosync_map *m = &s->map;
	union gm_st_key kb;
	const void *key = gm_st_key(s, k, &kb);
	enum gm_st_op op = 0;
	void *old = NULL;
	int ret = 0, want = 0;
	u64 exp;

	/*
	 * A value stored over itself does not leave the map and is not
	 * released: keep every new value distinct from the current one so
	 * that the values put in and the releases balance.
	 */
	if (nv == cur)
		nv ^= 2;
	while (pick >= s->a.mix[op])
		op++;

	gm_st_enter(s);
	switch (op) {
	case GM_ST_LOAD:
		got = gm_num(gosync_map_load(m, key));
		break;
	case GM_ST_STORE:
		ret = gosync_map_store(m, key, gm_ptr(nv));
		next = nv;
		break;
	case GM_ST_LOAD_OR_STORE:
		ret = gosync_map_load_or_store(m, key, gm_ptr(nv), &old);
		/* A present key is loaded: no allocation, no -ENOMEM. */
		want = cur ? -EEXIST : 0;
		got = cur ? gm_num(old) : 0;
		next = cur ?: nv;
		break;
	case GM_ST_LOAD_AND_DELETE:
		ret = gosync_map_load_and_delete(m, key, &old);
		want = cur ? 0 : -ENOENT;
		got = gm_num(old);
		next = 0;
		break;
	case GM_ST_DELETE:
		ret = gosync_map_delete(m, key);
		want = cur ? 0 : -ENOENT;
		next = 0;
		break;
	case GM_ST_SWAP:
		ret = gosync_map_swap(m, key, gm_ptr(nv), &old);
		got = gm_num(old);
		next = nv;
		break;
	default:
		/* Absent; from its value (swapped, or deleted); from a wrong one. */
		exp = !cur ? nv : r & (1ULL << 20) ? cur : cur ^ 2;
		if (op == GM_ST_CAD)
			ret = gosync_map_compare_and_delete(m, key, gm_ptr(exp));
		else
			ret = gosync_map_compare_and_swap(m, key, gm_ptr(exp),
							  gm_ptr(cur ? nv : nv ^ 2));
		want = !cur ? -ENOENT : exp == cur ? 0 : -EAGAIN;
		next = op == GM_ST_CAD ? 0 : nv;
		break;
	}
	gm_st_leave(s);
	if (want != -EEXIST && gm_st_enomem(th, ret))
		return;
	if (ret != want || got != cur) {
		gm_st_fail(s, "%s of key %llu (value %#llx) returned %d value %#llx, expected %d",
			   gm_verbs[GM_STORE + op].name, k, cur, ret, got, want);
	} else if (!ret && next != cur) {
		th->shadow[idx] = next;
		th->inserted += !!next;
	}
}

/* Storm writer: one cycle (odd keys go with delete, even ones with load_and_delete). */
static void gm_st_storm_cycle(struct mapst *s, struct gm_st_thread *th)
{
	struct gosync_map *m = &s->map;
	union gm_st_key kb;
	unsigned long len;
	unsigned int del;
	void *old;
	u64 k;
	int ret;

	for (del = 0; del < 2; del++) {
		for (k = 0; k < s->a.storm; k++) {
			const void *key = gm_st_key(s, k, &kb);
			void *v = gm_ptr(gm_st_value(k, s->cycles));

			do {
				gm_st_enter(s);
				old = v;
				if (!del)
					ret = gosync_map_store(m, key, v);
				else if (k & 1)
					ret = gosync_map_delete(m, key);
				else
					ret = gosync_map_load_and_delete(m, key, &old);
				gm_st_leave(s);
			} while (gm_st_enomem(th, ret));
			if (ret || old != v) {
				gm_st_fail(s, "storm: %s of key %llu returned %d value %#llx",
					   del ? "delete" : "store", k, ret, gm_num(old));
				return;
			}
			th->inserted += !del;
			if (!(k % GM_ST_BATCH))
				cond_resched();
		}
		len = gosync_map_len(m);
		s->peak = max_t(u64, s->peak, len);
		if (len != (del ? 0 : s->a.storm))
			gm_st_fail(s, "storm: length %lu after %s %llu keys", len,
				   del ? "deleting" : "storing", s->a.storm);
	}
	s->cycles++;
}

static int gm_st_body(struct gosync_run_thread *t)
{
	struct mapst *s = t->run->data;
	struct gm_st_thread *th = &s->th[t->id];
	union gm_st_key kb;
	unsigned int i;
	u64 k, v;

	gm_st_make_it_fail(s, true);
	if (!s->a.storm) {
		do {
			for (i = 0; i < GM_ST_BATCH; i++)
				gm_st_one_op(s, th, t->id);
			t->ops += GM_ST_BATCH;
		} while (gosync_run_continue(t));
	} else if (t->id == 0) {
		do {
			gm_st_storm_cycle(s, th);
			t->ops += 2 * s->a.storm;
		} while (!gosync_violations_count(&s->v) && gosync_run_continue(t));
		/* Pairs with smp_load_acquire() of the readers. */
		smp_store_release(&s->storm_done, true);
	} else {
		/* Readers run as long as the writer. */
		do {
			for (i = 0; i < GM_ST_BATCH; i++) {
				k = gosync_xorshift64s(&th->rng) % s->a.storm;
				gm_st_enter(s);
				v = gm_num(gosync_map_load(&s->map, gm_st_key(s, k, &kb)));
				gm_st_leave(s);
				if (v && !gm_st_value_ok(v, k))
					gm_st_fail(s, "storm: key %llu has value %#llx", k, v);
			}
			t->ops += GM_ST_BATCH;
			cond_resched();
			/* Pairs with smp_store_release() by the writer. */
		} while (!smp_load_acquire(&s->storm_done));
	}
	gm_st_make_it_fail(s, false);
	return 0;
}

/*
 * A key the range @what visited, with value @v: false (a violation) if it
 * is none of the run's, was visited already in this range (@s->seen) or
 * @v does not encode it; its number in *@k.
 */
static bool gm_st_visited(struct mapst *s, const void *key, u64 v, u64 *k, const char *what)
{
	if (!gm_st_key_num(s, key, k)) {
		gm_st_fail(s, "%s visited a key that was never stored", what);
		return false;
	}
	if (__test_and_set_bit(*k, s->seen)) {
		gm_st_fail(s, "%s visited key %llu twice", what, *k);
		return false;
	}
	if (!gm_st_value_ok(v, *k)) {
		gm_st_fail(s, "%s saw value %#llx for key %llu", what, v, *k);
		return false;
	}
	return true;
}

static bool gm_st_check_visit(const void *key, void *value, void *arg)
{
	u64 k;

	return gm_st_visited(arg, key, gm_num(value), &k, "range");
}

static int gm_st_checker(void *arg)
{
	struct mapst *s = arg;

	while (!kthread_should_stop()) {
		bitmap_zero(s->seen, s->a.keys);
		gosync_map_range(&s->map, gm_st_check_visit, s);
		s->ranges++;
		cond_resched();
	}
	return 0;
}

static int gm_st_resizer(void *arg)
{
	struct mapst *s = arg;
	unsigned int buckets;
	unsigned long len;
	u64 r;
	int ret;

	gm_st_make_it_fail(s, true);
	while (!kthread_should_stop()) {
		r = gosync_xorshift64s(&s->resizer_rng);
		len = gosync_map_len(&s->map);
		buckets = roundup_pow_of_two(clamp_t(unsigned long, len / 2, 16, 1UL << 20));
		/* A quarter reseeds; the rest go from 4x smaller to 4x bigger. */
		if (!(r & 3))
			buckets = 0;
		else
			buckets = clamp_t(unsigned long, (buckets << 2) >> ((r >> 2) % 5),
					  GOSYNC_MAP_MIN_BUCKETS, 1UL << 20);
		ret = __gosync_map_resize(&s->map, buckets);
		if (!ret)
			s->resizes++;
		else if (ret == -ENOMEM)
			s->resize_enomem++;
		else if (ret != -EAGAIN)	/* dropped because of a clear */
			gm_st_fail(s, "resize to %u buckets returned %d", buckets, ret);
		usleep_range(1000, 3000);
	}
	gm_st_make_it_fail(s, false);
	return 0;
}

static void gm_st_free(struct mapst *s)
{
	unsigned int i;

	for (i = 0; s->th && i < s->a.threads; i++)
		kvfree(s->th[i].shadow);
	kfree(s->th);
	kvfree(s->seen);
	kfree(s);
}

/* After the run: the map must hold exactly what the shadows say. */
static bool gm_st_final_visit(const void *key, void *value, void *arg)
{
	struct mapst *s = arg;
	u64 v = gm_num(value), k, want;

	if (!gm_st_visited(s, key, v, &k, "final range"))
		return true;
	if (s->a.storm) {
		gm_st_fail(s, "final range: storm left key %llu", k);
		return true;
	}
	want = s->th[k % s->a.threads].shadow[k / s->a.threads];
	if (v != want)
		gm_st_fail(s, "final range: key %llu has %#llx, expected %#llx", k, v, want);
	return true;
}

static int gm_st_setup(struct mapst *s, struct seq_buf *out, const char *who)
{
	struct gosync_map_opts opts = {
		.key_kind = s->a.key_kind,
		.key_len = GM_ST_BIN_LEN,
		.size_hint = s->a.hint,
		.release = gm_st_release,
		.release_arg = s,
		.gfp = s->a.atomic ? GFP_ATOMIC : GFP_KERNEL,
	};
	struct gosync_map_stats st;
	unsigned int i;
	int ret;

	s->a.keys = s->a.storm ?: s->a.keys;
	for (i = 1; i < GM_ST_NR_OPS; i++)
		s->a.mix[i] += s->a.mix[i - 1];
	gosync_violations_init(&s->v, "map: stress");
	s->resizer_rng = get_random_u64() | 1;

	s->th = kcalloc(s->a.threads, sizeof(*s->th), GFP_KERNEL);
	s->seen = kvcalloc(BITS_TO_LONGS(s->a.keys), sizeof(long), GFP_KERNEL);
	if (!s->th || !s->seen)
		return -ENOMEM;
	for (i = 0; i < s->a.threads; i++) {
		struct gm_st_thread *th = &s->th[i];

		th->rng = get_random_u64() | 1;
		if (s->a.storm)
			continue;
		th->owned = div_u64(s->a.keys - i + s->a.threads - 1, s->a.threads);
		th->shadow = kvcalloc(th->owned, sizeof(u64), GFP_KERNEL);
		if (!th->shadow)
			return -ENOMEM;
	}

	ret = gosync_map_init(&s->map, &opts);
	if (ret) {
		gosync_report(out, who, "stress: gosync_map_init() failed (%d)", ret);
		return ret;
	}
	gosync_map_stats(&s->map, &st);
	s->min_buckets = st.buckets;
	return 0;
}

/*
 * Let the resizes the run started finish, so the statistics settle: wait
 * (at most 60 s) until no copy runs and, after a storm, which leaves the
 * map empty, until the map has grown, shrunk, and is back to its minimum
 * size.
 * Returns the time waited, in ms.
 */
static unsigned int gm_st_settle(struct mapst *s, struct gosync_map_stats *st)
{
	unsigned int ms;

	for (ms = 0; ; ms += 20) {
		gosync_map_stats(&s->map, st);
		/*
		 * The counters of a copy are bumped a grace period after its
		 * table is published: after a storm, wait for them too.
		 */
		if (!st->resizing &&
		    (!s->a.storm ||
		     (st->buckets <= s->min_buckets && st->grows && st->shrinks)))
			return ms;
		if (ms >= 60000)
			break;
		msleep(20);
	}
	gm_st_fail(s, "the map did not settle in %u ms: resizing=%d buckets=%u",
		   ms, st->resizing, st->buckets);
	return ms;
}

static int gm_st_exec(struct gosync_cmd_file *f, char *line, struct seq_buf *out)
{
	struct task_struct *checker = NULL, *resizer = NULL;
	u64 ops = 0, enomem = 0, inserted = 0, live = 0;
	struct gosync_map_stats st;
	unsigned long len, visited;
	unsigned int settle_ms;
	long released, bad;
	struct mapst *s;
	unsigned int i;
	u64 j;
	int ret;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	ret = gosync_args_parse(&gosync_map_stress_args, line, &s->a, out, f->who);
	if (!ret)
		ret = gm_st_setup(s, out, f->who);
	if (ret) {
		gm_st_free(s);
		return ret;
	}

	if (s->a.checker)
		checker = kthread_run(gm_st_checker, s, "gosync/map:checker");
	if (s->a.resizer && !IS_ERR(checker))
		resizer = kthread_run(gm_st_resizer, s, "gosync/map:resizer");
	if (IS_ERR(checker) || IS_ERR(resizer)) {
		ret = IS_ERR(checker) ? PTR_ERR(checker) : PTR_ERR(resizer);
	} else {
		s->run.name = "map";
		s->run.body = gm_st_body;
		s->run.nr_threads = s->a.threads;
		s->run.duration_ms = s->a.duration_ms;
		s->run.data = s;
		s->run.v = &s->v;
		ret = gosync_run_threads(&s->run);
	}
	/* They return only once told to stop. */
	if (!IS_ERR_OR_NULL(resizer))
		kthread_stop(resizer);
	if (!IS_ERR_OR_NULL(checker))
		kthread_stop(checker);
	if (ret) {
		gosync_report(out, f->who, "stress: the run failed (%d)", ret);
		gosync_map_destroy(&s->map);
		rcu_barrier();
		goto out;
	}

	for (i = 0; i < s->a.threads; i++) {
		struct gm_st_thread *th = &s->th[i];

		ops += s->run.threads[i].ops;
		enomem += th->enomem;
		inserted += th->inserted;
		for (j = 0; j < th->owned; j++)
			live += !!th->shadow[j];
	}

	len = gosync_map_len(&s->map);
	if (len != live)
		gm_st_fail(s, "length %lu, but the threads hold %llu keys", len, live);
	bitmap_zero(s->seen, s->a.keys);
	visited = gosync_map_range(&s->map, gm_st_final_visit, s);
	if (visited != live)
		gm_st_fail(s, "final range visited %lu keys, the threads hold %llu",
			   visited, live);
	if (s->a.storm && !s->cycles && !gosync_violations_count(&s->v))
		gm_st_fail(s, "storm: no cycle completed");
	settle_ms = gm_st_settle(s, &st);

	gosync_map_destroy(&s->map);
	released = atomic_long_read(&s->releases);
	if (released != inserted) {
		rcu_barrier();
		gm_st_fail(s, "%llu values went in, destroy released %ld (%ld after rcu_barrier)",
			   inserted, released, atomic_long_read(&s->releases));
	}
	bad = atomic_long_read(&s->bad_releases);
	if (bad)
		gm_st_fail(s, "%ld released values encode no key of the run", bad);

	ret = gosync_run_result(&s->run, out,
				"threads=%u ops=%llu enomem=%llu inserted=%llu released=%ld live=%llu len=%lu ranges=%llu resizes=%llu resize_enomem=%llu cycles=%llu peak=%llu grows=%u shrinks=%u reseeds=%u aborts=%u buckets=%u settle_ms=%u",
				s->a.threads, ops, enomem, inserted, released,
				live, len, s->ranges, s->resizes,
				s->resize_enomem, s->cycles, s->peak, st.grows,
				st.shrinks, st.reseeds, st.aborts, st.buckets,
				settle_ms);
out:
	gosync_run_free(&s->run);
	gm_st_free(s);
	return ret;
}

/*
 * The "map" directory's component: the test map behind "cmd" and "stats"
 * (an empty map of u64 keys at load), the command files "cmd" and
 * "stress" and the file "stats". It links after map.c's component (the
 * map library, which has no directory), so map.c's workqueue exists first
 * and outlives every map made here.
 */
static int gm_component_init(struct dentry *dir)
{
	return gm_cmd_init();
}

DEFINE_GOSYNC_COMPONENT(map) = {
	.name = "map",
	.init = gm_component_init,
	.exit = gm_cmd_exit,
	.files = (struct gosync_cmd_file []){
		{ .name = "cmd", .exec = gm_cmdfile_exec },
		{ .name = "stress", .exec = gm_st_exec },
		{ .name = "stats", .show = gm_cmd_stats },
		{}
	},
};
