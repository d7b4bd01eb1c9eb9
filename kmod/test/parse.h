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
 * @GOSYNC_PARAM_ENUM: one of a list of words, stored as its index (u32)
 */
enum gosync_param_type {
	GOSYNC_PARAM_U32,
	GOSYNC_PARAM_U64,
	GOSYNC_PARAM_STR,
	GOSYNC_PARAM_ENUM,
};

/**
 * struct gosync_param - one key a command accepts
 * @key: the key, without '='
 * @type: how the value is parsed and stored
 * @off: where the value goes in a struct gosync_args, if @dst is NULL
 * @required: the command fails with -EINVAL if the key is absent
 * @cpus: the largest accepted number is num_online_cpus() (threads=)
 * @min: smallest accepted number (numbers only)
 * @max: largest accepted number (numbers only); for an enum, the index
 *	of its last word
 * @size: size of the buffer at @dst, including the NUL (strings only)
 * @names: the words of an enum
 * @dst: where the value goes; untouched if the key is absent
 *
 * Commands build tables of these on the stack: keep it small.
 */
struct gosync_param {
	const char *key;
	enum gosync_param_type type;
	u32 off;
	bool required;
	bool cpus;
	u64 min;
	u64 max;
	union {
		size_t size;
		const char *const *names;
	};
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
#define GOSYNC_PARAM_ENUM(k, ptr, words, nr)				\
	{ .key = (k), .type = GOSYNC_PARAM_ENUM, .names = (words),	\
	  .max = (nr) - 1, .dst = (ptr) }

/*
 * The same for a member of the struct a struct gosync_args fills: @t the
 * struct's type, @m the member.
 */
#define GOSYNC_ARG_U32(k, t, m, lo, hi, req)				\
	{ .key = (k), .type = GOSYNC_PARAM_U32, .required = (req),	\
	  .min = (lo), .max = (hi), .off = offsetof(t, m) }
#define GOSYNC_ARG_U64(k, t, m, lo, hi, req)				\
	{ .key = (k), .type = GOSYNC_PARAM_U64, .required = (req),	\
	  .min = (lo), .max = (hi), .off = offsetof(t, m) }
#define GOSYNC_ARG_CPUS(k, t, m)					\
	{ .key = (k), .type = GOSYNC_PARAM_U32, .cpus = true, .min = 1,	\
	  .off = offsetof(t, m) }
#define GOSYNC_ARG_STR(k, t, m, len, req)				\
	{ .key = (k), .type = GOSYNC_PARAM_STR, .required = (req),	\
	  .size = (len), .off = offsetof(t, m) }
#define GOSYNC_ARG_ENUM(k, t, m, words, nr)				\
	{ .key = (k), .type = GOSYNC_PARAM_ENUM, .names = (words),	\
	  .max = (nr) - 1, .off = offsetof(t, m) }

/**
 * struct gosync_args - the arguments of a command file, as data
 * @params: its keys, each a GOSYNC_ARG_*() of a member of the struct
 * @nr: entries in @params
 * @size: size of the struct
 * @defaults: what the struct holds before parsing; NULL for zeros
 * @check: checks between arguments after parsing (e.g. tier <= threads),
 *	explained to @out as any rejection; returns 0 or a negative errno;
 *	may be NULL
 *
 * gosync_args_parse() fills the struct; the fuzzers (tools/native/fuzz)
 * run the same table, and check every accepted value against its bounds.
 */
struct gosync_args {
	const struct gosync_param *params;
	unsigned int nr;
	size_t size;
	const void *defaults;
	int (*check)(void *a, struct seq_buf *out, const char *who);
};

/* A struct gosync_args of table @p, filling a @t from @d, with @chk. */
#define GOSYNC_ARGS(p, t, d, chk)					\
	{ .params = (p), .nr = sizeof(p) / sizeof((p)[0]), .size = sizeof(t), \
	  .defaults = (d), .check = (chk) }

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
int gosync_args_parse(const struct gosync_args *spec, char *line, void *a,
		      struct seq_buf *out, const char *who);

#endif /* _GOSYNC_PARSE_H */
