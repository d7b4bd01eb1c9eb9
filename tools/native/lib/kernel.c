// SPDX-License-Identifier: GPL-2.0
/*
 * printk, WARN and BUG; strscpy(), written from its documented behaviour
 * (the debugfs parsers depend on it exactly: the fuzzers run them here).
 * The kernel's own number, string and seq_buf code is in lib/ksrc.c.
 */
#include <execinfo.h>
#include <unistd.h>

#include <shim/all.h>
#include <shim/native.h>

static bool shim_quiet;
static unsigned long shim_nr_warnings;
static unsigned long shim_expected_warnings;

void native_quiet(bool quiet)
{
	__atomic_store_n(&shim_quiet, quiet, __ATOMIC_RELAXED);
}

unsigned long native_warnings(void)
{
	return __atomic_load_n(&shim_nr_warnings, __ATOMIC_SEQ_CST);
}

unsigned long native_expect_warnings(unsigned long n)
{
	return __atomic_exchange_n(&shim_expected_warnings, n, __ATOMIC_SEQ_CST);
}

int test_taint(unsigned int flag)
{
	return flag == TAINT_WARN && native_warnings();
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
	unsigned long left = __atomic_load_n(&shim_expected_warnings,
					     __ATOMIC_SEQ_CST);

	while (left && !__atomic_compare_exchange_n(&shim_expected_warnings,
						    &left, left - 1, false,
						    __ATOMIC_SEQ_CST,
						    __ATOMIC_SEQ_CST))
		;
	if (left) {
		fprintf(stderr, "expected WARN (the test provoked it) at %s:%d: %s\n",
			file, line, cond);
		return;
	}
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

/* ---- strings: lib/string.c's strscpy() without word-at-a-time ---- */
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

/* Never called here: lib/seq_buf.c's seq_file and path output. */
int seq_write(struct seq_file *m, const void *data, size_t len)
{
	BUG();
}

/* Never called here: the face's show functions, with no debugfs. */
void seq_printf(struct seq_file *m, const char *fmt, ...)
{
	BUG();
}

char *d_path(const struct path *path, char *buf, int buflen)
{
	BUG();
}

char *mangle_path(char *s, const char *p, const char *esc)
{
	BUG();
}

unsigned long *bitmap_zalloc(unsigned int bits, gfp_t gfp)
{
	return kcalloc(BITS_TO_LONGS(bits), sizeof(long), gfp);
}

void bitmap_free(const unsigned long *a)
{
	kfree(a);
}
