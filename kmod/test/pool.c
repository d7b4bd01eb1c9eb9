// SPDX-License-Identifier: GPL-2.0
/*
 * gosync_pool in gosync_test.ko: named test pools driven by a command
 * file, and a stress run, in /sys/kernel/debug/gosync_test/pool/. Both
 * build in userspace too (tools/native), so the fuzzers run them.
 *
 * Its command files, their grammar and what each run checks are
 * documented for their users in kmod/test/README.md, "pool".
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/hrtimer.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/limits.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/seq_buf.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "cmdfile.h"
#include "internal.h"
#include "parse.h"
#include "pool.h"
#include "runner.h"
#include "test.h"

#define GP_POOLS		8	/* test pools at once */
#define GP_HELD_MAX	16384	/* objects held per test pool */
#define GP_NAME_MAX	15
#define GP_BYTES_MAX	(256UL << 20)	/* held by all test pools */
#define GP_CHECK_TRIES	50	/* re-reads while a shrinker runs */

#define GP_ST_BATCH		16	/* objects a batch or a cycle holds */
#define GP_ST_MAX_MS		600000
#define GP_ST_RING		256	/* xcpu: objects in transit per pair */
#define GP_ST_LOOP		64	/* operations between stop checks */
#define GP_ST_IRQ_OPS		4	/* get/put pairs per timer interrupt */
#define GP_ST_CHECK_MAX	256	/* pattern bytes checked per object */
#define GP_ST_PATTERN		0x6b

/* Object states of a poisoned pool (struct gp_obj.state). */
#define GP_ST_NEW		0		/* zeroed, before the ctor */
#define GP_ST_CACHED		0x6361636bU	/* in the pool */
#define GP_ST_OUT		0x6f75742eU	/* got, not put back */
#define GP_ST_FREED		0x64656164U	/* destructed */

enum gp_st_mode {
	GP_ST_PAIR, GP_ST_BATCH_MODE, GP_ST_XCPU, GP_ST_IRQ,
	GP_ST_DESTROY, GP_ST_NR_MODES,
};

static const char *const gp_st_mode_names[GP_ST_NR_MODES] = {
	"pair", "batch", "xcpu", "irq", "destroy",
};

enum gp_st_inject {
	GP_ST_INJ_NONE, GP_ST_INJ_DIRTY, GP_ST_INJ_DOUBLE_GET,
	GP_ST_INJ_DOUBLE_PUT, GP_ST_INJ_WRITE, GP_ST_INJ_COUNT,
	GP_ST_INJ_FREE, GP_ST_NR_INJECT,
};

static const char *const gp_st_inject_names[GP_ST_NR_INJECT] = {
	"none", "dirty", "double_get", "double_put", "write", "count", "free",
};

/*
 * struct pooldbg - a test pool, one of cmd's or a stress run's: the pool
 * (for kind=buf that of @bp) with this file's callbacks, its settings,
 * and the counts the invariants compare with the pool's own.
 */
struct pooldbg {
	char name[GP_NAME_MAX + 1];
	bool buf;			/* a gosync_bufpool, @bp */
	struct gosync_pool *pool;
	struct gosync_bufpool bp;
	unsigned int size;		/* object size, or new buffer capacity */
	unsigned long max_objects;
	unsigned int flags;		/* GOSYNC_POOL_* */
	u32 ctor_fail, drop;		/* every N-th ctor fails, reset refuses */
	unsigned int poison;		/* pattern bytes checked (stress), or 0 */
	u32 inject;			/* enum gp_st_inject (stress) */
	atomic_t injected;
	struct gosync_violations *v;	/* where violations go (stress) */
	void **held;			/* objects got, not put back (cmd) */
	unsigned int nr_held;		/* objects out */
	size_t held_bytes;
	u64 gets, get_nulls, puts;	/* calls made; gets: NULL ones too */
	u64 oversize;			/* buffers put over max_cap */
	atomic_long_t ctor_calls, ctor_fails, ctor_dirty;
	atomic_long_t resets, reset_drops, dtors;
};

/* The head of a poisoned object; @pattern is GP_ST_PATTERN while cached. */
struct gp_obj {
	atomic_t state;
	u32 owner;		/* thread id, or id + 1000 for its timer */
	u8 pattern[];
};

/* Plant the injection @what now, if it is the one asked and not yet. */
static bool gp_plant(struct pooldbg *t, enum gp_st_inject what)
{
	return t->inject == what && !atomic_xchg(&t->injected, 1);
}

/* ------------------------------------------------------------------ */
/* The callbacks of a plain test pool, and poisoning.                  */

static int gp_ctor(void *obj, void *arg, gfp_t gfp)
{
	struct pooldbg *t = arg;
	struct gp_obj *o = obj;
	long n = atomic_long_inc_return(&t->ctor_calls);
	size_t len = t->poison ? sizeof(*o) + t->poison : min(t->size, 64U);

	if (memchr_inv(obj, 0, len) || gp_plant(t, GP_ST_INJ_DIRTY))
		atomic_long_inc(&t->ctor_dirty);
	if (t->ctor_fail && !(n % t->ctor_fail)) {
		atomic_long_inc(&t->ctor_fails);
		return -ENOMEM;
	}
	if (t->poison) {
		memset(o->pattern, GP_ST_PATTERN, t->poison);
		atomic_set(&o->state, GP_ST_CACHED);
	}
	return 0;
}

static bool gp_reset(void *obj, void *arg)
{
	struct pooldbg *t = arg;
	long n = atomic_long_inc_return(&t->resets);

	if (t->drop && !(n % t->drop)) {
		atomic_long_inc(&t->reset_drops);
		return false;
	}
	return true;
}

static void gp_dtor(void *obj, void *arg)
{
	struct pooldbg *t = arg;
	struct gp_obj *o = obj;
	int state;

	/* Also from the shrinker, concurrently with commands. */
	atomic_long_inc(&t->dtors);
	if (!t->poison)
		return;
	state = atomic_xchg(&o->state, GP_ST_FREED);
	if (state != GP_ST_CACHED)
		gosync_violation(t->v, "the pool freed an object in state %#x (owner %u)",
				 state, o->owner);
	else if (memchr_inv(o->pattern, GP_ST_PATTERN, t->poison))
		gosync_violation(t->v,
				 "a cached object was written to before its free (last owner %u)",
				 o->owner);
}

static int gp_new_pool(struct pooldbg *t, const char *name,
		       unsigned int align, unsigned int cpu_cache,
			    bool reset)
{
	struct gosync_pool_opts opts = {
		.name = name, .size = t->size, .align = align,
		.flags = t->flags, .cpu_cache = cpu_cache,
		.max_objects = t->max_objects, .ctor = gp_ctor,
		.reset = reset ? gp_reset : NULL, .dtor = gp_dtor,
		.arg = t,
	};

	t->pool = gosync_pool_create(&opts);
	return PTR_ERR_OR_ZERO(t->pool);
}

/* A get returned @o to @owner: it must have been cached, and intact. */
static void gp_got(struct pooldbg *t, struct gp_obj *o, u32 owner)
{
	int state;

	if (!t->poison)
		return;
	state = atomic_cmpxchg(&o->state, GP_ST_CACHED, GP_ST_OUT);
	if (state != GP_ST_CACHED) {
		gosync_violation(t->v, "get returned an object in state %#x (owner %u, getter %u)",
				 state, o->owner, owner);
		return;
	}
	if (memchr_inv(o->pattern, GP_ST_PATTERN, t->poison))
		gosync_violation(t->v, "a cached object was written to (last owner %u)", o->owner);
	o->owner = owner;
	/* Use it: the pattern must be refilled before it goes back. */
	memset(o->pattern, owner & 0xff, min(t->poison, 8U));
	if (gp_plant(t, GP_ST_INJ_DOUBLE_GET))
		gp_got(t, o, owner);
}

/* @owner puts @o back: it must be out. */
static void gp_put_obj(struct pooldbg *t, struct gp_obj *o,
		       u32 owner)
{
	int state = t->poison ? atomic_read(&o->state) : GP_ST_OUT;

	if (state != GP_ST_OUT) {
		gosync_violation(t->v, "put of an object in state %#x (owner %u, putter %u)",
				 state, o->owner, owner);
		return;	/* leave it out: putting it would corrupt */
	}
	if (t->poison) {
		memset(o->pattern, GP_ST_PATTERN, t->poison);
		if (atomic_cmpxchg(&o->state, GP_ST_OUT, GP_ST_CACHED) != GP_ST_OUT) {
			gosync_violation(t->v, "an object changed state while put (putter %u)",
					 owner);
			return;
		}
		if (gp_plant(t, GP_ST_INJ_DOUBLE_PUT))
			gp_put_obj(t, o, owner);
		if (gp_plant(t, GP_ST_INJ_WRITE))
			o->pattern[t->poison - 1] ^= 0xff;
	}
	gosync_pool_put(t->pool, o);
}

/* ------------------------------------------------------------------ */
/* The invariants of a quiet pool.                                     */

/* Record @a and @b for the report; whether they differ, or @a is larger. */
static bool gp_ne(long a, long b, long *x, long *y)
{
	*x = a;
	*y = b;
	return a != b;
}

static bool gp_gt(long a, long b, long *x, long *y)
{
	return gp_ne(a, b, x, y) && a > b;
}

/*
 * Only this file gets and puts @t's objects, but the kernel's shrinker
 * may free some while they are read. Returns NULL if the invariants
 * hold, else what does not.
 */
static const char *gp_check_once(struct pooldbg *t, long *x, long *y)
{
	struct gosync_pool_stats st, cs, sum = {};
	long dtors0 = atomic_long_read(&t->dtors);
	long get_drops = 0, out_sum = 0;
	unsigned int cpu;

	gosync_pool_stats(t->pool, &st);
	for_each_possible_cpu(cpu) {
		if (__gosync_pool_cpu_stats(t->pool, cpu, &cs))
			continue;
		sum.hits += cs.hits;
		sum.misses += cs.misses;
		sum.puts += cs.puts;
		sum.constructed += cs.constructed;
		sum.cached += cs.cached;
		sum.depot += cs.depot;
		out_sum += cs.objects;
	}
	if (gp_ne(dtors0, atomic_long_read(&t->dtors), x, y))
		return "the shrinker ran meanwhile";
	if (!t->buf && (t->flags & GOSYNC_POOL_RESET_ON_GET))
		get_drops = atomic_long_read(&t->reset_drops);

	if (gp_ne(st.objects, st.constructed - st.dropped - st.shrunk, x, y))
		return "objects != constructed - dropped - shrunk";
	if (gp_ne(st.objects - st.cached, t->nr_held, x, y))
		return "objects - cached != objects held";
	if (gp_ne(st.hits + st.misses, t->gets + get_drops, x, y))
		return "hits + misses != gets";
	if (gp_ne(st.puts, t->puts, x, y))
		return "puts != puts made";
	if (gp_ne(st.ctor_failed, t->get_nulls, x, y))
		return "ctor_failed != gets that returned NULL";
	if (gp_ne(sum.hits, st.hits, x, y))
		return "per-CPU hits do not sum up";
	if (gp_ne(sum.misses, st.misses, x, y))
		return "per-CPU misses do not sum up";
	if (gp_ne(sum.puts, st.puts, x, y))
		return "per-CPU puts do not sum up";
	if (gp_ne(sum.constructed, st.constructed, x, y))
		return "per-CPU constructed does not sum up";
	if (gp_ne(sum.cached, st.cached, x, y))
		return "per-CPU cached does not sum up";
	if (gp_ne(sum.depot, st.depot, x, y))
		return "per-CPU depot does not sum up";
	if (gp_ne(out_sum, t->nr_held, x, y))
		return "per-CPU objects out do not sum up to those held";
	if (gp_gt(st.depot, st.cached, x, y) || st.depot < 0)
		return "depot outside [0, cached]";
	if (t->max_objects && st.objects > 0 &&
	    (unsigned long)st.objects > t->max_objects) {
		*x = st.objects;
		*y = t->max_objects;
		return "objects > max_objects";
	}
	if (t->buf)
		return gp_gt(t->oversize, st.dropped, x, y) ?
		       "dropped < oversize buffers put" : NULL;
	if (gp_ne(st.constructed, atomic_long_read(&t->ctor_calls) -
		       atomic_long_read(&t->ctor_fails), x, y))
		return "constructed != successful constructor calls";
	if (gp_ne(atomic_long_read(&t->dtors), st.dropped + st.shrunk, x, y))
		return "destructor calls != dropped + shrunk";
	if (gp_ne(atomic_long_read(&t->ctor_dirty), 0, x, y))
		return "the constructor got memory that was not zeroed";
	if (gp_gt(atomic_long_read(&t->reset_drops), st.dropped, x, y))
		return "reset refusals > dropped";
	return NULL;
}

static const char *gp_check(struct pooldbg *t, long *x, long *y)
{
	const char *why = NULL;
	unsigned int i;

	for (i = 0; i < GP_CHECK_TRIES; i++) {
		why = gp_check_once(t, x, y);
		if (!why)
			break;
		usleep_range(1000, 2000);
	}
	return why;
}

/* Destructor calls minus the objects constructed (plain pools): 0 if right. */
static long gp_free_diff(struct pooldbg *t)
{
	return atomic_long_read(&t->dtors) - atomic_long_read(&t->ctor_calls) +
	       atomic_long_read(&t->ctor_fails);
}

/* ------------------------------------------------------------------ */
/* cmd: the test pools by name, and the verbs.                         */

enum gp_arg {
	GP_A_NAME, GP_A_KIND, GP_A_SIZE, GP_A_ALIGN,
	GP_A_CPU_CACHE, GP_A_MAX_OBJECTS, GP_A_IRQSAFE,
	GP_A_RESET_ON_GET, GP_A_RESET, GP_A_CTOR_FAIL,
	GP_A_DROP, GP_A_MAX_CAP, GP_A_LATE_PUT, GP_A_N,
	GP_A_GFP, GP_A_BYTES, GP_A_IDX, GP_A_NR,
	GP_A_CPU, GP_NR_ARGS,
};

/* The arguments of a cmd command, each named as its key. */
struct gp_args {
	char name[GP_NAME_MAX + 1], kind[8], gfp[8];
	u32 size, align, cpu_cache, irqsafe, reset_on_get, reset, ctor_fail;
	u32 drop, late_put, n, idx, cpu;
	u64 max_objects, max_cap, bytes, nr;
};

#define GP_U32(k, K, lo, hi) \
	[GP_A_##K] = GOSYNC_ARG_U32(#k, struct gp_args, k, lo, hi, false)
#define GP_U64(k, K, lo, hi) \
	[GP_A_##K] = GOSYNC_ARG_U64(#k, struct gp_args, k, lo, hi, false)
#define GP_STR(k, K, len) \
	[GP_A_##K] = GOSYNC_ARG_STR(#k, struct gp_args, k, len, false)

static const struct gosync_param gp_params[GP_NR_ARGS] = {
	GP_STR(name, NAME, GP_NAME_MAX + 1),
	GP_STR(kind, KIND, 8),
	GP_U32(size, SIZE, 0, U32_MAX),
	GP_U32(align, ALIGN, 0, U32_MAX),
	GP_U32(cpu_cache, CPU_CACHE, 0, U32_MAX),
	GP_U64(max_objects, MAX_OBJECTS, 0, ULONG_MAX),
	GP_U32(irqsafe, IRQSAFE, 0, 1),
	GP_U32(reset_on_get, RESET_ON_GET, 0, 1),
	GP_U32(reset, RESET, 0, 1),
	GP_U32(ctor_fail, CTOR_FAIL, 0, U32_MAX),
	GP_U32(drop, DROP, 0, U32_MAX),
	GP_U64(max_cap, MAX_CAP, 0, GP_BYTES_MAX),
	GP_U32(late_put, LATE_PUT, 0, 1),
	GP_U32(n, N, 1, GP_HELD_MAX),
	GP_STR(gfp, GFP, 8),
	GP_U64(bytes, BYTES, 1, GP_BYTES_MAX),
	GP_U32(idx, IDX, 0, GP_HELD_MAX - 1),
	GP_U64(nr, NR, 0, ULONG_MAX),
	GP_U32(cpu, CPU, 0, U32_MAX - 1),	/* then below nr_cpu_ids */
};

static const struct gp_args gp_defaults = {
	.size = 64, .max_cap = U64_MAX, .n = 1, .idx = U32_MAX,
	.nr = ULONG_MAX, .cpu = U32_MAX,
};

struct gp_verb {
	const char *name;
	u32 takes;		/* BIT(enum gp_arg) it accepts */
	u32 needs;		/* ... and requires */
	int (*run)(struct pooldbg *t, struct gp_args *a, struct seq_buf *out);
};

static_assert(offsetof(struct gp_verb, name) == 0,
	      "gosync_parse_verb() finds a verb by its first member");

/* Explain a rejected command (parse.h); evaluates to @err. */
#define gp_err(out, err, fmt, ...) \
	({ gosync_report(out, "pool", fmt, ##__VA_ARGS__); err; })

/* Serializes commands; guards gp_pools, gp_bytes, gp_scratch. */
static DEFINE_MUTEX(gp_lock);
static struct pooldbg *gp_pools[GP_POOLS];
static size_t gp_bytes;		/* held by all test pools */
static struct gp_args gp_scratch;

/* The slot of the pool named @name, or with NULL a free slot; or NULL. */
static struct pooldbg **gp_slot(const char *name)
{
	unsigned int i;

	for (i = 0; i < GP_POOLS; i++)
		if (name ? gp_pools[i] && !strcmp(gp_pools[i]->name, name) :
		    !gp_pools[i])
			return &gp_pools[i];
	return NULL;
}

static size_t gp_obj_bytes(struct pooldbg *t, void *obj)
{
	return t->buf ? ((struct gosync_buf *)obj)->cap : t->size;
}

/* Put back the newest @n held objects. */
static void gp_put_n(struct pooldbg *t, unsigned int n)
{
	while (n--) {
		void *obj = t->held[--t->nr_held];
		size_t bytes = gp_obj_bytes(t, obj);

		t->held_bytes -= bytes;
		gp_bytes -= bytes;
		t->puts++;
		if (t->buf) {
			t->oversize += bytes > t->bp.max_cap;
			gosync_buf_put(&t->bp, obj);
		} else {
			gosync_pool_put(t->pool, obj);
		}
	}
}

static void gp_free(struct pooldbg *t)
{
	kvfree(t->held);
	kfree(t);
}

/*
 * Destroy @t's pool and free @t. Held objects go back first, or with
 * @late_put after the destroy (the put-after-destroy path). Returns the
 * destructor calls minus the objects the pool constructed: 0 if each was
 * destructed once (plain pools only); @made: how many.
 */
static long gp_destroy_pool(struct pooldbg *t, bool late_put, u64 *made)
{
	struct gosync_pool_stats st;
	long diff = 0;

	if (!late_put)
		gp_put_n(t, t->nr_held);
	gosync_pool_stats(t->pool, &st);
	*made = st.constructed;
	if (t->buf) {
		gosync_bufpool_destroy(&t->bp);
	} else {
		gosync_pool_destroy(t->pool);
		gp_put_n(t, t->nr_held);
		diff = gp_free_diff(t);
	}
	gp_free(t);
	return diff;
}

static int gp_create(struct pooldbg *unused, struct gp_args *a, struct seq_buf *out)
{
	struct pooldbg **slot = gp_slot(NULL);
	bool buf = !strcmp(a->kind, "buf");
	char pname[GP_NAME_MAX + 8];
	struct pooldbg *t;
	int ret;

	if (!gosync_parse_name_ok(a->name))
		return gp_err(out, -EINVAL, "create: name '%s' is not [A-Za-z0-9_-]+", a->name);
	if (!buf && a->kind[0] && strcmp(a->kind, "obj"))
		return gp_err(out, -EINVAL, "create: unknown kind '%s' (obj or buf)", a->kind);
	if (buf && (a->align || a->cpu_cache || a->max_objects || a->reset ||
		    a->reset_on_get || a->ctor_fail || a->drop))
		return gp_err(out, -EINVAL,
			      "create: kind=buf takes only size, max_cap and irqsafe");
	if (!buf && a->max_cap != U64_MAX)
		return gp_err(out, -EINVAL, "create: max_cap is for kind=buf");
	if (gp_slot(a->name))
		return gp_err(out, -EEXIST, "create: pool '%s' exists", a->name);
	if (!slot)
		return gp_err(out, -ENOSPC, "create: %d test pools exist already", GP_POOLS);
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (t)
		t->held = kvcalloc(GP_HELD_MAX, sizeof(*t->held), GFP_KERNEL);
	if (!t || !t->held) {
		kfree(t);
		return gp_err(out, -ENOMEM, "create: out of memory");
	}
	strscpy(t->name, a->name, sizeof(t->name));
	snprintf(pname, sizeof(pname), "dbg-%s", t->name);
	t->buf = buf;
	t->size = a->size;
	t->max_objects = a->max_objects;
	t->flags = (a->irqsafe ? GOSYNC_POOL_IRQSAFE : 0) |
		   (a->reset_on_get ? GOSYNC_POOL_RESET_ON_GET : 0);
	t->ctor_fail = a->ctor_fail;
	t->drop = a->drop;
	a->reset |= !!a->drop;
	if (buf) {
		if (a->max_cap == U64_MAX)
			a->max_cap = 4ULL * a->size;
		ret = gosync_bufpool_init(&t->bp, pname, a->size, a->max_cap,
					  t->flags);
		t->pool = t->bp.pool;
	} else {
		ret = gp_new_pool(t, pname, a->align, a->cpu_cache, a->reset);
	}
	if (ret) {
		gp_free(t);
		return gp_err(out, ret, "create: %s() failed (%d)",
			      buf ? "gosync_bufpool_init" : "gosync_pool_create", ret);
	}
	*slot = t;
	seq_buf_printf(out, "created name=%s kind=%s size=%u", t->name,
		       buf ? "buf" : "obj", t->size);
	if (buf) {
		seq_buf_printf(out, " max_cap=%zu irqsafe=%u\n", t->bp.max_cap,
			       a->irqsafe);
		return 0;
	}
	seq_buf_printf(out, " align=%u cpu_cache=%u max_objects=%lu irqsafe=%u",
		       a->align, a->cpu_cache, t->max_objects, a->irqsafe);
	seq_buf_printf(out, " reset_on_get=%u reset=%u ctor_fail=%u drop=%u\n",
		       a->reset_on_get, a->reset, t->ctor_fail, t->drop);
	return 0;
}

static int gp_destroy(struct pooldbg *t, struct gp_args *a, struct seq_buf *out)
{
	unsigned int held = t->nr_held;
	u64 made;
	long diff;

	if (a->late_put && t->buf)
		return gp_err(out, -EINVAL, "destroy: late_put is for kind=obj");
	*gp_slot(t->name) = NULL;
	diff = gp_destroy_pool(t, a->late_put, &made);
	if (diff)
		return gp_err(out, -EIO, "destroy: %llu constructed, destructor calls off by %+ld",
			      made, diff);
	seq_buf_printf(out, "destroyed name=%s held=%u constructed=%llu\n",
		       a->name, held, made);
	return 0;
}

/* Why did a get return NULL? */
static int gp_get_failed(struct pooldbg *t, long fails0, unsigned int got,
			 struct seq_buf *out)
{
	struct gosync_pool_stats st;

	if (!t->buf && atomic_long_read(&t->ctor_fails) != fails0)
		return gp_err(out, -ENOMEM, "get: the constructor failed after %u objects", got);
	gosync_pool_stats(t->pool, &st);
	if (t->max_objects && st.objects >= (long)t->max_objects)
		return gp_err(out, -ENOSPC, "get: max_objects=%lu reached after %u objects",
			      t->max_objects, got);
	return gp_err(out, -ENOMEM, "get: allocation failed after %u objects", got);
}

/*
 * gfp=atomic gets run in the most atomic context pool.h allows: that of
 * gosync_test_atomic_enter() (interrupts off; softirqs off on PREEMPT_RT)
 * for an IRQ-safe pool, preemption off for another one without RT.
 */
static void *gp_get_one(struct pooldbg *t, bool atomic)
{
	bool preempt = !IS_ENABLED(CONFIG_PREEMPT_RT) &&
		       !(t->flags & GOSYNC_POOL_IRQSAFE);
	gfp_t gfp = atomic ? GFP_ATOMIC : GFP_KERNEL;
	unsigned long flags = 0;
	void *obj;

	if (atomic && preempt)
		preempt_disable();
	else if (atomic)
		flags = gosync_test_atomic_enter();
	obj = t->buf ? (void *)gosync_buf_get(&t->bp, gfp) :
		       gosync_pool_get(t->pool, gfp);
	if (atomic && preempt)
		preempt_enable();
	else if (atomic)
		gosync_test_atomic_exit(flags);
	return obj;
}

static int gp_get(struct pooldbg *t, struct gp_args *a, struct seq_buf *out)
{
	bool atomic = !strcmp(a->gfp, "atomic");
	unsigned int i;
	void *obj;

	if (!atomic && a->gfp[0] && strcmp(a->gfp, "kernel"))
		return gp_err(out, -EINVAL, "get: unknown gfp '%s' (kernel or atomic)", a->gfp);
	if (t->nr_held + a->n > GP_HELD_MAX)
		return gp_err(out, -ERANGE, "get: %u held, at most %d", t->nr_held, GP_HELD_MAX);
	if ((u64)a->n * t->size > GP_BYTES_MAX - gp_bytes)
		return gp_err(out, -ERANGE, "get: the test pools would hold over %lu bytes",
			      GP_BYTES_MAX);
	for (i = 0; i < a->n; i++) {
		long fails0 = atomic_long_read(&t->ctor_fails);

		obj = gp_get_one(t, atomic);
		t->gets++;
		if (!obj) {
			t->get_nulls++;
			return gp_get_failed(t, fails0, i, out);
		}
		t->held[t->nr_held++] = obj;
		t->held_bytes += gp_obj_bytes(t, obj);
		gp_bytes += gp_obj_bytes(t, obj);
	}
	seq_buf_printf(out, "got=%u held=%u\n", a->n, t->nr_held);
	return 0;
}

static int gp_put(struct pooldbg *t, struct gp_args *a, struct seq_buf *out)
{
	if (a->n > t->nr_held)
		return gp_err(out, -ERANGE, "put: n=%u but %u held", a->n, t->nr_held);
	gp_put_n(t, a->n);
	seq_buf_printf(out, "put=%u held=%u\n", a->n, t->nr_held);
	return 0;
}

static int gp_grow(struct pooldbg *t, struct gp_args *a, struct seq_buf *out)
{
	struct gosync_buf *b;
	size_t old;
	int ret;

	if (!t->buf)
		return gp_err(out, -EINVAL, "grow: pool '%s' is not kind=buf", t->name);
	if (!t->nr_held)
		return gp_err(out, -ENOENT, "grow: pool '%s' holds no buffer", t->name);
	if (a->idx == U32_MAX)
		a->idx = t->nr_held - 1;
	if (a->idx >= t->nr_held)
		return gp_err(out, -ERANGE, "grow: idx=%u but %u held", a->idx, t->nr_held);
	b = t->held[a->idx];
	old = b->cap;
	/* At worst gosync_buf_reserve() doubles the buffer or more. */
	if (b->len + a->bytes > old &&
	    max_t(u64, b->len + a->bytes, 2ULL * old) - old >
	    GP_BYTES_MAX - gp_bytes)
		return gp_err(out, -ERANGE, "grow: the test pools would hold over %lu bytes",
			      GP_BYTES_MAX);
	ret = gosync_buf_reserve(b, a->bytes, GFP_KERNEL);
	if (ret)
		return gp_err(out, ret, "grow: gosync_buf_reserve() failed (%d)", ret);
	t->held_bytes += b->cap - old;
	gp_bytes += b->cap - old;
	seq_buf_printf(out, "cap=%zu\n", b->cap);
	return 0;
}

static int gp_shrink(struct pooldbg *t, struct gp_args *a, struct seq_buf *out)
{
	seq_buf_printf(out, "freed=%lu\n", gosync_pool_shrink(t->pool, a->nr));
	return 0;
}

static int gp_age(struct pooldbg *t, struct gp_args *a, struct seq_buf *out)
{
	__gosync_pool_age(t->pool);
	seq_buf_printf(out, "aged\n");
	return 0;
}

/* Each of @n @keys and its value: as "key value" lines, or " key=value". */
static void gp_print(struct seq_buf *out, const char *const *keys,
		     const long long *v, unsigned int n, bool lines)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (lines)
			seq_buf_printf(out, "%s %lld\n", keys[i], v[i]);
		else
			seq_buf_printf(out, " %s=%lld", keys[i], v[i]);
	}
}

static void gp_print_stats(struct seq_buf *out, const struct gosync_pool_stats *st,
			   bool lines)
{
	static const char *const keys[] = {
		"hits", "misses", "refills", "steals", "constructed",
		"ctor_failed", "spills", "puts", "dropped", "shrunk",
		"objects", "cached", "depot",
	};
	const long long v[ARRAY_SIZE(keys)] = {
		st->hits, st->misses, st->refills, st->steals, st->constructed,
		st->ctor_failed, st->spills, st->puts, st->dropped, st->shrunk,
		st->objects, st->cached, st->depot,
	};

	gp_print(out, keys, v, ARRAY_SIZE(keys), lines);
}

static int gp_stats(struct pooldbg *t, struct gp_args *a, struct seq_buf *out)
{
	static const char *const keys[] = {
		"held", "held_bytes", "gets", "get_nulls", "puts_called",
		"oversize", "ctor_calls", "ctor_fails", "ctor_dirty", "resets",
		"reset_drops", "dtors",
	};
	const long long v[ARRAY_SIZE(keys)] = {
		t->nr_held, t->held_bytes, t->gets, t->get_nulls, t->puts,
		t->oversize, atomic_long_read(&t->ctor_calls),
		atomic_long_read(&t->ctor_fails), atomic_long_read(&t->ctor_dirty),
		atomic_long_read(&t->resets), atomic_long_read(&t->reset_drops),
		atomic_long_read(&t->dtors),
	};
	struct gosync_pool_stats st;

	gosync_pool_stats(t->pool, &st);
	gp_print_stats(out, &st, true);
	gp_print(out, keys, v, ARRAY_SIZE(keys), true);
	return 0;
}

static int gp_cpustats(struct pooldbg *t, struct gp_args *a, struct seq_buf *out)
{
	struct gosync_pool_stats st;
	unsigned int cpu;

	if (a->cpu != U32_MAX && a->cpu >= nr_cpu_ids)
		return gp_err(out, -ERANGE, "'cpu=%u' is outside [0, %u]", a->cpu,
			      nr_cpu_ids - 1);
	if (a->cpu != U32_MAX) {
		if (__gosync_pool_cpu_stats(t->pool, a->cpu, &st))
			return gp_err(out, -EINVAL, "cpustats: CPU %u is not possible", a->cpu);
		seq_buf_printf(out, "cpu %u\n", a->cpu);
		gp_print_stats(out, &st, true);
		return 0;
	}
	for_each_online_cpu(cpu) {
		/* Keep room for the line: a long row of CPUs is cut short. */
		if (seq_buf_used(out) + 400 > out->size) {
			seq_buf_printf(out, "...\n");
			break;
		}
		if (__gosync_pool_cpu_stats(t->pool, cpu, &st))
			continue;
		seq_buf_printf(out, "cpu=%u", cpu);
		gp_print_stats(out, &st, false);
		seq_buf_printf(out, "\n");
	}
	return 0;
}

static int gp_check_cmd(struct pooldbg *t, struct gp_args *a, struct seq_buf *out)
{
	long x = 0, y = 0;
	const char *why = gp_check(t, &x, &y);

	if (why)
		return gp_err(out, -EIO, "check: %s (%ld, %ld)", why, x, y);
	seq_buf_printf(out, "ok\n");
	return 0;
}

static int gp_list(struct pooldbg *unused, struct gp_args *a, struct seq_buf *out)
{
	unsigned int i, n = 0;

	for (i = 0; i < GP_POOLS; i++)
		n += !!gp_pools[i];
	seq_buf_printf(out, "pools=%u bytes=%zu\n", n, gp_bytes);
	for (i = 0; i < GP_POOLS; i++) {
		struct pooldbg *t = gp_pools[i];

		if (t)
			seq_buf_printf(out, "name=%s kind=%s size=%u held=%u\n",
				       t->name, t->buf ? "buf" : "obj", t->size,
				       t->nr_held);
	}
	return 0;
}

#define A(x)	BIT(GP_A_##x)

static const struct gp_verb gp_verbs[] = {
	{ "create", A(NAME) | A(KIND) | A(SIZE) | A(ALIGN) | A(CPU_CACHE) |
		    A(MAX_OBJECTS) | A(IRQSAFE) | A(RESET_ON_GET) | A(RESET) |
		    A(CTOR_FAIL) | A(DROP) | A(MAX_CAP), A(NAME), gp_create },
	{ "destroy", A(NAME) | A(LATE_PUT), A(NAME), gp_destroy },
	{ "get", A(NAME) | A(N) | A(GFP), A(NAME), gp_get },
	{ "put", A(NAME) | A(N), A(NAME), gp_put },
	{ "grow", A(NAME) | A(BYTES) | A(IDX), A(NAME) | A(BYTES), gp_grow },
	{ "shrink", A(NAME) | A(NR), A(NAME), gp_shrink },
	{ "age", A(NAME), A(NAME), gp_age },
	{ "stats", A(NAME), A(NAME), gp_stats },
	{ "cpustats", A(NAME) | A(CPU), A(NAME), gp_cpustats },
	{ "check", A(NAME), A(NAME), gp_check_cmd },
	{ "list", 0, 0, gp_list },
};

#undef A

/* The exec() of pool/cmd: parse and run one command (grammar above). */
static int gp_exec(struct gosync_cmd_file *f, char *line, struct seq_buf *out)
{
	struct gosync_param params[GP_NR_ARGS];
	struct gp_args *a = &gp_scratch;
	struct gosync_args spec = {
		.params = params, .size = sizeof(*a), .defaults = &gp_defaults,
	};
	const struct gp_verb *v;
	struct pooldbg **slot = NULL;
	int ret;

	v = gosync_parse_verb(&line, gp_verbs, ARRAY_SIZE(gp_verbs), sizeof(gp_verbs[0]),
			      out, f->who);
	if (!v)
		return -EINVAL;
	spec.nr = gosync_param_select(params, gp_params, GP_NR_ARGS, v->takes, v->needs);
	mutex_lock(&gp_lock);
	ret = gosync_args_parse(&spec, line, a, out, f->who);
	/* Every verb but create and list names an existing pool. */
	if (!ret && v->run != gp_create && v->run != gp_list) {
		slot = gp_slot(a->name);
		if (!slot)
			ret = gp_err(out, -ENOENT, "no pool named '%s'", a->name);
	}
	if (!ret)
		ret = v->run(slot ? *slot : NULL, a, out);
	mutex_unlock(&gp_lock);
	return ret;
}

/* Module unload: every test pool goes, its held objects put back first. */
static void gp_exit(void)
{
	unsigned int i;
	u64 made;

	mutex_lock(&gp_lock);
	for (i = 0; i < GP_POOLS; i++) {
		if (gp_pools[i])
			gp_destroy_pool(gp_pools[i], false, &made);
		gp_pools[i] = NULL;
	}
	gp_bytes = 0;
	mutex_unlock(&gp_lock);
}

/* ------------------------------------------------------------------ */
/* stress: its arguments, each named as its key.                       */

struct gp_st_args {
	u32 threads, duration_ms, mode, size, cpu_cache, poison, irqsafe;
	u32 timer_us, failslab, inject;
	u64 max_objects;
};

/* The rules between keys, and irq mode's irqsafe pool. */
static int gp_st_args_check(void *args, struct seq_buf *out, const char *who)
{
	struct gp_st_args *a = args;
	unsigned int cache;
	u64 objs;

	a->threads = a->threads ?: num_online_cpus();
	if (a->mode == GP_ST_XCPU && a->threads < 2)
		return gp_err(out, -EINVAL, "stress: mode=xcpu needs 2 threads or more");
	if (a->mode == GP_ST_IRQ)
		a->irqsafe = 1;
	/* Cached everywhere, plus out: each thread's batch and ring. */
	cache = a->cpu_cache ? a->cpu_cache : GOSYNC_POOL_CPU_CACHE_DEFAULT;
	objs = (u64)num_online_cpus() * cache +
	       (u64)a->threads * (GP_ST_BATCH + GP_ST_RING);
	if (objs * a->size > GP_BYTES_MAX)
		return gp_err(out, -ERANGE, "stress: size=%u could take %llu MiB, over %lu",
			      a->size, objs * a->size >> 20, GP_BYTES_MAX >> 20);
	if (!IS_ENABLED(CONFIG_FAILSLAB) && a->failslab)
		return gp_err(out, -EOPNOTSUPP,
			      "stress: failslab=1 needs CONFIG_FAULT_INJECTION and CONFIG_FAILSLAB");
	return 0;
}

/*
 * Defaults: every online CPU (threads is 0 until gp_st_args_check()),
 * 1000 ms, mode pair, 64-byte objects, the pool's default per-CPU cache,
 * no total bound, poisoning on, an hrtimer every 200 us in irq mode.
 */
static const struct gp_st_args gp_st_defaults = {
	.duration_ms = 1000, .size = 64, .poison = 1, .timer_us = 200,
};

#define GP_ST_U32(k, lo, hi)	GOSYNC_ARG_U32(#k, struct gp_st_args, k, lo, hi, false)

static const struct gosync_param gp_st_params[] = {
	GOSYNC_ARG_CPUS("threads", struct gp_st_args, threads),
	GP_ST_U32(duration_ms, 1, GP_ST_MAX_MS),
	GOSYNC_ARG_ENUM("mode", struct gp_st_args, mode, gp_st_mode_names, GP_ST_NR_MODES),
	GP_ST_U32(size, 16, GOSYNC_POOL_SIZE_MAX),
	GP_ST_U32(cpu_cache, 2, GOSYNC_POOL_CPU_CACHE_MAX),
	GOSYNC_ARG_U64("max_objects", struct gp_st_args, max_objects, 0, ULONG_MAX, false),
	GP_ST_U32(poison, 0, 1),
	GP_ST_U32(irqsafe, 0, 1),
	GP_ST_U32(timer_us, 10, 100000),
	GP_ST_U32(failslab, 0, 1),
	GOSYNC_ARG_ENUM("inject", struct gp_st_args, inject,
			gp_st_inject_names, GP_ST_NR_INJECT),
};

/* The arguments of pool/stress (grammar above); the fuzzers run them too. */
const struct gosync_args gosync_pool_stress_args =
	GOSYNC_ARGS(gp_st_params, struct gp_st_args, &gp_st_defaults, gp_st_args_check);

/* ------------------------------------------------------------------ */
/* stress: the run.                                                    */

/* xcpu: a single-producer single-consumer ring of objects in transit. */
struct gp_st_ring {
	unsigned long head;	/* next slot filled; the producer's */
	unsigned long tail;	/* next slot emptied; the consumer's */
	bool done;		/* the producer has stopped */
	void *slots[GP_ST_RING];
};

/*
 * One stress thread. Its counts are [0] for the thread, [1] for its
 * timer (irq mode), which interrupts it on its CPU. xcpu: an even
 * thread passes its objects to the next one through its @ring.
 */
struct gp_st_thread {
	struct poolst *st;
	unsigned int id;
	struct hrtimer timer;
	bool timer_stop;	/* the timer must not re-arm */
	u64 gets[2], nulls[2], puts[2];	/* successful gets, NULL gets, puts */
	struct gp_st_ring ring;
};

/*
 * One stress run: its pool and arguments, threads; destroy mode's
 * barrier (@bar threads waiting, @bar_gen passed), end flag, @cycles
 * and @sum of its pools' counters read before each destroy.
 */
struct poolst {
	struct pooldbg t;
	struct gp_st_args a;
	ktime_t period;
	struct gosync_run run;
	struct gosync_violations v;
	atomic_t bar;
	unsigned int bar_gen;
	bool done;
	u64 cycles;
	struct gosync_pool_stats sum;
	struct gp_st_thread th[];
};

/* Get up to @n objects into @objs (NULL where a get failed); @irq: timer. */
static void gp_st_get_n(struct poolst *s, struct gp_st_thread *th,
			struct gp_obj **objs, unsigned int n, bool irq)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		objs[i] = gosync_pool_get(s->t.pool, irq ? GFP_ATOMIC : GFP_KERNEL);
		if (!objs[i]) {
			th->nulls[irq]++;
			continue;
		}
		th->gets[irq]++;
		gp_got(&s->t, objs[i], th->id + 1000 * irq);
	}
}

static void gp_st_put_n(struct poolst *s, struct gp_st_thread *th,
			struct gp_obj **objs, unsigned int n, bool irq)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (!objs[i])
			continue;
		gp_put_obj(&s->t, objs[i], th->id + 1000 * irq);
		th->puts[irq]++;
	}
}

/* One get and put each, or NULL gets. */
static void gp_st_pairs(struct poolst *s, struct gp_st_thread *th,
			unsigned int n, bool irq)
{
	struct gp_obj *o;

	while (n--) {
		gp_st_get_n(s, th, &o, 1, irq);
		gp_st_put_n(s, th, &o, 1, irq);
	}
}

static enum hrtimer_restart gp_st_timer_fn(struct hrtimer *timer)
{
	struct gp_st_thread *th = container_of(timer, struct gp_st_thread,
						timer);

	gp_st_pairs(th->st, th, GP_ST_IRQ_OPS, true);
	/* Pairs with WRITE_ONCE() in gp_st_work(); hrtimer_cancel() waits. */
	if (READ_ONCE(th->timer_stop))
		return HRTIMER_NORESTART;
	hrtimer_forward_now(timer, th->st->period);
	return HRTIMER_RESTART;
}

/* xcpu producer: get, pass to the consumer through the ring. */
static void gp_st_produce(struct poolst *s, struct gp_st_thread *th,
			  struct gosync_run_thread *t)
{
	struct gp_st_ring *r = &th->ring;
	unsigned long head = r->head;
	struct gp_obj *o;
	unsigned int i;

	do {
		for (i = 0; i < GP_ST_LOOP; i++) {
			/* Pairs with smp_store_release() of tail: the slot is free. */
			if (head - smp_load_acquire(&r->tail) >= GP_ST_RING)
				break;
			gp_st_get_n(s, th, &o, 1, false);
			if (!o)
				continue;
			r->slots[head % GP_ST_RING] = o;
			/* Pairs with smp_load_acquire() of head: the object is written. */
			smp_store_release(&r->head, ++head);
		}
		t->ops += i;
	} while (gosync_run_continue(t));
	/* Pairs with smp_load_acquire() in gp_st_consume(). */
	smp_store_release(&r->done, true);
}

/* xcpu consumer: put what the producer passes, until it stops. */
static void gp_st_consume(struct poolst *s, struct gp_st_thread *th,
			  struct gosync_run_thread *t)
{
	struct gp_st_ring *r = &s->th[th->id - 1].ring;
	unsigned long tail = r->tail, head;
	bool done;

	for (;;) {
		/* Read done before head: a done producer wrote its last head. */
		done = smp_load_acquire(&r->done);
		/* Pairs with smp_store_release() of head in gp_st_produce(). */
		head = smp_load_acquire(&r->head);
		if (tail == head && done)
			break;
		while (tail != head) {
			gp_st_put_n(s, th, (struct gp_obj **)&r->slots[tail % GP_ST_RING],
				    1, false);
			t->ops++;
			/* Pairs with smp_load_acquire() of tail: the slot is free. */
			smp_store_release(&r->tail, ++tail);
		}
		cond_resched();
		cpu_relax();
	}
}

/* destroy mode: wait until every thread has come here. */
static void gp_st_barrier(struct poolst *s)
{
	/* Pairs with smp_store_release() below: the last cycle is seen. */
	unsigned int gen = smp_load_acquire(&s->bar_gen);

	/* Fully ordered: what each thread did before is seen after. */
	if (atomic_inc_return(&s->bar) == s->a.threads) {
		atomic_set(&s->bar, 0);
		/* Pairs with smp_load_acquire() of bar_gen. */
		smp_store_release(&s->bar_gen, gen + 1);
		return;
	}
	/* Pairs with smp_store_release() above. */
	while (smp_load_acquire(&s->bar_gen) == gen) {
		cond_resched();
		cpu_relax();
	}
}

/* failslab=1: this thread's allocations become subject to failslab. */
static void gp_st_make_it_fail(const struct poolst *s, bool on)
{
#ifdef CONFIG_FAULT_INJECTION
	if (s->a.failslab)
		current->make_it_fail = on;
#endif
}

/*
 * destroy mode, one cycle per pool: thread 0 creates it; every thread
 * gets its objects; all put them back while one of them destroys the
 * pool half-way through its own puts; thread 0 counts the frees.
 */
static void gp_st_destroy_cycles(struct poolst *s, struct gp_st_thread *th,
				 struct gosync_run_thread *rt)
{
	struct gp_obj *objs[GP_ST_BATCH];
	const unsigned int half = GP_ST_BATCH / 2;
	struct pooldbg *t = &s->t;
	struct gosync_pool_stats st;
	int ret = 0;

	for (;;) {
		if (!th->id) {
			s->done = !gosync_run_continue(rt);
			gp_st_make_it_fail(s, false);
			if (!s->done)
				ret = gp_new_pool(t, "stress", 0, s->a.cpu_cache, true);
			gp_st_make_it_fail(s, true);
			if (ret)
				gosync_violation(t->v,
						 "cycle %llu: gosync_pool_create() failed (%d)",
						 s->cycles, ret);
			s->done |= ret;
		}
		gp_st_barrier(s);
		if (s->done)
			return;
		gp_st_get_n(s, th, objs, GP_ST_BATCH, false);
		gp_st_barrier(s);
		if (th->id == s->cycles % s->a.threads) {
			gp_st_put_n(s, th, objs, half, false);
			gosync_pool_stats(t->pool, &st);
			s->sum.hits += st.hits;
			s->sum.misses += st.misses;
			s->sum.constructed += st.constructed;
			s->sum.ctor_failed += st.ctor_failed;
			gosync_pool_destroy(t->pool);
			gp_st_put_n(s, th, objs + half, GP_ST_BATCH - half, false);
		} else {
			gp_st_put_n(s, th, objs, GP_ST_BATCH, false);
		}
		rt->ops += 2 * GP_ST_BATCH;
		gp_st_barrier(s);
		/* Every destructor call was made by a put or by destroy. */
		if (!th->id && gp_free_diff(t))
			gosync_violation(t->v, "cycle %llu: destructor calls off by %+ld",
					 s->cycles, gp_free_diff(t));
		s->cycles += !th->id;
	}
}

static void gp_st_work(struct poolst *s, struct gp_st_thread *th,
		       struct gosync_run_thread *t)
{
	struct gp_obj *objs[GP_ST_BATCH];
	enum gp_st_mode mode = s->a.mode;

	if (mode == GP_ST_XCPU && (th->id + 1 < s->a.threads || th->id % 2)) {
		if (th->id % 2)
			gp_st_consume(s, th, t);
		else
			gp_st_produce(s, th, t);
		return;
	}
	if (mode == GP_ST_DESTROY) {
		gp_st_destroy_cycles(s, th, t);
		return;
	}
	if (mode == GP_ST_IRQ) {
		hrtimer_init(&th->timer, CLOCK_MONOTONIC, GOSYNC_HRTIMER_ANY_PINNED);
		th->timer.function = gp_st_timer_fn;
		hrtimer_start(&th->timer, s->period, GOSYNC_HRTIMER_ANY_PINNED);
	}
	do {
		if (mode == GP_ST_BATCH_MODE) {
			gp_st_get_n(s, th, objs, GP_ST_BATCH, false);
			gp_st_put_n(s, th, objs, GP_ST_BATCH, false);
			t->ops += 2 * GP_ST_BATCH;
		} else {	/* pair, irq, and xcpu's odd thread out */
			gp_st_pairs(s, th, GP_ST_LOOP, false);
			t->ops += 2 * GP_ST_LOOP;
		}
	} while (gosync_run_continue(t));
	if (mode == GP_ST_IRQ) {
		/* Pairs with READ_ONCE() in gp_st_timer_fn(). */
		WRITE_ONCE(th->timer_stop, true);
		hrtimer_cancel(&th->timer);
		t->ops += 2 * (th->gets[1] + th->nulls[1]);
	}
}

static int gp_st_body(struct gosync_run_thread *t)
{
	struct poolst *s = t->run->data;

	gp_st_make_it_fail(s, true);
	gp_st_work(s, &s->th[t->id], t);
	gp_st_make_it_fail(s, false);
	return 0;
}

/* The checks of a finished run; @st receives the pool's counters. */
static void gp_st_check(struct poolst *s, struct gosync_pool_stats *st,
			u64 gets, u64 nulls, u64 puts)
{
	struct pooldbg *t = &s->t;
	const char *why;
	long x, y;

	puts += gp_plant(t, GP_ST_INJ_COUNT);
	if (gets != puts)
		gosync_violation(t->v, "%llu gets but %llu puts", gets, puts);
	t->gets = gets + nulls;
	t->get_nulls = nulls;
	t->puts = puts;
	if (s->a.mode == GP_ST_DESTROY) {
		*st = s->sum;
		if (st->hits + st->misses != t->gets)
			gosync_violation(t->v, "hits %llu + misses %llu != gets %llu", st->hits,
					 st->misses, t->gets);
		if (st->ctor_failed != nulls)
			gosync_violation(t->v, "ctor_failed %llu != NULL gets %llu",
					 st->ctor_failed, nulls);
		if (atomic_long_read(&t->ctor_dirty))
			gosync_violation(t->v, "the constructor got memory that was not zeroed");
	} else {
		why = gp_check(t, &x, &y);
		if (why)
			gosync_violation(t->v, "%s (%ld, %ld)", why, x, y);
		gosync_pool_stats(t->pool, st);
		gosync_pool_destroy(t->pool);
	}
	/* After destroy, every object constructed was destructed. */
	x = gp_free_diff(t) + gp_plant(t, GP_ST_INJ_FREE);
	if (x)
		gosync_violation(t->v,
				 "%llu constructed, destructor calls off by %+ld after destroy",
				 st->constructed, x);
	if (t->inject && !atomic_read(&t->injected))
		gosync_violation(t->v, "inject=%s was not planted", gp_st_inject_names[t->inject]);
}

static int gp_st_exec(struct gosync_cmd_file *f, char *line, struct seq_buf *out)
{
	u64 gets = 0, nulls = 0, puts = 0, irq_ops = 0, ops = 0;
	struct gosync_pool_stats st;
	struct gp_st_args a;
	struct poolst *s;
	unsigned int i;
	int ret, err;

	ret = gosync_args_parse(&gosync_pool_stress_args, line, &a, out, f->who);
	if (ret)
		return ret;
	s = kvzalloc(struct_size(s, th, a.threads), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->a = a;
	s->period = ns_to_ktime((u64)a.timer_us * NSEC_PER_USEC);
	s->t.size = a.size;
	s->t.max_objects = a.max_objects;
	s->t.flags = a.irqsafe ? GOSYNC_POOL_IRQSAFE : 0;
	s->t.drop = a.mode == GP_ST_DESTROY ? 2 : 0;
	s->t.inject = a.inject;
	s->t.v = &s->v;
	if (a.poison)
		s->t.poison = min_t(unsigned int, a.size - sizeof(struct gp_obj),
				    GP_ST_CHECK_MAX);
	gosync_violations_init(&s->v, "pool: stress");
	for (i = 0; i < a.threads; i++) {
		s->th[i].st = s;
		s->th[i].id = i;
	}
	/* destroy mode makes a pool per cycle. */
	ret = a.mode == GP_ST_DESTROY ? 0 : gp_new_pool(&s->t, "stress", 0, a.cpu_cache, false);
	if (ret) {
		kvfree(s);
		return gp_err(out, ret, "stress: gosync_pool_create() failed (%d)", ret);
	}
	s->run = (struct gosync_run){
		.name = "pool", .body = gp_st_body, .nr_threads = a.threads,
		.duration_ms = a.duration_ms, .data = s, .v = &s->v,
	};
	ret = gosync_run_threads(&s->run);
	if (!s->run.go) {
		gosync_pool_destroy(s->t.pool);	/* none in destroy mode */
		ret = gp_err(out, ret, "stress: the run failed (%d)", ret);
		goto out;
	}
	/* Every body ran to its end (an xcpu consumer empties its ring). */
	for (i = 0; i < a.threads; i++) {
		struct gp_st_thread *th = &s->th[i];

		ops += s->run.threads[i].ops;
		gets += th->gets[0] + th->gets[1];
		nulls += th->nulls[0] + th->nulls[1];
		puts += th->puts[0] + th->puts[1];
		irq_ops += th->gets[1] + th->nulls[1];
	}
	gp_st_check(s, &st, gets, nulls, puts);
	err = gosync_run_result(&s->run, out,
				"mode=%s threads=%u ops=%llu gets=%llu nulls=%llu puts=%llu irq_ops=%llu hits=%llu misses=%llu refills=%llu steals=%llu constructed=%llu ctor_failed=%llu spills=%llu dropped=%llu shrunk=%llu objects=%ld cached=%ld depot=%ld dtors=%ld failslab=%u cycles=%llu",
				gp_st_mode_names[a.mode], a.threads, ops,
				gets, nulls, puts, irq_ops, st.hits, st.misses,
				st.refills, st.steals, st.constructed,
				st.ctor_failed, st.spills, st.dropped,
				st.shrunk, st.objects, st.cached, st.depot,
				atomic_long_read(&s->t.dtors), a.failslab,
				s->cycles);
	ret = ret ?: err;
out:
	gosync_run_free(&s->run);
	kvfree(s);
	return ret;
}

/*
 * The "pool" directory. gosync.ko's pool library is initialized before
 * this module loads, so its workqueue and hotplug state outlive every
 * pool made here.
 */
DEFINE_GOSYNC_COMPONENT(pool) = {
	.name = "pool",
	.exit = gp_exit,
	.files = (struct gosync_cmd_file []){
		{ .name = "cmd", .exec = gp_exec },
		{ .name = "stress", .exec = gp_st_exec },
		{}
	},
};
