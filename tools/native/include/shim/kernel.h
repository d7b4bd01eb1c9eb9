/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The userspace shim of the kernel APIs gosync's library code uses: base
 * types, compiler attributes, the common macros, printk and WARN, strings
 * and numbers. Every <linux/...> header the native build sees includes
 * <shim/all.h>, which includes this and the other shim headers.
 *
 * What needs no model is the kernel's own: the headers below named
 * <ksrc/...> are read as they are from the linux-source package at build
 * time (tools/native/Makefile links build/native/include/ksrc to the tree
 * tools/linux-src.sh extracts; no kernel source is copied into the repo).
 * Those headers' own #includes reach the generated wrappers, hence
 * <shim/all.h>, which is then already being read: each is included here
 * after what it needs. What stays written here is what the kernel's
 * headers cannot give a program: the types the C library also defines,
 * what <linux/compiler.h> keeps under __KERNEL__, printk and WARN.
 */
#ifndef _SHIM_KERNEL_H
#define _SHIM_KERNEL_H

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <linux/types.h>

/*
 * The userspace build. Library code never tests it; a KUnit case may, for
 * what only the native build can set up (native_same_cpu()).
 */
#define GOSYNC_NATIVE 1

/* Built with ThreadSanitizer: the shim then marks what TSan must see. */
#if defined(__SANITIZE_THREAD__)
#define SHIM_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SHIM_TSAN 1
#endif
#endif

/* ---- types ---------------------------------------------------------- */
/* As the kernel's, from the UAPI <linux/types.h>: u64 is unsigned long long. */
typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s8 s8;
typedef __s16 s16;
typedef __s32 s32;
typedef __s64 s64;
typedef unsigned int gfp_t;
typedef s64 ktime_t;

#define U8_MAX		((u8)~0U)
#define U16_MAX		((u16)~0U)
#define U32_MAX		((u32)~0U)
#define U64_MAX		((u64)~0ULL)
#define S32_MAX		((s32)(U32_MAX >> 1))
#define S64_MAX		((s64)(U64_MAX >> 1))
#define S64_MIN		((s64)(-S64_MAX - 1))

/* ---- compiler ------------------------------------------------------ */
/* The C library's <sys/cdefs.h> and UAPI headers have these: the kernel's win. */
#undef __always_inline
#undef __attribute_const__
#undef __counted_by
#include <ksrc/include/linux/compiler_attributes.h>
#include <ksrc/include/linux/compiler_types.h>
/* What <linux/compiler.h> defines only under __KERNEL__. */
#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)
#define barrier()		__asm__ __volatile__("" ::: "memory")
#define __UNIQUE_ID(prefix)	__PASTE(__PASTE(__UNIQUE_ID_, prefix), __COUNTER__)
#include <ksrc/include/linux/compiler.h>
#undef static_assert	/* the C library's <assert.h>, if read before */
#include <ksrc/include/linux/build_bug.h>
#include <ksrc/include/linux/array_size.h>
#include <ksrc/include/linux/stringify.h>
#include <ksrc/include/uapi/linux/const.h>
#include <ksrc/include/vdso/const.h>
#include <ksrc/include/linux/const.h>
#include <ksrc/include/linux/align.h>

#define __read_mostly
#define __init
#define __exit
#define __cacheline_aligned	__aligned(64)
#define ____cacheline_aligned	__aligned(64)
#define ____cacheline_aligned_in_smp __aligned(64)
#define __cacheline_aligned_in_smp __aligned(64)
#define IS_ENABLED(c)		0
#define KBUILD_BASENAME		"gosync"
#define sizeof_field(t, m)	sizeof(((t *)0)->m)

/* ---- modules and exports: nothing to do in a program ---------------- */
#define EXPORT_SYMBOL(s)
#define EXPORT_SYMBOL_GPL(s)
#define EXPORT_SYMBOL_NS(s, ns)
#define EXPORT_SYMBOL_NS_GPL(s, ns)
#define MODULE_IMPORT_NS(ns)
#define MODULE_LICENSE(x)
#define MODULE_DESCRIPTION(x)
#define MODULE_AUTHOR(x)
#define MODULE_VERSION(x)
#define THIS_MODULE		((struct module *)0)
struct module;

/* The kernel the shim stands for, for version gates. */
#define LINUX_VERSION_MAJOR	6
#define LINUX_VERSION_PATCHLEVEL 1
#define LINUX_VERSION_SUBLEVEL	0
#define KERNEL_VERSION(a, b, c)	(((a) << 16) + ((b) << 8) + ((c) > 255 ? 255 : (c)))
#define LINUX_VERSION_CODE	KERNEL_VERSION(6, 1, 0)

/* ---- bits, arithmetic, errors: the kernel's ------------------------- */
/* <asm-generic/bitsperlong.h>, CONFIG_64BIT */
#define BITS_PER_LONG		64
#define BITS_PER_LONG_LONG	64
#define BITS_TO_LONGS(n)	DIV_ROUND_UP(n, BITS_PER_LONG)
#define DECLARE_BITMAP(name, bits) unsigned long name[BITS_TO_LONGS(bits)]
#include <ksrc/include/vdso/bits.h>
#include <ksrc/include/linux/bits.h>
#include <ksrc/include/asm-generic/div64.h>
#include <ksrc/include/linux/math.h>
#include <ksrc/include/vdso/math64.h>
#include <ksrc/include/linux/math64.h>
#include <ksrc/include/linux/minmax.h>
#include <ksrc/include/linux/overflow.h>
#include <ksrc/include/linux/err.h>
#include <ksrc/include/linux/container_of.h>
#include <ksrc/include/linux/kern_levels.h>
#include <ksrc/include/linux/gfp_types.h>

/* <linux/bitops.h> (the rest of which is the architecture's) */
#include <ksrc/include/asm-generic/bitops/builtin-__ffs.h>
#include <ksrc/include/asm-generic/bitops/builtin-__fls.h>
#include <ksrc/include/asm-generic/bitops/builtin-fls.h>
#include <ksrc/include/asm-generic/bitops/fls64.h>
static inline unsigned int fls_long(unsigned long l) { return fls64(l); }
static inline u32 rol32(u32 w, unsigned int s) { return (w << (s & 31)) | (w >> ((-s) & 31)); }
static inline u32 ror32(u32 w, unsigned int s) { return (w >> (s & 31)) | (w << ((-s) & 31)); }
static inline u64 rol64(u64 w, unsigned int s) { return (w << (s & 63)) | (w >> ((-s) & 63)); }
static inline unsigned int hweight32(u32 w) { return __builtin_popcount(w); }
static inline unsigned long hweight_long(unsigned long w) { return __builtin_popcountl(w); }
#include <ksrc/include/linux/log2.h>
#include <ksrc/include/linux/hash.h>

/* Byte order and unaligned access (x86: little-endian, the UAPI's swabs). */
#include <linux/byteorder/little_endian.h>
#include <ksrc/include/linux/byteorder/generic.h>
#include <ksrc/include/linux/unaligned/packed_struct.h>
#include <ksrc/include/asm-generic/unaligned.h>
#include <ksrc/include/linux/jhash.h>

/* bitmap.h / bitops.h: the non-atomic ones here, atomic in shim/atomic.h */
static inline void __set_bit(long nr, unsigned long *a) { a[nr / 64] |= 1UL << (nr % 64); }
static inline void __clear_bit(long nr, unsigned long *a) { a[nr / 64] &= ~(1UL << (nr % 64)); }
static inline bool test_bit(long nr, const unsigned long *a)
{
	return (__atomic_load_n(&a[nr / 64], __ATOMIC_RELAXED) >> (nr % 64)) & 1;
}

static inline bool __test_and_set_bit(long nr, unsigned long *a)
{
	bool old = (a[nr / 64] >> (nr % 64)) & 1;

	a[nr / 64] |= 1UL << (nr % 64);
	return old;
}

static inline void bitmap_zero(unsigned long *a, unsigned int bits)
{
	memset(a, 0, BITS_TO_LONGS(bits) * sizeof(long));
}

static inline unsigned int bitmap_weight(const unsigned long *a, unsigned int bits)
{
	unsigned int i, w = 0;

	for (i = 0; i < bits; i++)
		w += test_bit(i, a);
	return w;
}

static inline unsigned long find_first_zero_bit(const unsigned long *a,
						unsigned long bits)
{
	unsigned long i;

	for (i = 0; i < bits; i++)
		if (!test_bit(i, a))
			return i;
	return bits;
}

unsigned long *bitmap_zalloc(unsigned int bits, gfp_t gfp);
void bitmap_free(const unsigned long *a);

/* ---- errors: <linux/errno.h>'s kernel-internal ones ----------------- */
#ifndef ERESTARTSYS
#define ERESTARTSYS	512
#endif
#define ENOTSUPP	524

/* ---- printk and WARN ------------------------------------------------ */
#ifndef KBUILD_MODNAME
#define KBUILD_MODNAME "gosync"
#endif
#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif

__printf(2, 3) void shim_printk(int level, const char *fmt, ...);
#define printk(fmt, ...)	shim_printk(6, fmt, ##__VA_ARGS__)
#define pr_emerg(fmt, ...)	shim_printk(0, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_crit(fmt, ...)	shim_printk(2, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_err(fmt, ...)	shim_printk(3, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...)	shim_printk(4, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_notice(fmt, ...)	shim_printk(5, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...)	shim_printk(6, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_debug(fmt, ...)	do { if (0) shim_printk(7, pr_fmt(fmt), ##__VA_ARGS__); } while (0)
#define pr_warn_once(fmt, ...)	pr_warn(fmt, ##__VA_ARGS__)
/* Once per call site, as the kernel's printk_once(). */
#define pr_err_once(fmt, ...) do {						\
	static bool __printed;							\
										\
	if (!__atomic_exchange_n(&__printed, true, __ATOMIC_RELAXED))		\
		pr_err(fmt, ##__VA_ARGS__);					\
} while (0)
#define pr_err_ratelimited(fmt, ...)	pr_err(fmt, ##__VA_ARGS__)
#define pr_warn_ratelimited(fmt, ...)	pr_warn(fmt, ##__VA_ARGS__)

/*
 * A WARN is a splat: it prints a stack trace and counts, and the native
 * test programs fail when the count is not zero, as a kernel test run
 * fails on a splat. BUG aborts.
 */
void shim_warn(const char *file, int line, const char *cond);
__noreturn void shim_bug(const char *file, int line, const char *cond);
#define WARN_ON(c) ({								\
	bool _c = !!(c);							\
	if (unlikely(_c))							\
		shim_warn(__FILE__, __LINE__, #c);				\
	unlikely(_c); })
#define WARN_ON_ONCE(c)	WARN_ON(c)
#define WARN(c, fmt, ...) ({							\
	bool _c = !!(c);							\
	if (unlikely(_c)) {							\
		shim_printk(4, fmt, ##__VA_ARGS__);				\
		shim_warn(__FILE__, __LINE__, #c);				\
	}									\
	unlikely(_c); })
#define WARN_ONCE(c, fmt, ...)	WARN(c, fmt, ##__VA_ARGS__)
/* The kernel's taint flags: only "a WARN happened" is modelled. */
#define TAINT_WARN	9
int test_taint(unsigned int flag);
/*
 * SHIM_DEBUG (the sanitizer and fuzzer builds) turns on the checks a debug
 * kernel makes (DEBUG_ATOMIC_SLEEP, PROVE_RCU, lockdep's held-lock
 * assertions, DEBUG_SPINLOCK's owner check); the opt build, like a
 * production kernel, makes none of them.
 */
#ifdef SHIM_DEBUG
#define SHIM_CHECK(c)	WARN_ON(c)
#else
#define SHIM_CHECK(c)	((void)0)
#endif
#define BUG()		shim_bug(__FILE__, __LINE__, "BUG()")
#define BUG_ON(c)	do { if (unlikely(c)) shim_bug(__FILE__, __LINE__, #c); } while (0)

/*
 * ---- strings and numbers --------------------------------------------
 * The kernel's own code, compiled from linux-source by lib/ksrc.c:
 * lib/kstrtox.c (its <linux/kstrtox.h> here), lib/hexdump.c, lib/ctype.c,
 * lib/seq_buf.c (its <linux/seq_buf.h> below), and tools/lib/string.c for
 * skip_spaces(), strim() and memchr_inv(). Declared here what
 * <linux/kernel.h> and <linux/string.h> declare, which a program cannot
 * include next to the C library's <string.h>. strscpy() and match_string()
 * are the shim's: lib/string.c's is word-at-a-time, lib/string_helpers.c
 * needs half the kernel.
 */
#include <ksrc/include/linux/kstrtox.h>
char *skip_spaces(const char *s);
char *strim(char *s);
void *memchr_inv(const void *start, int c, size_t bytes);
ssize_t strscpy(char *dst, const char *src, size_t size);
/* lib/string_helpers.c: index of @string in @array (stops at a NULL), or -EINVAL. */
static inline int match_string(const char * const *array, size_t n,
			       const char *string)
{
	size_t i;

	for (i = 0; i < n && array[i]; i++)
		if (!strcmp(array[i], string))
			return i;
	return -EINVAL;
}

extern const char hex_asc[];
#define hex_asc_lo(x)	hex_asc[((x) & 0x0f)]
#define hex_asc_hi(x)	hex_asc[((x) & 0xf0) >> 4]

static inline char *hex_byte_pack(char *buf, u8 byte)
{
	*buf++ = hex_asc_hi(byte);
	*buf++ = hex_asc_lo(byte);
	return buf;
}

int hex_to_bin(unsigned char ch);
int __must_check hex2bin(u8 *dst, const char *src, size_t count);
char *bin2hex(char *dst, const void *src, size_t count);
int hex_dump_to_buffer(const void *buf, size_t len, int rowsize, int groupsize,
		       char *linebuf, size_t linebuflen, bool ascii);

/* <linux/uaccess.h>: a program's "user" memory is its own. */
static inline unsigned long copy_from_user(void *to, const void __user *from,
					   unsigned long n)
{
	memcpy(to, from, n);
	return 0;
}

static inline unsigned long copy_to_user(void __user *to, const void *from,
					 unsigned long n)
{
	memcpy(to, from, n);
	return 0;
}

/* lib/seq_buf.c (in lib/ksrc.c) and what it names that a program has not. */
enum { DUMP_PREFIX_NONE, DUMP_PREFIX_ADDRESS, DUMP_PREFIX_OFFSET };
struct path;
struct seq_file;
int seq_write(struct seq_file *m, const void *data, size_t len);
/* The debugfs face's show functions (no debugfs here: never called). */
__printf(2, 3) void seq_printf(struct seq_file *m, const char *fmt, ...);
char *d_path(const struct path *path, char *buf, int buflen);
char *mangle_path(char *s, const char *p, const char *esc);
#include <ksrc/include/linux/seq_buf.h>

#endif /* _SHIM_KERNEL_H */
