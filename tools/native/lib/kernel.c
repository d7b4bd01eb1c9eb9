// SPDX-License-Identifier: GPL-2.0
/*
 * printk, WARN and BUG; the string and number helpers of lib/kstrtox.c,
 * lib/hexdump.c, lib/string.c and lib/seq_buf.c, written from their
 * documented behaviour (the debugfs parsers depend on it exactly: the
 * fuzzers run them here).
 */
#include <ctype.h>
#include <execinfo.h>
#include <unistd.h>

#include <shim/all.h>
#include <shim/native.h>

static bool shim_quiet;
static unsigned long shim_nr_warnings;

void native_quiet(bool quiet)
{
	__atomic_store_n(&shim_quiet, quiet, __ATOMIC_RELAXED);
}

unsigned long native_warnings(void)
{
	return __atomic_load_n(&shim_nr_warnings, __ATOMIC_SEQ_CST);
}

void shim_printk(int level, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (fmt[0] == '\001' && fmt[1]) {
		level = fmt[1] - '0';
		fmt += 2;
	}
	if (__atomic_load_n(&shim_quiet, __ATOMIC_RELAXED) && level > 2)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(stderr, "<%d>%s", level, buf);
}

void __sanitizer_print_stack_trace(void) __attribute__((weak));

static void shim_backtrace(void)
{
	void *frames[32];
	int n;

	if (__sanitizer_print_stack_trace) {
		__sanitizer_print_stack_trace();
		return;
	}
	n = backtrace(frames, ARRAY_SIZE(frames));
	backtrace_symbols_fd(frames, n, STDERR_FILENO);
}

void shim_warn(const char *file, int line, const char *cond)
{
	__atomic_add_fetch(&shim_nr_warnings, 1, __ATOMIC_SEQ_CST);
	fprintf(stderr, "------------[ cut here ]------------\n"
		"WARNING: at %s:%d: %s (thread %u, cpu slot %d, atomic %d, rcu %d)\n",
		file, line, cond, shim_ctx_id(), shim_ctx.cpu, shim_ctx.atomic,
		shim_ctx.rcu);
	shim_backtrace();
	fprintf(stderr, "---[ end trace ]---\n");
}

void shim_bug(const char *file, int line, const char *cond)
{
	fprintf(stderr, "kernel BUG at %s:%d: %s\n", file, line, cond);
	shim_backtrace();
	abort();
}

/* ---- strings -------------------------------------------------------- */
char *skip_spaces(const char *s)
{
	while (isspace_shim((unsigned char)*s))
		s++;
	return (char *)s;
}

void *memchr_inv(const void *start, int c, size_t bytes)
{
	const u8 *p = start, *end = p + bytes;

	for (; p < end; p++) {
		if (*p != (u8)c)
			return (void *)p;
	}
	return NULL;
}

char *strim(char *s)
{
	size_t n = strlen(s);

	while (n && isspace_shim((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return skip_spaces(s);
}

ssize_t strscpy(char *dst, const char *src, size_t size)
{
	size_t n;

	if (!size)
		return -E2BIG;
	n = strnlen(src, size);
	if (n == size) {
		memcpy(dst, src, size - 1);
		dst[size - 1] = '\0';
		return -E2BIG;
	}
	memcpy(dst, src, n + 1);
	return n;
}

/* ---- numbers: lib/kstrtox.c's grammar ------------------------------- */
static const char *parse_radix(const char *s, unsigned int *base)
{
	if (*base == 0) {
		if (s[0] == '0') {
			if ((s[1] | 0x20) == 'x' && isxdigit((unsigned char)s[2]))
				*base = 16;
			else
				*base = 8;
		} else {
			*base = 10;
		}
	}
	if (*base == 16 && s[0] == '0' && (s[1] | 0x20) == 'x')
		s += 2;
	return s;
}

/* Digits consumed; *overflow set if the value does not fit. */
static unsigned int parse_digits(const char *s, unsigned int base,
				 unsigned long long *res, bool *overflow)
{
	unsigned long long r = 0;
	unsigned int n = 0;

	*overflow = false;
	for (;; s++, n++) {
		unsigned int c = (unsigned char)*s, lc = c | 0x20, v;

		if (c >= '0' && c <= '9')
			v = c - '0';
		else if (lc >= 'a' && lc <= 'f')
			v = lc - 'a' + 10;
		else
			break;
		if (v >= base)
			break;
		if (r & (~0ULL << 60)) {
			if (r > (ULLONG_MAX - v) / base)
				*overflow = true;
		}
		r = r * base + v;
	}
	*res = r;
	return n;
}

static int kstrtoull_unsigned(const char *s, unsigned int base,
			      unsigned long long *res)
{
	unsigned long long r;
	bool overflow;
	unsigned int n;

	s = parse_radix(s, &base);
	n = parse_digits(s, base, &r, &overflow);
	if (overflow)
		return -ERANGE;
	if (!n)
		return -EINVAL;
	s += n;
	if (*s == '\n')
		s++;
	if (*s)
		return -EINVAL;
	*res = r;
	return 0;
}

int kstrtoull(const char *s, unsigned int base, unsigned long long *res)
{
	if (s[0] == '+')
		s++;
	return kstrtoull_unsigned(s, base, res);
}

int kstrtoll(const char *s, unsigned int base, long long *res)
{
	unsigned long long t;
	int ret;

	if (s[0] == '-') {
		ret = kstrtoull_unsigned(s + 1, base, &t);
		if (ret)
			return ret;
		if ((long long)-t > 0)
			return -ERANGE;
		*res = -t;
		return 0;
	}
	ret = kstrtoull(s, base, &t);
	if (ret)
		return ret;
	if ((long long)t < 0)
		return -ERANGE;
	*res = t;
	return 0;
}

int kstrtouint(const char *s, unsigned int base, unsigned int *res)
{
	unsigned long long t;
	int ret = kstrtoull(s, base, &t);

	if (ret)
		return ret;
	if (t != (unsigned int)t)
		return -ERANGE;
	*res = t;
	return 0;
}

int kstrtoint(const char *s, unsigned int base, int *res)
{
	long long t;
	int ret = kstrtoll(s, base, &t);

	if (ret)
		return ret;
	if (t != (int)t)
		return -ERANGE;
	*res = t;
	return 0;
}

int kstrtobool(const char *s, bool *res)
{
	if (!s)
		return -EINVAL;
	switch (s[0]) {
	case 'y': case 'Y': case 't': case 'T': case '1':
		*res = true;
		return 0;
	case 'n': case 'N': case 'f': case 'F': case '0':
		*res = false;
		return 0;
	case 'o': case 'O':
		if ((s[1] | 0x20) == 'n') {
			*res = true;
			return 0;
		}
		if ((s[1] | 0x20) == 'f') {
			*res = false;
			return 0;
		}
		break;
	}
	return -EINVAL;
}

int hex_to_bin(unsigned char ch)
{
	unsigned char lc = ch | 0x20;

	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (lc >= 'a' && lc <= 'f')
		return lc - 'a' + 10;
	return -1;
}

int hex2bin(u8 *dst, const char *src, size_t count)
{
	while (count--) {
		int hi = hex_to_bin(*src++);
		int lo;

		if (hi < 0)
			return -EINVAL;
		lo = hex_to_bin(*src++);
		if (lo < 0)
			return -EINVAL;
		*dst++ = (hi << 4) | lo;
	}
	return 0;
}

char *bin2hex(char *dst, const void *src, size_t count)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *p = src;

	while (count--) {
		*dst++ = digits[*p >> 4];
		*dst++ = digits[*p++ & 15];
	}
	return dst;
}

/* ---- seq_buf: lib/seq_buf.c's contract ------------------------------ */
static void seq_buf_set_overflow(struct seq_buf *s)
{
	s->len = s->size + 1;
}

int seq_buf_vprintf(struct seq_buf *s, const char *fmt, va_list ap)
{
	int len;

	WARN_ON(s->size == 0);
	if (s->len < s->size) {
		len = vsnprintf(s->buffer + s->len, s->size - s->len, fmt, ap);
		if (len >= 0 && s->len + len < s->size) {
			s->len += len;
			return 0;
		}
	}
	seq_buf_set_overflow(s);
	return -1;
}

int seq_buf_printf(struct seq_buf *s, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = seq_buf_vprintf(s, fmt, ap);
	va_end(ap);
	return ret;
}

int seq_buf_puts(struct seq_buf *s, const char *str)
{
	size_t len = strlen(str) + 1;

	WARN_ON(s->size == 0);
	if (s->len + len <= s->size) {
		memcpy(s->buffer + s->len, str, len);
		s->len += len - 1;
		return 0;
	}
	seq_buf_set_overflow(s);
	return -1;
}

int seq_buf_putc(struct seq_buf *s, unsigned char c)
{
	WARN_ON(s->size == 0);
	if (s->len + 1 <= s->size) {
		s->buffer[s->len++] = c;
		return 0;
	}
	seq_buf_set_overflow(s);
	return -1;
}

unsigned long *bitmap_zalloc(unsigned int bits, gfp_t gfp)
{
	return kcalloc(BITS_TO_LONGS(bits), sizeof(long), gfp);
}

void bitmap_free(const unsigned long *a)
{
	kfree(a);
}
