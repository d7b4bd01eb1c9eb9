// SPDX-License-Identifier: GPL-2.0
/*
 * gosync_breaker through its debugfs command file (breaker/cmd): every
 * verb, and the state machine driven deterministically on breakers with a
 * fake clock: trips by consecutive failures, failure rate and slow-call
 * rate, the open delay and its backoff, half-open probes, stale tickets,
 * ignored errnos, the half-open time limit, forcing and reset,
 * metrics-only, the notifier's events (in order, legal, re-entered), the
 * notify timer on the real clock, and bad input of every sort. A rejected
 * command must fail with its errno, leave "error: <why>" as the output and
 * change nothing; after each case every breaker's own invariant check
 * ("check") must pass.
 */
#define _GNU_SOURCE
#include "kselftest_harness.h"
#include "gosync_test.h"
#include "breaker_test.h"

#define EINTR_	(-4)
#define ERESTARTSYS_	(-512)
#define ECANCELED_	(-125)

FIXTURE(brk) {
	int unused;
};

FIXTURE_SETUP(brk)
{
	brk_destroy_all();
}

FIXTURE_TEARDOWN(brk)
{
	brk_destroy_all();
}

/* A rejected command: its errno, an error line, nothing changed. */
#define EXPECT_REJECT(err, ...)						\
	do {								\
		char _before[sizeof(brk_out)];				\
		bc("list");						\
		strcpy(_before, brk_out);				\
		BRK_EXPECT_ERROR(BRK_CMD, err, __VA_ARGS__);		\
		bc("list");						\
		EXPECT_STREQ(_before, brk_out);				\
	} while (0)

/* The breaker's own invariant check passes, and its events are legal. */
static void expect_check(struct __test_metadata *_metadata, const char *name)
{
	EXPECT_EQ(0, bc("check name=%s", name)) TH_LOG("%s", brk_out);
	EXPECT_STREQ("ok\n", brk_out);
	EXPECT_EQ(0, bc("events name=%s", name)) TH_LOG("%s", brk_out);
}

/*
 * The last output is the concatenation of @first and the strings after it
 * (NULL-terminated).
 */
static void expect_out(struct __test_metadata *_metadata, const char *first, ...)
{
	char want[4096];
	const char *p;
	size_t len = 0, n;
	va_list ap;

	va_start(ap, first);
	for (p = first; p; p = va_arg(ap, const char *)) {
		n = strlen(p);
		if (len + n >= sizeof(want))
			break;
		memcpy(want + len, p, n + 1);
		len += n;
	}
	va_end(ap);
	EXPECT_EQ(NULL, p) TH_LOG("the expected output is too long");
	if (!p)
		EXPECT_STREQ(want, brk_out);
}

/* The last output is exactly the concatenation of the arguments. */
#define EXPECT_OUT(...)		expect_out(_metadata, __VA_ARGS__, NULL)

/* A field of "counts name=@name"; BRK_NONE if absent or failed. */
static long long cnt(const char *name, const char *key)
{
	if (bc("counts name=%s", name))
		return BRK_NONE;
	return brk_f(key);
}

/*
 * Run the commands after @name (NULL-terminated) on the breaker @name, in
 * order: "verb keys" goes as "verb name=@name keys"; each must succeed.
 * brk_out is then the last one's output.
 */
static void on(struct __test_metadata *_metadata, const char *name,
	       const char *first, ...)
{
	const char *cmd;
	va_list ap;
	int ret = 0;

	va_start(ap, first);
	for (cmd = first; cmd; cmd = va_arg(ap, const char *)) {
		int verb = strcspn(cmd, " ");

		ret = bc("%.*s name=%s%s", verb, cmd, name, cmd + verb);
		if (ret)
			break;
	}
	va_end(ap);
	ASSERT_EQ(0, ret) TH_LOG("%s: %s", cmd, brk_out);
}

#define ON(name, ...)		on(_metadata, name, __VA_ARGS__, NULL)

/*
 * "counts name=@name" succeeds, and each "key=value" of @want (blank
 * separated) is a field of its output.
 */
static void expect_counts(struct __test_metadata *_metadata, const char *name,
			  const char *want)
{
	char key[32];
	long long v;
	int n;

	ASSERT_EQ(0, bc("counts name=%s", name)) TH_LOG("%s", brk_out);
	while (sscanf(want, " %31[^=]=%lld%n", key, &v, &n) == 2) {
		EXPECT_EQ(v, brk_f(key)) TH_LOG("%s of %s", key, name);
		want += n;
	}
	EXPECT_EQ(0, *want) TH_LOG("bad field list at '%s'", want);
}

#define EXPECT_COUNTS(name, want)	expect_counts(_metadata, name, want)

/* The last output contains @text. */
static void expect_has(struct __test_metadata *_metadata, const char *text)
{
	EXPECT_NE(NULL, strstr(brk_out, text)) TH_LOG("no '%s' in: %s", text, brk_out);
}

#define EXPECT_HAS(text)	expect_has(_metadata, text)

/* The state of @name, as "state" prints it: "closed", "open", "half-open". */
static const char *state_of(const char *name)
{
	static char s[16];

	if (bc("state name=%s", name) || sscanf(brk_out, "state=%15s", s) != 1)
		return "?";
	return s;
}

TEST(files_and_modes)
{
	EXPECT_EQ(0600, gs_file_mode(BRK_CMD));
}

TEST_F(brk, create_list_destroy)
{
	ASSERT_EQ(0, bc("create name=a"));
	EXPECT_OUT("created name=a clock=real consecutive=0 failure_rate=0 slow_rate=0 ",
		   "slow_us=0 min_calls=0 buckets=0 bucket_ms=0 open_ms=0 open_max_ms=0 ",
		   "probes=0 successes=0 half_open_max_ms=0 flags=0x0 ignore=default ",
		   "reenter=0\n");
	ASSERT_EQ(0, bc("%s%s%s%s%s",
			"create name=b-2_X clock=fake consecutive=7 failure_rate=40 ",
			"slow_rate=30 slow_us=500 min_calls=9 buckets=64 bucket_ms=250 ",
			"open_ms=1000 open_max_ms=8000 probes=3 successes=5 ",
			"half_open_max_ms=700 ignore=-5,-110 metrics_only=1 ",
			"stuck_closes=1 notify_timer=1 reenter=1"));
	EXPECT_OUT("created name=b-2_X clock=fake consecutive=7 failure_rate=40 ",
		   "slow_rate=30 slow_us=500 min_calls=9 buckets=64 bucket_ms=250 ",
		   "open_ms=1000 open_max_ms=8000 probes=3 successes=5 ",
		   "half_open_max_ms=700 flags=0xb ignore=-5,-110 reenter=1\n");
	ASSERT_EQ(0, bc("create name=c clock=fake ignore=none"));
	EXPECT_HAS(" flags=0x4 ignore=none ");
	ASSERT_EQ(0, bc("list"));
	EXPECT_OUT("breakers=3\nname=a clock=real held=0 state=closed\n",
		   "name=b-2_X clock=fake held=0 state=closed\n",
		   "name=c clock=fake held=0 state=closed\n");
	EXPECT_REJECT(-EEXIST, "create name=a consecutive=2");
	EXPECT_REJECT(-EEXIST, "create name=c clock=fake");
	ASSERT_EQ(0, bc("allow name=c n=3"));
	ASSERT_EQ(0, bc("list"));
	EXPECT_HAS("name=c clock=fake held=3 state=closed\n");
	expect_check(_metadata, "a");
	expect_check(_metadata, "b-2_X");
	expect_check(_metadata, "c");
	ASSERT_EQ(0, bc("destroy name=c"));
	EXPECT_STREQ("destroyed name=c held=3 events=0\n", brk_out);
	EXPECT_REJECT(-ENOENT, "destroy name=c");
	EXPECT_REJECT(-ENOENT, "state name=c");
	ASSERT_EQ(0, bc("destroy name=a"));
	ASSERT_EQ(0, bc("destroy name=b-2_X"));
	ASSERT_EQ(0, bc("list"));
	EXPECT_STREQ("breakers=0\n", brk_out);
}

TEST_F(brk, at_most_eight_breakers)
{
	int i;

	for (i = 0; i < 8; i++)
		ASSERT_EQ(0, bc("create name=p%d clock=fake", i));
	EXPECT_REJECT(-ENOSPC, "create name=p8");
	ASSERT_EQ(0, bc("destroy name=p3"));
	ASSERT_EQ(0, bc("create name=p8"));
	EXPECT_REJECT(-ENOSPC, "create name=p9");
}

TEST_F(brk, counts_every_field)
{
	ASSERT_EQ(0, bc("create name=a clock=fake open_ms=500"));
	ASSERT_EQ(0, bc("counts name=a"));
	EXPECT_OUT("state=closed forced=0 gen=1 calls=0 failures=0 slow=0 consecutive=0 ",
		   "probes=0 probe_successes=0 open_delay_ms=500 rejected=0 ignored=0 ",
		   "stale=0 transitions=0 trips=0 deferred=0 pending_events=0\n");
	ASSERT_EQ(0, bc("state name=a"));
	EXPECT_STREQ("state=closed forced=0 gen=1\n", brk_out);
	ASSERT_EQ(0, bc("feed name=a ok=3 fail=2"));
	EXPECT_OUT("admitted=5 rejected=0 recorded=5 ignored=0 stale=0 ",
		   "state=closed forced=0 gen=1\n");
	EXPECT_COUNTS("a", "calls=5 failures=2 consecutive=2");
	expect_check(_metadata, "a");
}

TEST_F(brk, trip_by_consecutive_failures)
{
	ASSERT_EQ(0, bc("create name=c clock=fake consecutive=3 open_ms=100"));
	ASSERT_EQ(0, bc("feed name=c fail=2"));
	EXPECT_EQ(2, cnt("c", "consecutive"));
	/* A success breaks the run. */
	ASSERT_EQ(0, bc("feed name=c ok=1 fail=2"));
	EXPECT_STREQ("closed", state_of("c"));
	EXPECT_COUNTS("c", "consecutive=2 calls=5");
	ASSERT_EQ(0, bc("feed name=c fail=1"));
	EXPECT_OUT("admitted=1 rejected=0 recorded=1 ignored=0 stale=0 ",
		   "state=open forced=0 gen=2\n");
	EXPECT_EQ(1, cnt("c", "trips"));
	EXPECT_EQ(0, cnt("c", "calls"));	/* a new generation's window */
	/* Open rejects until the open delay is over. */
	ASSERT_EQ(0, bc("allow name=c n=4"));
	EXPECT_OUT("admitted=0 rejected=4 eagain=4 ebusy=0 tickets=none held=0 ",
		   "state=open forced=0 gen=2\n");
	ASSERT_EQ(0, bc("advance name=c ms=99"));
	EXPECT_STREQ("clock_ms=99\n", brk_out);
	ASSERT_EQ(0, bc("allow name=c"));
	EXPECT_EQ(1, brk_f("eagain"));
	EXPECT_STREQ("open", state_of("c"));
	ASSERT_EQ(0, bc("advance name=c ms=1"));
	/* OPEN stays OPEN past its delay until an allow. */
	EXPECT_STREQ("open", state_of("c"));
	ASSERT_EQ(0, bc("allow name=c"));
	EXPECT_OUT("admitted=1 rejected=0 eagain=0 ebusy=0 tickets=1..1 held=1 ",
		   "state=half-open forced=0 gen=3\n");
	EXPECT_EQ(5, cnt("c", "rejected"));
	expect_check(_metadata, "c");
	ASSERT_EQ(0, bc("events name=c"));
	EXPECT_OUT("events=2 kept=2 reenter_calls=0\n",
		   "gen=2 from=closed to=open reason=consecutive forced=0 ms=0\n",
		   "gen=3 from=open to=half-open reason=open-expired forced=0 ms=100\n");
}

TEST_F(brk, trip_by_failure_rate)
{
	ASSERT_EQ(0, bc("create name=r clock=fake failure_rate=50 min_calls=10"));
	/* 4 of 9: too few calls for the rate. */
	ASSERT_EQ(0, bc("feed name=r ok=5 fail=4"));
	EXPECT_STREQ("closed", state_of("r"));
	EXPECT_EQ(0, cnt("r", "consecutive"));	/* no consecutive policy */
	/* 5 of 10 = 50%. */
	ASSERT_EQ(0, bc("feed name=r fail=1"));
	EXPECT_STREQ("open", state_of("r"));
	ASSERT_EQ(0, bc("events name=r"));
	EXPECT_HAS("gen=2 from=closed to=open reason=failure-rate ");
	expect_check(_metadata, "r");

	/* Below the rate stays closed: 4/10, 5/11, then 6/12 trips. */
	ASSERT_EQ(0, bc("create name=s clock=fake failure_rate=50 min_calls=10"));
	ON("s", "feed ok=6 fail=4", "feed fail=1");
	EXPECT_STREQ("closed", state_of("s"));
	EXPECT_COUNTS("s", "calls=11 failures=5");
	ASSERT_EQ(0, bc("feed name=s fail=1"));
	EXPECT_STREQ("open", state_of("s"));
	expect_check(_metadata, "s");

	/* The window rolls: calls older than buckets * bucket_ms drop out. */
	ASSERT_EQ(0, bc("%s%s",
			"create name=w clock=fake failure_rate=50 min_calls=4 ",
			"buckets=2 bucket_ms=100"));
	ASSERT_EQ(0, bc("feed name=w ok=1 fail=2"));
	EXPECT_EQ(3, cnt("w", "calls"));
	ASSERT_EQ(0, bc("advance name=w ms=100"));
	EXPECT_EQ(3, cnt("w", "calls"));
	ASSERT_EQ(0, bc("advance name=w ms=150"));
	EXPECT_COUNTS("w", "calls=0 failures=0");
	ASSERT_EQ(0, bc("feed name=w fail=1"));
	EXPECT_STREQ("closed", state_of("w"));	/* 1 call < min_calls */
	ASSERT_EQ(0, bc("feed name=w fail=3"));
	EXPECT_STREQ("open", state_of("w"));
	expect_check(_metadata, "w");
}

TEST_F(brk, trip_by_slow_rate)
{
	ASSERT_EQ(0, bc("create name=s clock=fake slow_rate=50 slow_us=1000 min_calls=4"));
	ASSERT_EQ(0, bc("feed name=s ok=2 slow=1"));
	EXPECT_COUNTS("s", "calls=3 slow=1 failures=0");
	/* dur_us below the threshold is not slow, at it is. */
	ASSERT_EQ(0, bc("allow name=s n=2"));
	EXPECT_HAS(" tickets=1..2 ");
	ASSERT_EQ(0, bc("done name=s ticket=1 dur_us=999"));
	EXPECT_STREQ("ticket=1 ret=0 result=recorded held=1 state=closed forced=0 gen=1\n",
		     brk_out);
	EXPECT_EQ(1, cnt("s", "slow"));
	/* 2 slow of 5: 40%. */
	ASSERT_EQ(0, bc("done name=s ticket=2 dur_us=1000"));
	EXPECT_EQ(2, cnt("s", "slow"));
	EXPECT_STREQ("closed", state_of("s"));
	/* The duration measured by the fake clock: 2 ms since allow. 3/6. */
	ON("s", "allow", "advance ms=2", "done ticket=3");
	EXPECT_STREQ("ticket=3 ret=0 result=recorded held=0 state=open forced=0 gen=2\n",
		     brk_out);
	ASSERT_EQ(0, bc("events name=s"));
	EXPECT_HAS("gen=2 from=closed to=open reason=slow-rate ");
	expect_check(_metadata, "s");

	/* A slow probe counts as a failure in half-open. */
	ASSERT_EQ(0, bc("create name=p clock=fake consecutive=1 slow_us=100 open_ms=10"));
	ASSERT_EQ(0, bc("feed name=p slow=5"));
	EXPECT_STREQ("closed", state_of("p"));	/* no slow-rate policy */
	ON("p", "feed fail=1", "advance ms=10", "feed slow=1");
	EXPECT_STREQ("open", state_of("p"));
	ASSERT_EQ(0, bc("events name=p"));
	EXPECT_HAS("gen=4 from=half-open to=open reason=probe-failed ");
	expect_check(_metadata, "p");
}

TEST_F(brk, half_open_probes)
{
	ASSERT_EQ(0, bc("%s%s",
			"create name=h clock=fake consecutive=1 open_ms=100 probes=2 ",
			"successes=2"));
	ON("h", "feed fail=1", "advance ms=100");
	/* Two probes at a time: the third call is refused with -EBUSY. */
	ASSERT_EQ(0, bc("allow name=h n=3"));
	EXPECT_OUT("admitted=2 rejected=1 eagain=0 ebusy=1 tickets=1..2 held=2 ",
		   "state=half-open forced=0 gen=3\n");
	EXPECT_EQ(2, cnt("h", "probes"));
	expect_check(_metadata, "h");
	ASSERT_EQ(0, bc("done name=h ticket=1"));
	EXPECT_STREQ("ticket=1 ret=0 result=recorded held=1 state=half-open forced=0 gen=3\n",
		     brk_out);
	EXPECT_COUNTS("h", "probes=1 probe_successes=1");
	/* The slot given back admits another probe. */
	ASSERT_EQ(0, bc("allow name=h"));
	EXPECT_EQ(1, brk_f("admitted"));
	EXPECT_HAS(" tickets=3..3 ");
	expect_check(_metadata, "h");
	/* Two successes in a row close it. */
	ASSERT_EQ(0, bc("done name=h ticket=2"));
	EXPECT_STREQ("ticket=2 ret=0 result=recorded held=1 state=closed forced=0 gen=4\n",
		     brk_out);
	/* The probe still out belongs to the half-open generation. */
	ASSERT_EQ(0, bc("done name=h ticket=3 err=-5"));
	EXPECT_STREQ("ticket=3 ret=-116 result=stale held=0 state=closed forced=0 gen=4\n",
		     brk_out);
	EXPECT_COUNTS("h", "failures=0 stale=1");
	expect_check(_metadata, "h");

	/* A failed probe re-opens it. */
	ON("h", "feed fail=1", "advance ms=100", "allow n=2", "done ticket=4");
	EXPECT_EQ(1, cnt("h", "probe_successes"));
	ASSERT_EQ(0, bc("done name=h ticket=5 err=-110"));
	EXPECT_STREQ("ticket=5 ret=0 result=recorded held=0 state=open forced=0 gen=7\n",
		     brk_out);
	ASSERT_EQ(0, bc("events name=h last=2"));
	EXPECT_OUT("events=6 kept=6 reenter_calls=0\n",
		   "gen=6 from=open to=half-open reason=open-expired forced=0 ms=200\n",
		   "gen=7 from=half-open to=open reason=probe-failed forced=0 ms=200\n");
	expect_check(_metadata, "h");
}

TEST_F(brk, backoff_doubles_open_delay)
{
	ASSERT_EQ(0, bc("create name=b clock=fake consecutive=1 open_ms=100 open_max_ms=350"));
	EXPECT_EQ(100, cnt("b", "open_delay_ms"));
	ASSERT_EQ(0, bc("feed name=b fail=1"));
	EXPECT_EQ(100, cnt("b", "open_delay_ms"));
	ASSERT_EQ(0, bc("advance name=b ms=100"));
	ASSERT_EQ(0, bc("feed name=b fail=1"));		/* the probe fails */
	EXPECT_STREQ("open", state_of("b"));
	EXPECT_EQ(200, cnt("b", "open_delay_ms"));
	ON("b", "advance ms=199", "allow");
	EXPECT_EQ(1, brk_f("eagain"));
	ON("b", "advance ms=1", "feed fail=1");
	EXPECT_EQ(350, cnt("b", "open_delay_ms"));	/* 400, capped */
	ON("b", "advance ms=349", "feed ok=1");
	EXPECT_EQ(1, brk_f("rejected"));
	ON("b", "advance ms=1", "feed fail=1");
	EXPECT_COUNTS("b", "open_delay_ms=350 trips=4");
	/* Closing resets the delay. */
	ON("b", "advance ms=350", "feed ok=1");
	EXPECT_STREQ("closed", state_of("b"));
	EXPECT_EQ(100, cnt("b", "open_delay_ms"));
	ASSERT_EQ(0, bc("feed name=b fail=1"));
	EXPECT_EQ(100, cnt("b", "open_delay_ms"));
	expect_check(_metadata, "b");

	/* Without open_max_ms the delay is fixed. */
	ASSERT_EQ(0, bc("create name=f clock=fake consecutive=1 open_ms=100"));
	ON("f", "feed fail=1", "advance ms=100", "feed fail=1");
	EXPECT_EQ(100, cnt("f", "open_delay_ms"));
	expect_check(_metadata, "f");
}

TEST_F(brk, stale_tickets)
{
	ASSERT_EQ(0, bc("create name=t clock=fake consecutive=2"));
	ASSERT_EQ(0, bc("allow name=t n=3"));
	EXPECT_HAS(" tickets=1..3 held=3 ");
	ON("t", "done ticket=1 err=-5", "done ticket=2 err=-5");
	EXPECT_STREQ("ticket=2 ret=0 result=recorded held=1 state=open forced=0 gen=2\n",
		     brk_out);
	/* Admitted while closed, reported after the trip: not counted. */
	ASSERT_EQ(0, bc("done name=t ticket=3 err=-5"));
	EXPECT_STREQ("ticket=3 ret=-116 result=stale held=0 state=open forced=0 gen=2\n",
		     brk_out);
	EXPECT_COUNTS("t", "stale=1 trips=1");
	/* A ticket already used is invalid. */
	ASSERT_EQ(0, bc("done name=t ticket=3"));
	EXPECT_STREQ("ticket=3 ret=-22 result=invalid held=0 state=open forced=0 gen=2\n",
		     brk_out);
	EXPECT_EQ(1, cnt("t", "stale"));
	expect_check(_metadata, "t");

	/* reset and force_* change the generation too. */
	ON("t", "reset", "allow n=2", "force_closed", "done ticket=4");
	EXPECT_EQ(-ESTALE, brk_f("ret"));
	ON("t", "reset", "done ticket=5 err=-5");
	EXPECT_EQ(-ESTALE, brk_f("ret"));
	EXPECT_COUNTS("t", "failures=0 stale=3");
	expect_check(_metadata, "t");
}

TEST_F(brk, ignored_errnos)
{
	ASSERT_EQ(0, bc("create name=d clock=fake consecutive=1"));
	ASSERT_EQ(0, bc("feed name=d ignored=3"));
	EXPECT_OUT("admitted=3 rejected=0 recorded=0 ignored=3 stale=0 ",
		   "state=closed forced=0 gen=1\n");
	ASSERT_EQ(0, bc("allow name=d n=4"));
	ASSERT_EQ(0, bc("done name=d ticket=1 err=%d", EINTR_));
	EXPECT_STREQ("ticket=1 ret=1 result=ignored held=3 state=closed forced=0 gen=1\n",
		     brk_out);
	ASSERT_EQ(0, bc("done name=d ticket=2 err=%d", ERESTARTSYS_));
	EXPECT_EQ(1, brk_f("ret"));
	ASSERT_EQ(0, bc("done name=d ticket=3 err=%d", ECANCELED_));
	EXPECT_EQ(1, brk_f("ret"));
	EXPECT_COUNTS("d", "ignored=6 calls=0");
	EXPECT_STREQ("closed", state_of("d"));
	/* Any other negative result is a failure, a positive one a success. */
	ASSERT_EQ(0, bc("done name=d ticket=4 err=-1"));
	EXPECT_STREQ("open", state_of("d"));
	expect_check(_metadata, "d");

	/* ignore=none: -EINTR is a failure. */
	ASSERT_EQ(0, bc("create name=n clock=fake consecutive=1 ignore=none"));
	ASSERT_EQ(0, bc("feed name=n fail=1 err=%d", EINTR_));
	EXPECT_OUT("admitted=1 rejected=0 recorded=1 ignored=0 stale=0 ",
		   "state=open forced=0 gen=2\n");
	EXPECT_EQ(0, cnt("n", "ignored"));
	expect_check(_metadata, "n");

	/* A list of the caller's replaces the default. */
	ASSERT_EQ(0, bc("create name=l clock=fake consecutive=1 ignore=-110,-5"));
	ASSERT_EQ(0, bc("feed name=l fail=2 err=-110"));
	EXPECT_EQ(2, brk_f("ignored"));
	ASSERT_EQ(0, bc("feed name=l ignored=1 ok=1"));
	EXPECT_OUT("admitted=2 rejected=0 recorded=1 ignored=1 stale=0 ",
		   "state=closed forced=0 gen=1\n");
	ON("l", "allow", "done ticket=1 err=5");
	EXPECT_EQ(0, brk_f("ret"));
	ASSERT_EQ(0, bc("feed name=l fail=1 err=%d", EINTR_));
	EXPECT_STREQ("open", state_of("l"));
	expect_check(_metadata, "l");

	/* In half-open an ignored probe gives its slot back, no success. */
	ASSERT_EQ(0, bc("create name=h clock=fake consecutive=1 open_ms=10"));
	ON("h", "feed fail=1", "advance ms=10", "allow n=2");
	EXPECT_EQ(1, brk_f("admitted"));
	ASSERT_EQ(0, bc("done name=h ticket=1 err=%d", EINTR_));
	EXPECT_STREQ("ticket=1 ret=1 result=ignored held=0 state=half-open forced=0 gen=3\n",
		     brk_out);
	EXPECT_COUNTS("h", "probes=0 probe_successes=0");
	ASSERT_EQ(0, bc("feed name=h ok=1"));
	EXPECT_STREQ("closed", state_of("h"));
	expect_check(_metadata, "h");
}

TEST_F(brk, half_open_stuck)
{
	ASSERT_EQ(0, bc("%s%s",
			"create name=o clock=fake consecutive=1 open_ms=10 ",
			"half_open_max_ms=50"));
	ON("o", "feed fail=1", "advance ms=10", "allow n=2");
	EXPECT_EQ(1, brk_f("ebusy"));
	ON("o", "advance ms=49", "allow");
	EXPECT_EQ(1, brk_f("ebusy"));
	/* The stuck probe no longer holds it: back to open. */
	ON("o", "advance ms=1", "allow");
	EXPECT_OUT("admitted=0 rejected=1 eagain=1 ebusy=0 tickets=none held=1 ",
		   "state=open forced=0 gen=4\n");
	ASSERT_EQ(0, bc("events name=o last=1"));
	EXPECT_OUT("events=3 kept=3 reenter_calls=0\n",
		   "gen=4 from=half-open to=open reason=half-open-stuck forced=0 ms=60\n");
	ASSERT_EQ(0, bc("done name=o ticket=1"));
	EXPECT_EQ(-ESTALE, brk_f("ret"));
	expect_check(_metadata, "o");

	/* stuck_closes=1: to closed instead, and the call is admitted. */
	ASSERT_EQ(0, bc("%s%s",
			"create name=c clock=fake consecutive=1 open_ms=10 ",
			"half_open_max_ms=50 stuck_closes=1"));
	ON("c", "feed fail=1", "advance ms=10", "allow", "advance ms=50", "allow");
	EXPECT_OUT("admitted=1 rejected=0 eagain=0 ebusy=0 tickets=2..2 held=2 ",
		   "state=closed forced=0 gen=4\n");
	ASSERT_EQ(0, bc("events name=c last=1"));
	EXPECT_HAS("gen=4 from=half-open to=closed reason=half-open-stuck ");
	expect_check(_metadata, "c");

	/* No limit: stuck for good. */
	ASSERT_EQ(0, bc("create name=n clock=fake consecutive=1 open_ms=10"));
	ON("n", "feed fail=1", "advance ms=10", "allow", "advance ms=86400000", "allow");
	EXPECT_EQ(1, brk_f("ebusy"));
	expect_check(_metadata, "n");
}

TEST_F(brk, force_and_reset)
{
	ASSERT_EQ(0, bc("create name=f clock=fake"));
	ASSERT_EQ(0, bc("force_open name=f"));
	EXPECT_STREQ("state=open forced=1 gen=2\n", brk_out);
	ON("f", "advance ms=86400000", "feed ok=3");
	EXPECT_EQ(3, brk_f("rejected"));
	EXPECT_STREQ("open", state_of("f"));
	expect_check(_metadata, "f");
	ASSERT_EQ(0, bc("force_closed name=f"));
	EXPECT_STREQ("state=closed forced=1 gen=3\n", brk_out);
	/* Forced closed: counted, never tripped. */
	ASSERT_EQ(0, bc("feed name=f fail=20"));
	EXPECT_STREQ("closed", state_of("f"));
	EXPECT_COUNTS("f", "consecutive=20 failures=20");
	expect_check(_metadata, "f");
	ASSERT_EQ(0, bc("reset name=f"));
	EXPECT_STREQ("state=closed forced=0 gen=4\n", brk_out);
	EXPECT_EQ(0, cnt("f", "calls"));
	/* The default policy: 5 consecutive failures. */
	ASSERT_EQ(0, bc("feed name=f fail=4"));
	EXPECT_STREQ("closed", state_of("f"));
	ASSERT_EQ(0, bc("feed name=f fail=1"));
	EXPECT_STREQ("open", state_of("f"));
	ASSERT_EQ(0, bc("reset name=f"));
	EXPECT_STREQ("state=closed forced=0 gen=6\n", brk_out);
	ASSERT_EQ(0, bc("events name=f"));
	EXPECT_OUT("events=5 kept=5 reenter_calls=0\n",
		   "gen=2 from=closed to=open reason=forced forced=1 ms=0\n",
		   "gen=3 from=open to=closed reason=forced forced=1 ms=86400000\n",
		   "gen=4 from=closed to=closed reason=reset forced=0 ms=86400000\n",
		   "gen=5 from=closed to=open reason=consecutive forced=0 ms=86400000\n",
		   "gen=6 from=open to=closed reason=reset forced=0 ms=86400000\n");
	EXPECT_COUNTS("f", "transitions=5 trips=2");
	expect_check(_metadata, "f");
	/* Forcing the state it is in is still a change. */
	ON("f", "force_closed", "force_closed");
	EXPECT_STREQ("state=closed forced=1 gen=8\n", brk_out);
	expect_check(_metadata, "f");
}

TEST_F(brk, metrics_only_never_opens)
{
	ASSERT_EQ(0, bc("%s%s",
			"create name=m clock=fake metrics_only=1 consecutive=1 ",
			"failure_rate=10 min_calls=1 slow_rate=10 slow_us=1"));
	ASSERT_EQ(0, bc("feed name=m fail=50 slow=10"));
	EXPECT_OUT("admitted=60 rejected=0 recorded=60 ignored=0 stale=0 ",
		   "state=closed forced=0 gen=1\n");
	EXPECT_COUNTS("m", "calls=60 failures=50 slow=10 trips=0");
	expect_check(_metadata, "m");
	/* It can still be forced. */
	ON("m", "force_open", "allow");
	EXPECT_EQ(1, brk_f("eagain"));
	expect_check(_metadata, "m");
}

TEST_F(brk, events_in_order)
{
	long long i, n;
	char *p;

	ASSERT_EQ(0, bc("create name=e clock=fake consecutive=1 open_ms=10"));
	for (i = 0; i < 50; i++)
		ON("e", "feed fail=1", "advance ms=10", "feed ok=1");
	EXPECT_EQ(150, cnt("e", "transitions"));
	ASSERT_EQ(0, bc("events name=e last=40"));
	EXPECT_EQ(0, strncmp(brk_out, "events=150 kept=150 reenter_calls=0\n", 36))
		TH_LOG("%s", brk_out);
	/* The newest 40, oldest first, consecutive. */
	n = 0;
	for (p = strstr(brk_out, "\ngen="); p; p = strstr(p + 1, "\ngen=")) {
		EXPECT_EQ(112 + n, strtoll(p + 5, NULL, 10));
		n++;
	}
	EXPECT_EQ(40, n);
	EXPECT_HAS("\ngen=151 from=half-open to=closed reason=probes-ok forced=0 ms=500\n");
	/* The ring keeps the newest 256 of them. */
	for (i = 0; i < 40; i++)
		ON("e", "force_open", "reset");
	ASSERT_EQ(0, bc("events name=e last=1"));
	EXPECT_OUT("events=230 kept=230 reenter_calls=0\n",
		   "gen=231 from=open to=closed reason=reset forced=0 ms=500\n");
	for (i = 0; i < 20; i++)
		ASSERT_EQ(0, bc("force_closed name=e"));
	ASSERT_EQ(0, bc("events name=e last=256"));
	EXPECT_EQ(0, strncmp(brk_out, "events=250 kept=250 ", 20)) TH_LOG("%.80s", brk_out);
	for (i = 0; i < 10; i++)
		ASSERT_EQ(0, bc("force_closed name=e"));
	ASSERT_EQ(0, bc("events name=e last=256"));
	EXPECT_EQ(0, strncmp(brk_out, "events=260 kept=256 ", 20)) TH_LOG("%.80s", brk_out);
	/* 256 lines do not fit: cut short. */
	EXPECT_NE(NULL, strstr(brk_out, "\n...\n"));
	EXPECT_NE(NULL, strstr(brk_out, "\ngen=6 from=")) TH_LOG("%.200s", brk_out);
	EXPECT_EQ(NULL, strstr(brk_out, "\ngen=5 from="));
	expect_check(_metadata, "e");
}

TEST_F(brk, notifier_reenters)
{
	/* reenter=1: the notifier reads the breaker back; no deadlock. */
	ASSERT_EQ(0, bc("create name=r clock=fake consecutive=1 open_ms=5 reenter=1"));
	ON("r", "feed fail=1", "advance ms=5", "feed ok=1", "force_open", "reset", "events");
	EXPECT_EQ(0, strncmp(brk_out, "events=5 kept=5 reenter_calls=5\n", 32))
		TH_LOG("%s", brk_out);
	expect_check(_metadata, "r");

	/*
	 * reenter=2: the notifier also forces the breaker open after a trip,
	 * a change made during the delivery of another, delivered next.
	 */
	ASSERT_EQ(0, bc("create name=f clock=fake consecutive=1 reenter=2"));
	ASSERT_EQ(0, bc("feed name=f fail=1"));
	EXPECT_OUT("admitted=1 rejected=0 recorded=1 ignored=0 stale=0 ",
		   "state=open forced=1 gen=3\n");
	ASSERT_EQ(0, bc("events name=f"));
	EXPECT_OUT("events=2 kept=2 reenter_calls=2\n",
		   "gen=2 from=closed to=open reason=consecutive forced=0 ms=0\n",
		   "gen=3 from=open to=open reason=forced forced=1 ms=0\n");
	/* Forced open: the delay never ends. */
	ON("f", "advance ms=86400000", "allow");
	EXPECT_EQ(1, brk_f("eagain"));
	expect_check(_metadata, "f");
}

/* The notify timer moves an open breaker to half-open from hardirq. */
TEST_F(brk, notify_timer_real_clock)
{
	int i;

	ASSERT_EQ(0, bc("create name=t consecutive=1 open_ms=20 notify_timer=1 reenter=1"));
	ASSERT_EQ(0, bc("feed name=t fail=1"));
	EXPECT_EQ(1, brk_f("recorded"));
	for (i = 0; i < 500 && strcmp(state_of("t"), "half-open"); i++)
		usleep(10000);
	EXPECT_STREQ("half-open", state_of("t"));
	ASSERT_EQ(0, bc("events name=t"));
	EXPECT_HAS("\ngen=3 from=open to=half-open reason=open-expired ");
	EXPECT_EQ(2, brk_f("reenter_calls"));
	expect_check(_metadata, "t");
	/* A probe that succeeds closes it. */
	ASSERT_EQ(0, bc("feed name=t ok=1"));
	EXPECT_STREQ("closed", state_of("t"));
	/* Destroy cancels a pending timer. */
	ON("t", "feed fail=1", "destroy");

	/* Without the timer it stays open until an allow. */
	ASSERT_EQ(0, bc("create name=u consecutive=1 open_ms=20"));
	ASSERT_EQ(0, bc("feed name=u fail=1"));
	usleep(100000);
	EXPECT_STREQ("open", state_of("u"));
	ASSERT_EQ(0, bc("allow name=u"));
	EXPECT_STREQ("half-open", state_of("u"));
	expect_check(_metadata, "u");
}

TEST_F(brk, tickets)
{
	ASSERT_EQ(0, bc("create name=k clock=fake consecutive=1000"));
	ASSERT_EQ(0, bc("allow name=k n=1024"));
	EXPECT_HAS(" tickets=1..1024 held=1024 ");
	EXPECT_REJECT(-ERANGE, "allow name=k");
	ASSERT_EQ(0, bc("done name=k ticket=0x400 err=-5 dur_us=4294967295"));
	EXPECT_EQ(1023, brk_f("held"));
	/* The reported ticket's slot is reused; ids go on. */
	ASSERT_EQ(0, bc("allow name=k"));
	EXPECT_HAS(" tickets=1025..1025 held=1024 ");
	EXPECT_REJECT(-ENOENT, "done name=k ticket=1024");
	EXPECT_REJECT(-ENOENT, "done name=k ticket=1026");
	ASSERT_EQ(0, bc("done name=k ticket=1 err=7"));
	EXPECT_EQ(0, brk_f("ret"));
	EXPECT_COUNTS("k", "calls=2 failures=1");
	expect_check(_metadata, "k");
	/* Feeding holds no ticket. */
	ASSERT_EQ(0, bc("feed name=k ok=3000"));
	EXPECT_EQ(3000, brk_f("recorded"));
	ASSERT_EQ(0, bc("destroy name=k"));
	EXPECT_STREQ("destroyed name=k held=1023 events=0\n", brk_out);
}

TEST_F(brk, bad_input)
{
	char big[600];

	ASSERT_EQ(0, bc("create name=a clock=fake"));
	ASSERT_EQ(0, bc("create name=r"));
	/* The parser. */
	EXPECT_REJECT(-EINVAL, "frobnicate name=a");
	EXPECT_REJECT(-EINVAL, "create");
	EXPECT_REJECT(-EINVAL, "create name=");
	EXPECT_REJECT(-EINVAL, "state");
	EXPECT_REJECT(-EINVAL, "allow name=a n=abc");
	EXPECT_REJECT(-EINVAL, "allow name=a n=-1");
	EXPECT_REJECT(-EINVAL, "allow name=a n");
	EXPECT_REJECT(-EINVAL, "allow name=a =3");
	EXPECT_REJECT(-EINVAL, "allow name=a n=1 n=2");
	EXPECT_REJECT(-EINVAL, "allow name=a ticket=1");
	EXPECT_REJECT(-EINVAL, "list name=a");
	EXPECT_REJECT(-EINVAL, "create name=x frob=1");
	EXPECT_REJECT(-EINVAL, "done name=a");
	EXPECT_REJECT(-EINVAL, "advance name=a");
	EXPECT_REJECT(-ERANGE, "allow name=a n=0");
	EXPECT_REJECT(-ERANGE, "allow name=a n=1025");
	EXPECT_REJECT(-ERANGE, "done name=a ticket=0");
	EXPECT_REJECT(-ERANGE, "done name=a ticket=4294967296");
	EXPECT_REJECT(-EINVAL, "allow name=a n=18446744073709551616");
	EXPECT_REJECT(-ERANGE, "feed name=a ok=1000001");
	EXPECT_REJECT(-ERANGE, "events name=a last=0");
	EXPECT_REJECT(-ERANGE, "events name=a last=257");
	EXPECT_REJECT(-ERANGE, "advance name=a ms=4294967296");
	EXPECT_REJECT(-ENAMETOOLONG, "create name=abcdefghijklmnop");
	EXPECT_REJECT(-EINVAL, "create name=x clock=fakefake");
	EXPECT_REJECT(-EINVAL, " \t\t\n");
	EXPECT_EQ(-EINVAL, gs_cmd(BRK_CMD, "list\x01"));
	EXPECT_EQ(-EINVAL, gs_pwrite(BRK_CMD, "list", 4, 3));
	memset(big, 'x', sizeof(big));
	EXPECT_EQ(-E2BIG, gs_pwrite(BRK_CMD, big, sizeof(big), 0));
	/* Options out of the breaker's bounds. */
	EXPECT_REJECT(-ERANGE, "create name=x failure_rate=101");
	EXPECT_REJECT(-ERANGE, "create name=x slow_rate=101 slow_us=1");
	EXPECT_REJECT(-ERANGE, "create name=x consecutive=1048576");
	EXPECT_REJECT(-ERANGE, "create name=x buckets=65");
	EXPECT_REJECT(-ERANGE, "create name=x bucket_ms=3600001");
	EXPECT_REJECT(-ERANGE, "create name=x open_ms=86400001");
	EXPECT_REJECT(-ERANGE, "create name=x open_max_ms=86400001");
	EXPECT_REJECT(-ERANGE, "create name=x half_open_max_ms=86400001");
	EXPECT_REJECT(-ERANGE, "create name=x probes=1024");
	EXPECT_REJECT(-ERANGE, "create name=x successes=1024");
	EXPECT_REJECT(-ERANGE, "create name=x metrics_only=2");
	EXPECT_REJECT(-ERANGE, "create name=x stuck_closes=2");
	EXPECT_REJECT(-ERANGE, "create name=x notify_timer=2");
	EXPECT_REJECT(-ERANGE, "create name=x reenter=3");
	/* Options that do not go together, or are not what they should be. */
	EXPECT_REJECT(-EINVAL, "create name=x slow_rate=10");
	EXPECT_REJECT(-EINVAL, "create name=x open_ms=100 open_max_ms=99");
	EXPECT_REJECT(-EINVAL, "create name=x open_max_ms=59999");
	EXPECT_REJECT(-EINVAL, "create name=a/b");
	EXPECT_REJECT(-EINVAL, "create name=x clock=slow");
	EXPECT_REJECT(-ERANGE, "create name=x ignore=5");
	EXPECT_REJECT(-ERANGE, "create name=x ignore=0");
	EXPECT_REJECT(-ERANGE, "create name=x ignore=-4096");
	EXPECT_REJECT(-ERANGE, "create name=x ignore=-1,-2,-3,-4,-5,-6,-7,-8,-9");
	EXPECT_REJECT(-EINVAL, "create name=x ignore=-1,,-2");
	EXPECT_REJECT(-EINVAL, "create name=x ignore=-1,");
	EXPECT_REJECT(-EINVAL, "create name=x ignore=eintr");
	EXPECT_REJECT(-EINVAL, "create name=x ignore=none,-4");
	EXPECT_REJECT(-EEXIST, "create name=a");
	/* The verbs. */
	EXPECT_REJECT(-ENOENT, "allow name=nope");
	EXPECT_REJECT(-ENOENT, "done name=a ticket=1");
	EXPECT_REJECT(-EINVAL, "done name=a ticket=1 err=abc");
	EXPECT_REJECT(-ERANGE, "done name=a ticket=1 err=-4096");
	EXPECT_REJECT(-ERANGE, "done name=a ticket=1 err=2147483648");
	EXPECT_REJECT(-ERANGE, "done name=a ticket=1 dur_us=4294967296");
	EXPECT_REJECT(-ERANGE, "feed name=a fail=1 err=0");
	EXPECT_REJECT(-ERANGE, "feed name=a fail=1 err=5");
	EXPECT_REJECT(-EINVAL, "feed name=a slow=1");
	EXPECT_REJECT(-EINVAL, "advance name=r ms=1");
	ASSERT_EQ(0, bc("create name=n clock=fake ignore=none"));
	EXPECT_REJECT(-EINVAL, "feed name=n ignored=1");
	ASSERT_EQ(0, bc("list"));
	EXPECT_EQ(3, brk_f("breakers"));
	expect_check(_metadata, "a");
	expect_check(_metadata, "r");
	expect_check(_metadata, "n");
}

/*
 * Left for module unload, which must unregister the notifier and destroy
 * the breaker with its timer armed and tickets held (kmemleak checks). A
 * fixture of its own, registered after brk's, so that it runs last and
 * nothing destroys the breaker after it.
 */
FIXTURE(unload) {
	int unused;
};

FIXTURE_SETUP(unload)
{
	brk_destroy_all();
}

FIXTURE_TEARDOWN(unload)
{
}

TEST_F(unload, breaker_left_for_module_unload)
{
	ASSERT_EQ(0, bc("create name=left consecutive=1 open_ms=3600000 notify_timer=1"));
	ON("left", "allow n=10", "feed fail=1");
	EXPECT_STREQ("open", state_of("left"));
	ASSERT_EQ(0, bc("list"));
	EXPECT_STREQ("breakers=1\nname=left clock=real held=10 state=open\n", brk_out);
}

int main(int argc, char **argv)
{
	return gs_test_main(argc, argv);
}
