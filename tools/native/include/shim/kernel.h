/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The userspace shim of the kernel APIs gosync's library code uses: base
 * types, compiler attributes, the common macros, printk and WARN, strings
 * and numbers. Every <linux/...> header the native build sees includes
 * <shim/all.h>, which includes this and the other shim headers; see
 * tools/native/README for what is faithful and what is not.
 *
 * Written for this project from the kernel's documented semantics; no
 * kernel source is copied. The one kernel header used as is, jhash.h, is
 * read from the linux-source package at build time.
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
typedef long long loff_t_shim;

#define U8_MAX		((u8)~0U)
#define U16_MAX		((u16)~0U)
#define U32_MAX		((u32)~0U)
#define U64_MAX		((u64)~0ULL)
#define S32_MAX		((s32)(U32_MAX >> 1))
#define S64_MAX		((s64)(U64_MAX >> 1))

/* ---- compiler ------------------------------------------------------- */
#undef __always_inline
#define __always_inline		inline __attribute__((__always_inline__))
#define noinline		__attribute__((__noinline__))
#define __noreturn		__attribute__((__noreturn__))
#define __used			__attribute__((__used__))
#define __maybe_unused		__attribute__((__unused__))
#define __must_check		__attribute__((__warn_unused_result__))
#define __printf(a, b)		__attribute__((__format__(printf, a, b)))
#define __aligned(x)		__attribute__((__aligned__(x)))
#define __packed		__attribute__((__packed__))
#define __cold			__attribute__((__cold__))
#define __pure			__attribute__((__pure__))
#define __weak			__attribute__((__weak__))
#define __section(s)	__attribute__((__section__(s)))
#define __read_mostly
#define __init
#define __exit
#define __user
#define __kernel
#define __iomem
#define __percpu
#define __rcu
#define __force
#define __bitwise
#define __acquires(x)
#define __releases(x)
#define __must_hold(x)
#define __cacheline_aligned	__aligned(64)
#define ____cacheline_aligned	__aligned(64)
#define ____cacheline_aligned_in_smp __aligned(64)
#define __cacheline_aligned_in_smp __aligned(64)
#define fallthrough		__attribute__((__fallthrough__))
#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)
#define barrier()		__asm__ __volatile__("" ::: "memory")
#define __stringify_1(x)	#x
#define __stringify(x)		__stringify_1(x)
#define __same_type(a, b)	__builtin_types_compatible_p(typeof(a), typeof(b))
#define __is_constexpr(x)	__builtin_constant_p(x)
#define BUILD_BUG_ON(c)		_Static_assert(!(c), "BUILD_BUG_ON: " #c)
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define IS_ENABLED(c)		0
#define KBUILD_BASENAME		"gosync"

#ifndef offsetof
#define offsetof(t, m)		__builtin_offsetof(t, m)
#endif
#define container_of(ptr, type, member)					\
	((type *)((char *)(ptr) - offsetof(type, member)))
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

/* ---- arithmetic ----------------------------------------------------- */
#define min(a, b)		({ typeof(a) _a = (a); typeof(b) _b = (b); _a < _b ? _a : _b; })
#define max(a, b)		({ typeof(a) _a = (a); typeof(b) _b = (b); _a > _b ? _a : _b; })
#define min_t(t, a, b)		({ t _a = (a); t _b = (b); _a < _b ? _a : _b; })
#define max_t(t, a, b)		({ t _a = (a); t _b = (b); _a > _b ? _a : _b; })
#define clamp(v, lo, hi)	min(max(v, lo), hi)
#define clamp_t(t, v, lo, hi)	min_t(t, max_t(t, v, lo), hi)
#define clamp_val(v, lo, hi)	clamp_t(typeof(v), v, lo, hi)
#define swap(a, b)		do { typeof(a) _t = (a); (a) = (b); (b) = _t; } while (0)
#define DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))
#define round_up(x, y)		((((x) - 1) | ((typeof(x))((y) - 1))) + 1)
#define round_down(x, y)	((x) & ~((typeof(x))((y) - 1)))
#define ALIGN(x, a)		round_up(x, a)
#define abs(x)			({ typeof(x) _x = (x); _x < 0 ? -_x : _x; })
#define do_div(n, base)		({ u32 _r = (u32)((n) % (base)); (n) /= (base); _r; })

static inline u64 div_u64(u64 a, u32 b) { return a / b; }
static inline u64 div64_u64(u64 a, u64 b) { return a / b; }
static inline s64 div_s64(s64 a, s32 b) { return a / b; }
static inline u64 div_u64_rem(u64 a, u32 b, u32 *r) { *r = a % b; return a / b; }

#define BIT(n)			(1UL << (n))
#define BIT_ULL(n)		(1ULL << (n))
#define BITS_PER_LONG		64
#define BITS_PER_BYTE		8
#define GENMASK(h, l)		((~0UL << (l)) & (~0UL >> (BITS_PER_LONG - 1 - (h))))
#define GENMASK_ULL(h, l)	((~0ULL << (l)) & (~0ULL >> (63 - (h))))
#define BITS_TO_LONGS(n)	DIV_ROUND_UP(n, BITS_PER_LONG)
#define DECLARE_BITMAP(name, bits) unsigned long name[BITS_TO_LONGS(bits)]

static inline u32 rol32(u32 w, unsigned int s) { return (w << (s & 31)) | (w >> ((-s) & 31)); }
static inline u32 ror32(u32 w, unsigned int s) { return (w >> (s & 31)) | (w << ((-s) & 31)); }
static inline u64 rol64(u64 w, unsigned int s) { return (w << (s & 63)) | (w >> ((-s) & 63)); }
static inline int fls(unsigned int x) { return x ? 32 - __builtin_clz(x) : 0; }
static inline int fls64(u64 x) { return x ? 64 - __builtin_clzll(x) : 0; }
static inline unsigned long __ffs(unsigned long x) { return __builtin_ctzl(x); }
static inline unsigned int hweight32(u32 w) { return __builtin_popcount(w); }
static inline unsigned long hweight_long(unsigned long w) { return __builtin_popcountl(w); }

/* log2.h */
static inline bool is_power_of_2(unsigned long n) { return n && !(n & (n - 1)); }
#define ilog2(n)		((int)(fls64((u64)(n)) - 1))
static inline unsigned long roundup_pow_of_two(unsigned long n)
{
	return n <= 1 ? 1 : 1UL << fls64(n - 1);
}

static inline unsigned long rounddown_pow_of_two(unsigned long n)
{
	return 1UL << (fls64(n) - 1);
}

#define order_base_2(n)		((n) > 1 ? ilog2((n) - 1) + 1 : 0)

/* overflow.h: saturating size helpers, the kernel's contract */
#define check_add_overflow(a, b, d)	__builtin_add_overflow(a, b, d)
#define check_sub_overflow(a, b, d)	__builtin_sub_overflow(a, b, d)
#define check_mul_overflow(a, b, d)	__builtin_mul_overflow(a, b, d)
static inline size_t size_mul(size_t a, size_t b)
{
	size_t r;

	return __builtin_mul_overflow(a, b, &r) ? SIZE_MAX : r;
}

static inline size_t size_add(size_t a, size_t b)
{
	size_t r;

	return __builtin_add_overflow(a, b, &r) ? SIZE_MAX : r;
}

#define array_size(a, b)	size_mul(a, b)
#define struct_size(p, member, count)					\
	size_add(sizeof(*(p)), size_mul(sizeof(*(p)->member), count))
#define flex_array_size(p, member, count) size_mul(sizeof(*(p)->member), count)

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

unsigned long *bitmap_zalloc(unsigned int bits, gfp_t gfp);
void bitmap_free(const unsigned long *a);

/* unaligned access (asm/unaligned.h, linux/unaligned/packed_struct.h) */
#define get_unaligned(p) ({							\
	const struct __packed { typeof(*(p)) x; } *_u = (const void *)(p);	\
	_u->x; })
#define put_unaligned(v, p) do {						\
	struct __packed { typeof(*(p)) x; } *_u = (void *)(p);			\
	_u->x = (v);								\
} while (0)
static inline u16 __get_unaligned_cpu16(const void *p) { return get_unaligned((const u16 *)p); }
static inline u32 __get_unaligned_cpu32(const void *p) { return get_unaligned((const u32 *)p); }
static inline u64 __get_unaligned_cpu64(const void *p) { return get_unaligned((const u64 *)p); }
#define get_unaligned_le16(p)	__get_unaligned_cpu16(p)
#define get_unaligned_le32(p)	__get_unaligned_cpu32(p)
#define get_unaligned_le64(p)	__get_unaligned_cpu64(p)
#define put_unaligned_le32(v, p) put_unaligned((u32)(v), (u32 *)(p))
#define put_unaligned_le64(v, p) put_unaligned((u64)(v), (u64 *)(p))

/* ---- errors --------------------------------------------------------- */
#define MAX_ERRNO	4095
#ifndef ERESTARTSYS
#define ERESTARTSYS	512
#endif
#define ENOTSUPP	524
#define IS_ERR_VALUE(x)	unlikely((unsigned long)(void *)(x) >= (unsigned long)-MAX_ERRNO)
static inline void *ERR_PTR(long e) { return (void *)e; }
static inline long PTR_ERR(const void *p) { return (long)p; }
static inline bool IS_ERR(const void *p) { return IS_ERR_VALUE((unsigned long)p); }
static inline bool IS_ERR_OR_NULL(const void *p) { return !p || IS_ERR(p); }
static inline int PTR_ERR_OR_ZERO(const void *p) { return IS_ERR(p) ? (int)PTR_ERR(p) : 0; }

/* ---- printk and WARN ------------------------------------------------ */
#ifndef KBUILD_MODNAME
#define KBUILD_MODNAME "gosync"
#endif
#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif
#define KERN_ERR	"\0013"
#define KERN_WARNING	"\0014"
#define KERN_NOTICE	"\0015"
#define KERN_INFO	"\0016"
#define KERN_DEBUG	"\0017"

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

/* ---- strings and numbers (lib/kstrtox.c, lib/hexdump.c semantics) --- */
#define isspace_shim(c)	((c) == ' ' || ((c) >= '\t' && (c) <= '\r'))
char *skip_spaces(const char *s);
/* The first byte of [@start, @start + @bytes) that is not @c, or NULL. */
void *memchr_inv(const void *start, int c, size_t bytes);
char *strim(char *s);
ssize_t strscpy(char *dst, const char *src, size_t size);
int kstrtoull(const char *s, unsigned int base, unsigned long long *res);
int kstrtoll(const char *s, unsigned int base, long long *res);
int kstrtouint(const char *s, unsigned int base, unsigned int *res);
int kstrtoint(const char *s, unsigned int base, int *res);
int kstrtobool(const char *s, bool *res);
/* lib/string.c: index of @string in @array (stops at a NULL), or -EINVAL. */
static inline int match_string(const char * const *array, size_t n,
			       const char *string)
{
	size_t i;

	for (i = 0; i < n && array[i]; i++)
		if (!strcmp(array[i], string))
			return i;
	return -EINVAL;
}

static inline int kstrtou64(const char *s, unsigned int base, u64 *res)
{
	return kstrtoull(s, base, (unsigned long long *)res);
}

static inline int kstrtoul(const char *s, unsigned int base, unsigned long *res)
{
	return kstrtoull(s, base, (unsigned long long *)res);
}

static inline int kstrtou32(const char *s, unsigned int base, u32 *res)
{
	return kstrtouint(s, base, res);
}

int hex_to_bin(unsigned char ch);
int __must_check hex2bin(u8 *dst, const char *src, size_t count);
char *bin2hex(char *dst, const void *src, size_t count);

/* seq_buf (lib/seq_buf.c semantics: overflow sets len past size) */
struct seq_buf {
	char *buffer;
	size_t size;
	size_t len;
	loff_t_shim readpos;
};

static inline void seq_buf_clear(struct seq_buf *s)
{
	s->len = 0;
	s->readpos = 0;
}

static inline void seq_buf_init(struct seq_buf *s, char *buf, unsigned int size)
{
	s->buffer = buf;
	s->size = size;
	seq_buf_clear(s);
}

static inline bool seq_buf_has_overflowed(struct seq_buf *s)
{
	return s->len > s->size;
}

static inline unsigned int seq_buf_used(struct seq_buf *s)
{
	return min_t(unsigned int, s->len, s->size);
}

__printf(2, 3) int seq_buf_printf(struct seq_buf *s, const char *fmt, ...);
__printf(2, 0) int seq_buf_vprintf(struct seq_buf *s, const char *fmt, va_list ap);
int seq_buf_puts(struct seq_buf *s, const char *str);
int seq_buf_putc(struct seq_buf *s, unsigned char c);

#endif /* _SHIM_KERNEL_H */
