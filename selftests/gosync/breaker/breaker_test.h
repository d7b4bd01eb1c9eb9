/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the gosync_breaker kselftests: a command to a breaker
 * command file and its output, the fields of that output, and the check
 * that a command was rejected. Include after kselftest_harness.h and
 * gosync_test.h.
 */
#ifndef _GOSYNC_BREAKER_TEST_H
#define _GOSYNC_BREAKER_TEST_H

#include <limits.h>

#define BRK_DIR		GOSYNC_TEST_DEBUGFS "/breaker"
#define BRK_CMD		BRK_DIR "/cmd"

/* brk_field(): the key is absent. */
#define BRK_NONE	LLONG_MIN

/* Output of the last brk_write(). */
static char brk_out[8192];

/*
 * Write one command (printf-style) to @path in one write(2) and read the
 * file's answer into brk_out; returns what the write returned: 0 or -errno.
 */
#define brk_write(path, ...)	gs_cmd_out(path, brk_out, sizeof(brk_out), __VA_ARGS__)

/* A command to breaker/cmd. */
#define bc(...)		brk_write(BRK_CMD, __VA_ARGS__)

/* The (signed) number after "@key=" in @text; BRK_NONE if absent. */
static inline long long brk_field(const char *text, const char *key)
{
	return gs_field(text, key, BRK_NONE);
}

/* The field @key of the last output. */
static inline long long brk_f(const char *key)
{
	return brk_field(brk_out, key);
}

/* Does the last output say the command was rejected ("error: ...")? */
static inline int brk_rejected(void)
{
	return !strncmp(brk_out, "error: ", 7) && strchr(brk_out, '\n') ==
	       brk_out + strlen(brk_out) - 1;
}

/*
 * A command to @path the file must reject with @err: the errno, a
 * one-line "error: <why>" output.
 */
#define BRK_EXPECT_ERROR(path, err, ...)				\
	do {								\
		EXPECT_EQ(err, brk_write(path, __VA_ARGS__))		\
			TH_LOG("%s", brk_out);				\
		EXPECT_TRUE(brk_rejected()) TH_LOG("%s", brk_out);	\
	} while (0)

/* Destroy every test breaker of breaker/cmd. */
static inline void brk_destroy_all(void)
{
	gs_destroy_all(BRK_CMD, brk_out, sizeof(brk_out));
}

#endif /* _GOSYNC_BREAKER_TEST_H */
