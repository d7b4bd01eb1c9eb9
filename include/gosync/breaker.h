/* SPDX-License-Identifier: GPL-2.0 */
/**
 * DOC: gosync_breaker
 *
 * A circuit breaker, plain and adaptive. ``#include <gosync/breaker.h>``.
 *
 * A breaker sits in front of something that may fail (a device, firmware,
 * a remote peer) and stops callers from calling it for a while once it
 * looks broken. It has three states::
 *
 *	CLOSED ----trip----> OPEN ----open delay over----> HALF_OPEN
 *	   ^                  ^                               |  |
 *	   |                  +--------a probe failed---------+  |
 *	   +-----------------S probes succeeded-----------------+
 *
 * CLOSED admits every call and records its outcome. It trips to OPEN on
 * any configured policy: N consecutive failures; a failure rate, or a
 * slow-call rate, of at least R percent over a rolling window of B buckets
 * of P ms once the window holds at least M calls. OPEN rejects every call
 * until its delay is over (doubled on every re-trip, up to a maximum, if
 * backoff is configured); the next call then moves it to HALF_OPEN, so no
 * timer is needed. HALF_OPEN admits at most K probes at a time: S
 * successes in a row close the breaker, any failure re-opens it, and
 * after the maximum half-open time stuck probes no longer hold it (it
 * moves to OPEN, or to CLOSED if so configured).
 *
 * Ask first, report later: gosync_breaker_allow() admits a call and fills
 * a ticket; gosync_breaker_done() reports the call's result with that
 * ticket. gosync_breaker_call() does both around a function, and returns
 * the breaker's verdict apart from the function's result, so a device's
 * own -EAGAIN or -EBUSY is never mistaken for a rejection. Results
 * -EINTR, -ERESTARTSYS and -ECANCELED (or a list of the caller's) count
 * as neither success nor failure. A ticket carries the breaker's
 * generation, which every state change increments: a result reported
 * after a state change belongs to an old generation and is ignored, so a
 * slow call admitted while CLOSED cannot re-open a breaker that has since
 * recovered (gobreaker's guard).
 *
 * Placement. A struct gosync_breaker lives in static storage or in memory
 * from kmalloc(), never on the stack, and is never copied:
 * gosync_breaker_init() initializes a work item and an hrtimer, which
 * CONFIG_DEBUG_OBJECTS_WORK and _TIMERS report, with a WARNING, when they
 * are on a stack ("ODEBUG: object ... is on stack ..., but NOT
 * annotated"); and the structure, with its queue of
 * %GOSYNC_BREAKER_EVENTS events, takes about 3 KB. Its memory may be
 * freed once gosync_breaker_destroy() has returned.
 *
 * How it works. The state, the generation and the half-open probe and
 * success counts share one 64-bit atomic word: reading the state is one
 * load. While CLOSED, allow() only loads that word, and done() of a
 * success increments a per-CPU counter of the current window bucket: no
 * lock, no shared write. Buckets are per CPU and tagged with their epoch
 * and generation, so they roll over lazily, each CPU on its own, and a
 * state change empties the window without touching it. A failure (or a
 * slow call) adds up the window over all CPUs, O(nr_cpu_ids * B), and
 * checks the policies. State changes take a raw spinlock; notifiers are
 * called after it is dropped.
 *
 * Notifications. Every state change is queued, in order, with its
 * generation, and delivered to the breaker's notifier chain after the
 * breaker's lock is dropped, one change at a time, each exactly once: a
 * notifier may call back into the breaker (a change it causes is
 * delivered after the current one). Who delivers a change:
 *
 * - the context that made it, if no delivery was under way then;
 * - the context delivering the change whose notifier made it, if no
 *   change of another context is queued before it;
 * - otherwise (a change made while another context was delivering, and
 *   what is queued behind it) a workqueue worker, in process context,
 *   once the deliverer is done with its own changes.
 *
 * So a notifier runs in the context that made the change, in the
 * context whose notifier made it, or in a workqueue worker; in every case
 * with preemption disabled, and it must not sleep. No context delivers
 * more than the changes queued when it began delivering plus those its
 * own notifiers make, however fast other CPUs change the breaker; for a
 * caller of allow(), done(), reset() or force_*() that is the change it
 * made and what its notifiers make of it. Nothing is lost: when
 * %GOSYNC_BREAKER_EVENTS changes wait for delivery, an automatic change
 * waits for a later call and gosync_breaker_force_open(),
 * _force_closed() and _reset() return -EBUSY. Changes still queued when
 * gosync_breaker_destroy() runs are dropped.
 *
 * Time comes from the monotonic clock, at tick resolution
 * (ktime_get_coarse_ns()), or from gosync_breaker_opts.clock, which tests
 * replace. Window bucket boundaries have tick resolution.
 *
 * Context rules.
 *
 * - gosync_breaker_allow(), gosync_breaker_done(), gosync_breaker_state(),
 *   gosync_breaker_counts(), gosync_breaker_reset(),
 *   gosync_breaker_force_open(), gosync_breaker_force_closed(), the name
 *   functions: any context, hardirq included (not NMI); they never sleep.
 * - gosync_breaker_call(): the context @fn may run in; sleeps only if @fn
 *   does.
 * - gosync_breaker_init(), gosync_breaker_destroy(),
 *   gosync_breaker_notifier_register(), _unregister(): process context;
 *   may sleep. No other call may run concurrently with destroy.
 * - Notifiers: the context of the call that made the change (any, up to
 *   hardirq, or the optional timer's hardirq, its softirq on PREEMPT_RT),
 *   or a workqueue worker (process context), as "Notifications" says;
 *   always with preemption disabled; must not sleep.
 *
 * Limitations: the rates are checked when a failure or a slow call is
 * recorded, not on a success; counts read while calls are running are a
 * snapshot, exact only when the breaker is quiet. The inline success path
 * of gosync_breaker_done() reads which bucket to count in and then
 * increments that bucket: two per-CPU operations, with neither interrupts
 * nor preemption disabled. If, between the two, the task migrates, or an
 * interrupt or another task on this CPU changes the state and counts a
 * result of the new generation in that bucket, the success is counted in
 * whatever the bucket counts by then: another CPU's window, the new
 * generation's (one call too many: a success, never a failure), or a
 * bucket that has left the window (the success is lost). That is one call
 * at most per such done(). The other paths of done() count with
 * interrupts off and never count a result of an old generation in a
 * newer one's window (it is -ESTALE). The generation is 41 bits wide.
 *
 * Example::
 *
 *	static struct gosync_breaker fw_breaker;
 *
 *	ret = gosync_breaker_init(&fw_breaker, &(struct gosync_breaker_opts) {
 *		.name = "fw",
 *		.consecutive = 5,			// 5 failures in a row,
 *		.failure_rate = 50, .min_calls = 20,	// or >= 50% of >= 20
 *		.buckets = 10, .bucket_ms = 1000,	// calls in the last 10 s
 *		.open_ms = 1000, .open_max_ms = 60000,	// doubling on re-trips
 *		.probes = 1, .successes = 3,		// half-open
 *	}, GFP_KERNEL);
 *
 *	ret = gosync_breaker_call(&fw_breaker, fw_query, dev, &err);
 *	// 0: fw_query() ran, its result in err; -EAGAIN open; -EBUSY busy
 *
 *	struct gosync_breaker_ticket t;		// or ask first, report later
 *
 *	if (!gosync_breaker_allow(&fw_breaker, &t)) {
 *		err = submit_and_wait(dev);
 *		gosync_breaker_done(&fw_breaker, &t, err,
 *				    GOSYNC_BREAKER_DURATION_AUTO);
 *	}
 */
#ifndef _GOSYNC_BREAKER_H
#define _GOSYNC_BREAKER_H

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/hrtimer.h>
#include <linux/jiffies.h>
#include <linux/notifier.h>
#include <linux/percpu.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include <gosync/gosync.h>

/**
 * enum gosync_breaker_state - where a breaker is
 * @GOSYNC_BREAKER_CLOSED: calls are admitted and counted
 * @GOSYNC_BREAKER_OPEN: calls are rejected
 * @GOSYNC_BREAKER_HALF_OPEN: a few probe calls are admitted
 */
enum gosync_breaker_state {
	GOSYNC_BREAKER_CLOSED = 0,
	GOSYNC_BREAKER_OPEN = 1,
	GOSYNC_BREAKER_HALF_OPEN = 2,
};

/**
 * enum gosync_breaker_reason - why a state change happened
 * @GOSYNC_BREAKER_R_CONSECUTIVE: consecutive failures reached the limit
 * @GOSYNC_BREAKER_R_FAILURE_RATE: failure rate reached the threshold
 * @GOSYNC_BREAKER_R_SLOW_RATE: slow-call rate reached the threshold
 * @GOSYNC_BREAKER_R_OPEN_EXPIRED: the open delay is over
 * @GOSYNC_BREAKER_R_PROBE_FAILED: a half-open probe failed (or was slow)
 * @GOSYNC_BREAKER_R_PROBES_OK: enough half-open probes succeeded
 * @GOSYNC_BREAKER_R_HALF_OPEN_STUCK: the maximum half-open time is over
 * @GOSYNC_BREAKER_R_FORCED: gosync_breaker_force_open() or _force_closed()
 * @GOSYNC_BREAKER_R_RESET: gosync_breaker_reset()
 * @GOSYNC_BREAKER_R_NR: number of reasons
 */
enum gosync_breaker_reason {
	GOSYNC_BREAKER_R_CONSECUTIVE,
	GOSYNC_BREAKER_R_FAILURE_RATE,
	GOSYNC_BREAKER_R_SLOW_RATE,
	GOSYNC_BREAKER_R_OPEN_EXPIRED,
	GOSYNC_BREAKER_R_PROBE_FAILED,
	GOSYNC_BREAKER_R_PROBES_OK,
	GOSYNC_BREAKER_R_HALF_OPEN_STUCK,
	GOSYNC_BREAKER_R_FORCED,
	GOSYNC_BREAKER_R_RESET,
	GOSYNC_BREAKER_R_NR,
};

/* Limits, checked by gosync_breaker_init(). */
#define GOSYNC_BREAKER_BUCKETS_MAX	64
#define GOSYNC_BREAKER_BUCKET_MS_MAX	3600000U
#define GOSYNC_BREAKER_PROBES_MAX	1023U
#define GOSYNC_BREAKER_CONSECUTIVE_MAX	1048575U
#define GOSYNC_BREAKER_IGNORE_MAX	8
#define GOSYNC_BREAKER_OPEN_MS_MAX	86400000U
/* State changes queued for notification at most. */
#define GOSYNC_BREAKER_EVENTS		64

/* Defaults for zero fields of struct gosync_breaker_opts. */
#define GOSYNC_BREAKER_DEFAULT_CONSECUTIVE	5
#define GOSYNC_BREAKER_DEFAULT_BUCKETS		10
#define GOSYNC_BREAKER_DEFAULT_BUCKET_MS	1000
#define GOSYNC_BREAKER_DEFAULT_MIN_CALLS	20
#define GOSYNC_BREAKER_DEFAULT_OPEN_MS		60000

/* gosync_breaker_opts.flags */
/* Count, but never open (resilience4j's metrics-only, Polly's isolate). */
#define GOSYNC_BREAKER_METRICS_ONLY	BIT(0)
/* The maximum half-open time moves a stuck breaker to CLOSED, not OPEN. */
#define GOSYNC_BREAKER_STUCK_CLOSES	BIT(1)
/* Use @ignore as given, even empty: no default ignored errnos. */
#define GOSYNC_BREAKER_IGNORE_EXACT	BIT(2)
/* Arm a timer at each open so OPEN -> HALF_OPEN is notified on time. */
#define GOSYNC_BREAKER_NOTIFY_TIMER	BIT(3)
#define GOSYNC_BREAKER_FLAGS_ALL	GENMASK(3, 0)

/* gosync_breaker_done(): measure the duration from the ticket. */
#define GOSYNC_BREAKER_DURATION_AUTO	U64_MAX

/**
 * struct gosync_breaker_opts - how a breaker trips and recovers
 * @name: for messages, notifiers and trace events (not copied: must
 *	outlive the breaker); a breaker with a name appears in debugfs (see
 *	"Debugfs and tracepoints" in <gosync/gosync.h>); NULL for "breaker"
 *	(and "" in trace events), not in debugfs
 * @flags: GOSYNC_BREAKER_* flags
 * @consecutive: trip after this many failures in a row (0: off), at most
 *	GOSYNC_BREAKER_CONSECUTIVE_MAX. If @consecutive, @failure_rate and
 *	@slow_rate are all 0, @consecutive is
 *	GOSYNC_BREAKER_DEFAULT_CONSECUTIVE.
 * @failure_rate: trip when failures are at least this percentage of the
 *	calls in the window, 1..100 (0: off)
 * @slow_rate: trip when slow calls are at least this percentage of the
 *	calls in the window, 1..100 (0: off)
 * @slow_us: a call taking at least this long is slow; needed by
 *	@slow_rate, and in HALF_OPEN a slow probe counts as a failure
 * @min_calls: the rates apply once the window holds this many calls
 *	(0: GOSYNC_BREAKER_DEFAULT_MIN_CALLS)
 * @buckets: window buckets, 1..GOSYNC_BREAKER_BUCKETS_MAX (0: default 10)
 * @bucket_ms: bucket length in ms, 1..GOSYNC_BREAKER_BUCKET_MS_MAX
 *	(0: default 1000)
 * @open_ms: how long OPEN rejects calls, 1..GOSYNC_BREAKER_OPEN_MS_MAX
 *	(0: default 60000)
 * @open_max_ms: 0 for a fixed open delay; otherwise each re-trip from
 *	HALF_OPEN doubles the delay, up to this, and closing resets it
 * @probes: most calls admitted at once in HALF_OPEN,
 *	1..GOSYNC_BREAKER_PROBES_MAX (0: 1)
 * @successes: probe successes in a row that close the breaker,
 *	1..GOSYNC_BREAKER_PROBES_MAX (0: @probes)
 * @half_open_max_ms: most time spent in HALF_OPEN before stuck probes
 *	stop holding it (0: no limit), checked by allow()
 * @ignore: errnos (negative) that count as neither success nor failure
 * @nr_ignore: entries in @ignore, up to GOSYNC_BREAKER_IGNORE_MAX; if 0
 *	and GOSYNC_BREAKER_IGNORE_EXACT is not set: -EINTR, -ERESTARTSYS and
 *	-ECANCELED
 * @clock: optional clock in ns, monotonic, replacing ktime_get_coarse_ns()
 *	(and ktime_get_ns() for durations); any context
 * @clock_arg: passed to @clock
 */
struct gosync_breaker_opts {
	const char *name;
	unsigned int flags;
	unsigned int consecutive;
	unsigned int failure_rate;
	unsigned int slow_rate;
	unsigned int slow_us;
	unsigned int min_calls;
	unsigned int buckets;
	unsigned int bucket_ms;
	unsigned int open_ms;
	unsigned int open_max_ms;
	unsigned int probes;
	unsigned int successes;
	unsigned int half_open_max_ms;
	int ignore[GOSYNC_BREAKER_IGNORE_MAX];
	unsigned int nr_ignore;
	u64 (*clock)(void *arg);
	void *clock_arg;
};

/**
 * struct gosync_breaker_ticket - one admitted call
 * @gen: the breaker's generation when the call was admitted; 0 once used
 * @start: admission time in ns, for GOSYNC_BREAKER_DURATION_AUTO (only
 *	stamped if the breaker has a slow-call threshold)
 *
 * Filled by gosync_breaker_allow(), consumed by gosync_breaker_done().
 */
struct gosync_breaker_ticket {
	u64 gen;
	u64 start;
};

/**
 * struct gosync_breaker_counts - a snapshot of a breaker
 * @state: the state
 * @forced: the state was forced and stays until reset or forced again
 * @gen: the generation
 * @calls: calls recorded in the rolling window (this generation)
 * @failures: of @calls, failures
 * @slow: of @calls, slow calls
 * @consecutive: failures in a row (this generation; 0 when the
 *	consecutive policy is off)
 * @probes: probes in flight (HALF_OPEN)
 * @probe_successes: probe successes in a row (HALF_OPEN)
 * @open_delay_ms: the current open delay (with backoff)
 * @rejected: calls rejected since init
 * @ignored: results ignored for their errno since init
 * @stale: results of an older generation since init
 * @transitions: state changes since init
 * @trips: changes to OPEN since init
 * @deferred: automatic changes that waited for notification space
 * @pending_events: state changes not yet delivered to notifiers
 */
struct gosync_breaker_counts {
	enum gosync_breaker_state state;
	bool forced;
	u64 gen;
	u64 calls;
	u64 failures;
	u64 slow;
	unsigned int consecutive;
	unsigned int probes;
	unsigned int probe_successes;
	unsigned int open_delay_ms;
	u64 rejected;
	u64 ignored;
	u64 stale;
	u64 transitions;
	u64 trips;
	u64 deferred;
	unsigned int pending_events;
};

/**
 * struct gosync_breaker_event - a state change, as notifiers see it
 * @breaker: the breaker
 * @from: the old state
 * @to: the new state (also the notifier's action argument)
 * @forced: @to was forced
 * @reason: why
 * @gen: the new generation (consecutive events have consecutive numbers)
 * @time_ns: when, by the breaker's clock
 */
struct gosync_breaker_event {
	struct gosync_breaker *breaker;
	enum gosync_breaker_state from;
	enum gosync_breaker_state to;
	bool forced;
	enum gosync_breaker_reason reason;
	u64 gen;
	u64 time_ns;
};

/*
 * The state word: state (2 bits), forced (1), HALF_OPEN probes in flight
 * (10) and probe successes in a row (10), generation (41). Internal.
 */
#define __GB_STATE_MASK		GENMASK_ULL(1, 0)
#define __GB_FORCED		BIT_ULL(2)
#define __GB_PROBE_SHIFT	3
#define __GB_PROBE_MASK		GENMASK_ULL(12, 3)
#define __GB_SUCC_SHIFT		13
#define __GB_SUCC_MASK		GENMASK_ULL(22, 13)
#define __GB_GEN_SHIFT		23
/* gosync_breaker.consec: generation << 20 | failures in a row. Internal. */
#define __GB_CONSEC_SHIFT	20
#define __GB_CONSEC_MASK	GENMASK_ULL(19, 0)
/*
 * __gosync_breaker_pcpu.cache: which bucket this CPU's current tick and
 * generation map to: tick (low 32 bits) << 32 | generation (low 26) << 6 |
 * bucket index. Internal.
 */
#define __GB_CACHE_IDX_MASK	GENMASK_ULL(5, 0)
#define __GB_CACHE_GEN_MASK	GENMASK_ULL(31, 6)

struct __gosync_breaker_pcpu;

/**
 * struct gosync_breaker - a circuit breaker; all fields are private
 * @word: state, forced, probes, probe successes and generation (see above)
 * @pcpu: per-CPU window buckets and counters
 * @slow_ns: @opts.slow_us in ns, or U64_MAX for no slow-call threshold
 * @stamp: allow() stamps the ticket (there is a slow-call threshold)
 * @fast_done: done() may take its inline path (no slow-call threshold,
 *	no @clock)
 * @clock: @opts.clock
 * @consec: generation (high 44 bits) and consecutive failures (low 20)
 * @lock: serializes state changes and the event queue
 * @open_until: OPEN ends at this time (U64_MAX when forced)
 * @half_open_since: when HALF_OPEN began
 * @reopen_gen: the latest HALF_OPEN generation whose failed probe could
 *	not re-open it (full event queue): the next allow() does, and
 *	nothing closes it meanwhile; written under @lock
 * @retrips: re-trips since the breaker last closed (backoff exponent)
 * @open_delay_ns: the open delay of the current or next trip
 * @transitions: state changes since init
 * @trips: changes to OPEN since init
 * @deferred: automatic changes deferred for a full event queue
 * @ev_head: next event to deliver
 * @ev_tail: next free event slot
 * @ev_limit: the deliverer delivers the events before this one
 * @ev_owner: who delivers: 0 nobody, a context id, or the work item
 * @dead: gosync_breaker_destroy() has begun
 * @events: the event queue
 * @nh: the notifier chain
 * @ev_work: delivers, in process context, the changes handed on to it
 * @timer: GOSYNC_BREAKER_NOTIFY_TIMER's timer
 * @timer_gen: the generation the timer was armed for
 * @opts: the options, defaults filled in
 * @face: its debugfs entry, or NULL
 */
struct gosync_breaker {
	atomic64_t word;
	struct __gosync_breaker_pcpu __percpu *pcpu;
	u64 slow_ns;
	bool stamp;
	bool fast_done;
	u64 (*clock)(void *arg);

	atomic64_t consec ____cacheline_aligned_in_smp;
	raw_spinlock_t lock;
	u64 open_until;
	u64 half_open_since;
	u64 reopen_gen;
	unsigned int retrips;
	u64 open_delay_ns;
	u64 transitions;
	u64 trips;
	u64 deferred;
	unsigned int ev_head;
	unsigned int ev_tail;
	unsigned int ev_limit;
	unsigned int ev_owner;
	bool dead;
	struct gosync_breaker_event events[GOSYNC_BREAKER_EVENTS];
	struct atomic_notifier_head nh;
	struct work_struct ev_work;
	struct hrtimer timer;
	u64 timer_gen;
	struct gosync_breaker_opts opts;
	struct gosync_face *face;
};

/*
 * Per-CPU part. Internal, but here so that the fast paths can be inline.
 * @cache: see __GB_CACHE_IDX_MASK; one word, so one this_cpu_read()
 * gets a consistent tick, generation and index.
 */
struct __gosync_breaker_slot {
	u64 epoch;
	u64 gen;
	unsigned long calls;
	unsigned long failures;
	unsigned long slow;
};

struct __gosync_breaker_pcpu {
	u64 cache;
	unsigned long rejected;
	unsigned long ignored;
	unsigned long stale;
	struct __gosync_breaker_slot slot[];
};

/* The tag of __gosync_breaker_pcpu.cache for @tick and @gen, index 0. */
static inline u64 __gosync_breaker_cache_tag(unsigned long tick, u64 gen)
{
	return (u64)(u32)tick << 32 | ((gen << 6) & __GB_CACHE_GEN_MASK);
}

/**
 * gosync_breaker_init() - set up a breaker, closed
 * @b: the breaker, in static or allocated memory, never on the stack (see
 *	"Placement" in <gosync/breaker.h>)
 * @opts: policies and settings (see struct gosync_breaker_opts); copied,
 *	with defaults filled in for zero fields (@opts->name is not copied)
 * @gfp: for the per-CPU window (GFP_KERNEL in general)
 *
 * Context: process context; may sleep if @gfp allows.
 * Return: 0; -EINVAL if @opts is NULL or an option is out of range (with
 * a message saying which; @b is then untouched); -ENOMEM.
 */
int gosync_breaker_init(struct gosync_breaker *b,
			const struct gosync_breaker_opts *opts, gfp_t gfp);

/**
 * gosync_breaker_destroy() - release a breaker's memory
 * @b: a breaker set up by gosync_breaker_init(), or NULL; after a failed
 *	init, only if @b was zeroed before it
 *
 * Cancels the notify timer and the delivery of changes handed on to a
 * workqueue (changes not yet delivered are dropped), waits for both to
 * finish, and frees the per-CPU window: nothing of @b runs once it
 * returns, and @b's memory may be freed. No call on @b may be running or
 * follow, and its notifiers should be unregistered (a message says if
 * not). Destroying twice is harmless.
 *
 * Context: process context; may sleep (waits for the timer and the work).
 */
void gosync_breaker_destroy(struct gosync_breaker *b);

/**
 * __gosync_breaker_allow_slow() - gosync_breaker_allow() when not plainly
 *	closed
 * @b: the breaker
 * @t: the ticket to fill
 *
 * Internal: exported for the inline gosync_breaker_allow(), which calls
 * it when the breaker is not CLOSED or stamps tickets. Call that instead.
 *
 * Context: any, hardirq included.
 * Return: as gosync_breaker_allow().
 */
int __gosync_breaker_allow_slow(struct gosync_breaker *b,
				struct gosync_breaker_ticket *t);

/**
 * __gosync_breaker_done_slow() - gosync_breaker_done() when not a plain
 *	success in a healthy closed breaker
 * @b: the breaker
 * @t: the ticket; consumed
 * @err: the call's result
 * @duration_ns: its duration, or %GOSYNC_BREAKER_DURATION_AUTO
 *
 * Internal: exported for the inline gosync_breaker_done(). Call that
 * instead.
 *
 * Context: any, hardirq included.
 * Return: as gosync_breaker_done().
 */
int __gosync_breaker_done_slow(struct gosync_breaker *b,
			       struct gosync_breaker_ticket *t, int err,
			       u64 duration_ns);

/**
 * gosync_breaker_call() - run a function through the breaker
 * @b: the breaker
 * @fn: the call; its return value is its result (negative errno: failure,
 *	unless ignored; 0 or positive: success)
 * @arg: passed to @fn
 * @result: if not NULL, gets @fn's return value when @fn ran; untouched
 *	when the breaker rejected the call
 *
 * gosync_breaker_allow(), @fn, gosync_breaker_done() with @fn's result
 * and, if the breaker has a slow-call threshold, its duration. The return
 * value is the breaker's verdict only, so whatever @fn returns, -EAGAIN
 * and -EBUSY included, is told apart from a rejection: check the return
 * value first; only when it is 0 did @fn run, and *@result is its result.
 *
 * Context: the context @fn may run in; sleeps only if @fn does.
 * Return: 0 if @fn ran (whatever it returned: see *@result); -EAGAIN if
 * the breaker is open, or -EBUSY if it is half-open with every probe slot
 * taken, and @fn was not called.
 */
int gosync_breaker_call(struct gosync_breaker *b, int (*fn)(void *arg),
			void *arg, int *result);

/**
 * gosync_breaker_counts() - take a snapshot of a breaker's counts
 * @b: the breaker
 * @c: filled in
 *
 * Sums the window and the per-CPU counters over all CPUs: O(nr_cpu_ids *
 * buckets). Exact when no call is running.
 *
 * Context: any, hardirq included.
 */
void gosync_breaker_counts(struct gosync_breaker *b,
			   struct gosync_breaker_counts *c);

/**
 * gosync_breaker_reset() - close the breaker afresh
 * @b: the breaker
 *
 * Moves to CLOSED, not forced, in a new generation: the window, the
 * consecutive failures and the backoff start from zero; results of calls
 * admitted before are ignored (-ESTALE).
 *
 * Context: any, hardirq included.
 * Return: 0, or -EBUSY if %GOSYNC_BREAKER_EVENTS state changes still wait
 * for their notifiers (nothing changed; try again).
 */
int gosync_breaker_reset(struct gosync_breaker *b);

/**
 * gosync_breaker_force_open() - open the breaker until told otherwise
 * @b: the breaker
 *
 * OPEN, forced: every call is rejected and the open delay never ends,
 * until gosync_breaker_reset() or gosync_breaker_force_closed().
 *
 * Context: any, hardirq included.
 * Return: 0, or -EBUSY as gosync_breaker_reset().
 */
int gosync_breaker_force_open(struct gosync_breaker *b);

/**
 * gosync_breaker_force_closed() - close the breaker and keep it closed
 * @b: the breaker
 *
 * CLOSED, forced: every call is admitted and counted, and no policy trips
 * it, until gosync_breaker_reset() or gosync_breaker_force_open().
 *
 * Context: any, hardirq included.
 * Return: 0, or -EBUSY as gosync_breaker_reset().
 */
int gosync_breaker_force_closed(struct gosync_breaker *b);

/**
 * gosync_breaker_notifier_register() - be told of every state change
 * @b: the breaker
 * @nb: the notifier; its action argument is the new state and its data a
 *	const struct gosync_breaker_event *, valid during the call only
 *
 * Changes are delivered in order, each once, after the breaker's lock is
 * dropped, in the context that made them or in a workqueue worker (see
 * "Notifications" in <gosync/breaker.h>); a notifier runs with preemption
 * disabled, must
 * not sleep, and may call back into the breaker.
 *
 * Context: process context.
 * Return: 0, or -EEXIST if @nb is already registered.
 */
int gosync_breaker_notifier_register(struct gosync_breaker *b,
				     struct notifier_block *nb);

/**
 * gosync_breaker_notifier_unregister() - stop being told
 * @b: the breaker
 * @nb: a registered notifier
 *
 * Waits for a running delivery to @nb to finish (an RCU grace period).
 *
 * Context: process context; sleeps. Not from a notifier.
 * Return: 0, or -ENOENT if @nb was not registered.
 */
int gosync_breaker_notifier_unregister(struct gosync_breaker *b,
				       struct notifier_block *nb);

/**
 * gosync_breaker_state_name() - a state's name
 * @s: the state
 *
 * Context: any.
 * Return: "closed", "open", "half-open", or "?" for a value that is not a
 * state; a static string.
 */
const char *gosync_breaker_state_name(enum gosync_breaker_state s);

/**
 * gosync_breaker_reason_name() - a reason's name
 * @r: the reason
 *
 * Context: any.
 * Return: "consecutive", "failure-rate", "slow-rate", "open-expired",
 * "probe-failed", "probes-ok", "half-open-stuck", "forced", "reset", or
 * "?" for a value that is not a reason; a static string.
 */
const char *gosync_breaker_reason_name(enum gosync_breaker_reason r);

/**
 * gosync_breaker_state() - the breaker's state, with one atomic load
 * @b: the breaker
 *
 * Context: any.
 * Return: the state. OPEN whose delay is over stays OPEN here until the
 * next gosync_breaker_allow() moves it.
 */
static inline enum gosync_breaker_state
gosync_breaker_state(const struct gosync_breaker *b)
{
	return (enum gosync_breaker_state)(atomic64_read(&b->word) &
					   __GB_STATE_MASK);
}

/**
 * gosync_breaker_allow() - ask whether a call may go ahead
 * @b: the breaker
 * @t: filled in on success; hand it to gosync_breaker_done()
 *
 * CLOSED: one atomic load, no write. OPEN: rejects until the open delay
 * is over, then moves to HALF_OPEN. HALF_OPEN: admits up to the probe
 * limit.
 *
 * Context: any, hardirq included. Never sleeps.
 * Return: 0 if admitted (report the result with gosync_breaker_done()),
 * -EAGAIN if the breaker is open, -EBUSY if it is half-open with every
 * probe slot taken.
 */
static inline int gosync_breaker_allow(struct gosync_breaker *b,
				       struct gosync_breaker_ticket *t)
{
	/* Pairs with the full barrier of the state change that published it. */
	u64 w = atomic64_read_acquire(&b->word);

	if (likely((w & __GB_STATE_MASK) == GOSYNC_BREAKER_CLOSED &&
		   !b->stamp)) {
		t->gen = w >> __GB_GEN_SHIFT;
		return 0;
	}
	return __gosync_breaker_allow_slow(b, t);
}

/**
 * gosync_breaker_done() - report the result of an admitted call
 * @b: the breaker
 * @t: the ticket gosync_breaker_allow() filled; consumed
 * @err: 0 or positive for success, a negative errno for failure (unless
 *	it is an ignored errno)
 * @duration_ns: how long the call took, for the slow-call policy, or
 *	GOSYNC_BREAKER_DURATION_AUTO for "since allow"
 *
 * A success in a healthy CLOSED breaker (no failure in a row pending)
 * increments a per-CPU counter and does nothing else shared. A result whose ticket is of an older
 * generation is ignored.
 *
 * Context: any, hardirq included. Never sleeps.
 * Return: 0 if recorded, 1 if ignored for its errno, -ESTALE if the
 * breaker changed state since the call was admitted (not recorded),
 * -EINVAL for a ticket that was not admitted or was already used.
 */
static inline int gosync_breaker_done(struct gosync_breaker *b,
				      struct gosync_breaker_ticket *t,
				      int err, u64 duration_ns)
{
	u64 w = atomic64_read(&b->word);
	u64 c;

	if (likely(err >= 0 && t->gen == (w >> __GB_GEN_SHIFT) &&
		   (w & __GB_STATE_MASK) == GOSYNC_BREAKER_CLOSED &&
		   b->fast_done &&
		   !(atomic64_read(&b->consec) & __GB_CONSEC_MASK))) {
		/*
		 * No preempt_disable(): each this_cpu op is preemption- and
		 * interrupt-safe by itself. A migration, or a state change
		 * and a count in this bucket by an interrupt or another task,
		 * between the read and the increment counts this one call
		 * wherever the bucket now counts, possibly in a newer
		 * generation or out of the window: see "Limitations" above.
		 */
		c = this_cpu_read(b->pcpu->cache);
		if (likely((c & ~__GB_CACHE_IDX_MASK) ==
			   __gosync_breaker_cache_tag(jiffies, t->gen))) {
			/* Remote readers use READ_ONCE(); see breaker.c. */
			this_cpu_inc(b->pcpu->slot[c & __GB_CACHE_IDX_MASK].calls);
			t->gen = 0;
			return 0;
		}
	}
	return __gosync_breaker_done_slow(b, t, err, duration_ns);
}

#endif /* _GOSYNC_BREAKER_H */
