/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by gosync's kselftest programs. Each program includes
 * kselftest_harness.h (extracted from linux-source-6.1 at build time),
 * then this file, and returns gs_test_main() from main(), which skips the
 * whole program (exit code 4) when gosync.ko is not loaded.
 */
#ifndef _GOSYNC_TEST_H
#define _GOSYNC_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define GOSYNC_DEBUGFS		"/sys/kernel/debug/gosync"
#define GOSYNC_TEST_DEBUGFS	"/sys/kernel/debug/gosync_test"

/* Write @len bytes in one write(2) at offset @off; 0 or -errno. */
static inline int gs_pwrite(const char *path, const void *buf, size_t len,
			    off_t off)
{
	ssize_t n;
	int fd = open(path, O_WRONLY);

	if (fd < 0)
		return -errno;
	n = pwrite(fd, buf, len, off);
	if (n < 0)
		n = -errno;
	else if ((size_t)n != len)
		n = -EIO;
	close(fd);
	return n < 0 ? (int)n : 0;
}

/* Write a command string; 0 or -errno. */
static inline int gs_cmd(const char *path, const char *cmd)
{
	return gs_pwrite(path, cmd, strlen(cmd), 0);
}

/* Read a whole (small) file into @buf, NUL terminated; length or -errno. */
static inline ssize_t gs_read(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n = 0;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -errno;
	while (len + 1 < size && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += n;
	if (n < 0)
		len = -errno;
	else
		buf[len] = '\0';
	close(fd);
	return len;
}

/*
 * Write one command (printf-style @fmt/@ap) to the command file @path in
 * one write(2) and read the file's answer into @out (@size bytes; empty if
 * it cannot be read). Returns what the write returned: 0 or -errno.
 */
static inline int gs_vcmd_out(const char *path, char *out, size_t size,
			      const char *fmt, va_list ap)
{
	char cmd[1024];
	int ret;

	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	ret = gs_cmd(path, cmd);
	if (gs_read(path, out, size) < 0)
		out[0] = '\0';
	return ret;
}

/* gs_vcmd_out() with the arguments of the command after @fmt. */
static inline int gs_cmd_out(const char *path, char *out, size_t size,
			     const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = gs_vcmd_out(path, out, size, fmt, ap);
	va_end(ap);
	return ret;
}

/*
 * Destroy every test object of the command file @path: "list" it, then
 * "destroy name=<name>" each of the first 8 "name=" lines listed. @out
 * (@size bytes) receives the outputs.
 */
static inline void gs_destroy_all(const char *path, char *out, size_t size)
{
	char names[8][32], *p;
	int n = 0, i;

	if (gs_cmd_out(path, out, size, "list"))
		return;
	for (p = out; (p = strstr(p, "\nname=")) && n < 8; p++)
		if (sscanf(p, "\nname=%31s", names[n]) == 1)
			n++;
	for (i = 0; i < n; i++)
		gs_cmd_out(path, out, size, "destroy name=%s", names[i]);
}

/*
 * Write the command @fmt/@ap to @path (a stress launcher), read its answer
 * into @out and log both as kselftest comments: "# cmd -> ret in T s",
 * then "#   line" per line of the answer. Returns what the write returned.
 */
static inline int gs_vcmd_logged(const char *path, char *out, size_t size,
				 const char *fmt, va_list ap)
{
	char cmd[512], *copy, *line, *save = NULL;
	struct timespec t0, t1;
	int ret;

	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ret = gs_cmd(path, cmd);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (gs_read(path, out, size) < 0)
		out[0] = '\0';
	printf("# %s -> %d in %.1f s\n", cmd, ret,
	       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	copy = strdup(out);
	for (line = copy ? strtok_r(copy, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save))
		printf("#   %s\n", line);
	free(copy);
	return ret;
}

/* gs_vcmd_logged() with its arguments. */
static inline int gs_cmd_logged(const char *path, char *out, size_t size,
				const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = gs_vcmd_logged(path, out, size, fmt, ap);
	va_end(ap);
	return ret;
}

/* A command a stress launcher must refuse, and its errno. */
struct gs_refusal {
	int err;
	const char *cmd;
};

/*
 * gs_expect_refused() - in a TEST(), each command of @cases (an array
 * ended by an empty entry) written to @path is refused with its errno,
 * answers "error: ..." and starts no run; a binary byte is refused too.
 */
#define gs_expect_refused(path, cases) \
	__gs_expect_refused(_metadata, path, cases)

static inline void __gs_expect_refused(struct __test_metadata *_metadata,
				       const char *path,
				       const struct gs_refusal *cases)
{
	static char out[4096];
	size_t i;

	for (i = 0; cases[i].cmd; i++) {
		EXPECT_EQ(cases[i].err, gs_cmd_logged(path, out, sizeof(out),
						      "%s", cases[i].cmd))
			TH_LOG("%s", cases[i].cmd);
		EXPECT_EQ(0, strncmp(out, "error: ", 7)) TH_LOG("%s", out);
		EXPECT_EQ(NULL, strstr(out, "result="));
	}
	EXPECT_EQ(-EINVAL, gs_cmd(path, "seed=1\001"));
}

/* An inject= word, and what the failing run must say. */
struct gs_injection {
	const char *inject;
	const char *error;
};

/*
 * gs_expect_injected() - in a TEST(), a run of @args (a short one) with
 * each inject= word of @cases (an array ended by an empty entry) fails
 * with -EIO, "result=FAIL" and the violation's text.
 */
#define gs_expect_injected(path, args, cases) \
	__gs_expect_injected(_metadata, path, args, cases)

static inline void __gs_expect_injected(struct __test_metadata *_metadata,
					const char *path, const char *args,
					const struct gs_injection *cases)
{
	static char out[8192];
	size_t i;

	for (i = 0; cases[i].inject; i++) {
		EXPECT_EQ(-EIO, gs_cmd_logged(path, out, sizeof(out),
					      "%s inject=%s", args,
					      cases[i].inject));
		EXPECT_EQ(0, strncmp(out, "result=FAIL ", 12)) TH_LOG("%s", out);
		EXPECT_NE(NULL, strstr(out, cases[i].error)) TH_LOG("%s", out);
	}
}

/*
 * The (signed) number after "@key@sep" at the start of a line or after a
 * blank in @text; @none if @key is absent.
 */
static inline long long gs_field_sep(const char *text, const char *key,
				     char sep, long long none)
{
	const char *p = text;
	char pat[64];
	size_t n;

	n = snprintf(pat, sizeof(pat), "%s%c", key, sep);
	while ((p = strstr(p, pat))) {
		if (p == text || p[-1] == ' ' || p[-1] == '\n')
			return strtoll(p + n, NULL, 0);
		p += n;
	}
	return none;
}

/* gs_field_sep() of "@key=", as the command files print their results. */
static inline long long gs_field(const char *text, const char *key,
				 long long none)
{
	return gs_field_sep(text, key, '=', none);
}

/*
 * Is this one of the project's own kernels (debug, kcsan: release
 * "*-gosync-*"), which run far slower than the stock one under TCG?
 */
static inline int gs_slow_kernel(void)
{
	struct utsname u;

	return !uname(&u) && strstr(u.release, "-gosync-");
}

static inline int gs_online_cpus(void)
{
	return (int)sysconf(_SC_NPROCESSORS_ONLN);
}

static inline int gs_file_mode(const char *path)
{
	struct stat st;

	if (stat(path, &st))
		return -errno;
	return st.st_mode & 07777;
}

/*
 * The body of main() for programs that need gosync.ko and gosync_test.ko
 * loaded: skip the whole program (exit code 4) when they are not, else run
 * the tests.
 */
static inline int gs_test_main(int argc, char **argv)
{
	if (access(GOSYNC_DEBUGFS "/version", R_OK))
		ksft_exit_skip("gosync.ko is not loaded (no %s)\n",
			       GOSYNC_DEBUGFS "/version");
	if (access(GOSYNC_TEST_DEBUGFS, R_OK))
		ksft_exit_skip("gosync_test.ko is not loaded (no %s)\n",
			       GOSYNC_TEST_DEBUGFS);
	return test_harness_run(argc, argv);
}

#endif /* _GOSYNC_TEST_H */
