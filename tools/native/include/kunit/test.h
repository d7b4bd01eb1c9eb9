/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KUnit in userspace: the subset of <kunit/test.h> gosync's suites use,
 * with the kernel's semantics. A case runs in a thread of its own; a
 * failed KUNIT_ASSERT_*() or kunit_skip() ends that thread, as the kernel
 * ends the case's kthread, and the suite's exit() then runs in another
 * thread; kunit_kzalloc() memory is freed after exit(). A WARN splat
 * during a case fails the case. The runner is kunit/kunit_main.c.
 */
#ifndef _SHIM_KUNIT_TEST_H
#define _SHIM_KUNIT_TEST_H

#include <shim/all.h>

enum kunit_status { KUNIT_SUCCESS, KUNIT_FAILURE, KUNIT_SKIPPED };

struct kunit_resource_shim;

struct kunit {
	void *priv;
	const char *name;
	enum kunit_status status;
	char status_comment[256];
	struct kunit_resource_shim *resources;
	pthread_mutex_t lock;
};

struct kunit_case {
	void (*run_case)(struct kunit *test);
	const char *name;
};

struct kunit_suite {
	const char name[256];
	int (*suite_init)(struct kunit_suite *suite);
	void (*suite_exit)(struct kunit_suite *suite);
	int (*init)(struct kunit *test);
	void (*exit)(struct kunit *test);
	struct kunit_case *test_cases;
};

#define KUNIT_CASE(fn)		{ .run_case = fn, .name = #fn }

#define kunit_test_suite(s)	SHIM_KUNIT_REGISTER(s)
#define SHIM_KUNIT_REGISTER(s)							\
	static struct kunit_suite *const __kunit_suite_##s			\
	__attribute__((__used__, __section__("kunit_suites_shim"))) = &(s)

__printf(2, 3) void kunit_log_shim(struct kunit *test, const char *fmt, ...);
__noreturn void kunit_abort_shim(struct kunit *test);
__printf(5, 6) void kunit_fail_shim(struct kunit *test, const char *file, int line,
				    bool assert, const char *fmt, ...);
__printf(3, 4) void kunit_mark_skipped_shim(struct kunit *test, bool abort,
					    const char *fmt, ...);

#define kunit_info(test, fmt, ...)	kunit_log_shim(test, fmt, ##__VA_ARGS__)
#define kunit_warn(test, fmt, ...)	kunit_log_shim(test, fmt, ##__VA_ARGS__)
#define kunit_err(test, fmt, ...)	kunit_log_shim(test, fmt, ##__VA_ARGS__)
#define kunit_skip(test, fmt, ...)	kunit_mark_skipped_shim(test, true, fmt, ##__VA_ARGS__)
#define kunit_mark_skipped(test, fmt, ...) \
	kunit_mark_skipped_shim(test, false, fmt, ##__VA_ARGS__)

void *kunit_kmalloc_array(struct kunit *test, size_t n, size_t size, gfp_t gfp);
void kunit_kfree(struct kunit *test, const void *p);
#define kunit_kmalloc(test, size, gfp)	kunit_kmalloc_array(test, 1, size, gfp)
#define kunit_kzalloc(test, size, gfp)	kunit_kmalloc(test, size, (gfp) | __GFP_ZERO)
#define kunit_kcalloc(test, n, size, gfp) \
	kunit_kmalloc_array(test, n, size, (gfp) | __GFP_ZERO)

#define SHIM_KUNIT_V(x)		((long long)(uintptr_t)(x))

#define SHIM_KUNIT_BINARY(test, assert, left, op, right, fmt, ...) do {	\
	typeof(left) __l = (left);						\
	typeof(right) __r = (right);						\
	if (!(__l op __r))							\
		kunit_fail_shim(test, __FILE__, __LINE__, assert,		\
			"Expected %s %s %s, but\n\t%s == %lld (0x%llx)\n\t"	\
			"%s == %lld (0x%llx)\n\t" fmt,				\
			#left, #op, #right, #left, SHIM_KUNIT_V(__l),		\
			(unsigned long long)SHIM_KUNIT_V(__l), #right,		\
			SHIM_KUNIT_V(__r), (unsigned long long)SHIM_KUNIT_V(__r), \
			##__VA_ARGS__);						\
} while (0)

#define SHIM_KUNIT_TRUE(test, assert, cond, fmt, ...) do {			\
	if (!(cond))								\
		kunit_fail_shim(test, __FILE__, __LINE__, assert,		\
				"Expected %s to be true\n\t" fmt, #cond,	\
				##__VA_ARGS__);					\
} while (0)

#define SHIM_KUNIT_STR(test, assert, left, op, right, fmt, ...) do {		\
	const char *__l = (left), *__r = (right);				\
	if (!(strcmp(__l, __r) op 0))						\
		kunit_fail_shim(test, __FILE__, __LINE__, assert,		\
				"Expected %s %s %s: \"%s\" vs \"%s\"\n\t" fmt,	\
				#left, #op, #right, __l, __r, ##__VA_ARGS__);	\
} while (0)

#define KUNIT_EXPECT_EQ(t, l, r)	SHIM_KUNIT_BINARY(t, false, l, ==, r, "")
#define KUNIT_EXPECT_NE(t, l, r)	SHIM_KUNIT_BINARY(t, false, l, !=, r, "")
#define KUNIT_EXPECT_LT(t, l, r)	SHIM_KUNIT_BINARY(t, false, l, <, r, "")
#define KUNIT_EXPECT_LE(t, l, r)	SHIM_KUNIT_BINARY(t, false, l, <=, r, "")
#define KUNIT_EXPECT_GT(t, l, r)	SHIM_KUNIT_BINARY(t, false, l, >, r, "")
#define KUNIT_EXPECT_GE(t, l, r)	SHIM_KUNIT_BINARY(t, false, l, >=, r, "")
#define KUNIT_EXPECT_PTR_EQ(t, l, r)	SHIM_KUNIT_BINARY(t, false, l, ==, r, "")
#define KUNIT_EXPECT_PTR_NE(t, l, r)	SHIM_KUNIT_BINARY(t, false, l, !=, r, "")
#define KUNIT_EXPECT_NULL(t, p)		SHIM_KUNIT_BINARY(t, false, p, ==, NULL, "")
#define KUNIT_EXPECT_NOT_NULL(t, p)	SHIM_KUNIT_BINARY(t, false, p, !=, NULL, "")
#define KUNIT_EXPECT_TRUE(t, c)		SHIM_KUNIT_TRUE(t, false, c, "")
#define KUNIT_EXPECT_FALSE(t, c)	SHIM_KUNIT_TRUE(t, false, !(c), "")
#define KUNIT_EXPECT_STREQ(t, l, r)	SHIM_KUNIT_STR(t, false, l, ==, r, "")
#define KUNIT_EXPECT_STRNEQ(t, l, r)	SHIM_KUNIT_STR(t, false, l, !=, r, "")
#define KUNIT_EXPECT_NOT_ERR_OR_NULL(t, p) SHIM_KUNIT_TRUE(t, false, !IS_ERR_OR_NULL(p), "")
#define KUNIT_EXPECT_EQ_MSG(t, l, r, fmt, ...) \
	SHIM_KUNIT_BINARY(t, false, l, ==, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_NE_MSG(t, l, r, fmt, ...) \
	SHIM_KUNIT_BINARY(t, false, l, !=, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_LE_MSG(t, l, r, fmt, ...) \
	SHIM_KUNIT_BINARY(t, false, l, <=, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_GE_MSG(t, l, r, fmt, ...) \
	SHIM_KUNIT_BINARY(t, false, l, >=, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_TRUE_MSG(t, c, fmt, ...) SHIM_KUNIT_TRUE(t, false, c, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_FALSE_MSG(t, c, fmt, ...) SHIM_KUNIT_TRUE(t, false, !(c), fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_STREQ_MSG(t, l, r, fmt, ...) \
	SHIM_KUNIT_STR(t, false, l, ==, r, fmt, ##__VA_ARGS__)

#define KUNIT_ASSERT_EQ(t, l, r)	SHIM_KUNIT_BINARY(t, true, l, ==, r, "")
#define KUNIT_ASSERT_NE(t, l, r)	SHIM_KUNIT_BINARY(t, true, l, !=, r, "")
#define KUNIT_ASSERT_LT(t, l, r)	SHIM_KUNIT_BINARY(t, true, l, <, r, "")
#define KUNIT_ASSERT_LE(t, l, r)	SHIM_KUNIT_BINARY(t, true, l, <=, r, "")
#define KUNIT_ASSERT_GT(t, l, r)	SHIM_KUNIT_BINARY(t, true, l, >, r, "")
#define KUNIT_ASSERT_GE(t, l, r)	SHIM_KUNIT_BINARY(t, true, l, >=, r, "")
#define KUNIT_ASSERT_PTR_EQ(t, l, r)	SHIM_KUNIT_BINARY(t, true, l, ==, r, "")
#define KUNIT_ASSERT_NULL(t, p)		SHIM_KUNIT_BINARY(t, true, p, ==, NULL, "")
#define KUNIT_ASSERT_NOT_NULL(t, p)	SHIM_KUNIT_BINARY(t, true, p, !=, NULL, "")
#define KUNIT_ASSERT_TRUE(t, c)		SHIM_KUNIT_TRUE(t, true, c, "")
#define KUNIT_ASSERT_FALSE(t, c)	SHIM_KUNIT_TRUE(t, true, !(c), "")
#define KUNIT_ASSERT_STREQ(t, l, r)	SHIM_KUNIT_STR(t, true, l, ==, r, "")
#define KUNIT_ASSERT_NOT_ERR_OR_NULL(t, p) SHIM_KUNIT_TRUE(t, true, !IS_ERR_OR_NULL(p), "")
#define KUNIT_ASSERT_EQ_MSG(t, l, r, fmt, ...) \
	SHIM_KUNIT_BINARY(t, true, l, ==, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_TRUE_MSG(t, c, fmt, ...) SHIM_KUNIT_TRUE(t, true, c, fmt, ##__VA_ARGS__)

#define KUNIT_FAIL(t, fmt, ...) \
	kunit_fail_shim(t, __FILE__, __LINE__, false, fmt, ##__VA_ARGS__)
#define KUNIT_SUCCEED(t)	do { } while (0)

#endif /* _SHIM_KUNIT_TEST_H */
