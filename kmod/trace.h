/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gosync's tracepoints: system "gosync" in tracefs
 * (/sys/kernel/tracing/events/gosync/), for ftrace, trace-cmd, perf and
 * bpftrace. Each event is a static key when disabled: the call sites
 * cost one patched-out jump, and what only an event needs (a duration, a
 * sum over CPUs) is computed under trace_<event>_enabled().
 *
 * Every event names its object by the name the caller gave it (cut to
 * GOSYNC_NAME_MAX - 1 bytes; "" for an unnamed one), never by address.
 * The events and their fields are listed in README.md ("Tracepoints").
 *
 * An out-of-tree module's trace header: kmod/trace.c defines
 * CREATE_TRACE_POINTS and includes it; <trace/define_trace.h> then
 * includes it again as "./trace.h", found through Kbuild's -iquote of
 * kmod/ (TRACE_INCLUDE_PATH below). The native build (tools/native) maps
 * the macros to empty inline functions (its shim's trace.h).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM gosync

#if !defined(_GOSYNC_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _GOSYNC_TRACE_H

#include <linux/string.h>
#include <linux/tracepoint.h>
#include <linux/types.h>

#include <gosync/breaker.h>

/* Read once: <trace/define_trace.h> reads the events again and again. */
#ifndef _GOSYNC_TRACE_ONCE
#define _GOSYNC_TRACE_ONCE
/* Copy an object's name into an event; NULL is "". */
static inline void gosync_trace_name(char *dst, const char *name)
{
	strscpy(dst, name ? name : "", GOSYNC_NAME_MAX);
}
#endif

TRACE_DEFINE_ENUM(GOSYNC_BREAKER_CLOSED);
TRACE_DEFINE_ENUM(GOSYNC_BREAKER_OPEN);
TRACE_DEFINE_ENUM(GOSYNC_BREAKER_HALF_OPEN);
TRACE_DEFINE_ENUM(GOSYNC_BREAKER_R_CONSECUTIVE);
TRACE_DEFINE_ENUM(GOSYNC_BREAKER_R_FAILURE_RATE);
TRACE_DEFINE_ENUM(GOSYNC_BREAKER_R_SLOW_RATE);
TRACE_DEFINE_ENUM(GOSYNC_BREAKER_R_OPEN_EXPIRED);
TRACE_DEFINE_ENUM(GOSYNC_BREAKER_R_PROBE_FAILED);
TRACE_DEFINE_ENUM(GOSYNC_BREAKER_R_PROBES_OK);
TRACE_DEFINE_ENUM(GOSYNC_BREAKER_R_HALF_OPEN_STUCK);
TRACE_DEFINE_ENUM(GOSYNC_BREAKER_R_FORCED);
TRACE_DEFINE_ENUM(GOSYNC_BREAKER_R_RESET);

#define gosync_trace_breaker_state(s)				\
	__print_symbolic(s,					\
			 { GOSYNC_BREAKER_CLOSED, "closed" },	\
			 { GOSYNC_BREAKER_OPEN, "open" },	\
			 { GOSYNC_BREAKER_HALF_OPEN, "half-open" })

#define gosync_trace_breaker_reason(r)					\
	__print_symbolic(r,						\
			 { GOSYNC_BREAKER_R_CONSECUTIVE, "consecutive" },	\
			 { GOSYNC_BREAKER_R_FAILURE_RATE, "failure-rate" },	\
			 { GOSYNC_BREAKER_R_SLOW_RATE, "slow-rate" },	\
			 { GOSYNC_BREAKER_R_OPEN_EXPIRED, "open-expired" },	\
			 { GOSYNC_BREAKER_R_PROBE_FAILED, "probe-failed" },	\
			 { GOSYNC_BREAKER_R_PROBES_OK, "probes-ok" },	\
			 { GOSYNC_BREAKER_R_HALF_OPEN_STUCK, "half-open-stuck" }, \
			 { GOSYNC_BREAKER_R_FORCED, "forced" },		\
			 { GOSYNC_BREAKER_R_RESET, "reset" })

/* A breaker changed state: one event per generation. */
TRACE_EVENT(gosync_breaker_state,
	    TP_PROTO(const char *name, int from, int to, int reason, bool forced,
		     u64 gen),
	    TP_ARGS(name, from, to, reason, forced, gen),
	    TP_STRUCT__entry(__array(char, name, GOSYNC_NAME_MAX)
			     __field(int, from)
			     __field(int, to)
			     __field(int, reason)
			     __field(bool, forced)
			     __field(u64, gen)),
	    TP_fast_assign(gosync_trace_name(__entry->name, name);
			   __entry->from = from;
			   __entry->to = to;
			   __entry->reason = reason;
			   __entry->forced = forced;
			   __entry->gen = gen;),
	    TP_printk("name=%s from=%s to=%s reason=%s forced=%d gen=%llu",
		      __entry->name, gosync_trace_breaker_state(__entry->from),
		      gosync_trace_breaker_state(__entry->to),
		      gosync_trace_breaker_reason(__entry->reason),
		      __entry->forced, __entry->gen)
);

/* A map copied its table to a new one (@ret 0) or gave up (-errno). */
DECLARE_EVENT_CLASS(gosync_map_copy,
		    TP_PROTO(const char *name, unsigned int old_size,
			     unsigned int new_size, unsigned long entries, u64 duration_ns,
			     int ret),
		    TP_ARGS(name, old_size, new_size, entries, duration_ns, ret),
		    TP_STRUCT__entry(__array(char, name, GOSYNC_NAME_MAX)
				     __field(unsigned int, old_size)
				     __field(unsigned int, new_size)
				     __field(unsigned long, entries)
				     __field(u64, duration_ns)
				     __field(int, ret)),
		    TP_fast_assign(gosync_trace_name(__entry->name, name);
				   __entry->old_size = old_size;
				   __entry->new_size = new_size;
				   __entry->entries = entries;
				   __entry->duration_ns = duration_ns;
				   __entry->ret = ret;),
		    TP_printk("name=%s old_size=%u new_size=%u entries=%lu duration_ns=%llu ret=%d",
			      __entry->name, __entry->old_size, __entry->new_size,
			      __entry->entries, __entry->duration_ns, __entry->ret)
);

/* To another bucket count (sizes are bucket counts). */
DEFINE_EVENT(gosync_map_copy, gosync_map_resize,
	     TP_PROTO(const char *name, unsigned int old_size,
		      unsigned int new_size, unsigned long entries, u64 duration_ns,
		      int ret),
	     TP_ARGS(name, old_size, new_size, entries, duration_ns, ret)
);

/* To the same bucket count with a new hash seed (a chain grew too long). */
DEFINE_EVENT(gosync_map_copy, gosync_map_reseed,
	     TP_PROTO(const char *name, unsigned int old_size,
		      unsigned int new_size, unsigned long entries, u64 duration_ns,
		      int ret),
	     TP_ARGS(name, old_size, new_size, entries, duration_ns, ret)
);

/* gosync_pool_shrink() or the shrinker freed depot objects. */
TRACE_EVENT(gosync_pool_shrink,
	    TP_PROTO(const char *name, unsigned long nr_to_scan,
		     unsigned long freed),
	    TP_ARGS(name, nr_to_scan, freed),
	    TP_STRUCT__entry(__array(char, name, GOSYNC_NAME_MAX)
			     __field(unsigned long, nr_to_scan)
			     __field(unsigned long, freed)),
	    TP_fast_assign(gosync_trace_name(__entry->name, name);
			   __entry->nr_to_scan = nr_to_scan;
			   __entry->freed = freed;),
	    TP_printk("name=%s nr_to_scan=%lu freed=%lu", __entry->name,
		      __entry->nr_to_scan, __entry->freed)
);

/* A CPU's magazines moved to its depot shard (CPU offline, or a test). */
TRACE_EVENT(gosync_pool_drain,
	    TP_PROTO(const char *name, unsigned int cpu, unsigned long moved),
	    TP_ARGS(name, cpu, moved),
	    TP_STRUCT__entry(__array(char, name, GOSYNC_NAME_MAX)
			     __field(unsigned int, cpu)
			     __field(unsigned long, moved)),
	    TP_fast_assign(gosync_trace_name(__entry->name, name);
			   __entry->cpu = cpu;
			   __entry->moved = moved;),
	    TP_printk("name=%s cpu=%u moved=%lu", __entry->name, __entry->cpu,
		      __entry->moved)
);

/* A get took a magazine of @objects from another CPU's depot shard. */
TRACE_EVENT(gosync_pool_steal,
	    TP_PROTO(const char *name, unsigned int from_cpu, unsigned int to_cpu,
		     unsigned int objects),
	    TP_ARGS(name, from_cpu, to_cpu, objects),
	    TP_STRUCT__entry(__array(char, name, GOSYNC_NAME_MAX)
			     __field(unsigned int, from_cpu)
			     __field(unsigned int, to_cpu)
			     __field(unsigned int, objects)),
	    TP_fast_assign(gosync_trace_name(__entry->name, name);
			   __entry->from_cpu = from_cpu;
			   __entry->to_cpu = to_cpu;
			   __entry->objects = objects;),
	    TP_printk("name=%s from_cpu=%u to_cpu=%u objects=%u", __entry->name,
		      __entry->from_cpu, __entry->to_cpu, __entry->objects)
);

/*
 * A barrier's generation broke: a waiter gave up (@err -ERESTARTSYS or
 * -ETIMEDOUT) or gosync_barrier_reset() (@err 0), with @arrived of
 * @parties in it.
 */
TRACE_EVENT(gosync_barrier_broken,
	    TP_PROTO(const char *name, u64 gen, unsigned int arrived,
		     unsigned int parties, int err),
	    TP_ARGS(name, gen, arrived, parties, err),
	    TP_STRUCT__entry(__array(char, name, GOSYNC_NAME_MAX)
			     __field(u64, gen)
			     __field(unsigned int, arrived)
			     __field(unsigned int, parties)
			     __field(int, err)),
	    TP_fast_assign(gosync_trace_name(__entry->name, name);
			   __entry->gen = gen;
			   __entry->arrived = arrived;
			   __entry->parties = parties;
			   __entry->err = err;),
	    TP_printk("name=%s gen=%llu arrived=%u parties=%u err=%d",
		      __entry->name, __entry->gen, __entry->arrived,
		      __entry->parties, __entry->err)
);

/* gosync_barrier_reset() started generation @gen, unbroken. */
TRACE_EVENT(gosync_barrier_reset,
	    TP_PROTO(const char *name, u64 gen),
	    TP_ARGS(name, gen),
	    TP_STRUCT__entry(__array(char, name, GOSYNC_NAME_MAX)
			     __field(u64, gen)),
	    TP_fast_assign(gosync_trace_name(__entry->name, name);
			   __entry->gen = gen;),
	    TP_printk("name=%s gen=%llu", __entry->name, __entry->gen)
);

/*
 * A root phaser's @phase is over; @parties are registered for the next
 * one, which does not open if @terminated.
 */
TRACE_EVENT(gosync_phaser_advance,
	    TP_PROTO(const char *name, int phase, unsigned int parties,
		     bool terminated),
	    TP_ARGS(name, phase, parties, terminated),
	    TP_STRUCT__entry(__array(char, name, GOSYNC_NAME_MAX)
			     __field(int, phase)
			     __field(unsigned int, parties)
			     __field(bool, terminated)),
	    TP_fast_assign(gosync_trace_name(__entry->name, name);
			   __entry->phase = phase;
			   __entry->parties = parties;
			   __entry->terminated = terminated;),
	    TP_printk("name=%s phase=%d parties=%u terminated=%d", __entry->name,
		      __entry->phase, __entry->parties, __entry->terminated)
);

/*
 * A phaser tree terminated in @phase: @forced by
 * gosync_phaser_force_termination(), else by its advance (on_advance
 * said so, or no party was left).
 */
TRACE_EVENT(gosync_phaser_terminate,
	    TP_PROTO(const char *name, int phase, bool forced),
	    TP_ARGS(name, phase, forced),
	    TP_STRUCT__entry(__array(char, name, GOSYNC_NAME_MAX)
			     __field(int, phase)
			     __field(bool, forced)),
	    TP_fast_assign(gosync_trace_name(__entry->name, name);
			   __entry->phase = phase;
			   __entry->forced = forced;),
	    TP_printk("name=%s phase=%d forced=%d", __entry->name, __entry->phase,
		      __entry->forced)
);

/*
 * @fn (a gosync_once's function) returned @ret; it was the once's @runs-th
 * run; @final: the result is now final (success, or a cached error).
 */
TRACE_EVENT(gosync_once_run,
	    TP_PROTO(const void *fn, int ret, unsigned int runs, bool final),
	    TP_ARGS(fn, ret, runs, final),
	    TP_STRUCT__entry(__field(const void *, fn)
			     __field(int, ret)
			     __field(unsigned int, runs)
			     __field(bool, final)),
	    TP_fast_assign(__entry->fn = fn;
			   __entry->ret = ret;
			   __entry->runs = runs;
			   __entry->final = final;),
	    TP_printk("fn=%ps ret=%d runs=%u final=%d", __entry->fn,
		      __entry->ret, __entry->runs, __entry->final)
);

/*
 * A context was cancelled with @err, and with it @descendants that were
 * still live.
 */
TRACE_EVENT(gosync_ctx_cancel,
	    TP_PROTO(int err, unsigned int descendants),
	    TP_ARGS(err, descendants),
	    TP_STRUCT__entry(__field(int, err)
			     __field(unsigned int, descendants)),
	    TP_fast_assign(__entry->err = err;
			   __entry->descendants = descendants;),
	    TP_printk("err=%d descendants=%u", __entry->err,
		      __entry->descendants)
);

/* A caller queued on @sem for @n units; @available were free then. */
TRACE_EVENT(gosync_sem_queue,
	    TP_PROTO(const void *sem, u64 n, u64 available),
	    TP_ARGS(sem, n, available),
	    TP_STRUCT__entry(__field(const void *, sem)
			     __field(u64, n)
			     __field(u64, available)),
	    TP_fast_assign(__entry->sem = sem;
			   __entry->n = n;
			   __entry->available = available;),
	    TP_printk("sem=%p n=%llu available=%llu", __entry->sem,
		      __entry->n, __entry->available)
);

/* A queued caller left @sem: with its @n units (@ret 0), or the cause. */
TRACE_EVENT(gosync_sem_dequeue,
	    TP_PROTO(const void *sem, u64 n, int ret),
	    TP_ARGS(sem, n, ret),
	    TP_STRUCT__entry(__field(const void *, sem)
			     __field(u64, n)
			     __field(int, ret)),
	    TP_fast_assign(__entry->sem = sem;
			   __entry->n = n;
			   __entry->ret = ret;),
	    TP_printk("sem=%p n=%llu ret=%d", __entry->sem, __entry->n,
		      __entry->ret)
);

/*
 * A group's job @fn returned @ret (the job is over but for its count,
 * dropped right after).
 */
TRACE_EVENT(gosync_group_job,
	    TP_PROTO(const void *fn, int ret),
	    TP_ARGS(fn, ret),
	    TP_STRUCT__entry(__field(const void *, fn)
			     __field(int, ret)),
	    TP_fast_assign(__entry->fn = fn;
			   __entry->ret = ret;),
	    TP_printk("fn=%ps ret=%d", __entry->fn, __entry->ret)
);

/*
 * A group's first error: job @fn returned @err, which cancels the
 * group's context (its gosync_ctx_cancel event follows).
 */
TRACE_EVENT(gosync_group_cancel,
	    TP_PROTO(const void *fn, int err),
	    TP_ARGS(fn, err),
	    TP_STRUCT__entry(__field(const void *, fn)
			     __field(int, err)),
	    TP_fast_assign(__entry->fn = fn;
			   __entry->err = err;),
	    TP_printk("fn=%ps err=%d", __entry->fn, __entry->err)
);

/* A send, receive or select of @n cases (the first on @chan) blocked. */
TRACE_EVENT(gosync_chan_block,
	    TP_PROTO(const void *chan, unsigned int n),
	    TP_ARGS(chan, n),
	    TP_STRUCT__entry(__field(const void *, chan)
			     __field(unsigned int, n)),
	    TP_fast_assign(__entry->chan = chan;
			   __entry->n = n;),
	    TP_printk("chan=%p n=%u", __entry->chan, __entry->n)
);

/* A blocked call left: the case it completed (@ret >= 0), or the cause. */
TRACE_EVENT(gosync_chan_unblock,
	    TP_PROTO(const void *chan, int ret),
	    TP_ARGS(chan, ret),
	    TP_STRUCT__entry(__field(const void *, chan)
			     __field(int, ret)),
	    TP_fast_assign(__entry->chan = chan;
			   __entry->ret = ret;),
	    TP_printk("chan=%p ret=%d", __entry->chan, __entry->ret)
);

/* @chan was closed; @woken blocked calls ended with -EPIPE. */
TRACE_EVENT(gosync_chan_close,
	    TP_PROTO(const void *chan, unsigned int woken),
	    TP_ARGS(chan, woken),
	    TP_STRUCT__entry(__field(const void *, chan)
			     __field(unsigned int, woken)),
	    TP_fast_assign(__entry->chan = chan;
			   __entry->woken = woken;),
	    TP_printk("chan=%p woken=%u", __entry->chan, __entry->woken)
);

/* The thread of pipe @pipe ended (its output closed): 0 or the cause. */
TRACE_EVENT(gosync_chan_pipe_end,
	    TP_PROTO(const void *pipe, int ret),
	    TP_ARGS(pipe, ret),
	    TP_STRUCT__entry(__field(const void *, pipe)
			     __field(int, ret)),
	    TP_fast_assign(__entry->pipe = pipe;
			   __entry->ret = ret;),
	    TP_printk("pipe=%p ret=%d", __entry->pipe, __entry->ret)
);

/*
 * A worker pool's worker started (@start) or exited (idle, above the
 * maximum, or stopped by shutdown); @workers are left.
 */
TRACE_EVENT(gosync_wpool_worker,
	    TP_PROTO(const char *name, bool start, unsigned int workers),
	    TP_ARGS(name, start, workers),
	    TP_STRUCT__entry(__array(char, name, GOSYNC_NAME_MAX)
			     __field(bool, start)
			     __field(unsigned int, workers)),
	    TP_fast_assign(gosync_trace_name(__entry->name, name);
			   __entry->start = start;
			   __entry->workers = workers;),
	    TP_printk("name=%s %s workers=%u", __entry->name,
		      __entry->start ? "start" : "exit", __entry->workers)
);

/*
 * A worker pool's shutdown entered @phase (1 draining, 2 stopping: the
 * @queued jobs are dropped, 3 shut down); @running jobs ran then.
 */
TRACE_EVENT(gosync_wpool_shutdown,
	    TP_PROTO(const char *name, int phase, unsigned int queued,
		     unsigned int running),
	    TP_ARGS(name, phase, queued, running),
	    TP_STRUCT__entry(__array(char, name, GOSYNC_NAME_MAX)
			     __field(int, phase)
			     __field(unsigned int, queued)
			     __field(unsigned int, running)),
	    TP_fast_assign(gosync_trace_name(__entry->name, name);
			   __entry->phase = phase;
			   __entry->queued = queued;
			   __entry->running = running;),
	    TP_printk("name=%s phase=%s queued=%u running=%u", __entry->name,
		      __print_symbolic(__entry->phase, { 1, "draining" },
				       { 2, "stopping" }, { 3, "dead" }),
		      __entry->queued, __entry->running)
);

/* A publish of @msg on topic @t ended: queued for @delivered, @err. */
TRACE_EVENT(gosync_pubsub_publish,
	    TP_PROTO(const void *t, const void *msg, int delivered, int err),
	    TP_ARGS(t, msg, delivered, err),
	    TP_STRUCT__entry(__field(const void *, t)
			     __field(const void *, msg)
			     __field(int, delivered)
			     __field(int, err)),
	    TP_fast_assign(__entry->t = t;
			   __entry->msg = msg;
			   __entry->delivered = delivered;
			   __entry->err = err;),
	    TP_printk("topic=%p msg=%p delivered=%d err=%d", __entry->t,
		      __entry->msg, __entry->delivered, __entry->err)
);

/* Subscriber @sub's full queue dropped @msg, by its @policy. */
TRACE_EVENT(gosync_pubsub_drop,
	    TP_PROTO(const void *sub, const void *msg, int policy),
	    TP_ARGS(sub, msg, policy),
	    TP_STRUCT__entry(__field(const void *, sub)
			     __field(const void *, msg)
			     __field(int, policy)),
	    TP_fast_assign(__entry->sub = sub;
			   __entry->msg = msg;
			   __entry->policy = policy;),
	    TP_printk("sub=%p msg=%p policy=%d", __entry->sub, __entry->msg,
		      __entry->policy)
);

/* A publisher sleeps for room in @sub's full queue of @count. */
TRACE_EVENT(gosync_pubsub_block,
	    TP_PROTO(const void *sub, u32 count),
	    TP_ARGS(sub, count),
	    TP_STRUCT__entry(__field(const void *, sub)
			     __field(u32, count)),
	    TP_fast_assign(__entry->sub = sub;
			   __entry->count = count;),
	    TP_printk("sub=%p count=%u", __entry->sub, __entry->count)
);

/* @sub subscribed to topic @t, with its queue's @depth and @policy. */
TRACE_EVENT(gosync_pubsub_subscribe,
	    TP_PROTO(const void *t, const void *sub, u32 depth, int policy),
	    TP_ARGS(t, sub, depth, policy),
	    TP_STRUCT__entry(__field(const void *, t)
			     __field(const void *, sub)
			     __field(u32, depth)
			     __field(int, policy)),
	    TP_fast_assign(__entry->t = t;
			   __entry->sub = sub;
			   __entry->depth = depth;
			   __entry->policy = policy;),
	    TP_printk("topic=%p sub=%p depth=%u policy=%d", __entry->t,
		      __entry->sub, __entry->depth, __entry->policy)
);

/* @sub left topic @t; @released queued messages were released. */
TRACE_EVENT(gosync_pubsub_unsubscribe,
	    TP_PROTO(const void *t, const void *sub, u32 released),
	    TP_ARGS(t, sub, released),
	    TP_STRUCT__entry(__field(const void *, t)
			     __field(const void *, sub)
			     __field(u32, released)),
	    TP_fast_assign(__entry->t = t;
			   __entry->sub = sub;
			   __entry->released = released;),
	    TP_printk("topic=%p sub=%p released=%u", __entry->t, __entry->sub,
		      __entry->released)
);

/* Topic @t was closed. */
TRACE_EVENT(gosync_pubsub_close,
	    TP_PROTO(const void *t),
	    TP_ARGS(t),
	    TP_STRUCT__entry(__field(const void *, t)),
	    TP_fast_assign(__entry->t = t;),
	    TP_printk("topic=%p", __entry->t)
);

#endif /* _GOSYNC_TRACE_H */

/* Outside the guard: <trace/define_trace.h> reads the file again. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
