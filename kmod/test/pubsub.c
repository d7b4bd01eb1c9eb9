// SPDX-License-Identifier: GPL-2.0
/*
 * gosync_pubsub in gosync_test.ko: /sys/kernel/debug/gosync_test/pubsub/,
 * its checks and inject= points on the runner (runner.h).
 *
 * The stress: one topic; publishers= threads publish numbered messages
 * (kmalloc'ed, freed by the topic's release); subscribers= threads each
 * own a slot: a stable slot (subscribed before the publishers start,
 * unsubscribed after they stop) or, at churn_pct percent, a churning one
 * that unsubscribes (freeing its subscriber at once) and subscribes
 * again while the publishers run. Each subscription draws its depth (1 ..
 * depth=) and policy (policy=, or a mix). With close=1 the topic is
 * closed while the publishers still publish. Everything is judged
 * exactly; kmod/test/README.md, "pubsub", lists the checks.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/seq_buf.h>
#include <linux/slab.h>

#include <gosync/pubsub.h>

#include "cmdfile.h"
#include "internal.h"
#include "parse.h"
#include "runner.h"
#include "test.h"

#define GPS_ST_PUBS_MAX		16
#define GPS_ST_SUBS_MAX		32
#define GPS_ST_DEPTH_MAX	1024
#define GPS_ST_MAX_MS		30000	/* a run to completion stops at 60 s */
#define GPS_ST_LIVE		0x5ab5c71eU
#define GPS_ST_FREED		0xdeadf7eeU

enum gps_st_policy {
	GPS_ST_NEWEST = GOSYNC_PUBSUB_DROP_NEWEST,
	GPS_ST_OLDEST = GOSYNC_PUBSUB_DROP_OLDEST,
	GPS_ST_BLOCK = GOSYNC_PUBSUB_BLOCK,
	GPS_ST_MIX,
	GPS_ST_NR_POLICIES,
};

static const char *const gps_st_policy_names[GPS_ST_NR_POLICIES] = {
	[GPS_ST_NEWEST] = "newest",
	[GPS_ST_OLDEST] = "oldest",
	[GPS_ST_BLOCK] = "block",
	[GPS_ST_MIX] = "mix",
};

enum gps_st_inject {
	GPS_INJ_NONE,
	GPS_INJ_ORDER,
	GPS_INJ_LOST,
	GPS_INJ_MISSING,
	GPS_INJ_RELEASE,
	GPS_INJ_LATE,
	GPS_INJ_RET,
	GPS_NR_INJECT,
};

static const char *const gps_st_inject_names[GPS_NR_INJECT] = {
	[GPS_INJ_NONE] = "none",
	[GPS_INJ_ORDER] = "order",
	[GPS_INJ_LOST] = "lost",
	[GPS_INJ_MISSING] = "missing",
	[GPS_INJ_RELEASE] = "release",
	[GPS_INJ_LATE] = "late",
	[GPS_INJ_RET] = "ret",
};

/* The arguments of pubsub/stress, by their keys (gps_st_params). */
struct gps_st_args {
	u32 publishers;
	u32 subscribers;
	u32 duration_ms;
	u32 depth;
	u32 policy;
	u32 churn_pct;
	u32 close;
	u32 seed;
	u32 inject;
};

static const struct gps_st_args gps_st_defaults = {
	.publishers = 2, .subscribers = 4, .duration_ms = 500, .depth = 8,
	.policy = GPS_ST_MIX, .churn_pct = 25, .seed = 1,
};

static const struct gosync_param gps_st_params[] = {
	GOSYNC_ARG_U32("publishers", struct gps_st_args, publishers, 1,
		       GPS_ST_PUBS_MAX, false),
	GOSYNC_ARG_U32("subscribers", struct gps_st_args, subscribers, 1,
		       GPS_ST_SUBS_MAX, false),
	GOSYNC_ARG_U32("duration_ms", struct gps_st_args, duration_ms, 1,
		       GPS_ST_MAX_MS, false),
	GOSYNC_ARG_U32("depth", struct gps_st_args, depth, 1, GPS_ST_DEPTH_MAX,
		       false),
	GOSYNC_ARG_ENUM("policy", struct gps_st_args, policy,
			gps_st_policy_names, GPS_ST_NR_POLICIES),
	GOSYNC_ARG_U32("churn_pct", struct gps_st_args, churn_pct, 0, 100,
		       false),
	GOSYNC_ARG_U32("close", struct gps_st_args, close, 0, 1, false),
	GOSYNC_ARG_U32("seed", struct gps_st_args, seed, 0, U32_MAX, false),
	GOSYNC_ARG_ENUM("inject", struct gps_st_args, inject,
			gps_st_inject_names, GPS_NR_INJECT),
};

/* The arguments of pubsub/stress; the fuzzers run them too. */
const struct gosync_args gosync_pubsub_stress_args =
	GOSYNC_ARGS(gps_st_params, struct gps_st_args, &gps_st_defaults, NULL);

/* A published message. */
struct gps_st_msg {
	struct gosync_pubsub_msg m;
	u32 magic;
	u16 pub;
	u32 seq;		/* 1, 2, ... per publisher */
};

/* One subscription of a slot, from subscribe to unsubscribe. */
struct gps_st_subn {
	struct gosync_pubsub_sub *sub;	/* allocated, freed at unsubscribe */
	u32 last[GPS_ST_PUBS_MAX];	/* the last seq received per publisher */
	u64 received;
	u64 missing;			/* seqs skipped between two received */
};

struct gps_st_slot {
	bool stable;
	struct gps_st_subn n;
};

struct gps_st_state {
	struct gps_st_args a;
	struct gosync_run run;
	struct gosync_violations v;
	struct gosync_pubsub t;
	struct gps_st_slot slot[GPS_ST_SUBS_MAX];
	atomic_t pubs_alive;
	unsigned long end;		/* jiffies: the duration is over */
	bool stop;			/* set by the tick at @end */
	bool closing;
	/* Totals for the result line and the checks. */
	atomic64_t published;		/* publishes that consumed a message */
	atomic64_t ok;			/* ... that returned >= 0 */
	atomic64_t piped;		/* ... -EPIPE after taking it */
	atomic64_t released;
	atomic64_t delivered;
	atomic64_t received;
	atomic64_t dropped;
	atomic64_t subscriptions;
	atomic64_t nomem;
};

#define gps_fail(s, fmt, ...) \
	gosync_violation(&(s)->v, fmt, ##__VA_ARGS__)

static void gps_st_release(struct gosync_pubsub_msg *m, void *arg)
{
	struct gps_st_state *s = arg;
	struct gps_st_msg *msg = container_of(m, struct gps_st_msg, m);

	if (msg->magic != GPS_ST_LIVE)
		gps_fail(s, "message %u of publisher %u released twice",
			 msg->seq, msg->pub);
	msg->magic = GPS_ST_FREED;
	atomic64_inc(&s->released);
	kfree(msg);
}

/* A publish returned at most the number of slots, or a known error. */
static void gps_st_check_ret(struct gps_st_state *s, u32 pub, u32 seq, int ret)
{
	if (ret > (int)s->a.subscribers || (ret < 0 && ret != -EPIPE))
		gps_fail(s, "publisher %u: publish %u returned %d with %u subscribers",
			 pub, seq, ret, s->a.subscribers);
	else if (ret == -EPIPE && !READ_ONCE(s->closing))
		gps_fail(s, "publisher %u: publish %u returned -EPIPE on an open topic",
			 pub, seq);
}

/* Per publisher, seqs come in publish order. */
static void gps_st_check_order(struct gps_st_state *s, unsigned int slot,
			       u32 pub, u32 last, u32 seq)
{
	if (seq <= last)
		gps_fail(s, "subscriber %u: seq %u of publisher %u after %u",
			 slot, seq, pub, last);
}

/* Every seq skipped while subscribed was counted as dropped. */
static void gps_st_check_missing(struct gps_st_state *s, unsigned int slot,
				 u64 missing, u64 dropped)
{
	if (missing > dropped)
		gps_fail(s, "subscriber %u: %llu messages missing, %llu dropped",
			 slot, missing, dropped);
}

/* A stable subscriber received or dropped every publish, exactly. */
static void gps_st_check_lost(struct gps_st_state *s, unsigned int slot,
			      u64 received, u64 dropped, u64 ok, u64 piped)
{
	if (received + dropped < ok || received + dropped > ok + piped)
		gps_fail(s, "subscriber %u: received %llu + dropped %llu, published %llu (+%llu)",
			 slot, received, dropped, ok, piped);
}

/* Each consumed message was released exactly once. */
static void gps_st_check_release(struct gps_st_state *s, u64 released,
				 u64 published)
{
	if (released != published)
		gps_fail(s, "%llu messages released, %llu published", released,
			 published);
}

/* Nothing was queued for a subscriber once its unsubscribe returned. */
static void gps_st_check_late(struct gps_st_state *s, unsigned int slot,
			      const struct gosync_pubsub_stats *a,
			      const struct gosync_pubsub_stats *b)
{
	if (b->queued != a->queued || b->pending)
		gps_fail(s, "subscriber %u: %llu queued after its unsubscribe returned, %u pending",
			 slot, b->queued - a->queued, b->pending);
}

static int gps_st_publisher(struct gosync_run_thread *rt)
{
	struct gps_st_state *s = rt->run->data;
	u32 seq, pub = rt->id;
	int ret;

	for (seq = 1; ; seq++) {
		struct gps_st_msg *msg;

		cond_resched();
		if (!s->a.close && READ_ONCE(s->stop))
			break;
		msg = kmalloc(sizeof(*msg), GFP_KERNEL);
		if (!msg) {
			atomic64_inc(&s->nomem);
			cond_resched();
			continue;
		}
		gosync_pubsub_msg_init(&msg->m);
		msg->magic = GPS_ST_LIVE;
		msg->pub = pub;
		msg->seq = seq;
		ret = gosync_pubsub_publish(&s->t, &msg->m, NULL);
		atomic64_inc(&s->published);
		gps_st_check_ret(s, pub, seq, ret);
		rt->ops++;
		if (ret >= 0) {
			atomic64_inc(&s->ok);
			atomic64_add(ret, &s->delivered);
		} else if (ret == -EPIPE) {
			atomic64_inc(&s->piped);
			break;
		}
	}
	atomic_dec(&s->pubs_alive);
	return 0;
}

static int gps_st_subscribe(struct gps_st_state *s, struct gps_st_subn *n,
			    u32 h)
{
	u32 policy = s->a.policy == GPS_ST_MIX ? h % 3 : s->a.policy;
	int ret;

	memset(n, 0, sizeof(*n));
	n->sub = kmalloc(sizeof(*n->sub), GFP_KERNEL);
	if (!n->sub)
		return -ENOMEM;
	ret = gosync_pubsub_subscribe(&s->t, n->sub, (h >> 4) % s->a.depth + 1,
				      policy, GFP_KERNEL);
	if (ret) {
		kfree(n->sub);
		n->sub = NULL;
		return ret;
	}
	atomic64_inc(&s->subscriptions);
	return 0;
}

static void gps_st_got(struct gps_st_state *s, unsigned int slot,
		       struct gps_st_subn *n, struct gosync_pubsub_msg *m)
{
	struct gps_st_msg *msg = container_of(m, struct gps_st_msg, m);
	u32 *last = &n->last[msg->pub];

	gps_st_check_order(s, slot, msg->pub, *last, msg->seq);
	if (*last && msg->seq > *last + 1)
		n->missing += msg->seq - *last - 1;
	*last = msg->seq;
	n->received++;
	gosync_pubsub_put(&s->t, m);
}

/* Unsubscribe, check, free. Returns the subscription's drops. */
static void gps_st_unsubscribe(struct gps_st_state *s, unsigned int slot,
			       struct gps_st_subn *n)
{
	struct gosync_pubsub_stats a, b;
	int ret = gosync_pubsub_unsubscribe(n->sub);

	if (ret)
		gps_fail(s, "subscriber %u: unsubscribe returned %d", slot, ret);
	gosync_pubsub_stats(n->sub, &a);
	usleep_range(20, 40);	/* a late publish would queue now */
	gosync_pubsub_stats(n->sub, &b);
	gps_st_check_late(s, slot, &a, &b);
	gps_st_check_missing(s, slot, n->missing, b.dropped);
	if (b.received != n->received)
		gps_fail(s, "subscriber %u: received %llu, its counter %llu",
			 slot, n->received, b.received);
	atomic64_add(n->received, &s->received);
	atomic64_add(b.dropped, &s->dropped);
	kfree(n->sub);
	n->sub = NULL;
}

static int gps_st_subscriber(struct gosync_run_thread *rt)
{
	struct gps_st_state *s = rt->run->data;
	unsigned int id = rt->id - s->a.publishers;
	struct gps_st_slot *sl = &s->slot[id];
	u32 rnd = gosync_hash32(s->a.seed, rt->id) | 1;
	struct gosync_pubsub_msg *m;
	int ret;

	while (!READ_ONCE(s->stop) || atomic_read(&s->pubs_alive)) {
		cond_resched();
		if (!sl->n.sub) {
			if (gps_st_subscribe(s, &sl->n, gosync_xorshift32(&rnd))) {
				if (READ_ONCE(s->closing))
					break;
				continue;
			}
		}
		ret = gosync_pubsub_recv_timeout(sl->n.sub, NULL, &m, 1);
		if (!ret)
			gps_st_got(s, id, &sl->n, m);
		else if (ret == -EPIPE && sl->stable)
			break;
		rt->ops++;
		/* A churning slot leaves after 32 receives, on average. */
		if (!sl->stable && (ret == -EPIPE ||
				    !(gosync_xorshift32(&rnd) % 32)))
			gps_st_unsubscribe(s, id, &sl->n);
	}
	return 0;
}

static int gps_st_body(struct gosync_run_thread *rt)
{
	struct gps_st_state *s = rt->run->data;

	return rt->id < s->a.publishers ? gps_st_publisher(rt) :
					  gps_st_subscriber(rt);
}

/* Plant the violation inject= asks for, through the check that finds it. */
static void gps_st_inject(struct gps_st_state *s)
{
	struct gosync_pubsub_stats a = { .queued = 3 }, b = { .queued = 4 };

	switch (s->a.inject) {
	case GPS_INJ_ORDER:
		gps_st_check_order(s, 0, 1, 7, 7);
		break;
	case GPS_INJ_LOST:
		gps_st_check_lost(s, 0, 5, 2, 8, 0);
		break;
	case GPS_INJ_MISSING:
		gps_st_check_missing(s, 0, 3, 2);
		break;
	case GPS_INJ_RELEASE:
		gps_st_check_release(s, 9, 10);
		break;
	case GPS_INJ_LATE:
		gps_st_check_late(s, 0, &a, &b);
		break;
	case GPS_INJ_RET:
		gps_st_check_ret(s, 0, 1, s->a.subscribers + 1);
		break;
	}
}

/* After the run: drain and unsubscribe the rest, close, count, judge. */
static void gps_st_end(struct gps_st_state *s)
{
	struct gosync_pubsub_msg *m;
	unsigned int i;

	for (i = 0; i < s->a.subscribers; i++) {
		struct gps_st_slot *sl = &s->slot[i];

		if (!sl->n.sub)
			continue;
		while (!gosync_pubsub_try_recv(sl->n.sub, &m))
			gps_st_got(s, i, &sl->n, m);
		if (sl->stable) {
			struct gosync_pubsub_stats st;

			gosync_pubsub_stats(sl->n.sub, &st);
			gps_st_check_lost(s, i, sl->n.received, st.dropped,
					  atomic64_read(&s->ok),
					  atomic64_read(&s->piped));
		}
		gps_st_unsubscribe(s, i, &sl->n);
	}
	gosync_pubsub_close(&s->t);
	gps_st_check_release(s, atomic64_read(&s->released),
			     atomic64_read(&s->published));
}

/*
 * At the end of the duration: stop the threads; with close=1, close the
 * topic instead while the publishers still publish (they stop at -EPIPE).
 */
static long gps_st_tick(struct gosync_run *run)
{
	struct gps_st_state *s = run->data;

	if (!s->stop && time_after_eq(jiffies, s->end)) {
		if (s->a.close) {
			WRITE_ONCE(s->closing, true);
			gosync_pubsub_close(&s->t);
		}
		WRITE_ONCE(s->stop, true);
	}
	return max_t(long, HZ / 100, 1);
}

static int gps_st_exec(struct gosync_cmd_file *f, char *line,
		       struct seq_buf *out)
{
	struct gps_st_state *s;
	struct gps_st_args a;
	unsigned int i;
	int ret, err;

	ret = gosync_args_parse(&gosync_pubsub_stress_args, line, &a, out,
				f->who);
	if (ret)
		return ret;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->a = a;
	gosync_pubsub_init(&s->t, gps_st_release, s);
	gosync_violations_init(&s->v, "pubsub: stress");
	atomic_set(&s->pubs_alive, a.publishers);
	for (i = 0; i < a.subscribers; i++) {
		u32 h = gosync_hash32(a.seed, 1000 + i);

		s->slot[i].stable = h % 100 >= a.churn_pct || i == 0;
		if (!s->slot[i].stable)
			continue;
		ret = gps_st_subscribe(s, &s->slot[i].n, h >> 7);
		if (ret)
			goto out;
	}
	s->run = (struct gosync_run){
		.name = "pubsub", .nr_threads = a.publishers + a.subscribers,
		.body = gps_st_body, .tick = gps_st_tick, .data = s,
		.v = &s->v,
	};
	s->end = jiffies + msecs_to_jiffies(a.duration_ms);
	ret = gosync_run_threads(&s->run);
	if (!s->run.go) {
		gosync_report(out, f->who, "stress: no threads (%d)", ret);
		goto out;
	}
	if (!ret) {
		gps_st_end(s);
		gps_st_inject(s);
	}
	err = gosync_run_result(&s->run, out,
				"publishers=%u subscribers=%u depth=%u policy=%s churn_pct=%u close=%u published=%lld ok=%lld refused=%lld delivered=%lld received=%lld dropped=%lld released=%lld subscriptions=%lld nomem=%lld",
				a.publishers, a.subscribers, a.depth,
				gps_st_policy_names[a.policy], a.churn_pct,
				a.close, atomic64_read(&s->published),
				atomic64_read(&s->ok), atomic64_read(&s->piped),
				atomic64_read(&s->delivered),
				atomic64_read(&s->received),
				atomic64_read(&s->dropped),
				atomic64_read(&s->released),
				atomic64_read(&s->subscriptions),
				atomic64_read(&s->nomem));
	if (!ret)
		ret = err;
out:
	for (i = 0; i < a.subscribers; i++)
		if (s->slot[i].n.sub) {
			gosync_pubsub_unsubscribe(s->slot[i].n.sub);
			kfree(s->slot[i].n.sub);
		}
	gosync_run_free(&s->run);
	kfree(s);
	return ret;
}

/* Nothing outlives a run: no init or exit. */
DEFINE_GOSYNC_COMPONENT(pubsub) = {
	.name = "pubsub",
	.files = (struct gosync_cmd_file []){
		{ .name = "stress", .exec = gps_st_exec },
		{}
	},
};
