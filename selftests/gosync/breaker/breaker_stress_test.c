// SPDX-License-Identifier: GPL-2.0
/*
 * gosync_breaker under stress, through /sys/kernel/debug/gosync_test/breaker/
 * stress: threads call a simulated backend through a breaker while a
 * control thread switches the backend between failing and healthy phases,
 * for each policy (consecutive failures, failure rate, slow-call rate)
 * with 1, 2 and every CPU, with callers in hardirq context, with the
 * notify timer, with backoff and with more probes. The kernel side checks
 * that no call was admitted while open, that no half-open came before its
 * open delay was over, that half-open never had more than K probes at
 * once, that every transition was legal and the counts add up; this
 * program checks its verdict and that the run really tripped and
 * recovered (so that it cannot pass vacuously), that each check fires on
 * a planted violation, and that bad arguments are refused.
 */
#define _GNU_SOURCE
#include <sys/utsname.h>

#include "kselftest_harness.h"
#include "gosync_test.h"

#define BRK_STRESS	GOSYNC_TEST_DEBUGFS "/breaker/stress"

/* Output of the last run. */
static char out[8192];

static int stress(const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = gs_vcmd_logged(BRK_STRESS, out, sizeof(out), fmt, ap);
	va_end(ap);
	return ret;
}

/* The number after " name=" (or at the start) in the output; -1 if absent. */
static long long field(const char *name)
{
	char pat[64];
	const char *p = out;
	size_t n = snprintf(pat, sizeof(pat), "%s=", name);

	while ((p = strstr(p, pat))) {
		if (p == out || p[-1] == ' ' || p[-1] == '\n')
			return strtoll(p + n, NULL, 0);
		p += n;
	}
	return -1;
}

/* Debug and KCSAN kernels under TCG are far slower than the stock one. */
static int ms(int d)
{
	struct utsname u;

	return !uname(&u) && strstr(u.release, "-gosync-") ? d / 2 : d;
}

/*
 * What every completed run must show: the verdict, counts that add up,
 * and a schedule that really drove the breaker open and closed again.
 */
static void check_pass(struct __test_metadata *_metadata, int threads,
		       const char *policy, int probes)
{
	char head[64];

	snprintf(head, sizeof(head), "result=PASS policy=%s threads=%d ",
		 policy, threads);
	EXPECT_EQ(0, strncmp(out, head, strlen(head))) TH_LOG("%s", out);
	EXPECT_EQ(0, field("errors"));
	EXPECT_EQ(NULL, strstr(out, "error:"));
	EXPECT_EQ(field("calls"), field("admitted") + field("rejected"));
	EXPECT_EQ(field("admitted"),
		  field("recorded") + field("ignored") + field("stale"));
	EXPECT_EQ(field("events"), field("trips") + field("reopens") +
		  field("half_opens") + field("closes"));
	EXPECT_EQ(0, field("lost"));
	EXPECT_LE(2, field("phases"));
	/* Not vacuous: it tripped, rejected, probed and recovered. */
	EXPECT_LT(0, field("trips"));
	EXPECT_LT(0, field("rejected"));
	EXPECT_LT(0, field("half_opens"));
	EXPECT_LT(0, field("closes"));
	EXPECT_LE(1, field("max_probes"));
	EXPECT_GE(probes, field("max_probes"));
	EXPECT_EQ(probes, field("probes"));
	EXPECT_LE(field("b_ignored"), field("ignored") + field("stale"));
}

FIXTURE(stress) {
	int cpus;
};

FIXTURE_SETUP(stress)
{
	self->cpus = gs_online_cpus();
}

FIXTURE_TEARDOWN(stress)
{
}

static void policy_runs(struct __test_metadata *_metadata, int cpus,
			const char *policy)
{
	int n[] = { 1, 2, cpus }, i;

	for (i = 0; i < 3; i++) {
		if (n[i] > cpus || (i == 2 && n[i] <= 2))
			continue;
		ASSERT_EQ(0, stress("policy=%s threads=%d duration_ms=%d",
				    policy, n[i], ms(1000)));
		check_pass(_metadata, n[i], policy, 2);
		EXPECT_EQ(0, field("irq_calls"));
		/* No backoff: every open delay is open_ms. */
		EXPECT_EQ(20, field("max_open_ms"));
	}
}

TEST_F_TIMEOUT(stress, consecutive, 120)
{
	policy_runs(_metadata, self->cpus, "consecutive");
}

TEST_F_TIMEOUT(stress, rate, 120)
{
	policy_runs(_metadata, self->cpus, "rate");
}

TEST_F_TIMEOUT(stress, slow, 120)
{
	policy_runs(_metadata, self->cpus, "slow");
}

TEST_F_TIMEOUT(stress, irq, 120)
{
	ASSERT_EQ(0, stress("threads=%d duration_ms=%d irq=1", self->cpus, ms(1000)));
	check_pass(_metadata, self->cpus, "consecutive", 2);
	EXPECT_LT(0, field("irq_calls"));
	ASSERT_EQ(0, stress("threads=1 duration_ms=%d irq=1 timer_us=100 policy=rate",
			    ms(1000)));
	check_pass(_metadata, 1, "rate", 2);
	EXPECT_LT(0, field("irq_calls"));
}

TEST_F_TIMEOUT(stress, notify_timer, 120)
{
	ASSERT_EQ(0, stress("threads=%d duration_ms=%d notify_timer=1",
			    self->cpus, ms(1000)));
	check_pass(_metadata, self->cpus, "consecutive", 2);
	/* The timer moved it on after the callers stopped. */
	EXPECT_EQ(NULL, strstr(out, " state=open "));
	ASSERT_EQ(0, stress("threads=%d duration_ms=%d notify_timer=1 policy=slow irq=1 open_ms=5",
			    self->cpus, ms(1000)));
	check_pass(_metadata, self->cpus, "slow", 2);
	EXPECT_EQ(NULL, strstr(out, " state=open "));
}

TEST_F_TIMEOUT(stress, backoff, 120)
{
	ASSERT_EQ(0, stress("threads=%d duration_ms=%d backoff=1 open_ms=10 phase_ms=150",
			    self->cpus, ms(1200)));
	check_pass(_metadata, self->cpus, "consecutive", 2);
	EXPECT_GE(40, field("max_open_ms"));
	/* A probe failed in a failing phase: the delay doubled. */
	if (field("reopens") > 0)
		EXPECT_LT(10, field("max_open_ms"));
}

TEST_F_TIMEOUT(stress, probes, 120)
{
	ASSERT_EQ(0, stress("threads=%d duration_ms=%d probes=4 successes=3 irq=1",
			    self->cpus, ms(1000)));
	check_pass(_metadata, self->cpus, "consecutive", 4);
	ASSERT_EQ(0, stress("threads=%d duration_ms=%d probes=1 policy=rate rate=30 min_calls=10",
			    self->cpus, ms(1000)));
	check_pass(_metadata, self->cpus, "rate", 1);
	EXPECT_EQ(1, field("max_probes"));
}

/* Each check fires on the violation planted after a run. */
TEST_F_TIMEOUT(stress, inject, 120)
{
	static const struct {
		const char *inject;
		const char *error;
	} cases[] = {
		{ "admit-open", "admitted while open" },
		{ "probes", "probes at once in half-open >" },
		{ "delay", "ns after open, delay " },
		{ "rejected", "rejected, the breaker counted" },
		{ "transition", "illegal transition" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		EXPECT_EQ(-EIO, stress("threads=2 duration_ms=%d phase_ms=50 inject=%s",
				       ms(600), cases[i].inject));
		EXPECT_EQ(0, strncmp(out, "result=FAIL ", 12)) TH_LOG("%s", out);
		EXPECT_NE(NULL, strstr(out, cases[i].error)) TH_LOG("%s", out);
		EXPECT_LT(0, field("errors"));
	}
}

TEST(bad_arguments)
{
	EXPECT_EQ(-ERANGE, stress("threads=0"));
	EXPECT_EQ(-ERANGE, stress("threads=%d", gs_online_cpus() + 1));
	EXPECT_EQ(-ERANGE, stress("duration_ms=0"));
	EXPECT_EQ(-ERANGE, stress("duration_ms=10001"));
	EXPECT_EQ(-ERANGE, stress("probes=0"));
	EXPECT_EQ(-ERANGE, stress("probes=65"));
	EXPECT_EQ(-ERANGE, stress("successes=65"));
	EXPECT_EQ(-ERANGE, stress("open_ms=0"));
	EXPECT_EQ(-ERANGE, stress("open_ms=1001"));
	EXPECT_EQ(-ERANGE, stress("phase_ms=9"));
	EXPECT_EQ(-ERANGE, stress("fail_pct=101"));
	EXPECT_EQ(-ERANGE, stress("fail_pct=99 ignore_pct=2"));
	EXPECT_EQ(-ERANGE, stress("timer_us=19"));
	EXPECT_EQ(-ERANGE, stress("irq=2"));
	EXPECT_EQ(-ERANGE, stress("policy=rate rate=101"));
	EXPECT_EQ(-ERANGE, stress("consecutive=0"));
	EXPECT_EQ(-EINVAL, stress("policy=fast"));
	EXPECT_EQ(-EINVAL, stress("policy=consecutiveconsecutive"));
	EXPECT_EQ(-EINVAL, stress("policy=rate consecutive=3"));
	EXPECT_EQ(-EINVAL, stress("rate=50"));
	EXPECT_EQ(-EINVAL, stress("min_calls=5"));
	EXPECT_EQ(-EINVAL, stress("inject=everything"));
	EXPECT_EQ(-EINVAL, stress("backoff=yes"));
	EXPECT_EQ(-EINVAL, stress("ms=100"));
	EXPECT_EQ(-EINVAL, stress("threads=1 threads=1"));
	EXPECT_EQ(-EINVAL, stress("go"));
	EXPECT_EQ(0, strncmp(out, "error: ", 7)) TH_LOG("%s", out);
	/* Nothing ran: the output is the one error line. */
	EXPECT_EQ(NULL, strstr(out, "result="));
	EXPECT_EQ(0, stress("threads=1 duration_ms=50 phase_ms=10"));
	EXPECT_EQ(0, strncmp(out, "result=PASS policy=consecutive threads=1 ", 41))
		TH_LOG("%s", out);
}

int main(int argc, char **argv)
{
	return gs_test_main(argc, argv);
}
