/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the fuzz targets share: one write(2) to a command file, done the
 * way kmod/test/cmdfile.c's gosync_cmd_write() does it, and the checks every
 * command file's output must pass.
 *
 * gosync_cmd_write() refuses more than GOSYNC_CMD_MAX_LEN bytes (-E2BIG,
 * before any parsing), copies the bytes into a buffer of count + 1 with a
 * NUL (memdup_user_nul()), runs gosync_parse_line(buf, count) and then the
 * file's exec() on the same buffer, with the output a seq_buf over the
 * file's GOSYNC_CMD_OUT_SIZE bytes. cmdfile.c itself is kernel-only
 * (debugfs, uaccess), so fuzz_write() repeats those few steps; the parsing
 * and the exec() are the module's own code.
 *
 * The contract checked on every command (cmdfile.h, parse.h): the result
 * is 0 or a negative errno from the file's documented list; the output
 * never overflows, holds only printable ASCII and newlines, ends with a
 * newline and with the NUL vsnprintf() leaves; a rejected command leaves
 * "error: <why>" as its output; and no WARN fires.
 */
#ifndef _GOSYNC_FUZZ_H
#define _GOSYNC_FUZZ_H

#include <linux/errno.h>
#include <linux/seq_buf.h>
#include <linux/string.h>
#include <linux/types.h>
#include <shim/native.h>

#include "cmdfile.h"
#include "parse.h"
#include "test.h"

#define FUZZ_CHECK(c)							\
	do {								\
		if (!(c)) {						\
			fprintf(stderr, "%s:%d: check failed: %s\n",	\
				__FILE__, __LINE__, #c);		\
			abort();					\
		}							\
	} while (0)

/*
 * libFuzzer's entry points, LLVMFuzzerInitialize() and
 * LLVMFuzzerTestOneInput(), under names checkpatch takes (it flags their
 * CamelCase). Each target defines both.
 */
int fuzz_initialize(int *argc, char ***argv) __asm__("LLVMFuzzerInitialize");
int fuzz_one_input(const u8 *data, size_t size) __asm__("LLVMFuzzerTestOneInput");

/* The output of the last fuzz_write(), as a read(2) of the file returns it. */
static char *fuzz_out;
static size_t fuzz_out_len;
/* FUZZ_ECHO=1 in the environment: print each command, result and output. */
static bool fuzz_echo;

/* Call once, from LLVMFuzzerInitialize(): "insmod", quietly. */
static void fuzz_init(void)
{
	fuzz_echo = getenv("FUZZ_ECHO");
	native_quiet(!fuzz_echo);
	native_init();
	/* Exactly the file's size, so that ASan sees a write past it. */
	fuzz_out = malloc(GOSYNC_CMD_OUT_SIZE);
	FUZZ_CHECK(fuzz_out);
}

static bool fuzz_errno_in(int ret, const int *ok, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++)
		if (ret == ok[i])
			return true;
	return false;
}

/*
 * Check the output of one command. @quiet_ok: a successful command may
 * print nothing (the parse-only targets: parsing prints only errors).
 */
static void fuzz_check_output(struct seq_buf *out, int ret, bool quiet_ok)
{
	size_t used = seq_buf_used(out), i;

	FUZZ_CHECK(!seq_buf_has_overflowed(out));
	FUZZ_CHECK(used < GOSYNC_CMD_OUT_SIZE);
	if (!used) {
		FUZZ_CHECK(!ret && quiet_ok);
		return;
	}
	FUZZ_CHECK(fuzz_out[used] == '\0');
	FUZZ_CHECK(fuzz_out[used - 1] == '\n');
	for (i = 0; i < used; i++) {
		unsigned char c = fuzz_out[i];

		FUZZ_CHECK(c == '\n' || (c >= 0x20 && c <= 0x7e));
	}
	if (ret) {
		FUZZ_CHECK(!strncmp(fuzz_out, "error: ", 7));
		/* One rejection, one line. */
		FUZZ_CHECK(memchr(fuzz_out, '\n', used) == fuzz_out + used - 1);
	} else {
		FUZZ_CHECK(strncmp(fuzz_out, "error: ", 7));
		FUZZ_CHECK(!strstr(fuzz_out, "\nerror: "));
	}
}

/*
 * One write(2) of @data[0 .. @len) to a command file whose exec() is
 * @exec and whose messages are prefixed @who; returns what write(2) would
 * (0 for the count), the output in fuzz_out / fuzz_out_len.
 */
static int fuzz_write(const u8 *data, size_t len,
		      int (*exec)(char *line, struct seq_buf *out),
		      const char *who, const int *ok, size_t nr_ok,
		      bool quiet_ok)
{
	unsigned long warnings = native_warnings();
	struct seq_buf out;
	char *buf;
	int ret;

	if (fuzz_echo)
		fprintf(stderr, "> %.*s%s", (int)len, data,
			len && data[len - 1] == '\n' ? "" : "\n");
	if (len > GOSYNC_CMD_MAX_LEN)
		return -E2BIG;		/* output untouched, as in the kernel */
	buf = malloc(len + 1);
	FUZZ_CHECK(buf);
	memcpy(buf, data, len);
	buf[len] = '\0';

	seq_buf_init(&out, fuzz_out, GOSYNC_CMD_OUT_SIZE);
	ret = gosync_parse_line(buf, len, &out, who);
	if (!ret)
		ret = exec(buf, &out);
	free(buf);

	if (ret && !fuzz_errno_in(ret, ok, nr_ok)) {
		fprintf(stderr, "unexpected result %d, output:\n%.*s\n", ret,
			(int)seq_buf_used(&out), fuzz_out);
		FUZZ_CHECK(!"result outside the documented errnos");
	}
	if (fuzz_echo)
		fprintf(stderr, "= %d\n%.*s", ret, (int)seq_buf_used(&out),
			fuzz_out);
	fuzz_check_output(&out, ret, quiet_ok);
	FUZZ_CHECK(native_warnings() == warnings);
	fuzz_out_len = seq_buf_used(&out);
	return ret;
}

/**
 * struct fuzz_cap - a number a fuzzed line may not ask for
 * @key: "key=" as the line spells it
 * @max: the largest value the fuzzer lets through
 * @parse_max: the largest the parser accepts (a larger one is rejected,
 *	cheaply, and so still goes through)
 */
struct fuzz_cap {
	const char *key;
	u64 max;
	u64 parse_max;
};

/**
 * struct fuzz_cmd_target - a command file fed line by line
 * @exec: the file's exec()
 * @who: its message prefix
 * @errnos: the negative errnos its commands may return
 * @nr_errnos: how many
 * @caps: lines asking for more than a cap allows are skipped (too costly)
 * @nr_caps: how many
 * @slow_verbs: verbs of slow lines (they wait for RCU, say)
 * @nr_slow_verbs: how many
 * @slow_lines: of which only the first this many in a session run
 */
struct fuzz_cmd_target {
	int (*exec)(char *line, struct seq_buf *out);
	const char *who;
	const int *errnos;
	size_t nr_errnos;
	const struct fuzz_cap *caps;
	size_t nr_caps;
	const char *const *slow_verbs;
	size_t nr_slow_verbs;
	unsigned int slow_lines;
};

/* fuzz_cmd() - fuzz_write() of the string @cmd to @t. */
static inline int fuzz_cmd(const struct fuzz_cmd_target *t, const char *cmd)
{
	return fuzz_write((const u8 *)cmd, strlen(cmd), t->exec, t->who,
			  t->errnos, t->nr_errnos, false);
}

/* Does the line @data[0 .. @len) ask for more than one of @t's caps? */
static inline bool fuzz_too_costly(const struct fuzz_cmd_target *t,
				   const u8 *data, size_t len)
{
	char tok[GOSYNC_CMD_MAX_LEN + 1];
	size_t i, j, k;
	u64 v;

	for (i = 0; i < len; i = j + 1) {
		for (j = i; j < len && data[j] != ' ' && data[j] != '\t' &&
		     data[j] != '\n'; j++)
			;
		if (j - i >= sizeof(tok))
			continue;
		memcpy(tok, data + i, j - i);
		tok[j - i] = '\0';
		for (k = 0; k < t->nr_caps; k++) {
			const struct fuzz_cap *c = &t->caps[k];
			size_t n = strlen(c->key);

			if (!strncmp(tok, c->key, n) &&
			    !kstrtou64(tok + n, 0, &v) &&
			    v > c->max && v <= c->parse_max)
				return true;
		}
	}
	return false;
}

/* Is the line @data[0 .. @len) one of @t's slow verbs? */
static inline bool fuzz_slow_verb(const struct fuzz_cmd_target *t,
				  const u8 *data, size_t len)
{
	size_t i = 0, k, n;

	while (i < len && (data[i] == ' ' || data[i] == '\t'))
		i++;
	for (k = 0; k < t->nr_slow_verbs; k++) {
		n = strlen(t->slow_verbs[k]);
		if (len - i >= n && !memcmp(data + i, t->slow_verbs[k], n) &&
		    (len - i == n || data[i + n] == ' ' || data[i + n] == '\t' ||
		     data[i + n] == '\n'))
			return true;
	}
	return false;
}

/*
 * fuzz_cmd_lines() - one fuzz input as a session on @t: each line (with
 * its newline, as echo(1) writes it) one write(2), at most @max_lines of
 * them, skipping the too costly ones and the slow ones past @t's quota.
 */
static inline void fuzz_cmd_lines(const struct fuzz_cmd_target *t,
				  const u8 *data, size_t size,
				  unsigned int max_lines)
{
	unsigned int lines = 0, slow = 0;
	size_t i, end;

	for (i = 0; i < size && lines < max_lines; i = end, lines++) {
		const u8 *nl = memchr(data + i, '\n', size - i);

		end = nl ? (size_t)(nl - data) + 1 : size;
		if (fuzz_too_costly(t, data + i, end - i))
			continue;
		if (fuzz_slow_verb(t, data + i, end - i) &&
		    slow++ >= t->slow_lines)
			continue;
		fuzz_write(data + i, end - i, t->exec, t->who, t->errnos,
			   t->nr_errnos, false);
	}
}

#endif /* _GOSYNC_FUZZ_H */
