/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parsing of the one-line commands that gosync's debugfs files accept.
 *
 * Grammar shared by every command file:
 *
 *	line   := [verb] { key "=" value }   (tokens separated by blanks)
 *	value  := number | word
 *	number := decimal | "0x" hex          (kstrtou64 base 0)
 *
 * A line is at most a few hundred bytes of printable ASCII, written in one
 * write(2); one trailing newline is ignored. Errors are negative errnos,
 * and each comes with a one-line message in the kernel log and in the
 * file's output: -EINVAL for malformed input (unknown key, duplicate key,
 * missing '=', missing required key, non-numeric number, binary bytes),
 * -ERANGE for a number outside its bounds, -ENAMETOOLONG for a word longer
 * than its buffer.
 *
 * This code has no kernel-only dependencies beyond string helpers and
 * kstrtou64, so the userspace build can fuzz it unchanged.
 */
#ifndef _GOSYNC_PARSE_H
#define _GOSYNC_PARSE_H

#include <linux/types.h>

struct seq_buf;

/**
 * enum gosync_param_type - how a value is parsed
 * @GOSYNC_PARAM_U32: unsigned number stored in a u32
 * @GOSYNC_PARAM_U64: unsigned number stored in a u64
 * @GOSYNC_PARAM_STR: word copied into a char buffer, NUL terminated
 */
enum gosync_param_type {
	GOSYNC_PARAM_U32,
	GOSYNC_PARAM_U64,
	GOSYNC_PARAM_STR,
};

/**
 * struct gosync_param - one key a command accepts
 * @key: the key, without '='
 * @type: how the value is parsed and stored
 * @required: the command fails with -EINVAL if the key is absent
 * @min: smallest accepted number (numbers only)
 * @max: largest accepted number (numbers only)
 * @size: size of the buffer at @dst, including the NUL (strings only)
 * @dst: where the value goes; untouched if the key is absent
 */
struct gosync_param {
	const char *key;
	enum gosync_param_type type;
	bool required;
	u64 min;
	u64 max;
	size_t size;
	void *dst;
};

#define GOSYNC_PARAM_U32(k, ptr, lo, hi, req)				\
	{ .key = (k), .type = GOSYNC_PARAM_U32, .required = (req),	\
	  .min = (lo), .max = (hi), .dst = (ptr) }
#define GOSYNC_PARAM_U64(k, ptr, lo, hi, req)				\
	{ .key = (k), .type = GOSYNC_PARAM_U64, .required = (req),	\
	  .min = (lo), .max = (hi), .dst = (ptr) }
#define GOSYNC_PARAM_STR(k, buf, req)					\
	{ .key = (k), .type = GOSYNC_PARAM_STR, .required = (req),	\
	  .size = sizeof(buf), .dst = (buf) }

/* The most keys one command may declare. */
#define GOSYNC_PARAMS_MAX	32

__printf(3, 4)
void gosync_report(struct seq_buf *out, const char *who, const char *fmt, ...);
int gosync_parse_line(char *buf, size_t len, struct seq_buf *out,
		      const char *who);
char *gosync_next_token(char **line);
int gosync_parse_params(char *line, const struct gosync_param *params,
			unsigned int nr, struct seq_buf *out, const char *who);
const void *gosync_parse_verb(char **line, const void *verbs, size_t nr,
			      size_t size, struct seq_buf *out,
			      const char *who);
unsigned int gosync_param_select(struct gosync_param *dst,
				 const struct gosync_param *all,
				 unsigned int nr, unsigned long takes,
				 unsigned long needs);
bool gosync_parse_name_ok(const char *s);

#endif /* _GOSYNC_PARSE_H */
