/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Marked accesses, barriers and atomics, on the compiler's __atomic
 * builtins, so ThreadSanitizer sees every ordering the code asks for.
 *
 * READ_ONCE()/WRITE_ONCE() are relaxed atomic accesses (the kernel's are
 * volatile accesses, which KCSAN treats as marked: the same contract).
 * Value-returning RMW atomics, xchg() and cmpxchg() are fully ordered;
 * the void ones and atomic_read()/atomic_set() are relaxed, as in
 * Documentation/atomic_t.txt. On x86 the generated code is what the
 * kernel's is: plain moves for the relaxed accesses, locked instructions
 * for the RMWs.
 */
#ifndef _SHIM_ATOMIC_H
#define _SHIM_ATOMIC_H

#include <shim/kernel.h>

#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
#define data_race(expr)		(expr)

#define smp_mb()		__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define smp_rmb()		__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define smp_wmb()		__atomic_thread_fence(__ATOMIC_RELEASE)
#define mb()			smp_mb()
#define rmb()			smp_rmb()
#define wmb()			smp_wmb()
#define smp_mb__before_atomic()	smp_mb()
#define smp_mb__after_atomic()	smp_mb()
#define smp_load_acquire(p)	__atomic_load_n(p, __ATOMIC_ACQUIRE)
#define smp_store_release(p, v)	__atomic_store_n(p, v, __ATOMIC_RELEASE)
#define smp_store_mb(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_SEQ_CST)
#define cpu_relax()		__builtin_ia32_pause()

#define xchg(p, v)		__atomic_exchange_n(p, v, __ATOMIC_SEQ_CST)
#define xchg_relaxed(p, v)	__atomic_exchange_n(p, v, __ATOMIC_RELAXED)
#define cmpxchg(p, o, n)	({						\
	typeof(*(p)) _o = (o);							\
	__atomic_compare_exchange_n(p, &_o, n, false, __ATOMIC_SEQ_CST,	\
				    __ATOMIC_SEQ_CST);				\
	_o; })
#define cmpxchg_relaxed(p, o, n) ({						\
	typeof(*(p)) _o = (o);							\
	__atomic_compare_exchange_n(p, &_o, n, false, __ATOMIC_RELAXED,	\
				    __ATOMIC_RELAXED);				\
	_o; })
#define try_cmpxchg(p, po, n)							\
	__atomic_compare_exchange_n(p, po, n, false, __ATOMIC_SEQ_CST,		\
				    __ATOMIC_SEQ_CST)

typedef struct { int counter; } atomic_t;
typedef struct { long counter; } atomic_long_t;
typedef struct { s64 counter; } atomic64_t;
#define ATOMIC_INIT(i)		{ (i) }
#define ATOMIC_LONG_INIT(i)	{ (i) }
#define ATOMIC64_INIT(i)	{ (i) }

/* A try_cmpxchg, ordered by @mo on success and @fail_mo on failure. */
#define SHIM_TRY_CMPXCHG(name, type_t, val_t, mo, fail_mo)			\
static inline bool name(type_t *v, val_t *o, val_t n)				\
{										\
	return __atomic_compare_exchange_n(&v->counter, o, n, false,		\
					   __ATOMIC_##mo, __ATOMIC_##fail_mo);	\
}

/* One family of operations per atomic type. */
#define SHIM_ATOMIC_OPS(pfx, type_t, val_t)					\
static inline void pfx##_set(type_t *v, val_t i)				\
{ __atomic_store_n(&v->counter, i, __ATOMIC_RELAXED); }				\
static inline void pfx##_set_release(type_t *v, val_t i)			\
{ __atomic_store_n(&v->counter, i, __ATOMIC_RELEASE); }				\
static inline void pfx##_add(val_t i, type_t *v)				\
{ __atomic_fetch_add(&v->counter, i, __ATOMIC_RELAXED); }			\
static inline void pfx##_sub(val_t i, type_t *v)				\
{ __atomic_fetch_sub(&v->counter, i, __ATOMIC_RELAXED); }			\
static inline void pfx##_inc(type_t *v) { pfx##_add(1, v); }			\
static inline void pfx##_dec(type_t *v) { pfx##_sub(1, v); }			\
static inline val_t pfx##_add_return(val_t i, type_t *v)			\
{ return __atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST); }		\
static inline val_t pfx##_sub_return(val_t i, type_t *v)			\
{ return __atomic_sub_fetch(&v->counter, i, __ATOMIC_SEQ_CST); }		\
static inline val_t pfx##_inc_return(type_t *v) { return pfx##_add_return(1, v); } \
static inline val_t pfx##_dec_return(type_t *v) { return pfx##_sub_return(1, v); } \
static inline val_t pfx##_fetch_add(val_t i, type_t *v)				\
{ return __atomic_fetch_add(&v->counter, i, __ATOMIC_SEQ_CST); }		\
static inline val_t pfx##_fetch_sub(val_t i, type_t *v)				\
{ return __atomic_fetch_sub(&v->counter, i, __ATOMIC_SEQ_CST); }		\
static inline bool pfx##_dec_and_test(type_t *v)				\
{ return !pfx##_dec_return(v); }						\
static inline bool pfx##_inc_and_test(type_t *v)				\
{ return !pfx##_inc_return(v); }						\
static inline bool pfx##_sub_and_test(val_t i, type_t *v)			\
{ return !pfx##_sub_return(i, v); }						\
static inline val_t pfx##_xchg(type_t *v, val_t n)				\
{ return __atomic_exchange_n(&v->counter, n, __ATOMIC_SEQ_CST); }		\
static inline val_t pfx##_cmpxchg(type_t *v, val_t o, val_t n)			\
{										\
	__atomic_compare_exchange_n(&v->counter, &o, n, false,			\
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);	\
	return o;								\
}										\
SHIM_TRY_CMPXCHG(pfx##_try_cmpxchg, type_t, val_t, SEQ_CST, SEQ_CST)		\
SHIM_TRY_CMPXCHG(pfx##_try_cmpxchg_acquire, type_t, val_t, ACQUIRE, ACQUIRE)	\
SHIM_TRY_CMPXCHG(pfx##_try_cmpxchg_release, type_t, val_t, RELEASE, RELAXED)	\
SHIM_TRY_CMPXCHG(pfx##_try_cmpxchg_relaxed, type_t, val_t, RELAXED, RELAXED)	\
static inline void pfx##_or(val_t i, type_t *v)				\
{ __atomic_fetch_or(&v->counter, i, __ATOMIC_RELAXED); }			\
static inline void pfx##_and(val_t i, type_t *v)				\
{ __atomic_fetch_and(&v->counter, i, __ATOMIC_RELAXED); }			\
static inline void pfx##_andnot(val_t i, type_t *v)				\
{ __atomic_fetch_and(&v->counter, ~i, __ATOMIC_RELAXED); }			\
static inline val_t pfx##_fetch_or(val_t i, type_t *v)				\
{ return __atomic_fetch_or(&v->counter, i, __ATOMIC_SEQ_CST); }		\
static inline val_t pfx##_fetch_and(val_t i, type_t *v)			\
{ return __atomic_fetch_and(&v->counter, i, __ATOMIC_SEQ_CST); }		\
static inline val_t pfx##_fetch_andnot(val_t i, type_t *v)			\
{ return __atomic_fetch_and(&v->counter, ~i, __ATOMIC_SEQ_CST); }		\
static inline bool pfx##_add_unless(type_t *v, val_t a, val_t u)		\
{										\
	val_t c = pfx##_read(v);						\
										\
	do {									\
		if (c == u)							\
			return false;						\
	} while (!pfx##_try_cmpxchg(v, &c, c + a));				\
	return true;								\
}										\
static inline bool pfx##_inc_not_zero(type_t *v) { return pfx##_add_unless(v, 1, 0); }

/* The reads, for every atomic type (they take a const pointer too). */
#define atomic_read(v)			__atomic_load_n(&(v)->counter, __ATOMIC_RELAXED)
#define atomic_read_acquire(v)		__atomic_load_n(&(v)->counter, __ATOMIC_ACQUIRE)
#define atomic_long_read(v)		atomic_read(v)
#define atomic_long_read_acquire(v)	atomic_read_acquire(v)
#define atomic64_read(v)		atomic_read(v)
#define atomic64_read_acquire(v)	atomic_read_acquire(v)

SHIM_ATOMIC_OPS(atomic, atomic_t, int)
SHIM_ATOMIC_OPS(atomic_long, atomic_long_t, long)
SHIM_ATOMIC_OPS(atomic64, atomic64_t, s64)

/* The atomic bit operations. */
static inline void set_bit(long nr, unsigned long *a)
{
	__atomic_fetch_or(&a[nr / 64], 1UL << (nr % 64), __ATOMIC_RELAXED);
}

static inline void clear_bit(long nr, unsigned long *a)
{
	__atomic_fetch_and(&a[nr / 64], ~(1UL << (nr % 64)), __ATOMIC_RELAXED);
}

static inline bool test_and_set_bit(long nr, unsigned long *a)
{
	return (__atomic_fetch_or(&a[nr / 64], 1UL << (nr % 64), __ATOMIC_SEQ_CST) >>
		(nr % 64)) & 1;
}

static inline bool test_and_set_bit_lock(long nr, unsigned long *a)
{
	return (__atomic_fetch_or(&a[nr / 64], 1UL << (nr % 64), __ATOMIC_ACQUIRE) >>
		(nr % 64)) & 1;
}

static inline void clear_bit_unlock(long nr, unsigned long *a)
{
	__atomic_fetch_and(&a[nr / 64], ~(1UL << (nr % 64)), __ATOMIC_RELEASE);
}

static inline bool test_and_clear_bit(long nr, unsigned long *a)
{
	return (__atomic_fetch_and(&a[nr / 64], ~(1UL << (nr % 64)), __ATOMIC_SEQ_CST) >>
		(nr % 64)) & 1;
}

#endif /* _SHIM_ATOMIC_H */
