// SPDX-License-Identifier: GPL-2.0
/*
 * Command-line parsing for gosync's debugfs files; grammar in parse.h.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/seq_buf.h>
#include <linux/string.h>

#include "internal.h"
#include "parse.h"
#include "test.h"

/**
 * gosync_report() - explain a rejected command
 * @out: the command file's output, or NULL
 * @who: the component that rejects it, used as a prefix
 * @fmt: printf-style message, without a trailing newline
 *
 * The message goes to the kernel log (rate limited) and, prefixed with
 * "error: ", to @out so that a test can read it back.
 *
 * Context: any context.
 */
void gosync_report(struct seq_buf *out, const char *who, const char *fmt, ...)
{
	char msg[128];
	va_list args;

	va_start(args, fmt);
	vsnprintf(msg, sizeof(msg), fmt, args);
	va_end(args);
	pr_warn_ratelimited("%s: %s\n", who, msg);
	if (out)
		seq_buf_printf(out, "error: %s\n", msg);
}

/**
 * gosync_parse_line() - check a raw command and drop its newline
 * @buf: @len bytes followed by a NUL
 * @len: number of bytes written by the user
 * @out: where to explain a rejection, or NULL
 * @who: log prefix
 *
 * Accepts printable ASCII, blanks and one trailing newline.
 *
 * Context: any context.
 * Return: 0, or -EINVAL for an empty line, a NUL byte, another control
 * character or a byte above 0x7e.
 */
int gosync_parse_line(char *buf, size_t len, struct seq_buf *out,
		      const char *who)
{
	size_t i;

	if (len && buf[len - 1] == '\n')
		buf[--len] = '\0';
	for (i = 0; i < len; i++) {
		unsigned char c = buf[i];

		if (c == ' ' || c == '\t' || (c >= 0x21 && c <= 0x7e))
			continue;
		gosync_report(out, who, "byte 0x%02x at offset %zu is not printable ASCII",
			      c, i);
		return -EINVAL;
	}
	for (i = 0; i < len; i++)
		if (buf[i] != ' ' && buf[i] != '\t')
			return 0;
	gosync_report(out, who, "empty command");
	return -EINVAL;
}
EXPORT_SYMBOL_GOSYNC_TEST(gosync_parse_line);

/**
 * gosync_next_token() - split the next blank-separated token off a line
 * @line: cursor into a writable string; advanced past the token
 *
 * Context: any context.
 * Return: the NUL-terminated token, or NULL at the end of the line.
 */
char *gosync_next_token(char **line)
{
	char *s = *line, *tok;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s) {
		*line = s;
		return NULL;
	}
	tok = s;
	while (*s && *s != ' ' && *s != '\t')
		s++;
	if (*s)
		*s++ = '\0';
	*line = s;
	return tok;
}
EXPORT_SYMBOL_GOSYNC_TEST(gosync_next_token);

/**
 * gosync_parse_verb() - the entry of a command's verb in a table
 * @line: the command line; advanced past the verb
 * @verbs: @nr entries of @size bytes, each a struct whose first member is
 *	its name (const char *)
 * @nr: entries in @verbs
 * @size: bytes of one entry
 * @out: where a rejection is reported
 * @who: its prefix
 *
 * Context: any; does not sleep.
 * Return: the entry whose name is the first token of *@line, or NULL
 * (reported as "unknown verb") if none is.
 */
const void *gosync_parse_verb(char **line, const void *verbs, size_t nr,
			      size_t size, struct seq_buf *out,
			      const char *who)
{
	char *verb = gosync_next_token(line);
	const char *entry = verbs;
	size_t i;

	for (i = 0; verb && i < nr; i++, entry += size) {
		if (!strcmp(verb, *(const char *const *)entry))
			return entry;
	}
	gosync_report(out, who, "unknown verb '%.32s'", verb ? verb : "");
	return NULL;
}

/* An enum's words, "a|b|c", in @buf. */
static const char *gosync_param_words(const struct gosync_param *p,
				      char *buf, size_t size)
{
	size_t len = 0;
	unsigned int i;
	int n;

	buf[0] = '\0';
	for (i = 0; i <= p->max; i++) {
		n = snprintf(buf + len, size - len, "%s%s", i ? "|" : "",
			     p->names[i]);
		if (n < 0 || n >= size - len)
			break;
		len += n;
	}
	return buf;
}

static int gosync_parse_value(const struct gosync_param *p, void *dst,
			      const char *val, struct seq_buf *out,
				const char *who)
{
	u64 v, max = p->cpus ? num_online_cpus() : p->max;
	char words[96];
	int i;

	if (p->type == GOSYNC_PARAM_ENUM) {
		i = match_string(p->names, p->max + 1, val);
		if (i < 0) {
			gosync_report(out, who, "unknown %s '%.32s' (%s)", p->key,
				      val, gosync_param_words(p, words,
								sizeof(words)));
			return -EINVAL;
		}
		*(u32 *)dst = i;
		return 0;
	}
	if (p->type == GOSYNC_PARAM_STR) {
		if (!*val) {
			gosync_report(out, who, "'%s' needs a value", p->key);
			return -EINVAL;
		}
		if (strscpy(dst, val, p->size) < 0) {
			gosync_report(out, who, "'%s' is longer than %zu bytes",
				      p->key, p->size - 1);
			return -ENAMETOOLONG;
		}
		return 0;
	}

	if (kstrtou64(val, 0, &v)) {
		gosync_report(out, who, "'%s=%.32s' is not an unsigned number",
			      p->key, val);
		return -EINVAL;
	}
	if (v < p->min || v > max) {
		gosync_report(out, who, "'%s=%llu' is outside [%llu, %llu]",
			      p->key, v, p->min, max);
		return -ERANGE;
	}
	if (p->type == GOSYNC_PARAM_U32)
		*(u32 *)dst = v;
	else
		*(u64 *)dst = v;
	return 0;
}

/* gosync_parse_params(), into the struct at @base for GOSYNC_ARG_*(). */
static int gosync_parse_into(char *line, const struct gosync_param *params,
			     unsigned int nr, void *base,
				 struct seq_buf *out, const char *who)
{
	u32 seen = 0;
	unsigned int i;
	char *tok;
	int ret;

	if (WARN_ON_ONCE(nr > GOSYNC_PARAMS_MAX))
		return -EINVAL;

	while ((tok = gosync_next_token(&line))) {
		char *eq = strchr(tok, '=');

		if (!eq || eq == tok) {
			gosync_report(out, who, "'%.32s' is not key=value", tok);
			return -EINVAL;
		}
		*eq = '\0';
		for (i = 0; i < nr; i++)
			if (!strcmp(tok, params[i].key))
				break;
		if (i == nr) {
			gosync_report(out, who, "unknown key '%.32s'", tok);
			return -EINVAL;
		}
		if (seen & BIT(i)) {
			gosync_report(out, who, "key '%s' given twice", tok);
			return -EINVAL;
		}
		seen |= BIT(i);
		ret = gosync_parse_value(&params[i], params[i].dst ? :
					   (char *)base + params[i].off,
					   eq + 1, out, who);
		if (ret)
			return ret;
	}

	for (i = 0; i < nr; i++) {
		if (params[i].required && !(seen & BIT(i))) {
			gosync_report(out, who, "missing key '%s'", params[i].key);
			return -EINVAL;
		}
	}
	return 0;
}

/**
 * gosync_parse_params() - parse the key=value tokens of a command
 * @line: rest of the line after any verb; modified in place
 * @params: the keys this command accepts
 * @nr: number of entries in @params, at most GOSYNC_PARAMS_MAX
 * @out: where to explain a rejection, or NULL
 * @who: log prefix
 *
 * Values of keys that appear are stored as they are parsed, so on error
 * the destinations may be partly written: parse into scratch variables.
 *
 * Context: any context.
 * Return: 0, -EINVAL (malformed token, unknown, duplicate or missing key,
 * not a number), -ERANGE (number out of bounds) or -ENAMETOOLONG (word too
 * long for its buffer).
 */
int gosync_parse_params(char *line, const struct gosync_param *params,
			unsigned int nr, struct seq_buf *out, const char *who)
{
	return gosync_parse_into(line, params, nr, NULL, out, who);
}
EXPORT_SYMBOL_GOSYNC_TEST(gosync_parse_params);

/**
 * gosync_args_parse() - parse a command's arguments into their struct
 * @spec: the command's keys, defaults and checks
 * @line: the command line, checked by gosync_parse_line(); modified
 * @a: the struct, @spec->size bytes; set to the defaults, then filled
 * @out: where to explain a rejection
 * @who: prefix of messages about rejected commands
 *
 * Context: any context.
 * Return: 0, the parser's negative errno (see parse.h; -EINVAL for a word
 * not in an enum's list) or @spec->check()'s.
 */
int gosync_args_parse(const struct gosync_args *spec, char *line, void *a,
		      struct seq_buf *out, const char *who)
{
	int ret;

	if (spec->defaults)
		memcpy(a, spec->defaults, spec->size);
	else
		memset(a, 0, spec->size);
	ret = gosync_parse_into(line, spec->params, spec->nr, a, out, who);
	if (!ret && spec->check)
		ret = spec->check(a, out, who);
	return ret;
}

/**
 * gosync_param_select() - the keys one verb of a command file accepts
 * @dst: receives the selected keys, room for as many as @all has
 * @all: every key of the command file, indexed by the file's key number
 * @nr: entries in @all, at most BITS_PER_LONG
 * @takes: BIT(i) for each key i of @all that the verb accepts
 * @needs: BIT(i) for each key i of @all that the verb requires
 *
 * Copies the entries of @all whose bit is set in @takes to @dst, in the
 * order of @all, each marked required if its bit is set in @needs too: the
 * table gosync_parse_params() then parses the rest of the line against.
 *
 * Context: any context.
 * Return: the number of entries written to @dst.
 */
unsigned int gosync_param_select(struct gosync_param *dst,
				 const struct gosync_param *all,
				 unsigned int nr, unsigned long takes,
				 unsigned long needs)
{
	unsigned int i, n = 0;

	for (i = 0; i < nr; i++) {
		if (!(takes & BIT(i)))
			continue;
		dst[n] = all[i];
		dst[n].required = needs & BIT(i);
		n++;
	}
	return n;
}

/**
 * gosync_parse_name_ok() - is a word a valid name for a test object?
 * @s: the word, NUL terminated
 *
 * The names the command files give the objects they create: one or more
 * of the letters, digits, '_' and '-'.
 *
 * Context: any context.
 * Return: true if @s is such a name.
 */
bool gosync_parse_name_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
			return false;
	}
	return true;
}
