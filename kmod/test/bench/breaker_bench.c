// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmarks of gosync_breaker in its CLOSED, healthy state against a
 * breaker guarded by one lock (the way the seed writes it) and against the
 * two bare counters a breaker's bookkeeping cannot beat. Primitive
 * "breaker"; three operation mixes times five implementations make 15
 * cases, listed in /sys/kernel/debug/gosync_test/bench/cases and run through
 * bench/run.
 *
 * Each case and implementation, what it does and what one op is, is
 * documented for the benchmarks' users in kmod/test/bench/README.md,
 * "breaker".
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>

#include "bench.h"

/* How a peer's check says what went wrong. */
#define gb_b_err(fmt, ...)	pr_err("breaker bench: " fmt, ##__VA_ARGS__)

#include "breaker_bench_peers.h"
#include "test.h"

#define GB_B_BATCH	64		/* ops between stop checks */

/* The shared state of one run. */
struct gb_b_state {
	const struct gb_b_ops *ops;
	int (*fn)(void *arg);		/* the call mix's, read at run time */
	struct gb_b_peers p;		/* what the implementations use */
};

/* ---- the cases ---- */

static void gb_b_teardown(void *data)
{
	struct gb_b_state *s = data;

	s->ops->destroy(&s->p);
	kfree(s);
}

static int gb_b_setup(void **data, unsigned int threads,
		      const struct gb_b_ops *ops, int unused)
{
	struct gb_b_state *s;
	int ret;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->ops = ops;
	s->fn = gb_b_nop;
	ret = ops->init(&s->p);
	if (ret) {
		kfree(s);
		return ret;
	}
	*data = s;
	return 0;
}

static int gb_b_rejected(const char *mix)
{
	gb_b_err("%s: a call was rejected\n", mix);
	return -EIO;
}

/* pair and fail1pct: allow and done inline, one failure in @fail_every. */
static __always_inline int gb_b_allow_done(struct gosync_run_thread *t,
					   const struct gb_b_ops *ops,
					 unsigned int fail_every,
					 const char *mix)
{
	struct gb_b_state *s = t->run->data;
	struct gosync_breaker_ticket tk;
	unsigned int i, left = fail_every;
	int err;

	do {
		for (i = 0; i < GB_B_BATCH; i++) {
			err = 0;
			if (fail_every && !--left) {
				left = fail_every;
				err = -EIO;
			}
			if (unlikely(ops->allow(&s->p, &tk)))
				return gb_b_rejected(mix);
			ops->done(&s->p, &tk, err);
		}
		t->ops += GB_B_BATCH;
	} while (gosync_run_continue(t));
	return ops->check(&s->p);
}

static __always_inline int gb_b_pair(struct gosync_run_thread *t,
				     const struct gb_b_ops *ops)
{
	return gb_b_allow_done(t, ops, 0, "pair");
}

static __always_inline int gb_b_fail1pct(struct gosync_run_thread *t,
					 const struct gb_b_ops *ops)
{
	return gb_b_allow_done(t, ops, GB_B_FAIL_EVERY, "fail1pct");
}

static __always_inline int gb_b_call(struct gosync_run_thread *t,
				     const struct gb_b_ops *ops)
{
	struct gb_b_state *s = t->run->data;
	/* Hidden: every implementation calls it through a pointer. */
	int (*fn)(void *arg) = READ_ONCE(s->fn);
	unsigned int i;

	do {
		for (i = 0; i < GB_B_BATCH; i++)
			if (unlikely(ops->call(&s->p, fn, NULL)))
				return gb_b_rejected("call");
		t->ops += GB_B_BATCH;
	} while (gosync_run_continue(t));
	return ops->check(&s->p);
}

/* GB_B_CASE() - the bench case of one (mix, implementation); see bench.h. */
#define GB_B_CASE(mix, which)						\
	GOSYNC_BENCH_MIX_CASE(gb_b, "breaker", mix, which, 0)
/* GB_B_LIST() - the cases of one mix, one per implementation. */
#define GB_B_LIST(mix)							\
	&gb_b_case_##mix##_gosync_breaker, &gb_b_case_##mix##_mutex,		\
	&gb_b_case_##mix##_spinlock, &gb_b_case_##mix##_atomic_long,		\
	&gb_b_case_##mix##_percpu

GB_B_CASE(pair, gosync_breaker);
GB_B_CASE(pair, mutex);
GB_B_CASE(pair, spinlock);
GB_B_CASE(pair, atomic_long);
GB_B_CASE(pair, percpu);
GB_B_CASE(call, gosync_breaker);
GB_B_CASE(call, mutex);
GB_B_CASE(call, spinlock);
GB_B_CASE(call, atomic_long);
GB_B_CASE(call, percpu);
GB_B_CASE(fail1pct, gosync_breaker);
GB_B_CASE(fail1pct, mutex);
GB_B_CASE(fail1pct, spinlock);
GB_B_CASE(fail1pct, atomic_long);
GB_B_CASE(fail1pct, percpu);
GOSYNC_BENCH_SET(breaker, GB_B_LIST(pair), GB_B_LIST(call), GB_B_LIST(fail1pct));
