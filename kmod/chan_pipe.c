// SPDX-License-Identifier: GPL-2.0
/*
 * gosync_chan pipes: a kernel thread between channels, for fan-in and
 * pipeline stages (contract in include/gosync/chan.h, "pipes").
 *
 * The thread receives with gosync_select() over the inputs still open,
 * under the pipe's own context (a child of the caller's, so that
 * gosync_chan_pipe_stop() can cancel it alone), applies the function and
 * sends the result. Whatever ends the loop, it closes the output, stores
 * its cause and completes @ended; gosync_chan_pipe_wait() waits for that,
 * then reaps the thread with kthread_stop(), which returns only once the
 * thread has exited: so the caller may unload its module (and gosync.ko
 * be unloaded) right after. The thread never looks at
 * kthread_should_stop(): kthread_stop() is called only after @ended, so
 * it cannot keep the function from running.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>

#include <gosync/chan.h>
#include <gosync/ctx.h>

#include "internal.h"
#include "trace.h"

struct gosync_chan_pipe {
	struct gosync_chan *out;
	struct gosync_chan *in[GOSYNC_SELECT_MAX];
	unsigned int n;
	struct gosync_chan_pipe_opts opts;
	struct gosync_ctx ctx;
	struct completion ended;
	struct task_struct *task;
	int ret;
};

/* Forward one value @v: 0 to go on, else why the pipe ends. */
static int gchan_pipe_one(struct gosync_chan_pipe *p, void *v)
{
	void *o = v;
	int ret;

	if (p->opts.fn) {
		ret = p->opts.fn(&p->ctx, p->opts.arg, v, &o);
		if (ret)
			return ret > 0 ? 0 : ret;
	}
	ret = gosync_chan_send(p->out, o, &p->ctx);
	if (ret && p->opts.drop)
		p->opts.drop(p->opts.arg, o);
	return ret;
}

static int gchan_pipe_fn(void *data)
{
	struct gosync_chan_pipe *p = data;
	struct gosync_select_case c[GOSYNC_SELECT_MAX] = {};
	unsigned int i, open = p->n;
	int ret = 0;

	for (i = 0; i < p->n; i++) {
		c[i].chan = p->in[i];
		c[i].dir = GOSYNC_SELECT_RECV;
	}
	while (open && !ret) {
		int k = gosync_select(c, p->n, &p->ctx, 0);

		if (k < 0) {
			ret = k;
		} else if (c[k].err) {
			/* Closed and drained: never ready again. */
			c[k].chan = NULL;
			open--;
		} else {
			ret = gchan_pipe_one(p, c[k].val);
		}
	}
	/* -EINVAL if someone else closed it: then the send said -EPIPE. */
	gosync_chan_close(p->out);
	trace_gosync_chan_pipe_end(p, ret);
	p->ret = ret;
	complete(&p->ended);
	return 0;
}

struct gosync_chan_pipe *
gosync_chan_merge(struct gosync_chan *out, struct gosync_chan *const *in,
		  unsigned int n, struct gosync_ctx *ctx,
		  const struct gosync_chan_pipe_opts *opts, gfp_t gfp)
{
	struct gosync_chan_pipe *p;
	struct task_struct *t;
	unsigned int i, j;

	might_sleep();
	if (!out || !in || !n || n > GOSYNC_SELECT_MAX)
		return ERR_PTR(-EINVAL);
	for (i = 0; i < n; i++) {
		if (!in[i] || in[i] == out)
			return ERR_PTR(-EINVAL);
		for (j = 0; j < i; j++)
			if (in[j] == in[i])
				return ERR_PTR(-EINVAL);
	}
	p = kzalloc(sizeof(*p), gfp);
	if (!p)
		return ERR_PTR(-ENOMEM);
	p->out = out;
	memcpy(p->in, in, n * sizeof(*in));
	p->n = n;
	if (opts)
		p->opts = *opts;
	gosync_ctx_init(&p->ctx, ctx);
	init_completion(&p->ended);
	t = kthread_create(gchan_pipe_fn, p, "%s",
			   p->opts.name ? p->opts.name : "gosync-pipe");
	if (IS_ERR(t)) {
		gosync_ctx_put(&p->ctx);
		kfree(p);
		return ERR_CAST(t);
	}
	/* kthread_stop() needs it once the thread has exited by itself. */
	get_task_struct(t);
	p->task = t;
	p->opts.name = NULL;	/* the caller's string: not kept */
	wake_up_process(t);
	return p;
}
EXPORT_SYMBOL_GOSYNC(gosync_chan_merge);

struct gosync_chan_pipe *
gosync_chan_stage(struct gosync_chan *in, struct gosync_chan *out,
		  struct gosync_ctx *ctx,
		  const struct gosync_chan_pipe_opts *opts, gfp_t gfp)
{
	return gosync_chan_merge(out, &in, 1, ctx, opts, gfp);
}
EXPORT_SYMBOL_GOSYNC(gosync_chan_stage);

int gosync_chan_pipe_wait(struct gosync_chan_pipe *p)
{
	int ret;

	wait_for_completion(&p->ended);
	kthread_stop(p->task);
	put_task_struct(p->task);
	ret = p->ret;
	gosync_ctx_put(&p->ctx);
	kfree(p);
	return ret;
}
EXPORT_SYMBOL_GOSYNC(gosync_chan_pipe_wait);

int gosync_chan_pipe_stop(struct gosync_chan_pipe *p)
{
	gosync_ctx_cancel(&p->ctx, -ECANCELED);
	return gosync_chan_pipe_wait(p);
}
EXPORT_SYMBOL_GOSYNC(gosync_chan_pipe_stop);
