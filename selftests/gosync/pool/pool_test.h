/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the gosync_pool kselftests: commands to pool/cmd and
 * pool/stress, and the fields of their outputs. Include after
 * kselftest_harness.h and gosync_test.h.
 */
#ifndef _GOSYNC_POOL_TEST_H
#define _GOSYNC_POOL_TEST_H

#include <sched.h>

#define POOL_CMD	GOSYNC_TEST_DEBUGFS "/pool/cmd"
#define POOL_STRESS	GOSYNC_TEST_DEBUGFS "/pool/stress"

/* Output of the last command. */
static char out[8192];

/* Run one command (printf-style) on @path and read its output; 0 or -errno. */
#define pool_write(path, ...)	gs_cmd_out(path, out, sizeof(out), __VA_ARGS__)

#define pc(...)		pool_write(POOL_CMD, __VA_ARGS__)

/*
 * The number after "@key" followed by @sep ('=' or ' ') at the start of
 * a line or after a blank in @text; -1 if absent.
 */
static inline long long field_in(const char *text, const char *key, char sep)
{
	char pat[64];
	const char *p = text;
	size_t n;

	n = snprintf(pat, sizeof(pat), "%s%c", key, sep);
	while ((p = strstr(p, pat))) {
		if (p == text || p[-1] == ' ' || p[-1] == '\n')
			return strtoll(p + n, NULL, 0);
		p += n;
	}
	return -1;
}

/* One "key value" line of "stats name=@pool"; -1 if absent or failed. */
static inline long long pstat(const char *pool, const char *key)
{
	if (pc("stats name=%s", pool))
		return -1;
	return field_in(out, key, ' ');
}

/* A "key value" line of "cpustats name=@pool cpu=@cpu"; -1 if absent. */
static inline long long pcpustat(const char *pool, int cpu, const char *key)
{
	if (pc("cpustats name=%s cpu=%d", pool, cpu))
		return -1;
	return field_in(out, key, ' ');
}

/* Run the calling thread on @cpu only (-1: on every CPU); 0 or -errno. */
static inline int pin_to(int cpu)
{
	cpu_set_t set;
	int i;

	CPU_ZERO(&set);
	if (cpu >= 0) {
		CPU_SET(cpu, &set);
	} else {
		for (i = 0; i < CPU_SETSIZE; i++)
			CPU_SET(i, &set);
	}
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

/* Destroy every test pool (the state other tests may have left). */
static inline void destroy_all(void)
{
	gs_destroy_all(POOL_CMD, out, sizeof(out));
}

#endif /* _GOSYNC_POOL_TEST_H */
