// SPDX-License-Identifier: GPL-2.0
/*
 * gosync_chan through /sys/kernel/debug/gosync_test/chan/stress:
 * producers send numbered values on a few channels, by selects and single
 * calls (plain, try_, a context with a deadline cancelled from an hrtimer,
 * a timeout), consumers receive until the last producer closes every
 * channel. The kernel side checks that every value sent is received
 * exactly once, in order per producer and channel, that every failed call
 * returns its own cause (not before its deadline), that each channel
 * closes once, and that nothing is left at the end; a lost wake-up leaves
 * a consumer blocked and fails the run after 60 s. This program checks the
 * verdict, that every way really happened, that each check fires on a
 * planted violation, and that bad arguments are refused.
 */
#include "kselftest_harness.h"
#include "gosync_test.h"

#define CHAN_STRESS	GOSYNC_TEST_DEBUGFS "/chan/stress"

static char out[8192];

static int run(const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = gs_vcmd_logged(CHAN_STRESS, out, sizeof(out), fmt, ap);
	va_end(ap);
	return ret;
}

static long long field(const char *name)
{
	return gs_field(out, name, -1);
}

FIXTURE(stress) {
	int unused;
};

FIXTURE_SETUP(stress)
{
}

FIXTURE_TEARDOWN(stress)
{
}

static void expect_pass(struct __test_metadata *_metadata)
{
	EXPECT_EQ(0, strncmp(out, "result=PASS ", 12)) TH_LOG("%s", out);
	EXPECT_EQ(0, field("errors"));
	EXPECT_LT(0, field("values"));
}

/* Every way at once, on a small ring. */
TEST_F_TIMEOUT(stress, mixed, 120)
{
	ASSERT_EQ(0, run("duration_ms=500 seed=3"));
	expect_pass(_metadata);
	EXPECT_LT(0, field("selects"));
	EXPECT_LE(0, field("cancelled"));
}

/* Unbuffered: every value hand to hand, MPMC. */
TEST_F_TIMEOUT(stress, unbuffered, 120)
{
	ASSERT_EQ(0, run("duration_ms=500 capacity=0 producers=3 consumers=3 chans=3"));
	expect_pass(_metadata);
}

/* Contexts only: deadlines cancel blocked calls while peers complete them. */
TEST_F_TIMEOUT(stress, deadlines, 120)
{
	ASSERT_EQ(0, run("duration_ms=500 capacity=1 ctx_pct=100 timeout_pct=0 try_pct=0"));
	expect_pass(_metadata);
	EXPECT_EQ(0, field("refused"));
	EXPECT_EQ(0, field("timedout"));
}

/* Selects only, over the most channels. */
TEST_F_TIMEOUT(stress, selects, 120)
{
	ASSERT_EQ(0, run("duration_ms=500 chans=8 capacity=2 select_pct=100 producers=4"));
	expect_pass(_metadata);
	EXPECT_LT(0, field("selects"));
}

/* One producer, one consumer, one channel: FIFO end to end (selects too). */
TEST_F_TIMEOUT(stress, fifo, 120)
{
	ASSERT_EQ(0, run("duration_ms=300 producers=1 consumers=1 chans=1 capacity=16"));
	expect_pass(_metadata);
}

/* Each check fires on the violation planted after a run. */
TEST_F_TIMEOUT(stress, inject, 60)
{
	static const struct gs_injection cases[] = {
		{ "lose", "missing" },
		{ "dup", "received twice" },
		{ "order", "producer 0 chan 0: 0 after 1" },
		{ "close", "closing chan 0 returned -22" },
		{ "early", "before its deadline" },
		{}
	};

	gs_expect_injected(CHAN_STRESS, "duration_ms=50", cases);
}

TEST(bad_arguments)
{
	static const struct gs_refusal cases[] = {
		{ -ERANGE, "producers=0" },
		{ -ERANGE, "consumers=33" },
		{ -ERANGE, "chans=0" },
		{ -ERANGE, "chans=9" },
		{ -ERANGE, "capacity=4097" },
		{ -ERANGE, "max_values=0" },
		{ -ERANGE, "max_values=4194305" },
		{ -ERANGE, "ctx_pct=60 timeout_pct=30 try_pct=11" },
		{ -ERANGE, "select_pct=101" },
		{ -ERANGE, "duration_ms=0" },
		{ -EINVAL, "inject=all" },
		{ -EINVAL, "chans=1 chans=1" },
		{ -EINVAL, "threads=2" },
		{ -EINVAL, "send" },
		{ -EINVAL, "seed=0x" },
		{}
	};

	gs_expect_refused(CHAN_STRESS, cases);
}

int main(int argc, char **argv)
{
	return gs_test_main(argc, argv);
}
