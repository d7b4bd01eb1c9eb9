// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of gosync's debugfs face (kmod/face.c): a named object
 * appears as /sys/kernel/debug/gosync/<kind>/<name>/stats while it exists
 * and no longer; duplicate and bad names do not appear; the stats show no
 * address; and a reader racing the destroy of its object gets the stats
 * or ENOENT, nothing else. The files are read through the VFS, so the
 * cases skip when debugfs is not mounted at /sys/kernel/debug.
 */
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/ctype.h>
#include <linux/jiffies.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <gosync/barrier.h>
#include <gosync/breaker.h>
#include <gosync/map.h>
#include <gosync/phaser.h>
#include <gosync/pool.h>

#define FACE_ROOT	"/sys/kernel/debug/gosync"

/* Read the stats of @kind/@name into @buf; the length or -errno. */
static ssize_t face_read(const char *kind, const char *name, char *buf,
			 size_t size)
{
	char path[128];
	struct file *f;
	loff_t pos = 0;
	ssize_t n;

	snprintf(path, sizeof(path), FACE_ROOT "/%s/%s/stats", kind, name);
	f = filp_open(path, O_RDONLY, 0);
	if (IS_ERR(f))
		return PTR_ERR(f);
	n = kernel_read(f, buf, size - 1, &pos);
	filp_close(f, NULL);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

static int face_init(struct kunit *test)
{
	struct file *f = filp_open(FACE_ROOT "/version", O_RDONLY, 0);

	if (IS_ERR(f))
		kunit_skip(test, "debugfs is not mounted at /sys/kernel/debug");
	filp_close(f, NULL);
	return 0;
}

/* No line of @text holds an address: no "0x", no 16 hex digits in a row. */
static void face_expect_no_address(struct kunit *test, const char *text)
{
	unsigned int run = 0;
	const char *p;

	KUNIT_EXPECT_NULL(test, strstr(text, "0x"));
	for (p = text; *p; p++) {
		run = isxdigit(*p) ? run + 1 : 0;
		KUNIT_EXPECT_LT_MSG(test, run, 16U, "%s", text);
	}
}

static struct gosync_breaker *face_breaker(struct kunit *test, const char *name)
{
	struct gosync_breaker_opts o = { .name = name };
	struct gosync_breaker *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_EQ(test, gosync_breaker_init(b, &o, GFP_KERNEL), 0);
	return b;
}

/* Each kind appears with its stats while it exists, and goes with it. */
static void face_lifecycle_test(struct kunit *test)
{
	struct gosync_pool_opts po = { .name = "fk-pool", .size = 32 };
	struct gosync_map_opts mo = { .name = "fk-map",
				      .key_kind = GOSYNC_MAP_KEY_U64 };
	char *buf = kunit_kzalloc(test, 4096, GFP_KERNEL);
	struct gosync_breaker *b;
	struct gosync_barrier bar;
	struct gosync_phaser ph;
	struct gosync_pool *pool;
	struct gosync_map *map;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	pool = gosync_pool_create(&po);
	KUNIT_ASSERT_FALSE(test, IS_ERR(pool));
	gosync_pool_put(pool, gosync_pool_get(pool, GFP_KERNEL));
	KUNIT_EXPECT_GT(test, face_read("pool", "fk-pool", buf, 4096), 0);
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "objects=1\ncached=1\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "\nmisses=1\n"));
	face_expect_no_address(test, buf);
	gosync_pool_destroy(pool);
	KUNIT_EXPECT_EQ(test, face_read("pool", "fk-pool", buf, 4096), -ENOENT);

	b = face_breaker(test, "fk-breaker");
	KUNIT_EXPECT_EQ(test, gosync_breaker_force_open(b), 0);
	KUNIT_EXPECT_GT(test, face_read("breaker", "fk-breaker", buf, 4096), 0);
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "state=open\nforced=1\ngen=2\n"));
	face_expect_no_address(test, buf);
	gosync_breaker_destroy(b);
	KUNIT_EXPECT_EQ(test, face_read("breaker", "fk-breaker", buf, 4096),
			-ENOENT);

	map = kunit_kzalloc(test, sizeof(*map), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, map);
	KUNIT_ASSERT_EQ(test, gosync_map_init(map, &mo), 0);
	KUNIT_EXPECT_EQ(test, gosync_map_store(map, &(u64){ 7 }, buf), 0);
	KUNIT_EXPECT_GT(test, face_read("map", "fk-map", buf, 4096), 0);
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "entries=1\n"));
	face_expect_no_address(test, buf);
	gosync_map_destroy(map);
	KUNIT_EXPECT_EQ(test, face_read("map", "fk-map", buf, 4096), -ENOENT);

	KUNIT_ASSERT_EQ(test, gosync_barrier_init(&bar, 3, NULL, NULL), 0);
	KUNIT_EXPECT_EQ(test, face_read("barrier", "fk-barrier", buf, 4096),
			-ENOENT);
	gosync_barrier_set_name(&bar, "fk-barrier");
	KUNIT_EXPECT_GT(test, face_read("barrier", "fk-barrier", buf, 4096), 0);
	KUNIT_EXPECT_STREQ(test, buf, "parties=3\ngen=0\narrived=0\nbroken=0\n");
	gosync_barrier_set_name(&bar, NULL);
	KUNIT_EXPECT_EQ(test, face_read("barrier", "fk-barrier", buf, 4096),
			-ENOENT);

	KUNIT_ASSERT_EQ(test, gosync_phaser_init(&ph, NULL, 2, NULL, NULL), 0);
	gosync_phaser_set_name(&ph, "fk-phaser");
	KUNIT_EXPECT_EQ(test, gosync_phaser_arrive(&ph), 0);
	KUNIT_EXPECT_GT(test, face_read("phaser", "fk-phaser", buf, 4096), 0);
	KUNIT_EXPECT_STREQ(test, buf,
			   "phase=0\nterminated=0\nparties=2\narrived=1\nunarrived=1\ndepth=0\n");
	gosync_phaser_set_name(&ph, NULL);
	KUNIT_EXPECT_EQ(test, face_read("phaser", "fk-phaser", buf, 4096),
			-ENOENT);
}

/*
 * A second live object of a kind with a name already shown does not
 * appear, and does not take the entry over when the first goes; a later
 * one does. Other kinds have their own names.
 */
static void face_duplicate_names_test(struct kunit *test)
{
	char *buf = kunit_kzalloc(test, 4096, GFP_KERNEL);
	struct gosync_breaker *a, *b, *c;
	struct gosync_barrier bar;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	a = face_breaker(test, "fk-dup");
	b = face_breaker(test, "fk-dup");
	KUNIT_EXPECT_NOT_NULL(test, a->face);
	KUNIT_EXPECT_NULL(test, b->face);
	KUNIT_ASSERT_EQ(test, gosync_barrier_init(&bar, 1, NULL, NULL), 0);
	gosync_barrier_set_name(&bar, "fk-dup");
	KUNIT_EXPECT_NOT_NULL(test, bar.face);
	KUNIT_EXPECT_EQ(test, gosync_breaker_force_open(b), 0);
	KUNIT_EXPECT_GT(test, face_read("breaker", "fk-dup", buf, 4096), 0);
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "state=closed\n")); /* a's */
	gosync_breaker_destroy(a);
	KUNIT_EXPECT_EQ(test, face_read("breaker", "fk-dup", buf, 4096), -ENOENT);
	c = face_breaker(test, "fk-dup");
	KUNIT_EXPECT_NOT_NULL(test, c->face);
	KUNIT_EXPECT_GT(test, face_read("breaker", "fk-dup", buf, 4096), 0);
	gosync_breaker_destroy(b);
	gosync_breaker_destroy(c);
	KUNIT_EXPECT_EQ(test, face_read("breaker", "fk-dup", buf, 4096), -ENOENT);
	KUNIT_EXPECT_GT(test, face_read("barrier", "fk-dup", buf, 4096), 0);
	gosync_barrier_set_name(&bar, NULL);
}

/* 1..GOSYNC_NAME_MAX - 1 printable characters, no '/', not "." or "..". */
static void face_name_limits_test(struct kunit *test)
{
	static const char *const bad[] = {
		"", ".", "..", "a/b", "a b", "tab\t", "nl\n",
		"abcdefghijklmnopqrstuvwxyz-12345",	/* 32 characters */
	};
	const char *longest = "abcdefghijklmnopqrstuvwxyz-1234";	/* 31 */
	char *buf = kunit_kzalloc(test, 4096, GFP_KERNEL);
	struct gosync_barrier bar;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, strlen(longest), GOSYNC_NAME_MAX - 1);
	KUNIT_ASSERT_EQ(test, gosync_barrier_init(&bar, 2, NULL, NULL), 0);
	gosync_barrier_set_name(&bar, longest);
	KUNIT_EXPECT_NOT_NULL(test, bar.face);
	KUNIT_EXPECT_GT(test, face_read("barrier", longest, buf, 4096), 0);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		gosync_barrier_set_name(&bar, bad[i]);
		KUNIT_EXPECT_NULL_MSG(test, bar.face, "name '%s'", bad[i]);
		/* The name still is the barrier's, for its trace events. */
		KUNIT_EXPECT_PTR_EQ(test, bar.name, bad[i]);
	}
	KUNIT_EXPECT_EQ(test, face_read("barrier", longest, buf, 4096), -ENOENT);
	gosync_barrier_set_name(&bar, NULL);
	KUNIT_EXPECT_NULL(test, bar.face);
	KUNIT_EXPECT_NULL(test, bar.name);
}

/* The racing reader of face_destroy_race_test(). */
struct face_reader {
	char buf[1024];
	atomic_t ok;
	atomic_t enoent;
	atomic_t other;
	int last_other;
};

static int face_reader_fn(void *arg)
{
	struct face_reader *r = arg;
	ssize_t n;

	while (!kthread_should_stop()) {
		n = face_read("barrier", "fk-race", r->buf, sizeof(r->buf));
		if (n > 0 && strstr(r->buf, "parties=")) {
			atomic_inc(&r->ok);
		} else if (n == -ENOENT) {
			atomic_inc(&r->enoent);
		} else {
			r->last_other = n;
			atomic_inc(&r->other);
		}
		cond_resched();
	}
	return 0;
}

/*
 * A thread reads the stats in a loop while another creates and removes
 * the entry of a barrier of that name 1000 times (naming and unnaming it:
 * the entry's whole lifecycle, without a breaker's per-CPU memory and
 * timer, which under KASAN and TCG made the case outlast the hung-task
 * timeout); a debug kernel under load stops after 30 s and at least 100
 * times. Each read gets the stats or ENOENT. Then a file opened while a
 * breaker lived reads ENOENT once the breaker is destroyed.
 */
static void face_destroy_race_test(struct kunit *test)
{
	struct face_reader *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	struct gosync_breaker_opts o = { .name = "fk-race" };
	struct gosync_breaker *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	unsigned long end = jiffies + 30 * HZ;
	struct gosync_barrier bar;
	struct task_struct *t;
	struct file *f;
	loff_t pos = 0;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_EQ(test, gosync_barrier_init(&bar, 2, NULL, NULL), 0);
	t = kthread_run(face_reader_fn, r, "gosync-fk-reader");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	for (i = 0; i < 1000 && (i < 100 || time_before(jiffies, end)); i++) {
		gosync_barrier_set_name(&bar, "fk-race");
		gosync_barrier_set_name(&bar, NULL);
		cond_resched();
	}
	kthread_stop(t);
	kunit_info(test, "%u cycles; reads: %d stats, %d ENOENT, %d other\n",
		   i, atomic_read(&r->ok), atomic_read(&r->enoent),
		   atomic_read(&r->other));
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&r->other), 0, "last: %d",
			    r->last_other);
	KUNIT_EXPECT_GT(test, atomic_read(&r->enoent), 0);

	/* Held open across the destroy. */
	KUNIT_ASSERT_EQ(test, gosync_breaker_init(b, &o, GFP_KERNEL), 0);
	f = filp_open(FACE_ROOT "/breaker/fk-race/stats", O_RDONLY, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(f));
	gosync_breaker_destroy(b);
	KUNIT_EXPECT_EQ(test, kernel_read(f, r->buf, sizeof(r->buf), &pos),
			-ENOENT);
	filp_close(f, NULL);
}

static struct kunit_case gosync_face_cases[] = {
	KUNIT_CASE(face_lifecycle_test),
	KUNIT_CASE(face_duplicate_names_test),
	KUNIT_CASE(face_name_limits_test),
	KUNIT_CASE(face_destroy_race_test),
	{}
};

static struct kunit_suite gosync_face_suite = {
	.name = "gosync_face",
	.init = face_init,
	.test_cases = gosync_face_cases,
};

kunit_test_suite(gosync_face_suite);
