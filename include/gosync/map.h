/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gosync_map: a concurrent map with lockless reads, the kernel's sync.Map.
 *
 * Keys are copied into the map; values are opaque, non-NULL pointers that
 * the map stores and hands back (NULL means "no value" in every return).
 * A key is one of three kinds, chosen at init:
 *
 *	GOSYNC_MAP_KEY_U64	a u64; the key argument points to a u64
 *	GOSYNC_MAP_KEY_BINARY	key_len bytes (1..GOSYNC_MAP_KEY_MAX)
 *	GOSYNC_MAP_KEY_STRING	a NUL-terminated string of at most
 *				GOSYNC_MAP_KEY_MAX - 1 characters
 *
 * How it works. A table is an array of buckets, each a singly linked RCU
 * chain with its own spinlock. Lookups hash the key with the table's random
 * seed and walk one chain under rcu_read_lock(): no lock, no atomic write,
 * no retry. Writers lock one bucket. Values are replaced in place with one
 * atomic exchange, so store, swap and compare-and-swap on an existing key
 * allocate nothing (unless a release callback must be deferred).
 *
 * Resizing and reseeding. When the load passes 1 entry per bucket, drops
 * below 1/8, or a chain reaches GOSYNC_MAP_CHAIN_MAX entries (crafted keys,
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
 * Value lifetime. A value leaves the map when it is replaced, swapped out,
 * deleted, cleared or destroyed. If the map has a release callback, it is
 * called once per departure (storing a value over itself is not one; a
 * value stored under two keys departs from each), after an RCU grace
 * period, so a value
 * obtained inside an rcu_read_lock() section stays valid until that
 * section ends. The callback runs in softirq or process context and must
 * not sleep. Without a callback the caller owns value lifetimes.
 *
 * Context rules:
 *	gosync_map_load(), gosync_map_len(), gosync_map_range():
 *		any context, including hardirq; never block.
 *	store, load_or_store, swap, compare_and_swap, delete,
 *	load_and_delete, compare_and_delete, clear:
 *		any context if the map's gfp flags do not allow blocking
 *		(GFP_ATOMIC, GFP_NOWAIT); process context otherwise. They
 *		spin on one bucket lock (two while a resize runs) with
 *		interrupts disabled and never wait for the resize worker.
 *	gosync_map_init(): process context if opts->gfp may block.
 *	gosync_map_destroy(): process context; sleeps; no other call on
 *		the map may run or follow.
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
 * Limits: GOSYNC_MAP_KEY_MAX bytes of key; at most GOSYNC_MAP_MAX_BUCKETS
 * buckets (the map keeps working beyond, with longer chains); an optional
 * maximum number of entries. Errors: -EINVAL (bad argument, NULL value,
 * key of the wrong size), -ENAMETOOLONG (string key too long), -ENOMEM,
 * -ENOSPC (max_entries reached), -ENOENT (no such key), -EEXIST
 * (load_or_store found a value), -EAGAIN (the current value is not the
 * expected one).
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

int gosync_map_init(struct gosync_map *m, const struct gosync_map_opts *opts);
void gosync_map_destroy(struct gosync_map *m);

void *gosync_map_load(struct gosync_map *m, const void *key);
int gosync_map_store(struct gosync_map *m, const void *key, void *value);
int gosync_map_load_or_store(struct gosync_map *m, const void *key,
			     void *value, void **actual);
int gosync_map_load_and_delete(struct gosync_map *m, const void *key,
			       void **old);
int gosync_map_delete(struct gosync_map *m, const void *key);
int gosync_map_swap(struct gosync_map *m, const void *key, void *value,
		    void **old);
int gosync_map_compare_and_swap(struct gosync_map *m, const void *key,
				void *old, void *new);
int gosync_map_compare_and_delete(struct gosync_map *m, const void *key,
				  void *old);
unsigned long gosync_map_range(struct gosync_map *m, gosync_map_range_fn fn,
			       void *arg);
int gosync_map_clear(struct gosync_map *m);
unsigned long gosync_map_len(struct gosync_map *m);
void gosync_map_stats(struct gosync_map *m, struct gosync_map_stats *st);

#endif /* _GOSYNC_MAP_H */
