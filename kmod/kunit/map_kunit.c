// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of gosync_map (kmod/map.c): every operation and its edge
 * cases on the three key kinds, the release callback's exact accounting,
 * max_entries, range (early stop, exactly-once, clear from inside), forced
 * and automatic resizes, and concurrency: private-key churn checked op by
 * op against a model, readers, writers and rangers during back-to-back
 * resizes, racing inserts into a bounded map, and calls from atomic and
 * hardirq context with GFP_ATOMIC.
 *
 * Each case keeps its maps and helper kthreads in a fixture whose exit
 * destroys and stops them, so a failed assertion leaks nothing. Timed
 * thread groups come from the runner (kmod/test/runner.h), which joins them
 * before returning.
 */
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/bottom_half.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/log2.h>
#include <linux/rcupdate.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include <gosync/map.h>

#include "internal.h"
#include "map.h"
#include "runner.h"

#ifdef GOSYNC_NATIVE
#include <shim/native.h>	/* native_same_cpu() */
#endif

#define GM_MAPS		2
#define GM_VALS		64
#define GM_THREADS	8

struct gm_irq;

struct gm_thread {
	struct task_struct *task;
	void (*fn)(void *data, unsigned int id);
	void *data;
	unsigned int id;
	atomic_t *started;
};

/* A value with its own release count; the release callback finds it. */
struct gm_val {
	atomic_t released;
};

struct gm_fx {
	struct gosync_map maps[GM_MAPS];
	bool live[GM_MAPS];
	atomic_t released;		/* every release callback */
	struct gm_val vals[GM_VALS];
	struct hrtimer timer;
	bool timer_live;
	struct gm_irq *irq;		/* the timer callback's state */
	struct gm_thread threads[GM_THREADS];
	atomic_t started;
	bool hooked;			/* a race window hook is set */
};

static void gm_release(void *value, void *arg)
{
	struct gm_fx *fx = arg;
	struct gm_val *v = value;

	atomic_inc(&v->released);
	atomic_inc(&fx->released);
}

static void gm_threads_stop(struct gm_fx *fx);

static int gm_init(struct kunit *test)
{
	struct gm_fx *fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);

	if (!fx)
		return -ENOMEM;
	test->priv = fx;
	return 0;
}

static void gm_exit(struct kunit *test)
{
	struct gm_fx *fx = test->priv;
	int i;

	if (fx->timer_live)
		hrtimer_cancel(&fx->timer);
	if (fx->hooked)
		__gosync_race_set(NULL, NULL);
	gm_threads_stop(fx);
	for (i = 0; i < GM_MAPS; i++) {
		if (fx->live[i])
			gosync_map_destroy(&fx->maps[i]);
		fx->live[i] = false;
	}
	/* No release callback may run once the fixture is freed. */
	rcu_barrier();
}

/* Set up map @i of the fixture; a release-counting map gets the fixture. */
static struct gosync_map *gm_map(struct kunit *test, int i,
				 struct gosync_map_opts *opts)
{
	struct gm_fx *fx = test->priv;
	int ret;

	if (opts->release == gm_release)
		opts->release_arg = fx;
	ret = gosync_map_init(&fx->maps[i], opts);
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "gosync_map_init");
	fx->live[i] = true;
	return &fx->maps[i];
}

static void gm_destroy(struct kunit *test, int i)
{
	struct gm_fx *fx = test->priv;

	gosync_map_destroy(&fx->maps[i]);
	fx->live[i] = false;
}

/* A u64 map with default options. */
static struct gosync_map *gm_u64_map(struct kunit *test, int i)
{
	struct gosync_map_opts opts = { .key_kind = GOSYNC_MAP_KEY_U64 };

	return gm_map(test, i, &opts);
}

/* A release-counting u64 map. */
static struct gosync_map *gm_rel_map(struct kunit *test, int i, gfp_t gfp)
{
	struct gosync_map_opts opts = {
		.key_kind = GOSYNC_MAP_KEY_U64, .release = gm_release, .gfp = gfp,
	};

	return gm_map(test, i, &opts);
}

/* Opaque values the map never dereferences (no release callback). */
static void *gm_v(unsigned long n)
{
	return (void *)((n + 1) << 4);
}

static void *ld(struct gosync_map *m, u64 k)
{
	return gosync_map_load(m, &k);
}

static int st(struct gosync_map *m, u64 k, void *v)
{
	return gosync_map_store(m, &k, v);
}

static int del(struct gosync_map *m, u64 k)
{
	return gosync_map_delete(m, &k);
}

/*
 * Wait until at least @want release callbacks have run (they follow a
 * grace period, possibly through a work item), then let any extra ones
 * arrive before the caller checks for exactness.
 */
static int gm_released(struct gm_fx *fx, int want)
{
	unsigned long end = jiffies + msecs_to_jiffies(3000);

	rcu_barrier();
	while (atomic_read(&fx->released) < want && time_before(jiffies, end))
		usleep_range(2000, 5000);
	rcu_barrier();
	return atomic_read(&fx->released);
}

static int gm_rel(struct gm_fx *fx, int i)
{
	return atomic_read(&fx->vals[i].released);
}

/* ---- basic operations, u64 keys ---- */

static void map_basic_u64_test(struct kunit *test)
{
	struct gosync_map *m = gm_u64_map(test, 0);
	static const u64 keys[] = { 0, 1, 2, 0x8000000000000000ULL, U64_MAX };
	void *old = gm_v(99), *actual = gm_v(99);
	unsigned int i;
	u64 k;

	KUNIT_EXPECT_EQ(test, gosync_map_len(m), 0UL);
	KUNIT_EXPECT_NULL(test, ld(m, 0));
	for (i = 0; i < ARRAY_SIZE(keys); i++)
		KUNIT_EXPECT_EQ(test, st(m, keys[i], gm_v(i)), 0);
	KUNIT_EXPECT_EQ(test, gosync_map_len(m), (unsigned long)ARRAY_SIZE(keys));
	for (i = 0; i < ARRAY_SIZE(keys); i++)
		KUNIT_EXPECT_PTR_EQ(test, ld(m, keys[i]), gm_v(i));
	KUNIT_EXPECT_NULL(test, ld(m, 3));
	KUNIT_EXPECT_NULL(test, ld(m, U64_MAX - 1));

	/* Duplicate store: replaces, does not add. */
	KUNIT_EXPECT_EQ(test, st(m, 1, gm_v(10)), 0);
	KUNIT_EXPECT_PTR_EQ(test, ld(m, 1), gm_v(10));
	KUNIT_EXPECT_EQ(test, gosync_map_len(m), (unsigned long)ARRAY_SIZE(keys));

	/* load_or_store: absent stores, present reports the actual value. */
	k = 7;
	KUNIT_EXPECT_EQ(test, gosync_map_load_or_store(m, &k, gm_v(7), &actual), 0);
	KUNIT_EXPECT_PTR_EQ(test, ld(m, 7), gm_v(7));
	KUNIT_EXPECT_EQ(test, gosync_map_load_or_store(m, &k, gm_v(8), &actual), -EEXIST);
	KUNIT_EXPECT_PTR_EQ(test, actual, gm_v(7));
	KUNIT_EXPECT_PTR_EQ(test, ld(m, 7), gm_v(7));
	KUNIT_EXPECT_EQ(test, gosync_map_len(m), (unsigned long)ARRAY_SIZE(keys) + 1);

	/* swap: absent gives NULL and adds, present gives the old value. */
	k = 8;
	KUNIT_EXPECT_EQ(test, gosync_map_swap(m, &k, gm_v(80), &old), 0);
	KUNIT_EXPECT_NULL(test, old);
	KUNIT_EXPECT_PTR_EQ(test, ld(m, 8), gm_v(80));
	KUNIT_EXPECT_EQ(test, gosync_map_swap(m, &k, gm_v(81), &old), 0);
	KUNIT_EXPECT_PTR_EQ(test, old, gm_v(80));
	KUNIT_EXPECT_PTR_EQ(test, ld(m, 8), gm_v(81));
	KUNIT_EXPECT_EQ(test, gosync_map_len(m), (unsigned long)ARRAY_SIZE(keys) + 2);

	/* compare_and_swap: match, mismatch, missing. */
	KUNIT_EXPECT_EQ(test, gosync_map_compare_and_swap(m, &k, gm_v(81), gm_v(82)), 0);
	KUNIT_EXPECT_PTR_EQ(test, ld(m, 8), gm_v(82));
	KUNIT_EXPECT_EQ(test, gosync_map_compare_and_swap(m, &k, gm_v(81), gm_v(83)),
			-EAGAIN);
	KUNIT_EXPECT_PTR_EQ(test, ld(m, 8), gm_v(82));
	k = 9;
	KUNIT_EXPECT_EQ(test, gosync_map_compare_and_swap(m, &k, gm_v(81), gm_v(83)),
			-ENOENT);
	KUNIT_EXPECT_NULL(test, ld(m, 9));

	/* compare_and_delete: mismatch, missing, match. */
	k = 8;
	KUNIT_EXPECT_EQ(test, gosync_map_compare_and_delete(m, &k, gm_v(81)), -EAGAIN);
	KUNIT_EXPECT_PTR_EQ(test, ld(m, 8), gm_v(82));
	k = 9;
	KUNIT_EXPECT_EQ(test, gosync_map_compare_and_delete(m, &k, gm_v(82)), -ENOENT);
	k = 8;
	KUNIT_EXPECT_EQ(test, gosync_map_compare_and_delete(m, &k, gm_v(82)), 0);
	KUNIT_EXPECT_NULL(test, ld(m, 8));
	KUNIT_EXPECT_EQ(test, gosync_map_compare_and_delete(m, &k, gm_v(82)), -ENOENT);

	/* load_and_delete: present gives the value, missing is -ENOENT. */
	k = 7;
	KUNIT_EXPECT_EQ(test, gosync_map_load_and_delete(m, &k, &old), 0);
	KUNIT_EXPECT_PTR_EQ(test, old, gm_v(7));
	KUNIT_EXPECT_NULL(test, ld(m, 7));
	old = gm_v(99);
	KUNIT_EXPECT_EQ(test, gosync_map_load_and_delete(m, &k, &old), -ENOENT);
	KUNIT_EXPECT_NULL(test, old);

	/* delete: present, then missing. */
	KUNIT_EXPECT_EQ(test, del(m, U64_MAX), 0);
	KUNIT_EXPECT_NULL(test, ld(m, U64_MAX));
	KUNIT_EXPECT_EQ(test, del(m, U64_MAX), -ENOENT);
	KUNIT_EXPECT_EQ(test, del(m, 12345), -ENOENT);
	KUNIT_EXPECT_EQ(test, gosync_map_len(m), (unsigned long)ARRAY_SIZE(keys) - 1);

	/* A deleted key can come back. */
	KUNIT_EXPECT_EQ(test, st(m, U64_MAX, gm_v(5)), 0);
	KUNIT_EXPECT_PTR_EQ(test, ld(m, U64_MAX), gm_v(5));
	KUNIT_EXPECT_EQ(test, gosync_map_len(m), (unsigned long)ARRAY_SIZE(keys));

	/* Untouched keys kept their values throughout. */
	KUNIT_EXPECT_PTR_EQ(test, ld(m, 0), gm_v(0));
	KUNIT_EXPECT_PTR_EQ(test, ld(m, 2), gm_v(2));
}

/* NULL values are refused everywhere and change nothing. */
static void map_null_value_test(struct kunit *test)
{
	struct gosync_map *m = gm_u64_map(test, 0);
	void *old = NULL, *actual = NULL;
	u64 k = 1;

	KUNIT_EXPECT_EQ(test, gosync_map_store(m, &k, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, gosync_map_load_or_store(m, &k, NULL, &actual), -EINVAL);
	KUNIT_EXPECT_EQ(test, gosync_map_swap(m, &k, NULL, &old), -EINVAL);
	KUNIT_EXPECT_EQ(test, gosync_map_len(m), 0UL);
	KUNIT_EXPECT_NULL(test, ld(m, 1));

	KUNIT_ASSERT_EQ(test, st(m, 1, gm_v(1)), 0);
	KUNIT_EXPECT_EQ(test, gosync_map_store(m, &k, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, gosync_map_swap(m, &k, NULL, &old), -EINVAL);
	KUNIT_EXPECT_EQ(test, gosync_map_compare_and_swap(m, &k, gm_v(1), NULL), -EINVAL);
	/* NULL is never a stored value, so it cannot be the expected one. */
	KUNIT_EXPECT_EQ(test, gosync_map_compare_and_swap(m, &k, NULL, gm_v(2)), -EINVAL);
	KUNIT_EXPECT_EQ(test, gosync_map_compare_and_delete(m, &k, NULL), -EINVAL);
	KUNIT_EXPECT_PTR_EQ(test, ld(m, 1), gm_v(1));
	KUNIT_EXPECT_EQ(test, gosync_map_len(m), 1UL);

	/* A NULL key is refused too. */
	KUNIT_EXPECT_EQ(test, gosync_map_store(m, NULL, gm_v(3)), -EINVAL);
	KUNIT_EXPECT_EQ(test, gosync_map_delete(m, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, gosync_map_swap(m, NULL, gm_v(3), &old), -EINVAL);
	KUNIT_EXPECT_NULL(test, gosync_map_load(m, NULL));
	KUNIT_EXPECT_EQ(test, gosync_map_len(m), 1UL);
}

static void map_init_errors_test(struct kunit *test)
{
	struct gm_fx *fx = test->priv;
	struct gosync_map_opts opts = {};
	struct gosync_map_stats s;
	struct gosync_map *m;

	KUNIT_EXPECT_EQ(test, gosync_map_init(&fx->maps[0], NULL), -EINVAL);
	opts.key_kind = GOSYNC_MAP_KEY_BINARY;
	opts.key_len = 0;
	KUNIT_EXPECT_EQ(test, gosync_map_init(&fx->maps[0], &opts), -EINVAL);
	opts.key_len = GOSYNC_MAP_KEY_MAX + 1;
	KUNIT_EXPECT_EQ(test, gosync_map_init(&fx->maps[0], &opts), -EINVAL);
	opts.key_len = UINT_MAX;
	KUNIT_EXPECT_EQ(test, gosync_map_init(&fx->maps[0], &opts), -EINVAL);
	opts.key_kind = (enum gosync_map_key_kind)3;
	opts.key_len = 8;
	KUNIT_EXPECT_EQ(test, gosync_map_init(&fx->maps[0], &opts), -EINVAL);
	opts.key_kind = (enum gosync_map_key_kind)-1;
	KUNIT_EXPECT_EQ(test, gosync_map_init(&fx->maps[0], &opts), -EINVAL);

	/* key_len is ignored for the other kinds. */
	opts.key_kind = GOSYNC_MAP_KEY_U64;
	opts.key_len = 1000;
	m = gm_map(test, 0, &opts);
	gosync_map_stats(m, &s);
	KUNIT_EXPECT_GE(test, s.buckets, GOSYNC_MAP_MIN_BUCKETS);
	KUNIT_EXPECT_EQ(test, s.entries, 0UL);
	KUNIT_EXPECT_FALSE(test, s.resizing);
	KUNIT_EXPECT_EQ(test, s.grows + s.shrinks + s.reseeds + s.aborts, 0U);
	gm_destroy(test, 0);

	/* Boundary key_len values are accepted. */
	opts.key_kind = GOSYNC_MAP_KEY_BINARY;
	opts.key_len = 1;
	gm_map(test, 0, &opts);
	gm_destroy(test, 0);
	opts.key_len = GOSYNC_MAP_KEY_MAX;
	gm_map(test, 0, &opts);
	gm_destroy(test, 0);

	/* A size hint sizes the first table. */
	opts.key_kind = GOSYNC_MAP_KEY_U64;
	opts.size_hint = 1000;
	m = gm_map(test, 0, &opts);
	gosync_map_stats(m, &s);
	KUNIT_EXPECT_GE(test, s.buckets, 512U);
	KUNIT_EXPECT_LE(test, s.buckets, 2048U);
	KUNIT_EXPECT_TRUE(test, is_power_of_2(s.buckets));
	gm_destroy(test, 0);
}

/* ---- binary keys ---- */

static void map_binary_keys_test(struct kunit *test)
{
	struct gosync_map_opts opts = { .key_kind = GOSYNC_MAP_KEY_BINARY, .key_len = 3 };
	static const u8 a[3] = { 0, 0, 0 }, b[3] = { 0, 0, 1 }, c[3] = { 1, 0, 0 };
	struct gosync_map *m = gm_map(test, 0, &opts), *big;
	u8 *k1, *k2;
	void *old;

	KUNIT_EXPECT_EQ(test, gosync_map_store(m, a, gm_v(1)), 0);
	KUNIT_EXPECT_EQ(test, gosync_map_store(m, b, gm_v(2)), 0);
	KUNIT_EXPECT_EQ(test, gosync_map_store(m, c, gm_v(3)), 0);
	KUNIT_EXPECT_EQ(test, gosync_map_len(m), 3UL);
	KUNIT_EXPECT_PTR_EQ(test, gosync_map_load(m, a), gm_v(1));
	KUNIT_EXPECT_PTR_EQ(test, gosync_map_load(m, b), gm_v(2));
	KUNIT_EXPECT_PTR_EQ(test, gosync_map_load(m, c), gm_v(3));
	KUNIT_EXPECT_EQ(test, gosync_map_delete(m, b), 0);
	KUNIT_EXPECT_NULL(test, gosync_map_load(m, b));
	KUNIT_EXPECT_PTR_EQ(test, gosync_map_load(m, a), gm_v(1));
	KUNIT_EXPECT_EQ(test, gosync_map_swap(m, c, gm_v(4), &old), 0);
	KUNIT_EXPECT_PTR_EQ(test, old, gm_v(3));

	/* Full-length keys that differ only in their last byte. */
	opts.key_len = GOSYNC_MAP_KEY_MAX;
	big = gm_map(test, 1, &opts);
	k1 = kunit_kzalloc(test, GOSYNC_MAP_KEY_MAX, GFP_KERNEL);
	k2 = kunit_kzalloc(test, GOSYNC_MAP_KEY_MAX, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, k1);
	KUNIT_ASSERT_NOT_NULL(test, k2);
	memset(k1, 0xab, GOSYNC_MAP_KEY_MAX);
	memcpy(k2, k1, GOSYNC_MAP_KEY_MAX);
	k2[GOSYNC_MAP_KEY_MAX - 1] = 0xac;
	KUNIT_EXPECT_EQ(test, gosync_map_store(big, k1, gm_v(1)), 0);
	KUNIT_EXPECT_NULL(test, gosync_map_load(big, k2));
	KUNIT_EXPECT_EQ(test, gosync_map_store(big, k2, gm_v(2)), 0);
	KUNIT_EXPECT_EQ(test, gosync_map_len(big), 2UL);
	/* The map copied the key: changing the caller's buffer is harmless. */
	memset(k1, 0, GOSYNC_MAP_KEY_MAX);
	KUNIT_EXPECT_NULL(test, gosync_map_load(big, k1));
	memset(k1, 0xab, GOSYNC_MAP_KEY_MAX);
	KUNIT_EXPECT_PTR_EQ(test, gosync_map_load(big, k1), gm_v(1));
	KUNIT_EXPECT_PTR_EQ(test, gosync_map_load(big, k2), gm_v(2));
	KUNIT_EXPECT_EQ(test, gosync_map_delete(big, k1), 0);
	KUNIT_EXPECT_PTR_EQ(test, gosync_map_load(big, k2), gm_v(2));
	KUNIT_EXPECT_EQ(test, gosync_map_len(big), 1UL);
}

/* ---- string keys ---- */

struct gm_str_seen {
	unsigned int visits;
	unsigned int longest;
	bool empty_seen;
	bool bad;
};

static bool gm_str_visit(const void *key, void *value, void *arg)
{
	struct gm_str_seen *s = arg;
	size_t len = strnlen(key, GOSYNC_MAP_KEY_MAX);

	s->visits++;
	if (len >= GOSYNC_MAP_KEY_MAX)
		s->bad = true;		/* unterminated */
	if (!len)
		s->empty_seen = value == gm_v(0);
	if (len > s->longest)
		s->longest = len;
	return true;
}

static void map_string_keys_test(struct kunit *test)
{
	struct gosync_map_opts opts = { .key_kind = GOSYNC_MAP_KEY_STRING };
	struct gosync_map *m = gm_map(test, 0, &opts);
	struct gm_str_seen seen = {};
	char *longest, *toolong;
	void *old = NULL, *actual = NULL;

	longest = kunit_kzalloc(test, GOSYNC_MAP_KEY_MAX + 1, GFP_KERNEL);
	toolong = kunit_kzalloc(test, GOSYNC_MAP_KEY_MAX + 2, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, longest);
	KUNIT_ASSERT_NOT_NULL(test, toolong);
	memset(longest, 'x', GOSYNC_MAP_KEY_MAX - 1);	/* 255 chars + NUL */
	memset(toolong, 'x', GOSYNC_MAP_KEY_MAX);	/* 256 chars + NUL */

	KUNIT_EXPECT_EQ(test, gosync_map_store(m, "", gm_v(0)), 0);
	KUNIT_EXPECT_EQ(test, gosync_map_store(m, "a", gm_v(1)), 0);
	KUNIT_EXPECT_EQ(test, gosync_map_store(m, "ab", gm_v(2)), 0);
	KUNIT_EXPECT_EQ(test, gosync_map_store(m, "b", gm_v(3)), 0);
	KUNIT_EXPECT_EQ(test, gosync_map_store(m, longest, gm_v(4)), 0);
	KUNIT_EXPECT_EQ(test, gosync_map_len(m), 5UL);
	KUNIT_EXPECT_PTR_EQ(test, gosync_map_load(m, ""), gm_v(0));
	KUNIT_EXPECT_PTR_EQ(test, gosync_map_load(m, "a"), gm_v(1));
	KUNIT_EXPECT_PTR_EQ(test, gosync_map_load(m, "ab"), gm_v(2));
	KUNIT_EXPECT_PTR_EQ(test, gosync_map_load(m, "b"), gm_v(3));
	KUNIT_EXPECT_PTR_EQ(test, gosync_map_load(m, longest), gm_v(4));
	KUNIT_EXPECT_NULL(test, gosync_map_load(m, "abc"));
	KUNIT_EXPECT_NULL(test, gosync_map_load(m, "A"));

	/* Only the bytes before the NUL count. */
	KUNIT_EXPECT_PTR_EQ(test, gosync_map_load(m, "a\0zzz"), gm_v(1));

	/* A prefix of the longest key is another key. */
	longest[GOSYNC_MAP_KEY_MAX - 2] = '\0';
	KUNIT_EXPECT_NULL(test, gosync_map_load(m, longest));
	longest[GOSYNC_MAP_KEY_MAX - 2] = 'x';

	/* One byte too long: refused by every call, nothing changes. */
	KUNIT_EXPECT_EQ(test, gosync_map_store(m, toolong, gm_v(5)), -ENAMETOOLONG);
	KUNIT_EXPECT_EQ(test, gosync_map_load_or_store(m, toolong, gm_v(5), &actual),
			-ENAMETOOLONG);
	KUNIT_EXPECT_EQ(test, gosync_map_swap(m, toolong, gm_v(5), &old), -ENAMETOOLONG);
	KUNIT_EXPECT_EQ(test, gosync_map_compare_and_swap(m, toolong, gm_v(4), gm_v(5)),
			-ENAMETOOLONG);
	KUNIT_EXPECT_EQ(test, gosync_map_compare_and_delete(m, toolong, gm_v(4)),
			-ENAMETOOLONG);
	KUNIT_EXPECT_EQ(test, gosync_map_delete(m, toolong), -ENAMETOOLONG);
	KUNIT_EXPECT_EQ(test, gosync_map_load_and_delete(m, toolong, &old), -ENAMETOOLONG);
	KUNIT_EXPECT_NULL(test, gosync_map_load(m, toolong));
	/* ...even though its first 255 bytes are a stored key. */
	KUNIT_EXPECT_PTR_EQ(test, gosync_map_load(m, longest), gm_v(4));
	KUNIT_EXPECT_EQ(test, gosync_map_len(m), 5UL);

	/* The empty string is a key like any other. */
	KUNIT_EXPECT_EQ(test, gosync_map_swap(m, "", gm_v(6), &old), 0);
	KUNIT_EXPECT_PTR_EQ(test, old, gm_v(0));
	KUNIT_EXPECT_EQ(test, gosync_map_compare_and_swap(m, "", gm_v(6), gm_v(0)), 0);

	KUNIT_EXPECT_EQ(test, gosync_map_range(m, gm_str_visit, &seen), 5UL);
	KUNIT_EXPECT_EQ(test, seen.visits, 5U);
	KUNIT_EXPECT_EQ(test, seen.longest, GOSYNC_MAP_KEY_MAX - 1U);
	KUNIT_EXPECT_TRUE(test, seen.empty_seen);
	KUNIT_EXPECT_FALSE(test, seen.bad);

	KUNIT_EXPECT_EQ(test, gosync_map_delete(m, longest), 0);
	KUNIT_EXPECT_EQ(test, gosync_map_delete(m, longest), -ENOENT);
	KUNIT_EXPECT_EQ(test, gosync_map_delete(m, ""), 0);
	KUNIT_EXPECT_NULL(test, gosync_map_load(m, ""));
	KUNIT_EXPECT_PTR_EQ(test, gosync_map_load(m, "a"), gm_v(1));
	KUNIT_EXPECT_EQ(test, gosync_map_len(m), 3UL);
}

/* ---- release callback ---- */

static void map_release_test(struct kunit *test)
{
	struct gm_fx *fx = test->priv;
	struct gosync_map *m = gm_rel_map(test, 0, 0);
	struct gm_val *v = fx->vals;
	void *old, *actual;
	u64 k = 1, k2 = 2, k3 = 3;
	int i;

	KUNIT_ASSERT_EQ(test, gosync_map_store(m, &k, &v[0]), 0);
	KUNIT_EXPECT_EQ(test, gm_released(fx, 0), 0);		/* nothing left */

	KUNIT_EXPECT_EQ(test, gosync_map_store(m, &k, &v[1]), 0);	/* replaces v0 */
	KUNIT_EXPECT_EQ(test, gm_released(fx, 1), 1);
	KUNIT_EXPECT_EQ(test, gm_rel(fx, 0), 1);

	KUNIT_EXPECT_EQ(test, gosync_map_swap(m, &k, &v[2], &old), 0);	/* v1 out */
	KUNIT_EXPECT_PTR_EQ(test, old, (void *)&v[1]);
	KUNIT_EXPECT_EQ(test, gosync_map_load_and_delete(m, &k, &old), 0); /* v2 out */
	KUNIT_EXPECT_PTR_EQ(test, old, (void *)&v[2]);
	KUNIT_EXPECT_EQ(test, gm_released(fx, 3), 3);
	KUNIT_EXPECT_EQ(test, gm_rel(fx, 1), 1);
	KUNIT_EXPECT_EQ(test, gm_rel(fx, 2), 1);

	/* Swap into an absent key releases nothing. */
	KUNIT_EXPECT_EQ(test, gosync_map_swap(m, &k, &v[3], &old), 0);
	KUNIT_EXPECT_NULL(test, old);
	KUNIT_EXPECT_EQ(test, gosync_map_compare_and_swap(m, &k, &v[3], &v[4]), 0);
	/* A failed CAS releases neither the current nor the offered value. */
	KUNIT_EXPECT_EQ(test, gosync_map_compare_and_swap(m, &k, &v[3], &v[5]), -EAGAIN);
	KUNIT_EXPECT_EQ(test, gosync_map_compare_and_delete(m, &k, &v[3]), -EAGAIN);
	KUNIT_EXPECT_EQ(test, gm_released(fx, 4), 4);
	KUNIT_EXPECT_EQ(test, gm_rel(fx, 3), 1);
	KUNIT_EXPECT_EQ(test, gm_rel(fx, 4), 0);
	KUNIT_EXPECT_EQ(test, gm_rel(fx, 5), 0);

	KUNIT_EXPECT_EQ(test, gosync_map_compare_and_delete(m, &k, &v[4]), 0);
	KUNIT_EXPECT_EQ(test, gosync_map_delete(m, &k), -ENOENT);
	KUNIT_EXPECT_EQ(test, gm_released(fx, 5), 5);
	KUNIT_EXPECT_EQ(test, gm_rel(fx, 4), 1);

	/* load_or_store that finds a value does not take (or release) its own. */
	KUNIT_EXPECT_EQ(test, gosync_map_load_or_store(m, &k, &v[6], &actual), 0);
	KUNIT_EXPECT_EQ(test, gosync_map_load_or_store(m, &k, &v[7], &actual), -EEXIST);
	KUNIT_EXPECT_PTR_EQ(test, actual, (void *)&v[6]);
	KUNIT_EXPECT_EQ(test, gosync_map_store(m, &k2, &v[8]), 0);
	KUNIT_EXPECT_EQ(test, gosync_map_store(m, &k3, &v[9]), 0);
	KUNIT_EXPECT_EQ(test, gm_released(fx, 5), 5);
	KUNIT_EXPECT_EQ(test, gosync_map_delete(m, &k3), 0);

	/* Clear releases everything left; destroy what was stored after. */
	KUNIT_EXPECT_EQ(test, gosync_map_clear(m), 0);
	KUNIT_EXPECT_EQ(test, gosync_map_len(m), 0UL);
	KUNIT_EXPECT_NULL(test, gosync_map_load(m, &k));
	KUNIT_EXPECT_EQ(test, gm_released(fx, 8), 8);
	KUNIT_EXPECT_EQ(test, gosync_map_store(m, &k, &v[10]), 0);
	KUNIT_EXPECT_EQ(test, gosync_map_store(m, &k2, &v[11]), 0);
	gm_destroy(test, 0);
	KUNIT_EXPECT_EQ(test, gm_released(fx, 10), 10);

	for (i = 0; i <= 11; i++)
		KUNIT_EXPECT_EQ_MSG(test, gm_rel(fx, i), i == 5 || i == 7 ? 0 : 1,
				    "value %d", i);
}

/* A value loaded under rcu_read_lock() outlives its deletion until unlock. */
static void map_release_after_grace_period_test(struct kunit *test)
{
	struct gm_fx *fx = test->priv;
	struct gosync_map *m = gm_rel_map(test, 0, GFP_ATOMIC);
	unsigned long end;
	struct gm_val *got;
	int during;
	u64 k = 42;

	KUNIT_ASSERT_EQ(test, gosync_map_store(m, &k, &fx->vals[0]), 0);
	rcu_read_lock();
	got = gosync_map_load(m, &k);
	KUNIT_EXPECT_EQ(test, gosync_map_delete(m, &k), 0);
	/* Give a wrongly immediate or work-queued release time to show. */
	end = jiffies + msecs_to_jiffies(20);
	while (time_before(jiffies, end))
		cpu_relax();
	during = atomic_read(&fx->vals[0].released);
	rcu_read_unlock();
	KUNIT_EXPECT_PTR_EQ(test, (void *)got, (void *)&fx->vals[0]);
	KUNIT_EXPECT_EQ(test, during, 0);
	KUNIT_EXPECT_EQ(test, gm_released(fx, 1), 1);
	KUNIT_EXPECT_EQ(test, gm_rel(fx, 0), 1);
}

/*
 * Storing the value a key already holds does not take it out of the map,
 * so it must not be released while it is still stored: a later load
 * would hand out a released object.
 */
static void map_release_same_value_test(struct kunit *test)
{
	struct gm_fx *fx = test->priv;
	struct gosync_map *m = gm_rel_map(test, 0, 0);
	struct gm_val *v = fx->vals;
	void *old = NULL;
	u64 k = 5;

	KUNIT_ASSERT_EQ(test, gosync_map_store(m, &k, &v[0]), 0);
	KUNIT_EXPECT_EQ(test, gosync_map_store(m, &k, &v[0]), 0);
	KUNIT_EXPECT_EQ(test, gosync_map_swap(m, &k, &v[0], &old), 0);
	KUNIT_EXPECT_PTR_EQ(test, old, (void *)&v[0]);
	KUNIT_EXPECT_EQ(test, gosync_map_compare_and_swap(m, &k, &v[0], &v[0]), 0);
	KUNIT_EXPECT_PTR_EQ(test, gosync_map_load(m, &k), (void *)&v[0]);
	rcu_barrier();
	msleep(20);
	rcu_barrier();
	KUNIT_EXPECT_EQ_MSG(test, gm_rel(fx, 0), 0,
			    "value released while still stored under its key");
	gm_destroy(test, 0);
	KUNIT_EXPECT_EQ(test, gm_released(fx, 1), 1);
	KUNIT_EXPECT_EQ(test, gm_rel(fx, 0), 1);
}

/* ---- max_entries ---- */

static void map_max_entries_test(struct kunit *test)
{
	struct gm_fx *fx = test->priv;
	struct gosync_map_opts opts = {
		.key_kind = GOSYNC_MAP_KEY_U64, .max_entries = 4, .release = gm_release,
	};
	struct gosync_map *m = gm_map(test, 0, &opts);
	struct gm_val *v = fx->vals;
	void *old = NULL, *actual = NULL;
	u64 k;

	for (k = 0; k < 4; k++)
		KUNIT_EXPECT_EQ(test, gosync_map_store(m, &k, &v[k]), 0);
	KUNIT_EXPECT_EQ(test, gosync_map_len(m), 4UL);

	/* Every call that would add a fifth entry fails; nothing changes. */
	k = 4;
	KUNIT_EXPECT_EQ(test, gosync_map_store(m, &k, &v[4]), -ENOSPC);
	KUNIT_EXPECT_EQ(test, gosync_map_load_or_store(m, &k, &v[4], &actual), -ENOSPC);
	KUNIT_EXPECT_EQ(test, gosync_map_swap(m, &k, &v[4], &old), -ENOSPC);
	KUNIT_EXPECT_NULL(test, gosync_map_load(m, &k));
	KUNIT_EXPECT_EQ(test, gosync_map_len(m), 4UL);
	for (k = 0; k < 4; k++)
		KUNIT_EXPECT_PTR_EQ(test, gosync_map_load(m, &k), (void *)&v[k]);

	/* Existing keys can still be overwritten at the limit. */
	k = 2;
	KUNIT_EXPECT_EQ(test, gosync_map_store(m, &k, &v[5]), 0);
	KUNIT_EXPECT_PTR_EQ(test, gosync_map_load(m, &k), (void *)&v[5]);
	KUNIT_EXPECT_EQ(test, gosync_map_swap(m, &k, &v[6], &old), 0);
	KUNIT_EXPECT_PTR_EQ(test, old, (void *)&v[5]);
	KUNIT_EXPECT_EQ(test, gosync_map_compare_and_swap(m, &k, &v[6], &v[7]), 0);
	KUNIT_EXPECT_EQ(test, gosync_map_load_or_store(m, &k, &v[8], &actual), -EEXIST);
	KUNIT_EXPECT_PTR_EQ(test, actual, (void *)&v[7]);
	KUNIT_EXPECT_EQ(test, gosync_map_len(m), 4UL);

	/* A delete makes room for exactly one more. */
	k = 0;
	KUNIT_EXPECT_EQ(test, gosync_map_delete(m, &k), 0);
	k = 4;
	KUNIT_EXPECT_EQ(test, gosync_map_store(m, &k, &v[9]), 0);
	k = 5;
	KUNIT_EXPECT_EQ(test, gosync_map_store(m, &k, &v[10]), -ENOSPC);
	KUNIT_EXPECT_EQ(test, gosync_map_len(m), 4UL);

	/* Clear frees every slot. */
	KUNIT_EXPECT_EQ(test, gosync_map_clear(m), 0);
	for (k = 10; k < 14; k++)
		KUNIT_EXPECT_EQ(test, gosync_map_store(m, &k, &v[k]), 0);
	KUNIT_EXPECT_EQ(test, gosync_map_store(m, &k, &v[k]), -ENOSPC);
	gm_destroy(test, 0);

	/* Rejected values were never taken, so never released. */
	KUNIT_EXPECT_EQ(test, gm_released(fx, 12), 12);
	KUNIT_EXPECT_EQ(test, gm_rel(fx, 0), 1);
	KUNIT_EXPECT_EQ(test, gm_rel(fx, 2), 1);
	KUNIT_EXPECT_EQ(test, gm_rel(fx, 5), 1);
	KUNIT_EXPECT_EQ(test, gm_rel(fx, 6), 1);
	KUNIT_EXPECT_EQ(test, gm_rel(fx, 7), 1);
	KUNIT_EXPECT_EQ(test, gm_rel(fx, 4), 0);
	KUNIT_EXPECT_EQ(test, gm_rel(fx, 8), 0);
	KUNIT_EXPECT_EQ(test, gm_rel(fx, 9), 1);
	KUNIT_EXPECT_EQ(test, gm_rel(fx, 10), 1);	/* stored after the clear */
	KUNIT_EXPECT_EQ(test, gm_rel(fx, 14), 0);
}

/* ---- range ---- */

struct gm_range {
	unsigned long *seen;
	unsigned int nkeys;
	unsigned int visits;
	unsigned int stop_after;	/* 0: never stop */
	unsigned int dups;
	unsigned int wrong;
};

static bool gm_range_visit(const void *key, void *value, void *arg)
{
	struct gm_range *r = arg;
	u64 k = *(const u64 *)key;

	r->visits++;
	if (k >= r->nkeys || value != gm_v(k))
		r->wrong++;
	else if (__test_and_set_bit(k, r->seen))
		r->dups++;
	return !r->stop_after || r->visits < r->stop_after;
}

static struct gm_range *gm_range_new(struct kunit *test, unsigned int nkeys)
{
	struct gm_range *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	r->seen = kunit_kcalloc(test, BITS_TO_LONGS(nkeys), sizeof(long), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r->seen);
	r->nkeys = nkeys;
	return r;
}

static void gm_range_reset(struct gm_range *r)
{
	bitmap_zero(r->seen, r->nkeys);
	r->visits = 0;
	r->dups = 0;
	r->wrong = 0;
}

/* Range over keys 0..nkeys-1 (value gm_v(k)): each exactly once. */
static void gm_expect_range_exact(struct kunit *test, struct gosync_map *m,
				  struct gm_range *r)
{
	gm_range_reset(r);
	KUNIT_EXPECT_EQ(test, gosync_map_range(m, gm_range_visit, r),
			(unsigned long)r->nkeys);
	KUNIT_EXPECT_EQ(test, r->visits, r->nkeys);
	KUNIT_EXPECT_EQ(test, r->dups, 0U);
	KUNIT_EXPECT_EQ(test, r->wrong, 0U);
	KUNIT_EXPECT_EQ(test, bitmap_weight(r->seen, r->nkeys), r->nkeys);
}

static void gm_fill(struct kunit *test, struct gosync_map *m, unsigned int nkeys)
{
	unsigned int i;

	for (i = 0; i < nkeys; i++)
		KUNIT_ASSERT_EQ(test, st(m, i, gm_v(i)), 0);
}

static void map_range_test(struct kunit *test)
{
	struct gosync_map *m = gm_u64_map(test, 0);
	struct gm_range *r = gm_range_new(test, 100);

	/* Empty map: no visit. */
	KUNIT_EXPECT_EQ(test, gosync_map_range(m, gm_range_visit, r), 0UL);
	KUNIT_EXPECT_EQ(test, r->visits, 0U);

	gm_fill(test, m, 100);
	gm_expect_range_exact(test, m, r);

	/* Stop early: exactly stop_after visits, counted in the return. */
	gm_range_reset(r);
	r->stop_after = 1;
	KUNIT_EXPECT_EQ(test, gosync_map_range(m, gm_range_visit, r), 1UL);
	KUNIT_EXPECT_EQ(test, r->visits, 1U);
	gm_range_reset(r);
	r->stop_after = 37;
	KUNIT_EXPECT_EQ(test, gosync_map_range(m, gm_range_visit, r), 37UL);
	KUNIT_EXPECT_EQ(test, r->visits, 37U);
	KUNIT_EXPECT_EQ(test, r->dups, 0U);
	KUNIT_EXPECT_EQ(test, bitmap_weight(r->seen, r->nkeys), 37U);
	/* Stopping at the last entry is the same as not stopping. */
	gm_range_reset(r);
	r->stop_after = 100;
	KUNIT_EXPECT_EQ(test, gosync_map_range(m, gm_range_visit, r), 100UL);
	r->stop_after = 0;

	KUNIT_EXPECT_EQ(test, gosync_map_len(m), 100UL);
}

/* The visitor clears the map it is ranging over. */
struct gm_clear_range {
	struct gm_fx *fx;
	struct gosync_map *m;
	unsigned int visits;
	int clear_ret;
	unsigned int released_early;	/* values released inside the range */
};

static bool gm_clear_visit(const void *key, void *value, void *arg)
{
	struct gm_clear_range *r = arg;
	struct gm_val *v = value;

	if (!r->visits++)
		r->clear_ret = gosync_map_clear(r->m);
	/* We are in the range's RCU section: no release may have run. */
	if (atomic_read(&v->released))
		r->released_early++;
	return true;
}

static void map_clear_during_range_test(struct kunit *test)
{
	struct gm_fx *fx = test->priv;
	struct gosync_map *m = gm_rel_map(test, 0, GFP_ATOMIC);
	struct gm_clear_range r = { .fx = fx, .m = m, .clear_ret = 1 };
	struct gm_range *rr = gm_range_new(test, 10);
	unsigned long ret;
	unsigned int i;
	u64 k;

	for (k = 0; k < GM_VALS; k++)
		KUNIT_ASSERT_EQ(test, gosync_map_store(m, &k, &fx->vals[k]), 0);
	ret = gosync_map_range(m, gm_clear_visit, &r);
	KUNIT_EXPECT_EQ(test, r.clear_ret, 0);
	KUNIT_EXPECT_GE(test, ret, 1UL);
	KUNIT_EXPECT_LE(test, ret, (unsigned long)GM_VALS);
	KUNIT_EXPECT_EQ(test, ret, (unsigned long)r.visits);
	KUNIT_EXPECT_EQ(test, r.released_early, 0U);
	KUNIT_EXPECT_EQ(test, gosync_map_len(m), 0UL);
	for (k = 0; k < GM_VALS; k++)
		KUNIT_EXPECT_NULL(test, gosync_map_load(m, &k));
	KUNIT_EXPECT_EQ(test, gm_released(fx, GM_VALS), GM_VALS);
	for (i = 0; i < GM_VALS; i++)
		KUNIT_EXPECT_EQ(test, gm_rel(fx, i), 1);

	/* The map works after: store, range, clear again from outside. */
	for (k = 0; k < 3; k++)
		KUNIT_EXPECT_EQ(test, gosync_map_store(m, &k, &fx->vals[k]), 0);
	KUNIT_EXPECT_EQ(test, gosync_map_len(m), 3UL);
	r.visits = 0;
	r.m = NULL;
	KUNIT_EXPECT_EQ(test, gosync_map_clear(m), 0);
	KUNIT_EXPECT_EQ(test, gosync_map_clear(m), 0);	/* empty: fine */
	KUNIT_EXPECT_EQ(test, gosync_map_range(m, gm_range_visit, rr), 0UL);
	KUNIT_EXPECT_EQ(test, gm_released(fx, GM_VALS + 3), GM_VALS + 3);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, gm_rel(fx, i), 2);
}

/* ---- forced resizes ---- */

static void map_forced_resize_test(struct kunit *test)
{
	struct gosync_map *m = gm_u64_map(test, 0);
	struct gm_range *r = gm_range_new(test, 20);
	struct gosync_map_stats s0, s;
	unsigned int i;

	/*
	 * 20 entries stay between 1/4 and 2 per bucket at 16..64 buckets,
	 * so the resize worker has no reason to run on its own here.
	 */
	gm_fill(test, m, 20);
	gosync_map_stats(m, &s0);
	KUNIT_EXPECT_EQ(test, s0.entries, 20UL);
	KUNIT_EXPECT_EQ(test, s0.buckets, GOSYNC_MAP_MIN_BUCKETS);

	/* Bad sizes: not a power of two, too small, too large. */
	KUNIT_EXPECT_EQ(test, __gosync_map_resize(m, 100), -EINVAL);
	KUNIT_EXPECT_EQ(test, __gosync_map_resize(m, GOSYNC_MAP_MIN_BUCKETS / 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, __gosync_map_resize(m, GOSYNC_MAP_MAX_BUCKETS * 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, __gosync_map_resize(m, 1), -EINVAL);

	KUNIT_ASSERT_EQ(test, __gosync_map_resize(m, 64), 0);
	gosync_map_stats(m, &s);
	KUNIT_EXPECT_EQ(test, s.buckets, 64U);
	KUNIT_EXPECT_EQ(test, s.grows, s0.grows + 1);
	KUNIT_EXPECT_EQ(test, s.shrinks, s0.shrinks);
	KUNIT_EXPECT_EQ(test, s.entries, 20UL);
	KUNIT_EXPECT_FALSE(test, s.resizing);
	gm_expect_range_exact(test, m, r);
	for (i = 0; i < 20; i++)
		KUNIT_EXPECT_PTR_EQ(test, ld(m, i), gm_v(i));

	KUNIT_ASSERT_EQ(test, __gosync_map_resize(m, 32), 0);
	gosync_map_stats(m, &s);
	KUNIT_EXPECT_EQ(test, s.buckets, 32U);
	KUNIT_EXPECT_EQ(test, s.grows, s0.grows + 1);
	KUNIT_EXPECT_EQ(test, s.shrinks, s0.shrinks + 1);
	gm_expect_range_exact(test, m, r);

	/* Writes between resizes land in the current table. */
	KUNIT_EXPECT_EQ(test, st(m, 5, gm_v(500)), 0);
	KUNIT_EXPECT_EQ(test, del(m, 6), 0);

	/* buckets == 0: same size, new seed. */
	KUNIT_ASSERT_EQ(test, __gosync_map_resize(m, 0), 0);
	gosync_map_stats(m, &s);
	KUNIT_EXPECT_EQ(test, s.buckets, 32U);
	KUNIT_EXPECT_EQ(test, s.grows, s0.grows + 1);
	KUNIT_EXPECT_EQ(test, s.shrinks, s0.shrinks + 1);
	KUNIT_EXPECT_EQ(test, s.reseeds, s0.reseeds + 1);
	KUNIT_EXPECT_EQ(test, s.entries, 19UL);
	KUNIT_EXPECT_EQ(test, gosync_map_len(m), 19UL);
	KUNIT_EXPECT_EQ(test, s.aborts, s0.aborts);
	for (i = 0; i < 20; i++)
		KUNIT_EXPECT_PTR_EQ(test, ld(m, i),
				    i == 6 ? NULL : i == 5 ? gm_v(500) : gm_v(i));

	/* Back to the minimum; the map keeps working. */
	KUNIT_ASSERT_EQ(test, __gosync_map_resize(m, GOSYNC_MAP_MIN_BUCKETS), 0);
	KUNIT_EXPECT_EQ(test, st(m, 6, gm_v(6)), 0);
	KUNIT_EXPECT_EQ(test, st(m, 5, gm_v(5)), 0);
	gm_expect_range_exact(test, m, r);
	gosync_map_stats(m, &s);
	KUNIT_EXPECT_EQ(test, s.buckets, GOSYNC_MAP_MIN_BUCKETS);
	KUNIT_EXPECT_LE(test, s.longest_chain, 20U);
	KUNIT_EXPECT_GE(test, s.longest_chain, 2U);	/* 20 keys in 16 buckets */
}

/* Poll the stats until @cond holds or about 5 s pass. */
#define gm_poll_stats(m, s, cond)					\
({									\
	unsigned long __end = jiffies + msecs_to_jiffies(5000);		\
	bool __ok;							\
									\
	for (;;) {							\
		gosync_map_stats((m), (s));				\
		__ok = (cond);						\
		if (__ok || time_after(jiffies, __end))			\
			break;						\
		msleep(20);						\
	}								\
	__ok;								\
})

#define GM_GROW_KEYS	10000
#define GM_SHRINK_KEYS	600

static void map_auto_resize_test(struct kunit *test)
{
	struct gosync_map *m = gm_u64_map(test, 0), *m2;
	struct gosync_map_stats s;
	unsigned int i, missing = 0, left = 0;

	for (i = 0; i < GM_GROW_KEYS; i++)
		KUNIT_ASSERT_EQ(test, st(m, i, gm_v(i)), 0);
	KUNIT_EXPECT_EQ(test, gosync_map_len(m), (unsigned long)GM_GROW_KEYS);

	/*
	 * The worker grows the table until the load is at most 2 again. It
	 * bumps its counters a grace period after publishing the new table,
	 * so wait for those too.
	 */
	KUNIT_EXPECT_TRUE_MSG(test, gm_poll_stats(m, &s, !s.resizing && s.grows &&
						  s.buckets * 2 >= GM_GROW_KEYS),
			      "buckets %u resizing %d grows %u", s.buckets, s.resizing,
			      s.grows);
	KUNIT_EXPECT_GE(test, s.grows, 1U);
	KUNIT_EXPECT_EQ(test, s.shrinks, 0U);
	KUNIT_EXPECT_EQ(test, s.entries, (unsigned long)GM_GROW_KEYS);
	KUNIT_EXPECT_TRUE(test, is_power_of_2(s.buckets));
	KUNIT_EXPECT_LE(test, s.longest_chain, (unsigned int)GOSYNC_MAP_CHAIN_MAX);
	for (i = 0; i < GM_GROW_KEYS; i++)
		missing += ld(m, i) != gm_v(i);
	KUNIT_EXPECT_EQ(test, missing, 0U);
	gm_destroy(test, 0);

	/* Deleting almost everything shrinks it back (smaller map: time). */
	m2 = gm_u64_map(test, 1);
	for (i = 0; i < GM_SHRINK_KEYS; i++)
		KUNIT_ASSERT_EQ(test, st(m2, i, gm_v(i)), 0);
	KUNIT_EXPECT_TRUE_MSG(test, gm_poll_stats(m2, &s, !s.resizing && s.grows &&
						  s.buckets * 2 >= GM_SHRINK_KEYS),
			      "buckets %u resizing %d grows %u", s.buckets, s.resizing,
			      s.grows);
	for (i = 10; i < GM_SHRINK_KEYS; i++)
		KUNIT_EXPECT_EQ(test, del(m2, i), 0);
	KUNIT_EXPECT_EQ(test, gosync_map_len(m2), 10UL);
	/*
	 * The worker sees an approximate count: each CPU's last 15 changes
	 * may be unfolded (the copier's too), so 10 entries can look like
	 * 40 and a 128-bucket table (shrinks below 16) may stay. Ask for a
	 * substantial shrink only.
	 */
	KUNIT_EXPECT_TRUE_MSG(test, gm_poll_stats(m2, &s, !s.resizing && s.shrinks &&
						  s.buckets <= 128),
			      "buckets %u resizing %d shrinks %u", s.buckets, s.resizing,
			      s.shrinks);
	KUNIT_EXPECT_GE(test, s.shrinks, 1U);
	KUNIT_EXPECT_GE(test, s.buckets, GOSYNC_MAP_MIN_BUCKETS);
	for (i = 0; i < GM_SHRINK_KEYS; i++)
		left += ld(m2, i) == (i < 10 ? gm_v(i) : NULL);
	KUNIT_EXPECT_EQ(test, left, (unsigned int)GM_SHRINK_KEYS);
}

/*
 * Clear is cheap whatever the map's size hint: from atomic context, on a
 * GFP_ATOMIC map whose smallest table is 16384 buckets, it swaps in an
 * empty table of GOSYNC_MAP_MIN_BUCKETS (a small allocation that does not
 * fail predictably as a high-order atomic one does); the worker then
 * grows it back to the map's minimum in process context.
 */
static void map_clear_is_cheap_test(struct kunit *test)
{
	struct gosync_map_opts opts = {
		.key_kind = GOSYNC_MAP_KEY_U64, .size_hint = 10000, .gfp = GFP_ATOMIC,
	};
	struct gosync_map *m = gm_map(test, 0, &opts);
	struct gosync_map_stats s;
	unsigned long flags;
	int ret;

	gosync_map_stats(m, &s);
	KUNIT_ASSERT_EQ(test, s.buckets, 16384U);
	gm_fill(test, m, 100);
	/* Hold the resize worker off until we have looked (test-only peek). */
	mutex_lock(&m->resize_lock);
	flags = gosync_test_atomic_enter();
	ret = gosync_map_clear(m);
	gosync_map_stats(m, &s);
	gosync_test_atomic_exit(flags);
	mutex_unlock(&m->resize_lock);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, s.entries, 0UL);
	KUNIT_EXPECT_EQ(test, s.buckets, GOSYNC_MAP_MIN_BUCKETS);
	KUNIT_EXPECT_TRUE(test, gm_poll_stats(m, &s, s.buckets == 16384U));
	KUNIT_EXPECT_EQ(test, s.entries, 0UL);
	gm_fill(test, m, 100);
	KUNIT_EXPECT_EQ(test, gosync_map_len(m), 100UL);
}

/* ---- concurrency ---- */

#define GM_CHURN_KEYS	256
#define GM_CHURN_BASE	0x100000ULL	/* thread t owns keys t*BASE + 0..KEYS-1 */

struct gm_churn {
	struct gosync_map *m;
	unsigned int nr;
	unsigned long max_len;
	unsigned long *model[GM_THREADS];
	atomic_t len_over;
};

static u32 gm_rand(u32 *s)
{
	/* xorshift32: cheap, deterministic per thread */
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Keys are private to the thread, so every result is predictable. */
static int gm_churn_body(struct gosync_run_thread *t)
{
	struct gm_churn *c = t->run->data;
	struct gosync_map *m = c->m;
	unsigned long *model = c->model[t->id];	/* value index + 1, 0 = absent */
	u32 seed = 2463534242U + t->id;
	unsigned long n = 0;

	do {
		u32 r = gm_rand(&seed), i = r % GM_CHURN_KEYS;
		u64 k = t->id * GM_CHURN_BASE + i;
		unsigned long now = model[i], nv = (r >> 8) + 1;
		void *old = NULL, *want = now ? gm_v(now) : NULL;
		int ret, exp;

		switch ((r >> 24) % 7) {
		case 0:
			ret = gosync_map_store(m, &k, gm_v(nv));
			exp = 0;
			model[i] = nv;
			break;
		case 1:
			ret = gosync_map_delete(m, &k);
			exp = now ? 0 : -ENOENT;
			model[i] = 0;
			break;
		case 2:
			ret = gosync_map_swap(m, &k, gm_v(nv), &old);
			exp = 0;
			model[i] = nv;
			if (old != want)
				ret = -EBADE;
			break;
		case 3:
			ret = gosync_map_load_and_delete(m, &k, &old);
			exp = now ? 0 : -ENOENT;
			model[i] = 0;
			if (old != want)
				ret = -EBADE;
			break;
		case 4:
			ret = gosync_map_load_or_store(m, &k, gm_v(nv), &old);
			exp = now ? -EEXIST : 0;
			if (now && old != want)
				ret = -EBADE;
			if (!now)
				model[i] = nv;
			break;
		case 5:
			if (now && (r & 1)) {	/* mismatch: nothing changes */
				ret = gosync_map_compare_and_delete(m, &k, gm_v(now + 1));
				exp = -EAGAIN;
				break;
			}
			ret = gosync_map_compare_and_delete(m, &k, gm_v(now ? now : nv));
			exp = now ? 0 : -ENOENT;
			model[i] = 0;
			break;
		default:
			if (now && (r & 1)) {
				ret = gosync_map_compare_and_swap(m, &k, gm_v(now + 1), gm_v(nv));
				exp = -EAGAIN;
				break;
			}
			ret = gosync_map_compare_and_swap(m, &k, gm_v(now ? now : nv), gm_v(nv));
			exp = now ? 0 : -ENOENT;
			if (now)
				model[i] = nv;
			break;
		}
		if (ret != exp || gosync_map_load(m, &k) != (model[i] ? gm_v(model[i]) : NULL)) {
			pr_err("gosync_map churn: thread %u key %llu op %u: ret %d, expected %d\n",
			       t->id, k, (r >> 24) % 7, ret, exp);
			return -EBADMSG;
		}
		if (!(++n % 64) && gosync_map_len(m) > c->max_len)
			atomic_inc(&c->len_over);
		t->ops++;
	} while ((n % 32) || gosync_run_continue(t));
	return 0;
}

static void map_churn_len_test(struct kunit *test)
{
	struct gosync_map *m = gm_u64_map(test, 0);
	struct gm_churn *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	struct gosync_run run = {
		.name = "kunit-map", .duration_ms = 300, .body = gm_churn_body,
	};
	unsigned long total = 0, bad = 0;
	unsigned int t, i;
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, c);
	c->m = m;
	c->nr = min_t(unsigned int, num_online_cpus(), ARRAY_SIZE(c->model));
	c->max_len = (unsigned long)c->nr * GM_CHURN_KEYS;
	for (t = 0; t < c->nr; t++) {
		c->model[t] = kunit_kcalloc(test, GM_CHURN_KEYS, sizeof(long), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, c->model[t]);
	}
	run.nr_threads = c->nr;
	run.data = c;
	ret = gosync_run_threads(&run);
	if (!ret)
		for (t = 0; t < c->nr; t++)
			KUNIT_EXPECT_GT(test, run.threads[t].ops, 0ULL);
	gosync_run_free(&run);
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "a thread saw a result its model did not predict");
	KUNIT_EXPECT_EQ(test, atomic_read(&c->len_over), 0);

	for (t = 0; t < c->nr; t++) {
		for (i = 0; i < GM_CHURN_KEYS; i++) {
			unsigned long v = c->model[t][i];

			total += !!v;
			bad += ld(m, t * GM_CHURN_BASE + i) != (v ? gm_v(v) : NULL);
		}
	}
	KUNIT_EXPECT_EQ(test, bad, 0UL);
	KUNIT_EXPECT_EQ(test, gosync_map_len(m), total);
	KUNIT_EXPECT_GT(test, total, 0UL);
}

/* Racing inserts of distinct keys into a bounded map: exactly max win. */
#define GM_BOUND	100

struct gm_bound {
	struct gosync_map *m;
	atomic_t stored, nospc, other;
};

static int gm_bound_body(struct gosync_run_thread *t)
{
	struct gm_bound *b = t->run->data;
	unsigned int i;

	for (i = 0; i < GM_BOUND; i++) {
		u64 k = t->id * 1000ULL + i;
		int ret = gosync_map_store(b->m, &k, gm_v(k));

		if (!ret)
			atomic_inc(&b->stored);
		else if (ret == -ENOSPC)
			atomic_inc(&b->nospc);
		else
			atomic_inc(&b->other);
		t->ops++;
	}
	return 0;
}

static void map_max_entries_race_test(struct kunit *test)
{
	struct gosync_map_opts opts = { .key_kind = GOSYNC_MAP_KEY_U64,
					.max_entries = GM_BOUND };
	struct gosync_map *m = gm_map(test, 0, &opts);
	struct gm_bound *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	struct gosync_run run = {
		.name = "kunit-map", .duration_ms = 1, .body = gm_bound_body,
	};
	unsigned int n = num_online_cpus();
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, b);
	if (n < 2)
		kunit_skip(test, "needs two CPUs");
	b->m = m;
	run.nr_threads = n;
	run.data = b;
	ret = gosync_run_threads(&run);
	gosync_run_free(&run);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&b->stored), GM_BOUND);
	KUNIT_EXPECT_EQ(test, atomic_read(&b->nospc), (int)(n - 1) * GM_BOUND);
	KUNIT_EXPECT_EQ(test, atomic_read(&b->other), 0);
	KUNIT_EXPECT_EQ(test, gosync_map_len(m), (unsigned long)GM_BOUND);
}

/*
 * Helper threads that run until the test stops them. The fixture keeps
 * them, so its exit stops them too if an assertion ends the case early.
 */
typedef void (*gm_loop_fn)(void *data, unsigned int id);

static int gm_thread_fn(void *p)
{
	struct gm_thread *th = p;

	atomic_inc(th->started);
	while (!kthread_should_stop()) {
		th->fn(th->data, th->id);
		/*
		 * Leave CPU time to the resizer, the RCU grace-period kthread
		 * and the workqueues: under TCG, spinning helpers stretch one
		 * resize to seconds. A resize still spans many iterations.
		 */
		usleep_range(1000, 2000);
	}
	return 0;
}

/* Start @n threads running @fn; wait until all have started. */
static void gm_threads_start(struct kunit *test, unsigned int n, gm_loop_fn fn,
			     void *data)
{
	struct gm_fx *fx = test->priv;
	unsigned long end = jiffies + msecs_to_jiffies(5000);
	unsigned int i;

	KUNIT_ASSERT_LE(test, n, (unsigned int)GM_THREADS);
	atomic_set(&fx->started, 0);
	for (i = 0; i < n; i++) {
		struct gm_thread *th = &fx->threads[i];
		struct task_struct *task;

		th->fn = fn;
		th->data = data;
		th->id = i;
		th->started = &fx->started;
		task = kthread_create(gm_thread_fn, th, "kunit-map/%u", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(task));
		get_task_struct(task);
		th->task = task;
		wake_up_process(task);
	}
	while (atomic_read(&fx->started) < n && time_before(jiffies, end))
		usleep_range(1000, 2000);
	KUNIT_ASSERT_EQ(test, atomic_read(&fx->started), (int)n);
}

static void gm_threads_stop(struct gm_fx *fx)
{
	unsigned int i;

	for (i = 0; i < GM_THREADS; i++) {
		if (!fx->threads[i].task)
			continue;
		kthread_stop(fx->threads[i].task);
		put_task_struct(fx->threads[i].task);
		fx->threads[i].task = NULL;
	}
}

/*
 * Forced resizes (grow, shrink, reseed) from the test thread while helper
 * threads load every stable key (id 0), walk the map with range
 * (id 1) and churn their own keys (id 2, checked against a model).
 */
#define GM_STABLE	256
#define GM_WKEYS	128
#define GM_WBASE	100000ULL

struct gm_conc {
	struct gosync_map *m;
	atomic_long_t loads, misses, wrong;
	atomic_t ranges, range_bad;
	unsigned long *seen;		/* the ranger's */
	unsigned long wmodel[GM_WKEYS];	/* the writer's: value + 1, 0 = absent */
	u32 wseed;
	atomic_t werr;
};

static bool gm_conc_visit(const void *key, void *value, void *arg)
{
	unsigned long *seen = arg;
	u64 k = *(const u64 *)key;

	if (k >= GM_STABLE)
		return true;		/* the writer's keys come and go */
	if (value != gm_v(k) || __test_and_set_bit(k, seen))
		__set_bit(GM_STABLE, seen);	/* flag: wrong or twice */
	return true;
}

static void gm_conc_loop(void *data, unsigned int id)
{
	struct gm_conc *c = data;
	unsigned int i;

	if (id == 1) {
		bitmap_zero(c->seen, GM_STABLE + 1);
		gosync_map_range(c->m, gm_conc_visit, c->seen);
		if (bitmap_weight(c->seen, GM_STABLE + 1) != GM_STABLE)
			atomic_inc(&c->range_bad);
		atomic_inc(&c->ranges);
	} else if (id == 2) {
		for (i = 0; i < 64; i++) {
			u32 r = gm_rand(&c->wseed), w = r % GM_WKEYS;
			unsigned long nv = (r >> 8) + 1;
			u64 k = GM_WBASE + w;
			int ret, exp;

			if (r & BIT(31)) {
				ret = gosync_map_store(c->m, &k, gm_v(nv));
				exp = 0;
				c->wmodel[w] = nv;
			} else {
				ret = gosync_map_delete(c->m, &k);
				exp = c->wmodel[w] ? 0 : -ENOENT;
				c->wmodel[w] = 0;
			}
			if (ret != exp)
				atomic_inc(&c->werr);
		}
	} else {
		for (i = 0; i < GM_STABLE; i++) {
			void *v = ld(c->m, i);

			if (!v)
				atomic_long_inc(&c->misses);
			else if (v != gm_v(i))
				atomic_long_inc(&c->wrong);
		}
		atomic_long_add(GM_STABLE, &c->loads);
	}
}

static void map_concurrent_resize_test(struct kunit *test)
{
	static const unsigned int sizes[] = { 64, 0, 512, 16, 0 };
	struct gm_fx *fx = test->priv;
	struct gosync_map *m = gm_u64_map(test, 0);
	struct gm_conc *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	unsigned int n = clamp(num_online_cpus() - 1, 1U, 3U), i;
	struct gosync_map_stats s0, s;
	unsigned long present = 0, bad = 0, loads, end;
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, c);
	c->seen = kunit_kcalloc(test, BITS_TO_LONGS(GM_STABLE + 1), sizeof(long),
				GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c->seen);
	c->m = m;
	c->wseed = 88172645U;
	gm_fill(test, m, GM_STABLE);
	gosync_map_stats(m, &s0);
	gm_threads_start(test, n, gm_conc_loop, c);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		loads = atomic_long_read(&c->loads);
		ret = __gosync_map_resize(m, sizes[i]);
		KUNIT_EXPECT_EQ_MSG(test, ret, 0, "resize to %u", sizes[i]);
		/* Let the readers finish a pass over the new table too. */
		end = jiffies + msecs_to_jiffies(3000);
		while (atomic_long_read(&c->loads) == loads && time_before(jiffies, end))
			usleep_range(500, 1000);
	}
	gm_threads_stop(fx);

	KUNIT_EXPECT_GT(test, atomic_long_read(&c->loads), 0L);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&c->misses), 0L);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&c->wrong), 0L);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->range_bad), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->werr), 0);
	if (n > 1)
		KUNIT_EXPECT_GT(test, atomic_read(&c->ranges), 0);
	kunit_info(test, "%ld loads, %d ranges during %zu resizes\n",
		   atomic_long_read(&c->loads), atomic_read(&c->ranges), ARRAY_SIZE(sizes));

	/*
	 * Each forced copy counts once; the worker may add its own (the
	 * map starts at 16 buckets and wants more), so only lower bounds:
	 * 512 -> 16 is a shrink whatever the worker did, 0 a reseed.
	 */
	gosync_map_stats(m, &s);
	KUNIT_EXPECT_GE(test, (s.grows - s0.grows) + (s.shrinks - s0.shrinks) +
			(s.reseeds - s0.reseeds), (unsigned int)ARRAY_SIZE(sizes));
	KUNIT_EXPECT_GE(test, s.grows - s0.grows, 1U);
	KUNIT_EXPECT_GE(test, s.shrinks - s0.shrinks, 1U);
	KUNIT_EXPECT_GE(test, s.reseeds - s0.reseeds, 2U);
	KUNIT_EXPECT_EQ(test, s.aborts, s0.aborts);
	for (i = 0; i < GM_STABLE; i++)
		bad += ld(m, i) != gm_v(i);
	for (i = 0; i < GM_WKEYS; i++) {
		unsigned long v = c->wmodel[i];

		present += !!v;
		bad += ld(m, GM_WBASE + i) != (v ? gm_v(v) : NULL);
	}
	KUNIT_EXPECT_EQ(test, bad, 0UL);
	KUNIT_EXPECT_EQ(test, gosync_map_len(m), GM_STABLE + present);
}

/*
 * Clears (helper 0, which refills the map before each) racing with forced
 * resizes from the test thread: a copy either completes or is dropped
 * with -EAGAIN, and every value is released exactly once per store.
 */
#define GM_CR_KEYS	48

struct gm_clear_resize {
	struct gosync_map *m;
	struct gm_fx *fx;
	atomic_t stored[GM_CR_KEYS];
	atomic_t errors, clears;
};

static void gm_clear_resize_loop(void *data, unsigned int id)
{
	struct gm_clear_resize *c = data;
	u64 k;

	if (id == 0) {
		for (k = 0; k < GM_CR_KEYS; k++) {
			if (gosync_map_store(c->m, &k, &c->fx->vals[k]))
				atomic_inc(&c->errors);
			else
				atomic_inc(&c->stored[k]);
		}
		if (gosync_map_clear(c->m))
			atomic_inc(&c->errors);
		atomic_inc(&c->clears);
		return;
	}
	/* Readers: a value found must be the key's own. */
	for (k = 0; k < GM_CR_KEYS; k++) {
		void *v = gosync_map_load(c->m, &k);

		if (v && v != &c->fx->vals[k])
			atomic_inc(&c->errors);
	}
}

static void map_clear_during_resize_test(struct kunit *test)
{
	struct gm_fx *fx = test->priv;
	struct gosync_map *m = gm_rel_map(test, 0, 0);
	struct gm_clear_resize *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	unsigned int i, done = 0, again = 0;
	struct gosync_map_stats s;
	int total = 0, ret;

	KUNIT_ASSERT_NOT_NULL(test, c);
	c->m = m;
	c->fx = fx;
	gm_threads_start(test, 2, gm_clear_resize_loop, c);
	for (i = 0; i < 4; i++) {
		ret = __gosync_map_resize(m, (i & 1) ? 256 : 0);
		if (ret == -EAGAIN)
			again++;
		else if (!ret)
			done++;
		else
			KUNIT_FAIL(test, "resize: %d", ret);
	}
	gm_threads_stop(fx);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->errors), 0);
	KUNIT_EXPECT_GT(test, atomic_read(&c->clears), 0);
	gosync_map_stats(m, &s);
	KUNIT_EXPECT_GE(test, s.aborts, again);
	KUNIT_EXPECT_GE(test, s.grows + s.shrinks + s.reseeds, done);
	kunit_info(test, "%d clears; resizes: %u done, %u dropped by a clear\n",
		   atomic_read(&c->clears), done, again);

	gm_destroy(test, 0);
	for (i = 0; i < GM_CR_KEYS; i++)
		total += atomic_read(&c->stored[i]);
	KUNIT_EXPECT_GT(test, total, 0);
	KUNIT_EXPECT_EQ(test, gm_released(fx, total), total);
	for (i = 0; i < GM_CR_KEYS; i++)
		KUNIT_EXPECT_EQ_MSG(test, gm_rel(fx, i), atomic_read(&c->stored[i]),
				    "value %u", i);
}

/*
 * Writers on the same few keys while the test thread copies the map over
 * and over. The race window between a writer's check that its table is
 * current and its lock of the future table's bucket is hooked: a writer
 * that reaches it stalls until the copy is switched in (or a while), so
 * another writer can change the same key in the new table meanwhile.
 * Every value is stored at most once; each stored value must leave the
 * map exactly once (one successful delete, compare-and-delete or
 * swap-out, or still there at the end), be released exactly once, and no
 * key may be in the map twice. Filler keys, which nobody writes, make
 * each copy long enough for the writers to run into it.
 */
#define GM_SK_KEYS	4
#define GM_SK_FILLER	4096
#define GM_SK_VALS	32768
#define GM_SK_WRITERS	3

struct gm_sk_val {
	atomic_t stored;
	atomic_t departed;
	atomic_t released;
	atomic_t remaining;
};

struct gm_sk {
	struct gosync_map *m;
	struct gm_sk_val *vals;
	atomic_t next;			/* the next value to store */
	atomic_t stalls, switched;	/* the hook's */
	atomic_t twice;			/* a value departed or was released twice */
	atomic_t errors;
	struct gm_sk_val filler;	/* the value of every filler key */
	u32 seed[GM_SK_WRITERS];
	bool dup_key;			/* the final range saw a key twice */
	unsigned long seen;		/* keys seen by the final range */
};

static void gm_sk_release(void *value, void *arg)
{
	struct gm_sk *sk = arg;
	struct gm_sk_val *v = value;

	if (v != &sk->filler && atomic_inc_return(&v->released) > 1)
		atomic_inc(&sk->twice);
}

static void gm_sk_depart(struct gm_sk *sk, void *value)
{
	struct gm_sk_val *v = value;

	if (v < sk->vals || v >= sk->vals + GM_SK_VALS)
		atomic_inc(&sk->errors);
	else if (atomic_inc_return(&v->departed) > 1)
		atomic_inc(&sk->twice);
}

/*
 * The race window: stall until the copy is switched in (at most
 * GM_SK_WAIT_STEPS of GM_SK_STEP_US), then GM_SK_AFTER_US more. A busy
 * wait: the window is inside a bucket lock, interrupts off.
 */
#define GM_SK_STEP_US		10
#define GM_SK_WAIT_STEPS	200
#define GM_SK_AFTER_US		500

static void gm_sk_hook(enum gosync_race where, const void *obj, void *arg)
{
	struct gm_sk *sk = arg;
	const struct gosync_map *m = obj;
	const void *t0;
	int i;

	if (where != GOSYNC_RACE_MAP_FUTURE || m != sk->m)
		return;
	atomic_inc(&sk->stalls);
	t0 = rcu_access_pointer(m->tbl);
	for (i = 0; i < GM_SK_WAIT_STEPS && rcu_access_pointer(m->tbl) == t0; i++)
		udelay(GM_SK_STEP_US);
	if (rcu_access_pointer(m->tbl) != t0) {
		atomic_inc(&sk->switched);
		udelay(GM_SK_AFTER_US);	/* the other writers' turn, on the new table */
	}
}

static void gm_sk_loop(void *data, unsigned int id)
{
	struct gm_sk *sk = data;
	unsigned int i;

	for (i = 0; i < 256; i++) {
		u32 r = gm_rand(&sk->seed[id]);
		u64 k = r % GM_SK_KEYS;
		int n = atomic_read(&sk->next);
		void *old = NULL, *v;
		int ret;

		if (n >= GM_SK_VALS)
			return;
		switch ((r >> 8) % 8) {
		case 0:		/* a new value replaces the old one */
			n = atomic_inc_return(&sk->next) - 1;
			if (n >= GM_SK_VALS)
				return;
			ret = gosync_map_swap(sk->m, &k, &sk->vals[n], &old);
			if (!ret)
				atomic_inc(&sk->vals[n].stored);
			else
				atomic_inc(&sk->errors);
			if (!ret && old)
				gm_sk_depart(sk, old);
			break;
		case 1:		/* a new value if the key is absent */
			n = atomic_inc_return(&sk->next) - 1;
			if (n >= GM_SK_VALS)
				return;
			ret = gosync_map_load_or_store(sk->m, &k, &sk->vals[n], &old);
			if (!ret)
				atomic_inc(&sk->vals[n].stored);
			else if (ret != -EEXIST)
				atomic_inc(&sk->errors);
			break;
		case 2:
		case 3:
		case 4:
			ret = gosync_map_load_and_delete(sk->m, &k, &old);
			if (!ret)
				gm_sk_depart(sk, old);
			else if (ret != -ENOENT)
				atomic_inc(&sk->errors);
			break;
		default:	/* delete the value just seen, if still there */
			rcu_read_lock();
			v = gosync_map_load(sk->m, &k);
			rcu_read_unlock();
			if (!v)
				break;
			ret = gosync_map_compare_and_delete(sk->m, &k, v);
			if (!ret)
				gm_sk_depart(sk, v);
			else if (ret != -ENOENT && ret != -EAGAIN)
				atomic_inc(&sk->errors);
			break;
		}
	}
}

static bool gm_sk_visit(const void *key, void *value, void *arg)
{
	struct gm_sk *sk = arg;
	struct gm_sk_val *v = value;
	u64 k = *(const u64 *)key;

	if (v == &sk->filler)
		return true;
	if (k >= GM_SK_KEYS || __test_and_set_bit(k, &sk->seen))
		sk->dup_key = true;
	if (v < sk->vals || v >= sk->vals + GM_SK_VALS)
		atomic_inc(&sk->errors);
	else
		atomic_inc(&v->remaining);
	return true;
}

static void map_shared_key_resize_test(struct kunit *test)
{
	struct gm_fx *fx = test->priv;
	struct gm_sk *sk = kunit_kzalloc(test, sizeof(*sk), GFP_KERNEL);
	struct gosync_map_opts opts = {
		.key_kind = GOSYNC_MAP_KEY_U64, .release = gm_sk_release,
	};
	unsigned long end = jiffies + msecs_to_jiffies(10000);
	unsigned int i, resizes = 0, stored = 0, lost = 0, twice = 0, leaked = 0;
	bool hooked;
	int n;

	KUNIT_ASSERT_NOT_NULL(test, sk);
	sk->vals = kunit_kcalloc(test, GM_SK_VALS, sizeof(*sk->vals), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, sk->vals);
	opts.release_arg = sk;
	sk->m = gm_map(test, 0, &opts);
	for (i = 0; i < GM_SK_FILLER; i++) {
		u64 k = 1000 + i;

		KUNIT_ASSERT_EQ(test, gosync_map_store(sk->m, &k, &sk->filler), 0);
	}
	for (i = 0; i < GM_SK_WRITERS; i++)
		sk->seed[i] = 2463534242U + 7919 * i;
	hooked = __gosync_race_set(gm_sk_hook, sk);
	fx->hooked = true;
	gm_threads_start(test, GM_SK_WRITERS, gm_sk_loop, sk);
	/* Until the values run out, with enough stalls that saw a switch. */
	while (atomic_read(&sk->next) < GM_SK_VALS && time_before(jiffies, end) &&
	       !atomic_read(&sk->twice) && !atomic_read(&sk->errors)) {
		KUNIT_EXPECT_EQ(test, __gosync_map_resize(sk->m, 0), 0);
		resizes++;
		if (hooked && atomic_read(&sk->switched) >= 50)
			break;
	}
	gm_threads_stop(fx);
	__gosync_race_set(NULL, NULL);
	fx->hooked = false;

	gosync_map_range(sk->m, gm_sk_visit, sk);
	KUNIT_EXPECT_FALSE_MSG(test, sk->dup_key, "a key is in the map twice");
	KUNIT_EXPECT_EQ(test, gosync_map_len(sk->m),
			GM_SK_FILLER + (unsigned long)hweight_long(sk->seen));
	gm_destroy(test, 0);	/* releases what is left, waits for releases */

	n = min(atomic_read(&sk->next), GM_SK_VALS);
	for (i = 0; i < n; i++) {
		struct gm_sk_val *v = &sk->vals[i];
		int out = atomic_read(&v->departed) + atomic_read(&v->remaining);

		if (!atomic_read(&v->stored)) {
			leaked += out || atomic_read(&v->released);
			continue;
		}
		stored++;
		lost += out == 0;
		twice += out > 1;
		leaked += atomic_read(&v->released) != 1;
	}
	kunit_info(test, "%d values, %u stored, %u resizes, %d stalls in the window, %d saw the switch%s\n",
		   n, stored, resizes, atomic_read(&sk->stalls),
		   atomic_read(&sk->switched), hooked ? "" : " (no race hooks in this build)");
	KUNIT_EXPECT_EQ(test, atomic_read(&sk->errors), 0);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&sk->twice), 0,
			    "values deleted or released twice");
	KUNIT_EXPECT_EQ_MSG(test, twice, 0U, "stored values that left the map twice");
	KUNIT_EXPECT_EQ_MSG(test, lost, 0U, "stored values that vanished");
	KUNIT_EXPECT_EQ_MSG(test, leaked, 0U, "values not released exactly once per store");
	KUNIT_EXPECT_GT(test, stored, 0U);
	if (hooked)
		KUNIT_EXPECT_GT(test, atomic_read(&sk->switched), 0);
}

/*
 * Two writers on one CPU, each on its own keys. Under PREEMPT_RT a bucket
 * lock taken with spin_lock_irqsave() leaves interrupts and preemption
 * on, so two tasks of one CPU interleave inside the map's per-CPU count
 * update; only this_cpu operations keep it exact. Elsewhere interrupts
 * are off under the lock and the case holds trivially. Natively the two
 * threads share one per-CPU slot and run in parallel (native_same_cpu()):
 * the RT interleaving, everywhere in the update.
 */
#define GM_RT_KEYS	512
#define GM_RT_ROUNDS	16

struct gm_rt {
	struct gosync_map *m;
	unsigned int id;
	int err;
	struct completion done;
};

static int gm_rt_fn(void *arg)
{
	struct gm_rt *w = arg;
	u64 base = (w->id + 1) * 1000000ULL, k;
	unsigned int r;

	for (r = 0; r < GM_RT_ROUNDS && !w->err; r++) {
		for (k = base; k < base + GM_RT_KEYS && !w->err; k++)
			w->err = st(w->m, k, gm_v(k));
		/* The last round leaves half the keys. */
		for (k = base; k < base + GM_RT_KEYS && !w->err; k++)
			if (r < GM_RT_ROUNDS - 1 || k & 1)
				w->err = del(w->m, k);
	}
	complete(&w->done);
	while (!kthread_should_stop())
		usleep_range(1000, 2000);
	return 0;
}

/*
 * Stall in the count update now and then (a busy wait: a bucket lock is
 * held): the other task of the CPU runs meanwhile.
 */
#define GM_RT_STALL_US	20

static void gm_rt_hook(enum gosync_race where, const void *obj, void *arg)
{
	static atomic_t calls = ATOMIC_INIT(0);

	if (where == GOSYNC_RACE_MAP_COUNT && obj == arg &&
	    !(atomic_inc_return(&calls) % 16))
		udelay(GM_RT_STALL_US);
}

static void map_same_cpu_count_test(struct kunit *test)
{
	struct gm_fx *fx = test->priv;
	struct gosync_map_opts opts = {
		.key_kind = GOSYNC_MAP_KEY_U64, .size_hint = 2 * GM_RT_KEYS,
	};
	struct gosync_map *m = gm_map(test, 0, &opts);
	struct gm_rt *w = kunit_kcalloc(test, 2, sizeof(*w), GFP_KERNEL);
	unsigned int cpu = cpumask_first(cpu_online_mask), i;
	struct gosync_map_stats st;

	KUNIT_ASSERT_NOT_NULL(test, w);
	for (i = 0; i < 2; i++) {
		struct task_struct *task;

		w[i].m = m;
		w[i].id = i;
		init_completion(&w[i].done);
		task = kthread_create(gm_rt_fn, &w[i], "kunit-map-rt/%u", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(task));
		kthread_bind(task, cpu);
#ifdef GOSYNC_NATIVE
		native_same_cpu(task, cpu);
#endif
		get_task_struct(task);
		fx->threads[i].task = task;	/* the fixture's exit stops it */
	}
	__gosync_race_set(gm_rt_hook, m);
	fx->hooked = true;
	for (i = 0; i < 2; i++)
		wake_up_process(fx->threads[i].task);
	for (i = 0; i < 2; i++)
		KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&w[i].done, 60 * HZ) > 0);
	__gosync_race_set(NULL, NULL);
	fx->hooked = false;
	gm_threads_stop(fx);
	KUNIT_EXPECT_EQ(test, w[0].err, 0);
	KUNIT_EXPECT_EQ(test, w[1].err, 0);
	KUNIT_EXPECT_EQ(test, gosync_map_len(m), (unsigned long)GM_RT_KEYS);
	gosync_map_stats(m, &st);
	KUNIT_EXPECT_EQ(test, st.entries, (unsigned long)GM_RT_KEYS);
}

/* ---- atomic and hardirq context ---- */

static void gm_atomic_ops(struct kunit *test, struct gosync_map *m, u64 base)
{
	void *old = NULL, *actual = NULL;
	u64 k = base;

	KUNIT_EXPECT_EQ(test, gosync_map_store(m, &k, gm_v(1)), 0);
	KUNIT_EXPECT_PTR_EQ(test, gosync_map_load(m, &k), gm_v(1));
	KUNIT_EXPECT_EQ(test, gosync_map_swap(m, &k, gm_v(2), &old), 0);
	KUNIT_EXPECT_PTR_EQ(test, old, gm_v(1));
	KUNIT_EXPECT_EQ(test, gosync_map_compare_and_swap(m, &k, gm_v(2), gm_v(3)), 0);
	KUNIT_EXPECT_EQ(test, gosync_map_load_or_store(m, &k, gm_v(4), &actual), -EEXIST);
	KUNIT_EXPECT_PTR_EQ(test, actual, gm_v(3));
	KUNIT_EXPECT_EQ(test, gosync_map_delete(m, &k), 0);
	KUNIT_EXPECT_NULL(test, gosync_map_load(m, &k));
	k = base + 1;
	KUNIT_EXPECT_EQ(test, gosync_map_load_or_store(m, &k, gm_v(5), &actual), 0);
	KUNIT_EXPECT_EQ(test, gosync_map_load_and_delete(m, &k, &old), 0);
	KUNIT_EXPECT_PTR_EQ(test, old, gm_v(5));
	k = base + 2;
	KUNIT_EXPECT_EQ(test, gosync_map_store(m, &k, gm_v(6)), 0);	/* stays */
}

static DEFINE_SPINLOCK(gm_lock);

struct gm_irq {
	struct gosync_map *m;
	struct completion done;
	int store, del, swap;
	void *loaded, *old;
	bool in_irq;
	/* The reads, from a hard interrupt on every kernel. */
	struct completion hard_done;
	bool in_hardirq;
	void *hard_loaded;
	unsigned long hard_len;
};

/* The writes: hardirq, or the timer softirq on PREEMPT_RT (see map.h). */
static enum hrtimer_restart gm_timer_fn(struct hrtimer *timer)
{
	struct gm_fx *fx = container_of(timer, struct gm_fx, timer);
	struct gm_irq *x = fx->irq;
	u64 k = 7000;

	x->in_irq = GOSYNC_ANY_IRQ();
	x->store = gosync_map_store(x->m, &k, gm_v(70));
	x->loaded = gosync_map_load(x->m, &k);
	x->swap = gosync_map_swap(x->m, &k, gm_v(71), &x->old);
	k = 7001;
	x->del = gosync_map_delete(x->m, &k);
	complete(&x->done);
	return HRTIMER_NORESTART;
}

/* The lock-free reads, in hard interrupt context even on PREEMPT_RT. */
static enum hrtimer_restart gm_hard_timer_fn(struct hrtimer *timer)
{
	struct gm_fx *fx = container_of(timer, struct gm_fx, timer);
	struct gm_irq *x = fx->irq;
	u64 k = 7000;

	x->in_hardirq = in_hardirq();
	x->hard_loaded = gosync_map_load(x->m, &k);
	x->hard_len = gosync_map_len(x->m);
	complete(&x->hard_done);
	return HRTIMER_NORESTART;
}

static void map_atomic_context_test(struct kunit *test)
{
	struct gm_fx *fx = test->priv;
	struct gosync_map_opts opts = { .key_kind = GOSYNC_MAP_KEY_U64, .gfp = GFP_ATOMIC };
	struct gosync_map *m = gm_map(test, 0, &opts);
	struct gm_irq *x = kunit_kzalloc(test, sizeof(*x), GFP_KERNEL);
	unsigned long flags;
	u64 k;

	KUNIT_ASSERT_NOT_NULL(test, x);
	/* A spinlock with interrupts off, then softirqs off. */
	spin_lock_irqsave(&gm_lock, flags);
	gm_atomic_ops(test, m, 100);
	spin_unlock_irqrestore(&gm_lock, flags);
	local_bh_disable();
	gm_atomic_ops(test, m, 200);
	KUNIT_EXPECT_EQ(test, gosync_map_clear(m), 0);
	gm_atomic_ops(test, m, 300);
	local_bh_enable();
	KUNIT_EXPECT_EQ(test, gosync_map_len(m), 1UL);
	k = 302;
	KUNIT_EXPECT_PTR_EQ(test, gosync_map_load(m, &k), gm_v(6));

	/* Interrupts: hrtimer callbacks on a second map. */
	fx->irq = x;
	x->m = gm_map(test, 1, &opts);
	init_completion(&x->done);
	init_completion(&x->hard_done);
	k = 7001;
	KUNIT_ASSERT_EQ(test, gosync_map_store(x->m, &k, gm_v(7001)), 0);
	hrtimer_init(&fx->timer, CLOCK_MONOTONIC, GOSYNC_HRTIMER_ANY);
	fx->timer.function = gm_timer_fn;
	fx->timer_live = true;
	hrtimer_start(&fx->timer, ns_to_ktime(1000), GOSYNC_HRTIMER_ANY);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&x->done, 5 * HZ) > 0);
	hrtimer_cancel(&fx->timer);
	hrtimer_init(&fx->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	fx->timer.function = gm_hard_timer_fn;
	hrtimer_start(&fx->timer, ns_to_ktime(1000), HRTIMER_MODE_REL_HARD);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&x->hard_done, 5 * HZ) > 0);
	hrtimer_cancel(&fx->timer);
	fx->timer_live = false;
	KUNIT_EXPECT_TRUE(test, x->in_irq);
	KUNIT_EXPECT_TRUE(test, x->in_hardirq);
	KUNIT_EXPECT_PTR_EQ(test, x->hard_loaded, gm_v(71));
	KUNIT_EXPECT_EQ(test, x->hard_len, 1UL);
	KUNIT_EXPECT_EQ(test, x->store, 0);
	KUNIT_EXPECT_PTR_EQ(test, x->loaded, gm_v(70));
	KUNIT_EXPECT_EQ(test, x->swap, 0);
	KUNIT_EXPECT_PTR_EQ(test, x->old, gm_v(70));
	KUNIT_EXPECT_EQ(test, x->del, 0);
	k = 7000;
	KUNIT_EXPECT_PTR_EQ(test, gosync_map_load(x->m, &k), gm_v(71));
	KUNIT_EXPECT_EQ(test, gosync_map_len(x->m), 1UL);
}

/*
 * A widened window (__gosync_race_set_delay()) is passed, counted and
 * waited in; bad arguments are refused; clearing it disarms it.
 */
static void map_race_delay_test(struct kunit *test)
{
	struct gosync_map *m = gm_u64_map(test, 0);
	unsigned int us;
	u64 before, after;
	u64 k;

	KUNIT_EXPECT_EQ(test, __gosync_race_set_delay(GOSYNC_RACE_NR, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, __gosync_race_set_delay(GOSYNC_RACE_MAP_COUNT,
						      GOSYNC_RACE_DELAY_MAX + 1), -ERANGE);
	KUNIT_EXPECT_STREQ(test, __gosync_race_name(GOSYNC_RACE_MAP_COUNT), "map_count");
	KUNIT_EXPECT_PTR_EQ(test, __gosync_race_name(GOSYNC_RACE_NR), (const char *)NULL);
	if (__gosync_race_stat(GOSYNC_RACE_MAP_COUNT, &us, &before) == -EOPNOTSUPP)
		kunit_skip(test, "gosync.ko without race windows");
	KUNIT_ASSERT_EQ(test, __gosync_race_set_delay(GOSYNC_RACE_MAP_COUNT, 2), 0);
	for (k = 1; k <= 10; k++)
		KUNIT_EXPECT_EQ(test, gosync_map_store(m, &k, gm_v(k)), 0);
	KUNIT_ASSERT_EQ(test, __gosync_race_stat(GOSYNC_RACE_MAP_COUNT, &us, &after), 0);
	KUNIT_EXPECT_EQ(test, us, 2U);
	KUNIT_EXPECT_GE(test, after - before, 10ULL);
	KUNIT_ASSERT_EQ(test, __gosync_race_set_delay(GOSYNC_RACE_MAP_COUNT, 0), 0);
	before = after;
	k = 11;
	KUNIT_EXPECT_EQ(test, gosync_map_store(m, &k, gm_v(k)), 0);
	KUNIT_ASSERT_EQ(test, __gosync_race_stat(GOSYNC_RACE_MAP_COUNT, &us, &after), 0);
	KUNIT_EXPECT_EQ(test, after, before);
	KUNIT_EXPECT_EQ(test, us, 0U);
}

static struct kunit_case gosync_map_cases[] = {
	KUNIT_CASE(map_basic_u64_test),
	KUNIT_CASE(map_null_value_test),
	KUNIT_CASE(map_init_errors_test),
	KUNIT_CASE(map_binary_keys_test),
	KUNIT_CASE(map_string_keys_test),
	KUNIT_CASE(map_release_test),
	KUNIT_CASE(map_release_after_grace_period_test),
	KUNIT_CASE(map_release_same_value_test),
	KUNIT_CASE(map_max_entries_test),
	KUNIT_CASE(map_range_test),
	KUNIT_CASE(map_clear_during_range_test),
	KUNIT_CASE(map_forced_resize_test),
	KUNIT_CASE(map_auto_resize_test),
	KUNIT_CASE(map_clear_is_cheap_test),
	KUNIT_CASE(map_churn_len_test),
	KUNIT_CASE(map_max_entries_race_test),
	KUNIT_CASE(map_concurrent_resize_test),
	KUNIT_CASE(map_clear_during_resize_test),
	KUNIT_CASE(map_shared_key_resize_test),
	KUNIT_CASE(map_same_cpu_count_test),
	KUNIT_CASE(map_atomic_context_test),
	KUNIT_CASE(map_race_delay_test),
	{}
};

static struct kunit_suite gosync_map_suite = {
	.name = "gosync_map",
	.init = gm_init,
	.exit = gm_exit,
	.test_cases = gosync_map_cases,
};

kunit_test_suite(gosync_map_suite);
