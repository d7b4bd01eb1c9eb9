// SPDX-License-Identifier: GPL-2.0
/*
 * gosync's tracepoints (kmod/trace.h) through tracefs: each event of
 * system "gosync" exists with its fields; and driving the primitives
 * through gosync_test.ko's command files (breaker/cmd, map/cmd, pool/cmd,
 * barrier/run, phaser/run, once/stress, ctx/stress,
 * sem/stress, group/stress, wpool/stress) records the events they must, with the fields
 * they must. Skips if the kernel has no tracefs.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <sys/mount.h>

#include "kselftest_harness.h"
#include "gosync_test.h"

#define BRK_CMD		GOSYNC_TEST_DEBUGFS "/breaker/cmd"
#define MAP_CMD		GOSYNC_TEST_DEBUGFS "/map/cmd"
#define POOL_CMD	GOSYNC_TEST_DEBUGFS "/pool/cmd"
#define BAR_RUN		GOSYNC_TEST_DEBUGFS "/barrier/run"
#define PHR_RUN		GOSYNC_TEST_DEBUGFS "/phaser/run"
#define ONCE_STRESS	GOSYNC_TEST_DEBUGFS "/once/stress"
#define CTX_STRESS	GOSYNC_TEST_DEBUGFS "/ctx/stress"
#define SEM_STRESS	GOSYNC_TEST_DEBUGFS "/sem/stress"
#define GROUP_STRESS	GOSYNC_TEST_DEBUGFS "/group/stress"
#define CHAN_STRESS	GOSYNC_TEST_DEBUGFS "/chan/stress"
#define WPOOL_STRESS	GOSYNC_TEST_DEBUGFS "/wpool/stress"
#define PUBSUB_STRESS	GOSYNC_TEST_DEBUGFS "/pubsub/stress"
#define CPU1_ONLINE	"/sys/devices/system/cpu/cpu1/online"

/* The trace buffer as last read, and a command's output. */
static char trace[1 << 20];
static char out[8192];

/* The tracefs mount, found (or mounted) by find_tracefs(). */
static char tracefs[64];

/* options/record-cmd as the test found it ('0' or '1'; 0: unknown). */
static char record_cmd;

static int find_tracefs(void)
{
	static const char *const dirs[] = {
		"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
	};
	char path[128];
	unsigned int i;

	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/events", dirs[i]);
		if (access(path, F_OK) && i == 0)
			mount("tracefs", dirs[0], "tracefs", 0, NULL);
		if (!access(path, F_OK)) {
			snprintf(tracefs, sizeof(tracefs), "%s", dirs[i]);
			return 0;
		}
	}
	return -1;
}

static int tfs_write(const char *file, const char *text)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/%s", tracefs, file);
	return gs_cmd(path, text);
}

/* Empty the trace buffer. */
static int trace_clear(void)
{
	char path[160];
	int fd;

	snprintf(path, sizeof(path), "%s/trace", tracefs);
	fd = open(path, O_WRONLY | O_TRUNC);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/* Read the trace buffer into trace[]; its length or -errno. */
static ssize_t trace_read(void)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/trace", tracefs);
	return gs_read(path, trace, sizeof(trace));
}

/*
 * The records of gosync event @event in trace[] whose text after
 * "gosync_<event>: " starts with @prefix and contains each of the
 * blank-separated words of @also (NULL: none); with @first, the first
 * one's text.
 */
static int count_events(const char *event, const char *prefix,
			const char *also, char *first, size_t size)
{
	char tag[64], *p = trace, *eol, line[512], word[64];
	int n = 0, off, len;

	snprintf(tag, sizeof(tag), " gosync_%s: ", event);
	while ((p = strstr(p, tag))) {
		const char *w = also;
		int ok = 1;

		p += strlen(tag);
		eol = strchr(p, '\n');
		len = eol ? eol - p : (int)strlen(p);
		snprintf(line, sizeof(line), "%.*s", len, p);
		if (strncmp(line, prefix, strlen(prefix)))
			continue;
		while (w && sscanf(w, "%63s%n", word, &off) == 1) {
			if (!strstr(line, word))
				ok = 0;
			w += off;
		}
		if (!ok)
			continue;
		if (!n && first)
			snprintf(first, size, "%s", line);
		n++;
	}
	return n;
}

FIXTURE(trace) {
	int dummy;
};

FIXTURE_SETUP(trace)
{
	if (find_tracefs())
		SKIP(return, "no tracefs");
	if (access(GOSYNC_TEST_DEBUGFS, F_OK))
		SKIP(return, "gosync_test.ko is not loaded");
	ASSERT_EQ(0, tfs_write("events/gosync/enable", "0"));
	/*
	 * Enabling an event with record-cmd set registers the comm
	 * recorder on sched_switch: __schedule()'s code is patched while
	 * every CPU runs it. Under QEMU's TCG that patching has hung
	 * guests (the other CPUs spin in the int3 of text_poke_bp(), the
	 * patching CPU waits for them). The checks read no comm: keep the
	 * scheduler unpatched, and restore the option in the teardown.
	 */
	if (!record_cmd) {
		char path[160], v[4] = "";

		snprintf(path, sizeof(path), "%s/options/record-cmd", tracefs);
		if (gs_read(path, v, sizeof(v)) > 0 && (v[0] == '0' || v[0] == '1'))
			record_cmd = v[0];
	}
	tfs_write("options/record-cmd", "0");
	ASSERT_EQ(0, trace_clear());
	ASSERT_EQ(0, tfs_write("tracing_on", "1"));
	ASSERT_EQ(0, tfs_write("events/gosync/enable", "1"));
}

FIXTURE_TEARDOWN(trace)
{
	if (tracefs[0])
		tfs_write("events/gosync/enable", "0");
	if (tracefs[0] && record_cmd)
		tfs_write("options/record-cmd", record_cmd == '1' ? "1" : "0");
}

/* Each event, with its fields as format files print them. */
#define NAME		"char name[32]; "
#define MAP_COPY	"unsigned int old_size; unsigned int new_size; " \
			"unsigned long entries; u64 duration_ns; int ret;"
TEST_F(trace, events_and_fields)
{
	static const struct {
		const char *event;
		const char *fields;
	} want[] = {
		{ "breaker_state", NAME "int from; int to; int reason; bool forced; u64 gen;" },
		{ "map_resize", NAME MAP_COPY },
		{ "map_reseed", NAME MAP_COPY },
		{ "pool_shrink", NAME "unsigned long nr_to_scan; unsigned long freed;" },
		{ "pool_drain", NAME "unsigned int cpu; unsigned long moved;" },
		{ "pool_steal", NAME "unsigned int from_cpu; unsigned int to_cpu; "
				"unsigned int objects;" },
		{ "barrier_broken", NAME "u64 gen; unsigned int arrived; unsigned int parties; "
				    "int err;" },
		{ "barrier_reset", NAME "u64 gen;" },
		{ "phaser_advance", NAME "int phase; unsigned int parties; bool terminated;" },
		{ "phaser_terminate", NAME "int phase; bool forced;" },
		{ "once_run", "const void * fn; int ret; unsigned int runs; bool final;" },
		{ "ctx_cancel", "int err; unsigned int descendants;" },
		{ "sem_queue", "const void * sem; u64 n; u64 available;" },
		{ "sem_dequeue", "const void * sem; u64 n; int ret;" },
		{ "group_job", "const void * fn; int ret;" },
		{ "group_cancel", "const void * fn; int err;" },
		{ "chan_block", "const void * chan; unsigned int n;" },
		{ "chan_unblock", "const void * chan; int ret;" },
		{ "chan_close", "const void * chan; unsigned int woken;" },
		{ "chan_pipe_end", "const void * pipe; int ret;" },
		{ "wpool_worker", NAME "bool start; unsigned int workers;" },
		{ "wpool_shutdown", NAME "int phase; unsigned int queued; unsigned int running;" },
		{ "pubsub_publish", "const void * t; const void * msg; int delivered; int err;" },
		{ "pubsub_drop", "const void * sub; const void * msg; int policy;" },
		{ "pubsub_block", "const void * sub; u32 count;" },
		{ "pubsub_subscribe", "const void * t; const void * sub; u32 depth; int policy;" },
		{ "pubsub_unsubscribe", "const void * t; const void * sub; u32 released;" },
		{ "pubsub_close", "const void * t;" },
	};
	char path[160], field[96], *fmt = out;
	const char *f;
	unsigned int i;
	int n;

	for (i = 0; i < ARRAY_SIZE(want); i++) {
		snprintf(path, sizeof(path), "%s/events/gosync/gosync_%s/format",
			 tracefs, want[i].event);
		ASSERT_LT(0, gs_read(path, fmt, sizeof(out))) TH_LOG("%s", path);
		for (f = want[i].fields; sscanf(f, " %95[^;];%n", field, &n) == 1;
		     f += n) {
			char pat[128];

			snprintf(pat, sizeof(pat), "field:%s;", field);
			EXPECT_NE(NULL, strstr(fmt, pat))
				TH_LOG("gosync_%s has no '%s'", want[i].event, pat);
		}
	}
}

/* A trip, a forced close and a reset: one event each, in order. */
TEST_F(trace, breaker_state_changes)
{
	char rec[512];

	ASSERT_EQ(0, gs_cmd_out(BRK_CMD, out, sizeof(out),
				"create name=trc clock=fake consecutive=2"));
	ASSERT_EQ(0, gs_cmd_out(BRK_CMD, out, sizeof(out), "feed name=trc fail=2"));
	ASSERT_EQ(0, gs_cmd_out(BRK_CMD, out, sizeof(out), "force_closed name=trc"));
	ASSERT_EQ(0, gs_cmd_out(BRK_CMD, out, sizeof(out), "reset name=trc"));
	ASSERT_EQ(0, gs_cmd_out(BRK_CMD, out, sizeof(out), "destroy name=trc"));
	ASSERT_LT(0, trace_read());
	EXPECT_EQ(3, count_events("breaker_state", "name=trc ", NULL, NULL, 0))
		TH_LOG("%s", trace);
	EXPECT_EQ(1, count_events("breaker_state",
				  "name=trc from=closed to=open reason=consecutive forced=0 gen=2",
				  NULL, rec, sizeof(rec)));
	EXPECT_EQ(1, count_events("breaker_state",
				  "name=trc from=open to=closed reason=forced forced=1 gen=3",
				  NULL, NULL, 0));
	EXPECT_EQ(1, count_events("breaker_state",
				  "name=trc from=closed to=closed reason=reset forced=0 gen=4",
				  NULL, NULL, 0));
}

/* A resize to more buckets, then a reseed (same size, a new seed). */
TEST_F(trace, map_resize_and_reseed)
{
	char rec[512];
	int i;

	ASSERT_EQ(0, gs_cmd_out(MAP_CMD, out, sizeof(out), "init"));
	for (i = 0; i < 20; i++)
		ASSERT_EQ(0, gs_cmd_out(MAP_CMD, out, sizeof(out),
					"store key=%d value=%d", i + 1, i + 1));
	ASSERT_EQ(0, gs_cmd_out(MAP_CMD, out, sizeof(out), "sync"));
	ASSERT_EQ(0, gs_cmd_out(MAP_CMD, out, sizeof(out), "resize buckets=1024"));
	ASSERT_EQ(0, gs_cmd_out(MAP_CMD, out, sizeof(out), "resize buckets=0"));
	ASSERT_LT(0, trace_read());
	EXPECT_EQ(1, count_events("map_resize", "name= ",
				  "new_size=1024 entries=20 ret=0", rec, sizeof(rec)))
		TH_LOG("%s", trace);
	EXPECT_NE(-1, gs_field(rec, "old_size", -1));
	EXPECT_LE(0, gs_field(rec, "duration_ns", -1));
	/* A resize the worker queued before may run in between: any size. */
	EXPECT_EQ(1, count_events("map_reseed", "name= ", "entries=20 ret=0",
				  rec, sizeof(rec)))
		TH_LOG("%s", trace);
	EXPECT_EQ(gs_field(rec, "old_size", -1), gs_field(rec, "new_size", -2))
		TH_LOG("%s", rec);
	gs_cmd_out(MAP_CMD, out, sizeof(out), "clear");
}

static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

/*
 * Shrink: objects spilled to the depot, aged, then freed. Steal: CPU 0
 * spills, CPU 1 gets (its own shard is empty).
 */
TEST_F(trace, pool_shrink_and_steal)
{
	char rec[512];
	long long freed;

	ASSERT_EQ(0, gs_cmd_out(POOL_CMD, out, sizeof(out),
				"create name=trp cpu_cache=2"));
	ASSERT_EQ(0, pin(0));
	ASSERT_EQ(0, gs_cmd_out(POOL_CMD, out, sizeof(out), "get name=trp n=8"));
	ASSERT_EQ(0, gs_cmd_out(POOL_CMD, out, sizeof(out), "put name=trp n=8"));
	if (gs_online_cpus() >= 2) {
		ASSERT_EQ(0, pin(1));
		ASSERT_EQ(0, gs_cmd_out(POOL_CMD, out, sizeof(out),
					"get name=trp n=2"));
		ASSERT_EQ(0, gs_cmd_out(POOL_CMD, out, sizeof(out),
					"put name=trp n=2"));
	}
	ASSERT_EQ(0, pin(0));
	ASSERT_EQ(0, gs_cmd_out(POOL_CMD, out, sizeof(out), "age name=trp"));
	ASSERT_EQ(0, gs_cmd_out(POOL_CMD, out, sizeof(out),
				"shrink name=trp nr=1000"));
	freed = gs_field(out, "freed", -1);
	ASSERT_EQ(0, gs_cmd_out(POOL_CMD, out, sizeof(out), "destroy name=trp"));
	ASSERT_LT(0, trace_read());
	EXPECT_EQ(1, count_events("pool_shrink", "name=dbg-trp nr_to_scan=1000 ",
				  NULL, rec, sizeof(rec)))
		TH_LOG("%s", trace);
	EXPECT_LT(0, gs_field(rec, "freed", -1)) TH_LOG("%s", rec);
	if (freed >= 0)
		EXPECT_EQ(freed, gs_field(rec, "freed", -1)) TH_LOG("%s", rec);
	if (gs_online_cpus() >= 2)
		EXPECT_LE(1, count_events("pool_steal",
					  "name=dbg-trp from_cpu=0 to_cpu=1 objects=1",
					  NULL, NULL, 0))
			TH_LOG("%s", trace);
}

/* CPU 1 goes offline with objects in its magazines: they are drained. */
TEST_F(trace, pool_drain_on_cpu_offline)
{
	char rec[512];
	int ret;

	if (gs_online_cpus() < 2 || access(CPU1_ONLINE, W_OK))
		SKIP(return, "CPU 1 cannot go offline");
	ASSERT_EQ(0, gs_cmd_out(POOL_CMD, out, sizeof(out),
				"create name=trd cpu_cache=8"));
	ASSERT_EQ(0, pin(1));
	ASSERT_EQ(0, gs_cmd_out(POOL_CMD, out, sizeof(out), "get name=trd n=3"));
	ASSERT_EQ(0, gs_cmd_out(POOL_CMD, out, sizeof(out), "put name=trd n=3"));
	ASSERT_EQ(0, pin(0));
	ret = gs_cmd(CPU1_ONLINE, "0");
	if (!ret)
		gs_cmd(CPU1_ONLINE, "1");
	ASSERT_EQ(0, gs_cmd_out(POOL_CMD, out, sizeof(out), "destroy name=trd"));
	if (ret)
		SKIP(return, "CPU 1 did not go offline: %d", ret);
	ASSERT_LT(0, trace_read());
	EXPECT_EQ(1, count_events("pool_drain", "name=dbg-trd cpu=1 ", NULL,
				  rec, sizeof(rec)))
		TH_LOG("%s", trace);
	EXPECT_EQ(3, gs_field(rec, "moved", -1)) TH_LOG("%s", rec);
}

/* A controller's resets break generations: broken (err 0) and reset. */
TEST_F(trace, barrier_broken_and_reset)
{
	int resets;

	ASSERT_EQ(0, gs_cmd_out(BAR_RUN, out, sizeof(out),
				"threads=2 rounds=50 mode=reset")) TH_LOG("%s", out);
	ASSERT_LT(0, trace_read());
	resets = count_events("barrier_reset", "name= gen=", NULL, NULL, 0);
	EXPECT_LE(1, resets) TH_LOG("%s", out);
	EXPECT_LE(resets, count_events("barrier_broken", "name= gen=",
				       "parties=2 err=0", NULL, 0));

	ASSERT_EQ(0, trace_clear());
	ASSERT_EQ(0, gs_cmd_out(BAR_RUN, out, sizeof(out),
				"threads=2 rounds=20 mode=timeout")) TH_LOG("%s", out);
	ASSERT_LT(0, trace_read());
	EXPECT_LE(1, count_events("barrier_broken", "name= gen=",
				  "parties=2 err=-110", NULL, 0))
		TH_LOG("%s", out);
}

/* Each round is an advance; mode=terminate ends with a forced one. */
TEST_F(trace, phaser_advance_and_terminate)
{
	ASSERT_EQ(0, gs_cmd_out(PHR_RUN, out, sizeof(out),
				"threads=2 rounds=10")) TH_LOG("%s", out);
	ASSERT_LT(0, trace_read());
	EXPECT_LE(10, count_events("phaser_advance", "name= phase=", NULL,
				   NULL, 0))
		TH_LOG("%s", out);
	EXPECT_EQ(1, count_events("phaser_advance", "name= phase=9 ", NULL,
				  NULL, 0))
		TH_LOG("%s", trace);

	ASSERT_EQ(0, trace_clear());
	ASSERT_EQ(0, gs_cmd_out(PHR_RUN, out, sizeof(out),
				"threads=2 rounds=10 mode=terminate")) TH_LOG("%s", out);
	ASSERT_LT(0, trace_read());
	EXPECT_EQ(1, count_events("phaser_terminate", "name= phase=",
				  "forced=1", NULL, 0))
		TH_LOG("%s", trace);
}

/* Each run of a once's function: a failure is not final, a success is. */
TEST_F(trace, once_runs)
{
	ASSERT_EQ(0, gs_cmd_out(ONCE_STRESS, out, sizeof(out),
				"threads=1 duration_ms=1 fail_pct=100"))
		TH_LOG("%s", out);
	ASSERT_LT(0, trace_read());
	EXPECT_LE(1, count_events("once_run", "fn=gonce_fn",
				  "ret=-5 runs=1 final=0", NULL, 0))
		TH_LOG("%s", out);
	EXPECT_EQ(0, count_events("once_run", "fn=", "final=1", NULL, 0));

	ASSERT_EQ(0, trace_clear());
	ASSERT_EQ(0, gs_cmd_out(ONCE_STRESS, out, sizeof(out),
				"threads=1 duration_ms=1 fail_pct=0"))
		TH_LOG("%s", out);
	ASSERT_LT(0, trace_read());
	EXPECT_LE(1, count_events("once_run", "fn=gonce_fn", "runs=1 final=1",
				  NULL, 0))
		TH_LOG("%s", out);
	EXPECT_EQ(0, count_events("once_run", "fn=", "final=0", NULL, 0));
}

/*
 * Each round's end cancels the root of the tree with -ESHUTDOWN, unless a
 * planted cancel hit the root first (3 random nodes of 13 per round).
 */
TEST_F(trace, ctx_cancels)
{
	int n;

	ASSERT_EQ(0, gs_cmd_out(CTX_STRESS, out, sizeof(out),
				"threads=2 rounds=10 deadline_pct=0"))
		TH_LOG("%s", out);
	ASSERT_LT(0, trace_read());
	n = count_events("ctx_cancel", "err=-108 ", NULL, NULL, 0);
	EXPECT_LE(1, n) TH_LOG("%s", out);
	EXPECT_GE(10, n);
	EXPECT_LE(11, count_events("ctx_cancel", "err=", "descendants=", NULL, 0))
		TH_LOG("%s", out);
}

/*
 * Two threads on a semaphore of one unit: callers queue, and leave the
 * queue with the unit or, their context's deadline passed, -ETIMEDOUT;
 * as many leave as queued.
 */
TEST_F(trace, sem_queue)
{
	static const char cmd[] =
		"threads=2 duration_ms=30 capacity=1 ctx_pct=50 timeout_pct=0 try_pct=0 hold_us=50";
	int queued, granted, cancelled;

	ASSERT_EQ(0, gs_cmd_out(SEM_STRESS, out, sizeof(out), "%s", cmd))
		TH_LOG("%s", out);
	ASSERT_LT(0, trace_read());
	queued = count_events("sem_queue", "sem=", "n=1 available=", NULL, 0);
	granted = count_events("sem_dequeue", "sem=", "n=1 ret=0", NULL, 0);
	cancelled = count_events("sem_dequeue", "sem=", "n=1 ret=-110", NULL, 0);
	EXPECT_LE(1, queued) TH_LOG("%s", out);
	EXPECT_LE(1, granted);
	EXPECT_EQ(queued, granted + cancelled) TH_LOG("%s", out);
}

/*
 * Every job of a round fails (-1024 - its index): one group_cancel per
 * round, the first failure's, and a group_job per job started (the
 * first of each round at least), each with its error.
 */
TEST_F(trace, group_first_errors)
{
	ASSERT_EQ(0, gs_cmd_out(GROUP_STRESS, out, sizeof(out),
				"threads=1 rounds=4 jobs=8 limit=0 fail_pct=100"))
		TH_LOG("%s", out);
	ASSERT_LT(0, trace_read());
	EXPECT_EQ(4, count_events("group_cancel", "fn=ggrp_st_job_fn", "err=-10",
				  NULL, 0)) TH_LOG("%s", out);
	EXPECT_LE(4, count_events("group_job", "fn=ggrp_st_job_fn", "ret=-10",
				  NULL, 0));
	EXPECT_EQ(0, count_events("group_job", "fn=", "ret=0", NULL, 0));
}

/*
 * Unbuffered channels, plain calls (a receive selects over both) and
 * deadlines: every call that blocked left, with the case it completed
 * (ret=0 or ret=1) or -ETIMEDOUT; the last producer closed both channels,
 * once each.
 */
TEST_F(trace, chan_block)
{
	static const char cmd[] =
		"duration_ms=30 capacity=0 select_pct=0 ctx_pct=50 timeout_pct=0 try_pct=0";
	int blocked, left, done, cancelled;

	ASSERT_EQ(0, gs_cmd_out(CHAN_STRESS, out, sizeof(out), "%s", cmd))
		TH_LOG("%s", out);
	ASSERT_LT(0, trace_read());
	blocked = count_events("chan_block", "chan=", NULL, NULL, 0);
	left = count_events("chan_unblock", "chan=", NULL, NULL, 0);
	done = count_events("chan_unblock", "chan=", "ret=0", NULL, 0) +
	       count_events("chan_unblock", "chan=", "ret=1", NULL, 0);
	cancelled = count_events("chan_unblock", "chan=", "ret=-110", NULL, 0);
	EXPECT_LE(1, blocked) TH_LOG("%s", out);
	EXPECT_LE(1, done);
	EXPECT_EQ(blocked, left) TH_LOG("%s", out);
	EXPECT_EQ(left, done + cancelled) TH_LOG("%s", out);
	EXPECT_EQ(2, count_events("chan_close", "chan=", NULL, NULL, 0));
}

/*
 * A pool of 2 fixed workers: two starts, one shutdown with its three
 * phases in order, two exits at its end.
 */
TEST_F(trace, wpool_lifecycle)
{
	char first[512];

	ASSERT_EQ(0, gs_cmd_out(WPOOL_STRESS, out, sizeof(out),
				"threads=2 duration_ms=50 jobs=100 min=2 max=2 resize=0"))
		TH_LOG("%s", out);
	ASSERT_LT(0, trace_read());
	EXPECT_EQ(2, count_events("wpool_worker", "name=stress start", NULL,
				  NULL, 0)) TH_LOG("%s", out);
	EXPECT_EQ(2, count_events("wpool_worker", "name=stress exit", NULL,
				  NULL, 0));
	EXPECT_EQ(1, count_events("wpool_shutdown", "name=stress phase=draining",
				  NULL, first, sizeof(first)));
	EXPECT_EQ(1, count_events("wpool_shutdown", "name=stress phase=stopping",
				  NULL, NULL, 0));
	EXPECT_EQ(1, count_events("wpool_shutdown", "name=stress phase=dead",
				  "running=0", NULL, 0));
}

/*
 * One publisher, one stable subscriber with a queue of 1 dropping the
 * newest: its subscribe and unsubscribe and one close; then, in a run of
 * their own, publishes and drops (counted from the first 1 MiB only).
 * Together, on a fast kernel, the per-message events of 50 ms overflow
 * what trace_read() keeps (1 MiB) and hide the last ones.
 */
TEST_F(trace, pubsub_lifecycle)
{
	static const char cmd[] =
		"publishers=1 subscribers=1 depth=1 policy=newest duration_ms=%d";

	ASSERT_EQ(0, tfs_write("events/gosync/gosync_pubsub_publish/enable", "0"));
	ASSERT_EQ(0, tfs_write("events/gosync/gosync_pubsub_drop/enable", "0"));
	ASSERT_EQ(0, gs_cmd_out(PUBSUB_STRESS, out, sizeof(out), cmd, 50))
		TH_LOG("%s", out);
	ASSERT_LT(0, trace_read());
	EXPECT_EQ(1, count_events("pubsub_subscribe", "topic=",
				  "depth=1 policy=0", NULL, 0));
	EXPECT_EQ(1, count_events("pubsub_unsubscribe", "topic=", NULL, NULL, 0));
	EXPECT_EQ(1, count_events("pubsub_close", "topic=", NULL, NULL, 0));

	ASSERT_EQ(0, tfs_write("events/gosync/enable", "0"));
	ASSERT_EQ(0, trace_clear());
	ASSERT_EQ(0, tfs_write("events/gosync/gosync_pubsub_publish/enable", "1"));
	ASSERT_EQ(0, tfs_write("events/gosync/gosync_pubsub_drop/enable", "1"));
	ASSERT_EQ(0, gs_cmd_out(PUBSUB_STRESS, out, sizeof(out), cmd, 50))
		TH_LOG("%s", out);
	ASSERT_LT(0, trace_read());
	EXPECT_LE(1, count_events("pubsub_publish", "topic=", "err=0", NULL, 0))
		TH_LOG("%s", out);
	EXPECT_LE(1, count_events("pubsub_drop", "sub=", "policy=0", NULL, 0));
}

int main(int argc, char **argv)
{
	return gs_test_main(argc, argv);
}
