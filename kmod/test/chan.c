// SPDX-License-Identifier: GPL-2.0
/*
 * gosync_chan in gosync_test.ko: /sys/kernel/debug/gosync_test/chan/, its
 * checks and inject= points on the runner (runner.h).
 *
 * The stress: producers send numbered values (their id and a sequence
 * number) on a few channels for the duration, consumers receive them
 * until every channel is closed and drained. Each call is chosen at
 * random: a select over every channel, or one channel (never a plain
 * receive on one of several: that could wait for ever while the
 * producers wait on another, a deadlock of the test's), by a plain call,
 * a try_ call, a call whose context has a deadline a few hundred
 * microseconds away (cancelled from a hard-interrupt hrtimer, often while
 * a peer completes it), or a call with a timeout. A producer numbers only
 * the sends that returned 0. The last producer to finish closes every
 * channel (each close must return 0, a second -EINVAL). Checked exactly:
 * every value a producer sent is received once (a bitmap per producer:
 * none twice, none missing), each consumer sees each producer's values on
 * one channel in increasing order (FIFO), a failed call returns its own
 * cause and not before its deadline, and at the end the channels are
 * empty with nobody blocked on them. A lost wake-up leaves a consumer
 * blocked: the run is stopped after 60 s and fails.
 *
 * Its command file, its grammar and what each run checks are documented
 * for their users in kmod/test/README.md, "chan".
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/bitops.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/sched/signal.h>
#include <linux/seq_buf.h>
#include <linux/slab.h>

#include <gosync/chan.h>
#include <gosync/ctx.h>

#include "cmdfile.h"
#include "internal.h"
#include "parse.h"
#include "runner.h"
#include "test.h"

#define GCHAN_ST_MAX_MS		60000
#define GCHAN_ST_THREADS_MAX	32
#define GCHAN_ST_SEQ_BITS		22	/* a value: producer + 1, then seq */
#define GCHAN_ST_DEADLINE_US	400	/* a context's deadline: up to this far */
#define GCHAN_ST_LATE_MS		2000	/* a cancelled call returns within this */

/* inject=, a violation planted after the run through its check. */
enum gchan_st_inject {
	GCHAN_INJ_NONE,
	GCHAN_INJ_LOSE,
	GCHAN_INJ_DUP,
	GCHAN_INJ_ORDER,
	GCHAN_INJ_CLOSE,
	GCHAN_INJ_EARLY,
	GCHAN_NR_INJECT,
};

static const char *const gchan_st_inject_names[GCHAN_NR_INJECT] = {
	[GCHAN_INJ_NONE] = "none",
	[GCHAN_INJ_LOSE] = "lose",
	[GCHAN_INJ_DUP] = "dup",
	[GCHAN_INJ_ORDER] = "order",
	[GCHAN_INJ_CLOSE] = "close",
	[GCHAN_INJ_EARLY] = "early",
};

/* The arguments of chan/stress, by their keys (gchan_st_params). */
struct gchan_st_args {
	u32 producers;
	u32 consumers;
	u32 chans;
	u32 capacity;
	u32 duration_ms;
	u32 max_values;
	u32 select_pct;
	u32 ctx_pct;
	u32 timeout_pct;
	u32 try_pct;
	u32 seed;
	u32 inject;
};

static const struct gchan_st_args gchan_st_defaults = {
	.producers = 2, .consumers = 2, .chans = 2, .capacity = 4,
	.duration_ms = 1000, .max_values = 1 << 20, .select_pct = 30,
	.ctx_pct = 20, .timeout_pct = 10, .try_pct = 10, .seed = 1,
};

static const struct gosync_param gchan_st_params[] = {
	GOSYNC_ARG_U32("producers", struct gchan_st_args, producers, 1,
		       GCHAN_ST_THREADS_MAX, false),
	GOSYNC_ARG_U32("consumers", struct gchan_st_args, consumers, 1,
		       GCHAN_ST_THREADS_MAX, false),
	GOSYNC_ARG_U32("chans", struct gchan_st_args, chans, 1,
		       GOSYNC_SELECT_MAX, false),
	GOSYNC_ARG_U32("capacity", struct gchan_st_args, capacity, 0, 4096,
		       false),
	GOSYNC_ARG_U32("duration_ms", struct gchan_st_args, duration_ms, 1,
		       GCHAN_ST_MAX_MS, false),
	GOSYNC_ARG_U32("max_values", struct gchan_st_args, max_values, 1,
		       1 << GCHAN_ST_SEQ_BITS, false),
	GOSYNC_ARG_U32("select_pct", struct gchan_st_args, select_pct, 0, 100,
		       false),
	GOSYNC_ARG_U32("ctx_pct", struct gchan_st_args, ctx_pct, 0, 100, false),
	GOSYNC_ARG_U32("timeout_pct", struct gchan_st_args, timeout_pct, 0, 100,
		       false),
	GOSYNC_ARG_U32("try_pct", struct gchan_st_args, try_pct, 0, 100, false),
	GOSYNC_ARG_U32("seed", struct gchan_st_args, seed, 0, U32_MAX, false),
	GOSYNC_ARG_ENUM("inject", struct gchan_st_args, inject,
			gchan_st_inject_names, GCHAN_NR_INJECT),
};

/* The ways of a call must leave room for plain ones. */
static int gchan_st_check_args(void *args, struct seq_buf *out, const char *who)
{
	struct gchan_st_args *a = args;
	u32 sum = a->ctx_pct + a->timeout_pct + a->try_pct;

	if (sum > 100) {
		gosync_report(out, who, "ctx_pct + timeout_pct + try_pct = %u, over 100",
			      sum);
		return -ERANGE;
	}
	return 0;
}

/* The arguments of chan/stress; the fuzzers run them too. */
const struct gosync_args gosync_chan_stress_args =
	GOSYNC_ARGS(gchan_st_params, struct gchan_st_args, &gchan_st_defaults,
		    gchan_st_check_args);

/* The way a call is made. */
enum gchan_way { GCHAN_PLAIN, GCHAN_TRY, GCHAN_CTX, GCHAN_TIMEOUT };

/* One run. */
struct gchan_st {
	struct gchan_st_args a;
	struct gosync_chan ch[GOSYNC_SELECT_MAX];
	unsigned int nr_chans;	/* initialized */
	struct gosync_ctx stop;	/* cancelled to abort the run */
	ktime_t end;
	atomic_t producing;	/* producers not finished */
	unsigned long *seen[GCHAN_ST_THREADS_MAX];	/* per producer */
	atomic64_t sent[GCHAN_ST_THREADS_MAX];
	atomic64_t received[GCHAN_ST_THREADS_MAX];
	atomic64_t selects;	/* calls completed through a select */
	atomic64_t refused;	/* try_ calls that found no room or value */
	atomic64_t cancelled;	/* ended by their context's deadline */
	atomic64_t timedout;	/* ended by their timeout */
	atomic64_t late_ns;	/* the latest return after a deadline */
	struct gosync_run run;
	struct gosync_violations v;
};

#define gchan_fail(s, fmt, ...) gosync_violation(&(s)->v, fmt, ##__VA_ARGS__)

static void *gchan_val(unsigned int p, u32 seq)
{
	return (void *)(((unsigned long)(p + 1) << GCHAN_ST_SEQ_BITS) | seq);
}

/*
 * A call of @way ended with @ret (not 0, not -EAGAIN): its own cause, and
 * a context's -ETIMEDOUT at its deadline or after, within GCHAN_ST_LATE_MS.
 */
static void gchan_check_ret(struct gchan_st *s, enum gchan_way way, int ret,
			    ktime_t deadline, ktime_t now)
{
	s64 late = ktime_to_ns(ktime_sub(now, deadline));

	if (ret != -ETIMEDOUT || way == GCHAN_PLAIN || way == GCHAN_TRY) {
		gchan_fail(s, "a call (way %d) returned %d", way, ret);
		return;
	}
	if (way != GCHAN_CTX)
		return;
	if (late < 0)
		gchan_fail(s, "a context's call returned -ETIMEDOUT %lld ns before its deadline",
			   -late);
	else if (late > (s64)GCHAN_ST_LATE_MS * NSEC_PER_MSEC)
		gchan_fail(s, "a context's call returned %lld ms after its deadline",
			   late / NSEC_PER_MSEC);
	if (late > atomic64_read(&s->late_ns))
		atomic64_set(&s->late_ns, late);
}

static enum gchan_way gchan_way(const struct gchan_st_args *a, u32 pct)
{
	if (pct < a->ctx_pct)
		return GCHAN_CTX;
	pct -= a->ctx_pct;
	if (pct < a->timeout_pct)
		return GCHAN_TIMEOUT;
	pct -= a->timeout_pct;
	return pct < a->try_pct ? GCHAN_TRY : GCHAN_PLAIN;
}

/*
 * One call: a select over @c[0..@n) if @n > 1, else one send or receive
 * on @c[0], made the way @way. The index of the case completed, or the
 * call's error (-EAGAIN: a try_ call that could not).
 */
static int gchan_call(struct gchan_st *s, struct gosync_select_case *c,
		      unsigned int n, enum gchan_way way, u32 r)
{
	unsigned int flags = way == GCHAN_TRY ? GOSYNC_SELECT_DEFAULT : 0;
	struct gosync_ctx ctx, *x = &s->stop;
	ktime_t deadline = 0;
	int ret;

	if (way == GCHAN_CTX) {
		gosync_ctx_init(&ctx, &s->stop);
		deadline = ktime_add_us(ktime_get(), r % GCHAN_ST_DEADLINE_US + 1);
		gosync_ctx_set_deadline(&ctx, deadline);
		x = &ctx;
	}
	if (way == GCHAN_TIMEOUT)
		ret = gosync_select_timeout(c, n, x, 0, r % 3);
	else
		ret = gosync_select(c, n, x, flags);
	if (ret < 0 && ret != -EAGAIN && !gosync_ctx_err(&s->stop)) {
		gchan_check_ret(s, way, ret, deadline, ktime_get());
		if (way == GCHAN_CTX && ret == -ETIMEDOUT &&
		    gosync_ctx_err(&ctx) != -ETIMEDOUT)
			gchan_fail(s, "a call returned -ETIMEDOUT, its context %d",
				   gosync_ctx_err(&ctx));
	}
	if (way == GCHAN_CTX)
		gosync_ctx_put(&ctx);
	if (ret == -ETIMEDOUT)
		atomic64_inc(way == GCHAN_CTX ? &s->cancelled : &s->timedout);
	else if (ret == -EAGAIN)
		atomic64_inc(&s->refused);
	else if (ret >= 0 && n > 1)
		atomic64_inc(&s->selects);
	return ret;
}

/* Close every channel: each once, and a second close refused. */
static void gchan_check_close(struct gchan_st *s, unsigned int k, int first,
			      int second)
{
	if (first || second != -EINVAL)
		gchan_fail(s, "closing chan %u returned %d, then %d", k, first,
			   second);
}

static int gchan_produce(struct gosync_run_thread *t, struct gchan_st *s)
{
	struct gosync_select_case c[GOSYNC_SELECT_MAX];
	unsigned int p = t->id, n, k;
	u32 rnd = gosync_hash32(s->a.seed, t->id) | 1, seq = 0;
	int ret = 0;

	while (seq < s->a.max_values && ktime_before(ktime_get(), s->end) &&
	       !gosync_ctx_err(&s->stop)) {
		u32 r = gosync_xorshift32(&rnd);
		bool sel = r % 100 < s->a.select_pct;

		n = sel ? s->a.chans : 1;
		for (k = 0; k < n; k++) {
			c[k].chan = &s->ch[sel ? k : (r >> 7) % s->a.chans];
			c[k].dir = GOSYNC_SELECT_SEND;
			c[k].val = gchan_val(p, seq);
		}
		ret = gchan_call(s, c, n, gchan_way(&s->a, (r >> 14) % 100),
				 r >> 8);
		t->ops++;
		if (ret < 0)
			continue;
		if (c[ret].err)
			gchan_fail(s, "a send returned %d before the close",
				   c[ret].err);
		else
			atomic64_set(&s->sent[p], ++seq);
	}
	if (atomic_dec_and_test(&s->producing)) {
		for (k = 0; k < s->a.chans; k++) {
			int first = gosync_chan_close(&s->ch[k]);

			gchan_check_close(s, k, first, gosync_chan_close(&s->ch[k]));
		}
	}
	return 0;
}

/* Each producer's values on one channel come in order to a consumer. */
static void gchan_check_order(struct gchan_st *s, unsigned int p, unsigned int k,
			      u32 seq, u32 *last)
{
	if (seq + 1 <= *last)
		gchan_fail(s, "producer %u chan %u: %u after %u", p, k, seq,
			   *last - 1);
	*last = seq + 1;
}

/* Each value is received once. */
static void gchan_check_once(struct gchan_st *s, unsigned int p, u32 seq)
{
	if (test_and_set_bit(seq, s->seen[p]))
		gchan_fail(s, "producer %u value %u received twice", p, seq);
}

/* A value received on channel @k; @last: this consumer's order marks. */
static void gchan_got(struct gchan_st *s, void *v, unsigned int k, u32 *last)
{
	unsigned long x = (unsigned long)v;
	unsigned long p = (x >> GCHAN_ST_SEQ_BITS) - 1;
	u32 seq = x & ((1UL << GCHAN_ST_SEQ_BITS) - 1);

	if (p >= s->a.producers || seq >= s->a.max_values) {
		gchan_fail(s, "received %lx: no such value", x);
		return;
	}
	gchan_check_order(s, p, k, seq, &last[p * s->a.chans + k]);
	gchan_check_once(s, p, seq);
	atomic64_inc(&s->received[p]);
}

static int gchan_consume(struct gosync_run_thread *t, struct gchan_st *s)
{
	struct gosync_select_case c[GOSYNC_SELECT_MAX];
	u32 rnd = gosync_hash32(s->a.seed, t->id) | 1;
	unsigned int open = s->a.chans, k, i, n;
	unsigned long done = 0;
	u32 *last;
	int ret;

	last = kcalloc(s->a.producers * s->a.chans, sizeof(*last), GFP_KERNEL);
	if (!last)
		return -ENOMEM;
	while (open && !gosync_ctx_err(&s->stop)) {
		u32 r = gosync_xorshift32(&rnd);
		enum gchan_way way = gchan_way(&s->a, (r >> 14) % 100);
		/*
		 * Not a plain receive on one channel of several: it could wait
		 * forever while every producer waits on another (a deadlock Go
		 * would report too). A select over all of them cannot.
		 */
		bool sel = r % 100 < s->a.select_pct ||
			   (way == GCHAN_PLAIN && s->a.chans > 1);

		if (sel) {
			n = s->a.chans;
			for (k = 0; k < n; k++) {
				c[k].chan = test_bit(k, &done) ? NULL : &s->ch[k];
				c[k].dir = GOSYNC_SELECT_RECV;
			}
		} else {
			/* The (r % open)-th channel still open. */
			n = 1;
			i = (r >> 7) % open;
			for (k = 0; test_bit(k, &done) || i--; k++)
				;
			c[0].chan = &s->ch[k];
			c[0].dir = GOSYNC_SELECT_RECV;
		}
		ret = gchan_call(s, c, n, way, r >> 8);
		t->ops++;
		if (ret < 0)
			continue;
		k = c[ret].chan - s->ch;
		if (c[ret].err == -EPIPE) {
			__set_bit(k, &done);
			open--;
		} else if (c[ret].err) {
			gchan_fail(s, "a receive returned %d", c[ret].err);
		} else {
			gchan_got(s, c[ret].val, k, last);
		}
	}
	kfree(last);
	return 0;
}

static int gchan_st_body(struct gosync_run_thread *t)
{
	struct gchan_st *s = t->run->data;

	if (t->id < s->a.producers)
		return gchan_produce(t, s);
	return gchan_consume(t, s);
}

static void gchan_st_abort(struct gosync_run *run)
{
	struct gchan_st *s = run->data;

	gosync_ctx_cancel(&s->stop, -ECONNABORTED);
}

/* Every value sent was received, once; the channels are empty. */
static void gchan_check_end(struct gchan_st *s)
{
	unsigned int p, k;

	for (p = 0; p < s->a.producers; p++) {
		u64 sent = atomic64_read(&s->sent[p]);
		u64 got = atomic64_read(&s->received[p]);
		unsigned long miss = find_first_zero_bit(s->seen[p], sent);

		if (got != sent || miss < sent)
			gchan_fail(s, "producer %u: %llu sent, %llu received, value %lu missing",
				   p, sent, got, miss < sent ? miss : 0UL);
	}
	for (k = 0; k < s->a.chans; k++)
		if (gosync_chan_len(&s->ch[k]))
			gchan_fail(s, "chan %u: %u values left at the end", k,
				   gosync_chan_len(&s->ch[k]));
}

/* Plant the violation inject= asks for, through the check that finds it. */
static void gchan_st_inject(struct gchan_st *s)
{
	ktime_t now = ktime_get();
	u32 last = 2;

	switch (s->a.inject) {
	case GCHAN_INJ_LOSE:
		atomic64_inc(&s->sent[0]);
		break;
	case GCHAN_INJ_DUP:
		gchan_check_once(s, 0, 0);
		gchan_check_once(s, 0, 0);
		break;
	case GCHAN_INJ_ORDER:
		gchan_check_order(s, 0, 0, 0, &last);
		break;
	case GCHAN_INJ_CLOSE:
		gchan_check_close(s, 0, -EINVAL, -EINVAL);
		break;
	case GCHAN_INJ_EARLY:
		gchan_check_ret(s, GCHAN_CTX, -ETIMEDOUT, ktime_add_ms(now, 1), now);
		break;
	}
}

static void gchan_st_free(struct gchan_st *s)
{
	unsigned int p, k;

	for (k = 0; k < s->nr_chans; k++)
		gosync_chan_destroy(&s->ch[k]);
	for (p = 0; p < GCHAN_ST_THREADS_MAX; p++)
		bitmap_free(s->seen[p]);
	gosync_ctx_put(&s->stop);
	kfree(s);
}

static int gchan_st_exec(struct gosync_cmd_file *f, char *line,
			 struct seq_buf *out)
{
	struct gchan_st_args a;
	struct gchan_st *s;
	unsigned int k, p;
	u64 values = 0;
	int ret, err;

	ret = gosync_args_parse(&gosync_chan_stress_args, line, &a, out,
				f->who);
	if (ret)
		return ret;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->a = a;
	gosync_ctx_init(&s->stop, NULL);
	for (p = 0; p < a.producers; p++) {
		s->seen[p] = bitmap_zalloc(a.max_values, GFP_KERNEL);
		if (!s->seen[p])
			goto nomem;
	}
	for (k = 0; k < a.chans; k++, s->nr_chans++)
		if (gosync_chan_init(&s->ch[k], a.capacity, GFP_KERNEL))
			goto nomem;
	atomic_set(&s->producing, a.producers);
	gosync_violations_init(&s->v, "chan: stress");
	s->end = ktime_add_ms(ktime_get(), a.duration_ms);
	s->run = (struct gosync_run){
		.name = "chan", .nr_threads = a.producers + a.consumers,
		.body = gchan_st_body, .abort = gchan_st_abort, .data = s,
		.v = &s->v,
	};
	ret = gosync_run_threads(&s->run);
	if (!s->run.go) {
		gosync_report(out, f->who, "stress: no threads (%d)", ret);
		goto out;
	}
	if (!ret) {
		gchan_st_inject(s);
		gchan_check_end(s);
	}
	for (p = 0; p < a.producers; p++)
		values += atomic64_read(&s->sent[p]);
	err = gosync_run_result(&s->run, out,
				"producers=%u consumers=%u chans=%u capacity=%u values=%llu selects=%lld refused=%lld cancelled=%lld timedout=%lld late_us=%lld",
				a.producers, a.consumers, a.chans, a.capacity,
				values, atomic64_read(&s->selects),
				atomic64_read(&s->refused),
				atomic64_read(&s->cancelled),
				atomic64_read(&s->timedout),
				atomic64_read(&s->late_ns) / NSEC_PER_USEC);
	if (!ret)
		ret = err;
out:
	gosync_run_free(&s->run);
	gchan_st_free(s);
	return ret;
nomem:
	gchan_st_free(s);
	return -ENOMEM;
}

/* Nothing outlives a run: no init or exit. */
DEFINE_GOSYNC_COMPONENT(chan) = {
	.name = "chan",
	.files = (struct gosync_cmd_file []){
		{ .name = "stress", .exec = gchan_st_exec },
		{}
	},
};
