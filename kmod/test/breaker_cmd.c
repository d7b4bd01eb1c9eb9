// SPDX-License-Identifier: GPL-2.0
/*
 * The command interpreter behind /sys/kernel/debug/gosync_test/breaker/cmd:
 * the grammar and the outputs are documented at the top of
 * kmod/test/breaker_debugfs.c, which creates the file.
 *
 * Each test breaker has a notifier, registered at create, that logs every
 * state change it is told of into a ring and judges it on the spot: the
 * generations must be consecutive, each change must start where the
 * previous one ended, and the change must be one the state machine allows
 * for its reason. The notifier may run in hardirq (the notify timer), so
 * the ring is guarded by a raw spinlock taken with interrupts off. The
 * commands are serialized by brkdbg_lock; a breaker's tickets, counters
 * and settings belong to the commands, its ring to the notifier.
 *
 * This file has no debugfs, seq_file, kthread or command-file dependency,
 * so the userspace build (tools/native) compiles it unchanged and fuzzes
 * it with the inputs a write(2) to breaker/cmd would carry.
 */
#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/limits.h>
#include <linux/math64.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/sched.h>
#include <linux/seq_buf.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include <gosync/breaker.h>

#include "parse.h"
#include "breaker_cmd.h"

/*
 * How often check re-reads a breaker, a millisecond or two apart, while
 * the notify timer changes it or a workqueue worker still delivers
 * changes handed on to it (see "Notifications" in breaker.h).
 */
#define BRKDBG_CHECK_TRIES	20
/* Events "events" prints by default. */
#define BRKDBG_EVENTS_SHOWN	32
/* Room kept in the output for one more line (and "..."). */
#define BRKDBG_LINE_ROOM	128

enum brkdbg_slot_state {
	BRKDBG_FREE,
	BRKDBG_HELD,
	BRKDBG_USED,
};

/**
 * struct brkdbg_slot - a ticket kept for "done"
 * @id: the ticket's id
 * @state: BRKDBG_FREE, _HELD (admitted, not reported) or _USED (reported)
 * @t: the ticket
 */
struct brkdbg_slot {
	u32 id;
	u32 state;
	struct gosync_breaker_ticket t;
};

/**
 * struct brkdbg_event - a state change as the notifier logged it
 * @gen: the new generation
 * @time_ns: when, by the breaker's clock
 * @from: the old state
 * @to: the new state
 * @reason: why
 * @forced: the new state is forced
 */
struct brkdbg_event {
	u64 gen;
	u64 time_ns;
	u8 from;
	u8 to;
	u8 reason;
	bool forced;
};

/**
 * struct brkdbg - one test breaker of breaker/cmd
 * @b: the breaker
 * @name: its name
 * @opts: the options as given to gosync_breaker_init()
 * @fake: it runs on @clock_ns
 * @clock_ns: the fake clock, moved by "advance"
 * @t0: the clock when it was created
 * @consecutive: the consecutive-failure threshold in effect (0: off)
 * @probes: the probe limit in effect
 * @successes: the probe successes that close it, in effect
 * @open_ms: the open delay in effect
 * @has_ignore: @ignore_err is an ignored errno
 * @ignore_err: the errno feed reports for ignored=
 * @reenter: 1: the notifier reads the breaker back; 2: and forces it open
 *	after every automatic trip
 * @slots: the tickets
 * @nr_held: admitted tickets not reported yet
 * @next_id: the id of the next admitted ticket
 * @rejected: admissions the breaker refused
 * @ignored: results it ignored for their errno
 * @stale: results it found stale
 * @nb: the notifier
 * @registered: @nb is registered
 * @ev_lock: guards the fields below; taken with interrupts off
 * @ev_total: events delivered
 * @ev_gen: the generation of the last one (1 before any)
 * @ev_to: its new state
 * @ev_forced: whether that was forced
 * @violations: events that broke the rules
 * @reenter_calls: notifier calls that read the breaker back
 * @why: the first broken rule
 * @ev: the newest events, @ev_total % GOSYNC_BREAKER_CMD_EVENTS next
 */
struct brkdbg {
	struct gosync_breaker b;
	char name[GOSYNC_BREAKER_CMD_NAME_MAX + 1];
	struct gosync_breaker_opts opts;
	bool fake;
	atomic64_t clock_ns;
	u64 t0;
	unsigned int consecutive;
	unsigned int probes;
	unsigned int successes;
	unsigned int open_ms;
	bool has_ignore;
	int ignore_err;
	u32 reenter;
	struct brkdbg_slot *slots;
	unsigned int nr_held;
	u32 next_id;
	u64 rejected;
	u64 ignored;
	u64 stale;
	struct notifier_block nb;
	bool registered;

	raw_spinlock_t ev_lock;
	u64 ev_total;
	u64 ev_gen;
	enum gosync_breaker_state ev_to;
	bool ev_forced;
	u64 violations;
	u64 reenter_calls;
	char why[96];
	struct brkdbg_event ev[GOSYNC_BREAKER_CMD_EVENTS];
};

enum brkdbg_arg {
	BRKDBG_A_NAME,
	BRKDBG_A_CONSECUTIVE,
	BRKDBG_A_FAILURE_RATE,
	BRKDBG_A_SLOW_RATE,
	BRKDBG_A_SLOW_US,
	BRKDBG_A_MIN_CALLS,
	BRKDBG_A_BUCKETS,
	BRKDBG_A_BUCKET_MS,
	BRKDBG_A_OPEN_MS,
	BRKDBG_A_OPEN_MAX_MS,
	BRKDBG_A_PROBES,
	BRKDBG_A_SUCCESSES,
	BRKDBG_A_HALF_OPEN_MAX_MS,
	BRKDBG_A_IGNORE,
	BRKDBG_A_METRICS_ONLY,
	BRKDBG_A_STUCK_CLOSES,
	BRKDBG_A_NOTIFY_TIMER,
	BRKDBG_A_CLOCK,
	BRKDBG_A_REENTER,
	BRKDBG_A_N,
	BRKDBG_A_TICKET,
	BRKDBG_A_ERR,
	BRKDBG_A_DUR_US,
	BRKDBG_A_OK,
	BRKDBG_A_FAIL,
	BRKDBG_A_SLOW,
	BRKDBG_A_IGNORED,
	BRKDBG_A_MS,
	BRKDBG_A_LAST,
	BRKDBG_NR_ARGS,
};

static_assert(BRKDBG_NR_ARGS <= 32, "a verb's keys are a u32 bit mask");
static_assert(BRKDBG_NR_ARGS <= GOSYNC_PARAMS_MAX, "too many keys");

/**
 * struct brkdbg_args - the parsed arguments of one command
 * @name: name=
 * @ignore: ignore=, as written
 * @clock: clock=
 * @err: err=, as written
 * @consecutive: consecutive=
 * @failure_rate: failure_rate=
 * @slow_rate: slow_rate=
 * @slow_us: slow_us=
 * @min_calls: min_calls=
 * @buckets: buckets=
 * @bucket_ms: bucket_ms=
 * @open_ms: open_ms=
 * @open_max_ms: open_max_ms=
 * @probes: probes=
 * @successes: successes=
 * @half_open_max_ms: half_open_max_ms=
 * @metrics_only: metrics_only=
 * @stuck_closes: stuck_closes=
 * @notify_timer: notify_timer=
 * @reenter: reenter=
 * @n: n=
 * @ticket: ticket=
 * @dur_us: dur_us= (U64_MAX if absent)
 * @ok: ok=
 * @fail: fail=
 * @slow: slow=
 * @ignored: ignored=
 * @ms: ms=
 * @last: last=
 */
struct brkdbg_args {
	char name[GOSYNC_BREAKER_CMD_NAME_MAX + 1];
	char ignore[64];
	char clock[8];
	char err[16];
	u32 consecutive;
	u32 failure_rate;
	u32 slow_rate;
	u32 slow_us;
	u32 min_calls;
	u32 buckets;
	u32 bucket_ms;
	u32 open_ms;
	u32 open_max_ms;
	u32 probes;
	u32 successes;
	u32 half_open_max_ms;
	u32 metrics_only;
	u32 stuck_closes;
	u32 notify_timer;
	u32 reenter;
	u32 n;
	u32 ticket;
	u64 dur_us;
	u32 ok;
	u32 fail;
	u32 slow;
	u32 ignored;
	u32 ms;
	u32 last;
};

struct brkdbg_verb {
	const char *name;
	u32 takes;		/* BIT(enum brkdbg_arg) it accepts */
	u32 needs;		/* ... and requires */
	bool no_breaker;	/* name= is not an existing breaker */
	int (*run)(struct brkdbg *t, struct brkdbg_args *a,
		   struct seq_buf *out, const char *who);
};

static_assert(offsetof(struct brkdbg_verb, name) == 0,
	      "gosync_parse_verb() finds a verb by its first member");

/* Serializes commands; guards brkdbg_breakers and brkdbg_scratch. */
static DEFINE_MUTEX(brkdbg_lock);
static struct brkdbg *brkdbg_breakers[GOSYNC_BREAKER_CMD_BREAKERS];
static struct brkdbg_args brkdbg_scratch;

static const char *brkdbg_sname(unsigned int s)
{
	return gosync_breaker_state_name((enum gosync_breaker_state)s);
}

/* ------------------------------------------------------------------ */
/* The fake clock and the notifier.                                    */

static u64 brkdbg_clock(void *arg)
{
	struct brkdbg *t = arg;

	return atomic64_read(&t->clock_ns);
}

static bool brkdbg_trip_reason(enum gosync_breaker_reason r)
{
	return r == GOSYNC_BREAKER_R_CONSECUTIVE ||
	       r == GOSYNC_BREAKER_R_FAILURE_RATE ||
	       r == GOSYNC_BREAKER_R_SLOW_RATE;
}

/* Is @ev a change the state machine allows after @t's last one? */
static const char *brkdbg_illegal(const struct brkdbg *t,
				  const struct gosync_breaker_event *ev)
{
	enum gosync_breaker_state from = ev->from, to = ev->to;
	const struct gosync_breaker_opts *o = &t->opts;
	bool forced = ev->reason == GOSYNC_BREAKER_R_FORCED;

	if (ev->forced != forced)
		return "forced flag does not match the reason";
	switch (ev->reason) {
	case GOSYNC_BREAKER_R_FORCED:
		return to == GOSYNC_BREAKER_HALF_OPEN ? "forced half-open" : NULL;
	case GOSYNC_BREAKER_R_RESET:
		return to == GOSYNC_BREAKER_CLOSED ? NULL : "reset not to closed";
	default:
		break;
	}
	if (t->ev_forced)
		return "automatic change of a forced state";
	if (brkdbg_trip_reason(ev->reason)) {
		if (from != GOSYNC_BREAKER_CLOSED || to != GOSYNC_BREAKER_OPEN)
			return "a trip not from closed to open";
		if (o->flags & GOSYNC_BREAKER_METRICS_ONLY)
			return "a metrics-only breaker tripped";
		if (ev->reason == GOSYNC_BREAKER_R_CONSECUTIVE && !t->consecutive)
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

/* Called with @t->ev_lock held: judge @ev and log it. */
static void brkdbg_log(struct brkdbg *t, unsigned long action,
		       const struct gosync_breaker_event *ev)
{
	struct brkdbg_event *e;
	const char *why = NULL;

	if (ev->breaker != &t->b)
		why = "event of another breaker";
	else if (action != ev->to)
		why = "action is not the new state";
	else if (ev->gen != t->ev_gen + 1)
		why = "generations not consecutive";
	else if (ev->from != t->ev_to)
		why = "change does not start where the last ended";
	else
		why = brkdbg_illegal(t, ev);
	if (why && !t->violations++)
		snprintf(t->why, sizeof(t->why), "gen %llu (after %llu) %s->%s %s: %s",
			 ev->gen, t->ev_gen, brkdbg_sname(ev->from),
			 brkdbg_sname(ev->to),
			 gosync_breaker_reason_name(ev->reason), why);
	e = &t->ev[t->ev_total++ % GOSYNC_BREAKER_CMD_EVENTS];
	*e = (struct brkdbg_event){
		.gen = ev->gen, .time_ns = ev->time_ns, .from = ev->from,
		.to = ev->to, .reason = ev->reason, .forced = ev->forced,
	};
	t->ev_gen = ev->gen;
	t->ev_to = ev->to;
	t->ev_forced = ev->forced;
}

/* reenter: read the breaker back from its own notifier. */
static const char *brkdbg_reenter(struct brkdbg *t,
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

static int brkdbg_notify(struct notifier_block *nb, unsigned long action,
			 void *data)
{
	struct brkdbg *t = container_of(nb, struct brkdbg, nb);
	const struct gosync_breaker_event *ev = data;
	const char *why = NULL;
	unsigned long flags;

	if (t->reenter)
		why = brkdbg_reenter(t, ev);
	raw_spin_lock_irqsave(&t->ev_lock, flags);
	if (t->reenter)
		t->reenter_calls++;
	if (why && !t->violations++)
		snprintf(t->why, sizeof(t->why), "gen %llu: %s", ev->gen, why);
	brkdbg_log(t, action, ev);
	raw_spin_unlock_irqrestore(&t->ev_lock, flags);
	/* A change made here is delivered after this one: no deadlock. */
	if (t->reenter >= 2 && ev->to == GOSYNC_BREAKER_OPEN && !ev->forced)
		gosync_breaker_force_open(&t->b);
	return NOTIFY_OK;
}

/* ------------------------------------------------------------------ */
/* Breakers by name, tickets by id.                                    */

static struct brkdbg *brkdbg_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < GOSYNC_BREAKER_CMD_BREAKERS; i++)
		if (brkdbg_breakers[i] && !strcmp(brkdbg_breakers[i]->name, name))
			return brkdbg_breakers[i];
	return NULL;
}

/* A slot for a new ticket: a free one, else one already reported. */
static struct brkdbg_slot *brkdbg_slot_new(struct brkdbg *t)
{
	struct brkdbg_slot *used = NULL;
	unsigned int i;

	for (i = 0; i < GOSYNC_BREAKER_CMD_TICKETS; i++) {
		if (t->slots[i].state == BRKDBG_FREE)
			return &t->slots[i];
		if (!used && t->slots[i].state == BRKDBG_USED)
			used = &t->slots[i];
	}
	return used;
}

static struct brkdbg_slot *brkdbg_slot_find(struct brkdbg *t, u32 id)
{
	unsigned int i;

	for (i = 0; i < GOSYNC_BREAKER_CMD_TICKETS; i++)
		if (t->slots[i].state != BRKDBG_FREE && t->slots[i].id == id)
			return &t->slots[i];
	return NULL;
}

static void brkdbg_free(struct brkdbg *t)
{
	kvfree(t->slots);
	kfree(t);
}

/* Unregister the notifier (it may sleep), destroy the breaker, free @t. */
static void brkdbg_destroy_breaker(struct brkdbg *t)
{
	if (t->registered)
		gosync_breaker_notifier_unregister(&t->b, &t->nb);
	gosync_breaker_destroy(&t->b);
	brkdbg_free(t);
}

/* ------------------------------------------------------------------ */
/* Signed numbers: err= and ignore=.                                   */

static int brkdbg_int(const char *key, const char *s, int lo, int hi, int *v,
		      struct seq_buf *out, const char *who)
{
	int ret = kstrtoint(s, 0, v);

	if (ret == -ERANGE) {
		gosync_report(out, who, "'%s=%.16s' is outside [%d, %d]", key, s,
			      lo, hi);
		return -ERANGE;
	}
	if (ret) {
		gosync_report(out, who, "'%s=%.16s' is not an integer", key, s);
		return -EINVAL;
	}
	if (*v < lo || *v > hi) {
		gosync_report(out, who, "'%s=%d' is outside [%d, %d]", key, *v,
			      lo, hi);
		return -ERANGE;
	}
	return 0;
}

/* ignore=E[,E...] (negative errnos) or ignore=none, into @o. */
static int brkdbg_parse_ignore(char *s, struct gosync_breaker_opts *o,
			       struct seq_buf *out, const char *who)
{
	char *comma;
	int ret, v;

	if (!strcmp(s, "none")) {
		o->flags |= GOSYNC_BREAKER_IGNORE_EXACT;
		return 0;
	}
	for (;;) {
		comma = strchr(s, ',');
		if (comma)
			*comma = '\0';
		if (!*s) {
			gosync_report(out, who, "create: ignore= has an empty entry");
			return -EINVAL;
		}
		if (o->nr_ignore == GOSYNC_BREAKER_IGNORE_MAX) {
			gosync_report(out, who, "create: ignore= takes at most %d errnos",
				      GOSYNC_BREAKER_IGNORE_MAX);
			return -ERANGE;
		}
		ret = brkdbg_int("ignore", s, -MAX_ERRNO, -1, &v, out, who);
		if (ret)
			return ret;
		o->ignore[o->nr_ignore++] = v;
		if (!comma)
			return 0;
		s = comma + 1;
	}
}

/* ------------------------------------------------------------------ */
/* The verbs.                                                          */

static int brkdbg_create(struct brkdbg *unused, struct brkdbg_args *a,
			 struct seq_buf *out, const char *who)
{
	struct gosync_breaker_opts o = {};
	unsigned int i, slot = GOSYNC_BREAKER_CMD_BREAKERS;
	struct brkdbg *t;
	bool fake;
	int ret;

	if (!gosync_parse_name_ok(a->name)) {
		gosync_report(out, who, "create: name '%s' is not [A-Za-z0-9_-]+",
			      a->name);
		return -EINVAL;
	}
	if (!a->clock[0] || !strcmp(a->clock, "real")) {
		fake = false;
	} else if (!strcmp(a->clock, "fake")) {
		fake = true;
	} else {
		gosync_report(out, who, "create: unknown clock '%s' (fake or real)",
			      a->clock);
		return -EINVAL;
	}
	o.consecutive = a->consecutive;
	o.failure_rate = a->failure_rate;
	o.slow_rate = a->slow_rate;
	o.slow_us = a->slow_us;
	o.min_calls = a->min_calls;
	o.buckets = a->buckets;
	o.bucket_ms = a->bucket_ms;
	o.open_ms = a->open_ms;
	o.open_max_ms = a->open_max_ms;
	o.probes = a->probes;
	o.successes = a->successes;
	o.half_open_max_ms = a->half_open_max_ms;
	o.flags = (a->metrics_only ? GOSYNC_BREAKER_METRICS_ONLY : 0) |
		  (a->stuck_closes ? GOSYNC_BREAKER_STUCK_CLOSES : 0) |
		  (a->notify_timer ? GOSYNC_BREAKER_NOTIFY_TIMER : 0);
	if (a->ignore[0]) {
		ret = brkdbg_parse_ignore(a->ignore, &o, out, who);
		if (ret)
			return ret;
	}
	if (o.slow_rate && !o.slow_us) {
		gosync_report(out, who, "create: slow_rate needs slow_us");
		return -EINVAL;
	}
	if (o.open_max_ms &&
	    o.open_max_ms < (o.open_ms ?: GOSYNC_BREAKER_DEFAULT_OPEN_MS)) {
		gosync_report(out, who, "create: open_max_ms=%u is below the open delay %u",
			      o.open_max_ms,
			      o.open_ms ?: GOSYNC_BREAKER_DEFAULT_OPEN_MS);
		return -EINVAL;
	}
	if (brkdbg_find(a->name)) {
		gosync_report(out, who, "create: breaker '%s' exists", a->name);
		return -EEXIST;
	}
	for (i = 0; i < GOSYNC_BREAKER_CMD_BREAKERS; i++) {
		if (!brkdbg_breakers[i]) {
			slot = i;
			break;
		}
	}
	if (slot == GOSYNC_BREAKER_CMD_BREAKERS) {
		gosync_report(out, who, "create: %d test breakers exist already",
			      GOSYNC_BREAKER_CMD_BREAKERS);
		return -ENOSPC;
	}

	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		goto nomem;
	t->slots = kvcalloc(GOSYNC_BREAKER_CMD_TICKETS, sizeof(*t->slots),
			    GFP_KERNEL);
	if (!t->slots)
		goto nomem;
	strscpy(t->name, a->name, sizeof(t->name));
	o.name = t->name;
	t->fake = fake;
	atomic64_set(&t->clock_ns, GOSYNC_BREAKER_CMD_CLOCK0);
	if (fake) {
		o.clock = brkdbg_clock;
		o.clock_arg = t;
	}
	t->t0 = fake ? GOSYNC_BREAKER_CMD_CLOCK0 : ktime_get_coarse_ns();
	t->opts = o;
	t->consecutive = o.consecutive;
	if (!o.consecutive && !o.failure_rate && !o.slow_rate)
		t->consecutive = GOSYNC_BREAKER_DEFAULT_CONSECUTIVE;
	t->probes = o.probes ?: 1;
	t->successes = o.successes ?: t->probes;
	t->open_ms = o.open_ms ?: GOSYNC_BREAKER_DEFAULT_OPEN_MS;
	if (o.nr_ignore) {
		t->has_ignore = true;
		t->ignore_err = o.ignore[0];
	} else if (!(o.flags & GOSYNC_BREAKER_IGNORE_EXACT)) {
		t->has_ignore = true;
		t->ignore_err = -EINTR;
	}
	t->reenter = a->reenter;
	t->next_id = 1;
	t->ev_gen = 1;
	t->ev_to = GOSYNC_BREAKER_CLOSED;
	raw_spin_lock_init(&t->ev_lock);

	ret = gosync_breaker_init(&t->b, &o, GFP_KERNEL);
	if (ret) {
		gosync_report(out, who, "create: gosync_breaker_init() failed (%d)",
			      ret);
		brkdbg_free(t);
		return ret;
	}
	t->nb.notifier_call = brkdbg_notify;
	ret = gosync_breaker_notifier_register(&t->b, &t->nb);
	if (ret) {
		gosync_report(out, who, "create: notifier_register() failed (%d)",
			      ret);
		brkdbg_destroy_breaker(t);
		return ret;
	}
	t->registered = true;
	brkdbg_breakers[slot] = t;

	seq_buf_printf(out, "created name=%s clock=%s consecutive=%u failure_rate=%u",
		       t->name, fake ? "fake" : "real", o.consecutive,
		       o.failure_rate);
	seq_buf_printf(out, " slow_rate=%u slow_us=%u min_calls=%u buckets=%u bucket_ms=%u",
		       o.slow_rate, o.slow_us, o.min_calls, o.buckets,
		       o.bucket_ms);
	seq_buf_printf(out, " open_ms=%u open_max_ms=%u probes=%u successes=%u",
		       o.open_ms, o.open_max_ms, o.probes, o.successes);
	seq_buf_printf(out, " half_open_max_ms=%u flags=0x%x ignore=",
		       o.half_open_max_ms, o.flags);
	if (!o.nr_ignore)
		seq_buf_printf(out, "%s",
			       o.flags & GOSYNC_BREAKER_IGNORE_EXACT ? "none" : "default");
	for (i = 0; i < o.nr_ignore; i++)
		seq_buf_printf(out, "%s%d", i ? "," : "", o.ignore[i]);
	seq_buf_printf(out, " reenter=%u\n", t->reenter);
	return 0;

nomem:
	if (t)
		brkdbg_free(t);
	gosync_report(out, who, "create: out of memory");
	return -ENOMEM;
}

static int brkdbg_destroy(struct brkdbg *t, struct brkdbg_args *a,
			  struct seq_buf *out, const char *who)
{
	unsigned int i, held = t->nr_held;
	u64 events = t->ev_total;

	for (i = 0; i < GOSYNC_BREAKER_CMD_BREAKERS; i++)
		if (brkdbg_breakers[i] == t)
			brkdbg_breakers[i] = NULL;
	brkdbg_destroy_breaker(t);
	seq_buf_printf(out, "destroyed name=%s held=%u events=%llu\n", a->name,
		       held, events);
	return 0;
}

static void brkdbg_print_state(struct brkdbg *t, struct seq_buf *out)
{
	struct gosync_breaker_counts c;

	gosync_breaker_counts(&t->b, &c);
	seq_buf_printf(out, "state=%s forced=%u gen=%llu\n",
		       brkdbg_sname(c.state), c.forced, c.gen);
}

static int brkdbg_allow(struct brkdbg *t, struct brkdbg_args *a,
			struct seq_buf *out, const char *who)
{
	unsigned int i, admitted = 0, eagain = 0, ebusy = 0;
	struct gosync_breaker_ticket tk;
	struct brkdbg_slot *s;
	u32 first = 0;
	int ret;

	if (t->nr_held + a->n > GOSYNC_BREAKER_CMD_TICKETS) {
		gosync_report(out, who, "allow: %u tickets held, at most %d",
			      t->nr_held, GOSYNC_BREAKER_CMD_TICKETS);
		return -ERANGE;
	}
	for (i = 0; i < a->n; i++) {
		memset(&tk, 0, sizeof(tk));
		ret = gosync_breaker_allow(&t->b, &tk);
		if (ret == -EAGAIN) {
			eagain++;
			continue;
		}
		if (ret == -EBUSY) {
			ebusy++;
			continue;
		}
		if (ret) {
			gosync_report(out, who, "allow: gosync_breaker_allow() returned %d",
				      ret);
			return -EIO;
		}
		s = brkdbg_slot_new(t);
		s->id = t->next_id++;
		s->state = BRKDBG_HELD;
		s->t = tk;
		t->nr_held++;
		if (!admitted++)
			first = s->id;
	}
	t->rejected += eagain + ebusy;
	seq_buf_printf(out, "admitted=%u rejected=%u eagain=%u ebusy=%u",
		       admitted, eagain + ebusy, eagain, ebusy);
	if (admitted)
		seq_buf_printf(out, " tickets=%u..%u", first, first + admitted - 1);
	else
		seq_buf_printf(out, " tickets=none");
	seq_buf_printf(out, " held=%u ", t->nr_held);
	brkdbg_print_state(t, out);
	return 0;
}

/* What gosync_breaker_done() returned, as a word; NULL if undocumented. */
static const char *brkdbg_result(struct brkdbg *t, int ret)
{
	switch (ret) {
	case 0:
		return "recorded";
	case 1:
		t->ignored++;
		return "ignored";
	case -ESTALE:
		t->stale++;
		return "stale";
	case -EINVAL:
		return "invalid";
	}
	return NULL;
}

static int brkdbg_done(struct brkdbg *t, struct brkdbg_args *a,
		       struct seq_buf *out, const char *who)
{
	struct brkdbg_slot *s = brkdbg_slot_find(t, a->ticket);
	u64 dur = GOSYNC_BREAKER_DURATION_AUTO;
	const char *what;
	bool held;
	int err = 0, ret;

	if (a->err[0]) {
		ret = brkdbg_int("err", a->err, -MAX_ERRNO, INT_MAX, &err, out,
				 who);
		if (ret)
			return ret;
	}
	if (!s) {
		gosync_report(out, who, "done: no ticket %u in breaker '%s'",
			      a->ticket, t->name);
		return -ENOENT;
	}
	if (a->dur_us != U64_MAX)
		dur = a->dur_us * NSEC_PER_USEC;
	held = s->state == BRKDBG_HELD;
	ret = gosync_breaker_done(&t->b, &s->t, err, dur);
	if (held) {
		s->state = BRKDBG_USED;
		t->nr_held--;
	}
	what = brkdbg_result(t, ret);
	/* An admitted ticket is never invalid, a used one always is. */
	if (!what || held == (ret == -EINVAL)) {
		gosync_report(out, who, "done: ticket %u (%s) got %d from gosync_breaker_done()",
			      a->ticket, held ? "held" : "used", ret);
		return -EIO;
	}
	seq_buf_printf(out, "ticket=%u ret=%d result=%s held=%u ", a->ticket,
		       ret, what, t->nr_held);
	brkdbg_print_state(t, out);
	return 0;
}

/**
 * struct brkdbg_feed - what one feed did
 * @admitted: calls admitted
 * @rejected: calls refused
 * @recorded: results recorded
 * @ignored: results ignored for their errno
 * @stale: results of an older generation
 */
struct brkdbg_feed {
	u32 admitted;
	u32 rejected;
	u32 recorded;
	u32 ignored;
	u32 stale;
};

/* @n allow + done(@err, @dur) pairs; 0 or -EIO (a result out of spec). */
static int brkdbg_feed_n(struct brkdbg *t, u32 n, int err, u64 dur,
			 struct brkdbg_feed *f, struct seq_buf *out,
			 const char *who)
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
			t->rejected++;
			continue;
		}
		if (ret) {
			gosync_report(out, who, "feed: gosync_breaker_allow() returned %d",
				      ret);
			return -EIO;
		}
		f->admitted++;
		ret = gosync_breaker_done(&t->b, &tk, err, dur);
		switch (ret) {
		case 0:
			f->recorded++;
			break;
		case 1:
			f->ignored++;
			t->ignored++;
			break;
		case -ESTALE:
			f->stale++;
			t->stale++;
			break;
		default:
			gosync_report(out, who, "feed: done() of a fresh ticket returned %d",
				      ret);
			return -EIO;
		}
	}
	return 0;
}

static int brkdbg_feed(struct brkdbg *t, struct brkdbg_args *a,
		       struct seq_buf *out, const char *who)
{
	struct brkdbg_feed f = {};
	int err = -EIO, ret;

	if (a->err[0]) {
		ret = brkdbg_int("err", a->err, -MAX_ERRNO, -1, &err, out, who);
		if (ret)
			return ret;
	}
	if (a->slow && !t->opts.slow_us) {
		gosync_report(out, who, "feed: slow= needs a breaker with slow_us");
		return -EINVAL;
	}
	if (a->ignored && !t->has_ignore) {
		gosync_report(out, who, "feed: ignored= needs a breaker that ignores an errno");
		return -EINVAL;
	}
	ret = brkdbg_feed_n(t, a->ok, 0, 0, &f, out, who);
	if (!ret)
		ret = brkdbg_feed_n(t, a->fail, err, 0, &f, out, who);
	if (!ret)
		ret = brkdbg_feed_n(t, a->slow, 0,
				    (u64)t->opts.slow_us * NSEC_PER_USEC, &f,
				    out, who);
	if (!ret)
		ret = brkdbg_feed_n(t, a->ignored, t->ignore_err, 0, &f, out,
				    who);
	if (ret)
		return ret;
	seq_buf_printf(out, "admitted=%u rejected=%u recorded=%u ignored=%u stale=%u ",
		       f.admitted, f.rejected, f.recorded, f.ignored, f.stale);
	brkdbg_print_state(t, out);
	return 0;
}

static int brkdbg_advance(struct brkdbg *t, struct brkdbg_args *a,
			  struct seq_buf *out, const char *who)
{
	u64 now;

	if (!t->fake) {
		gosync_report(out, who, "advance: breaker '%s' has the real clock",
			      t->name);
		return -EINVAL;
	}
	now = atomic64_add_return((s64)a->ms * NSEC_PER_MSEC, &t->clock_ns);
	seq_buf_printf(out, "clock_ms=%llu\n",
		       div_u64(now - GOSYNC_BREAKER_CMD_CLOCK0, NSEC_PER_MSEC));
	return 0;
}

static int brkdbg_state(struct brkdbg *t, struct brkdbg_args *a,
			struct seq_buf *out, const char *who)
{
	brkdbg_print_state(t, out);
	return 0;
}

static int brkdbg_counts(struct brkdbg *t, struct brkdbg_args *a,
			 struct seq_buf *out, const char *who)
{
	struct gosync_breaker_counts c;

	gosync_breaker_counts(&t->b, &c);
	seq_buf_printf(out, "state=%s forced=%u gen=%llu calls=%llu failures=%llu slow=%llu",
		       brkdbg_sname(c.state), c.forced, c.gen, c.calls,
		       c.failures, c.slow);
	seq_buf_printf(out, " consecutive=%u probes=%u probe_successes=%u open_delay_ms=%u",
		       c.consecutive, c.probes, c.probe_successes,
		       c.open_delay_ms);
	seq_buf_printf(out, " rejected=%llu ignored=%llu stale=%llu transitions=%llu",
		       c.rejected, c.ignored, c.stale, c.transitions);
	seq_buf_printf(out, " trips=%llu deferred=%llu pending_events=%u\n",
		       c.trips, c.deferred, c.pending_events);
	return 0;
}

static int brkdbg_control(struct brkdbg *t, int ret, const char *verb,
			  struct seq_buf *out, const char *who)
{
	if (ret) {
		gosync_report(out, who, "%s: state changes wait for their notifiers (%d)",
			      verb, ret);
		return ret;
	}
	brkdbg_print_state(t, out);
	return 0;
}

static int brkdbg_reset(struct brkdbg *t, struct brkdbg_args *a,
			struct seq_buf *out, const char *who)
{
	return brkdbg_control(t, gosync_breaker_reset(&t->b), "reset", out, who);
}

static int brkdbg_force_open(struct brkdbg *t, struct brkdbg_args *a,
			     struct seq_buf *out, const char *who)
{
	return brkdbg_control(t, gosync_breaker_force_open(&t->b), "force_open",
			      out, who);
}

static int brkdbg_force_closed(struct brkdbg *t, struct brkdbg_args *a,
			       struct seq_buf *out, const char *who)
{
	return brkdbg_control(t, gosync_breaker_force_closed(&t->b),
			      "force_closed", out, who);
}

static int brkdbg_events(struct brkdbg *t, struct brkdbg_args *a,
			 struct seq_buf *out, const char *who)
{
	u64 total, i, from;
	unsigned long flags;
	unsigned int kept;

	raw_spin_lock_irqsave(&t->ev_lock, flags);
	if (t->violations) {
		gosync_report(out, who, "events: %llu bad, first %s",
			      t->violations, t->why);
		raw_spin_unlock_irqrestore(&t->ev_lock, flags);
		return -EIO;
	}
	total = t->ev_total;
	kept = min_t(u64, total, GOSYNC_BREAKER_CMD_EVENTS);
	seq_buf_printf(out, "events=%llu kept=%u reenter_calls=%llu\n", total,
		       kept, t->reenter_calls);
	from = total - min_t(u64, kept, a->last);
	for (i = from; i < total; i++) {
		const struct brkdbg_event *e = &t->ev[i % GOSYNC_BREAKER_CMD_EVENTS];

		if (seq_buf_used(out) + BRKDBG_LINE_ROOM > out->size) {
			seq_buf_printf(out, "...\n");
			break;
		}
		seq_buf_printf(out, "gen=%llu from=%s to=%s reason=%s forced=%u ms=%lld\n",
			       e->gen, brkdbg_sname(e->from), brkdbg_sname(e->to),
			       gosync_breaker_reason_name(e->reason), e->forced,
			       div_s64((s64)(e->time_ns - t->t0), NSEC_PER_MSEC));
	}
	raw_spin_unlock_irqrestore(&t->ev_lock, flags);
	return 0;
}

/* Record @a and @b for the report; whether they differ. */
static bool brkdbg_ne(u64 a, u64 b, u64 *x, u64 *y)
{
	*x = a;
	*y = b;
	return a != b;
}

/*
 * The invariants of a quiet breaker, against its notifier's log and what
 * this file did with it. Returns NULL if they hold, else what does not.
 */
static const char *brkdbg_check_once(struct brkdbg *t, u64 *x, u64 *y)
{
	struct gosync_breaker_counts c;
	u64 total, gen, violations;
	enum gosync_breaker_state to;
	unsigned int i, held = 0, probes = 0;
	unsigned long flags;
	bool forced;

	gosync_breaker_counts(&t->b, &c);
	raw_spin_lock_irqsave(&t->ev_lock, flags);
	total = t->ev_total;
	gen = t->ev_gen;
	to = t->ev_to;
	forced = t->ev_forced;
	violations = t->violations;
	raw_spin_unlock_irqrestore(&t->ev_lock, flags);
	for (i = 0; i < GOSYNC_BREAKER_CMD_TICKETS; i++) {
		if (t->slots[i].state != BRKDBG_HELD)
			continue;
		held++;
		probes += t->slots[i].t.gen == c.gen;
	}

	if (brkdbg_ne(violations, 0, x, y))
		return "the notifier saw bad events (see events)";
	if (brkdbg_ne(c.pending_events, 0, x, y))
		return "events wait for delivery";
	if (brkdbg_ne(total, c.transitions, x, y))
		return "events delivered != transitions";
	if (brkdbg_ne(c.gen, c.transitions + 1, x, y))
		return "gen != transitions + 1";
	if (brkdbg_ne(gen, c.gen, x, y))
		return "the last event's gen != gen";
	if (brkdbg_ne(to, c.state, x, y))
		return "the last event's state != state";
	if (brkdbg_ne(forced, c.forced, x, y))
		return "the last event's forced != forced";
	if (c.trips > c.transitions) {
		*x = c.trips;
		*y = c.transitions;
		return "trips > transitions";
	}
	if (brkdbg_ne(c.rejected, t->rejected, x, y))
		return "rejected != rejections seen";
	if (brkdbg_ne(c.ignored, t->ignored, x, y))
		return "ignored != ignored results seen";
	if (brkdbg_ne(c.stale, t->stale, x, y))
		return "stale != stale results seen";
	if (brkdbg_ne(held, t->nr_held, x, y))
		return "held tickets miscounted";
	if (c.open_delay_ms < t->open_ms ||
	    c.open_delay_ms > max(t->open_ms, t->opts.open_max_ms)) {
		*x = c.open_delay_ms;
		*y = t->open_ms;
		return "open_delay_ms outside [open_ms, open_max_ms]";
	}
	if (c.state != GOSYNC_BREAKER_HALF_OPEN) {
		if (brkdbg_ne(c.probes, 0, x, y))
			return "probes outside half-open";
		if (brkdbg_ne(c.probe_successes, 0, x, y))
			return "probe successes outside half-open";
	} else {
		if (brkdbg_ne(c.probes, probes, x, y))
			return "probes != held tickets of this generation";
		if (c.probes > t->probes) {
			*x = c.probes;
			*y = t->probes;
			return "probes above the limit";
		}
		if (c.probe_successes >= t->successes) {
			*x = c.probe_successes;
			*y = t->successes;
			return "half-open with enough probe successes";
		}
	}
	if ((t->opts.flags & GOSYNC_BREAKER_METRICS_ONLY) && !c.forced &&
	    c.state != GOSYNC_BREAKER_CLOSED) {
		*x = c.state;
		*y = 0;
		return "a metrics-only breaker is not closed";
	}
	if (c.state == GOSYNC_BREAKER_CLOSED) {
		if (c.failures > c.calls || c.slow > c.calls) {
			*x = c.failures + c.slow;
			*y = c.calls;
			return "more failures or slow calls than calls";
		}
		if (!t->consecutive && c.consecutive) {
			*x = c.consecutive;
			*y = 0;
			return "consecutive failures counted without the policy";
		}
		if (t->consecutive && !c.forced && c.consecutive >= t->consecutive &&
		    !(t->opts.flags & GOSYNC_BREAKER_METRICS_ONLY)) {
			*x = c.consecutive;
			*y = t->consecutive;
			return "closed with consecutive failures at the limit";
		}
	}
	return NULL;
}

static int brkdbg_check(struct brkdbg *t, struct brkdbg_args *a,
			struct seq_buf *out, const char *who)
{
	const char *why = NULL;
	unsigned int i;
	u64 x = 0, y = 0;

	for (i = 0; i < BRKDBG_CHECK_TRIES; i++) {
		why = brkdbg_check_once(t, &x, &y);
		if (!why)
			break;
		usleep_range(1000, 2000);
	}
	if (why) {
		gosync_report(out, who, "check: %s (%llu, %llu)", why, x, y);
		return -EIO;
	}
	seq_buf_printf(out, "ok\n");
	return 0;
}

static int brkdbg_list(struct brkdbg *unused, struct brkdbg_args *a,
		       struct seq_buf *out, const char *who)
{
	unsigned int i, n = 0;

	for (i = 0; i < GOSYNC_BREAKER_CMD_BREAKERS; i++)
		n += !!brkdbg_breakers[i];
	seq_buf_printf(out, "breakers=%u\n", n);
	for (i = 0; i < GOSYNC_BREAKER_CMD_BREAKERS; i++) {
		struct brkdbg *t = brkdbg_breakers[i];

		if (t)
			seq_buf_printf(out, "name=%s clock=%s held=%u state=%s\n",
				       t->name, t->fake ? "fake" : "real",
				       t->nr_held,
				       brkdbg_sname(gosync_breaker_state(&t->b)));
	}
	return 0;
}

enum brkdbg_verb_id {
	BRKDBG_CREATE,
	BRKDBG_DESTROY,
	BRKDBG_ALLOW,
	BRKDBG_DONE,
	BRKDBG_FEED,
	BRKDBG_ADVANCE,
	BRKDBG_STATE,
	BRKDBG_COUNTS,
	BRKDBG_RESET,
	BRKDBG_FORCE_OPEN,
	BRKDBG_FORCE_CLOSED,
	BRKDBG_EVENTS,
	BRKDBG_CHECK,
	BRKDBG_LIST,
	BRKDBG_NR_VERBS,
};

#define A(x)	BIT(BRKDBG_A_##x)
#define BRKDBG_CREATE_ARGS						\
	(A(NAME) | A(CONSECUTIVE) | A(FAILURE_RATE) | A(SLOW_RATE) |	\
	 A(SLOW_US) | A(MIN_CALLS) | A(BUCKETS) | A(BUCKET_MS) |	\
	 A(OPEN_MS) | A(OPEN_MAX_MS) | A(PROBES) | A(SUCCESSES) |	\
	 A(HALF_OPEN_MAX_MS) | A(IGNORE) | A(METRICS_ONLY) |		\
	 A(STUCK_CLOSES) | A(NOTIFY_TIMER) | A(CLOCK) | A(REENTER))

static const struct brkdbg_verb brkdbg_verbs[BRKDBG_NR_VERBS] = {
	[BRKDBG_CREATE] = { "create", BRKDBG_CREATE_ARGS, A(NAME), true,
			    brkdbg_create },
	[BRKDBG_DESTROY] = { "destroy", A(NAME), A(NAME), false, brkdbg_destroy },
	[BRKDBG_ALLOW] = { "allow", A(NAME) | A(N), A(NAME), false, brkdbg_allow },
	[BRKDBG_DONE] = { "done", A(NAME) | A(TICKET) | A(ERR) | A(DUR_US),
			  A(NAME) | A(TICKET), false, brkdbg_done },
	[BRKDBG_FEED] = { "feed", A(NAME) | A(OK) | A(FAIL) | A(SLOW) |
			  A(IGNORED) | A(ERR), A(NAME), false, brkdbg_feed },
	[BRKDBG_ADVANCE] = { "advance", A(NAME) | A(MS), A(NAME) | A(MS), false,
			     brkdbg_advance },
	[BRKDBG_STATE] = { "state", A(NAME), A(NAME), false, brkdbg_state },
	[BRKDBG_COUNTS] = { "counts", A(NAME), A(NAME), false, brkdbg_counts },
	[BRKDBG_RESET] = { "reset", A(NAME), A(NAME), false, brkdbg_reset },
	[BRKDBG_FORCE_OPEN] = { "force_open", A(NAME), A(NAME), false,
				brkdbg_force_open },
	[BRKDBG_FORCE_CLOSED] = { "force_closed", A(NAME), A(NAME), false,
				  brkdbg_force_closed },
	[BRKDBG_EVENTS] = { "events", A(NAME) | A(LAST), A(NAME), false,
			    brkdbg_events },
	[BRKDBG_CHECK] = { "check", A(NAME), A(NAME), false, brkdbg_check },
	[BRKDBG_LIST] = { "list", 0, 0, true, brkdbg_list },
};

#undef BRKDBG_CREATE_ARGS
#undef A

/* The parameters @v accepts, with their destinations in @a; returns how many. */
static unsigned int brkdbg_params(const struct brkdbg_verb *v,
				  struct brkdbg_args *a,
				  struct gosync_param *p)
{
	const struct gosync_param all[BRKDBG_NR_ARGS] = {
		[BRKDBG_A_NAME] = GOSYNC_PARAM_STR("name", a->name, false),
		[BRKDBG_A_CONSECUTIVE] =
			GOSYNC_PARAM_U32("consecutive", &a->consecutive, 0,
					 GOSYNC_BREAKER_CONSECUTIVE_MAX, false),
		[BRKDBG_A_FAILURE_RATE] =
			GOSYNC_PARAM_U32("failure_rate", &a->failure_rate, 0, 100,
					 false),
		[BRKDBG_A_SLOW_RATE] =
			GOSYNC_PARAM_U32("slow_rate", &a->slow_rate, 0, 100, false),
		[BRKDBG_A_SLOW_US] =
			GOSYNC_PARAM_U32("slow_us", &a->slow_us, 0, U32_MAX, false),
		[BRKDBG_A_MIN_CALLS] =
			GOSYNC_PARAM_U32("min_calls", &a->min_calls, 0, U32_MAX,
					 false),
		[BRKDBG_A_BUCKETS] =
			GOSYNC_PARAM_U32("buckets", &a->buckets, 0,
					 GOSYNC_BREAKER_BUCKETS_MAX, false),
		[BRKDBG_A_BUCKET_MS] =
			GOSYNC_PARAM_U32("bucket_ms", &a->bucket_ms, 0,
					 GOSYNC_BREAKER_BUCKET_MS_MAX, false),
		[BRKDBG_A_OPEN_MS] =
			GOSYNC_PARAM_U32("open_ms", &a->open_ms, 0,
					 GOSYNC_BREAKER_OPEN_MS_MAX, false),
		[BRKDBG_A_OPEN_MAX_MS] =
			GOSYNC_PARAM_U32("open_max_ms", &a->open_max_ms, 0,
					 GOSYNC_BREAKER_OPEN_MS_MAX, false),
		[BRKDBG_A_PROBES] =
			GOSYNC_PARAM_U32("probes", &a->probes, 0,
					 GOSYNC_BREAKER_PROBES_MAX, false),
		[BRKDBG_A_SUCCESSES] =
			GOSYNC_PARAM_U32("successes", &a->successes, 0,
					 GOSYNC_BREAKER_PROBES_MAX, false),
		[BRKDBG_A_HALF_OPEN_MAX_MS] =
			GOSYNC_PARAM_U32("half_open_max_ms", &a->half_open_max_ms,
					 0, GOSYNC_BREAKER_OPEN_MS_MAX, false),
		[BRKDBG_A_IGNORE] = GOSYNC_PARAM_STR("ignore", a->ignore, false),
		[BRKDBG_A_METRICS_ONLY] =
			GOSYNC_PARAM_U32("metrics_only", &a->metrics_only, 0, 1,
					 false),
		[BRKDBG_A_STUCK_CLOSES] =
			GOSYNC_PARAM_U32("stuck_closes", &a->stuck_closes, 0, 1,
					 false),
		[BRKDBG_A_NOTIFY_TIMER] =
			GOSYNC_PARAM_U32("notify_timer", &a->notify_timer, 0, 1,
					 false),
		[BRKDBG_A_CLOCK] = GOSYNC_PARAM_STR("clock", a->clock, false),
		[BRKDBG_A_REENTER] =
			GOSYNC_PARAM_U32("reenter", &a->reenter, 0, 2, false),
		[BRKDBG_A_N] =
			GOSYNC_PARAM_U32("n", &a->n, 1, GOSYNC_BREAKER_CMD_TICKETS,
					 false),
		[BRKDBG_A_TICKET] =
			GOSYNC_PARAM_U32("ticket", &a->ticket, 1, U32_MAX, false),
		[BRKDBG_A_ERR] = GOSYNC_PARAM_STR("err", a->err, false),
		[BRKDBG_A_DUR_US] =
			GOSYNC_PARAM_U64("dur_us", &a->dur_us, 0, U32_MAX, false),
		[BRKDBG_A_OK] =
			GOSYNC_PARAM_U32("ok", &a->ok, 0, GOSYNC_BREAKER_CMD_FEED_MAX,
					 false),
		[BRKDBG_A_FAIL] =
			GOSYNC_PARAM_U32("fail", &a->fail, 0,
					 GOSYNC_BREAKER_CMD_FEED_MAX, false),
		[BRKDBG_A_SLOW] =
			GOSYNC_PARAM_U32("slow", &a->slow, 0,
					 GOSYNC_BREAKER_CMD_FEED_MAX, false),
		[BRKDBG_A_IGNORED] =
			GOSYNC_PARAM_U32("ignored", &a->ignored, 0,
					 GOSYNC_BREAKER_CMD_FEED_MAX, false),
		[BRKDBG_A_MS] = GOSYNC_PARAM_U32("ms", &a->ms, 0, U32_MAX, false),
		[BRKDBG_A_LAST] =
			GOSYNC_PARAM_U32("last", &a->last, 1,
					 GOSYNC_BREAKER_CMD_EVENTS, false),
	};

	return gosync_param_select(p, all, BRKDBG_NR_ARGS, v->takes, v->needs);
}

/**
 * __gosync_breaker_cmd_exec() - parse and run one command of breaker/cmd
 * @line: the command line, checked by gosync_parse_line(); modified
 * @out: receives the command's output, or "error: <why>"
 * @who: prefix of messages about rejected commands
 *
 * The exec() of the command file breaker/cmd; the grammar is at the top
 * of kmod/test/breaker_debugfs.c.
 *
 * Context: process context, may sleep; serialized with the other commands.
 * Return: 0, or a negative errno (rejected command, failed breaker call,
 * or -EIO for a broken invariant).
 */
int __gosync_breaker_cmd_exec(char *line, struct seq_buf *out, const char *who)
{
	struct gosync_param params[BRKDBG_NR_ARGS];
	struct brkdbg_args *a = &brkdbg_scratch;
	const struct brkdbg_verb *v;
	struct brkdbg *t = NULL;
	unsigned int n;
	int ret;

	v = gosync_parse_verb(&line, brkdbg_verbs, ARRAY_SIZE(brkdbg_verbs),
			      sizeof(brkdbg_verbs[0]), out, who);
	if (!v)
		return -EINVAL;

	mutex_lock(&brkdbg_lock);
	memset(a, 0, sizeof(*a));
	a->n = 1;
	a->dur_us = U64_MAX;
	a->last = BRKDBG_EVENTS_SHOWN;
	n = brkdbg_params(v, a, params);
	ret = gosync_parse_params(line, params, n, out, who);
	if (ret)
		goto out;
	if (!v->no_breaker) {
		t = brkdbg_find(a->name);
		if (!t) {
			gosync_report(out, who, "no breaker named '%s'", a->name);
			ret = -ENOENT;
			goto out;
		}
	}
	ret = v->run(t, a, out, who);
out:
	mutex_unlock(&brkdbg_lock);
	return ret;
}

/**
 * __gosync_breaker_cmd_init() - set up breaker/cmd: no test breaker exists
 *
 * Context: process context.
 * Return: 0.
 */
int __gosync_breaker_cmd_init(void)
{
	return 0;
}

/**
 * __gosync_breaker_cmd_exit() - destroy every test breaker of breaker/cmd
 *
 * Each notifier is unregistered before its breaker is destroyed.
 *
 * Context: process context, may sleep; once no command runs.
 */
void __gosync_breaker_cmd_exit(void)
{
	unsigned int i;

	mutex_lock(&brkdbg_lock);
	for (i = 0; i < GOSYNC_BREAKER_CMD_BREAKERS; i++) {
		if (brkdbg_breakers[i])
			brkdbg_destroy_breaker(brkdbg_breakers[i]);
		brkdbg_breakers[i] = NULL;
	}
	mutex_unlock(&brkdbg_lock);
}
