// SPDX-License-Identifier: GPL-2.0
/*
 * gosync's race windows, widened from userspace through
 * /sys/kernel/debug/gosync_test/race/windows, and the stress runs that
 * guard the races of the past with a window held open:
 * - bad input gets its errno and changes nothing;
 * - a widened window is passed (its hits grow) and clearing closes it;
 * - the map's stress with a resizer, its check-then-lock windows widened
 *   (a writer racing the switch at the end of a resize);
 * - a pool dropping every put, the window between a dropped object's
 *   free and its uncount widened: one pass per drop, exact accounting;
 * - the breaker's stress, the window between the last probe's success
 *   and the close widened;
 * - the breaker's stress with its notify timer, the window between the
 *   timer's checks and its re-arm widened (a change to open on another
 *   CPU re-arming the running timer in between): no kernel warning;
 * - the once's stress, both windows of its slow path widened (a run that
 *   completes between a caller's "not done" and its lock);
 * - the context tree's stress, the window between a cancel's cause and
 *   its walk of the subtree widened (children linked and put meanwhile,
 *   at each round's start and end);
 * - the semaphore's stress, both windows of its slow path widened (a
 *   release between a failed lockless take and the queueing; a grant
 *   between a waiter's giving up and its lock).
 * Each stress checks its own invariants (every result against a shadow,
 * totals that balance) and must still pass.
 * On a gosync.ko built for installation (no windows) the commands answer
 * -EOPNOTSUPP and the stress cases skip.
 */
#define _GNU_SOURCE
#include <sys/utsname.h>

#include "kselftest_harness.h"
#include "gosync_test.h"

#define WINDOWS		GOSYNC_TEST_DEBUGFS "/race/windows"
#define MAP_STRESS	GOSYNC_TEST_DEBUGFS "/map/stress"
#define POOL_CMD	GOSYNC_TEST_DEBUGFS "/pool/cmd"
#define BRK_STRESS	GOSYNC_TEST_DEBUGFS "/breaker/stress"
#define ONCE_STRESS	GOSYNC_TEST_DEBUGFS "/once/stress"
#define CTX_STRESS	GOSYNC_TEST_DEBUGFS "/ctx/stress"
#define SEM_STRESS	GOSYNC_TEST_DEBUGFS "/sem/stress"
#define GROUP_STRESS	GOSYNC_TEST_DEBUGFS "/group/stress"
#define CHAN_STRESS	GOSYNC_TEST_DEBUGFS "/chan/stress"
#define WPOOL_STRESS	GOSYNC_TEST_DEBUGFS "/wpool/stress"
#define PUBSUB_STRESS	GOSYNC_TEST_DEBUGFS "/pubsub/stress"

static char out[4096];

/* A field of window @name's line in the last list; -1 if absent. */
static long long window(const char *name, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "%s ", name);
	for (p = out; p; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (!strncmp(p, pat, strlen(pat)))
			return gs_field(p + strlen(pat), key, -1);
	}
	return -1;
}

static long long hits(const char *name)
{
	if (gs_cmd_out(WINDOWS, out, sizeof(out), "list"))
		return -1;
	return window(name, "hits");
}

/* Widen @name by @us: 0, or -EOPNOTSUPP on a build without windows. */
static int widen(const char *name, int us)
{
	return gs_cmd_out(WINDOWS, out, sizeof(out), "set window=%s delay_us=%d",
			  name, us);
}

static int stress_ms(int ms)
{
	return gs_slow_kernel() ? ms / 2 : ms;
}

FIXTURE(race) {
	int cpus;
};

FIXTURE_SETUP(race)
{
	self->cpus = gs_online_cpus();
	gs_cmd(WINDOWS, "clear");
}

FIXTURE_TEARDOWN(race)
{
	gs_cmd(WINDOWS, "clear");
}

TEST_F(race, bad_input)
{
	int r = gs_cmd_out(WINDOWS, out, sizeof(out), "list");

	if (r == -EOPNOTSUPP)
		SKIP(return, "gosync.ko has no race windows");
	ASSERT_EQ(0, r);
	EXPECT_EQ(0, window("map_future", "delay_us"));
	EXPECT_LE(0, window("pool_drop", "hits"));
	EXPECT_EQ(-ENOENT, gs_cmd_out(WINDOWS, out, sizeof(out),
				      "set window=nope delay_us=1"));
	EXPECT_NE(NULL, strstr(out, "no window 'nope'"));
	EXPECT_EQ(-ERANGE, gs_cmd(WINDOWS, "set window=map_future delay_us=1001"));
	EXPECT_EQ(-EINVAL, gs_cmd(WINDOWS, "set window=map_future"));
	EXPECT_EQ(-EINVAL, gs_cmd(WINDOWS, "set delay_us=5"));
	EXPECT_EQ(-EINVAL, gs_cmd(WINDOWS, "frob"));
	EXPECT_EQ(-EINVAL, gs_cmd(WINDOWS, "list x=1"));
	/* Nothing changed. */
	ASSERT_EQ(0, gs_cmd_out(WINDOWS, out, sizeof(out), "list"));
	EXPECT_EQ(0, window("map_future", "delay_us"));
}

TEST_F(race, widen_and_clear)
{
	int r;

	r = widen("map_count", 3);
	if (r == -EOPNOTSUPP)
		SKIP(return, "gosync.ko has no race windows");
	ASSERT_EQ(0, r) TH_LOG("%s", out);
	EXPECT_EQ(3, window("map_count", "delay_us"));
	EXPECT_EQ(0, window("map_future", "delay_us"));
	ASSERT_EQ(0, gs_cmd_out(WINDOWS, out, sizeof(out), "clear"));
	EXPECT_EQ(0, window("map_count", "delay_us"));
}

/* Writers on every CPU while a resizer copies the map under them. */
TEST_F_TIMEOUT(race, map_resize_windows_widened, 180)
{
	long long f0, c0;
	int r;

	r = widen("map_future", 20);
	if (r == -EOPNOTSUPP)
		SKIP(return, "gosync.ko has no race windows");
	ASSERT_EQ(0, r) TH_LOG("%s", out);
	r = widen("map_count", 2);
	if (r == -EOPNOTSUPP)
		SKIP(return, "gosync.ko has no race windows");
	ASSERT_EQ(0, r) TH_LOG("%s", out);
	f0 = hits("map_future");
	c0 = hits("map_count");
	r = gs_cmd_out(MAP_STRESS, out, sizeof(out),
		       "threads=%d duration_ms=%d keys=2048 checker=1 resizer=1",
		       self->cpus, stress_ms(2000));
	EXPECT_EQ(0, r);
	EXPECT_EQ(0, strncmp(out, "result=PASS ", 12)) TH_LOG("%s", out);
	EXPECT_EQ(0, gs_field(out, "errors", -1));
	EXPECT_EQ(gs_field(out, "inserted", -1), gs_field(out, "released", -2));
	/* The windows were held open on the way. */
	EXPECT_LT(f0, hits("map_future")) TH_LOG("%s", out);
	EXPECT_LT(c0, hits("map_count")) TH_LOG("%s", out);
}

/*
 * Every put to a pool with reset=1 drop=1 is refused and dropped: each
 * drop passes the widened window between its free and its uncount once,
 * and the pool's accounting stays exact.
 */
TEST_F_TIMEOUT(race, pool_drop_window_widened, 120)
{
	long long h0;
	int r;

	r = widen("pool_drop", 20);
	if (r == -EOPNOTSUPP)
		SKIP(return, "gosync.ko has no race windows");
	ASSERT_EQ(0, r) TH_LOG("%s", out);
	h0 = hits("pool_drop");
	gs_cmd(POOL_CMD, "destroy name=racedrop");
	ASSERT_EQ(0, gs_cmd(POOL_CMD, "create name=racedrop reset=1 drop=1"));
	ASSERT_EQ(0, gs_cmd(POOL_CMD, "get name=racedrop n=64"));
	ASSERT_EQ(0, gs_cmd(POOL_CMD, "put name=racedrop n=64"));
	EXPECT_EQ(64, hits("pool_drop") - h0) TH_LOG("%s", out);
	ASSERT_EQ(0, gs_cmd_out(POOL_CMD, out, sizeof(out), "stats name=racedrop"));
	EXPECT_EQ(64, gs_field_sep(out, "dropped", ' ', -1)) TH_LOG("%s", out);
	EXPECT_EQ(64, gs_field_sep(out, "dtors", ' ', -1)) TH_LOG("%s", out);
	EXPECT_EQ(0, gs_field_sep(out, "objects", ' ', -1)) TH_LOG("%s", out);
	EXPECT_EQ(0, gs_cmd_out(POOL_CMD, out, sizeof(out), "check name=racedrop"))
		TH_LOG("%s", out);
	EXPECT_EQ(0, gs_cmd(POOL_CMD, "destroy name=racedrop"));
}

/* The breaker's stress, policy consecutive (and @extra): 0 if it passed. */
static int breaker_stress(const char *extra, int cpus, int ms)
{
	int r = gs_cmd_out(BRK_STRESS, out, sizeof(out),
			   "policy=consecutive%s threads=%d duration_ms=%d",
			   extra, cpus, stress_ms(ms));

	return r ? r : strncmp(out, "result=PASS ", 12) ? -1 : 0;
}

/* A breaker switched between failing and healthy closes again and again. */
TEST_F_TIMEOUT(race, breaker_close_window_widened, 120)
{
	int r;

	r = widen("breaker_close", 20);
	if (r == -EOPNOTSUPP)
		SKIP(return, "gosync.ko has no race windows");
	ASSERT_EQ(0, r) TH_LOG("%s", out);
	EXPECT_EQ(0, breaker_stress("", self->cpus, 1500)) TH_LOG("%s", out);
	TH_LOG("breaker_close passes: %lld", hits("breaker_close"));
}

/* The kernel's taint word; -1 if unreadable. */
static long long taint_word(void)
{
	char buf[32];

	if (gs_read("/proc/sys/kernel/tainted", buf, sizeof(buf)) <= 0)
		return -1;
	return strtoll(buf, NULL, 10);
}

#define TAINT_WARN	512LL	/* bit 9, W: a kernel warning */

/*
 * The notify timer forwards itself while the breaker is still open; a
 * failed probe on another CPU may open the breaker again and re-arm the
 * same timer (hrtimer_start()) between the timer's checks and its
 * forward. Forwarding an enqueued timer makes hrtimer_forward() warn:
 * the run must not taint the kernel with a warning.
 */
TEST_F_TIMEOUT(race, breaker_timer_window_widened, 120)
{
	long long t0, t1;
	int r;

	t0 = taint_word();
	r = widen("breaker_timer", 1000);
	if (r == -EOPNOTSUPP)
		SKIP(return, "gosync.ko has no race windows");
	ASSERT_EQ(0, r) TH_LOG("%s", out);
	EXPECT_EQ(0, breaker_stress(" notify_timer=1 open_ms=1", self->cpus, 2000))
		TH_LOG("%s", out);
	t1 = taint_word();
	if (t0 >= 0 && !(t0 & TAINT_WARN)) {
		EXPECT_EQ(0, t1 & TAINT_WARN)
			TH_LOG("a kernel warning during the run: see the kernel log");
	} else {
		TH_LOG("the kernel was tainted by a warning before: not checked");
	}
	TH_LOG("breaker_timer passes: %lld", hits("breaker_timer"));
}

/*
 * Callers of one once pile onto each new instance while both windows of
 * its slow path are held open: a run that completes after a caller found
 * it not done (once_done) must be final for it under the lock, and a run
 * that ends after a caller read the run count (once_wait) is the one it
 * gets. Every instance's outcome must stay exact.
 */
TEST_F_TIMEOUT(race, once_windows_widened, 120)
{
	long long d0, w0;
	int r;

	r = widen("once_done", 50);
	if (r == -EOPNOTSUPP)
		SKIP(return, "gosync.ko has no race windows");
	ASSERT_EQ(0, r) TH_LOG("%s", out);
	ASSERT_EQ(0, widen("once_wait", 50)) TH_LOG("%s", out);
	d0 = hits("once_done");
	w0 = hits("once_wait");
	ASSERT_EQ(0, gs_cmd_out(ONCE_STRESS, out, sizeof(out),
				"threads=%d duration_ms=%d fail_pct=30",
				self->cpus, stress_ms(1500))) TH_LOG("%s", out);
	EXPECT_EQ(0, strncmp(out, "result=PASS ", 12)) TH_LOG("%s", out);
	ASSERT_EQ(0, gs_cmd_out(ONCE_STRESS, out, sizeof(out),
				"threads=%d duration_ms=%d fail_pct=30 cache_err=1",
				self->cpus, stress_ms(1000))) TH_LOG("%s", out);
	EXPECT_EQ(0, strncmp(out, "result=PASS ", 12)) TH_LOG("%s", out);
	EXPECT_LT(d0, hits("once_done"));
	EXPECT_LT(w0, hits("once_wait"));
	TH_LOG("once_done passes: %lld, once_wait: %lld",
	       hits("once_done") - d0, hits("once_wait") - w0);
}

/*
 * Every cancellation holds its window (cause set, subtree not walked yet)
 * open while waiters come and go and the rounds' trees are built and put:
 * each round's checks must still pass.
 */
TEST_F_TIMEOUT(race, ctx_cancel_window_widened, 120)
{
	long long h0;
	int r;

	r = widen("ctx_cancel", 100);
	if (r == -EOPNOTSUPP)
		SKIP(return, "gosync.ko has no race windows");
	ASSERT_EQ(0, r) TH_LOG("%s", out);
	h0 = hits("ctx_cancel");
	ASSERT_EQ(0, gs_cmd_out(CTX_STRESS, out, sizeof(out),
				"threads=8 rounds=%d deadline_pct=30",
				gs_slow_kernel() ? 50 : 100)) TH_LOG("%s", out);
	EXPECT_EQ(0, strncmp(out, "result=PASS ", 12)) TH_LOG("%s", out);
	EXPECT_LT(h0, hits("ctx_cancel"));
	TH_LOG("ctx_cancel passes: %lld", hits("ctx_cancel") - h0);
}

/*
 * Callers of a small semaphore queue and give up (deadlines, timeouts)
 * while both windows of the slow path are held open: a release that comes
 * before a caller queued (sem_queue) must still serve it, and a grant
 * that comes after a waiter gave up (sem_cancel) must not lose the units.
 * The stress's end check counts every unit back.
 */
TEST_F_TIMEOUT(race, sem_windows_widened, 120)
{
	long long q0, c0;
	int r;

	r = widen("sem_queue", 50);
	if (r == -EOPNOTSUPP)
		SKIP(return, "gosync.ko has no race windows");
	ASSERT_EQ(0, r) TH_LOG("%s", out);
	ASSERT_EQ(0, widen("sem_cancel", 50)) TH_LOG("%s", out);
	q0 = hits("sem_queue");
	c0 = hits("sem_cancel");
	ASSERT_EQ(0, gs_cmd_out(SEM_STRESS, out, sizeof(out),
				"threads=%d duration_ms=%d capacity=2 ctx_pct=40 timeout_pct=20",
				self->cpus, stress_ms(1500))) TH_LOG("%s", out);
	EXPECT_EQ(0, strncmp(out, "result=PASS ", 12)) TH_LOG("%s", out);
	EXPECT_LT(q0, hits("sem_queue"));
	EXPECT_LT(c0, hits("sem_cancel"));
	TH_LOG("sem_queue passes: %lld, sem_cancel: %lld",
	       hits("sem_queue") - q0, hits("sem_cancel") - c0);
}

/*
 * Every group's last job holds its window (counted out, the group not
 * completed) open while its owner waits, then frees the group at once:
 * a job that touched it after the wait would be a use after free (KASAN
 * in the debug kernels); each round's checks must still pass.
 */
TEST_F_TIMEOUT(race, group_done_window_widened, 120)
{
	long long h0;
	int r;

	r = widen("group_done", 200);
	if (r == -EOPNOTSUPP)
		SKIP(return, "gosync.ko has no race windows");
	ASSERT_EQ(0, r) TH_LOG("%s", out);
	h0 = hits("group_done");
	ASSERT_EQ(0, gs_cmd_out(GROUP_STRESS, out, sizeof(out),
				"threads=2 rounds=%d jobs=16 limit=4 fail_pct=10",
				gs_slow_kernel() ? 20 : 50)) TH_LOG("%s", out);
	EXPECT_EQ(0, strncmp(out, "result=PASS ", 12)) TH_LOG("%s", out);
	EXPECT_LT(h0, hits("group_done"));
	TH_LOG("group_done passes: %lld", hits("group_done") - h0);
}

/*
 * Producers and consumers of unbuffered channels, many of their calls
 * with deadlines, while both windows of a blocked call are held open: a
 * peer that claimed a call and has not completed it yet (chan_claim)
 * while the call gives up, and a call that gave up and is not gone yet
 * (chan_cancel) while a peer completes it. The stress counts every value
 * received exactly once.
 */
TEST_F_TIMEOUT(race, chan_windows_widened, 120)
{
	long long c0, g0;
	int r;

	r = widen("chan_claim", 50);
	if (r == -EOPNOTSUPP)
		SKIP(return, "gosync.ko has no race windows");
	ASSERT_EQ(0, r) TH_LOG("%s", out);
	ASSERT_EQ(0, widen("chan_cancel", 50)) TH_LOG("%s", out);
	c0 = hits("chan_claim");
	g0 = hits("chan_cancel");
	ASSERT_EQ(0, gs_cmd_out(CHAN_STRESS, out, sizeof(out),
				"duration_ms=%d capacity=0 ctx_pct=50 try_pct=0",
				stress_ms(1500))) TH_LOG("%s", out);
	EXPECT_EQ(0, strncmp(out, "result=PASS ", 12)) TH_LOG("%s", out);
	EXPECT_LT(c0, hits("chan_claim"));
	EXPECT_LT(g0, hits("chan_cancel"));
	TH_LOG("chan_claim passes: %lld, chan_cancel: %lld",
	       hits("chan_claim") - c0, hits("chan_cancel") - g0);
}

/*
 * A worker pool's three windows held open under its stress: submits
 * between their lockless check and the lock while the controller shuts
 * the pool down (wpool_submit), idle workers timing out while jobs come
 * (wpool_retire, idle_ms=1, min=0, submitters pausing), new workers created while resizes and
 * the shutdown run (wpool_spawn). Every accepted job must run once or be
 * dropped once, none may be stranded or run after shutdown returned, and
 * no thread may be left.
 */
TEST_F_TIMEOUT(race, wpool_windows_widened, 120)
{
	long long s0, r0, p0;
	int r;

	r = widen("wpool_submit", 20);
	if (r == -EOPNOTSUPP)
		SKIP(return, "gosync.ko has no race windows");
	ASSERT_EQ(0, r) TH_LOG("%s", out);
	ASSERT_EQ(0, widen("wpool_retire", 200)) TH_LOG("%s", out);
	ASSERT_EQ(0, widen("wpool_spawn", 200)) TH_LOG("%s", out);
	s0 = hits("wpool_submit");
	r0 = hits("wpool_retire");
	p0 = hits("wpool_spawn");
	ASSERT_EQ(0, gs_cmd_out(WPOOL_STRESS, out, sizeof(out),
				"threads=4 duration_ms=%d min=0 max=4 capacity=8 idle_ms=1 grow_us=0 drain_ms=0 gap_us=20000",
				gs_slow_kernel() ? 600 : 300)) TH_LOG("%s", out);
	EXPECT_EQ(0, strncmp(out, "result=PASS ", 12)) TH_LOG("%s", out);
	EXPECT_LT(s0, hits("wpool_submit"));
	EXPECT_LT(r0, hits("wpool_retire"));
	EXPECT_LT(p0, hits("wpool_spawn"));
	TH_LOG("wpool_submit passes: %lld, wpool_retire: %lld, wpool_spawn: %lld",
	       hits("wpool_submit") - s0, hits("wpool_retire") - r0,
	       hits("wpool_spawn") - p0);
}

/*
 * Every publish holds pubsub_enqueue open (the subscriber read from the
 * list, its lock not taken) while churning subscribers unsubscribe and
 * are freed, and every blocked publisher holds pubsub_blocked open (woken,
 * not locked again): nothing may be queued after an unsubscribe returned
 * (the release count would fall short), nor a freed subscriber touched
 * (KASAN); each run's checks must still pass.
 */
TEST_F_TIMEOUT(race, pubsub_windows_widened, 120)
{
	long long e0, b0;
	int r;

	r = widen("pubsub_enqueue", 20);
	if (r == -EOPNOTSUPP)
		SKIP(return, "gosync.ko has no race windows");
	ASSERT_EQ(0, r) TH_LOG("%s", out);
	ASSERT_EQ(0, widen("pubsub_blocked", 100)) TH_LOG("%s", out);
	e0 = hits("pubsub_enqueue");
	b0 = hits("pubsub_blocked");
	ASSERT_EQ(0, gs_cmd_out(PUBSUB_STRESS, out, sizeof(out),
				"publishers=2 subscribers=6 duration_ms=%d depth=2 policy=mix churn_pct=80",
				gs_slow_kernel() ? 1500 : 800)) TH_LOG("%s", out);
	EXPECT_EQ(0, strncmp(out, "result=PASS ", 12)) TH_LOG("%s", out);
	EXPECT_LT(e0, hits("pubsub_enqueue"));
	EXPECT_LT(b0, hits("pubsub_blocked"));
	TH_LOG("pubsub_enqueue passes: %lld, pubsub_blocked: %lld",
	       hits("pubsub_enqueue") - e0, hits("pubsub_blocked") - b0);
}

int main(int argc, char **argv)
{
	return gs_test_main(argc, argv);
}
