/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gosync internals shared by the files of gosync.ko; not a public header.
 * gosync_test.ko and gosync_kunit.ko include it too, for the few internals
 * exported to them (namespace GOSYNC_INTERNAL) and the race windows.
 *
 * Module init and exit are explicit and ordered: core.c calls each
 * primitive's __gosync_<name>_init() in a fixed order and unwinds on
 * failure; a primitive without module-wide state has none.
 */
#ifndef _GOSYNC_INTERNAL_H
#define _GOSYNC_INTERNAL_H

#include <linux/bottom_half.h>
#include <linux/compiler.h>
#include <linux/export.h>
#include <linux/irqflags.h>
#include <linux/wait.h>
#include <gosync/gosync.h>

/* Module-wide state of the primitives that have some; see core.c. */
int __gosync_core_init(void);
void __gosync_core_exit(void);

/**
 * struct gosync_state - a primitive's module-wide state
 * @name: the primitive, for the log
 * @init: sets it up at module load; 0 or a negative errno
 * @exit: tears it down at unload, when every object is gone
 */
struct gosync_state {
	const char *name;
	int (*init)(void);
	void (*exit)(void);
};

/**
 * DEFINE_GOSYNC_STATE() - give a primitive module-wide state
 * @p: the primitive (map, pool, ...)
 * @init_fn: its &gosync_state.init
 * @exit_fn: its &gosync_state.exit
 *
 * Starts a line of kmod/<p>.c. Kbuild (and tools/native) find every such
 * line of kmod/ and list them, in the order of the file names, in
 * gosync_state.h for core.c, which calls each @init_fn at load (unwinding
 * on failure) and each @exit_fn, in reverse, at unload: a primitive with
 * state edits no list. Their order does not matter: no state needs another.
 */
#define DEFINE_GOSYNC_STATE(p, init_fn, exit_fn)			\
	extern const struct gosync_state __gosync_##p##_state;		\
	const struct gosync_state __gosync_##p##_state = {		\
		.name = #p, .init = init_fn, .exit = exit_fn,		\
	}

/*
 * The library's face: named objects in debugfs (kmod/face.c). An object
 * is added at init (or when it is named) and deleted first thing in its
 * destroy (or when unnamed). The native build has no debugfs.
 */
struct dentry;
struct gosync_face;
struct seq_file;

/**
 * struct gosync_face_kind - a kind of object the face shows
 * @name: its directory, /sys/kernel/debug/gosync/<name>/
 * @show: prints an object's state and counters as key=value lines, no
 *	address; called under the face's mutex while the object exists
 * @dir: the directory, made at module load (face.c)
 */
struct gosync_face_kind {
	const char *name;
	void (*show)(struct seq_file *m, const void *obj);
	struct dentry *dir;
};

/**
 * DEFINE_GOSYNC_FACE_KIND() - give a primitive's objects a debugfs face
 * @p: the primitive: the kind is __gosync_<p>_face, its directory <p>
 * @show_fn: its &gosync_face_kind.show
 *
 * Starts a line of kmod/<p>.c. Kbuild finds every such line and lists the
 * kinds for face.c (gosync_faces.h), which makes their directories at
 * load: a primitive with a face edits no list.
 */
#define DEFINE_GOSYNC_FACE_KIND(p, show_fn)				\
	extern struct gosync_face_kind __gosync_##p##_face;		\
	struct gosync_face_kind __gosync_##p##_face = {			\
		.name = #p, .show = show_fn,				\
	}

#ifndef GOSYNC_NATIVE
struct gosync_face *__gosync_face_add(struct gosync_face_kind *kind,
				      const char *name, const void *obj);
void __gosync_face_del(struct gosync_face *f);
void __gosync_face_rename(struct gosync_face **face,
			  struct gosync_face_kind *kind, const char *name,
			  const void *obj);
void __gosync_face_init(struct dentry *root);
void __gosync_face_exit(void);
#else
static inline struct gosync_face *
__gosync_face_add(struct gosync_face_kind *kind, const char *name,
		  const void *obj)
{
	return NULL;
}

static inline void __gosync_face_del(struct gosync_face *f)
{
}

static inline void __gosync_face_rename(struct gosync_face **face,
					struct gosync_face_kind *kind,
					const char *name, const void *obj)
{
}
#endif

/*
 * Exports: EXPORT_SYMBOL_GOSYNC() puts the public API in namespace GOSYNC.
 * EXPORT_SYMBOL_GOSYNC_INTERNAL() exposes an internal to gosync_test.ko
 * and gosync_kunit.ko (namespace GOSYNC_INTERNAL: not API, may change);
 * EXPORT_SYMBOL_GOSYNC_KUNIT() (below) one that only KUnit cases need.
 * The namespace spelling comes from the one version gate in
 * <gosync/gosync.h>.
 */
#define EXPORT_SYMBOL_GOSYNC(sym)	EXPORT_SYMBOL_NS_GPL(sym, __GOSYNC_NS(GOSYNC))

/* Internals for the test modules. */
#define EXPORT_SYMBOL_GOSYNC_INTERNAL(sym) \
	EXPORT_SYMBOL_NS_GPL(sym, __GOSYNC_NS(GOSYNC_INTERNAL))

/*
 * EXPORT_SYMBOL_GOSYNC_KUNIT() is <kunit/visibility.h>'s
 * EXPORT_SYMBOL_IF_KUNIT() from 6.2 on, and the same gate on 6.1: the
 * symbol is exported, in namespace EXPORTED_FOR_KUNIT_TESTING, only in
 * kernels built with KUnit. VISIBLE_IF_KUNIT too.
 */
#if LINUX_VERSION_MAJOR > 6 || \
	(LINUX_VERSION_MAJOR == 6 && LINUX_VERSION_PATCHLEVEL >= 2)
#include <kunit/visibility.h>
#define EXPORT_SYMBOL_GOSYNC_KUNIT(sym)	EXPORT_SYMBOL_IF_KUNIT(sym)
#elif IS_ENABLED(CONFIG_KUNIT)
#define EXPORT_SYMBOL_GOSYNC_KUNIT(sym) \
	EXPORT_SYMBOL_NS(sym, __GOSYNC_NS(EXPORTED_FOR_KUNIT_TESTING))
#define VISIBLE_IF_KUNIT
#else
#define EXPORT_SYMBOL_GOSYNC_KUNIT(sym)
#define VISIBLE_IF_KUNIT static
#endif

/* For gosync_test.ko and gosync_kunit.ko: import the internals. */
#define GOSYNC_IMPORT_NS_INTERNAL() \
	MODULE_IMPORT_NS(__GOSYNC_NS(GOSYNC_INTERNAL))
/* For gosync_kunit.ko: import what EXPORT_SYMBOL_GOSYNC_KUNIT() exports. */
#define GOSYNC_IMPORT_NS_KUNIT() \
	MODULE_IMPORT_NS(__GOSYNC_NS(EXPORTED_FOR_KUNIT_TESTING))

/*
 * Tests of calls documented for "any context": an hrtimer in this mode
 * calls them from hard interrupt context, except on PREEMPT_RT, where
 * those calls exclude hard interrupt context and the callback runs in
 * the timer softirq (an hrtimer not marked _HARD runs there on RT).
 * GOSYNC_ANY_IRQ says which: in_hardirq() or in_serving_softirq().
 */
#define GOSYNC_HRTIMER_ANY		HRTIMER_MODE_REL
#define GOSYNC_HRTIMER_ANY_PINNED	HRTIMER_MODE_REL_PINNED
#define GOSYNC_ANY_IRQ() \
	(IS_ENABLED(CONFIG_PREEMPT_RT) ? in_serving_softirq() : in_hardirq())

/*
 * For tests: enter the most atomic context that a call documented for any
 * context but hard interrupt context on PREEMPT_RT may run in: interrupts
 * off, or on PREEMPT_RT (where the call takes a spinlock_t, which sleeps)
 * softirqs off.
 */
static inline unsigned long gosync_test_atomic_enter(void)
{
	unsigned long flags = 0;

	if (IS_ENABLED(CONFIG_PREEMPT_RT))
		local_bh_disable();
	else
		local_irq_save(flags);
	return flags;
}

static inline void gosync_test_atomic_exit(unsigned long flags)
{
	if (IS_ENABLED(CONFIG_PREEMPT_RT))
		local_bh_enable();
	else
		local_irq_restore(flags);
}

/* Waiters spin this many cpu_relax()es before they sleep (kmod/wait.c). */
#define GOSYNC_SPIN_LOOPS	200

struct wait_queue_head;

/**
 * struct gosync_waiter - one wait of gosync_wait_event_state()
 * @wq: the wait queue
 * @wait: our entry in it
 * @state: the task state to sleep in
 * @spin: cpu_relax()es left before sleeping
 * @left: jiffies left
 * @intr: what the last prepare_to_wait_event() returned
 * @queued: @wait is in @wq
 */
struct gosync_waiter {
	struct wait_queue_head *wq;
	struct wait_queue_entry wait;
	unsigned int state;
	unsigned int spin;
	long left;
	long intr;
	bool queued;
};

void gosync_waiter_start(struct gosync_waiter *w, struct wait_queue_head *wq,
			 unsigned int state, long timeout);
int gosync_waiter_step(struct gosync_waiter *w, bool done);

/*
 * gosync_wait_event_state() - sleep in @state until @cond, for at most
 *	@timeout jiffies
 * @wq: the wait queue whose wakers make @cond true
 * @cond: an expression, checked after each wake-up
 * @state: TASK_UNINTERRUPTIBLE, TASK_INTERRUPTIBLE or TASK_KILLABLE
 * @timeout: jiffies; MAX_SCHEDULE_TIMEOUT for none, 0 to check only
 *
 * The one core wait of the blocking primitives: every flavour of their
 * waits calls it with its state and timeout, as kernel/sched/completion.c
 * does. It spins briefly first (GOSYNC_SPIN_LOOPS, not on one CPU, not
 * when the CPU is wanted): parties of a barrier mostly arrive within a
 * microsecond of each other, and a waiter that need not sleep leaves its
 * waker no one to wake. Then it sleeps as the kernel's ___wait_event()
 * does, a signal being what prepare_to_wait_event() saw. Wakers make
 * @cond true, then wake_up_all() (or wq_has_sleeper() first: its barrier
 * pairs with prepare_to_wait_event()).
 *
 * Context: process context; sleeps.
 * Return: 0 once @cond holds; -ERESTARTSYS on a signal @state lets in;
 * -ETIMEDOUT.
 */
#define gosync_wait_event_state(wq, cond, state, timeout) ({		\
	struct gosync_waiter __w;					\
	int __ret;							\
									\
	gosync_waiter_start(&__w, wq, state, timeout);			\
	do {								\
		__ret = gosync_waiter_step(&__w, cond);			\
	} while (__ret > 0);						\
	__ret;								\
})

/*
 * gosync_wait_event_ctx() - gosync_wait_event_state(), also ended by the
 *	cancellation of @ctx (NULL: never)
 *
 * Watches @ctx (include/gosync/ctx.h), so that its cancellation wakes us
 * wherever the wait sleeps. Returns 0 once @cond holds, the context's
 * cause if it was cancelled first, else what gosync_wait_event_state()
 * returns (-ERESTARTSYS, -ETIMEDOUT). @cond is checked before the
 * context at every step: a condition that came true wins.
 */
#define gosync_wait_event_ctx(wq, cond, ctx, state, timeout) ({		\
	struct gosync_ctx *__ctx = (ctx);				\
	struct gosync_ctx_watcher __cw;					\
	bool __ok = false;						\
	int __r;							\
									\
	if (__ctx)							\
		gosync_ctx_watch(__ctx, &__cw);				\
	__r = gosync_wait_event_state(wq, (__ok = (cond)) ||		\
				      gosync_ctx_done(__ctx), state, timeout); \
	if (__ctx)							\
		gosync_ctx_unwatch(__ctx, &__cw);			\
	if (!__r && !__ok)						\
		__r = gosync_ctx_err(__ctx);				\
	__r;								\
})

/*
 * Race windows. Some library paths check a condition and then take a lock
 * (or do work) that relies on it still holding: a table is still current,
 * a pool is not dead yet. A bug there is a window a few instructions wide
 * that a stress test hits once in a billion runs. gosync_race_window()
 * marks such a place, and names it (gosync_race_names[] in race.c). In a
 * test build (Kbuild defines GOSYNC_RACE_WINDOWS unless it builds for an
 * installation, GOSYNC_INSTALL=1; the native sanitizer builds too) a test
 * can widen a window: __gosync_race_set_delay() makes every pass through
 * it busy-wait, so a stress run holds it open for microseconds, and a
 * KUnit case can hook every window with __gosync_race_set() to stall
 * exactly where it needs to. In an installed gosync.ko the marks compile
 * to nothing, and both calls report that there are no windows.
 */
enum gosync_race {
	GOSYNC_RACE_MAP_FUTURE,	/* map.c: table checked, future bucket not locked */
	GOSYNC_RACE_MAP_COUNT,	/* map.c: inside a per-CPU entry count update */
	GOSYNC_RACE_BREAKER_CLOSE, /* breaker.c: probes succeeded, not closed yet */
	GOSYNC_RACE_POOL_DROP,	/* pool.c: a dropped object freed, not uncounted */
	GOSYNC_RACE_BREAKER_TIMER, /* breaker.c: notify timer checked, not re-armed */
	GOSYNC_RACE_ONCE_DONE,	/* once.c: found not done, runs not read yet */
	GOSYNC_RACE_ONCE_WAIT,	/* once.c: runs read, lock not taken yet */
	GOSYNC_RACE_CTX_CANCEL,	/* ctx.c: cause set, subtree not walked yet */
	GOSYNC_RACE_SEM_QUEUE,	/* sem.c: lockless take failed, not queued yet */
	GOSYNC_RACE_SEM_CANCEL,	/* sem.c: waiter gives up, lock not taken yet */
	GOSYNC_RACE_GROUP_DONE,	/* group.c: last job counted out, not completed */
	GOSYNC_RACE_CHAN_CLAIM,	/* chan.c: a waiting call claimed, not completed */
	GOSYNC_RACE_CHAN_CANCEL, /* chan.c: a waiting call gives up, not gone yet */
	GOSYNC_RACE_WPOOL_SUBMIT, /* wpool.c: state seen running, lock not taken */
	GOSYNC_RACE_WPOOL_RETIRE, /* wpool.c: worker idle timed out, lock not taken */
	GOSYNC_RACE_WPOOL_SPAWN, /* wpool.c: kthread created, not registered */
	GOSYNC_RACE_PUBSUB_ENQUEUE, /* pubsub.c: subscriber read, not locked */
	GOSYNC_RACE_PUBSUB_BLOCKED, /* pubsub.c: blocked publisher woken, not locked */
	GOSYNC_RACE_NR,
};

/* The longest delay a window may be given, in microseconds. */
#define GOSYNC_RACE_DELAY_MAX	1000

/**
 * typedef gosync_race_fn - a test's hook of the race windows
 * @where: the window
 * @obj: the object the window is about (the map, ...)
 * @arg: __gosync_race_set()'s @arg
 *
 * Runs in the context of the window (often with a spinlock held and
 * interrupts off): it may busy-wait (udelay()), never sleep.
 */
typedef void (*gosync_race_fn)(enum gosync_race where, const void *obj,
			       void *arg);

#if defined(GOSYNC_RACE_WINDOWS) || defined(SHIM_DEBUG)
#define GOSYNC_RACE_HOOKS	1
extern bool gosync_race_armed;
void __gosync_race_window(enum gosync_race where, const void *obj);

/* Mark a race window; see above. Context: any. */
static __always_inline void gosync_race_window(enum gosync_race where,
					       const void *obj)
{
	if (unlikely(READ_ONCE(gosync_race_armed)))
		__gosync_race_window(where, obj);
}
#else
#define GOSYNC_RACE_HOOKS	0
static inline void gosync_race_window(enum gosync_race where, const void *obj)
{
}
#endif

bool __gosync_race_set(gosync_race_fn fn, void *arg);
int __gosync_race_set_delay(enum gosync_race where, unsigned int us);
const char *__gosync_race_name(enum gosync_race where);
int __gosync_race_stat(enum gosync_race where, unsigned int *us, u64 *hits);

#endif /* _GOSYNC_INTERNAL_H */
