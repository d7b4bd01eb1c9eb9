// SPDX-License-Identifier: GPL-2.0
/*
 * Planted faults for the native harness's self-test (run-tests.sh
 * --self-test): each case below breaks one rule, and the run that
 * contains it must fail, for the expected reason. Built only into
 * build/native/<variant>/kunit-planted, never into the real suites.
 * The self-test runs one case at a time, selected by its glob argument.
 */
#include <kunit/test.h>
#include <unistd.h>

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

/*
 * A grace period waited for from inside a read-side critical section that
 * is only preemption disabled: the reader waits for the grace period, the
 * grace period for the reader, a deadlock a kernel would hang on. Here the
 * reader gives up after a second and WARNs, so the run fails if, and only
 * if, synchronize_rcu() waits for preempt-disabled sections as it must
 * (since 4.20; gosync_pool_destroy() relies on it). Interrupts off, bottom
 * halves off and spinlocks share the counter this exercises.
 */
static int planted_in_section, planted_gp_done;

static void *planted_preempt_reader(void *arg)
{
	int i;

	preempt_disable();
	__atomic_store_n(&planted_in_section, 1, __ATOMIC_RELEASE);
	for (i = 0; i < 1000 && !__atomic_load_n(&planted_gp_done, __ATOMIC_ACQUIRE); i++)
		mdelay(1);
	WARN(!__atomic_load_n(&planted_gp_done, __ATOMIC_ACQUIRE),
	     "synchronize_rcu() waits for a preempt-disabled section\n");
	preempt_enable();
	return NULL;
}

static void plant_gp_in_preempt_off(struct kunit *test)
{
	pthread_t reader;

	KUNIT_ASSERT_EQ(test, native_thread_create(&reader, planted_preempt_reader, NULL), 0);
	while (!__atomic_load_n(&planted_in_section, __ATOMIC_ACQUIRE))
		usleep(100);
	synchronize_rcu();
	__atomic_store_n(&planted_gp_done, 1, __ATOMIC_RELEASE);
	pthread_join(reader, NULL);
}

/*
 * A failed assertion ends its thread with pthread_exit(). The thread must
 * leave liburcu's registry as it goes, or the grace period after it waits
 * forever on a dead reader: the run must end with the assertion's
 * failure, not hang until the runner's timeout.
 */
static void *planted_asserter(void *arg)
{
	struct kunit *test = arg;

	rcu_read_lock();
	rcu_read_unlock();
	KUNIT_ASSERT_TRUE_MSG(test, false, "assertion failed in a registered thread");
	return NULL;
}

static void plant_assert_then_gp(struct kunit *test)
{
	pthread_t t;

	KUNIT_ASSERT_EQ(test, native_thread_create(&t, planted_asserter, test), 0);
	pthread_join(t, NULL);
	synchronize_rcu();
	kunit_info(test, "grace period after the failed assertion: done");
}

static struct kunit_case planted_cases[] = {
	KUNIT_CASE(plant_race),
	KUNIT_CASE(plant_use_after_free),
	KUNIT_CASE(plant_leak),
	KUNIT_CASE(plant_warn),
	KUNIT_CASE(plant_sleep_in_atomic),
	KUNIT_CASE(plant_failed_expectation),
	KUNIT_CASE(plant_gp_in_preempt_off),
	KUNIT_CASE(plant_assert_then_gp),
	{}
};

static struct kunit_suite planted_suite = {
	.name = "native_planted",
	.test_cases = planted_cases,
};

kunit_test_suite(planted_suite);
