// SPDX-License-Identifier: GPL-2.0
/*
 * gosync_breaker in gosync_test.ko: named test breakers driven by a command
 * file, and a stress run, in /sys/kernel/debug/gosync_test/breaker/. The
 * interpreter and the parsers build in userspace too (tools/native), so
 * the fuzzers run them.
 *
 * Its command files, their grammar and what each run checks are
 * documented for their users in kmod/test/README.md, "breaker".
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/hrtimer.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/limits.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/sched.h>
#include <linux/seq_buf.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include <gosync/breaker.h>

#include "breaker.h"
#include "cmdfile.h"
#include "internal.h"
#include "parse.h"
#include "runner.h"
#include "test.h"

/* ------------------------------------------------------------------ */
/* The rules of state changes, which both files judge by.              */

/* A state change as a notifier logged it. */
struct gb_event {
	u64 gen, time_ns;
	u8 from, to, reason;
	bool forced;
};

static void gb_event_set(struct gb_event *e,
			 const struct gosync_breaker_event *ev)
{
	*e = (struct gb_event){
		.gen = ev->gen, .time_ns = ev->time_ns, .from = ev->from,
		.to = ev->to, .reason = ev->reason, .forced = ev->forced,
	};
}

/* A rejection's "error: <why>", in the commands' own words. */
#define gb_report(out, ...)	gosync_report(out, "breaker", __VA_ARGS__)

static const char *gb_sname(unsigned int s)
{
	return gosync_breaker_state_name((enum gosync_breaker_state)s);
}

static bool gb_trip_reason(unsigned int r)
{
	return r == GOSYNC_BREAKER_R_CONSECUTIVE ||
	       r == GOSYNC_BREAKER_R_FAILURE_RATE ||
	       r == GOSYNC_BREAKER_R_SLOW_RATE;
}

/*
 * Why @ev, after @last, is not a change a breaker with options @o (and
 * @consecutive, the consecutive-failure threshold in effect, 0 for none)
 * makes; NULL if it is one.
 */
static const char *gb_illegal(const struct gosync_breaker_opts *o,
			      unsigned int consecutive,
			       const struct gb_event *last,
			       const struct gb_event *ev)
{
	bool forced = ev->reason == GOSYNC_BREAKER_R_FORCED;
	unsigned int from = ev->from, to = ev->to;

	if (ev->gen != last->gen + 1)
		return "generations not consecutive";
	if (from != last->to)
		return "change does not start where the last ended";
	if (ev->forced != forced)
		return "forced flag does not match the reason";
	switch (ev->reason) {
	case GOSYNC_BREAKER_R_FORCED:
		return to == GOSYNC_BREAKER_HALF_OPEN ? "forced half-open" : NULL;
	case GOSYNC_BREAKER_R_RESET:
		return to == GOSYNC_BREAKER_CLOSED ? NULL : "reset not to closed";
	}
	if (last->forced)
		return "automatic change of a forced state";
	if (gb_trip_reason(ev->reason)) {
		if (from != GOSYNC_BREAKER_CLOSED || to != GOSYNC_BREAKER_OPEN)
			return "a trip not from closed to open";
		if (o->flags & GOSYNC_BREAKER_METRICS_ONLY)
			return "a metrics-only breaker tripped";
		if (ev->reason == GOSYNC_BREAKER_R_CONSECUTIVE && !consecutive)
			return "consecutive trip without the policy";
		if (ev->reason == GOSYNC_BREAKER_R_FAILURE_RATE && !o->failure_rate)
			return "failure-rate trip without the policy";
		if (ev->reason == GOSYNC_BREAKER_R_SLOW_RATE && !o->slow_rate)
			return "slow-rate trip without the policy";
		return NULL;
	}
	switch (ev->reason) {
	case GOSYNC_BREAKER_R_OPEN_EXPIRED:
		if (from == GOSYNC_BREAKER_OPEN && to == GOSYNC_BREAKER_HALF_OPEN)
			return NULL;
		return "open-expired not from open to half-open";
	case GOSYNC_BREAKER_R_PROBE_FAILED:
		if (from == GOSYNC_BREAKER_HALF_OPEN && to == GOSYNC_BREAKER_OPEN)
			return NULL;
		return "probe-failed not from half-open to open";
	case GOSYNC_BREAKER_R_PROBES_OK:
		if (from == GOSYNC_BREAKER_HALF_OPEN && to == GOSYNC_BREAKER_CLOSED)
			return NULL;
		return "probes-ok not from half-open to closed";
	case GOSYNC_BREAKER_R_HALF_OPEN_STUCK:
		if (from != GOSYNC_BREAKER_HALF_OPEN || !o->half_open_max_ms)
			return "half-open-stuck not from half-open";
		if (to == (o->flags & GOSYNC_BREAKER_STUCK_CLOSES ?
			   GOSYNC_BREAKER_CLOSED : GOSYNC_BREAKER_OPEN))
			return NULL;
		return "half-open-stuck to the wrong state";
	default:
		return "unknown reason";
	}
}

/* What a notifier call of @b's says wrong, before the change itself. */
static const char *gb_bad_event(struct gosync_breaker *b, unsigned long action,
				const struct gosync_breaker_event *ev)
{
	if (ev->breaker != b)
		return "event of another breaker";
	return action == ev->to ? NULL : "action is not the new state";
}

/*
 * Calls through a breaker: allow() calls, admitted, rejected (-EAGAIN or
 * -EBUSY); done() returning 0 (recorded), 1 (ignored), -ESTALE (stale);
 * (stress) admitted in a generation beyond GB_ST_GENS.
 */
struct gb_tally {
	u64 calls, admitted, rejected;
	u64 recorded, ignored, stale;
	u64 untracked;
};

/* Count what done() returned: 0, 1 or 2 as above, or -1 for the rest. */
static int gb_count(struct gb_tally *c, int ret)
{
	switch (ret) {
	case 0:
		c->recorded++;
		return 0;
	case 1:
		c->ignored++;
		return 1;
	case -ESTALE:
		c->stale++;
		return 2;
	}
	return -1;
}

/*
 * Judge @ev after @last, as gb_illegal() does if @why (a rule the caller
 * checked first) is NULL, and log a violation in @v if it breaks a rule.
 */
static void gb_judge(struct gosync_violations *v, const char *why,
		     const struct gosync_breaker_opts *o,
		      unsigned int consecutive, const struct gb_event *last,
		      const struct gb_event *ev)
{
	why = why ?: gb_illegal(o, consecutive, last, ev);
	if (why)
		gosync_violation(v, "illegal transition gen %llu (after %llu) %s->%s %s: %s",
				 ev->gen, last->gen, gb_sname(ev->from),
				 gb_sname(ev->to), gosync_breaker_reason_name(ev->reason), why);
}

/*
 * gosync_breaker_init() @b with @o, then register @nb calling @fn; on
 * failure, says why as @verb's, with @b destroyed.
 */
static int gb_init(struct gosync_breaker *b, struct gosync_breaker_opts *o,
		   struct notifier_block *nb, notifier_fn_t fn,
		   const char *verb, struct seq_buf *out)
{
	int ret = gosync_breaker_init(b, o, GFP_KERNEL);

	if (ret) {
		gb_report(out, "%s: gosync_breaker_init() failed (%d)", verb, ret);
		return ret;
	}
	nb->notifier_call = fn;
	ret = gosync_breaker_notifier_register(b, nb);
	if (ret) {
		gb_report(out, "%s: notifier_register() failed (%d)", verb, ret);
		gosync_breaker_destroy(b);
	}
	return ret;
}

/* ------------------------------------------------------------------ */
/* cmd: the test breakers.                                             */

#define GB_CLOCK0		(1000ULL * NSEC_PER_SEC) /* the fake clocks */
#define GB_FEED_MAX		1000000	/* pairs of one kind per feed */
#define GB_EVENTS_SHOWN	32	/* events "events" prints by default */
#define GB_LINE_ROOM	128	/* output room kept for a line and "..." */
/* How often check re-reads a breaker that notifications still change. */
#define GB_CHECK_TRIES	20

/* A ticket kept for "done": admitted (held), or reported (used). */
struct gb_slot {
	u32 id;
	enum { GB_FREE, GB_HELD, GB_USED } state;
	struct gosync_breaker_ticket t;
};

/*
 * One test breaker. The commands (under gb_lock) own all but the
 * event log, which belongs to the notifier, under @ev_lock, taken with
 * interrupts off: the notifier may run in hardirq (the notify timer).
 */
struct brkdbg {
	struct gosync_breaker b;
	char name[GOSYNC_BREAKER_CMD_NAME_MAX + 1];
	struct gosync_breaker_opts opts;	/* as given to init */
	bool fake;				/* on @clock_ns, moved by advance */
	atomic64_t clock_ns;
	u64 t0;					/* the clock at create */
	/* In effect: thresholds (consecutive 0: off), limits, open delay. */
	unsigned int consecutive, probes, successes, open_ms;
	bool has_ignore;			/* @ignore_err is ignored */
	int ignore_err;				/* for feed ignored= */
	u32 reenter;
	struct gb_slot *slots;
	unsigned int nr_held;			/* tickets admitted, not reported */
	u32 next_id;
	struct gb_tally seen;			/* rejected, ignored, stale seen */
	struct notifier_block nb;

	raw_spinlock_t ev_lock;
	u64 ev_total;				/* events delivered */
	struct gb_event last;			/* gen 1, closed, before any */
	struct gosync_violations v;		/* the broken rules */
	u64 reenter_calls;			/* notifier calls reading back */
	struct gb_event ev[GOSYNC_BREAKER_CMD_EVENTS];	/* the newest */
};

/* The keys of breaker/cmd; a verb's are a mask of them. */
enum gb_arg {
	GB_A_NAME, GB_A_CONSECUTIVE, GB_A_FAILURE_RATE,
	GB_A_SLOW_RATE, GB_A_SLOW_US, GB_A_MIN_CALLS,
	GB_A_BUCKETS, GB_A_BUCKET_MS, GB_A_OPEN_MS,
	GB_A_OPEN_MAX_MS, GB_A_PROBES, GB_A_SUCCESSES,
	GB_A_HALF_OPEN_MAX_MS, GB_A_IGNORE, GB_A_METRICS_ONLY,
	GB_A_STUCK_CLOSES, GB_A_NOTIFY_TIMER, GB_A_CLOCK,
	GB_A_REENTER, GB_A_N, GB_A_TICKET, GB_A_ERR,
	GB_A_DUR_US, GB_A_OK, GB_A_FAIL, GB_A_SLOW,
	GB_A_IGNORED, GB_A_MS, GB_A_LAST, GB_NR_ARGS,
};

static_assert(GB_NR_ARGS <= GOSYNC_PARAMS_MAX, "too many keys");

struct gb_verb;

/*
 * The arguments of one command, each the member of its key (in @o the
 * create options of the same name; ignore= and err= as written, as they
 * are signed), and the verb.
 */
struct gb_args {
	char name[GOSYNC_BREAKER_CMD_NAME_MAX + 1];
	char ignore[64];
	char err[16];
	struct gosync_breaker_opts o;
	u32 metrics_only, stuck_closes, notify_timer, clock, reenter;
	u32 n, ticket, ok, fail, slow, ignored, ms, last;
	u64 dur_us;
	const struct gb_verb *verb;
};

static const char *const gb_clocks[] = { "real", "fake" };

#define GB_ARG(type, k, m, lo, hi)					\
	GOSYNC_ARG_##type(k, struct gb_args, m, lo, hi, false)
#define GB_U32(k, m, hi)	GB_ARG(U32, k, m, 0, hi)
#define GB_OPT(k, hi)	GB_U32(#k, o.k, hi)
#define GB_STR(k, len)	GOSYNC_ARG_STR(#k, struct gb_args, k, len, false)

static const struct gosync_param gb_params[GB_NR_ARGS] = {
	[GB_A_NAME] = GB_STR(name, GOSYNC_BREAKER_CMD_NAME_MAX + 1),
	[GB_A_CONSECUTIVE] = GB_OPT(consecutive, GOSYNC_BREAKER_CONSECUTIVE_MAX),
	[GB_A_FAILURE_RATE] = GB_OPT(failure_rate, 100),
	[GB_A_SLOW_RATE] = GB_OPT(slow_rate, 100),
	[GB_A_SLOW_US] = GB_OPT(slow_us, U32_MAX),
	[GB_A_MIN_CALLS] = GB_OPT(min_calls, U32_MAX),
	[GB_A_BUCKETS] = GB_OPT(buckets, GOSYNC_BREAKER_BUCKETS_MAX),
	[GB_A_BUCKET_MS] = GB_OPT(bucket_ms, GOSYNC_BREAKER_BUCKET_MS_MAX),
	[GB_A_OPEN_MS] = GB_OPT(open_ms, GOSYNC_BREAKER_OPEN_MS_MAX),
	[GB_A_OPEN_MAX_MS] = GB_OPT(open_max_ms, GOSYNC_BREAKER_OPEN_MS_MAX),
	[GB_A_PROBES] = GB_OPT(probes, GOSYNC_BREAKER_PROBES_MAX),
	[GB_A_SUCCESSES] = GB_OPT(successes, GOSYNC_BREAKER_PROBES_MAX),
	[GB_A_HALF_OPEN_MAX_MS] = GB_OPT(half_open_max_ms, GOSYNC_BREAKER_OPEN_MS_MAX),
	[GB_A_IGNORE] = GB_STR(ignore, 64),
	[GB_A_METRICS_ONLY] = GB_U32("metrics_only", metrics_only, 1),
	[GB_A_STUCK_CLOSES] = GB_U32("stuck_closes", stuck_closes, 1),
	[GB_A_NOTIFY_TIMER] = GB_U32("notify_timer", notify_timer, 1),
	[GB_A_CLOCK] = GOSYNC_ARG_ENUM("clock", struct gb_args, clock, gb_clocks,
				       ARRAY_SIZE(gb_clocks)),
	[GB_A_REENTER] = GB_U32("reenter", reenter, 2),
	[GB_A_N] = GB_ARG(U32, "n", n, 1, GOSYNC_BREAKER_CMD_TICKETS),
	[GB_A_TICKET] = GB_ARG(U32, "ticket", ticket, 1, U32_MAX),
	[GB_A_ERR] = GB_STR(err, 16),
	[GB_A_DUR_US] = GB_ARG(U64, "dur_us", dur_us, 0, U32_MAX),
	[GB_A_OK] = GB_U32("ok", ok, GB_FEED_MAX),
	[GB_A_FAIL] = GB_U32("fail", fail, GB_FEED_MAX),
	[GB_A_SLOW] = GB_U32("slow", slow, GB_FEED_MAX),
	[GB_A_IGNORED] = GB_U32("ignored", ignored, GB_FEED_MAX),
	[GB_A_MS] = GB_U32("ms", ms, U32_MAX),
	[GB_A_LAST] = GB_ARG(U32, "last", last, 1, GOSYNC_BREAKER_CMD_EVENTS),
};

/* What a key is before parsing, when not 0. */
static const struct gb_args gb_defaults = {
	.n = 1, .dur_us = U64_MAX, .last = GB_EVENTS_SHOWN,
};

/*
 * A verb: the keys it takes and needs, whether name= is a breaker that
 * exists, its function, and for reset, force_*, the breaker's control.
 */
struct gb_verb {
	const char *name;
	u32 takes, needs;
	bool no_breaker;
	int (*run)(struct brkdbg *t, struct gb_args *a, struct seq_buf *out);
	int (*control)(struct gosync_breaker *b);
};

static_assert(offsetof(struct gb_verb, name) == 0,
	      "gosync_parse_verb() finds a verb by its first member");

/* Serializes commands; guards gb_breakers and gb_scratch. */
static DEFINE_MUTEX(gb_lock);
static struct brkdbg *gb_breakers[GOSYNC_BREAKER_CMD_BREAKERS];
static struct gb_args gb_scratch;

static u64 gb_clock(void *arg)
{
	struct brkdbg *t = arg;

	return atomic64_read(&t->clock_ns);
}

/* reenter: read the breaker back from its own notifier. */
static const char *gb_reenter(struct brkdbg *t,
			      const struct gosync_breaker_event *ev)
{
	enum gosync_breaker_state s = gosync_breaker_state(&t->b);
	struct gosync_breaker_counts c;

	gosync_breaker_counts(&t->b, &c);
	if (c.gen < ev->gen)
		return "reenter: counts show an older generation";
	if (c.gen == ev->gen && (c.state != ev->to || c.forced != ev->forced))
		return "reenter: counts disagree with the event";
	/* The state was read after the change and before the counts. */
	if (c.gen == ev->gen && s != ev->to)
		return "reenter: state disagrees with the event";
	return NULL;
}

/* Judge each change the breaker tells of, and log it. */
static int gb_notify(struct notifier_block *nb, unsigned long action,
		     void *data)
{
	struct brkdbg *t = container_of(nb, struct brkdbg, nb);
	const struct gosync_breaker_event *ev = data;
	const char *re = NULL;
	struct gb_event e;
	unsigned long flags;

	gb_event_set(&e, ev);
	if (t->reenter)
		re = gb_reenter(t, ev);
	raw_spin_lock_irqsave(&t->ev_lock, flags);
	t->reenter_calls += !!t->reenter;
	if (re)
		gosync_violation(&t->v, "gen %llu: %s", ev->gen, re);
	gb_judge(&t->v, gb_bad_event(&t->b, action, ev), &t->opts, t->consecutive, &t->last, &e);
	t->ev[t->ev_total++ % GOSYNC_BREAKER_CMD_EVENTS] = e;
	t->last = e;
	raw_spin_unlock_irqrestore(&t->ev_lock, flags);
	/* A change made here is delivered after this one: no deadlock. */
	if (t->reenter >= 2 && ev->to == GOSYNC_BREAKER_OPEN && !ev->forced)
		gosync_breaker_force_open(&t->b);
	return NOTIFY_OK;
}

static struct brkdbg *gb_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < GOSYNC_BREAKER_CMD_BREAKERS; i++)
		if (gb_breakers[i] && !strcmp(gb_breakers[i]->name, name))
			return gb_breakers[i];
	return NULL;
}

/*
 * The slot of ticket @id (@id 0: for a new ticket, a free slot, else one
 * already reported), or NULL.
 */
static struct gb_slot *gb_slot(struct brkdbg *t, u32 id)
{
	struct gb_slot *s, *used = NULL;

	for (s = t->slots; s < t->slots + GOSYNC_BREAKER_CMD_TICKETS; s++) {
		if (id && s->state != GB_FREE && s->id == id)
			return s;
		if (!id && s->state == GB_FREE)
			return s;
		if (!id && !used && s->state == GB_USED)
			used = s;
	}
	return used;
}

/* If @live, unregister the notifier (it may sleep), destroy the breaker; free @t. */
static void gb_free(struct brkdbg *t, bool live)
{
	if (live) {
		gosync_breaker_notifier_unregister(&t->b, &t->nb);
		gosync_breaker_destroy(&t->b);
	}
	kvfree(t->slots);
	kfree(t);
}

/* A signed number of err= or ignore=, in [@lo, @hi]. */
static int gb_int(const char *key, const char *s, int lo, int hi, int *v,
		  struct seq_buf *out)
{
	int ret = kstrtoint(s, 0, v);

	if (ret && ret != -ERANGE) {
		gb_report(out, "'%s=%.16s' is not an integer", key, s);
		return -EINVAL;
	}
	if (ret || *v < lo || *v > hi) {
		gb_report(out, "'%s=%.16s' is outside [%d, %d]", key, s, lo, hi);
		return -ERANGE;
	}
	return 0;
}

/* ignore=E[,E...] (negative errnos) or ignore=none, into @o. */
static int gb_parse_ignore(char *s, struct gosync_breaker_opts *o,
			   struct seq_buf *out)
{
	char *e;
	int ret;

	if (!strcmp(s, "none")) {
		o->flags |= GOSYNC_BREAKER_IGNORE_EXACT;
		return 0;
	}
	while ((e = strsep(&s, ","))) {
		if (!*e) {
			gb_report(out, "create: ignore= has an empty entry");
			return -EINVAL;
		}
		if (o->nr_ignore == GOSYNC_BREAKER_IGNORE_MAX) {
			gb_report(out, "create: ignore= takes at most %d errnos",
				  GOSYNC_BREAKER_IGNORE_MAX);
			return -ERANGE;
		}
		ret = gb_int("ignore", e, -MAX_ERRNO, -1, &o->ignore[o->nr_ignore++], out);
		if (ret)
			return ret;
	}
	return 0;
}

/* The checks of create between its options, and the name. */
static int gb_create_check(struct gb_args *a, struct seq_buf *out)
{
	struct gosync_breaker_opts *o = &a->o;
	unsigned int open_ms = o->open_ms ?: GOSYNC_BREAKER_DEFAULT_OPEN_MS;
	int ret;

	if (!gosync_parse_name_ok(a->name)) {
		gb_report(out, "create: name '%s' is not [A-Za-z0-9_-]+", a->name);
		return -EINVAL;
	}
	o->flags = (a->metrics_only ? GOSYNC_BREAKER_METRICS_ONLY : 0) |
		   (a->stuck_closes ? GOSYNC_BREAKER_STUCK_CLOSES : 0) |
		   (a->notify_timer ? GOSYNC_BREAKER_NOTIFY_TIMER : 0);
	ret = a->ignore[0] ? gb_parse_ignore(a->ignore, o, out) : 0;
	if (ret)
		return ret;
	if (o->slow_rate && !o->slow_us) {
		gb_report(out, "create: slow_rate needs slow_us");
		return -EINVAL;
	}
	if (o->open_max_ms && o->open_max_ms < open_ms) {
		gb_report(out, "create: open_max_ms=%u is below the open delay %u",
			  o->open_max_ms, open_ms);
		return -EINVAL;
	}
	if (gb_find(a->name)) {
		gb_report(out, "create: breaker '%s' exists", a->name);
		return -EEXIST;
	}
	return 0;
}

static void gb_print_created(struct brkdbg *t, struct seq_buf *out)
{
	const struct gosync_breaker_opts *o = &t->opts;
	unsigned int i;

	seq_buf_printf(out, "created name=%s clock=%s consecutive=%u failure_rate=%u",
		       t->name, gb_clocks[t->fake], o->consecutive,
		       o->failure_rate);
	seq_buf_printf(out, " slow_rate=%u slow_us=%u min_calls=%u buckets=%u bucket_ms=%u",
		       o->slow_rate, o->slow_us, o->min_calls, o->buckets,
		       o->bucket_ms);
	seq_buf_printf(out, " open_ms=%u open_max_ms=%u probes=%u successes=%u",
		       o->open_ms, o->open_max_ms, o->probes, o->successes);
	seq_buf_printf(out, " half_open_max_ms=%u flags=0x%x ignore=",
		       o->half_open_max_ms, o->flags);
	if (!o->nr_ignore)
		seq_buf_printf(out, "%s",
			       o->flags & GOSYNC_BREAKER_IGNORE_EXACT ? "none" : "default");
	for (i = 0; i < o->nr_ignore; i++)
		seq_buf_printf(out, "%s%d", i ? "," : "", o->ignore[i]);
	seq_buf_printf(out, " reenter=%u\n", t->reenter);
}

static int gb_create(struct brkdbg *unused, struct gb_args *a,
		     struct seq_buf *out)
{
	struct gosync_breaker_opts *o = &a->o;
	unsigned int slot;
	struct brkdbg *t;
	int ret;

	ret = gb_create_check(a, out);
	if (ret)
		return ret;
	for (slot = 0; slot < GOSYNC_BREAKER_CMD_BREAKERS; slot++)
		if (!gb_breakers[slot])
			break;
	if (slot == GOSYNC_BREAKER_CMD_BREAKERS) {
		gb_report(out, "create: %d test breakers exist already",
			  GOSYNC_BREAKER_CMD_BREAKERS);
		return -ENOSPC;
	}
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (t)
		t->slots = kvcalloc(GOSYNC_BREAKER_CMD_TICKETS, sizeof(*t->slots), GFP_KERNEL);
	if (!t || !t->slots) {
		kfree(t);
		gb_report(out, "create: out of memory");
		return -ENOMEM;
	}
	strscpy(t->name, a->name, sizeof(t->name));
	o->name = t->name;
	t->fake = a->clock;
	atomic64_set(&t->clock_ns, GB_CLOCK0);
	if (t->fake) {
		o->clock = gb_clock;
		o->clock_arg = t;
	}
	t->t0 = t->fake ? GB_CLOCK0 : ktime_get_coarse_ns();
	t->opts = *o;
	t->consecutive = o->consecutive;
	if (!o->consecutive && !o->failure_rate && !o->slow_rate)
		t->consecutive = GOSYNC_BREAKER_DEFAULT_CONSECUTIVE;
	t->probes = o->probes ?: 1;
	t->successes = o->successes ?: t->probes;
	t->open_ms = o->open_ms ?: GOSYNC_BREAKER_DEFAULT_OPEN_MS;
	t->has_ignore = o->nr_ignore || !(o->flags & GOSYNC_BREAKER_IGNORE_EXACT);
	t->ignore_err = o->nr_ignore ? o->ignore[0] : -EINTR;
	t->reenter = a->reenter;
	t->next_id = 1;
	t->last = (struct gb_event){ .gen = 1, .to = GOSYNC_BREAKER_CLOSED };
	raw_spin_lock_init(&t->ev_lock);
	gosync_violations_init(&t->v, "breaker: cmd");

	ret = gb_init(&t->b, o, &t->nb, gb_notify, "create", out);
	if (ret) {
		gb_free(t, false);
		return ret;
	}
	gb_breakers[slot] = t;
	gb_print_created(t, out);
	return 0;
}

static int gb_destroy(struct brkdbg *t, struct gb_args *a,
		      struct seq_buf *out)
{
	unsigned int i, held = t->nr_held;
	u64 events = t->ev_total;

	for (i = 0; i < GOSYNC_BREAKER_CMD_BREAKERS; i++)
		if (gb_breakers[i] == t)
			gb_breakers[i] = NULL;
	gb_free(t, true);
	seq_buf_printf(out, "destroyed name=%s held=%u events=%llu\n", a->name, held, events);
	return 0;
}

/* state, and the end of the lines of allow, done, feed and the controls. */
static int gb_state(struct brkdbg *t, struct gb_args *a,
		    struct seq_buf *out)
{
	struct gosync_breaker_counts c;

	gosync_breaker_counts(&t->b, &c);
	seq_buf_printf(out, "state=%s forced=%u gen=%llu\n", gb_sname(c.state), c.forced, c.gen);
	return 0;
}

static int gb_allow(struct brkdbg *t, struct gb_args *a,
		    struct seq_buf *out)
{
	unsigned int i, admitted = 0, eagain = 0, ebusy = 0;
	struct gosync_breaker_ticket tk;
	struct gb_slot *s;
	u32 first = 0;
	int ret;

	if (t->nr_held + a->n > GOSYNC_BREAKER_CMD_TICKETS) {
		gb_report(out, "allow: %u tickets held, at most %d",
			  t->nr_held, GOSYNC_BREAKER_CMD_TICKETS);
		return -ERANGE;
	}
	for (i = 0; i < a->n; i++) {
		memset(&tk, 0, sizeof(tk));
		ret = gosync_breaker_allow(&t->b, &tk);
		eagain += ret == -EAGAIN;
		ebusy += ret == -EBUSY;
		if (ret == -EAGAIN || ret == -EBUSY)
			continue;
		if (ret) {
			gb_report(out, "allow: gosync_breaker_allow() returned %d", ret);
			return -EIO;
		}
		s = gb_slot(t, 0);
		*s = (struct gb_slot){ t->next_id++, GB_HELD, tk };
		t->nr_held++;
		if (!admitted++)
			first = s->id;
	}
	t->seen.rejected += eagain + ebusy;
	seq_buf_printf(out, "admitted=%u rejected=%u eagain=%u ebusy=%u",
		       admitted, eagain + ebusy, eagain, ebusy);
	if (admitted)
		seq_buf_printf(out, " tickets=%u..%u", first, first + admitted - 1);
	else
		seq_buf_printf(out, " tickets=none");
	seq_buf_printf(out, " held=%u ", t->nr_held);
	return gb_state(t, a, out);
}

static int gb_done(struct brkdbg *t, struct gb_args *a,
		   struct seq_buf *out)
{
	static const char *const what[] = { "recorded", "ignored", "stale" };
	struct gb_slot *s = gb_slot(t, a->ticket);
	u64 dur = GOSYNC_BREAKER_DURATION_AUTO;
	int err = 0, ret, i;
	bool held;

	ret = a->err[0] ? gb_int("err", a->err, -MAX_ERRNO, INT_MAX, &err, out) : 0;
	if (ret)
		return ret;
	if (!s) {
		gb_report(out, "done: no ticket %u in breaker '%s'", a->ticket, t->name);
		return -ENOENT;
	}
	if (a->dur_us != U64_MAX)
		dur = a->dur_us * NSEC_PER_USEC;
	held = s->state == GB_HELD;
	ret = gosync_breaker_done(&t->b, &s->t, err, dur);
	if (held) {
		s->state = GB_USED;
		t->nr_held--;
	}
	i = gb_count(&t->seen, ret);
	/* An admitted ticket is never invalid, a used one always is. */
	if (held ? i < 0 : ret != -EINVAL) {
		gb_report(out, "done: ticket %u (%s) got %d from gosync_breaker_done()",
			  a->ticket, held ? "held" : "used", ret);
		return -EIO;
	}
	seq_buf_printf(out, "ticket=%u ret=%d result=%s held=%u ", a->ticket,
		       ret, i < 0 ? "invalid" : what[i], t->nr_held);
	return gb_state(t, a, out);
}

/* @n allow + done(@err, @dur) pairs; 0 or -EIO (a result out of spec). */
static int gb_feed_n(struct brkdbg *t, u32 n, int err, u64 dur,
		     struct gb_tally *f, struct seq_buf *out)
{
	struct gosync_breaker_ticket tk;
	u32 i;
	int ret;

	for (i = 0; i < n; i++) {
		if (!(i % 1024))
			cond_resched();
		memset(&tk, 0, sizeof(tk));
		ret = gosync_breaker_allow(&t->b, &tk);
		if (ret == -EAGAIN || ret == -EBUSY) {
			f->rejected++;
			t->seen.rejected++;
			continue;
		}
		if (ret) {
			gb_report(out, "feed: gosync_breaker_allow() returned %d", ret);
			return -EIO;
		}
		f->admitted++;
		ret = gosync_breaker_done(&t->b, &tk, err, dur);
		if (gb_count(f, ret) < 0) {
			gb_report(out, "feed: done() of a fresh ticket returned %d", ret);
			return -EIO;
		}
		gb_count(&t->seen, ret);
	}
	return 0;
}

static int gb_feed(struct brkdbg *t, struct gb_args *a,
		   struct seq_buf *out)
{
	u64 slow = (u64)t->opts.slow_us * NSEC_PER_USEC;
	struct gb_tally f = {};
	int err = -EIO, ret;

	ret = a->err[0] ? gb_int("err", a->err, -MAX_ERRNO, -1, &err, out) : 0;
	if (ret)
		return ret;
	if (a->slow && !t->opts.slow_us) {
		gb_report(out, "feed: slow= needs a breaker with slow_us");
		return -EINVAL;
	}
	if (a->ignored && !t->has_ignore) {
		gb_report(out, "feed: ignored= needs a breaker that ignores an errno");
		return -EINVAL;
	}
	ret = gb_feed_n(t, a->ok, 0, 0, &f, out) ?:
	      gb_feed_n(t, a->fail, err, 0, &f, out) ?:
	      gb_feed_n(t, a->slow, 0, slow, &f, out) ?:
	      gb_feed_n(t, a->ignored, t->ignore_err, 0, &f, out);
	if (ret)
		return ret;
	seq_buf_printf(out, "admitted=%llu rejected=%llu recorded=%llu ignored=%llu stale=%llu ",
		       f.admitted, f.rejected, f.recorded, f.ignored, f.stale);
	return gb_state(t, a, out);
}

static int gb_advance(struct brkdbg *t, struct gb_args *a,
		      struct seq_buf *out)
{
	u64 now;

	if (!t->fake) {
		gb_report(out, "advance: breaker '%s' has the real clock", t->name);
		return -EINVAL;
	}
	now = atomic64_add_return((s64)a->ms * NSEC_PER_MSEC, &t->clock_ns);
	seq_buf_printf(out, "clock_ms=%llu\n", div_u64(now - GB_CLOCK0, NSEC_PER_MSEC));
	return 0;
}

static int gb_counts(struct brkdbg *t, struct gb_args *a,
		     struct seq_buf *out)
{
	struct gosync_breaker_counts c;

	gosync_breaker_counts(&t->b, &c);
	seq_buf_printf(out, "state=%s forced=%u gen=%llu calls=%llu failures=%llu slow=%llu",
		       gb_sname(c.state), c.forced, c.gen, c.calls, c.failures, c.slow);
	seq_buf_printf(out, " consecutive=%u probes=%u probe_successes=%u open_delay_ms=%u",
		       c.consecutive, c.probes, c.probe_successes,
		       c.open_delay_ms);
	seq_buf_printf(out, " rejected=%llu ignored=%llu stale=%llu transitions=%llu",
		       c.rejected, c.ignored, c.stale, c.transitions);
	seq_buf_printf(out, " trips=%llu deferred=%llu pending_events=%u\n",
		       c.trips, c.deferred, c.pending_events);
	return 0;
}

/* reset, force_open, force_closed. */
static int gb_control(struct brkdbg *t, struct gb_args *a,
		      struct seq_buf *out)
{
	int ret = a->verb->control(&t->b);

	if (ret) {
		gb_report(out, "%s: state changes wait for their notifiers (%d)",
			  a->verb->name, ret);
		return ret;
	}
	return gb_state(t, a, out);
}

static int gb_events(struct brkdbg *t, struct gb_args *a,
		     struct seq_buf *out)
{
	u64 total, i, from;
	unsigned long flags;
	unsigned int kept;

	raw_spin_lock_irqsave(&t->ev_lock, flags);
	if (gosync_violations_count(&t->v)) {
		gb_report(out, "events: %ld bad, first %s",
			  gosync_violations_count(&t->v), t->v.why[0]);
		raw_spin_unlock_irqrestore(&t->ev_lock, flags);
		return -EIO;
	}
	total = t->ev_total;
	kept = min_t(u64, total, GOSYNC_BREAKER_CMD_EVENTS);
	seq_buf_printf(out, "events=%llu kept=%u reenter_calls=%llu\n", total,
		       kept, t->reenter_calls);
	from = total - min_t(u64, kept, a->last);
	for (i = from; i < total; i++) {
		const struct gb_event *e = &t->ev[i % GOSYNC_BREAKER_CMD_EVENTS];

		if (seq_buf_used(out) + GB_LINE_ROOM > out->size) {
			seq_buf_printf(out, "...\n");
			break;
		}
		seq_buf_printf(out, "gen=%llu from=%s to=%s reason=%s forced=%u ms=%lld\n",
			       e->gen, gb_sname(e->from), gb_sname(e->to),
			       gosync_breaker_reason_name(e->reason), e->forced,
			       div_s64((s64)(e->time_ns - t->t0), NSEC_PER_MSEC));
	}
	raw_spin_unlock_irqrestore(&t->ev_lock, flags);
	return 0;
}

/* Record @a and @b for the report; return @bad. */
static bool gb_bad(bool bad, u64 a, u64 b, u64 *x, u64 *y)
{
	*x = a;
	*y = b;
	return bad;
}

static bool gb_ne(u64 a, u64 b, u64 *x, u64 *y)
{
	return gb_bad(a != b, a, b, x, y);
}

/*
 * The invariants of a quiet breaker, against its notifier's log and what
 * this file did with it. Returns NULL if they hold, else the first that
 * does not, its two sides in @x and @y.
 */
static const char *gb_check_once(struct brkdbg *t, u64 *x, u64 *y)
{
	bool metrics_only = t->opts.flags & GOSYNC_BREAKER_METRICS_ONLY;
	unsigned int i, held = 0, probes = 0;
	struct gosync_breaker_counts c;
	u64 total, violations;
	struct gb_event last;
	unsigned long flags;

	gosync_breaker_counts(&t->b, &c);
	raw_spin_lock_irqsave(&t->ev_lock, flags);
	total = t->ev_total;
	last = t->last;
	violations = gosync_violations_count(&t->v);
	raw_spin_unlock_irqrestore(&t->ev_lock, flags);
	for (i = 0; i < GOSYNC_BREAKER_CMD_TICKETS; i++) {
		if (t->slots[i].state != GB_HELD)
			continue;
		held++;
		probes += t->slots[i].t.gen == c.gen;
	}

	if (gb_ne(violations, 0, x, y))
		return "the notifier saw bad events (see events)";
	if (gb_ne(c.pending_events, 0, x, y))
		return "events wait for delivery";
	if (gb_ne(total, c.transitions, x, y))
		return "events delivered != transitions";
	if (gb_ne(c.gen, c.transitions + 1, x, y))
		return "gen != transitions + 1";
	if (gb_ne(last.gen, c.gen, x, y))
		return "the last event's gen != gen";
	if (gb_ne(last.to, c.state, x, y))
		return "the last event's state != state";
	if (gb_ne(last.forced, c.forced, x, y))
		return "the last event's forced != forced";
	if (gb_bad(c.trips > c.transitions, c.trips, c.transitions, x, y))
		return "trips > transitions";
	if (gb_ne(c.rejected, t->seen.rejected, x, y))
		return "rejected != rejections seen";
	if (gb_ne(c.ignored, t->seen.ignored, x, y))
		return "ignored != ignored results seen";
	if (gb_ne(c.stale, t->seen.stale, x, y))
		return "stale != stale results seen";
	if (gb_ne(held, t->nr_held, x, y))
		return "held tickets miscounted";
	if (gb_bad(c.open_delay_ms < t->open_ms ||
		   c.open_delay_ms > max(t->open_ms, t->opts.open_max_ms),
		       c.open_delay_ms, t->open_ms, x, y))
		return "open_delay_ms outside [open_ms, open_max_ms]";
	if (c.state != GOSYNC_BREAKER_HALF_OPEN) {
		if (gb_ne(c.probes, 0, x, y))
			return "probes outside half-open";
		if (gb_ne(c.probe_successes, 0, x, y))
			return "probe successes outside half-open";
	} else {
		if (gb_ne(c.probes, probes, x, y))
			return "probes != held tickets of this generation";
		if (gb_bad(c.probes > t->probes, c.probes, t->probes, x, y))
			return "probes above the limit";
		if (gb_bad(c.probe_successes >= t->successes,
			   c.probe_successes, t->successes, x, y))
			return "half-open with enough probe successes";
	}
	if (gb_bad(metrics_only && !c.forced &&
		   c.state != GOSYNC_BREAKER_CLOSED, c.state, 0, x, y))
		return "a metrics-only breaker is not closed";
	if (c.state != GOSYNC_BREAKER_CLOSED)
		return NULL;
	if (gb_bad(c.failures > c.calls || c.slow > c.calls,
		   c.failures + c.slow, c.calls, x, y))
		return "more failures or slow calls than calls";
	if (!t->consecutive && gb_ne(c.consecutive, 0, x, y))
		return "consecutive failures counted without the policy";
	if (gb_bad(t->consecutive && !c.forced && !metrics_only &&
		   c.consecutive >= t->consecutive, c.consecutive,
		       t->consecutive, x, y))
		return "closed with consecutive failures at the limit";
	return NULL;
}

/* Re-read a while: the notify timer or a worker may still change it. */
static int gb_check(struct brkdbg *t, struct gb_args *a,
		    struct seq_buf *out)
{
	const char *why = NULL;
	unsigned int i;
	u64 x = 0, y = 0;

	for (i = 0; i < GB_CHECK_TRIES; i++) {
		why = gb_check_once(t, &x, &y);
		if (!why)
			break;
		usleep_range(1000, 2000);
	}
	if (why) {
		gb_report(out, "check: %s (%llu, %llu)", why, x, y);
		return -EIO;
	}
	seq_buf_printf(out, "ok\n");
	return 0;
}

static int gb_list(struct brkdbg *unused, struct gb_args *a,
		   struct seq_buf *out)
{
	unsigned int i, n = 0;

	for (i = 0; i < GOSYNC_BREAKER_CMD_BREAKERS; i++)
		n += !!gb_breakers[i];
	seq_buf_printf(out, "breakers=%u\n", n);
	for (i = 0; i < GOSYNC_BREAKER_CMD_BREAKERS; i++) {
		struct brkdbg *t = gb_breakers[i];

		if (t)
			seq_buf_printf(out, "name=%s clock=%s held=%u state=%s\n",
				       t->name, gb_clocks[t->fake], t->nr_held,
				       gb_sname(gosync_breaker_state(&t->b)));
	}
	return 0;
}

#define A(x)	BIT(GB_A_##x)
#define B	A(NAME)		/* a breaker's name */

static const struct gb_verb gb_verbs[] = {
	{ "create", GENMASK(GB_A_REENTER, GB_A_NAME), B, true, gb_create },
	{ "destroy", B, B, false, gb_destroy },
	{ "allow", B | A(N), B, false, gb_allow },
	{ "done", B | A(TICKET) | A(ERR) | A(DUR_US), B | A(TICKET), false, gb_done },
	{ "feed", B | A(OK) | A(FAIL) | A(SLOW) | A(IGNORED) | A(ERR), B, false, gb_feed },
	{ "advance", B | A(MS), B | A(MS), false, gb_advance },
	{ "state", B, B, false, gb_state },
	{ "counts", B, B, false, gb_counts },
	{ "reset", B, B, false, gb_control, gosync_breaker_reset },
	{ "force_open", B, B, false, gb_control, gosync_breaker_force_open },
	{ "force_closed", B, B, false, gb_control, gosync_breaker_force_closed },
	{ "events", B | A(LAST), B, false, gb_events },
	{ "check", B, B, false, gb_check },
	{ "list", 0, 0, true, gb_list },
};

#undef B
#undef A

/**
 * gb_cmd_exec() - parse and run one command of breaker/cmd
 * @line: the command line, checked by gosync_parse_line(); modified
 * @out: receives the command's output, or "error: <why>"
 * @who: prefix of messages about rejected commands
 *
 * The exec() of the command file breaker/cmd; the grammar is at the top
 * of this file.
 *
 * Context: process context, may sleep; serialized with the other commands.
 * Return: 0, or a negative errno (rejected command, failed breaker call,
 * or -EIO for a broken invariant).
 */
int gb_cmd_exec(char *line, struct seq_buf *out, const char *who)
{
	struct gosync_param params[GB_NR_ARGS];
	struct gosync_args spec = {
		.params = params,
		.size = sizeof(struct gb_args),
		.defaults = &gb_defaults,
	};
	struct gb_args *a = &gb_scratch;
	const struct gb_verb *v;
	struct brkdbg *t = NULL;
	int ret;

	v = gosync_parse_verb(&line, gb_verbs, ARRAY_SIZE(gb_verbs), sizeof(gb_verbs[0]), out, who);
	if (!v)
		return -EINVAL;
	spec.nr = gosync_param_select(params, gb_params, GB_NR_ARGS, v->takes, v->needs);

	mutex_lock(&gb_lock);
	ret = gosync_args_parse(&spec, line, a, out, who);
	a->verb = v;
	if (!ret && !v->no_breaker) {
		t = gb_find(a->name);
		if (!t) {
			gosync_report(out, who, "no breaker named '%s'", a->name);
			ret = -ENOENT;
		}
	}
	if (!ret)
		ret = v->run(t, a, out);
	mutex_unlock(&gb_lock);
	return ret;
}

/**
 * gb_cmd_exit() - destroy every test breaker of breaker/cmd
 *
 * Each notifier is unregistered before its breaker is destroyed.
 *
 * Context: process context, may sleep; once no command runs.
 */
void gb_cmd_exit(void)
{
	unsigned int i;

	mutex_lock(&gb_lock);
	for (i = 0; i < GOSYNC_BREAKER_CMD_BREAKERS; i++) {
		if (gb_breakers[i])
			gb_free(gb_breakers[i], true);
		gb_breakers[i] = NULL;
	}
	mutex_unlock(&gb_lock);
}

static int gb_exec(struct gosync_cmd_file *f, char *line,
		   struct seq_buf *out)
{
	return gb_cmd_exec(line, out, f->who);
}

/* ------------------------------------------------------------------ */
/* stress: the arguments.                                              */

enum gb_st_policy { GB_ST_CONSECUTIVE, GB_ST_RATE, GB_ST_SLOW, GB_ST_NR_POLICIES };

static const char *const gb_st_policy_names[GB_ST_NR_POLICIES] = {
	"consecutive", "rate", "slow",
};

/* inject=: the violation planted after the run (grammar at the top). */
enum gb_st_inject {
	GB_ST_INJ_NONE, GB_ST_INJ_ADMIT_OPEN, GB_ST_INJ_PROBES, GB_ST_INJ_DELAY,
	GB_ST_INJ_REJECTED, GB_ST_INJ_TRANSITION, GB_ST_NR_INJECT,
};

static const char *const gb_st_inject_names[GB_ST_NR_INJECT] = {
	"none", "admit-open", "probes", "delay", "rejected", "transition",
};

#define GB_ST_MAX_MS		10000	/* duration_ms */
#define GB_ST_OPEN_MS_MAX	1000	/* open_ms; backoff goes up to 4x */
#define GB_ST_BACKOFF_FACTOR	4
#define GB_ST_PROBES_MAX	64	/* probes, successes */
#define GB_ST_SLOW_US		5000	/* the slow policy: a slow call, 2x */
#define GB_ST_LOOP		64	/* calls between stop checks */
#define GB_ST_IRQ_CALLS		4	/* calls per timer interrupt */
/* Generations tracked, and events logged (generations 2 .. GB_ST_GENS + 1). */
#define GB_ST_GENS		32768U
#define GB_ST_BUCKETS		4	/* the rate policies' window */
#define GB_ST_BUCKET_MS		25
#define GB_ST_RETRIPS_MAX	32	/* as breaker.c's backoff */

static_assert(GB_ST_PROBES_MAX <= GOSYNC_BREAKER_PROBES_MAX,
	      "probes= and successes= must be valid breaker options");
static_assert(GB_ST_OPEN_MS_MAX * GB_ST_BACKOFF_FACTOR <= GOSYNC_BREAKER_OPEN_MS_MAX,
	      "the longest backoff must be a valid open_max_ms");

/* The arguments of a stress command, each the member of its key. */
struct gb_st_args {
	u32 threads, duration_ms, policy, open_ms, backoff, probes, successes;
	u32 consecutive, rate, min_calls, phase_ms, fail_pct, ignore_pct, irq;
	u32 timer_us, notify_timer, inject;
};

/* Keys the policy does not take, defaults that depend on others. */
static int gb_st_args_check(void *args, struct seq_buf *out, const char *who)
{
	struct gb_st_args *a = args;

	if (a->policy == GB_ST_CONSECUTIVE && (a->rate || a->min_calls)) {
		gosync_report(out, who, "stress: rate and min_calls are for policy=rate|slow");
		return -EINVAL;
	}
	if (a->policy != GB_ST_CONSECUTIVE && a->consecutive) {
		gosync_report(out, who, "stress: consecutive is for policy=consecutive");
		return -EINVAL;
	}
	if (a->fail_pct + a->ignore_pct > 100) {
		gosync_report(out, who, "stress: fail_pct %u + ignore_pct %u > 100",
			      a->fail_pct, a->ignore_pct);
		return -ERANGE;
	}
	a->threads = a->threads ?: num_online_cpus();
	a->probes = a->probes ?: 2;
	a->successes = a->successes ?: a->probes;
	a->consecutive = a->consecutive ?: 5;
	a->rate = a->rate ?: 50;
	a->min_calls = a->min_calls ?: 20;
	return 0;
}

/* 0: not given; the defaults that depend on others: gb_st_args_check(). */
static const struct gb_st_args gb_st_defaults = {
	.duration_ms = 1000, .open_ms = 20, .phase_ms = 100, .fail_pct = 90,
	.ignore_pct = 2, .timer_us = 200,
};

#define GB_ST_U32(k, lo, hi)	GOSYNC_ARG_U32(#k, struct gb_st_args, k, lo, hi, false)

static const struct gosync_param gb_st_params[] = {
	GOSYNC_ARG_CPUS("threads", struct gb_st_args, threads),
	GB_ST_U32(duration_ms, 1, GB_ST_MAX_MS),
	GOSYNC_ARG_ENUM("policy", struct gb_st_args, policy, gb_st_policy_names,
			GB_ST_NR_POLICIES),
	GB_ST_U32(open_ms, 1, GB_ST_OPEN_MS_MAX),
	GB_ST_U32(backoff, 0, 1),
	GB_ST_U32(probes, 1, GB_ST_PROBES_MAX),
	GB_ST_U32(successes, 1, GB_ST_PROBES_MAX),
	GB_ST_U32(consecutive, 1, GOSYNC_BREAKER_CONSECUTIVE_MAX),
	GB_ST_U32(rate, 1, 100),
	GB_ST_U32(min_calls, 1, 100000),
	GB_ST_U32(phase_ms, 10, 10000),
	GB_ST_U32(fail_pct, 0, 100),
	GB_ST_U32(ignore_pct, 0, 100),
	GB_ST_U32(irq, 0, 1),
	GB_ST_U32(timer_us, 20, 100000),
	GB_ST_U32(notify_timer, 0, 1),
	GOSYNC_ARG_ENUM("inject", struct gb_st_args, inject, gb_st_inject_names,
			GB_ST_NR_INJECT),
};

/* The arguments of breaker/stress; the fuzzers run them too. */
const struct gosync_args gosync_breaker_stress_args =
	GOSYNC_ARGS(gb_st_params, struct gb_st_args, &gb_st_defaults, gb_st_args_check);

/* ------------------------------------------------------------------ */
/* stress: the callers.                                                */

/* What the calls of one generation did: admitted, in flight, most at once. */
struct gb_st_gen {
	atomic_t admitted, inflight, max_inflight;
};

struct brkst;

/* One stress thread, and its hrtimer (irq=1), each with its calls. */
struct gb_st_thread {
	struct brkst *s;
	u32 rnd, irq_rnd;
	struct hrtimer timer;
	bool timer_stop;		/* the timer must not re-arm */
	struct gb_tally c, irq;
};

/* One stress run. */
struct brkst {
	struct gosync_breaker b;
	struct gosync_breaker_opts opts;
	struct gb_st_args a;
	struct notifier_block nb;	/* logs the events */
	ktime_t period;			/* of the timers (irq=1) */
	u32 fail_pct;			/* the backend's, now */
	u64 phases;			/* the control thread began */
	struct gb_st_thread *th;
	struct gb_st_gen *gens;		/* indexed by generation */
	raw_spinlock_t log_lock;	/* guards log, nr_events */
	struct gb_event *log;		/* the events, in order */
	u64 nr_events;			/* delivered, logged or not */
	struct gosync_run run;
	struct gosync_violations v;
};

#define gb_st_fail(s, ...)	gosync_violation(&(s)->v, __VA_ARGS__)

/* The simulated backend: the result of one call and its duration. */
static int gb_st_backend(struct brkst *s, u32 *rnd, u64 *duration)
{
	u32 r = gosync_xorshift32(rnd);
	u32 pct = r % 100;
	/* Pairs with WRITE_ONCE() in gb_st_control(); a setting, no data. */
	u32 fail = READ_ONCE(s->fail_pct);

	/* Mostly an explicit duration; now and then measured since allow(). */
	*duration = (r >> 8) & 7 ? 0 : GOSYNC_BREAKER_DURATION_AUTO;
	if (pct < fail) {
		if (s->a.policy != GB_ST_SLOW)
			return -EIO;
		*duration = 2ULL * GB_ST_SLOW_US * NSEC_PER_USEC;
		return 0;
	}
	if (pct < fail + s->a.ignore_pct)
		return -ECANCELED;
	return 0;
}

/*
 * One call through the breaker, from a thread or (@irq) a timer. A probe
 * takes a few microseconds, so that probes overlap up to the limit; with
 * irq=1 a thread's probe outlasts the timer period, so that the timer's
 * calls probe while it is in flight (under TCG, vCPUs seldom overlap).
 */
static void gb_st_call(struct brkst *s, struct gb_tally *c, u32 *rnd,
		       bool irq)
{
	struct gosync_breaker_ticket t;
	struct gb_st_gen *g = NULL;
	unsigned int spin;
	int ret, err, n, m;
	u64 duration, gen;

	c->calls++;
	ret = gosync_breaker_allow(&s->b, &t);
	if (ret) {
		if (ret != -EAGAIN && ret != -EBUSY)
			gb_st_fail(s, "allow() returned %d", ret);
		c->rejected++;
		return;
	}
	c->admitted++;
	gen = t.gen;
	if (!gen)
		gb_st_fail(s, "allow() admitted a call in generation 0");
	if (gen && gen < GB_ST_GENS) {
		g = &s->gens[gen];
		atomic_inc(&g->admitted);
		n = atomic_inc_return(&g->inflight);
		m = atomic_read(&g->max_inflight);
		while (n > m && !atomic_try_cmpxchg(&g->max_inflight, &m, n))
			;
	} else {
		c->untracked++;
	}
	err = gb_st_backend(s, rnd, &duration);
	if (gosync_breaker_state(&s->b) == GOSYNC_BREAKER_HALF_OPEN)
		udelay(irq ? 2 : s->a.irq ? min(s->a.timer_us + 50, 1000U) :
		       5 + (gosync_xorshift32(rnd) & 15));
	for (spin = gosync_xorshift32(rnd) & 31; spin; spin--)
		cpu_relax();
	/* Before done(): our count of a call stays within the breaker's. */
	if (g)
		atomic_dec(&g->inflight);
	ret = gosync_breaker_done(&s->b, &t, err, duration);
	n = gb_count(c, ret);
	if (n < 0)
		gb_st_fail(s, "done() returned %d for gen %llu", ret, gen);
	else if (!n && err == -ECANCELED)
		gb_st_fail(s, "done() recorded an ignored errno (gen %llu)", gen);
	else if (n == 1 && err != -ECANCELED)
		gb_st_fail(s, "done() ignored result %d (gen %llu)", err, gen);
	if (t.gen)
		gb_st_fail(s, "done() left the ticket of gen %llu unused", gen);
}

static enum hrtimer_restart gb_st_timer_fn(struct hrtimer *timer)
{
	struct gb_st_thread *th = container_of(timer, struct gb_st_thread, timer);
	unsigned int i;

	for (i = 0; i < GB_ST_IRQ_CALLS; i++)
		gb_st_call(th->s, &th->irq, &th->irq_rnd, true);
	/* Pairs with WRITE_ONCE() in gb_st_body(); hrtimer_cancel() waits. */
	if (READ_ONCE(th->timer_stop))
		return HRTIMER_NORESTART;
	hrtimer_forward_now(timer, th->s->period);
	return HRTIMER_RESTART;
}

static int gb_st_body(struct gosync_run_thread *t)
{
	struct brkst *s = t->run->data;
	struct gb_st_thread *th = &s->th[t->id];
	unsigned int i;

	if (s->a.irq) {
		hrtimer_init(&th->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED_HARD);
		th->timer.function = gb_st_timer_fn;
		hrtimer_start(&th->timer, s->period, HRTIMER_MODE_REL_PINNED_HARD);
	}
	do {
		for (i = 0; i < GB_ST_LOOP; i++)
			gb_st_call(s, &th->c, &th->rnd, false);
		t->ops += GB_ST_LOOP;
	} while (gosync_run_continue(t));
	if (s->a.irq) {
		/* Pairs with READ_ONCE() in gb_st_timer_fn(). */
		WRITE_ONCE(th->timer_stop, true);
		hrtimer_cancel(&th->timer);
	}
	return 0;
}

/* The control thread: failing and healthy phases, until stopped. */
static int gb_st_control(void *arg)
{
	struct brkst *s = arg;
	bool failing = true;

	while (!kthread_should_stop()) {
		/* Pairs with READ_ONCE() in gb_st_backend(). */
		WRITE_ONCE(s->fail_pct, failing ? s->a.fail_pct : 0);
		s->phases++;
		schedule_timeout_interruptible(msecs_to_jiffies(s->a.phase_ms));
		failing = !failing;
	}
	return 0;
}

/* Any context, one event at a time, in order. */
static int gb_st_notify(struct notifier_block *nb, unsigned long action,
			void *data)
{
	struct brkst *s = container_of(nb, struct brkst, nb);
	const struct gosync_breaker_event *ev = data;
	const char *why = gb_bad_event(&s->b, action, ev);
	struct gosync_breaker_counts c;
	unsigned long flags;
	u64 n;

	if (why)
		gb_st_fail(s, "event gen %llu: %s", ev->gen, why);
	/* A notifier may call back into the breaker. */
	gosync_breaker_counts(&s->b, &c);
	if (c.gen < ev->gen)
		gb_st_fail(s, "event gen %llu delivered with the breaker at gen %llu",
			   ev->gen, c.gen);
	raw_spin_lock_irqsave(&s->log_lock, flags);
	n = s->nr_events++;
	if (n < GB_ST_GENS)
		gb_event_set(&s->log[n], ev);
	raw_spin_unlock_irqrestore(&s->log_lock, flags);
	return NOTIFY_OK;
}

/* ------------------------------------------------------------------ */
/* stress: the checks.                                                 */

/*
 * What the checks found, for the result line: every call; state changes
 * by kind (trips: CLOSED -> OPEN, reopens: HALF_OPEN -> OPEN); the most
 * probes at once in HALF_OPEN; the longest open delay; events logged.
 */
struct gb_st_sum {
	struct gb_tally tot;
	u64 irq_calls, trips, reopens, half_opens, closes;
	unsigned int max_probes;
	u64 max_open_ns, logged;
};

/* The open delay after @retrips re-trips, as breaker.c computes it. */
static u64 gb_st_delay(const struct brkst *s, unsigned int retrips)
{
	u64 d = (u64)s->a.open_ms * NSEC_PER_MSEC;
	u64 max = s->a.backoff ? d * GB_ST_BACKOFF_FACTOR : 0;
	unsigned int i;

	if (!max)
		return d;
	for (i = 0; i < retrips && d < max; i++)
		d *= 2;
	return min(d, max);
}

/*
 * The event log: order and legality (gb_illegal()), times, delays,
 * thresholds. Leaves the last event in @last and its delay in @delay_end.
 */
static void gb_st_check_events(struct brkst *s, struct gb_st_sum *sum,
			       struct gb_event *last, u64 *delay_end)
{
	u64 i, open_time = 0, open_delay = 0, delay = gb_st_delay(s, 0);
	unsigned int retrips = 0;
	bool injected = false;
	const char *why;
	long adm;

	*last = (struct gb_event){ .gen = 1, .to = GOSYNC_BREAKER_CLOSED };
	for (i = 0; i < sum->logged; i++) {
		struct gb_event *ev = &s->log[i];

		if (s->a.inject == GB_ST_INJ_TRANSITION && !injected &&
		    ev->to == GOSYNC_BREAKER_HALF_OPEN) {
			ev->to = GOSYNC_BREAKER_CLOSED;
			injected = true;
		}
		why = ev->forced || ev->reason == GOSYNC_BREAKER_R_RESET ?
		      "forced or reset in a stress run" : NULL;
		gb_judge(&s->v, why, &s->opts, s->opts.consecutive, last, ev);
		if (ev->time_ns < last->time_ns)
			gb_st_fail(s, "gen %llu: time %llu ns before the previous event's %llu",
				   ev->gen, ev->time_ns, last->time_ns);
		/* Calls admitted in the generation it ends, -1: not tracked. */
		adm = ev->gen - 1 < GB_ST_GENS ?
		      atomic_read(&s->gens[ev->gen - 1].admitted) : -1;
		switch (ev->to) {
		case GOSYNC_BREAKER_OPEN:
			if (ev->from == GOSYNC_BREAKER_HALF_OPEN) {
				sum->reopens++;
				if (retrips < GB_ST_RETRIPS_MAX)
					retrips++;
			} else {
				u32 need = s->a.policy == GB_ST_CONSECUTIVE ?
					   s->a.consecutive : s->a.min_calls;

				sum->trips++;
				if (adm >= 0 && adm < need)
					gb_st_fail(s, "gen %llu tripped (%s) at %ld calls < %u",
						   ev->gen - 1,
						   gosync_breaker_reason_name(ev->reason),
						   adm, need);
			}
			delay = gb_st_delay(s, retrips);
			open_time = ev->time_ns;
			open_delay = delay;
			sum->max_open_ns = max(sum->max_open_ns, delay);
			break;
		case GOSYNC_BREAKER_HALF_OPEN:
			sum->half_opens++;
			if (s->a.inject == GB_ST_INJ_DELAY && !injected) {
				ev->time_ns = open_time + open_delay - 1;
				injected = true;
			}
			if (ev->from == GOSYNC_BREAKER_OPEN &&
			    ev->time_ns - open_time < open_delay)
				gb_st_fail(s, "gen %llu: half-open %llu ns after open, delay %llu",
					   ev->gen, ev->time_ns - open_time,
					   open_delay);
			break;
		case GOSYNC_BREAKER_CLOSED:
			sum->closes++;
			retrips = 0;
			delay = gb_st_delay(s, 0);
			if (adm >= 0 && adm < s->a.successes)
				gb_st_fail(s, "gen %llu closed after %ld probes < %u",
					   ev->gen - 1, adm, s->a.successes);
			break;
		}
		*last = *ev;
	}
	if ((s->a.inject == GB_ST_INJ_TRANSITION ||
	     s->a.inject == GB_ST_INJ_DELAY) && !injected)
		gb_st_fail(s, "inject=%s: no half-open to inject into",
			   gb_st_inject_names[s->a.inject]);
	*delay_end = delay;
}

/* Per generation: nothing admitted while OPEN, at most K probes at once. */
static void gb_st_check_gens(struct brkst *s, struct gb_st_sum *sum, u64 gen)
{
	bool injected = s->a.inject != GB_ST_INJ_ADMIT_OPEN &&
			s->a.inject != GB_ST_INJ_PROBES;
	u64 g, admitted = sum->tot.untracked;

	for (g = 1; g < GB_ST_GENS; g++) {
		struct gb_st_gen *bg = &s->gens[g];
		/* As the event that began it says; -1: not logged. */
		int st = g == 1 ? GOSYNC_BREAKER_CLOSED :
			 g - 2 < sum->logged ? s->log[g - 2].to : -1;
		int adm, max;

		if (!injected && s->a.inject == GB_ST_INJ_ADMIT_OPEN &&
		    st == GOSYNC_BREAKER_OPEN) {
			atomic_inc(&bg->admitted);
			sum->tot.calls++;
			sum->tot.admitted++;
			sum->tot.recorded++;
			injected = true;
		}
		if (!injected && s->a.inject == GB_ST_INJ_PROBES &&
		    st == GOSYNC_BREAKER_HALF_OPEN) {
			atomic_set(&bg->max_inflight, s->a.probes + 1);
			injected = true;
		}
		adm = atomic_read(&bg->admitted);
		max = atomic_read(&bg->max_inflight);
		admitted += adm;
		if (atomic_read(&bg->inflight))
			gb_st_fail(s, "gen %llu: %d calls still counted in flight",
				   g, atomic_read(&bg->inflight));
		if (adm && g > gen)
			gb_st_fail(s, "gen %llu: %d calls admitted, the breaker is at gen %llu",
				   g, adm, gen);
		if (st == GOSYNC_BREAKER_OPEN && adm)
			gb_st_fail(s, "gen %llu: %d calls admitted while open", g, adm);
		if (st == GOSYNC_BREAKER_HALF_OPEN) {
			sum->max_probes = max_t(unsigned int, sum->max_probes, max);
			if (max > s->a.probes)
				gb_st_fail(s, "gen %llu: %d probes at once in half-open > %u",
					   g, max, s->a.probes);
		}
	}
	if (!injected)
		gb_st_fail(s, "inject=%s: no generation to inject into",
			   gb_st_inject_names[s->a.inject]);
	if (admitted != sum->tot.admitted)
		gb_st_fail(s, "%llu calls admitted, generations counted %llu",
			   sum->tot.admitted, admitted);
}

static void gb_st_check(struct brkst *s, struct gb_st_sum *sum,
			const struct gosync_breaker_counts *c)
{
	const struct gb_tally *t = &sum->tot;
	struct gosync_violations *v = &s->v;
	struct gb_event last;
	u64 delay_end;

	sum->logged = min_t(u64, s->nr_events, GB_ST_GENS);
	gb_st_check_events(s, sum, &last, &delay_end);
	gb_st_check_gens(s, sum, c->gen);

	if (s->a.inject == GB_ST_INJ_REJECTED) {
		sum->tot.calls++;
		sum->tot.rejected++;
	}
	if (t->calls != t->admitted + t->rejected)
		gosync_violation(v, "%llu calls, %llu admitted + %llu rejected",
				 t->calls, t->admitted, t->rejected);
	if (t->admitted != t->recorded + t->ignored + t->stale)
		gosync_violation(v, "%llu admitted, %llu recorded + %llu ignored + %llu stale",
				 t->admitted, t->recorded, t->ignored,
				 t->stale);
	if (t->rejected != c->rejected)
		gosync_violation(v, "%llu rejected, the breaker counted %llu",
				 t->rejected, c->rejected);
	if (c->ignored != t->ignored || c->stale != t->stale)
		gosync_violation(v, "ignored %llu stale %llu, the breaker counted %llu and %llu",
				 t->ignored, t->stale, c->ignored, c->stale);
	if (c->transitions != s->nr_events)
		gosync_violation(v, "%llu transitions, %llu events delivered",
				 c->transitions, s->nr_events);
	if (c->gen != c->transitions + 1)
		gosync_violation(v, "gen %llu after %llu transitions", c->gen, c->transitions);
	if (c->forced || c->pending_events)
		gosync_violation(v, "forced %d, %u events pending at the end",
				 c->forced, c->pending_events);
	if (c->state == GOSYNC_BREAKER_HALF_OPEN && c->probes)
		gosync_violation(v, "%u probes in flight with every call done", c->probes);
	if (s->nr_events > GB_ST_GENS)
		return;		/* the rest needs every event */
	if (c->trips != sum->trips + sum->reopens)
		gosync_violation(v, "%llu trips, %llu events to open", c->trips,
				 sum->trips + sum->reopens);
	if (c->state != last.to || c->gen != last.gen)
		gosync_violation(v, "%s at gen %llu at the end, the last event says %s at %llu",
				 gb_sname(c->state), c->gen, gb_sname(last.to), last.gen);
	if (c->open_delay_ms != div_u64(delay_end, NSEC_PER_MSEC))
		gosync_violation(v, "open delay %u ms at the end, the events say %llu ms",
				 c->open_delay_ms,
				 div_u64(delay_end, NSEC_PER_MSEC));
}

/*
 * Wait until every event is delivered to the log, and with notify_timer
 * until the timer moved an open breaker to half-open on its own.
 */
static int gb_st_quiesce(struct brkst *s, struct gosync_breaker_counts *c)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(2000 +
		s->a.open_ms * GB_ST_BACKOFF_FACTOR);
	unsigned long flags;
	u64 logged;

	for (;;) {
		gosync_breaker_counts(&s->b, c);
		raw_spin_lock_irqsave(&s->log_lock, flags);
		logged = s->nr_events;
		raw_spin_unlock_irqrestore(&s->log_lock, flags);
		if (!c->pending_events && logged == c->transitions &&
		    !(s->a.notify_timer && c->state == GOSYNC_BREAKER_OPEN))
			return 0;
		if (time_after(jiffies, deadline))
			return -ETIMEDOUT;
		usleep_range(2000, 4000);
	}
}

/* ------------------------------------------------------------------ */
/* stress: the command.                                                */

/* Allocate and set up a run of the parsed arguments in @s->a. */
static int gb_st_setup(struct brkst *s, struct seq_buf *out)
{
	const struct gb_st_args *a = &s->a;
	bool rate = a->policy != GB_ST_CONSECUTIVE;
	unsigned int i;

	s->period = ns_to_ktime((u64)a->timer_us * NSEC_PER_USEC);
	s->fail_pct = a->fail_pct;
	raw_spin_lock_init(&s->log_lock);
	gosync_violations_init(&s->v, "breaker: stress");
	s->th = kcalloc(a->threads, sizeof(*s->th), GFP_KERNEL);
	s->gens = kvcalloc(GB_ST_GENS, sizeof(*s->gens), GFP_KERNEL);
	s->log = kvcalloc(GB_ST_GENS, sizeof(*s->log), GFP_KERNEL);
	if (!s->th || !s->gens || !s->log)
		return -ENOMEM;
	for (i = 0; i < a->threads; i++) {
		s->th[i].s = s;
		s->th[i].rnd = 0x9e3779b9U * (2 * i + 1);
		s->th[i].irq_rnd = 0x85ebca6bU * (2 * i + 1);
	}
	s->opts = (struct gosync_breaker_opts){
		.name = "stress",
		.flags = a->notify_timer ? GOSYNC_BREAKER_NOTIFY_TIMER : 0,
		.open_ms = a->open_ms,
		.open_max_ms = a->backoff ? a->open_ms * GB_ST_BACKOFF_FACTOR : 0,
		.probes = a->probes,
		.successes = a->successes,
		.consecutive = rate ? 0 : a->consecutive,
		.failure_rate = a->policy == GB_ST_RATE ? a->rate : 0,
		.slow_rate = a->policy == GB_ST_SLOW ? a->rate : 0,
		.slow_us = a->policy == GB_ST_SLOW ? GB_ST_SLOW_US : 0,
		.min_calls = rate ? a->min_calls : 0,
		.buckets = rate ? GB_ST_BUCKETS : 0,
		.bucket_ms = rate ? GB_ST_BUCKET_MS : 0,
	};
	return gb_init(&s->b, &s->opts, &s->nb, gb_st_notify, "stress", out);
}

/* Run the threads and the control thread; then wait for a quiet breaker. */
static int gb_st_run(struct brkst *s, struct gosync_breaker_counts *c,
		     struct seq_buf *out)
{
	struct task_struct *control;
	int ret, qret;

	control = kthread_run(gb_st_control, s, "gosync/breaker:ctl");
	if (IS_ERR(control)) {
		gb_report(out, "stress: no control thread (%ld)", PTR_ERR(control));
		return PTR_ERR(control);
	}
	s->run = (struct gosync_run){
		.name = "breaker", .body = gb_st_body, .data = s, .v = &s->v,
		.nr_threads = s->a.threads, .duration_ms = s->a.duration_ms,
	};
	ret = gosync_run_threads(&s->run);
	/* It loops until told to stop, so it is still there. */
	kthread_stop(control);
	gosync_run_free(&s->run);
	qret = gb_st_quiesce(s, c);
	if (ret) {
		gb_report(out, "stress: the run failed (%d)", ret);
		return ret;
	}
	if (qret)
		gb_report(out, "stress: not quiet: %s at gen %llu, %u events pending",
			  gb_sname(c->state), c->gen, c->pending_events);
	return qret;
}

static int gb_st_exec(struct gosync_cmd_file *f, char *line,
		      struct seq_buf *out)
{
	struct gosync_breaker_counts c;
	struct gb_st_sum sum = {};
	struct brkst *s;
	unsigned int i, j;
	int ret;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	ret = gosync_args_parse(&gosync_breaker_stress_args, line, &s->a, out,
				f->who);
	if (!ret)
		ret = gb_st_setup(s, out);
	if (ret)
		goto out_free;
	ret = gb_st_run(s, &c, out);
	/* Waits for a running delivery: the log is final. */
	gosync_breaker_notifier_unregister(&s->b, &s->nb);
	if (ret)
		goto out_destroy;

	for (i = 0; i < s->a.threads; i++) {
		const struct gb_tally *x[] = { &s->th[i].c, &s->th[i].irq };

		for (j = 0; j < ARRAY_SIZE(x); j++) {
			sum.tot.calls += x[j]->calls;
			sum.tot.admitted += x[j]->admitted;
			sum.tot.rejected += x[j]->rejected;
			sum.tot.recorded += x[j]->recorded;
			sum.tot.ignored += x[j]->ignored;
			sum.tot.stale += x[j]->stale;
			sum.tot.untracked += x[j]->untracked;
		}
		sum.irq_calls += s->th[i].irq.calls;
	}
	gb_st_check(s, &sum, &c);
	ret = gosync_run_result(&s->run, out,
				"policy=%s threads=%u calls=%llu admitted=%llu rejected=%llu recorded=%llu ignored=%llu stale=%llu irq_calls=%llu trips=%llu reopens=%llu half_opens=%llu closes=%llu max_probes=%u probes=%u max_open_ms=%llu events=%llu lost=%llu phases=%llu gen=%llu state=%s deferred=%llu b_ignored=%llu b_stale=%llu",
				gb_st_policy_names[s->a.policy], s->a.threads,
				sum.tot.calls, sum.tot.admitted,
				sum.tot.rejected, sum.tot.recorded,
				sum.tot.ignored, sum.tot.stale, sum.irq_calls,
				sum.trips, sum.reopens, sum.half_opens,
				sum.closes, sum.max_probes, s->a.probes,
				div_u64(sum.max_open_ns, NSEC_PER_MSEC),
				s->nr_events, s->nr_events - sum.logged,
				s->phases, c.gen, gb_sname(c.state),
				c.deferred, c.ignored, c.stale);
out_destroy:
	gosync_breaker_destroy(&s->b);
out_free:
	kvfree(s->log);
	kvfree(s->gens);
	kfree(s->th);
	kfree(s);
	return ret;
}

/* At module unload, once the files are gone: destroy the test breakers. */
DEFINE_GOSYNC_COMPONENT(breaker) = {
	.name = "breaker",
	.exit = gb_cmd_exit,
	.files = (struct gosync_cmd_file []){
		{ .name = "cmd", .exec = gb_exec },
		{ .name = "stress", .exec = gb_st_exec },
		{}
	},
};
