// SPDX-License-Identifier: GPL-2.0
/*
 * Planted faults for the native harness's self-test (run-tests.sh
 * --self-test): each case below breaks one rule, and the run that
 * contains it must fail, for the expected reason. Built only into
 * build/native/<variant>/kunit-planted, never into the real suites.
 * The self-test runs one case at a time, selected by its glob argument.
 */
#include <kunit/test.h>
#include <shim/native.h>

static long planted_counter;	/* plain on purpose */

static void *planted_racer(void *arg)
{
	int i;

	for (i = 0; i < 100000; i++)
		planted_counter++;
	return NULL;
}

static void plant_race(struct kunit *test)
{
	pthread_t a, b;

	KUNIT_ASSERT_EQ(test, native_thread_create(&a, planted_racer, NULL), 0);
	KUNIT_ASSERT_EQ(test, native_thread_create(&b, planted_racer, NULL), 0);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	kunit_info(test, "counter %ld", planted_counter);
}

static void plant_use_after_free(struct kunit *test)
{
	volatile u64 *p = kmalloc(sizeof(*p), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, (void *)p);
	kfree((void *)p);
	kunit_info(test, "read %llu", *p);
}

static void plant_leak(struct kunit *test)
{
	void *volatile p = kmalloc(64, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	p = NULL;
}

static void plant_warn(struct kunit *test)
{
	WARN_ON(test);
}

static DEFINE_SPINLOCK(planted_lock);
static DEFINE_MUTEX(planted_mutex);

static void plant_sleep_in_atomic(struct kunit *test)
{
	spin_lock(&planted_lock);
	mutex_lock(&planted_mutex);
	mutex_unlock(&planted_mutex);
	spin_unlock(&planted_lock);
}

static void plant_failed_expectation(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 1 + 1, 3);
}

static struct kunit_case planted_cases[] = {
	KUNIT_CASE(plant_race),
	KUNIT_CASE(plant_use_after_free),
	KUNIT_CASE(plant_leak),
	KUNIT_CASE(plant_warn),
	KUNIT_CASE(plant_sleep_in_atomic),
	KUNIT_CASE(plant_failed_expectation),
	{}
};

static struct kunit_suite planted_suite = {
	.name = "native_planted",
	.test_cases = planted_cases,
};

kunit_test_suite(planted_suite);
