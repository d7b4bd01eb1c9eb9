/* SPDX-License-Identifier: GPL-2.0 */
/*
 * failslab (CONFIG_FAILSLAB, /sys/kernel/debug/failslab) for the stress
 * programs: run one stress command with failslab failing about 10% of the
 * allocations of the tasks that asked for it (task filter: the stress
 * command's failslab=1 marks its threads), then put failslab's settings
 * back. Include after kselftest_harness.h and gosync_test.h.
 */
#ifndef _GOSYNC_FAILSLAB_H
#define _GOSYNC_FAILSLAB_H

#include <stdarg.h>

#include "gosync_test.h"

#define GS_FAILSLAB	"/sys/kernel/debug/failslab"

/* Read failslab setting @name into @buf, without its newline; 0 or -1. */
static inline int gs_failslab_read(const char *name, char *buf, size_t size)
{
	char path[128];
	ssize_t n;

	snprintf(path, sizeof(path), GS_FAILSLAB "/%s", name);
	n = gs_read(path, buf, size);
	if (n <= 0)
		return -1;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/*
 * Set failslab setting @name to @val; 0 or -errno. write(), not pwrite():
 * failslab's number files are not seekable.
 */
static inline int gs_failslab_write(const char *name, const char *val)
{
	char path[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), GS_FAILSLAB "/%s", name);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	n = n < 0 ? -errno : n == (ssize_t)strlen(val) ? 0 : -EIO;
	close(fd);
	return (int)n;
}

/*
 * gs_failslab_run() - @stress("%s", command) with failslab failing 10% of
 * the allocations of the stress threads (task filter), then failslab's
 * settings restored (an EXPECT failure if one is not). The command is
 * @fmt and what follows, as printf() makes it. Return: what @stress
 * returned, or -EIO if failslab could not be read or set up.
 */
static inline int gs_failslab_run(struct __test_metadata *_metadata,
				  int (*stress)(const char *fmt, ...),
				  const char *fmt, ...)
{
	static const char *const names[] = {
		"probability", "interval", "times", "space", "verbose",
		"task-filter", "ignore-gfp-wait",
	};
	static const char *const values[] = {
		"10", "1", "-1", "0", "0", "Y", "N",
	};
	char saved[ARRAY_SIZE(names)][32], cmd[256];
	unsigned int i;
	int ret, bad = 0;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (gs_failslab_read(names[i], saved[i], sizeof(saved[i])))
			return -EIO;
	for (i = 0; i < ARRAY_SIZE(names); i++)
		bad += gs_failslab_write(names[i], values[i]) != 0;
	ret = bad ? -EIO : stress("%s", cmd);
	/* Probability first: stop failing before anything else changes. */
	bad = gs_failslab_write("probability", "0") != 0;
	for (i = ARRAY_SIZE(names); i-- > 0;)
		bad += gs_failslab_write(names[i], saved[i]) != 0;
	EXPECT_EQ(0, bad);
	return ret;
}

#endif /* _GOSYNC_FAILSLAB_H */
