// SPDX-License-Identifier: GPL-2.0
/*
 * gosync_consumer: a module that uses gosync.ko the way any outside module
 * does: it includes <gosync/gosync.h>, imports the GOSYNC namespace and
 * calls exported symbols. The tests load it to prove the exports resolve,
 * that it cannot load without gosync.ko, and that gosync.ko stays pinned
 * while it is loaded.
 *
 * It also keeps a gosync_map the way a driver would: string keys, values
 * that are its own kmalloc'ed objects, and a release callback that frees
 * them. gosync_map_destroy() at unload releases what is left and waits
 * for deferred releases, so no callback runs into an unloaded module.
 *
 * And it guards a flaky "device" with a gosync_breaker, whose allow and
 * done are inline in <gosync/breaker.h>: the device fails from its
 * fourth call on, the breaker (3 consecutive failures) opens, and the
 * calls after that are rejected without reaching the device.
 *
 * And it loads a "firmware" through a gosync_once: the load fails twice
 * (-EAGAIN, not cached: each call retries), then returns a value that
 * every later call gets without loading again.
 *
 * And it probes 8 "devices" the way a driver probes its ports: an error
 * group (gosync_group) runs at most 2 probes at once, under a context
 * with the driver's 2 s probe budget as its deadline; each probe takes 1
 * or 2 of 3 DMA channels from a weighted semaphore (gosync_sem) with the
 * group's context, so that the first failure (device 1: -EIO) cancels
 * the probes still waiting for channels or for their device, and no
 * probe is started after it. Its line says that the group returned the
 * first error, that the limit and the channels were respected, that
 * every channel came back, and that every device was either probed or
 * refused by the group.
 *
 * And it runs a small pipeline on channels (gosync_chan): it sends 1..100
 * on one channel, two stages (gosync_chan_stage()) read it at once
 * (fan-out), each dropping multiples of 5 and doubling the rest into its
 * own channel, and gosync_chan_merge() merges their outputs into one
 * (fan-in). Closing the first channel ends the stages, which close their
 * outputs, which ends the merge, which closes its output. Its line says
 * what arrived (80 values, summing 8000), how each pipe ended, and that
 * the last channel was closed.
 *
 * /sys/kernel/debug/gosync_consumer/status reports what it observed.
 */
#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include <gosync/breaker.h>
#include <gosync/chan.h>
#include <gosync/ctx.h>
#include <gosync/gosync.h>
#include <gosync/group.h>
#include <gosync/map.h>
#include <gosync/once.h>
#include <gosync/sem.h>

static struct dentry *consumer_dir;
static u32 consumer_seen_version;

/* A value kept in the map: the map frees it through consumer_release(). */
struct consumer_word {
	unsigned int count;
};

static struct gosync_map consumer_words;
static atomic_t consumer_released = ATOMIC_INIT(0);
static int consumer_map_err;

static void consumer_release(void *value, void *arg)
{
	atomic_inc(&consumer_released);
	kfree(value);
}

static struct consumer_word *consumer_word(unsigned int count)
{
	struct consumer_word *w = kmalloc(sizeof(*w), GFP_KERNEL);

	if (w)
		w->count = count;
	return w;
}

/* Count of @key's word (read under RCU, as the release is deferred). */
static unsigned int consumer_count(const char *key)
{
	struct consumer_word *w;
	unsigned int count = 0;

	rcu_read_lock();
	w = gosync_map_load(&consumer_words, key);
	if (w)
		count = w->count;
	rcu_read_unlock();
	return count;
}

/*
 * Store alpha=1 beta=2 gamma=3, swap beta to 20, delete gamma, and check
 * that load_or_store keeps alpha. Returns the first unexpected result.
 */
static int consumer_use_map(void)
{
	static const char *const keys[] = { "alpha", "beta", "gamma" };
	struct consumer_word *w;
	void *old, *actual;
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		w = consumer_word(i + 1);
		if (!w)
			return -ENOMEM;
		ret = gosync_map_store(&consumer_words, keys[i], w);
		if (ret) {
			kfree(w);
			return ret;
		}
	}
	w = consumer_word(20);
	if (!w)
		return -ENOMEM;
	ret = gosync_map_swap(&consumer_words, "beta", w, &old);
	if (ret) {
		kfree(w);
		return ret;
	}
	if (!old)
		return -ENOENT;	/* beta was there: the swap returns it */
	ret = gosync_map_delete(&consumer_words, "gamma");
	if (ret)
		return ret;
	w = consumer_word(100);
	if (!w)
		return -ENOMEM;
	ret = gosync_map_load_or_store(&consumer_words, "alpha", w, &actual);
	if (!ret)
		return -EINVAL;	/* stored: the map owns w now */
	kfree(w);		/* not stored (-EEXIST: alpha exists): still ours */
	return ret == -EEXIST ? 0 : ret;
}

static struct gosync_breaker consumer_breaker;
static int consumer_dev_calls;
static int consumer_breaker_err;

static int consumer_dev_read(void *arg)
{
	return ++consumer_dev_calls > 3 ? -EIO : 0;
}

/*
 * 10 calls: 3 succeed, 3 fail and trip the breaker, 4 are rejected. The
 * breaker's verdict and the device's result come apart, so a device
 * -EAGAIN would not count as a rejection.
 */
static int consumer_use_breaker(void)
{
	int i, ret, err, rejected = 0;

	ret = gosync_breaker_init(&consumer_breaker,
				  &(struct gosync_breaker_opts) {
					.name = "consumer", .consecutive = 3,
				  }, GFP_KERNEL);
	if (ret)
		return ret;
	for (i = 0; i < 10; i++) {
		ret = gosync_breaker_call(&consumer_breaker,
					  consumer_dev_read, NULL, &err);
		if (ret == -EAGAIN)
			rejected++;
		else if (ret)
			return ret;
		else if (err && err != -EIO)
			return err;
	}
	return rejected == 4 ? 0 : -EPROTO;
}

static DEFINE_GOSYNC_ONCE(consumer_fw, 0);
static int consumer_fw_loads;
static int consumer_fw_results[4];

static int consumer_fw_load(void *arg)
{
	return ++consumer_fw_loads < 3 ? -EAGAIN : 66;
}

static void consumer_use_once(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(consumer_fw_results); i++)
		consumer_fw_results[i] = gosync_once_do(&consumer_fw,
							consumer_fw_load, NULL);
}

#define CONSUMER_DEVS		8
#define CONSUMER_AT_ONCE	2	/* probes at once: the group's limit */
#define CONSUMER_CHANS		3	/* DMA channels: the semaphore */
#define CONSUMER_BROKEN		1	/* the device whose probe fails */

struct consumer_dev {
	unsigned int id;
	unsigned int chans;	/* channels its probe needs: 1 or 2 */
	bool started;
	int result;
};

static struct consumer_dev consumer_devs[CONSUMER_DEVS];
static struct gosync_sem consumer_chans;
static atomic_t consumer_probing = ATOMIC_INIT(0);
static atomic_t consumer_chans_used = ATOMIC_INIT(0);
static int consumer_probe_err;
static bool consumer_over_limit, consumer_over_chans;
static unsigned int consumer_refused;

/* A probe: channels, then the device (20 ms), ended early by the group. */
static int consumer_probe(struct gosync_ctx *ctx, void *arg)
{
	struct consumer_dev *d = arg;
	int err;

	WRITE_ONCE(d->started, true);
	if (atomic_inc_return(&consumer_probing) > CONSUMER_AT_ONCE)
		WRITE_ONCE(consumer_over_limit, true);
	err = gosync_sem_acquire(&consumer_chans, d->chans, ctx);
	if (!err) {
		if (atomic_add_return(d->chans, &consumer_chans_used) >
		    CONSUMER_CHANS)
			WRITE_ONCE(consumer_over_chans, true);
		if (d->id == CONSUMER_BROKEN)
			err = -EIO;
		else
			err = gosync_ctx_wait_timeout(ctx, msecs_to_jiffies(20));
		atomic_sub(d->chans, &consumer_chans_used);
		gosync_sem_release(&consumer_chans, d->chans);
	}
	atomic_dec(&consumer_probing);
	return err;
}

static int consumer_probe_all(void)
{
	struct gosync_group_opts o = { .limit = CONSUMER_AT_ONCE };
	struct gosync_group g;
	struct gosync_ctx budget;
	unsigned int i;
	int err;

	err = gosync_sem_init(&consumer_chans, CONSUMER_CHANS);
	if (err)
		return err;
	gosync_ctx_init(&budget, NULL);
	gosync_ctx_set_deadline(&budget, ktime_add_ms(ktime_get(), 2000));
	err = gosync_group_init(&g, &budget, &o);
	if (err)
		goto out;
	for (i = 0; i < CONSUMER_DEVS; i++) {
		struct consumer_dev *d = &consumer_devs[i];

		d->id = i;
		d->chans = 1 + i % 2;
		/* Refused once a probe failed: the group's cause. */
		if (gosync_group_go_result(&g, consumer_probe, d, &d->result))
			consumer_refused++;
	}
	err = gosync_group_wait(&g);
	gosync_group_destroy(&g);
out:
	gosync_ctx_put(&budget);
	return err;
}

/* The devices whose probe ran. */
static unsigned int consumer_probed(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < CONSUMER_DEVS; i++)
		n += READ_ONCE(consumer_devs[i].started);
	return n;
}

#define CONSUMER_VALUES	100

static unsigned int consumer_sent, consumer_got;
static unsigned long consumer_sum;
static int consumer_stage_ret[2], consumer_merge_ret, consumer_chan_err;
static bool consumer_out_closed;

/* A stage: multiples of 5 dropped (a filter), the rest doubled. */
static int consumer_double(struct gosync_ctx *ctx, void *arg, void *in,
			   void **out)
{
	unsigned long v = (unsigned long)in;

	if (!(v % 5))
		return 1;
	*out = (void *)(v * 2);
	return 0;
}

/* Source -> two stages (fan-out) -> merge (fan-in) -> drained here. */
static int consumer_pipeline(void)
{
	static const struct gosync_chan_pipe_opts opts = {
		.fn = consumer_double, .name = "consumer-stage",
	};
	struct gosync_chan src, mid[2], out, *ins[2] = { &mid[0], &mid[1] };
	struct gosync_chan_pipe *stage[2], *merge;
	int i, nr_mid = 0, ret;
	unsigned long v;
	void *val;

	ret = gosync_chan_init(&src, 8, GFP_KERNEL);
	if (ret)
		return ret;
	for (; nr_mid < 2; nr_mid++) {
		ret = gosync_chan_init(&mid[nr_mid], 4, GFP_KERNEL);
		if (ret)
			break;
	}
	/* Room for every value: this thread drains it only at the end. */
	if (!ret)
		ret = gosync_chan_init(&out, CONSUMER_VALUES, GFP_KERNEL);
	if (ret)
		goto out_mid;
	for (i = 0; i < 2; i++) {
		stage[i] = gosync_chan_stage(&src, &mid[i], NULL, &opts,
					     GFP_KERNEL);
		if (IS_ERR(stage[i])) {
			ret = PTR_ERR(stage[i]);
			/* What the stage would close at its end. */
			gosync_chan_close(&mid[i]);
		}
	}
	merge = gosync_chan_merge(&out, ins, 2, NULL, NULL, GFP_KERNEL);
	if (IS_ERR(merge))
		ret = PTR_ERR(merge);
	/* A pipe that could not start: the others end at the close below. */
	for (v = 1; v <= CONSUMER_VALUES && !ret; v++)
		if (!gosync_chan_send(&src, (void *)v, NULL))
			consumer_sent++;
	gosync_chan_close(&src);
	for (i = 0; i < 2; i++)
		if (!IS_ERR(stage[i]))
			consumer_stage_ret[i] = gosync_chan_pipe_wait(stage[i]);
	if (!IS_ERR(merge))
		consumer_merge_ret = gosync_chan_pipe_wait(merge);
	while (!gosync_chan_try_recv(&out, &val)) {
		consumer_got++;
		consumer_sum += (unsigned long)val;
	}
	consumer_out_closed = gosync_chan_try_recv(&out, &val) == -EPIPE;
	gosync_chan_destroy(&out);
out_mid:
	while (nr_mid--)
		gosync_chan_destroy(&mid[nr_mid]);
	gosync_chan_destroy(&src);
	return ret;
}

static int consumer_status_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "gosync %u.%u.%u ok\n", consumer_seen_version >> 16,
		   (consumer_seen_version >> 8) & 0xff,
		   consumer_seen_version & 0xff);
	if (consumer_map_err)
		seq_printf(m, "map error %d\n", consumer_map_err);
	else
		seq_printf(m, "map len=%lu alpha=%u beta=%u gamma=%u released=%d\n",
			   gosync_map_len(&consumer_words),
			   consumer_count("alpha"), consumer_count("beta"),
			   consumer_count("gamma"),
			   atomic_read(&consumer_released));
	if (consumer_breaker_err) {
		seq_printf(m, "breaker error %d\n", consumer_breaker_err);
	} else {
		struct gosync_breaker_counts c;

		gosync_breaker_counts(&consumer_breaker, &c);
		seq_printf(m, "breaker %s device_calls=%d trips=%llu rejected=%llu\n",
			   gosync_breaker_state_name(c.state),
			   consumer_dev_calls, c.trips, c.rejected);
	}
	seq_printf(m, "once results=%d,%d,%d,%d loads=%d done=%d\n",
		   consumer_fw_results[0], consumer_fw_results[1],
		   consumer_fw_results[2], consumer_fw_results[3],
		   consumer_fw_loads, gosync_once_done(&consumer_fw));
	seq_printf(m, "group err=%d broken=%d limit_kept=%d chans_kept=%d chans_back=%d accounted=%d\n",
		   consumer_probe_err, consumer_devs[CONSUMER_BROKEN].result,
		   !consumer_over_limit, !consumer_over_chans,
		   gosync_sem_available(&consumer_chans) == CONSUMER_CHANS,
		   consumer_probed() + consumer_refused == CONSUMER_DEVS);
	if (consumer_chan_err)
		seq_printf(m, "chan error %d\n", consumer_chan_err);
	else
		seq_printf(m, "chan sent=%u got=%u sum=%lu stages=%d,%d merge=%d closed=%d\n",
			   consumer_sent, consumer_got, consumer_sum,
			   consumer_stage_ret[0], consumer_stage_ret[1],
			   consumer_merge_ret, consumer_out_closed);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(consumer_status);

static int __init consumer_init(void)
{
	int ret = gosync_check_version();

	if (ret) {
		pr_err("gosync_consumer: gosync.ko %#x is not compatible with %#x\n",
		       gosync_version(), GOSYNC_VERSION_CODE);
		return ret;
	}
	consumer_seen_version = gosync_version();
	ret = gosync_map_init(&consumer_words, &(struct gosync_map_opts) {
		.key_kind = GOSYNC_MAP_KEY_STRING,
		.release = consumer_release,
	});
	if (ret)
		return ret;
	consumer_map_err = consumer_use_map();
	consumer_breaker_err = consumer_use_breaker();
	consumer_use_once();
	consumer_probe_err = consumer_probe_all();
	consumer_chan_err = consumer_pipeline();
	/* Let the deferred releases (beta=2, gamma=3) happen before status. */
	synchronize_rcu();
	rcu_barrier();
	consumer_dir = debugfs_create_dir("gosync_consumer", NULL);
	debugfs_create_file("status", 0400, consumer_dir, NULL,
			    &consumer_status_fops);
	return 0;
}

static void __exit consumer_exit(void)
{
	debugfs_remove_recursive(consumer_dir);
	gosync_map_destroy(&consumer_words);
	gosync_breaker_destroy(&consumer_breaker);
}

module_init(consumer_init);
module_exit(consumer_exit);

GOSYNC_IMPORT_NS();
MODULE_DESCRIPTION("gosync test consumer: uses gosync.ko like an outside module");
MODULE_LICENSE("GPL");
