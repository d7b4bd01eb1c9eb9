// SPDX-License-Identifier: GPL-2.0
/*
 * The command interpreter behind /sys/kernel/debug/gosync_test/pool/cmd and the
 * argument parser of pool/stress: the grammar and the outputs are
 * documented at the top of kmod/test/pool_debugfs.c, which creates the files
 * and runs the stress tests.
 *
 * This file has no debugfs, seq_file, kthread or command-file dependency,
 * so the userspace build (tools/native) compiles it unchanged and fuzzes
 * it with the inputs a write(2) to those files would carry.
 */
#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/mutex.h>
#include <linux/seq_buf.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "cmdfile.h"
#include "internal.h"
#include "parse.h"
#include "pool.h"
#include "pool_cmd.h"
#include "test.h"

#define POOLDBG_DEFAULT_SIZE	64
/* How often check re-reads counters a concurrent shrinker moved. */
#define POOLDBG_CHECK_TRIES	20

/**
 * struct pooldbg - one test pool of pool/cmd
 * @name: its name
 * @buf: a gosync_bufpool (else a plain pool with this file's callbacks)
 * @pool: the plain pool
 * @bp: the buffer pool
 * @size: object size (plain) or new buffer capacity (buf)
 * @align: object alignment (plain)
 * @cpu_cache: per-CPU cache bound as given (plain)
 * @max_objects: total bound (plain)
 * @flags: GOSYNC_POOL_* flags
 * @reset: the pool has a reset callback (plain)
 * @ctor_fail: the constructor fails every ctor_fail-th call (0: never)
 * @drop: the reset refuses every drop-th object (0: never)
 * @held: objects got and not yet put back, oldest first
 * @nr_held: entries of @held
 * @held_bytes: bytes of the objects (buffers: their capacity) in @held
 * @gets: gosync_pool_get() calls
 * @get_nulls: ... that returned NULL
 * @puts: gosync_pool_put() calls
 * @oversize: buffers put back with a capacity above max_cap
 * @ctor_calls: constructor calls
 * @ctor_fails: ... that failed
 * @ctor_dirty: ... that found the new object not zeroed
 * @resets: reset calls
 * @reset_drops: ... that refused the object
 * @dtors: destructor calls
 */
struct pooldbg {
	char name[GOSYNC_POOL_CMD_NAME_MAX + 1];
	bool buf;
	struct gosync_pool *pool;
	struct gosync_bufpool bp;
	unsigned int size;
	unsigned int align;
	unsigned int cpu_cache;
	unsigned long max_objects;
	unsigned int flags;
	bool reset;
	u32 ctor_fail;
	u32 drop;
	void **held;
	unsigned int nr_held;
	size_t held_bytes;
	u64 gets;
	u64 get_nulls;
	u64 puts;
	u64 oversize;
	atomic_long_t ctor_calls;
	atomic_long_t ctor_fails;
	atomic_long_t ctor_dirty;
	atomic_long_t resets;
	atomic_long_t reset_drops;
	atomic_long_t dtors;
};

enum pooldbg_arg {
	POOLDBG_A_NAME,
	POOLDBG_A_KIND,
	POOLDBG_A_SIZE,
	POOLDBG_A_ALIGN,
	POOLDBG_A_CPU_CACHE,
	POOLDBG_A_MAX_OBJECTS,
	POOLDBG_A_IRQSAFE,
	POOLDBG_A_RESET_ON_GET,
	POOLDBG_A_RESET,
	POOLDBG_A_CTOR_FAIL,
	POOLDBG_A_DROP,
	POOLDBG_A_MAX_CAP,
	POOLDBG_A_LATE_PUT,
	POOLDBG_A_N,
	POOLDBG_A_GFP,
	POOLDBG_A_BYTES,
	POOLDBG_A_IDX,
	POOLDBG_A_NR,
	POOLDBG_A_CPU,
	POOLDBG_NR_ARGS,
};

/**
 * struct pooldbg_args - the parsed arguments of one command
 * @name: name=
 * @kind: kind=
 * @gfp: gfp=
 * @size: size=
 * @align: align=
 * @cpu_cache: cpu_cache=
 * @max_objects: max_objects=
 * @irqsafe: irqsafe=
 * @reset_on_get: reset_on_get=
 * @reset: reset=
 * @ctor_fail: ctor_fail=
 * @drop: drop=
 * @max_cap: max_cap=
 * @late_put: late_put=
 * @n: n=
 * @bytes: bytes=
 * @idx: idx=
 * @nr: nr=
 * @cpu: cpu=
 */
struct pooldbg_args {
	char name[GOSYNC_POOL_CMD_NAME_MAX + 1];
	char kind[8];
	char gfp[8];
	u32 size;
	u32 align;
	u32 cpu_cache;
	u64 max_objects;
	u32 irqsafe;
	u32 reset_on_get;
	u32 reset;
	u32 ctor_fail;
	u32 drop;
	u64 max_cap;
	u32 late_put;
	u32 n;
	u64 bytes;
	u32 idx;
	u64 nr;
	u32 cpu;
};

struct pooldbg_verb {
	const char *name;
	u32 takes;		/* BIT(enum pooldbg_arg) it accepts */
	u32 needs;		/* ... and requires */
	bool no_pool;		/* name= is not an existing pool */
	int (*run)(struct pooldbg *t, struct pooldbg_args *a,
		   struct seq_buf *out, const char *who);
};

static_assert(offsetof(struct pooldbg_verb, name) == 0,
	      "gosync_parse_verb() finds a verb by its first member");

/* Serializes commands; guards pooldbg_pools, pooldbg_bytes, pooldbg_scratch. */
static DEFINE_MUTEX(pooldbg_lock);
static struct pooldbg *pooldbg_pools[GOSYNC_POOL_CMD_POOLS];
static size_t pooldbg_bytes;		/* held by all test pools */
static struct pooldbg_args pooldbg_scratch;

/* ------------------------------------------------------------------ */
/* The callbacks of a plain test pool.                                 */

static int pooldbg_ctor(void *obj, void *arg, gfp_t gfp)
{
	struct pooldbg *t = arg;
	long n = atomic_long_inc_return(&t->ctor_calls);
	unsigned int i, len = min(t->size, 64U);
	const u8 *b = obj;

	for (i = 0; i < len; i++) {
		if (b[i]) {
			atomic_long_inc(&t->ctor_dirty);
			break;
		}
	}
	if (t->ctor_fail && !(n % t->ctor_fail)) {
		atomic_long_inc(&t->ctor_fails);
		return -ENOMEM;
	}
	return 0;
}

static bool pooldbg_reset(void *obj, void *arg)
{
	struct pooldbg *t = arg;
	long n = atomic_long_inc_return(&t->resets);

	if (t->drop && !(n % t->drop)) {
		atomic_long_inc(&t->reset_drops);
		return false;
	}
	return true;
}

static void pooldbg_dtor(void *obj, void *arg)
{
	struct pooldbg *t = arg;

	/* Also from the shrinker, concurrently with commands. */
	atomic_long_inc(&t->dtors);
}

/* ------------------------------------------------------------------ */
/* Pools by name.                                                      */

static struct pooldbg *pooldbg_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < GOSYNC_POOL_CMD_POOLS; i++)
		if (pooldbg_pools[i] && !strcmp(pooldbg_pools[i]->name, name))
			return pooldbg_pools[i];
	return NULL;
}

static struct gosync_pool *pooldbg_pool(struct pooldbg *t)
{
	return t->buf ? t->bp.pool : t->pool;
}

static size_t pooldbg_obj_bytes(struct pooldbg *t, void *obj)
{
	return t->buf ? ((struct gosync_buf *)obj)->cap : t->size;
}

/* Put back the newest @n held objects. */
static void pooldbg_put_n(struct pooldbg *t, unsigned int n)
{
	while (n--) {
		void *obj = t->held[--t->nr_held];
		size_t bytes = pooldbg_obj_bytes(t, obj);

		t->held_bytes -= bytes;
		pooldbg_bytes -= bytes;
		t->puts++;
		if (t->buf) {
			if (bytes > t->bp.max_cap)
				t->oversize++;
			gosync_buf_put(&t->bp, obj);
		} else {
			gosync_pool_put(t->pool, obj);
		}
	}
}

static void pooldbg_free(struct pooldbg *t)
{
	kvfree(t->held);
	kfree(t);
}

/*
 * Destroy @t's pool and free @t. Held objects go back first, or with
 * @late_put after the destroy (the put-after-destroy path). Returns the
 * destructor calls minus the objects the pool constructed: 0 if each
 * object it made was destructed once (plain pools only).
 */
static long pooldbg_destroy_pool(struct pooldbg *t, bool late_put,
				 struct gosync_pool_stats *st)
{
	long diff = 0;

	if (!late_put)
		pooldbg_put_n(t, t->nr_held);
	gosync_pool_stats(pooldbg_pool(t), st);
	if (t->buf) {
		gosync_bufpool_destroy(&t->bp);
	} else {
		gosync_pool_destroy(t->pool);
		pooldbg_put_n(t, t->nr_held);
		diff = atomic_long_read(&t->dtors) - (long)st->constructed;
	}
	pooldbg_free(t);
	return diff;
}

/* ------------------------------------------------------------------ */
/* The verbs.                                                          */

static int pooldbg_create(struct pooldbg *unused, struct pooldbg_args *a,
			  struct seq_buf *out, const char *who)
{
	struct gosync_pool_opts opts = {};
	struct pooldbg *t;
	char pname[GOSYNC_POOL_CMD_NAME_MAX + 8];
	unsigned int i, slot = GOSYNC_POOL_CMD_POOLS;
	bool buf;
	int ret;

	if (!gosync_parse_name_ok(a->name)) {
		gosync_report(out, who, "create: name '%s' is not [A-Za-z0-9_-]+",
			      a->name);
		return -EINVAL;
	}
	if (!a->kind[0] || !strcmp(a->kind, "obj")) {
		buf = false;
	} else if (!strcmp(a->kind, "buf")) {
		buf = true;
	} else {
		gosync_report(out, who, "create: unknown kind '%s' (obj or buf)",
			      a->kind);
		return -EINVAL;
	}
	if (buf && (a->align || a->cpu_cache || a->max_objects || a->reset ||
		    a->reset_on_get || a->ctor_fail || a->drop)) {
		gosync_report(out, who, "create: kind=buf takes only size, max_cap and irqsafe");
		return -EINVAL;
	}
	if (!buf && a->max_cap != U64_MAX) {
		gosync_report(out, who, "create: max_cap is for kind=buf");
		return -EINVAL;
	}
	if (pooldbg_find(a->name)) {
		gosync_report(out, who, "create: pool '%s' exists", a->name);
		return -EEXIST;
	}
	for (i = 0; i < GOSYNC_POOL_CMD_POOLS; i++) {
		if (!pooldbg_pools[i]) {
			slot = i;
			break;
		}
	}
	if (slot == GOSYNC_POOL_CMD_POOLS) {
		gosync_report(out, who, "create: %d test pools exist already",
			      GOSYNC_POOL_CMD_POOLS);
		return -ENOSPC;
	}

	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		goto nomem;
	t->held = kvcalloc(GOSYNC_POOL_CMD_HELD_MAX, sizeof(*t->held),
			   GFP_KERNEL);
	if (!t->held)
		goto nomem;
	strscpy(t->name, a->name, sizeof(t->name));
	snprintf(pname, sizeof(pname), "dbg-%s", t->name);
	t->buf = buf;
	t->size = a->size;
	t->align = a->align;
	t->cpu_cache = a->cpu_cache;
	t->max_objects = a->max_objects;
	t->flags = (a->irqsafe ? GOSYNC_POOL_IRQSAFE : 0) |
		   (a->reset_on_get ? GOSYNC_POOL_RESET_ON_GET : 0);
	t->reset = a->reset || a->drop;
	t->ctor_fail = a->ctor_fail;
	t->drop = a->drop;
	atomic_long_set(&t->ctor_calls, 0);
	atomic_long_set(&t->ctor_fails, 0);
	atomic_long_set(&t->ctor_dirty, 0);
	atomic_long_set(&t->resets, 0);
	atomic_long_set(&t->reset_drops, 0);
	atomic_long_set(&t->dtors, 0);

	if (buf) {
		if (a->max_cap == U64_MAX)
			a->max_cap = 4ULL * a->size;
		ret = gosync_bufpool_init(&t->bp, pname, a->size, a->max_cap,
					  t->flags);
		if (ret) {
			gosync_report(out, who, "create: gosync_bufpool_init() failed (%d)",
				      ret);
			pooldbg_free(t);
			return ret;
		}
	} else {
		opts.name = pname;
		opts.size = t->size;
		opts.align = t->align;
		opts.flags = t->flags;
		opts.cpu_cache = t->cpu_cache;
		opts.max_objects = t->max_objects;
		opts.ctor = pooldbg_ctor;
		opts.reset = t->reset ? pooldbg_reset : NULL;
		opts.dtor = pooldbg_dtor;
		opts.arg = t;
		t->pool = gosync_pool_create(&opts);
		if (IS_ERR(t->pool)) {
			ret = PTR_ERR(t->pool);
			gosync_report(out, who, "create: gosync_pool_create() failed (%d)",
				      ret);
			pooldbg_free(t);
			return ret;
		}
	}
	pooldbg_pools[slot] = t;
	seq_buf_printf(out, "created name=%s kind=%s size=%u", t->name,
		       buf ? "buf" : "obj", t->size);
	if (buf) {
		seq_buf_printf(out, " max_cap=%zu irqsafe=%u\n", t->bp.max_cap,
			       a->irqsafe);
		return 0;
	}
	seq_buf_printf(out, " align=%u cpu_cache=%u max_objects=%lu irqsafe=%u",
		       t->align, t->cpu_cache, t->max_objects, a->irqsafe);
	seq_buf_printf(out, " reset_on_get=%u reset=%u ctor_fail=%u drop=%u\n",
		       a->reset_on_get, t->reset, t->ctor_fail, t->drop);
	return 0;

nomem:
	if (t)
		pooldbg_free(t);
	gosync_report(out, who, "create: out of memory");
	return -ENOMEM;
}

static int pooldbg_destroy(struct pooldbg *t, struct pooldbg_args *a,
			   struct seq_buf *out, const char *who)
{
	struct gosync_pool_stats st;
	unsigned int i, held = t->nr_held;
	long diff;

	if (a->late_put && t->buf) {
		gosync_report(out, who, "destroy: late_put is for kind=obj");
		return -EINVAL;
	}
	for (i = 0; i < GOSYNC_POOL_CMD_POOLS; i++)
		if (pooldbg_pools[i] == t)
			pooldbg_pools[i] = NULL;
	diff = pooldbg_destroy_pool(t, a->late_put, &st);
	if (diff) {
		gosync_report(out, who, "destroy: %llu constructed, destructor calls off by %+ld",
			      st.constructed, diff);
		return -EIO;
	}
	seq_buf_printf(out, "destroyed name=%s held=%u constructed=%llu\n",
		       a->name, held, st.constructed);
	return 0;
}

/* Why did a get return NULL? */
static int pooldbg_get_failed(struct pooldbg *t, long fails0,
			      unsigned int got, struct seq_buf *out,
			      const char *who)
{
	struct gosync_pool_stats st;

	if (!t->buf && atomic_long_read(&t->ctor_fails) != fails0) {
		gosync_report(out, who, "get: the constructor failed after %u objects",
			      got);
		return -ENOMEM;
	}
	gosync_pool_stats(pooldbg_pool(t), &st);
	if (t->max_objects && st.objects >= (long)t->max_objects) {
		gosync_report(out, who, "get: max_objects=%lu reached after %u objects",
			      t->max_objects, got);
		return -ENOSPC;
	}
	gosync_report(out, who, "get: allocation failed after %u objects", got);
	return -ENOMEM;
}

/*
 * gfp=atomic gets run in the most atomic context pool.h allows: that of
 * gosync_test_atomic_enter() (interrupts off; softirqs off on PREEMPT_RT)
 * for an IRQ-safe pool, preemption off for another one without RT.
 */
static bool pooldbg_preempt_only(const struct pooldbg *t)
{
	return !IS_ENABLED(CONFIG_PREEMPT_RT) && !(t->flags & GOSYNC_POOL_IRQSAFE);
}

static unsigned long pooldbg_atomic_enter(const struct pooldbg *t)
{
	if (!pooldbg_preempt_only(t))
		return gosync_test_atomic_enter();
	preempt_disable();
	return 0;
}

static void pooldbg_atomic_exit(const struct pooldbg *t, unsigned long flags)
{
	if (!pooldbg_preempt_only(t))
		gosync_test_atomic_exit(flags);
	else
		preempt_enable();
}

static int pooldbg_get(struct pooldbg *t, struct pooldbg_args *a,
		       struct seq_buf *out, const char *who)
{
	struct gosync_pool *pool = pooldbg_pool(t);
	gfp_t gfp = GFP_KERNEL;
	unsigned long flags = 0;
	unsigned int i;
	bool atomic;
	void *obj;

	if (!strcmp(a->gfp, "atomic")) {
		gfp = GFP_ATOMIC;
	} else if (a->gfp[0] && strcmp(a->gfp, "kernel")) {
		gosync_report(out, who, "get: unknown gfp '%s' (kernel or atomic)",
			      a->gfp);
		return -EINVAL;
	}
	atomic = gfp == GFP_ATOMIC;
	if (t->nr_held + a->n > GOSYNC_POOL_CMD_HELD_MAX) {
		gosync_report(out, who, "get: %u held, at most %d", t->nr_held,
			      GOSYNC_POOL_CMD_HELD_MAX);
		return -ERANGE;
	}
	if ((u64)a->n * t->size > GOSYNC_POOL_CMD_BYTES_MAX - pooldbg_bytes) {
		gosync_report(out, who, "get: the test pools would hold over %lu bytes",
			      GOSYNC_POOL_CMD_BYTES_MAX);
		return -ERANGE;
	}
	for (i = 0; i < a->n; i++) {
		long fails0 = atomic_long_read(&t->ctor_fails);
		size_t bytes;

		if (atomic)
			flags = pooldbg_atomic_enter(t);
		obj = t->buf ? (void *)gosync_buf_get(&t->bp, gfp) :
			       gosync_pool_get(pool, gfp);
		if (atomic)
			pooldbg_atomic_exit(t, flags);
		t->gets++;
		if (!obj) {
			t->get_nulls++;
			return pooldbg_get_failed(t, fails0, i, out, who);
		}
		bytes = pooldbg_obj_bytes(t, obj);
		t->held[t->nr_held++] = obj;
		t->held_bytes += bytes;
		pooldbg_bytes += bytes;
	}
	seq_buf_printf(out, "got=%u held=%u\n", a->n, t->nr_held);
	return 0;
}

static int pooldbg_put(struct pooldbg *t, struct pooldbg_args *a,
		       struct seq_buf *out, const char *who)
{
	if (a->n > t->nr_held) {
		gosync_report(out, who, "put: n=%u but %u held", a->n, t->nr_held);
		return -ERANGE;
	}
	pooldbg_put_n(t, a->n);
	seq_buf_printf(out, "put=%u held=%u\n", a->n, t->nr_held);
	return 0;
}

static int pooldbg_grow(struct pooldbg *t, struct pooldbg_args *a,
			struct seq_buf *out, const char *who)
{
	struct gosync_buf *b;
	size_t old;
	u64 grown;
	int ret;

	if (!t->buf) {
		gosync_report(out, who, "grow: pool '%s' is not kind=buf", t->name);
		return -EINVAL;
	}
	if (!t->nr_held) {
		gosync_report(out, who, "grow: pool '%s' holds no buffer", t->name);
		return -ENOENT;
	}
	if (a->idx == U32_MAX)
		a->idx = t->nr_held - 1;
	if (a->idx >= t->nr_held) {
		gosync_report(out, who, "grow: idx=%u but %u held", a->idx, t->nr_held);
		return -ERANGE;
	}
	b = t->held[a->idx];
	old = b->cap;
	/* At worst gosync_buf_reserve() doubles the buffer or more. */
	grown = max_t(u64, b->len + a->bytes, 2ULL * old);
	if (b->len + a->bytes > old &&
	    grown - old > GOSYNC_POOL_CMD_BYTES_MAX - pooldbg_bytes) {
		gosync_report(out, who, "grow: the test pools would hold over %lu bytes",
			      GOSYNC_POOL_CMD_BYTES_MAX);
		return -ERANGE;
	}
	ret = gosync_buf_reserve(b, a->bytes, GFP_KERNEL);
	if (ret) {
		gosync_report(out, who, "grow: gosync_buf_reserve() failed (%d)", ret);
		return ret;
	}
	t->held_bytes += b->cap - old;
	pooldbg_bytes += b->cap - old;
	seq_buf_printf(out, "cap=%zu\n", b->cap);
	return 0;
}

static int pooldbg_shrink(struct pooldbg *t, struct pooldbg_args *a,
			  struct seq_buf *out, const char *who)
{
	unsigned long freed = gosync_pool_shrink(pooldbg_pool(t), a->nr);

	seq_buf_printf(out, "freed=%lu\n", freed);
	return 0;
}

static int pooldbg_age(struct pooldbg *t, struct pooldbg_args *a,
		       struct seq_buf *out, const char *who)
{
	__gosync_pool_age(pooldbg_pool(t));
	seq_buf_printf(out, "aged\n");
	return 0;
}

static void pooldbg_print_stats(struct seq_buf *out,
				const struct gosync_pool_stats *st,
				const char *sep, const char *end)
{
	seq_buf_printf(out, "hits%s%llu%smisses%s%llu%srefills%s%llu%s",
		       sep, st->hits, end, sep, st->misses, end, sep,
		       st->refills, end);
	seq_buf_printf(out, "steals%s%llu%sconstructed%s%llu%sctor_failed%s%llu%s",
		       sep, st->steals, end, sep, st->constructed, end, sep,
		       st->ctor_failed, end);
	seq_buf_printf(out, "spills%s%llu%sputs%s%llu%sdropped%s%llu%s",
		       sep, st->spills, end, sep, st->puts, end, sep,
		       st->dropped, end);
	seq_buf_printf(out, "shrunk%s%llu%sobjects%s%ld%scached%s%ld%sdepot%s%ld",
		       sep, st->shrunk, end, sep, st->objects, end, sep,
		       st->cached, end, sep, st->depot);
}

static int pooldbg_stats(struct pooldbg *t, struct pooldbg_args *a,
			 struct seq_buf *out, const char *who)
{
	struct gosync_pool_stats st;

	gosync_pool_stats(pooldbg_pool(t), &st);
	pooldbg_print_stats(out, &st, " ", "\n");
	seq_buf_printf(out, "\nheld %u\nheld_bytes %zu\ngets %llu\nget_nulls %llu\n",
		       t->nr_held, t->held_bytes, t->gets, t->get_nulls);
	seq_buf_printf(out, "puts_called %llu\noversize %llu\n", t->puts,
		       t->oversize);
	seq_buf_printf(out, "ctor_calls %ld\nctor_fails %ld\nctor_dirty %ld\n",
		       atomic_long_read(&t->ctor_calls),
		       atomic_long_read(&t->ctor_fails),
		       atomic_long_read(&t->ctor_dirty));
	seq_buf_printf(out, "resets %ld\nreset_drops %ld\ndtors %ld\n",
		       atomic_long_read(&t->resets),
		       atomic_long_read(&t->reset_drops),
		       atomic_long_read(&t->dtors));
	return 0;
}

static int pooldbg_cpustats(struct pooldbg *t, struct pooldbg_args *a,
			    struct seq_buf *out, const char *who)
{
	struct gosync_pool_stats st;
	unsigned int cpu;
	int ret;

	if (a->cpu != U32_MAX) {
		ret = __gosync_pool_cpu_stats(pooldbg_pool(t), a->cpu, &st);
		if (ret) {
			gosync_report(out, who, "cpustats: CPU %u is not possible (%d)",
				      a->cpu, ret);
			return ret;
		}
		seq_buf_printf(out, "cpu %u\n", a->cpu);
		pooldbg_print_stats(out, &st, " ", "\n");
		seq_buf_printf(out, "\n");
		return 0;
	}
	for_each_online_cpu(cpu) {
		/* Keep room for the line: a long row of CPUs is cut short. */
		if (seq_buf_used(out) + 400 > out->size) {
			seq_buf_printf(out, "...\n");
			break;
		}
		if (__gosync_pool_cpu_stats(pooldbg_pool(t), cpu, &st))
			continue;
		seq_buf_printf(out, "cpu=%u ", cpu);
		pooldbg_print_stats(out, &st, "=", " ");
		seq_buf_printf(out, "\n");
	}
	return 0;
}

/* Record @a and @b for the report; whether they differ. */
static bool pooldbg_ne(long a, long b, long *x, long *y)
{
	*x = a;
	*y = b;
	return a != b;
}

/*
 * The invariants of a quiet pool: only this file gets and puts its
 * objects, but the kernel's shrinker may free some while they are read.
 * Returns NULL if they hold, else what does not.
 */
static const char *pooldbg_check_once(struct pooldbg *t, long *x, long *y)
{
	struct gosync_pool *pool = pooldbg_pool(t);
	struct gosync_pool_stats st, cs, sum = {};
	long dtors0 = atomic_long_read(&t->dtors);
	long get_drops = 0, out_sum = 0;
	unsigned int cpu;

	gosync_pool_stats(pool, &st);
	for_each_possible_cpu(cpu) {
		if (__gosync_pool_cpu_stats(pool, cpu, &cs))
			continue;
		sum.hits += cs.hits;
		sum.misses += cs.misses;
		sum.puts += cs.puts;
		sum.constructed += cs.constructed;
		sum.cached += cs.cached;
		sum.depot += cs.depot;
		out_sum += cs.objects;
	}
	if (atomic_long_read(&t->dtors) != dtors0) {
		*x = dtors0;
		*y = atomic_long_read(&t->dtors);
		return "the shrinker ran meanwhile";
	}
	if (!t->buf && (t->flags & GOSYNC_POOL_RESET_ON_GET))
		get_drops = atomic_long_read(&t->reset_drops);

	if (pooldbg_ne(st.objects, st.constructed - st.dropped - st.shrunk, x, y))
		return "objects != constructed - dropped - shrunk";
	if (pooldbg_ne(st.objects - st.cached, t->nr_held, x, y))
		return "objects - cached != objects held";
	if (pooldbg_ne(st.hits + st.misses, t->gets + get_drops, x, y))
		return "hits + misses != gets";
	if (pooldbg_ne(st.puts, t->puts, x, y))
		return "puts != puts made";
	if (pooldbg_ne(st.ctor_failed, t->get_nulls, x, y))
		return "ctor_failed != gets that returned NULL";
	if (pooldbg_ne(sum.hits, st.hits, x, y))
		return "per-CPU hits do not sum up";
	if (pooldbg_ne(sum.misses, st.misses, x, y))
		return "per-CPU misses do not sum up";
	if (pooldbg_ne(sum.puts, st.puts, x, y))
		return "per-CPU puts do not sum up";
	if (pooldbg_ne(sum.constructed, st.constructed, x, y))
		return "per-CPU constructed does not sum up";
	if (pooldbg_ne(sum.cached, st.cached, x, y))
		return "per-CPU cached does not sum up";
	if (pooldbg_ne(sum.depot, st.depot, x, y))
		return "per-CPU depot does not sum up";
	if (pooldbg_ne(out_sum, t->nr_held, x, y))
		return "per-CPU objects out do not sum up to those held";
	if (st.depot < 0 || st.depot > st.cached) {
		*x = st.depot;
		*y = st.cached;
		return "depot outside [0, cached]";
	}
	if (t->buf) {
		if (st.dropped < t->oversize) {
			*x = st.dropped;
			*y = t->oversize;
			return "dropped < oversize buffers put";
		}
		return NULL;
	}
	if (pooldbg_ne(st.constructed, atomic_long_read(&t->ctor_calls) -
		       atomic_long_read(&t->ctor_fails), x, y))
		return "constructed != successful constructor calls";
	if (pooldbg_ne(atomic_long_read(&t->dtors), st.dropped + st.shrunk, x, y))
		return "destructor calls != dropped + shrunk";
	if (pooldbg_ne(atomic_long_read(&t->ctor_dirty), 0, x, y))
		return "the constructor got memory that was not zeroed";
	if ((u64)atomic_long_read(&t->reset_drops) > st.dropped) {
		*x = atomic_long_read(&t->reset_drops);
		*y = st.dropped;
		return "reset refusals > dropped";
	}
	return NULL;
}

static int pooldbg_check(struct pooldbg *t, struct pooldbg_args *a,
			 struct seq_buf *out, const char *who)
{
	const char *why = NULL;
	unsigned int i;
	long x = 0, y = 0;

	for (i = 0; i < POOLDBG_CHECK_TRIES; i++) {
		why = pooldbg_check_once(t, &x, &y);
		if (!why)
			break;
		cond_resched();
	}
	if (why) {
		gosync_report(out, who, "check: %s (%ld, %ld)", why, x, y);
		return -EIO;
	}
	seq_buf_printf(out, "ok\n");
	return 0;
}

static int pooldbg_list(struct pooldbg *unused, struct pooldbg_args *a,
			struct seq_buf *out, const char *who)
{
	unsigned int i, n = 0;

	for (i = 0; i < GOSYNC_POOL_CMD_POOLS; i++)
		n += !!pooldbg_pools[i];
	seq_buf_printf(out, "pools=%u bytes=%zu\n", n, pooldbg_bytes);
	for (i = 0; i < GOSYNC_POOL_CMD_POOLS; i++) {
		struct pooldbg *t = pooldbg_pools[i];

		if (t)
			seq_buf_printf(out, "name=%s kind=%s size=%u held=%u\n",
				       t->name, t->buf ? "buf" : "obj", t->size,
				       t->nr_held);
	}
	return 0;
}

enum pooldbg_verb_id {
	POOLDBG_CREATE,
	POOLDBG_DESTROY,
	POOLDBG_GET,
	POOLDBG_PUT,
	POOLDBG_GROW,
	POOLDBG_SHRINK,
	POOLDBG_AGE,
	POOLDBG_STATS,
	POOLDBG_CPUSTATS,
	POOLDBG_CHECK,
	POOLDBG_LIST,
	POOLDBG_NR_VERBS,
};

#define A(x)	BIT(POOLDBG_A_##x)

static const struct pooldbg_verb pooldbg_verbs[POOLDBG_NR_VERBS] = {
	[POOLDBG_CREATE] = { "create", A(NAME) | A(KIND) | A(SIZE) | A(ALIGN) |
			     A(CPU_CACHE) | A(MAX_OBJECTS) | A(IRQSAFE) |
			     A(RESET_ON_GET) | A(RESET) | A(CTOR_FAIL) |
			     A(DROP) | A(MAX_CAP), A(NAME), true, pooldbg_create },
	[POOLDBG_DESTROY] = { "destroy", A(NAME) | A(LATE_PUT), A(NAME), false,
			      pooldbg_destroy },
	[POOLDBG_GET] = { "get", A(NAME) | A(N) | A(GFP), A(NAME), false,
			  pooldbg_get },
	[POOLDBG_PUT] = { "put", A(NAME) | A(N), A(NAME), false, pooldbg_put },
	[POOLDBG_GROW] = { "grow", A(NAME) | A(BYTES) | A(IDX), A(NAME) | A(BYTES),
			   false, pooldbg_grow },
	[POOLDBG_SHRINK] = { "shrink", A(NAME) | A(NR), A(NAME), false,
			     pooldbg_shrink },
	[POOLDBG_AGE] = { "age", A(NAME), A(NAME), false, pooldbg_age },
	[POOLDBG_STATS] = { "stats", A(NAME), A(NAME), false, pooldbg_stats },
	[POOLDBG_CPUSTATS] = { "cpustats", A(NAME) | A(CPU), A(NAME), false,
			       pooldbg_cpustats },
	[POOLDBG_CHECK] = { "check", A(NAME), A(NAME), false, pooldbg_check },
	[POOLDBG_LIST] = { "list", 0, 0, true, pooldbg_list },
};

#undef A

/* The parameters @v accepts, with their destinations in @a; returns how many. */
static unsigned int pooldbg_params(const struct pooldbg_verb *v,
				   struct pooldbg_args *a,
				   struct gosync_param *p)
{
	const struct gosync_param all[POOLDBG_NR_ARGS] = {
		[POOLDBG_A_NAME] = GOSYNC_PARAM_STR("name", a->name, false),
		[POOLDBG_A_KIND] = GOSYNC_PARAM_STR("kind", a->kind, false),
		[POOLDBG_A_SIZE] = GOSYNC_PARAM_U32("size", &a->size, 0, U32_MAX, false),
		[POOLDBG_A_ALIGN] = GOSYNC_PARAM_U32("align", &a->align, 0, U32_MAX,
						     false),
		[POOLDBG_A_CPU_CACHE] = GOSYNC_PARAM_U32("cpu_cache", &a->cpu_cache, 0,
							 U32_MAX, false),
		[POOLDBG_A_MAX_OBJECTS] = GOSYNC_PARAM_U64("max_objects",
							   &a->max_objects, 0,
							   ULONG_MAX, false),
		[POOLDBG_A_IRQSAFE] = GOSYNC_PARAM_U32("irqsafe", &a->irqsafe, 0, 1,
						       false),
		[POOLDBG_A_RESET_ON_GET] = GOSYNC_PARAM_U32("reset_on_get",
							    &a->reset_on_get, 0, 1,
							    false),
		[POOLDBG_A_RESET] = GOSYNC_PARAM_U32("reset", &a->reset, 0, 1, false),
		[POOLDBG_A_CTOR_FAIL] = GOSYNC_PARAM_U32("ctor_fail", &a->ctor_fail, 0,
							 U32_MAX, false),
		[POOLDBG_A_DROP] = GOSYNC_PARAM_U32("drop", &a->drop, 0, U32_MAX,
						    false),
		[POOLDBG_A_MAX_CAP] = GOSYNC_PARAM_U64("max_cap", &a->max_cap, 0,
						       GOSYNC_POOL_CMD_BYTES_MAX,
						       false),
		[POOLDBG_A_LATE_PUT] = GOSYNC_PARAM_U32("late_put", &a->late_put, 0, 1,
							false),
		[POOLDBG_A_N] = GOSYNC_PARAM_U32("n", &a->n, 1,
						 GOSYNC_POOL_CMD_HELD_MAX, false),
		[POOLDBG_A_GFP] = GOSYNC_PARAM_STR("gfp", a->gfp, false),
		[POOLDBG_A_BYTES] = GOSYNC_PARAM_U64("bytes", &a->bytes, 1,
						     GOSYNC_POOL_CMD_BYTES_MAX, false),
		[POOLDBG_A_IDX] = GOSYNC_PARAM_U32("idx", &a->idx, 0,
						   GOSYNC_POOL_CMD_HELD_MAX - 1, false),
		[POOLDBG_A_NR] = GOSYNC_PARAM_U64("nr", &a->nr, 0, ULONG_MAX, false),
		[POOLDBG_A_CPU] = GOSYNC_PARAM_U32("cpu", &a->cpu, 0, nr_cpu_ids - 1,
						   false),
	};

	return gosync_param_select(p, all, POOLDBG_NR_ARGS, v->takes, v->needs);
}

/**
 * __gosync_pool_cmd_exec() - parse and run one command of pool/cmd
 * @line: the command line, checked by gosync_parse_line(); modified
 * @out: receives the command's output, or "error: <why>"
 * @who: prefix of messages about rejected commands
 *
 * The exec() of the command file pool/cmd; the grammar is at the top of
 * kmod/test/pool_debugfs.c.
 *
 * Context: process context, may sleep; serialized with the other commands.
 * Return: 0, or a negative errno (rejected command or failed pool call).
 */
int __gosync_pool_cmd_exec(char *line, struct seq_buf *out, const char *who)
{
	struct gosync_param params[POOLDBG_NR_ARGS];
	struct pooldbg_args *a = &pooldbg_scratch;
	const struct pooldbg_verb *v;
	struct pooldbg *t = NULL;
	unsigned int n;
	int ret;

	v = gosync_parse_verb(&line, pooldbg_verbs, ARRAY_SIZE(pooldbg_verbs),
			      sizeof(pooldbg_verbs[0]), out, who);
	if (!v)
		return -EINVAL;

	mutex_lock(&pooldbg_lock);
	memset(a, 0, sizeof(*a));
	a->size = POOLDBG_DEFAULT_SIZE;
	a->max_cap = U64_MAX;
	a->n = 1;
	a->idx = U32_MAX;
	a->nr = ULONG_MAX;
	a->cpu = U32_MAX;
	n = pooldbg_params(v, a, params);
	ret = gosync_parse_params(line, params, n, out, who);
	if (ret)
		goto out;
	if (!v->no_pool) {
		t = pooldbg_find(a->name);
		if (!t) {
			gosync_report(out, who, "no pool named '%s'", a->name);
			ret = -ENOENT;
			goto out;
		}
	}
	ret = v->run(t, a, out, who);
out:
	mutex_unlock(&pooldbg_lock);
	return ret;
}

/**
 * __gosync_pool_cmd_init() - set up pool/cmd: no test pool exists
 *
 * Context: process context.
 * Return: 0.
 */
int __gosync_pool_cmd_init(void)
{
	return 0;
}

/**
 * __gosync_pool_cmd_exit() - destroy every test pool of pool/cmd
 *
 * Held objects go back to their pools first, so nothing leaks.
 *
 * Context: process context, may sleep; once no command runs.
 */
void __gosync_pool_cmd_exit(void)
{
	struct gosync_pool_stats st;
	unsigned int i;

	mutex_lock(&pooldbg_lock);
	for (i = 0; i < GOSYNC_POOL_CMD_POOLS; i++) {
		if (pooldbg_pools[i])
			pooldbg_destroy_pool(pooldbg_pools[i], false, &st);
		pooldbg_pools[i] = NULL;
	}
	pooldbg_bytes = 0;
	mutex_unlock(&pooldbg_lock);
}

/* ------------------------------------------------------------------ */
/* The arguments of pool/stress.                                       */

const char *const poolst_mode_names[POOLST_NR_MODES] = {
	"pair", "batch", "xcpu", "irq",
};

/* The rules between keys, and irq mode's irqsafe pool. */
static int poolst_args_check(void *args, struct seq_buf *out, const char *who)
{
	struct poolst_args *a = args;
	unsigned int cache;
	u64 objs;

	a->threads = a->threads ?: num_online_cpus();
	if (a->mode == POOLST_XCPU && a->threads < 2) {
		gosync_report(out, who, "stress: mode=xcpu needs 2 threads or more");
		return -EINVAL;
	}
	if (a->mode == POOLST_IRQ)
		a->irqsafe = 1;
	/* Cached everywhere, plus out: each thread's batch and ring. */
	cache = a->cpu_cache ? a->cpu_cache : GOSYNC_POOL_CPU_CACHE_DEFAULT;
	objs = (u64)num_online_cpus() * cache +
	       (u64)a->threads * (POOLST_BATCH_OBJS + POOLST_RING);
	if (objs * a->size > POOLST_MAX_BYTES) {
		gosync_report(out, who, "stress: size=%u could take %llu MiB, over %llu",
			      a->size, objs * a->size >> 20, POOLST_MAX_BYTES >> 20);
		return -ERANGE;
	}
#ifndef CONFIG_FAILSLAB
	if (a->failslab) {
		gosync_report(out, who,
			      "stress: failslab=1 needs CONFIG_FAULT_INJECTION and CONFIG_FAILSLAB");
		return -EOPNOTSUPP;
	}
#endif
	return 0;
}

/*
 * Defaults: every online CPU (threads is 0 until poolst_args_check()),
 * 1000 ms, mode pair, 64-byte objects, the pool's default per-CPU cache,
 * no total bound, poisoning on, an hrtimer every 200 us in irq mode.
 */
static const struct poolst_args poolst_defaults = {
	.duration_ms = 1000,
	.mode = POOLST_PAIR,
	.size = 64,
	.poison = 1,
	.timer_us = 200,
};

#define POOLST_U32(k, lo, hi)	GOSYNC_ARG_U32(#k, struct poolst_args, k, lo, hi, false)

static const struct gosync_param poolst_params[] = {
	GOSYNC_ARG_CPUS("threads", struct poolst_args, threads),
	POOLST_U32(duration_ms, 1, POOLST_MAX_MS),
	GOSYNC_ARG_ENUM("mode", struct poolst_args, mode, poolst_mode_names,
			POOLST_NR_MODES),
	POOLST_U32(size, POOLST_MIN_SIZE, GOSYNC_POOL_SIZE_MAX),
	POOLST_U32(cpu_cache, 2, GOSYNC_POOL_CPU_CACHE_MAX),
	GOSYNC_ARG_U64("max_objects", struct poolst_args, max_objects, 0,
		       ULONG_MAX, false),
	POOLST_U32(poison, 0, 1),
	POOLST_U32(irqsafe, 0, 1),
	POOLST_U32(timer_us, 10, 100000),
	POOLST_U32(failslab, 0, 1),
};

/*
 * The arguments of pool/stress (grammar at the top of
 * kmod/test/pool_debugfs.c); the fuzzers run them too.
 */
const struct gosync_args gosync_pool_stress_args = {
	.params = poolst_params,
	.nr = ARRAY_SIZE(poolst_params),
	.size = sizeof(struct poolst_args),
	.defaults = &poolst_defaults,
	.check = poolst_args_check,
};
