/* SPDX-License-Identifier: GPL-2.0 */
/**
 * DOC: gosync_pool
 *
 * Per-CPU object pools: the kernel's sync.Pool.
 * ``#include <gosync/pool.h>``.
 *
 * A pool hands out objects of one size and takes them back for reuse.
 * A get that finds nothing cached allocates a new object and runs the
 * pool's constructor on it (Go's New); a put caches the object, after an
 * optional reset, for the next get. Cached objects are returned to the
 * kernel when memory runs short.
 *
 * How it works (Bonwick's magazines, as in Solaris' and SLUB's caches).
 * Each CPU owns two magazines, arrays of up to cpu_cache / 2 object
 * pointers: "loaded", which get pops from and put pushes to, and "prev".
 * The fast path of get and put touches only the local CPU's magazines, with
 * interrupts (IRQ-safe pools) or preemption disabled: no lock and no atomic
 * read-modify-write (on PREEMPT_RT, a per-CPU lock instead). When loaded is
 * empty (get) or full (put) and prev can't help, the CPU exchanges a whole
 * magazine with the depot under a spinlock: one lock round per cpu_cache / 2
 * objects. The depot is sharded per CPU. A get whose own shard has no objects
 * steals a magazine from another CPU's shard (leaving its empty one there, so a
 * producer CPU and a consumer CPU keep passing magazines back and forth), and
 * only when every shard is empty runs the constructor.
 *
 * Memory pressure. A shrinker frees cached objects from the depot in
 * proportion to what reclaim asks, through a victim tier like Go's: a
 * magazine spilled to the depot since the last scan is "young"; a scan
 * frees only "old" magazines, and ages the young ones when no old one is
 * left. So objects cached since the last scan survive one more, and a busy
 * pool, which keeps taking young magazines back, is never emptied by one
 * scan. The per-CPU magazines (at most cpu_cache objects per CPU) are not
 * scanned.
 *
 * CPU hotplug: when a CPU goes offline its magazines move to the depot.
 *
 * Destroy. gosync_pool_destroy() frees every cached object at once. An
 * object still out may be put back later: put then destructs and frees it
 * (the pool can no longer cache), and the last such put frees the pool's
 * remaining memory from a workqueue, as lib/objpool.c's objpool_drop()
 * allows. A put may also run concurrently with destroy, whether it caches
 * its object or drops it (the reset refused it, or no magazine could be
 * had): an object counts as out until the pool is done with it, so the
 * pool, its kmem_cache included, outlives every put that still uses it.
 * No other call on a destroyed pool is allowed.
 *
 * Context rules.
 *
 * - gosync_pool_get(), gosync_pool_put() (and the byte buffers' get and
 *   put): for a pool created with %GOSYNC_POOL_IRQSAFE, any context
 *   (hardirq, softirq, process) provided get's gfp does not allow
 *   blocking outside process context. Otherwise process context only
 *   (preemption may be disabled; not from softirq or hardirq, which could
 *   interrupt the same CPU's fast path). get sleeps only in the
 *   constructor path, and only if gfp allows it.
 * - gosync_pool_create(), gosync_pool_destroy(): process context; they
 *   sleep. gosync_pool_shrink(): process context.
 * - PREEMPT_RT: a CPU's cache is guarded by a local_lock_t, a per-CPU
 *   spinlock_t there (it sleeps), so get and put, IRQ-safe pool or not,
 *   run in process context, softirq and threaded interrupt handlers, but
 *   not in hard interrupt context (an hrtimer marked HRTIMER_MODE_*_HARD,
 *   an IRQF_NO_THREAD handler) nor with a raw_spinlock_t held or
 *   interrupts or preemption disabled. Two tasks of one CPU then take
 *   turns on its cache; the counts stay exact.
 * - Constructor, reset and destructor run in the context of the call that
 *   triggers them, outside the pool's own interrupts-off or preemption-off
 *   section (except that the shrinker may destruct the objects of one
 *   partly freed magazine with interrupts off). The constructor may sleep
 *   if the get's gfp allows; reset and destructor must not sleep; none may
 *   call into the same pool.
 *
 * Errors: create returns an ERR_PTR, never NULL: -EINVAL (bad option),
 * -ENOMEM. get returns NULL when the pool has nothing cached and the
 * allocation, the constructor or the total bound fails.
 *
 * Byte buffers. A struct gosync_bufpool is a pool of struct gosync_buf,
 * Go's bytes.Buffer with a pool behind it: gosync_buf_get() hands out an
 * empty buffer (len 0) of at least the pool's size; the caller writes up
 * to cap bytes at data and sets len; gosync_buf_reserve(buf, n, gfp)
 * makes room for n more bytes after len (cap >= len + n) and may move
 * data; gosync_buf_put() gives it back. The bytes are never cleared: a
 * buffer comes back with whatever its last user wrote, or with
 * uninitialized memory if it is new. A buffer whose cap grew beyond the
 * pool's max_cap is freed on put instead of cached, so one large message
 * does not pin its memory. The flags of gosync_bufpool_init() are
 * %GOSYNC_POOL_IRQSAFE (get and put in any context, as above) and
 * %GOSYNC_POOL_ACCOUNT (the buffer and the data of a new buffer are
 * charged to the getter's memcg; gosync_buf_reserve() charges what it
 * allocates only if its gfp has __GFP_ACCOUNT); the pool's own reset
 * empties buffers on put, so %GOSYNC_POOL_RESET_ON_GET is refused.
 *
 * Example, a typed pool (DEFINE_GOSYNC_POOL())::
 *
 *	static int conn_init(struct conn *c, void *arg, gfp_t gfp)
 *	{
 *		c->buf = kmalloc(4096, gfp);	// Go's New
 *		return c->buf ? 0 : -ENOMEM;
 *	}
 *	DEFINE_GOSYNC_POOL(conn, struct conn, conn_init);
 *
 *	struct conn_pool cp;
 *	struct gosync_pool_opts o = { .name = "conn", .dtor = conn_free };
 *
 *	ret = conn_pool_create(&cp, &o);	// size, align, ctor: the type's
 *	c = conn_pool_get(&cp, GFP_KERNEL);	// struct conn *, or NULL
 *	conn_pool_put(&cp, c);
 *	conn_pool_destroy(&cp);
 */
#ifndef _GOSYNC_POOL_H
#define _GOSYNC_POOL_H

#include <linux/bits.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/types.h>

#include <gosync/gosync.h>

/* Most objects one CPU may cache (its two magazines together). */
#define GOSYNC_POOL_CPU_CACHE_MAX	1024
#define GOSYNC_POOL_CPU_CACHE_DEFAULT	32
/* Largest object size and alignment. */
#define GOSYNC_POOL_SIZE_MAX		(4U * 1024 * 1024)
#define GOSYNC_POOL_ALIGN_MAX		4096U

/* gosync_pool_opts.flags */
/*
 * Usable from any context: the fast path disables interrupts (on
 * PREEMPT_RT: any but hard interrupt context; see "Context rules").
 */
#define GOSYNC_POOL_IRQSAFE		BIT(0)
/* Run @reset on get (just before the object is returned), not on put. */
#define GOSYNC_POOL_RESET_ON_GET	BIT(1)
/* Allocate objects with __GFP_ACCOUNT (charged to the getter's memcg). */
#define GOSYNC_POOL_ACCOUNT		BIT(2)
#define GOSYNC_POOL_FLAGS_ALL		GENMASK(2, 0)

/**
 * typedef gosync_pool_ctor_t - prepare a new object (Go's New)
 * @obj: @size bytes of fresh, zeroed memory, aligned as asked
 * @arg: gosync_pool_opts.arg
 * @gfp: the flags of the gosync_pool_get() that missed, for allocations
 *	the constructor makes
 *
 * Return: 0, or a negative errno: the object is freed (the destructor is
 * not run) and the get returns NULL.
 */
typedef int (*gosync_pool_ctor_t)(void *obj, void *arg, gfp_t gfp);

/**
 * typedef gosync_pool_reset_t - clean an object for its next user
 * @obj: the object
 * @arg: gosync_pool_opts.arg
 *
 * Runs on put (or on get with GOSYNC_POOL_RESET_ON_GET), in the caller's
 * context; must not sleep.
 *
 * Return: true to keep the object, false to drop it: it is destructed and
 * freed instead of cached (say, a buffer that grew too big to keep).
 */
typedef bool (*gosync_pool_reset_t)(void *obj, void *arg);

/**
 * typedef gosync_pool_dtor_t - release what an object holds
 * @obj: the object, about to be freed
 * @arg: gosync_pool_opts.arg
 *
 * Runs whenever the pool frees an object it constructed: on a drop, in
 * the shrinker, at destroy, on a put after destroy. Must not sleep.
 */
typedef void (*gosync_pool_dtor_t)(void *obj, void *arg);

/**
 * struct gosync_pool_opts - how a pool is set up
 * @name: for the pool's kmem_cache, shrinker and trace events (a copy
 *	is kept); a pool with a name appears in debugfs (see "Debugfs and
 *	tracepoints" in <gosync/gosync.h>); NULL for "gosync_pool", not in
 *	debugfs
 * @size: object size in bytes, 1..GOSYNC_POOL_SIZE_MAX
 * @align: object alignment, a power of two up to GOSYNC_POOL_ALIGN_MAX,
 *	or 0 for the kmem_cache default
 * @flags: GOSYNC_POOL_* flags
 * @cpu_cache: most objects cached per CPU, 2..GOSYNC_POOL_CPU_CACHE_MAX
 *	(two magazines of cpu_cache / 2), or 0 for
 *	GOSYNC_POOL_CPU_CACHE_DEFAULT
 * @max_objects: 0 for no limit; otherwise most objects the pool has at
 *	once (cached or out): a get that would construct one more returns
 *	NULL. Counted in one shared atomic, on construct and free only.
 * @ctor: optional constructor; a new object is zeroed memory either way
 * @reset: optional, run on put (or on get, see @flags)
 * @dtor: optional destructor
 * @arg: passed to @ctor, @reset and @dtor
 */
struct gosync_pool_opts {
	const char *name;
	unsigned int size;
	unsigned int align;
	unsigned int flags;
	unsigned int cpu_cache;
	unsigned long max_objects;
	gosync_pool_ctor_t ctor;
	gosync_pool_reset_t reset;
	gosync_pool_dtor_t dtor;
	void *arg;
};

/**
 * struct gosync_pool_stats - counters of a pool, summed over CPUs
 * @hits: gets served from the local CPU's magazines
 * @misses: gets that found both local magazines empty
 * @refills: magazines a get took from its own CPU's depot shard
 * @steals: magazines a get took from another CPU's depot shard
 * @constructed: objects made by a get (constructor succeeded)
 * @ctor_failed: gets that returned NULL (allocation, constructor or the
 *	total bound failed)
 * @spills: full magazines a put moved to the depot
 * @puts: objects put back, kept or not
 * @dropped: objects a put freed instead of caching (reset refused, no
 *	magazine could be allocated, or the pool was destroyed)
 * @shrunk: objects freed by the shrinker
 * @objects: objects the pool has now, cached or out
 * @cached: objects cached now (magazines of every CPU plus the depot)
 * @depot: of @cached, those in the depot (what the shrinker may free)
 */
struct gosync_pool_stats {
	u64 hits;
	u64 misses;
	u64 refills;
	u64 steals;
	u64 constructed;
	u64 ctor_failed;
	u64 spills;
	u64 puts;
	u64 dropped;
	u64 shrunk;
	long objects;
	long cached;
	long depot;
};

struct gosync_pool;

/**
 * gosync_pool_create() - make an object pool
 * @opts: object size and alignment, callbacks, bounds and flags (see
 *	struct gosync_pool_opts); copied (the name too), so it may be on the
 *	stack
 *
 * Makes the pool's kmem_cache (named "gosync_pool_<name>_<id>"), one pair
 * of magazines per possible CPU, a shrinker and a CPU hotplug instance.
 * Nothing is constructed in advance.
 *
 * Context: process context; sleeps.
 * Return: the pool; ERR_PTR(-EINVAL) if @opts is NULL, the size is 0 or
 * above %GOSYNC_POOL_SIZE_MAX, the alignment is not a power of two up to
 * %GOSYNC_POOL_ALIGN_MAX, a flag is unknown or cpu_cache is 1 or above
 * %GOSYNC_POOL_CPU_CACHE_MAX; ERR_PTR(-ENOMEM). Never NULL.
 */
struct gosync_pool *gosync_pool_create(const struct gosync_pool_opts *opts);

/**
 * gosync_pool_destroy() - free a pool and everything it caches
 * @pool: the pool, or NULL or an ERR_PTR (nothing happens)
 *
 * Destructs and frees every cached object. Objects still out stay valid;
 * each may be put back later (gosync_pool_put() then frees it), and the
 * last one frees what is left of the pool. An object never put back keeps
 * the pool's kmem_cache alive (and is a leak of the caller's). No call on
 * @pool other than gosync_pool_put() may run concurrently or follow; a
 * concurrent put, even one that drops its object, finishes with the pool
 * before the pool's memory is freed.
 *
 * Context: process context; sleeps (an RCU grace period).
 */
void gosync_pool_destroy(struct gosync_pool *pool);

/**
 * gosync_pool_get() - take an object from a pool
 * @pool: the pool
 * @gfp: allocation flags for a miss (object, constructor); they must suit
 *	the caller's context even when an object is cached (might_alloc()
 *	checks them on every call): GFP_ATOMIC or GFP_NOWAIT outside process
 *	context
 *
 * Returns a cached object if the local CPU, its depot shard or another
 * CPU's shard has one (in that order); otherwise a new object, zeroed and
 * passed to the constructor. A cached object is as the last put (or the
 * reset on put) left it; with %GOSYNC_POOL_RESET_ON_GET the reset runs
 * first, and an object it refuses is freed and the get goes on. The
 * caller owns the object until it puts it back.
 *
 * Context: any context for a %GOSYNC_POOL_IRQSAFE pool, process context
 * otherwise; not in hard interrupt context on PREEMPT_RT (see "Context
 * rules" in <gosync/pool.h>). Sleeps only if @gfp allows and nothing is
 * cached.
 * Return: the object, or NULL if nothing was cached and allocation, the
 * constructor or the pool's max_objects bound failed.
 */
void *gosync_pool_get(struct gosync_pool *pool, gfp_t gfp);

/**
 * gosync_pool_put() - give an object back to its pool
 * @pool: the pool the object came from
 * @obj: the object, or NULL (nothing happens)
 *
 * Runs the reset (unless the pool resets on get) and caches the object on
 * the local CPU, spilling a full magazine to the depot if needed. The
 * object is freed instead when the reset refuses it, when no magazine can
 * be allocated without blocking, and after gosync_pool_destroy(). The
 * caller must not touch @obj afterwards; putting an object twice, or into
 * another pool, corrupts the pool.
 *
 * Context: as gosync_pool_get(); never sleeps.
 */
void gosync_pool_put(struct gosync_pool *pool, void *obj);

/**
 * gosync_pool_stats() - read a pool's counters
 * @pool: the pool
 * @st: filled with the sums over all CPUs
 *
 * The counters are read without stopping the pool, so while it is in use
 * they are each recent but not a consistent snapshot. In a quiet pool,
 * @st->objects equals @st->constructed minus @st->dropped, @st->shrunk and
 * the objects freed by destroy, and @st->cached equals @st->objects minus
 * the objects out.
 *
 * Context: any context.
 */
void gosync_pool_stats(struct gosync_pool *pool, struct gosync_pool_stats *st);

/**
 * gosync_pool_shrink() - free cached objects as the pool's shrinker does
 * @pool: the pool
 * @nr: most objects to free
 *
 * Frees up to @nr objects from the depot's old magazines (those cached
 * before the previous scan), and empty magazines. When no old magazine is
 * left, the young ones become old, to be freed by a later call. Objects in
 * the CPUs' own magazines are not touched. The kernel's shrinker calls
 * this under memory pressure; a caller may call it to trim a pool.
 *
 * Context: process context (the destructor runs here, with interrupts
 * enabled except for at most one partly freed magazine per shard).
 * Return: the number of objects freed.
 */
unsigned long gosync_pool_shrink(struct gosync_pool *pool, unsigned long nr);

/**
 * DEFINE_GOSYNC_POOL() - a typed pool, Go's Pool[T]
 * @name: prefix of the generated type and functions
 * @type: the object's type
 * @ctor_fn: a constructor of type int (*)(@type *obj, void *arg, gfp_t gfp),
 *	or NULL
 *
 * Defines struct @name_pool (holding the pool) and static inline
 * @name_pool_create(struct @name_pool *, const struct gosync_pool_opts *),
 * @name_pool_destroy(), @name_pool_get(struct @name_pool *, gfp_t),
 * returning @type *, and @name_pool_put(struct @name_pool *, @type *).
 * @name_pool_create() sets size, alignment and constructor from @type and
 * @ctor_fn; the other fields of its options (which may be NULL) are used
 * as given. A constructor with the wrong argument types does not compile.
 */
#define DEFINE_GOSYNC_POOL(name, type, ctor_fn)				\
struct name##_pool {							\
	struct gosync_pool *pool;					\
};									\
static inline int name##_pool_ctor(void *obj, void *arg, gfp_t gfp)	\
{									\
	int (*fn)(type *obj, void *arg, gfp_t gfp) = (ctor_fn);		\
									\
	return fn ? fn(obj, arg, gfp) : 0;				\
}									\
static inline int name##_pool_create(struct name##_pool *tp,		\
				     const struct gosync_pool_opts *opts) \
{									\
	struct gosync_pool_opts o = {};					\
									\
	if (opts)							\
		o = *opts;						\
	o.size = sizeof(type);						\
	o.align = __alignof__(type);					\
	o.ctor = name##_pool_ctor;					\
	tp->pool = gosync_pool_create(&o);				\
	if (IS_ERR(tp->pool)) {						\
		int err = PTR_ERR(tp->pool);				\
									\
		tp->pool = NULL;					\
		return err;						\
	}								\
	return 0;							\
}									\
static inline void name##_pool_destroy(struct name##_pool *tp)		\
{									\
	gosync_pool_destroy(tp->pool);					\
	tp->pool = NULL;						\
}									\
static inline type *name##_pool_get(struct name##_pool *tp, gfp_t gfp)	\
{									\
	return gosync_pool_get(tp->pool, gfp);				\
}									\
static inline void name##_pool_put(struct name##_pool *tp, type *obj)	\
{									\
	gosync_pool_put(tp->pool, obj);					\
}

/**
 * struct gosync_buf - a byte buffer from a gosync_bufpool
 * @data: the bytes, @cap of them
 * @len: bytes in use (0 when the buffer comes from the pool)
 * @cap: bytes allocated
 */
struct gosync_buf {
	u8 *data;
	size_t len;
	size_t cap;
};

/**
 * struct gosync_bufpool - a pool of byte buffers with a size cap
 * @pool: the object pool of struct gosync_buf
 * @size: capacity of a new buffer
 * @max_cap: a buffer whose capacity grew beyond this is freed on put, not
 *	cached (so one huge buffer does not stay pinned)
 */
struct gosync_bufpool {
	struct gosync_pool *pool;
	size_t size;
	size_t max_cap;
};

/**
 * gosync_bufpool_init() - make a pool of byte buffers
 * @bp: the buffer pool to set up; its callbacks keep its address, so it
 *	must not move or be freed before gosync_bufpool_destroy()
 * @name: its name (see gosync_pool_opts.name); copied
 * @size: capacity of a new buffer, 1..KMALLOC_MAX_SIZE
 * @max_cap: largest capacity a put keeps, at least @size; a buffer grown
 *	beyond it (gosync_buf_reserve()) is freed on put, not cached
 * @flags: 0, or %GOSYNC_POOL_IRQSAFE and %GOSYNC_POOL_ACCOUNT (see "Byte
 *	buffers" in <gosync/pool.h>); no other flag
 *
 * Context: process context; sleeps.
 * Return: 0; -EINVAL for a @size of 0 or above KMALLOC_MAX_SIZE, a
 * @max_cap below @size, or another flag; -ENOMEM.
 */
int gosync_bufpool_init(struct gosync_bufpool *bp, const char *name,
			size_t size, size_t max_cap, unsigned int flags);

/**
 * gosync_bufpool_destroy() - free a buffer pool
 * @bp: the buffer pool
 *
 * Frees every cached buffer. Put every buffer back first: this clears
 * @bp->pool, so a gosync_buf_put() after it is a NULL pointer dereference,
 * and a buffer still out stays allocated, with the pool's kmem_cache.
 *
 * Context: process context; sleeps.
 */
void gosync_bufpool_destroy(struct gosync_bufpool *bp);

/**
 * gosync_buf_get() - take an empty buffer
 * @bp: the buffer pool
 * @gfp: allocation flags for a new buffer (its struct and its data), as
 *	for gosync_pool_get()
 *
 * The buffer's bytes are not cleared: they are what its last user left,
 * or uninitialized memory.
 *
 * Context: as gosync_pool_get().
 * Return: a buffer with len 0 and cap at least the pool's size (up to
 * its max_cap for a reused one), or NULL.
 */
struct gosync_buf *gosync_buf_get(struct gosync_bufpool *bp, gfp_t gfp);

/**
 * gosync_buf_put() - give a buffer back
 * @bp: the buffer pool it came from
 * @buf: the buffer, or NULL (nothing happens)
 *
 * A buffer whose capacity exceeds the pool's max_cap is freed (counted in
 * the pool's dropped statistic); any other gets len 0, keeps its bytes and
 * is cached. The caller must not touch @buf or its data afterwards.
 *
 * Context: as gosync_pool_put(); never sleeps.
 */
void gosync_buf_put(struct gosync_bufpool *bp, struct gosync_buf *buf);

/**
 * gosync_buf_reserve() - make room for @n more bytes
 * @buf: the buffer
 * @n: bytes to be appended after @buf->len
 * @gfp: allocation flags; add __GFP_ACCOUNT to charge the memory to the
 *	caller's memcg
 *
 * Ensures @buf->cap >= @buf->len + @n, as Go's Buffer.Grow(n); @buf->len
 * is not changed. If the buffer is too small, its data is reallocated
 * (krealloc()) to max(len + n, 2 * cap) bytes, or exactly len + n when
 * twice the capacity would exceed KMALLOC_MAX_SIZE: the data may move
 * (pointers into it are stale), its first len bytes are kept and the
 * bytes after them are uninitialized. A buffer grown beyond the pool's
 * max_cap is freed on put instead of cached. The call touches the buffer
 * only, not the pool.
 *
 * Context: any context if @gfp does not allow blocking; process context
 * otherwise. Allocates nothing, and never sleeps, if the room is there.
 * Return: 0; -EOVERFLOW if len + @n overflows; -ENOMEM if the allocation
 * fails or len + @n exceeds KMALLOC_MAX_SIZE. On error @buf is unchanged.
 */
int gosync_buf_reserve(struct gosync_buf *buf, size_t n, gfp_t gfp);

#endif /* _GOSYNC_POOL_H */
