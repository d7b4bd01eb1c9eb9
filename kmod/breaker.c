// SPDX-License-Identifier: GPL-2.0
/*
 * gosync_breaker: a circuit breaker.
 *
 * The design, the context rules and each exported function's contract
 * (its kerneldoc) are in include/gosync/breaker.h; this comment covers
 * what only the code needs.
 *
 * The state word. b->word holds the state, the forced bit, the HALF_OPEN
 * probe and success counts and the generation. Only gb_change(), under
 * b->lock, changes the state or the generation; it also writes the
 * metadata of the new state (open_until, half_open_since) before it
 * publishes the word with a fully ordered cmpxchg, and readers load the
 * word with acquire before they read the metadata. Outside the lock, only
 * HALF_OPEN probe admission and probe results touch the word, by cmpxchg
 * and only within one generation; gb_change() therefore publishes with a
 * cmpxchg loop, in which the generation cannot change.
 *
 * The window. Each CPU has B buckets (struct __gosync_breaker_slot), each
 * tagged with the epoch (time / bucket length) and the generation it
 * counts. A CPU that records a result in a bucket whose tags are not the
 * current ones zeroes it first, with interrupts off; nobody else writes a
 * CPU's buckets. A bucket tagged with a generation newer than the
 * result's is never zeroed: the result is stale (gb_record()). The CPU
 * also caches, in one word, which bucket its current tick and generation
 * map to, so the inline fast path of gosync_breaker_done() reads one
 * per-CPU word, compares it and increments one per-CPU counter (see
 * breaker.h's "Limitations" for what that costs). Readers on other
 * CPUs (gb_window()) read tags then counts with READ_ONCE(); the writer
 * zeroes counts before it changes tags (smp_wmb() pairs with the
 * reader's smp_rmb()). A count read during a renewal may be off by the
 * calls of that instant; the rates are estimates anyway.
 *
 * The per-CPU event counters (rejected, ignored, stale) are bumped with
 * this_cpu_inc(), interrupt- and preemption-safe; readers use READ_ONCE().
 *
 * Consecutive failures. b->consec holds the generation and the count, so a
 * state change resets it without a write. A failure increments it by
 * cmpxchg; a success that finds it non-zero clears it. A healthy breaker
 * therefore only reads it.
 *
 * Events. gb_change() queues each state change in b->events under
 * b->lock, and in the same section decides who delivers it (gb_claim()).
 * b->ev_owner names the one context that delivers, b->ev_limit how far:
 * a context that finds nobody delivering becomes the deliverer of its own
 * change (the queue was empty), and after unlocking delivers it with
 * gb_deliver(), one event at a time with no lock held. A change that its
 * notifier makes extends its limit, and is delivered next by the same
 * loop, if nothing of another context is queued before it. Changes of
 * other contexts wait: when the deliverer reaches its limit it hands what
 * is left to b->ev_work (ev_owner GB_OWNER_WORK), whose runs deliver the
 * same way, bounded alike, from a workqueue worker. Nobody delivers only
 * when the queue is empty (or destroy has begun). So one context delivers at most its change and
 * its notifiers' changes, however fast other CPUs change the breaker, and
 * the queue is delivered in order, each change once, by one context at a
 * time. The queue never drops: gb_change() refuses a change when it is
 * full (-EBUSY), and an automatic change is simply tried again by a later
 * call. destroy sets b->dead (no more timer, no more hand-on) and then
 * cancels the timer and the work.
 */
#define pr_fmt(fmt) "gosync: breaker: " fmt

#include <linux/hrtimer.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/overflow.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/printk.h>
#include <linux/rcupdate.h>
#include <linux/seq_file.h>
#include <linux/smp.h>
#include <linux/workqueue.h>

#include <gosync/breaker.h>

#include "internal.h"
#include "trace.h"

#define GB_PROBE_ONE	BIT_ULL(__GB_PROBE_SHIFT)
#define GB_SUCC_ONE	BIT_ULL(__GB_SUCC_SHIFT)
/* Backoff doubles the open delay at most this many times. */
#define GB_RETRIPS_MAX	32

static inline u64 gb_gen(u64 w)
{
	return w >> __GB_GEN_SHIFT;
}

static inline enum gosync_breaker_state gb_state(u64 w)
{
	return (enum gosync_breaker_state)(w & __GB_STATE_MASK);
}

static inline unsigned int gb_probes(u64 w)
{
	return (w & __GB_PROBE_MASK) >> __GB_PROBE_SHIFT;
}

static inline unsigned int gb_succ(u64 w)
{
	return (w & __GB_SUCC_MASK) >> __GB_SUCC_SHIFT;
}

static inline u64 gb_word(u64 gen, enum gosync_breaker_state s, bool forced)
{
	return gen << __GB_GEN_SHIFT | (forced ? __GB_FORCED : 0) | s;
}

static u64 gb_now(const struct gosync_breaker *b)
{
	return b->clock ? b->clock(b->opts.clock_arg) : ktime_get_coarse_ns();
}

/* For durations: the precise clock, unless a test clock is installed. */
static u64 gb_now_precise(const struct gosync_breaker *b)
{
	return b->clock ? b->clock(b->opts.clock_arg) : ktime_get_ns();
}

static bool gb_has_slow(const struct gosync_breaker *b)
{
	return b->slow_ns != U64_MAX;
}

static u64 gb_bucket_ns(const struct gosync_breaker *b)
{
	return (u64)b->opts.bucket_ms * NSEC_PER_MSEC;
}

/* ---- events -------------------------------------------------------- */

/* gosync_breaker.ev_owner: changes handed on to the work item. */
#define GB_OWNER_WORK	UINT_MAX

/*
 * Who is running: this CPU and the level of context on it. A deliverer
 * runs with preemption disabled, and hardirqs and softirqs do not nest,
 * so nothing else of its level runs on its CPU until it is done: the id
 * names it alone. A hardirq that interrupts it on its CPU has another id. Never 0 (nobody), nor
 * GB_OWNER_WORK. Context: preemption disabled.
 */
static unsigned int gb_ctx(void)
{
	unsigned int level = in_nmi() ? 3 : in_hardirq() ? 2 :
			     in_serving_softirq() ? 1 : 0;

	return (smp_processor_id() << 2 | level) + 1;
}

/*
 * Called with b->lock held, by context @ctx, right after it queued a
 * change: does it deliver it? Yes if nobody delivers (then the queue held
 * nothing else, and @ctx delivers from here on). If @ctx is the deliverer
 * itself (one of its notifiers made the change), the change extends what
 * it delivers, unless another context's change is queued before it; then
 * it goes, with those, to the work item. Otherwise it waits for the
 * deliverer to hand it on.
 */
static bool gb_claim(struct gosync_breaker *b, unsigned int ctx)
{
	if (!b->ev_owner) {
		b->ev_owner = ctx;
		b->ev_limit = b->ev_tail;
		return true;
	}
	if (b->ev_owner == ctx && b->ev_limit == b->ev_tail - 1)
		b->ev_limit = b->ev_tail;
	return false;
}

/*
 * Deliver the changes up to b->ev_limit, one at a time, in order, with no
 * lock held; the caller is b->ev_owner, with preemption disabled (notifiers
 * must not sleep). Then hand what other contexts queued meanwhile on to
 * the work item, unless the breaker is being destroyed.
 */
static void gb_deliver(struct gosync_breaker *b)
{
	struct gosync_breaker_event ev;
	unsigned long flags;
	bool handoff;

	for (;;) {
		raw_spin_lock_irqsave(&b->lock, flags);
		if (b->ev_head == b->ev_limit)
			break;
		ev = b->events[b->ev_head++ % GOSYNC_BREAKER_EVENTS];
		raw_spin_unlock_irqrestore(&b->lock, flags);
		atomic_notifier_call_chain(&b->nh, ev.to, &ev);
	}
	handoff = b->ev_head != b->ev_tail && !b->dead;
	b->ev_owner = handoff ? GB_OWNER_WORK : 0;
	raw_spin_unlock_irqrestore(&b->lock, flags);
	/*
	 * Any context. The work is not pending: only a hand-on queues it, and
	 * nobody else delivers until it has run. If it is running (this may
	 * be it), this queues its next run.
	 */
	if (handoff)
		queue_work(system_wq, &b->ev_work);
}

/*
 * The work item: deliver, in process context, the changes handed on when
 * it began plus those its notifiers make; hand any later ones on to its
 * next run.
 */
static void gb_work_fn(struct work_struct *work)
{
	struct gosync_breaker *b = container_of(work, struct gosync_breaker,
						ev_work);
	unsigned long flags;
	bool mine;

	preempt_disable();
	raw_spin_lock_irqsave(&b->lock, flags);
	mine = b->ev_owner == GB_OWNER_WORK;
	if (mine) {
		b->ev_owner = gb_ctx();
		b->ev_limit = b->ev_tail;
	}
	raw_spin_unlock_irqrestore(&b->lock, flags);
	if (mine)
		gb_deliver(b);
	preempt_enable();
}

/* ---- state changes ------------------------------------------------- */

static u64 gb_open_delay(const struct gosync_breaker *b)
{
	u64 d = (u64)b->opts.open_ms * NSEC_PER_MSEC;
	u64 max = (u64)b->opts.open_max_ms * NSEC_PER_MSEC;
	unsigned int i;

	if (!max)
		return d;
	for (i = 0; i < b->retrips && d < max; i++)
		d *= 2;
	return min(d, max);
}

/*
 * Move @b to @to. @gen: only if the breaker is still in that generation
 * (0: whatever it is in). Returns 0, -EAGAIN if the generation moved on,
 * -EBUSY if the event queue is full (nothing changed).
 */
static int gb_change(struct gosync_breaker *b, u64 gen,
		     enum gosync_breaker_state to, bool forced,
		     enum gosync_breaker_reason reason, u64 now)
{
	struct gosync_breaker_event *ev;
	enum gosync_breaker_state from;
	unsigned long flags;
	u64 w, nw, delay = 0;
	bool deliver;
	int ret = 0;

	/* A deliverer stays on its CPU: see gb_ctx(). */
	preempt_disable();
	raw_spin_lock_irqsave(&b->lock, flags);
	w = atomic64_read(&b->word);
	if (gen && gb_gen(w) != gen) {
		ret = -EAGAIN;
		goto unlock;
	}
	/* A failed probe waits to re-open @gen: no automatic close of it. */
	if (gen && to == GOSYNC_BREAKER_CLOSED && b->reopen_gen == gen) {
		ret = -EAGAIN;
		goto unlock;
	}
	if (b->ev_tail - b->ev_head >= GOSYNC_BREAKER_EVENTS) {
		if (gen)
			b->deferred++;
		/*
		 * Under the lock, so that the close above cannot miss it:
		 * the next allow() re-opens @gen (a later generation's
		 * failure is never overwritten by an earlier one's).
		 */
		if (reason == GOSYNC_BREAKER_R_PROBE_FAILED && gen > b->reopen_gen)
			WRITE_ONCE(b->reopen_gen, gen);
		ret = -EBUSY;
		goto unlock;
	}
	from = gb_state(w);
	switch (to) {
	case GOSYNC_BREAKER_OPEN:
		if (from == GOSYNC_BREAKER_HALF_OPEN && !forced &&
		    b->retrips < GB_RETRIPS_MAX)
			b->retrips++;
		delay = gb_open_delay(b);
		b->open_delay_ns = delay;
		WRITE_ONCE(b->open_until, forced ? U64_MAX : now + delay);
		b->trips++;
		break;
	case GOSYNC_BREAKER_HALF_OPEN:
		WRITE_ONCE(b->half_open_since, now);
		break;
	case GOSYNC_BREAKER_CLOSED:
		b->retrips = 0;
		b->open_delay_ns = gb_open_delay(b);
		break;
	}
	nw = gb_word(gb_gen(w) + 1, to, forced);
	/*
	 * Fully ordered: publishes the metadata above to readers that load
	 * the word with acquire. Only probe counts can change under us.
	 */
	while (!atomic64_try_cmpxchg(&b->word, (s64 *)&w, nw))
		;
	ev = &b->events[b->ev_tail++ % GOSYNC_BREAKER_EVENTS];
	*ev = (struct gosync_breaker_event){
		.breaker = b, .from = from, .to = to, .forced = forced,
		.reason = reason, .gen = gb_gen(nw), .time_ns = now,
	};
	b->transitions++;
	trace_gosync_breaker_state(b->opts.name, from, to, reason, forced,
				   gb_gen(nw));
	deliver = gb_claim(b, gb_ctx());
	if (to == GOSYNC_BREAKER_OPEN && !forced && !b->dead &&
	    (b->opts.flags & GOSYNC_BREAKER_NOTIFY_TIMER)) {
		WRITE_ONCE(b->timer_gen, gb_gen(nw));
		hrtimer_start(&b->timer, ns_to_ktime(delay), HRTIMER_MODE_REL);
	}
	raw_spin_unlock_irqrestore(&b->lock, flags);
	if (deliver)
		gb_deliver(b);
	preempt_enable();
	return 0;
unlock:
	raw_spin_unlock_irqrestore(&b->lock, flags);
	preempt_enable();
	return ret;
}

static enum hrtimer_restart gb_timer_fn(struct hrtimer *timer)
{
	struct gosync_breaker *b = container_of(timer, struct gosync_breaker,
						timer);
	u64 gen = READ_ONCE(b->timer_gen);
	/* Pairs with gb_change()'s publishing cmpxchg. */
	u64 w = atomic64_read_acquire(&b->word);
	unsigned long flags;
	u64 now, until;
	bool restart;

	if (gb_gen(w) != gen || gb_state(w) != GOSYNC_BREAKER_OPEN ||
	    (w & __GB_FORCED))
		return HRTIMER_NORESTART;
	now = gb_now(b);
	until = READ_ONCE(b->open_until);
	if (now >= until) {
		gb_change(b, gen, GOSYNC_BREAKER_HALF_OPEN, false,
			  GOSYNC_BREAKER_R_OPEN_EXPIRED, now);
		return HRTIMER_NORESTART;
	}
	/* The coarse clock lags the timer by up to a tick; a test clock may not move. */
	if (b->clock)
		return HRTIMER_NORESTART;
	gosync_race_window(GOSYNC_RACE_BREAKER_TIMER, b);
	/*
	 * Since the checks above, a change to open may have re-armed this
	 * very timer (hrtimer_start() in gb_change(), under b->lock): that
	 * arming stands, and forwarding an enqueued timer is a bug
	 * (hrtimer_forward() warns). Under the lock the arming cannot
	 * slip in between the check and the forward.
	 */
	raw_spin_lock_irqsave(&b->lock, flags);
	restart = !hrtimer_is_queued(timer) &&
		  gb_gen(atomic64_read(&b->word)) == gen;
	if (restart)
		hrtimer_forward_now(timer, ns_to_ktime(until - now));
	raw_spin_unlock_irqrestore(&b->lock, flags);
	return restart ? HRTIMER_RESTART : HRTIMER_NORESTART;
}

/* ---- the window ---------------------------------------------------- */

/* Sum the window of generation @gen at time @now over all CPUs. */
static void gb_window(const struct gosync_breaker *b, u64 gen, u64 now,
		      u64 *calls, u64 *failures, u64 *slow)
{
	u64 epoch = div64_u64(now, gb_bucket_ns(b));
	u64 lo = epoch >= b->opts.buckets ? epoch - b->opts.buckets + 1 : 0;
	unsigned int cpu, i;

	*calls = 0;
	*failures = 0;
	*slow = 0;
	for_each_possible_cpu(cpu) {
		struct __gosync_breaker_pcpu *pc = per_cpu_ptr(b->pcpu, cpu);

		for (i = 0; i < b->opts.buckets; i++) {
			struct __gosync_breaker_slot *s = &pc->slot[i];
			u64 e = READ_ONCE(s->epoch);

			if (READ_ONCE(s->gen) != gen || e < lo || e > epoch)
				continue;
			/* Tags before counts: pairs with gb_record()'s smp_wmb(). */
			smp_rmb();
			*calls += READ_ONCE(s->calls);
			*failures += READ_ONCE(s->failures);
			*slow += READ_ONCE(s->slow);
		}
	}
}

/*
 * Count one result of generation @gen in this CPU's current bucket.
 * Returns false, counting nothing, if the result is stale: done() checked
 * @gen with interrupts on, and since then a state change ended it and
 * this CPU (an interrupt, or a task that ran meanwhile) already counted a
 * result of the new generation in this bucket. Zeroing the bucket for
 * @gen would wipe those.
 */
static bool gb_record(struct gosync_breaker *b, u64 gen, bool failed,
		      bool slow)
{
	struct __gosync_breaker_pcpu *pc;
	struct __gosync_breaker_slot *s;
	unsigned long flags;
	u64 tag;

	local_irq_save(flags);
	pc = this_cpu_ptr(b->pcpu);
	tag = __gosync_breaker_cache_tag(jiffies, gen);
	if (b->clock || (pc->cache & ~__GB_CACHE_IDX_MASK) != tag) {
		u64 epoch = div64_u64(gb_now(b), gb_bucket_ns(b));
		u32 idx;

		div_u64_rem(epoch, b->opts.buckets, &idx);
		s = &pc->slot[idx];
		/* Generations only grow: a newer tag proves @gen is over. */
		if (s->gen > gen) {
			local_irq_restore(flags);
			return false;
		}
		if (s->epoch != epoch || s->gen != gen) {
			WRITE_ONCE(s->calls, 0);
			WRITE_ONCE(s->failures, 0);
			WRITE_ONCE(s->slow, 0);
			/* Counts before tags: pairs with gb_window()'s smp_rmb(). */
			smp_wmb();
			WRITE_ONCE(s->epoch, epoch);
			WRITE_ONCE(s->gen, gen);
		}
		/* Read by this CPU's (interrupted) fast path with this_cpu_read(). */
		WRITE_ONCE(pc->cache, tag | idx);
	}
	s = &pc->slot[pc->cache & __GB_CACHE_IDX_MASK];
	/* Interrupts are off: nobody else writes this CPU's bucket. */
	WRITE_ONCE(s->calls, s->calls + 1);
	if (failed)
		WRITE_ONCE(s->failures, s->failures + 1);
	if (slow)
		WRITE_ONCE(s->slow, s->slow + 1);
	local_irq_restore(flags);
	return true;
}

/* ---- consecutive failures ------------------------------------------ */

static unsigned int gb_consec_fail(struct gosync_breaker *b, u64 gen)
{
	s64 c = atomic64_read(&b->consec);
	u64 n;

	do {
		/* A late result of an old generation must not reset a newer count. */
		if ((u64)c >> __GB_CONSEC_SHIFT > gen)
			return 0;
		if ((u64)c >> __GB_CONSEC_SHIFT != gen)
			n = gen << __GB_CONSEC_SHIFT | 1;
		else if ((c & __GB_CONSEC_MASK) < GOSYNC_BREAKER_CONSECUTIVE_MAX)
			n = c + 1;
		else
			n = c;
	} while (!atomic64_try_cmpxchg(&b->consec, &c, n));
	return n & __GB_CONSEC_MASK;
}

static void gb_consec_clear(struct gosync_breaker *b, u64 gen)
{
	s64 c = atomic64_read(&b->consec);

	/* Never clobber a newer generation's count. */
	if ((c & __GB_CONSEC_MASK) && (u64)c >> __GB_CONSEC_SHIFT <= gen)
		atomic64_try_cmpxchg(&b->consec, &c, gen << __GB_CONSEC_SHIFT);
}

/* ---- admission ----------------------------------------------------- */

static int gb_admit(struct gosync_breaker *b, struct gosync_breaker_ticket *t,
		    u64 gen)
{
	t->gen = gen;
	t->start = gb_has_slow(b) ? gb_now_precise(b) : 0;
	return 0;
}

/* HALF_OPEN with every probe slot taken: has it been stuck too long? */
static bool gb_stuck(struct gosync_breaker *b, u64 w)
{
	u64 max = (u64)b->opts.half_open_max_ms * NSEC_PER_MSEC;
	u64 now;

	if (!max)
		return false;
	now = gb_now(b);
	if (now < READ_ONCE(b->half_open_since) + max)
		return false;
	return gb_change(b, gb_gen(w),
			 b->opts.flags & GOSYNC_BREAKER_STUCK_CLOSES ?
			 GOSYNC_BREAKER_CLOSED : GOSYNC_BREAKER_OPEN, false,
			 GOSYNC_BREAKER_R_HALF_OPEN_STUCK, now) != -EBUSY;
}

int __gosync_breaker_allow_slow(struct gosync_breaker *b,
				struct gosync_breaker_ticket *t)
{
	u64 w, now;
	int ret;

	for (;;) {
		/* Pairs with gb_change()'s publishing cmpxchg. */
		w = atomic64_read_acquire(&b->word);
		switch (gb_state(w)) {
		case GOSYNC_BREAKER_CLOSED:
			return gb_admit(b, t, gb_gen(w));
		case GOSYNC_BREAKER_OPEN:
			now = gb_now(b);
			if ((w & __GB_FORCED) || now < READ_ONCE(b->open_until))
				break;
			ret = gb_change(b, gb_gen(w), GOSYNC_BREAKER_HALF_OPEN,
					false, GOSYNC_BREAKER_R_OPEN_EXPIRED, now);
			if (ret == -EBUSY)
				break;
			continue;
		case GOSYNC_BREAKER_HALF_OPEN:
			if (READ_ONCE(b->reopen_gen) == gb_gen(w)) {
				ret = gb_change(b, gb_gen(w), GOSYNC_BREAKER_OPEN,
						false,
						GOSYNC_BREAKER_R_PROBE_FAILED,
						gb_now(b));
				if (ret != -EBUSY)
					continue;
				this_cpu_inc(b->pcpu->rejected);
				return -EBUSY;
			}
			if (gb_probes(w) >= b->opts.probes) {
				if (gb_stuck(b, w))
					continue;
				this_cpu_inc(b->pcpu->rejected);
				return -EBUSY;
			}
			if (!atomic64_try_cmpxchg(&b->word, (s64 *)&w,
						  w + GB_PROBE_ONE))
				continue;
			return gb_admit(b, t, gb_gen(w));
		}
		this_cpu_inc(b->pcpu->rejected);
		return -EAGAIN;
	}
}
EXPORT_SYMBOL_GOSYNC(__gosync_breaker_allow_slow);

/* ---- results ------------------------------------------------------- */

static bool gb_ignored(const struct gosync_breaker *b, int err)
{
	unsigned int i;

	for (i = 0; i < b->opts.nr_ignore; i++)
		if (b->opts.ignore[i] == err)
			return true;
	return false;
}

/* A result in CLOSED: 0, or -ESTALE (not counted, no policy checked). */
static int gb_closed_result(struct gosync_breaker *b, u64 w, bool failed,
			    bool slow)
{
	const struct gosync_breaker_opts *o = &b->opts;
	enum gosync_breaker_reason reason = GOSYNC_BREAKER_R_NR;
	u64 gen = gb_gen(w), now = 0, calls, fails, slows;

	if (!gb_record(b, gen, failed, slow)) {
		this_cpu_inc(b->pcpu->stale);
		return -ESTALE;
	}
	if (!failed)
		gb_consec_clear(b, gen);
	else if (o->consecutive && gb_consec_fail(b, gen) >= o->consecutive)
		reason = GOSYNC_BREAKER_R_CONSECUTIVE;
	if (reason == GOSYNC_BREAKER_R_NR &&
	    ((failed && o->failure_rate) || (slow && o->slow_rate))) {
		now = gb_now(b);
		gb_window(b, gen, now, &calls, &fails, &slows);
		if (calls >= o->min_calls) {
			if (o->failure_rate &&
			    fails * 100 >= (u64)o->failure_rate * calls)
				reason = GOSYNC_BREAKER_R_FAILURE_RATE;
			else if (o->slow_rate &&
				 slows * 100 >= (u64)o->slow_rate * calls)
				reason = GOSYNC_BREAKER_R_SLOW_RATE;
		}
	}
	if (reason == GOSYNC_BREAKER_R_NR || (w & __GB_FORCED) ||
	    (o->flags & GOSYNC_BREAKER_METRICS_ONLY))
		return 0;
	gb_change(b, gen, GOSYNC_BREAKER_OPEN, false, reason,
		  now ?: gb_now(b));
	return 0;
}

static int gb_probe_result(struct gosync_breaker *b, u64 w, bool ignored,
			   bool failed)
{
	u64 gen = gb_gen(w), n;
	int ret;

	if (failed) {
		ret = gb_change(b, gen, GOSYNC_BREAKER_OPEN, false,
				GOSYNC_BREAKER_R_PROBE_FAILED, gb_now(b));
		/* -EBUSY: the queue is full; gb_change() set reopen_gen. */
		if (ret != -EBUSY)
			goto out;
	}
	/* Give the probe slot back (and count a success). */
	do {
		if (gb_gen(w) != gen) {
			ret = -EAGAIN;
			goto out;
		}
		n = w;
		if (gb_probes(n))
			n -= GB_PROBE_ONE;
		if (failed)
			n &= ~__GB_SUCC_MASK;
		else if (!ignored && gb_succ(n) < GOSYNC_BREAKER_PROBES_MAX)
			n += GB_SUCC_ONE;
	} while (!atomic64_try_cmpxchg(&b->word, (s64 *)&w, n));
	if (ignored) {
		this_cpu_inc(b->pcpu->ignored);
		return 1;
	}
	/*
	 * A failure waiting to re-open this generation wins; gb_change()
	 * checks again under the lock, where such a failure is recorded.
	 */
	if (!failed && gb_succ(n) >= b->opts.successes &&
	    READ_ONCE(b->reopen_gen) != gen) {
		gosync_race_window(GOSYNC_RACE_BREAKER_CLOSE, b);
		gb_change(b, gen, GOSYNC_BREAKER_CLOSED, false,
			  GOSYNC_BREAKER_R_PROBES_OK, gb_now(b));
	}
	return 0;
out:
	/* The generation moved on before this result counted: stale. */
	if (ret == -EAGAIN) {
		this_cpu_inc(b->pcpu->stale);
		return -ESTALE;
	}
	return ret;
}

int __gosync_breaker_done_slow(struct gosync_breaker *b,
			       struct gosync_breaker_ticket *t, int err,
			       u64 duration_ns)
{
	bool ignored, failed, slow = false;
	u64 gen = t->gen, w;

	if (!gen)
		return -EINVAL;
	t->gen = 0;
	ignored = err < 0 && gb_ignored(b, err);
	failed = err < 0 && !ignored;
	if (gb_has_slow(b) && !ignored) {
		if (duration_ns == GOSYNC_BREAKER_DURATION_AUTO)
			duration_ns = t->start ? gb_now_precise(b) - t->start : 0;
		slow = duration_ns >= b->slow_ns;
	}
	/* Pairs with gb_change()'s publishing cmpxchg. */
	w = atomic64_read_acquire(&b->word);
	if (gb_gen(w) != gen) {
		this_cpu_inc(b->pcpu->stale);
		return -ESTALE;
	}
	switch (gb_state(w)) {
	case GOSYNC_BREAKER_CLOSED:
		if (ignored) {
			this_cpu_inc(b->pcpu->ignored);
			return 1;
		}
		return gb_closed_result(b, w, failed, slow);
	case GOSYNC_BREAKER_HALF_OPEN:
		return gb_probe_result(b, w, ignored, failed || slow);
	case GOSYNC_BREAKER_OPEN:
		break;
	}
	/* OPEN admits nobody, so no ticket can carry an OPEN generation. */
	return -EINVAL;
}
EXPORT_SYMBOL_GOSYNC(__gosync_breaker_done_slow);

/* The verdict and @fn's result apart: @fn may return -EAGAIN or -EBUSY too. */
int gosync_breaker_call(struct gosync_breaker *b, int (*fn)(void *arg),
			void *arg, int *result)
{
	struct gosync_breaker_ticket t;
	int ret = gosync_breaker_allow(b, &t);

	if (ret)
		return ret;
	ret = fn(arg);
	gosync_breaker_done(b, &t, ret, GOSYNC_BREAKER_DURATION_AUTO);
	if (result)
		*result = ret;
	return 0;
}
EXPORT_SYMBOL_GOSYNC(gosync_breaker_call);

/* ---- control and inspection ---------------------------------------- */

void gosync_breaker_counts(struct gosync_breaker *b,
			   struct gosync_breaker_counts *c)
{
	unsigned long flags;
	unsigned int cpu;
	u64 w, cs;

	memset(c, 0, sizeof(*c));
	w = atomic64_read_acquire(&b->word);
	c->state = gb_state(w);
	c->forced = w & __GB_FORCED;
	c->gen = gb_gen(w);
	c->probes = gb_probes(w);
	c->probe_successes = gb_succ(w);
	gb_window(b, c->gen, gb_now(b), &c->calls, &c->failures, &c->slow);
	cs = atomic64_read(&b->consec);
	if (cs >> __GB_CONSEC_SHIFT == c->gen)
		c->consecutive = cs & __GB_CONSEC_MASK;
	for_each_possible_cpu(cpu) {
		struct __gosync_breaker_pcpu *pc = per_cpu_ptr(b->pcpu, cpu);

		c->rejected += READ_ONCE(pc->rejected);
		c->ignored += READ_ONCE(pc->ignored);
		c->stale += READ_ONCE(pc->stale);
	}
	raw_spin_lock_irqsave(&b->lock, flags);
	c->open_delay_ms = div_u64(b->open_delay_ns, NSEC_PER_MSEC);
	c->transitions = b->transitions;
	c->trips = b->trips;
	c->deferred = b->deferred;
	c->pending_events = b->ev_tail - b->ev_head;
	raw_spin_unlock_irqrestore(&b->lock, flags);
}
EXPORT_SYMBOL_GOSYNC(gosync_breaker_counts);

int gosync_breaker_reset(struct gosync_breaker *b)
{
	return gb_change(b, 0, GOSYNC_BREAKER_CLOSED, false,
			 GOSYNC_BREAKER_R_RESET, gb_now(b));
}
EXPORT_SYMBOL_GOSYNC(gosync_breaker_reset);

int gosync_breaker_force_open(struct gosync_breaker *b)
{
	return gb_change(b, 0, GOSYNC_BREAKER_OPEN, true,
			 GOSYNC_BREAKER_R_FORCED, gb_now(b));
}
EXPORT_SYMBOL_GOSYNC(gosync_breaker_force_open);

int gosync_breaker_force_closed(struct gosync_breaker *b)
{
	return gb_change(b, 0, GOSYNC_BREAKER_CLOSED, true,
			 GOSYNC_BREAKER_R_FORCED, gb_now(b));
}
EXPORT_SYMBOL_GOSYNC(gosync_breaker_force_closed);

int gosync_breaker_notifier_register(struct gosync_breaker *b,
				     struct notifier_block *nb)
{
	return atomic_notifier_chain_register(&b->nh, nb);
}
EXPORT_SYMBOL_GOSYNC(gosync_breaker_notifier_register);

int gosync_breaker_notifier_unregister(struct gosync_breaker *b,
				       struct notifier_block *nb)
{
	return atomic_notifier_chain_unregister(&b->nh, nb);
}
EXPORT_SYMBOL_GOSYNC(gosync_breaker_notifier_unregister);

const char *gosync_breaker_state_name(enum gosync_breaker_state s)
{
	switch (s) {
	case GOSYNC_BREAKER_CLOSED:
		return "closed";
	case GOSYNC_BREAKER_OPEN:
		return "open";
	case GOSYNC_BREAKER_HALF_OPEN:
		return "half-open";
	}
	return "?";
}
EXPORT_SYMBOL_GOSYNC(gosync_breaker_state_name);

static const char *const gb_reason_names[GOSYNC_BREAKER_R_NR] = {
	[GOSYNC_BREAKER_R_CONSECUTIVE] = "consecutive",
	[GOSYNC_BREAKER_R_FAILURE_RATE] = "failure-rate",
	[GOSYNC_BREAKER_R_SLOW_RATE] = "slow-rate",
	[GOSYNC_BREAKER_R_OPEN_EXPIRED] = "open-expired",
	[GOSYNC_BREAKER_R_PROBE_FAILED] = "probe-failed",
	[GOSYNC_BREAKER_R_PROBES_OK] = "probes-ok",
	[GOSYNC_BREAKER_R_HALF_OPEN_STUCK] = "half-open-stuck",
	[GOSYNC_BREAKER_R_FORCED] = "forced",
	[GOSYNC_BREAKER_R_RESET] = "reset",
};

const char *gosync_breaker_reason_name(enum gosync_breaker_reason r)
{
	return (unsigned int)r < GOSYNC_BREAKER_R_NR ? gb_reason_names[r] : "?";
}
EXPORT_SYMBOL_GOSYNC(gosync_breaker_reason_name);

/* ---- init and destroy ---------------------------------------------- */

#define gb_bad(o, fmt, ...)						\
	({								\
		pr_warn("%s: " fmt "\n", (o)->name ?: "breaker",	\
			##__VA_ARGS__);					\
		-EINVAL;						\
	})

static int gb_check_opts(const struct gosync_breaker_opts *o)
{
	unsigned int i;

	if (o->flags & ~GOSYNC_BREAKER_FLAGS_ALL)
		return gb_bad(o, "unknown flags %#x", o->flags);
	if (o->consecutive > GOSYNC_BREAKER_CONSECUTIVE_MAX)
		return gb_bad(o, "consecutive %u > %u", o->consecutive,
			      GOSYNC_BREAKER_CONSECUTIVE_MAX);
	if (o->failure_rate > 100 || o->slow_rate > 100)
		return gb_bad(o, "a rate is a percentage, 0..100");
	if (o->slow_rate && !o->slow_us)
		return gb_bad(o, "slow_rate needs slow_us");
	if (o->buckets > GOSYNC_BREAKER_BUCKETS_MAX)
		return gb_bad(o, "buckets %u > %u", o->buckets,
			      GOSYNC_BREAKER_BUCKETS_MAX);
	if (o->bucket_ms > GOSYNC_BREAKER_BUCKET_MS_MAX)
		return gb_bad(o, "bucket_ms %u > %u", o->bucket_ms,
			      GOSYNC_BREAKER_BUCKET_MS_MAX);
	if (o->open_ms > GOSYNC_BREAKER_OPEN_MS_MAX ||
	    o->open_max_ms > GOSYNC_BREAKER_OPEN_MS_MAX ||
	    o->half_open_max_ms > GOSYNC_BREAKER_OPEN_MS_MAX)
		return gb_bad(o, "a delay is above %u ms",
			      GOSYNC_BREAKER_OPEN_MS_MAX);
	if (o->open_max_ms &&
	    o->open_max_ms < (o->open_ms ?: GOSYNC_BREAKER_DEFAULT_OPEN_MS))
		return gb_bad(o, "open_max_ms %u < open_ms", o->open_max_ms);
	if (o->probes > GOSYNC_BREAKER_PROBES_MAX ||
	    o->successes > GOSYNC_BREAKER_PROBES_MAX)
		return gb_bad(o, "probes and successes are at most %u",
			      GOSYNC_BREAKER_PROBES_MAX);
	if (o->nr_ignore > GOSYNC_BREAKER_IGNORE_MAX)
		return gb_bad(o, "nr_ignore %u > %u", o->nr_ignore,
			      GOSYNC_BREAKER_IGNORE_MAX);
	for (i = 0; i < o->nr_ignore; i++)
		if (o->ignore[i] >= 0 || o->ignore[i] < -MAX_ERRNO)
			return gb_bad(o, "ignore[%u] = %d is not an errno", i,
				      o->ignore[i]);
	return 0;
}

/* /sys/kernel/debug/gosync/breaker/<name>/stats of a named breaker (face.c). */
static void gb_face_show(struct seq_file *m, const void *obj)
{
	struct gosync_breaker *b = (struct gosync_breaker *)obj;
	struct gosync_breaker_counts c;

	gosync_breaker_counts(b, &c);
	seq_printf(m, "state=%s\nforced=%d\ngen=%llu\n",
		   gosync_breaker_state_name(c.state), c.forced, c.gen);
	seq_printf(m, "calls=%llu\nfailures=%llu\nslow=%llu\nconsecutive=%u\n",
		   c.calls, c.failures, c.slow, c.consecutive);
	seq_printf(m, "probes=%u\nprobe_successes=%u\nopen_delay_ms=%u\n",
		   c.probes, c.probe_successes, c.open_delay_ms);
	seq_printf(m, "rejected=%llu\nignored=%llu\nstale=%llu\n", c.rejected,
		   c.ignored, c.stale);
	seq_printf(m, "transitions=%llu\ntrips=%llu\ndeferred=%llu\npending_events=%u\n",
		   c.transitions, c.trips, c.deferred, c.pending_events);
}

DEFINE_GOSYNC_FACE_KIND(breaker, gb_face_show);

int gosync_breaker_init(struct gosync_breaker *b,
			const struct gosync_breaker_opts *opts, gfp_t gfp)
{
	struct gosync_breaker_opts *o = &b->opts;
	static const int dflt_ignore[] = { -EINTR, -ERESTARTSYS, -ECANCELED };
	unsigned int i;
	int err;

	if (!opts)
		return -EINVAL;
	err = gb_check_opts(opts);
	if (err)
		return err;
	memset(b, 0, sizeof(*b));
	*o = *opts;
	if (!o->consecutive && !o->failure_rate && !o->slow_rate)
		o->consecutive = GOSYNC_BREAKER_DEFAULT_CONSECUTIVE;
	o->min_calls = o->min_calls ?: GOSYNC_BREAKER_DEFAULT_MIN_CALLS;
	o->buckets = o->buckets ?: GOSYNC_BREAKER_DEFAULT_BUCKETS;
	o->bucket_ms = o->bucket_ms ?: GOSYNC_BREAKER_DEFAULT_BUCKET_MS;
	o->open_ms = o->open_ms ?: GOSYNC_BREAKER_DEFAULT_OPEN_MS;
	o->probes = o->probes ?: 1;
	o->successes = o->successes ?: o->probes;
	if (!o->nr_ignore && !(o->flags & GOSYNC_BREAKER_IGNORE_EXACT)) {
		for (i = 0; i < ARRAY_SIZE(dflt_ignore); i++)
			o->ignore[i] = dflt_ignore[i];
		o->nr_ignore = ARRAY_SIZE(dflt_ignore);
	}
	b->pcpu = __alloc_percpu_gfp(struct_size(b->pcpu, slot, o->buckets),
				     __alignof__(struct __gosync_breaker_pcpu),
				     gfp);
	if (!b->pcpu)
		return -ENOMEM;
	b->slow_ns = o->slow_us ? (u64)o->slow_us * NSEC_PER_USEC : U64_MAX;
	b->clock = o->clock;
	b->stamp = gb_has_slow(b);
	b->fast_done = !gb_has_slow(b) && !b->clock;
	b->open_delay_ns = gb_open_delay(b);
	atomic64_set(&b->word, gb_word(1, GOSYNC_BREAKER_CLOSED, false));
	atomic64_set(&b->consec, 1ULL << __GB_CONSEC_SHIFT);
	raw_spin_lock_init(&b->lock);
	ATOMIC_INIT_NOTIFIER_HEAD(&b->nh);
	INIT_WORK(&b->ev_work, gb_work_fn);
	hrtimer_init(&b->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	b->timer.function = gb_timer_fn;
	b->face = __gosync_face_add(&__gosync_breaker_face, o->name, b);
	return 0;
}
EXPORT_SYMBOL_GOSYNC(gosync_breaker_init);

void gosync_breaker_destroy(struct gosync_breaker *b)
{
	unsigned long flags;

	if (!b || !b->pcpu)
		return;
	__gosync_face_del(b->face);	/* no reader of its stats is left */
	b->face = NULL;
	/* From here on, no change arms the timer or hands on a delivery. */
	raw_spin_lock_irqsave(&b->lock, flags);
	b->dead = true;
	raw_spin_unlock_irqrestore(&b->lock, flags);
	/* The timer may hand on a delivery, and the work arm the timer. */
	hrtimer_cancel(&b->timer);
	cancel_work_sync(&b->ev_work);
	if (rcu_access_pointer(b->nh.head))
		pr_warn("%s: destroyed with notifiers registered\n",
			b->opts.name ?: "breaker");
	free_percpu(b->pcpu);
	b->pcpu = NULL;
}
EXPORT_SYMBOL_GOSYNC(gosync_breaker_destroy);
