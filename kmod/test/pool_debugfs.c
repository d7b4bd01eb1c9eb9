// SPDX-License-Identifier: GPL-2.0
/*
 * gosync_pool's debugfs face: named test pools driven by a command file,
 * and a stress launcher. Everything lives in /sys/kernel/debug/gosync_test/pool/.
 *
 * cmd (0600, command file; grammar of command files in parse.h)
 *	Up to 8 named test pools (none at module load). A command is a verb
 *	followed by key=value arguments; name=P names the pool, a word of up
 *	to 15 characters from [A-Za-z0-9_-]:
 *
 *	create name=P [kind=obj|buf] [size=N] [align=N] [cpu_cache=N]
 *	       [max_objects=N] [irqsafe=0|1] [reset_on_get=0|1] [reset=0|1]
 *	       [ctor_fail=N] [drop=N] [max_cap=N]
 *		kind=obj (default): a gosync_pool of size-byte objects
 *		(default 64) with a constructor that checks it got zeroed
 *		memory and fails (-ENOMEM) on every ctor_fail-th call (1:
 *		always, 0: never), a destructor, and with reset=1 or drop=N a
 *		reset that refuses every drop-th object (0: none). size,
 *		align, cpu_cache, max_objects and the flags go to
 *		gosync_pool_create() as given, which may refuse them.
 *		kind=buf: a gosync_bufpool of size-byte buffers (default 64)
 *		that drops buffers grown beyond max_cap (default 4 * size);
 *		it takes only size, max_cap and irqsafe. Prints the settings.
 *	destroy name=P [late_put=0|1]
 *		Puts the held objects back and destroys the pool; late_put=1
 *		(kind=obj) destroys first and puts them back after, the
 *		put-after-destroy path. Each object the pool constructed must
 *		have been destructed exactly once, else -EIO. Prints
 *		"destroyed name=P held=N constructed=N".
 *	get name=P [n=N] [gfp=kernel|atomic]
 *		N gets (default 1, at most 16384 held per pool and 256 MiB
 *		held by all pools); the objects are held for later puts.
 *		gfp=atomic gets with GFP_ATOMIC, with interrupts (irqsafe
 *		pools) or preemption disabled. Prints "got=N held=H". A get
 *		that returns NULL ends the command with -ENOMEM (the
 *		constructor or the allocation failed) or -ENOSPC (max_objects
 *		reached); the objects got before stay held.
 *	put name=P [n=N]		puts back the N (default 1) objects got
 *					last; prints "put=N held=H"
 *	grow name=P bytes=N [idx=I]	gosync_buf_reserve() of N bytes on a
 *					held buffer (default: the last got);
 *					prints "cap=C"
 *	shrink name=P [nr=N]		gosync_pool_shrink() of at most N
 *					objects (default all it may); prints
 *					"freed=N"
 *	age name=P			__gosync_pool_age(): the depot's young
 *					magazines become old; prints "aged"
 *	stats name=P			gosync_pool_stats(), one "key value" per
 *					line (hits misses refills steals
 *					constructed ctor_failed spills puts
 *					dropped shrunk objects cached depot),
 *					then this file's own counts: held
 *					held_bytes gets get_nulls puts_called
 *					oversize ctor_calls ctor_fails ctor_dirty
 *					resets reset_drops dtors
 *	cpustats name=P [cpu=C]		__gosync_pool_cpu_stats(): with cpu=,
 *					"cpu C" then that CPU's counters as
 *					stats prints them (objects is the CPU's
 *					gets minus puts, cached and depot its
 *					magazines and depot shard); without,
 *					one "cpu=C hits=N ..." line per online
 *					CPU
 *	check name=P			the invariants of a quiet pool (objects
 *					= constructed - dropped - shrunk, objects
 *					- cached = held, hits + misses = gets,
 *					puts, ctor_failed = NULL gets, per-CPU
 *					sums, destructor calls = dropped +
 *					shrunk, ...); prints "ok", or -EIO
 *	list				"pools=N bytes=B", then one "name= kind=
 *					size= held=" line per pool
 *
 *	Errors: the parser's (see parse.h), -EINVAL for an unknown verb, a
 *	bad name, kind or gfp, or an option the kind does not take,
 *	-ENOENT (no such pool; grow with nothing held), -EEXIST (create: the
 *	name is taken), -ENOSPC (create: 8 pools exist; get: max_objects),
 *	-ERANGE (put or grow beyond what is held, get beyond the bounds
 *	above), -ENOMEM, -EIO (a failed check), and what the pool call
 *	returned (create: -EINVAL for options gosync_pool_create() refuses).
 *	A rejected command leaves "error: <why>" as the output and changes
 *	nothing. Module unload puts every held object back and destroys
 *	every test pool.
 *
 * stress (0600, command file)
 *	[threads=N] [duration_ms=D] [mode=pair|batch|xcpu|irq] [size=N]
 *	[cpu_cache=N] [max_objects=N] [poison=0|1] [irqsafe=0|1]
 *	[timer_us=N] [failslab=0|1]
 *
 *	Runs N threads (default every online CPU, each on its own CPU) for D
 *	ms (default 1000) on a fresh pool of size-byte objects (16 ..
 *	4194304, default 64). mode=pair (default): get and put one object;
 *	batch: get 16, put 16; xcpu: threads pair up, the even one gets and
 *	passes each object through a ring to the odd one, on another CPU,
 *	which puts it (an odd thread out does pair); irq: pair on an
 *	IRQ-safe pool while an hrtimer on each thread's CPU, every timer_us
 *	microseconds (default 200), gets and puts 4 objects in hardirq context
 *	(the timer softirq on PREEMPT_RT) with GFP_ATOMIC. max_objects bounds
 *	the pool (a NULL get is then counted, not an error). poison=1 (default):
 *	each object holds a state word and a pattern; a get must find it cached
 *	with the pattern intact and marks it out, a put must find it out,
 *	refills the pattern and marks it cached, the destructor must find it
 *	cached.
 *	A double get, a double put, a write after put or a free of an
 *	object in use is an error. Runs whose objects could take more than
 *	256 MiB are refused (-ERANGE). failslab=1 makes the pool calls of
 *	the stress threads (not of the irq mode's timers) subject to
 *	failslab's task filter (set /sys/kernel/debug/failslab/task-filter=Y
 *	and a probability first): a get whose object allocation fails
 *	returns NULL and is counted in nulls, not an error, and a put that
 *	cannot allocate a magazine frees the object (counted in dropped);
 *	every other check still holds. -EOPNOTSUPP on kernels without
 *	CONFIG_FAULT_INJECTION and CONFIG_FAILSLAB.
 *
 *	After the run the counters must balance: hits + misses = gets
 *	(including NULL ones), puts, ctor_failed = NULL gets, constructed =
 *	constructor calls, objects = constructed - dropped - shrunk =
 *	cached, destructor calls = dropped + shrunk, and after destroy every
 *	object constructed destructed once. The output is the runner's
 *	result line (runner.h): "result=PASS|FAIL mode= threads= ops= gets=
 *	nulls= puts= irq_ops= hits= misses= refills= steals= constructed=
 *	ctor_failed= spills= dropped= shrunk= objects= cached= depot= dtors=
 *	failslab= errors=", where nulls counts the gets that returned NULL
 *	(max_objects reached, or an allocation failed), then the first
 *	violations as "error: ..." lines; a run that found one fails with
 *	-EIO.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/hrtimer.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/sched.h>
#include <linux/seq_buf.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "cmdfile.h"
#include "internal.h"
#include "parse.h"
#include "pool.h"
#include "pool_cmd.h"
#include "runner.h"
#include "test.h"

/* ------------------------------------------------------------------ */
/* cmd: the interpreter is in pool_cmd.c.                              */

static int pooldbg_cmd_exec(struct gosync_cmd_file *f, char *line,
			    struct seq_buf *out)
{
	return __gosync_pool_cmd_exec(line, out, f->who);
}

static struct gosync_cmd_file pooldbg_cmd_file = {
	.name = "cmd",
	.who = "pool",
	.exec = pooldbg_cmd_exec,
};

/* ------------------------------------------------------------------ */
/* The stress launcher.                                                */

#define POOLST_LOOP		64	/* operations between stop checks */
#define POOLST_IRQ_OPS		4	/* get/put pairs per timer interrupt */
#define POOLST_CHECK_MAX	256	/* pattern bytes checked per object */
#define POOLST_PATTERN		0x6b

/* Object states (poolst_obj.state). */
#define POOLST_NEW		0		/* zeroed, before the ctor */
#define POOLST_CACHED		0x6361636bU	/* in the pool */
#define POOLST_OUT		0x6f75742eU	/* got, not put back */
#define POOLST_FREED		0x64656164U	/* destructed */

/**
 * struct poolst_obj - the head of a stress object
 * @state: POOLST_*
 * @owner: the thread (or timer, id + 1000) that holds it
 * @pattern: the rest of the object, POOLST_PATTERN while cached
 */
struct poolst_obj {
	atomic_t state;
	u32 owner;
	u8 pattern[];
};

/**
 * struct poolst_ring - single-producer single-consumer ring (xcpu)
 * @head: next slot the producer fills; written by the producer only
 * @tail: next slot the consumer empties; written by the consumer only
 * @done: the producer has stopped
 * @slots: the objects in transit
 */
struct poolst_ring {
	unsigned long head;
	unsigned long tail;
	bool done;
	void *slots[POOLST_RING];
};

/**
 * struct poolst_thread - one stress thread
 * @st: the run
 * @id: its index
 * @timer: its hrtimer (irq mode)
 * @timer_stop: the timer must not re-arm
 * @gets: successful gets (thread)
 * @nulls: gets that returned NULL (thread)
 * @puts: puts (thread)
 * @irq_gets: successful gets in the timer
 * @irq_nulls: NULL gets in the timer
 * @irq_puts: puts in the timer
 */
struct poolst_thread {
	struct poolst *st;
	unsigned int id;
	struct hrtimer timer;
	bool timer_stop;
	u64 gets;
	u64 nulls;
	u64 puts;
	u64 irq_gets;
	u64 irq_nulls;
	u64 irq_puts;
};

/**
 * struct poolst - one stress run
 * @pool: the pool under test
 * @a: its arguments
 * @period: the timer period (irq mode)
 * @check_len: pattern bytes checked per object
 * @th: per-thread state
 * @rings: one per producer/consumer pair (xcpu)
 * @ctor_calls: constructor calls
 * @dtors: destructor calls
 * @run: the stress threads
 * @v: the violations found
 */
struct poolst {
	struct gosync_pool *pool;
	struct poolst_args a;
	ktime_t period;
	unsigned int check_len;
	struct poolst_thread *th;
	struct poolst_ring *rings;
	atomic_long_t ctor_calls;
	atomic_long_t dtors;
	struct gosync_run run;
	struct gosync_violations v;
};

static __printf(2, 3) void poolst_fail(struct poolst *s, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	gosync_vviolation(&s->v, fmt, args);
	va_end(args);
}

static void poolst_fill(struct poolst *s, struct poolst_obj *o)
{
	memset(o->pattern, POOLST_PATTERN, s->check_len);
}

static int poolst_ctor(void *obj, void *arg, gfp_t gfp)
{
	struct poolst *s = arg;
	struct poolst_obj *o = obj;

	atomic_long_inc(&s->ctor_calls);
	if (!s->a.poison)
		return 0;
	if (atomic_read(&o->state) != POOLST_NEW || o->owner ||
	    memchr_inv(o->pattern, 0, s->check_len))
		poolst_fail(s, "the constructor got an object that is not zeroed");
	poolst_fill(s, o);
	atomic_set(&o->state, POOLST_CACHED);
	return 0;
}

static void poolst_dtor(void *obj, void *arg)
{
	struct poolst *s = arg;
	struct poolst_obj *o = obj;
	int state;

	atomic_long_inc(&s->dtors);
	if (!s->a.poison)
		return;
	state = atomic_xchg(&o->state, POOLST_FREED);
	if (state != POOLST_CACHED)
		poolst_fail(s, "the pool freed an object in state %#x (owner %u)",
			    state, o->owner);
}

/* A get returned @o to @owner: it must have been cached, and intact. */
static void poolst_got(struct poolst *s, struct poolst_obj *o, u32 owner)
{
	int state;

	if (!s->a.poison)
		return;
	state = atomic_cmpxchg(&o->state, POOLST_CACHED, POOLST_OUT);
	if (state != POOLST_CACHED) {
		poolst_fail(s, "get returned an object in state %#x (owner %u, getter %u)",
			    state, o->owner, owner);
		return;
	}
	if (memchr_inv(o->pattern, POOLST_PATTERN, s->check_len))
		poolst_fail(s, "a cached object was written to (last owner %u)",
			    o->owner);
	o->owner = owner;
	/* Use it: the pattern must be refilled before it goes back. */
	memset(o->pattern, owner & 0xff, min_t(unsigned int, s->check_len, 8));
}

/* @owner puts @o back: it must be out. */
static void poolst_put(struct poolst *s, struct poolst_obj *o, u32 owner)
{
	int state;

	if (s->a.poison) {
		state = atomic_read(&o->state);
		if (state != POOLST_OUT) {
			poolst_fail(s, "put of an object in state %#x (owner %u, putter %u)",
				    state, o->owner, owner);
			return;	/* leave it out: putting it would corrupt */
		}
		poolst_fill(s, o);
		if (atomic_cmpxchg(&o->state, POOLST_OUT, POOLST_CACHED) != POOLST_OUT) {
			poolst_fail(s, "an object changed state while put (putter %u)",
				    owner);
			return;
		}
	}
	gosync_pool_put(s->pool, o);
}

/* One get and put, or a NULL get. */
static void poolst_pair(struct poolst *s, struct poolst_thread *th)
{
	struct poolst_obj *o = gosync_pool_get(s->pool, GFP_KERNEL);

	if (!o) {
		th->nulls++;
		return;
	}
	th->gets++;
	poolst_got(s, o, th->id);
	poolst_put(s, o, th->id);
	th->puts++;
}

static void poolst_batch(struct poolst *s, struct poolst_thread *th)
{
	struct poolst_obj *objs[POOLST_BATCH_OBJS];
	unsigned int i;

	for (i = 0; i < POOLST_BATCH_OBJS; i++) {
		objs[i] = gosync_pool_get(s->pool, GFP_KERNEL);
		if (!objs[i]) {
			th->nulls++;
			continue;
		}
		th->gets++;
		poolst_got(s, objs[i], th->id);
	}
	for (i = 0; i < POOLST_BATCH_OBJS; i++) {
		if (!objs[i])
			continue;
		poolst_put(s, objs[i], th->id);
		th->puts++;
	}
}

static enum hrtimer_restart poolst_timer_fn(struct hrtimer *timer)
{
	struct poolst_thread *th = container_of(timer, struct poolst_thread,
						timer);
	struct poolst *s = th->st;
	struct poolst_obj *o;
	unsigned int i;

	for (i = 0; i < POOLST_IRQ_OPS; i++) {
		o = gosync_pool_get(s->pool, GFP_ATOMIC);
		if (!o) {
			th->irq_nulls++;
			continue;
		}
		th->irq_gets++;
		poolst_got(s, o, th->id + 1000);
		poolst_put(s, o, th->id + 1000);
		th->irq_puts++;
	}
	/* Pairs with WRITE_ONCE() in poolst_body(); hrtimer_cancel() waits. */
	if (READ_ONCE(th->timer_stop))
		return HRTIMER_NORESTART;
	hrtimer_forward_now(timer, s->period);
	return HRTIMER_RESTART;
}

/* xcpu producer: get, pass to the consumer through the ring. */
static void poolst_produce(struct poolst *s, struct poolst_thread *th,
			   struct gosync_run_thread *t)
{
	struct poolst_ring *r = &s->rings[th->id / 2];
	unsigned long head = r->head;
	struct poolst_obj *o;
	unsigned int i;

	do {
		for (i = 0; i < POOLST_LOOP; i++) {
			/* Pairs with smp_store_release() of tail: the slot is free. */
			if (head - smp_load_acquire(&r->tail) >= POOLST_RING)
				break;
			o = gosync_pool_get(s->pool, GFP_KERNEL);
			if (!o) {
				th->nulls++;
				continue;
			}
			th->gets++;
			poolst_got(s, o, th->id);
			r->slots[head % POOLST_RING] = o;
			/* Pairs with smp_load_acquire() of head: the object is written. */
			smp_store_release(&r->head, ++head);
		}
		t->ops += i;
	} while (gosync_run_continue(t));
	/* Pairs with smp_load_acquire() in poolst_consume(). */
	smp_store_release(&r->done, true);
}

/* xcpu consumer: put what the producer passes, until it stops. */
static void poolst_consume(struct poolst *s, struct poolst_thread *th,
			   struct gosync_run_thread *t)
{
	struct poolst_ring *r = &s->rings[th->id / 2];
	unsigned long tail = r->tail, head;
	bool done;

	for (;;) {
		/* Read done before head: a done producer wrote its last head. */
		done = smp_load_acquire(&r->done);
		/* Pairs with smp_store_release() of head in poolst_produce(). */
		head = smp_load_acquire(&r->head);
		if (tail == head) {
			if (done)
				break;
			cond_resched();
			cpu_relax();
			continue;
		}
		while (tail != head) {
			poolst_put(s, r->slots[tail % POOLST_RING], th->id);
			th->puts++;
			t->ops++;
			/* Pairs with smp_load_acquire() of tail: the slot is free. */
			smp_store_release(&r->tail, ++tail);
		}
		cond_resched();
	}
}

/* failslab=1: this thread's allocations become subject to failslab. */
static void poolst_make_it_fail(const struct poolst *s, bool on)
{
#ifdef CONFIG_FAULT_INJECTION
	if (s->a.failslab)
		current->make_it_fail = on;
#endif
}

static void poolst_work(struct poolst *s, struct poolst_thread *th,
			struct gosync_run_thread *t)
{
	enum poolst_mode mode = s->a.mode;
	unsigned int i;

	if (mode == POOLST_XCPU) {
		if (th->id + 1 < s->a.threads || th->id % 2) {
			if (th->id % 2)
				poolst_consume(s, th, t);
			else
				poolst_produce(s, th, t);
			return;
		}
		mode = POOLST_PAIR;	/* the odd thread out */
	}
	if (mode == POOLST_IRQ) {
		hrtimer_init(&th->timer, CLOCK_MONOTONIC, GOSYNC_HRTIMER_ANY_PINNED);
		th->timer.function = poolst_timer_fn;
		hrtimer_start(&th->timer, s->period, GOSYNC_HRTIMER_ANY_PINNED);
	}
	do {
		if (mode == POOLST_BATCH) {
			poolst_batch(s, th);
			t->ops += 2 * POOLST_BATCH_OBJS;
			continue;
		}
		for (i = 0; i < POOLST_LOOP; i++)
			poolst_pair(s, th);
		t->ops += 2 * POOLST_LOOP;
	} while (gosync_run_continue(t));
	if (mode == POOLST_IRQ) {
		/* Pairs with READ_ONCE() in poolst_timer_fn(). */
		WRITE_ONCE(th->timer_stop, true);
		hrtimer_cancel(&th->timer);
		t->ops += 2 * (th->irq_gets + th->irq_nulls);
	}
}

static int poolst_body(struct gosync_run_thread *t)
{
	struct poolst *s = t->run->data;

	poolst_make_it_fail(s, true);
	poolst_work(s, &s->th[t->id], t);
	poolst_make_it_fail(s, false);
	return 0;
}

/*
 * The counters of the quiet pool must balance; the kernel's shrinker may
 * free cached objects meanwhile, so re-read until it did not.
 */
static void poolst_check_stats(struct poolst *s, struct gosync_pool_stats *st,
			       u64 gets, u64 nulls, u64 puts)
{
	long dtors = 0;
	unsigned int i;

	for (i = 0; i < 50; i++) {
		dtors = atomic_long_read(&s->dtors);
		gosync_pool_stats(s->pool, st);
		if (dtors == atomic_long_read(&s->dtors) &&
		    dtors == (long)(st->dropped + st->shrunk) &&
		    st->objects == (long)(st->constructed - st->dropped - st->shrunk))
			break;
		usleep_range(1000, 2000);
	}
	if (st->hits + st->misses != gets + nulls)
		poolst_fail(s, "hits %llu + misses %llu != gets %llu + NULL gets %llu",
			    st->hits, st->misses, gets, nulls);
	if (st->puts != puts)
		poolst_fail(s, "the pool counted %llu puts, the threads made %llu",
			    st->puts, puts);
	if (st->ctor_failed != nulls)
		poolst_fail(s, "ctor_failed %llu != NULL gets %llu",
			    st->ctor_failed, nulls);
	if (st->constructed != (u64)atomic_long_read(&s->ctor_calls))
		poolst_fail(s, "constructed %llu != constructor calls %ld",
			    st->constructed, atomic_long_read(&s->ctor_calls));
	if (st->objects != (long)(st->constructed - st->dropped - st->shrunk))
		poolst_fail(s, "objects %ld != constructed %llu - dropped %llu - shrunk %llu",
			    st->objects, st->constructed, st->dropped, st->shrunk);
	if (dtors != (long)(st->dropped + st->shrunk))
		poolst_fail(s, "destructor calls %ld != dropped %llu + shrunk %llu",
			    dtors, st->dropped, st->shrunk);
	if (st->cached != st->objects)
		poolst_fail(s, "cached %ld != objects %ld with nothing out",
			    st->cached, st->objects);
	if (st->depot < 0 || st->depot > st->cached)
		poolst_fail(s, "depot %ld outside [0, cached %ld]", st->depot,
			    st->cached);
	if (s->a.max_objects && st->objects > (long)s->a.max_objects)
		poolst_fail(s, "objects %ld > max_objects %llu", st->objects,
			    s->a.max_objects);
}

static void poolst_free(struct poolst *s)
{
	kfree(s->th);
	kvfree(s->rings);
	kfree(s);
}

static int poolst_exec(struct gosync_cmd_file *f, char *line,
		       struct seq_buf *out)
{
	struct gosync_pool_opts opts = {
		.name = "stress",
		.ctor = poolst_ctor,
		.dtor = poolst_dtor,
	};
	u64 gets = 0, nulls = 0, puts = 0, irq_ops = 0, ops = 0;
	struct gosync_pool_stats st;
	struct poolst *s;
	unsigned int i;
	long dtors;
	int ret;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	ret = gosync_args_parse(&gosync_pool_stress_args, line, &s->a, out,
				f->who);
	if (ret)
		goto out_free;
	s->period = ns_to_ktime((u64)s->a.timer_us * NSEC_PER_USEC);
	s->check_len = min_t(unsigned int, s->a.size - sizeof(struct poolst_obj),
			     POOLST_CHECK_MAX);
	atomic_long_set(&s->ctor_calls, 0);
	atomic_long_set(&s->dtors, 0);
	gosync_violations_init(&s->v, "pool: stress");
	ret = -ENOMEM;
	s->th = kcalloc(s->a.threads, sizeof(*s->th), GFP_KERNEL);
	if (!s->th)
		goto out_free;
	if (s->a.mode == POOLST_XCPU) {
		s->rings = kvcalloc(s->a.threads / 2, sizeof(*s->rings), GFP_KERNEL);
		if (!s->rings)
			goto out_free;
	}
	for (i = 0; i < s->a.threads; i++) {
		s->th[i].st = s;
		s->th[i].id = i;
	}

	opts.size = s->a.size;
	opts.cpu_cache = s->a.cpu_cache;
	opts.max_objects = s->a.max_objects;
	opts.flags = s->a.irqsafe ? GOSYNC_POOL_IRQSAFE : 0;
	opts.arg = s;
	s->pool = gosync_pool_create(&opts);
	if (IS_ERR(s->pool)) {
		ret = PTR_ERR(s->pool);
		gosync_report(out, f->who, "stress: gosync_pool_create() failed (%d)",
			      ret);
		goto out_free;
	}

	s->run.name = "pool";
	s->run.body = poolst_body;
	s->run.nr_threads = s->a.threads;
	s->run.duration_ms = s->a.duration_ms;
	s->run.data = s;
	s->run.v = &s->v;
	ret = gosync_run_threads(&s->run);
	if (ret) {
		gosync_report(out, f->who, "stress: the run failed (%d)", ret);
		gosync_run_free(&s->run);
		/* Objects may be left in the rings: put them back first. */
		for (i = 0; s->rings && i < s->a.threads / 2; i++) {
			struct poolst_ring *r = &s->rings[i];

			while (r->tail != r->head)
				poolst_put(s, r->slots[r->tail++ % POOLST_RING], 0);
		}
		gosync_pool_destroy(s->pool);
		goto out_free;
	}

	for (i = 0; i < s->a.threads; i++) {
		struct poolst_thread *th = &s->th[i];

		ops += s->run.threads[i].ops;
		gets += th->gets + th->irq_gets;
		nulls += th->nulls + th->irq_nulls;
		puts += th->puts + th->irq_puts;
		irq_ops += th->irq_gets + th->irq_nulls;
	}
	gosync_run_free(&s->run);
	if (gets != puts)
		poolst_fail(s, "%llu gets but %llu puts", gets, puts);
	poolst_check_stats(s, &st, gets, nulls, puts);

	gosync_pool_destroy(s->pool);
	dtors = atomic_long_read(&s->dtors);
	if (dtors != (long)st.constructed)
		poolst_fail(s, "%llu objects constructed, %ld destructed after destroy",
			    st.constructed, dtors);

	ret = gosync_run_result(&s->run, out,
				"mode=%s threads=%u ops=%llu gets=%llu nulls=%llu puts=%llu irq_ops=%llu hits=%llu misses=%llu refills=%llu steals=%llu constructed=%llu ctor_failed=%llu spills=%llu dropped=%llu shrunk=%llu objects=%ld cached=%ld depot=%ld dtors=%ld failslab=%u",
				poolst_mode_names[s->a.mode], s->a.threads, ops,
				gets, nulls, puts, irq_ops, st.hits, st.misses,
				st.refills, st.steals, st.constructed,
				st.ctor_failed, st.spills, st.dropped,
				st.shrunk, st.objects, st.cached, st.depot,
				dtors, s->a.failslab);
out_free:
	poolst_free(s);
	return ret;
}

static struct gosync_cmd_file poolst_file = {
	.name = "stress",
	.who = "pool",
	.exec = poolst_exec,
};

/*
 * The "pool" directory's component: the command files "cmd" and
 * "stress". It links after pool.c's component (the pool library, which
 * has no directory), so the library's workqueue and hotplug state exist
 * first and outlive every pool made here.
 */
static int pooldbg_component_init(struct dentry *dir)
{
	int ret = __gosync_pool_cmd_init();

	if (ret)
		return ret;
	gosync_cmd_file_create(dir, &pooldbg_cmd_file);
	gosync_cmd_file_create(dir, &poolst_file);
	return 0;
}

/* Once gosync's debugfs files are gone and no command runs. */
static void pooldbg_component_exit(void)
{
	__gosync_pool_cmd_exit();
}

const struct gosync_component gosync_pool_component = {
	.name = "pool",
	.init = pooldbg_component_init,
	.exit = pooldbg_component_exit,
};
