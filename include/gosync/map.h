/* SPDX-License-Identifier: GPL-2.0 */
/**
 * DOC: gosync_map
 *
 * A concurrent map with lockless reads: the kernel's sync.Map.
 * ``#include <gosync/map.h>``.
 *
 * Keys are copied into the map; values are opaque, non-NULL pointers that
 * the map stores and hands back (NULL means "no value" in every return).
 * A key is one of three kinds, chosen at init:
 *
 * - %GOSYNC_MAP_KEY_U64: a u64; the key argument points to a u64.
 * - %GOSYNC_MAP_KEY_BINARY: key_len bytes (1..%GOSYNC_MAP_KEY_MAX).
 * - %GOSYNC_MAP_KEY_STRING: a NUL-terminated string of at most
 *   %GOSYNC_MAP_KEY_MAX - 1 characters.
 *
 * Placement. A struct gosync_map lives in static storage or in memory
 * from kmalloc() or vmalloc(), never on the stack, and is never copied:
 * gosync_map_init() initializes a work item, which
 * CONFIG_DEBUG_OBJECTS_WORK reports, with a WARNING, when it is on a
 * stack ("ODEBUG: object ... is on stack ..., but NOT annotated"). Its
 * memory may be freed once gosync_map_destroy() has returned.
 *
 * How it works. A table is an array of buckets, each a singly linked RCU
 * chain with its own spinlock. Lookups hash the key with the table's random
 * seed and walk one chain under rcu_read_lock(): no lock, no atomic write,
 * no retry. Writers lock one bucket. Values are replaced in place with one
 * atomic exchange, so store, swap and compare-and-swap on an existing key
 * allocate nothing (unless a release callback must be deferred).
 *
 * Resizing and reseeding. When the load passes 1 entry per bucket, drops
 * below 1/8, or a chain reaches %GOSYNC_MAP_CHAIN_MAX entries (crafted keys,
 * or bad luck), a worker builds the next table (new size, new seed) beside
 * the current one and copies entries bucket by bucket. Meanwhile the
 * current table stays complete and is the only one readers use; writers
 * apply each change to both tables under both bucket locks (and start
 * over on the new table if it was published while they took them). When
 * the copy is complete the new table is published with one pointer store
 * and the old one is freed after a grace period. Lookups never stall and never
 * retry during a resize, as in relativistic hash tables (Triplett,
 * McKenney and Walpole, USENIX ATC 2011); unlike their zip/unzip scheme,
 * entries are copied, which costs memory during the copy but lets one
 * mechanism both resize and reseed, and keeps each table a plain set of
 * chains that gosync_map_range() can walk exactly once.
 *
 * Memory ordering. Every call that puts a value into the map (store, swap,
 * load_or_store, compare_and_swap) publishes it with release semantics,
 * and every call that returns a value read from the map reads it with
 * acquire semantics. So whatever the storing thread wrote before storing a
 * value (typically, the object the value points to) is visible to a thread
 * that gets the value back.
 *
 * Value ownership. A successful store, swap, load_or_store (returning 0)
 * or compare_and_swap hands its new value to the map; a call that fails
 * (load_or_store's -EEXIST included) takes nothing, and the caller still
 * owns the value it passed. A value leaves the map when it is replaced,
 * swapped out, deleted, cleared or destroyed. Without a release callback
 * the map never frees a value: whoever removed it owns it again, but
 * lockless readers may still be using it, so free it after an RCU grace
 * period (kfree_rcu(), synchronize_rcu()).
 *
 * With a release callback, the map keeps ownership to the end: the
 * callback is called once per departure (storing a value over itself is
 * not one; a value stored under two keys departs from each), after an RCU
 * grace period that begins during the call that removed it. So a value the
 * map hands back is valid only until the end of an RCU read-side critical
 * section that was already open when the call was made:
 *
 * - gosync_map_load(), and the value gosync_map_load_or_store() returns
 *   in *actual: the value is still in the map, but a concurrent writer
 *   may remove it at any moment; use it inside the rcu_read_lock()
 *   section around the call.
 * - gosync_map_swap() and gosync_map_load_and_delete(), in *old: the value
 *   has already departed and its release is queued. Use it only inside an
 *   rcu_read_lock() section that encloses the call (load_and_delete never
 *   allocates, so it may always be called there; swap only on a map whose
 *   gfp flags do not allow blocking). Outside one, *old tells which value
 *   was there, but the callback may have run already: do not dereference
 *   it. This is where the map differs from Go's sync.Map, whose caller
 *   keeps using what LoadAndDelete or Swap returned.
 *
 * A caller that needs a removed value beyond that section either has no
 * release callback and frees values itself as above, or counts
 * references: the release callback drops the map's reference, and the
 * caller takes its own (kref_get_unless_zero()) inside the rcu_read_lock()
 * section around the call. The callback runs in softirq or process
 * context (RCU callbacks run in kthreads on PREEMPT_RT and with
 * rcu_nocbs; a workqueue worker releases what gosync_map_clear() removed,
 * and gosync_map_destroy() what is left) and must not sleep.
 *
 * Context rules. gosync_map_load(), gosync_map_len(), gosync_map_range()
 * and gosync_map_stats() run in any context, including hardirq, and never
 * block. The writes (store, load_or_store, swap, compare_and_swap, delete,
 * load_and_delete, compare_and_delete) and clear run in any context if the
 * map's gfp flags do not allow blocking (GFP_ATOMIC, GFP_NOWAIT), and in
 * process context otherwise; delete, load_and_delete and
 * compare_and_delete never allocate and run in any context whatever the
 * flags. They spin on one bucket lock (two while a resize runs) with
 * interrupts disabled and never wait for the resize worker.
 * gosync_map_init() runs in process context if opts->gfp may block (0
 * means GFP_KERNEL). gosync_map_destroy() runs in process context and
 * sleeps; no other call on the map may run or follow.
 *
 * PREEMPT_RT: the bucket locks are spinlock_t, which sleep there, and
 * spin_lock_irqsave() leaves interrupts and preemption on. load, len,
 * range and stats take no lock and still run in any context. The writes
 * and clear run in process context, softirq and threaded interrupt
 * handlers (threads on RT), with GFP_ATOMIC or GFP_NOWAIT maps there as
 * elsewhere, but not in hard interrupt context (an hrtimer callback
 * marked HRTIMER_MODE_*_HARD, an IRQF_NO_THREAD handler) nor with a
 * raw_spinlock_t held or interrupts or preemption disabled. Two tasks of
 * one CPU may then write concurrently: the per-CPU entry count is kept
 * with this_cpu operations, so len stays exact.
 *
 * Limits: %GOSYNC_MAP_KEY_MAX bytes of key; at most %GOSYNC_MAP_MAX_BUCKETS
 * buckets (the map keeps working beyond, with longer chains); an optional
 * maximum number of entries. Errors: -EINVAL (NULL key, NULL value, bad
 * option), -ENAMETOOLONG (string key too long), -ENOMEM, -ENOSPC
 * (max_entries reached), -ENOENT (no such key), -EEXIST (load_or_store
 * found a value), -EAGAIN (compare_and_swap, compare_and_delete: the
 * current value is not the expected one; not "try again later"). A call
 * that fails leaves the map unchanged.
 *
 * Example, string keys and values freed by the release callback (as
 * selftests/consumer/gosync_consumer.c does)::
 *
 *	static struct gosync_map words;
 *	struct gosync_map_opts opts = {
 *		.key_kind = GOSYNC_MAP_KEY_STRING,
 *		.release = free_word,
 *		.gfp = GFP_KERNEL,	// GFP_ATOMIC: write from atomic context
 *	};
 *
 *	ret = gosync_map_init(&words, &opts);
 *	ret = gosync_map_store(&words, "alpha", w);	// insert or overwrite
 *	rcu_read_lock();
 *	w = gosync_map_load(&words, "alpha");		// NULL if absent
 *	use(w);				// valid until rcu_read_unlock()
 *	rcu_read_unlock();
 *	gosync_map_destroy(&words);	// releases what is left
 */
#ifndef _GOSYNC_MAP_H
#define _GOSYNC_MAP_H

#include <linux/bits.h>
#include <linux/gfp.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include <gosync/gosync.h>

/* Longest key, in bytes; a string key may hold this many minus its NUL. */
#define GOSYNC_MAP_KEY_MAX	256
/* A chain this long makes the map reseed its hash (and resize if due). */
#define GOSYNC_MAP_CHAIN_MAX	16
#define GOSYNC_MAP_MIN_BUCKETS	16
#define GOSYNC_MAP_MAX_BUCKETS	BIT(26)

/**
 * enum gosync_map_key_kind - what a key is
 * @GOSYNC_MAP_KEY_U64: a u64, passed by address
 * @GOSYNC_MAP_KEY_BINARY: a fixed number of bytes (opts->key_len)
 * @GOSYNC_MAP_KEY_STRING: a NUL-terminated string shorter than
 *	GOSYNC_MAP_KEY_MAX bytes with its NUL
 */
enum gosync_map_key_kind {
	GOSYNC_MAP_KEY_U64,
	GOSYNC_MAP_KEY_BINARY,
	GOSYNC_MAP_KEY_STRING,
};

/**
 * typedef gosync_map_release_t - called when a value leaves the map
 * @value: the value
 * @arg: gosync_map_opts.release_arg
 *
 * Called after an RCU grace period, in softirq or process context; must
 * not sleep and must not call into the same map.
 */
typedef void (*gosync_map_release_t)(void *value, void *arg);

/**
 * typedef gosync_map_range_fn - visitor of gosync_map_range()
 * @key: the entry's key (a u64 *, the key bytes, or the string)
 * @value: the entry's value
 * @arg: the caller's argument
 *
 * Called under rcu_read_lock(), so it must not sleep: it may call the
 * map functions that never block (load, len, and the writes of a map whose
 * gfp flags do not allow blocking), on this map too.
 *
 * Return: true to continue, false to stop the iteration.
 */
typedef bool (*gosync_map_range_fn)(const void *key, void *value, void *arg);

/**
 * struct gosync_map_opts - how a map is set up
 * @name: optional: a map with a name appears in debugfs, and its trace
 *	events carry the name (see "Debugfs and tracepoints" in
 *	<gosync/gosync.h>); not copied: it must outlive the map
 * @key_kind: the kind of key
 * @key_len: key size in bytes for GOSYNC_MAP_KEY_BINARY
 *	(1..GOSYNC_MAP_KEY_MAX); ignored for the other kinds
 * @size_hint: expected number of entries; the table starts with 4/3 as
 *	many buckets (rounded up to a power of two) and never shrinks below
 *	that (0: GOSYNC_MAP_MIN_BUCKETS)
 * @max_entries: 0 for no limit; otherwise a store that would add an entry
 *	beyond it fails with -ENOSPC and leaves the map unchanged (bounded
 *	maps count entries in one shared atomic)
 * @release: optional; called for each value that leaves the map
 * @release_arg: passed to @release
 * @gfp: flags for every allocation the map makes on behalf of a caller
 *	(a first try under a bucket lock drops __GFP_DIRECT_RECLAIM and adds
 *	__GFP_NOWARN); the resize worker uses GFP_KERNEL. 0 means GFP_KERNEL.
 */
struct gosync_map_opts {
	const char *name;
	enum gosync_map_key_kind key_kind;
	unsigned int key_len;
	unsigned int size_hint;
	unsigned long max_entries;
	gosync_map_release_t release;
	void *release_arg;
	gfp_t gfp;
};

struct gosync_map_table;

/**
 * struct gosync_map - a concurrent map; embed it, treat it as opaque
 * @tbl: the current table (RCU)
 * @opts: the options it was created with
 * @key_size: bytes of a stored key (strings: the maximum)
 * @min_buckets: never shrink below this
 * @resize_lock: serializes resizes and the freeing of replaced tables
 * @resize_work: runs resizes and reseeds
 * @grows: completed resizes to more buckets
 * @shrinks: completed resizes to fewer buckets
 * @reseeds: completed copies caused by a long chain
 * @aborts: copies abandoned (no memory, or the map was cleared)
 * @dying: set by gosync_map_destroy(); no new resize may start
 * @face: its debugfs entry, or NULL
 */
struct gosync_map {
	struct gosync_map_table __rcu *tbl;
	struct gosync_map_opts opts;
	unsigned int key_size;
	unsigned int min_buckets;
	struct mutex resize_lock;	/* serializes resizes and table frees */
	struct work_struct resize_work;
	atomic_t grows;
	atomic_t shrinks;
	atomic_t reseeds;
	atomic_t aborts;
	bool dying;
	struct gosync_face *face;
};

/**
 * struct gosync_map_stats - a snapshot of a map's shape
 * @entries: gosync_map_len()
 * @buckets: buckets of the current table
 * @longest_chain: entries in the longest chain of the current table
 * @resizing: a copy to a new table is in progress
 * @grows: see struct gosync_map
 * @shrinks: see struct gosync_map
 * @reseeds: see struct gosync_map
 * @aborts: see struct gosync_map
 */
struct gosync_map_stats {
	unsigned long entries;
	unsigned int buckets;
	unsigned int longest_chain;
	bool resizing;
	unsigned int grows;
	unsigned int shrinks;
	unsigned int reseeds;
	unsigned int aborts;
};

/**
 * gosync_map_init() - set up a map
 * @m: the map, in static or allocated memory, never on the stack (see
 *	"Placement" in <gosync/map.h>)
 * @opts: key kind, sizing, bound, release callback and gfp flags; copied,
 *	so it may be on the stack
 *
 * Allocates the first table, of 4/3 @opts->size_hint buckets rounded up to
 * a power of two (at least %GOSYNC_MAP_MIN_BUCKETS), with @opts->gfp.
 *
 * Context: process context if @opts->gfp may block (0 means GFP_KERNEL);
 * any context otherwise.
 * Return: 0; -EINVAL if @m or @opts is NULL, the key kind is unknown, or a
 * binary key's length is not 1..%GOSYNC_MAP_KEY_MAX; -ENOMEM.
 */
int gosync_map_init(struct gosync_map *m, const struct gosync_map_opts *opts);

/**
 * gosync_map_destroy() - free a map and everything in it
 * @m: the map
 *
 * Waits for readers and for every deferred release the map queued, then
 * calls the release callback, from this call, on every value still stored,
 * and frees all memory. When it returns no release callback of @m runs any
 * more, so the caller's module may unload, and @m's memory may be freed.
 *
 * Context: process context; sleeps. No other call on @m may be running
 * or follow.
 */
void gosync_map_destroy(struct gosync_map *m);

/**
 * gosync_map_load() - look a key up
 * @m: the map
 * @key: the key
 *
 * Takes no lock and writes no shared memory. The value is read with
 * acquire semantics (see "Memory ordering" in <gosync/map.h>). If the map
 * has a
 * release callback, the value stays valid only until the end of the
 * caller's rcu_read_lock() section around the call; called outside one,
 * the value may be released before the caller looks at it (see "Value
 * ownership" in <gosync/map.h>).
 *
 * Context: any context, hardirq included; never blocks.
 * Return: the value, or NULL if the key is absent, NULL or (a string) too
 * long.
 */
void *gosync_map_load(struct gosync_map *m, const void *key);

/**
 * gosync_map_store() - set a key's value, adding the key if absent
 * @m: the map
 * @key: the key, copied into the map
 * @value: the value, not NULL; the map owns it once this returns 0
 *
 * A replaced value departs: the release callback, if any, gets it after a
 * grace period. Storing the value a key already has is not a departure.
 * On a map with a release callback, replacing a value allocates (with the
 * map's gfp flags) to defer its release.
 *
 * Context: any context if the map's gfp flags do not allow blocking,
 * process context otherwise; not in hard interrupt context on PREEMPT_RT
 * (see "Context rules" in <gosync/map.h>).
 * Return: 0; -EINVAL if @key or @value is NULL; -ENAMETOOLONG for a string
 * key of %GOSYNC_MAP_KEY_MAX bytes or more; -ENOMEM; -ENOSPC if the key is
 * new and the map holds max_entries entries. On error the map is
 * unchanged and the caller still owns @value.
 */
int gosync_map_store(struct gosync_map *m, const void *key, void *value);

/**
 * gosync_map_load_or_store() - get a key's value, storing @value if absent
 * @m: the map
 * @key: the key
 * @value: the value to store if the key is absent, not NULL
 * @actual: if not NULL, gets the value now stored under @key: @value if
 *	it was stored, the existing value otherwise; left untouched on the
 *	other errors
 *
 * *@actual is still in the map when this returns, but a concurrent writer
 * may remove it at once: with a release callback it is valid only until
 * the end of an rcu_read_lock() section around the call (possible on a
 * map whose gfp flags do not allow blocking), as for gosync_map_load().
 *
 * Context: as gosync_map_store().
 * Return: 0 if @value was stored (the map owns it); -EEXIST if the key
 * already had a value (in *@actual; @value was not stored and the caller
 * still owns it); or an error of gosync_map_store().
 */
int gosync_map_load_or_store(struct gosync_map *m, const void *key,
			     void *value, void **actual);

/**
 * gosync_map_load_and_delete() - remove a key and return its value
 * @m: the map
 * @key: the key
 * @old: if not NULL, gets the removed value, or NULL on error
 *
 * With a release callback the map still releases the removed value, after
 * a grace period that begins during this call: *@old may be dereferenced
 * only inside an rcu_read_lock() section that encloses the call; outside
 * one, it only tells which value was removed (see "Value ownership"
 * in <gosync/map.h>). Without a release callback the caller owns the
 * value again
 * (free it after a grace period: readers may still use it).
 *
 * Context: any context (never allocates); not in hard interrupt context
 * on PREEMPT_RT.
 * Return: 0; -ENOENT if the key is absent; -EINVAL if @key is NULL;
 * -ENAMETOOLONG for a string key that is too long.
 */
int gosync_map_load_and_delete(struct gosync_map *m, const void *key,
			       void **old);

/**
 * gosync_map_delete() - remove a key
 * @m: the map
 * @key: the key
 *
 * The value departs: the release callback, if any, gets it after a grace
 * period.
 *
 * Context: any context (never allocates); not in hard interrupt context
 * on PREEMPT_RT.
 * Return: 0; -ENOENT if the key is absent; -EINVAL if @key is NULL;
 * -ENAMETOOLONG for a string key that is too long.
 */
int gosync_map_delete(struct gosync_map *m, const void *key);

/**
 * gosync_map_swap() - set a key's value and return the previous one
 * @m: the map
 * @key: the key
 * @value: the new value, not NULL; the map owns it once this returns 0
 * @old: if not NULL, gets the previous value, or NULL if the key was
 *	absent (and has been added) or on error
 *
 * The previous value departs as in gosync_map_load_and_delete(): with a
 * release callback, *@old may be dereferenced only inside an
 * rcu_read_lock() section that encloses the call, which the map's gfp
 * flags must then not allow to block; otherwise it only tells which value
 * was there. Swapping in the value the key already has is not a
 * departure.
 *
 * Context: as gosync_map_store().
 * Return: 0, or an error of gosync_map_store() (map unchanged, the caller
 * still owns @value).
 */
int gosync_map_swap(struct gosync_map *m, const void *key, void *value,
		    void **old);

/**
 * gosync_map_compare_and_swap() - replace a key's value if it is @old
 * @m: the map
 * @key: the key
 * @old: the expected current value, not NULL
 * @new: the new value, not NULL; the map owns it once this returns 0
 *
 * Compares values (pointers), not objects. On success @old departs (the
 * release callback, if any, gets it after a grace period, unless @new is
 * @old). Allocates only if the map has a release callback (to defer the
 * release of @old).
 *
 * Context: as gosync_map_store().
 * Return: 0 if swapped; -ENOENT if the key is absent; -EAGAIN if its
 * value is not @old (a mismatch, not "try again later"); -EINVAL if @key,
 * @old or @new is NULL; -ENAMETOOLONG; -ENOMEM. On error the caller still
 * owns @new.
 */
int gosync_map_compare_and_swap(struct gosync_map *m, const void *key,
				void *old, void *new);

/**
 * gosync_map_compare_and_delete() - remove a key if its value is @old
 * @m: the map
 * @key: the key
 * @old: the expected current value, not NULL
 *
 * On success @old departs, as in gosync_map_delete().
 *
 * Context: any context (never allocates); not in hard interrupt context
 * on PREEMPT_RT.
 * Return: 0 if deleted; -ENOENT if the key is absent; -EAGAIN if its
 * value is not @old; -EINVAL if @key or @old is NULL; -ENAMETOOLONG.
 */
int gosync_map_compare_and_delete(struct gosync_map *m, const void *key,
				  void *old);

/**
 * gosync_map_range() - call @fn for each entry
 * @m: the map
 * @fn: the visitor; returns false to stop (see gosync_map_range_fn)
 * @arg: passed to @fn
 *
 * Walks one table under one rcu_read_lock() section. Every entry present
 * for the whole iteration is visited exactly once, even if the map is
 * resized meanwhile (the walk stays on the table it started on, which
 * stays complete until it is replaced and then frozen). An entry added or
 * removed during the iteration is visited at most once; a value replaced
 * during the iteration is seen either before or after. After a concurrent
 * gosync_map_clear() the walk continues over the entries that were
 * cleared. The key and value @fn gets are valid during its call only.
 * Keep @fn short: a long walk is a long RCU read-side section.
 *
 * Context: any context, hardirq included; never blocks (nor may @fn).
 * Return: the number of entries visited (including the one whose visit
 * returned false).
 */
unsigned long gosync_map_range(struct gosync_map *m, gosync_map_range_fn fn,
			       void *arg);

/**
 * gosync_map_clear() - remove every entry
 * @m: the map
 *
 * Swaps in an empty table of %GOSYNC_MAP_MIN_BUCKETS buckets; a workqueue
 * worker frees the old one after a grace period and releases its values
 * (in process context). The caller pays two small allocations with the
 * map's gfp flags (the table, well under a page, and its per-CPU
 * counters), whatever the map holds and whatever its size hint. If the
 * map's minimum size is larger, the resize worker grows the table back to
 * it afterwards, in process context. A write concurrent with the clear
 * takes effect either before it (and is cleared) or after it.
 *
 * Context: as gosync_map_store().
 * Return: 0, or -ENOMEM (map unchanged).
 */
int gosync_map_clear(struct gosync_map *m);

/**
 * gosync_map_len() - number of entries
 * @m: the map
 *
 * Sums per-CPU counters: cheap, never blocks, exact when no write runs
 * concurrently (a bounded map reads its one atomic counter).
 *
 * Context: any context, hardirq included.
 * Return: the number of entries.
 */
unsigned long gosync_map_len(struct gosync_map *m);

/**
 * gosync_map_stats() - describe a map's shape
 * @m: the map
 * @st: filled in
 *
 * Walks every chain to find the longest: O(entries), for debugging and
 * tests, not for hot paths.
 *
 * Context: any context, hardirq included.
 */
void gosync_map_stats(struct gosync_map *m, struct gosync_map_stats *st);

#endif /* _GOSYNC_MAP_H */
