// SPDX-License-Identifier: GPL-2.0
/*
 * gosync_pool under stress, through /sys/kernel/debug/gosync_test/pool/stress:
 * get/put pairs and batches on every CPU, objects made on one CPU and put
 * on another (xcpu), and get/put from an hrtimer in hardirq context
 * interrupting the same CPU's threads (irq), with 1, 2 and every CPU,
 * with object poisoning, and pair and xcpu runs with failslab failing
 * about 10% of the stress threads' allocations (NULL gets and dropped
 * puts are then expected); puts that drop, and late puts, racing with
 * destroy (destroy), the race window pool_drop widened where the kernel
 * has one. The kernel side checks each object's state and pattern on
 * every get, put and free (a double get or put, a write after put, a
 * free of an object in use) and that the pool's counters balance after
 * the run and after destroy; this program checks its verdict and its
 * figures, that every inject= makes a run fail, and that bad arguments
 * are refused.
 */
#define _GNU_SOURCE
#include <sys/utsname.h>
#include <time.h>

#include "kselftest_harness.h"
#include "gosync_test.h"
#include "gosync_failslab.h"
#include "pool_test.h"

#define WINDOWS		GOSYNC_TEST_DEBUGFS "/race/windows"

static int stress(const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = gs_vcmd_logged(POOL_STRESS, out, sizeof(out), fmt, ap);
	va_end(ap);
	return ret;
}

static long long field(const char *name)
{
	return field_in(out, name, '=');
}

/* What every completed run must show. */
static void check_pass(struct __test_metadata *_metadata, int threads)
{
	EXPECT_EQ(0, strncmp(out, "result=PASS ", 12)) TH_LOG("%s", out);
	EXPECT_EQ(0, field("errors"));
	EXPECT_EQ(NULL, strstr(out, "why:"));
	EXPECT_EQ(threads, field("threads"));
	EXPECT_LT(0, field("ops"));
	EXPECT_LT(0, field("gets"));
	EXPECT_EQ(field("gets"), field("puts"));
	EXPECT_EQ(field("gets") + field("nulls"), field("hits") + field("misses"));
	EXPECT_EQ(field("nulls"), field("ctor_failed"));
	EXPECT_EQ(field("objects"), field("cached"));
	EXPECT_EQ(field("objects"),
		  field("constructed") - field("dropped") - field("shrunk"));
	/* After destroy, every object constructed was destructed. */
	EXPECT_EQ(field("constructed"), field("dtors"));
	EXPECT_LT(0, field("constructed"));
}

/* Debug and KCSAN kernels under TCG are far slower than the stock one. */
static int ms(int d)
{
	struct utsname u;

	return !uname(&u) && strstr(u.release, "-gosync-") ? d / 2 : d;
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

TEST_F_TIMEOUT(stress, pair, 120)
{
	int n[] = { 1, 2, self->cpus }, i;

	for (i = 0; i < 3; i++) {
		if (n[i] > self->cpus || (i == 2 && n[i] <= 2))
			continue;
		ASSERT_EQ(0, stress("threads=%d duration_ms=%d mode=pair", n[i], ms(800)));
		check_pass(_metadata, n[i]);
		EXPECT_EQ(0, field("nulls"));
		EXPECT_EQ(0, field("irq_ops"));
		/* The fast path serves almost every get. */
		EXPECT_LT(100 * field("misses"), field("hits"));
		EXPECT_EQ(0, strncmp(out, "result=PASS mode=pair ", 22));
	}
}

TEST_F_TIMEOUT(stress, batch, 120)
{
	ASSERT_EQ(0, stress("threads=1 duration_ms=%d mode=batch cpu_cache=4", ms(500)));
	check_pass(_metadata, 1);
	/* 16 out at once with 4 cached per CPU: magazines move. */
	EXPECT_LT(0, field("spills"));
	EXPECT_LT(0, field("refills"));
	ASSERT_EQ(0, stress("threads=%d duration_ms=%d mode=batch", self->cpus, ms(1000)));
	check_pass(_metadata, self->cpus);
	ASSERT_EQ(0, stress("threads=%d duration_ms=%d mode=batch size=4096 cpu_cache=64",
			    self->cpus, ms(800)));
	check_pass(_metadata, self->cpus);
}

TEST_F_TIMEOUT(stress, xcpu, 180)
{
	if (self->cpus < 2)
		SKIP(return, "one CPU");
	ASSERT_EQ(0, stress("threads=2 duration_ms=%d mode=xcpu", ms(1000)));
	check_pass(_metadata, 2);
	/* Objects made on one CPU, cached on the other: the getter steals. */
	EXPECT_LT(0, field("steals"));
	EXPECT_LT(0, field("spills"));
	ASSERT_EQ(0, stress("threads=%d duration_ms=%d mode=xcpu cpu_cache=8",
			    self->cpus, ms(1000)));
	check_pass(_metadata, self->cpus);
	EXPECT_LT(0, field("steals"));
	if (self->cpus >= 3) {
		/* An odd thread out does pairs. */
		ASSERT_EQ(0, stress("threads=3 duration_ms=%d mode=xcpu irqsafe=1", ms(800)));
		check_pass(_metadata, 3);
	}
}

TEST_F_TIMEOUT(stress, irq, 180)
{
	ASSERT_EQ(0, stress("threads=1 duration_ms=%d mode=irq", ms(800)));
	check_pass(_metadata, 1);
	EXPECT_LT(0, field("irq_ops"));
	ASSERT_EQ(0, stress("threads=%d duration_ms=%d mode=irq timer_us=100 cpu_cache=4",
			    self->cpus, ms(1000)));
	check_pass(_metadata, self->cpus);
	EXPECT_LT(0, field("irq_ops"));
}

TEST_F_TIMEOUT(stress, bounded_and_unpoisoned, 120)
{
	/* max_objects below what the CPUs may cache: gets fail, counts hold. */
	ASSERT_EQ(0, stress("threads=%d duration_ms=%d mode=batch max_objects=20",
			    self->cpus, ms(800)));
	check_pass(_metadata, self->cpus);
	EXPECT_GE(20, field("objects"));
	if (self->cpus > 1)
		EXPECT_LT(0, field("nulls"));
	ASSERT_EQ(0, stress("threads=%d duration_ms=%d poison=0 size=16", self->cpus, ms(500)));
	check_pass(_metadata, self->cpus);
}

/*
 * Allocations fail: gets return NULL (counted in nulls and ctor_failed,
 * not errors), puts that cannot get a magazine free the object (dropped),
 * and the counts still balance, down to one destructor call per object.
 */
TEST_F_TIMEOUT(stress, failslab, 180)
{
	long long nulls;

	if (access(GS_FAILSLAB, F_OK)) {
		/* Without fault injection the launcher must say so. */
		EXPECT_EQ(-EOPNOTSUPP, stress("threads=1 duration_ms=10 failslab=1"));
		EXPECT_NE(NULL, strstr(out, "CONFIG_FAULT_INJECTION"));
		SKIP(return, "no %s (kernel without CONFIG_FAILSLAB)", GS_FAILSLAB);
	}
	ASSERT_EQ(0, gs_failslab_run(_metadata, stress,
				     "threads=%d duration_ms=%d mode=pair failslab=1",
				     self->cpus, ms(2000)));
	check_pass(_metadata, self->cpus);
	EXPECT_EQ(1, field("failslab"));
	nulls = field("nulls");
	if (self->cpus < 2)
		return;
	ASSERT_EQ(0, gs_failslab_run(_metadata, stress,
				     "threads=%d duration_ms=%d mode=xcpu failslab=1",
				     self->cpus, ms(2000)));
	check_pass(_metadata, self->cpus);
	EXPECT_EQ(1, field("failslab"));
	nulls += field("nulls");
	/* Allocations did fail. */
	EXPECT_LT(0, nulls);
}

/*
 * Cycles of create, get, then puts (every other one dropped by the reset)
 * racing with destroy and puts after it: every object constructed is
 * destructed exactly once per cycle. The window between a dropped
 * object's free and its uncount is widened (20 us) if the kernel has it.
 */
TEST_F_TIMEOUT(stress, destroy, 180)
{
	static const char * const args[] = { "", " irqsafe=1 cpu_cache=2", " threads=1" };
	bool widened = !gs_cmd(WINDOWS, "set window=pool_drop delay_us=20");
	int i, ret;

	for (i = 0; i < 3; i++) {
		ret = stress("duration_ms=%d mode=destroy%s", ms(1000), args[i]);
		EXPECT_EQ(0, ret) TH_LOG("%s", out);
		if (ret)
			continue;
		EXPECT_EQ(0, strncmp(out, "result=PASS mode=destroy ", 25)) TH_LOG("%s", out);
		EXPECT_EQ(0, field("errors"));
		EXPECT_LT(0, field("cycles"));
		EXPECT_LT(0, field("gets"));
		EXPECT_EQ(field("gets"), field("puts"));
		EXPECT_EQ(field("gets") + field("nulls"), field("hits") + field("misses"));
		EXPECT_EQ(field("nulls"), field("ctor_failed"));
		EXPECT_EQ(field("constructed"), field("dtors"));
		EXPECT_LT(0, field("constructed"));
	}
	if (widened)
		gs_cmd(WINDOWS, "set window=pool_drop delay_us=0");
}

/* Each inject= plants a violation that a check must catch: the run fails. */
TEST_F_TIMEOUT(stress, inject, 180)
{
	static const char * const what[] = { "dirty", "double_get", "double_put", "write",
					     "count", "free" };
	static const char * const mode[] = { "pair", "destroy" };
	int i, m;

	for (m = 0; m < 2; m++) {
		for (i = 0; i < 6; i++) {
			EXPECT_EQ(-EIO, stress("threads=%d duration_ms=%d mode=%s inject=%s",
					       self->cpus, ms(200), mode[m], what[i]))
				TH_LOG("%s inject=%s: %s", mode[m], what[i], out);
			EXPECT_EQ(0, strncmp(out, "result=FAIL ", 12)) TH_LOG("%s", out);
			EXPECT_LE(1, field("errors"));
		}
	}
	/* Without poisoning a double get cannot be planted: that fails too. */
	EXPECT_EQ(-EIO, stress("threads=1 duration_ms=50 poison=0 inject=double_get"));
	EXPECT_NE(NULL, strstr(out, "was not planted")) TH_LOG("%s", out);
	EXPECT_EQ(0, stress("threads=1 duration_ms=50 inject=none"));
}

TEST(bad_arguments)
{
	EXPECT_EQ(-ERANGE, stress("threads=0"));
	EXPECT_EQ(-ERANGE, stress("threads=%d", gs_online_cpus() + 1));
	EXPECT_EQ(-ERANGE, stress("duration_ms=0"));
	EXPECT_EQ(-ERANGE, stress("duration_ms=600001"));
	EXPECT_EQ(-ERANGE, stress("size=15"));
	EXPECT_EQ(-ERANGE, stress("size=4194305"));
	EXPECT_EQ(-ERANGE, stress("size=4194304"));	/* could take GiBs */
	EXPECT_EQ(-ERANGE, stress("cpu_cache=1"));
	EXPECT_EQ(-ERANGE, stress("cpu_cache=1025"));
	EXPECT_EQ(-ERANGE, stress("poison=2"));
	EXPECT_EQ(-ERANGE, stress("timer_us=9"));
	EXPECT_EQ(-ERANGE, stress("failslab=2"));
	EXPECT_EQ(-EINVAL, stress("failslab=yes"));
	EXPECT_EQ(-EINVAL, stress("mode=fast"));
	EXPECT_EQ(-EINVAL, stress("mode=pairpairpair"));
	EXPECT_EQ(-EINVAL, stress("mode=destroyed"));
	EXPECT_EQ(-EINVAL, stress("inject=leak"));
	EXPECT_EQ(-EINVAL, stress("mode=xcpu threads=1"));
	EXPECT_EQ(-EINVAL, stress("ms=100"));
	EXPECT_EQ(-EINVAL, stress("threads=1 threads=1"));
	EXPECT_EQ(-EINVAL, stress("go"));
	EXPECT_EQ(0, strncmp(out, "error: ", 7)) TH_LOG("%s", out);
	EXPECT_EQ(0, stress("threads=1 duration_ms=50 mode=batch"));
	EXPECT_EQ(0, strncmp(out, "result=PASS mode=batch threads=1 ", 33)) TH_LOG("%s", out);
}

int main(int argc, char **argv)
{
	return gs_test_main(argc, argv);
}
