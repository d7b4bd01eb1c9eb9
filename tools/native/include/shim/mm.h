/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Memory: kmalloc and friends on malloc (so ASan and LeakSanitizer see
 * every object), gfp flags with the kernel's meaning for sleeping, and
 * get_random_*().
 *
 * An allocation whose flags allow direct reclaim (GFP_KERNEL) may sleep:
 * it WARNs from atomic context, as might_sleep_if() does in the kernel.
 * shim_fail_alloc(n) makes the n-th next allocation of the calling
 * thread fail (n = 1: the next one), like failslab/fail_page_alloc with a
 * task filter, for tests of -ENOMEM paths; kmem_cache_alloc() counts too.
 *
 * Slab caches (kmem_cache_*) allocate as kmalloc does: with malloc (or
 * aligned_alloc) in the sanitizer builds, from the opt build's slab
 * allocator otherwise, in the smallest size class that holds the object
 * at its alignment. A cache counts its live objects: destroying one that
 * still has objects is a WARN splat, as in the kernel.
 *
 * Shrinkers (the 6.1 API) are recorded, never called by memory pressure:
 * a test calls shim_shrink_slab() to run one reclaim pass over every
 * registered shrinker with the kernel's arithmetic (do_shrink_slab()).
 */
#ifndef _SHIM_MM_H
#define _SHIM_MM_H

#include <shim/kernel.h>
#include <shim/list.h>
#include <shim/sched.h>

/* The gfp flags are the kernel's <linux/gfp_types.h>: see shim/kernel.h. */
static inline bool gfpflags_allow_blocking(gfp_t gfp)
{
	return gfp & __GFP_DIRECT_RECLAIM;
}

/* An allocation with @gfp could happen here (sched/mm.h). */
#define might_alloc(gfp)	might_sleep_if(gfpflags_allow_blocking(gfp))

/* The largest kmalloc() (x86-64: MAX_ORDER 11, 4 KiB pages). */
#define KMALLOC_SHIFT_MAX	22
#define KMALLOC_MAX_SIZE	(1UL << KMALLOC_SHIFT_MAX)

void *kmalloc(size_t size, gfp_t gfp) __attribute__((__malloc__));
void kfree(const void *p);
void *krealloc(const void *p, size_t size, gfp_t gfp);
size_t ksize(const void *p);
#define kzalloc(size, gfp)		kmalloc(size, (gfp) | __GFP_ZERO)
#define kmalloc_array(n, size, gfp)	kmalloc(size_mul(n, size), gfp)
#define kcalloc(n, size, gfp)		kmalloc_array(n, size, (gfp) | __GFP_ZERO)
#define kmalloc_node(size, gfp, node)	kmalloc(size, gfp)
#define kzalloc_node(size, gfp, node)	kzalloc(size, gfp)
#define kvmalloc(size, gfp)		kmalloc(size, gfp)
#define kvzalloc(size, gfp)		kzalloc(size, gfp)
#define kvcalloc(n, size, gfp)		kcalloc(n, size, gfp)
#define kvmalloc_array(n, size, gfp)	kmalloc_array(n, size, gfp)
#define kvfree(p)			kfree(p)
#define vmalloc(size)			kmalloc(size, GFP_KERNEL)
#define vzalloc(size)			kzalloc(size, GFP_KERNEL)
#define vfree(p)			kfree(p)
void *kmemdup(const void *src, size_t len, gfp_t gfp);
char *kstrdup(const char *s, gfp_t gfp);
char *kasprintf(gfp_t gfp, const char *fmt, ...) __printf(2, 3);
void shim_fail_alloc(unsigned int nth);

/* ---- slab caches ---- */
typedef unsigned int slab_flags_t;
#define SLAB_HWCACHE_ALIGN	((slab_flags_t)0x00002000U)
#define SLAB_PANIC		((slab_flags_t)0x00040000U)
#define SLAB_RECLAIM_ACCOUNT	((slab_flags_t)0x00020000U)
#define SLAB_ACCOUNT		((slab_flags_t)0x04000000U)
#define SLAB_NO_MERGE		((slab_flags_t)0x01000000U)

struct kmem_cache {
	char *name;
	unsigned int object_size;	/* as asked */
	unsigned int size;		/* with alignment padding */
	unsigned int align;
	slab_flags_t flags;
	void (*ctor)(void *obj);
	int cls;			/* opt build: its size class, or -1 */
	long live;			/* __atomic: objects allocated */
};

struct kmem_cache *kmem_cache_create(const char *name, unsigned int size,
				     unsigned int align, slab_flags_t flags,
				     void (*ctor)(void *obj));
void kmem_cache_destroy(struct kmem_cache *s);
void *kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp) __attribute__((__malloc__));
void kmem_cache_free(struct kmem_cache *s, void *obj);
#define kmem_cache_zalloc(s, gfp)	kmem_cache_alloc(s, (gfp) | __GFP_ZERO)
#define kmem_cache_alloc_node(s, gfp, node) kmem_cache_alloc(s, gfp)
#define KMEM_CACHE(type, flags)						\
	kmem_cache_create(#type, sizeof(struct type),			\
			  __alignof__(struct type), flags, NULL)

/* ---- shrinkers (the 6.1 API; 6.7 replaced it with shrinker_alloc()) ---- */
struct mem_cgroup;

struct shrink_control {
	gfp_t gfp_mask;
	int nid;
	unsigned long nr_to_scan;
	unsigned long nr_scanned;
	struct mem_cgroup *memcg;
};

#define SHRINK_STOP		(~0UL)
#define SHRINK_EMPTY		(~0UL - 1)
#define DEFAULT_SEEKS		2
#define SHRINKER_REGISTERED	BIT(0)
#define SHRINKER_NUMA_AWARE	BIT(1)
#define SHRINKER_MEMCG_AWARE	BIT(2)
#define DEF_PRIORITY		12

struct shrinker {
	unsigned long (*count_objects)(struct shrinker *s,
				       struct shrink_control *sc);
	unsigned long (*scan_objects)(struct shrinker *s,
				      struct shrink_control *sc);
	long batch;
	int seeks;
	unsigned int flags;
	/* The shim's: */
	struct list_head list;
	char *name;
	long nr_deferred;
};

__printf(2, 3) int register_shrinker(struct shrinker *s, const char *fmt, ...);
void unregister_shrinker(struct shrinker *s);
/*
 * shim_shrink_slab() - one reclaim pass at @priority (DEF_PRIORITY, the
 * mildest, down to 0, the hardest) over every registered shrinker, as
 * the kernel's shrink_slab(): each is asked for (count >> priority) * 4 /
 * seeks objects (plus work deferred from earlier passes), in batches.
 * Process context. Return: objects freed.
 */
unsigned long shim_shrink_slab(gfp_t gfp, int priority);
/* shim_nr_shrinkers() - shrinkers registered now. */
unsigned int shim_nr_shrinkers(void);

/* ZERO_SIZE_PTR: kmalloc(0) returns a unique non-NULL pointer too. */
#define ZERO_OR_NULL_PTR(x)	(!(x))

u32 get_random_u32(void);
u64 get_random_u64(void);
static inline u32 get_random_u32_below(u32 ceil)
{
	return (u32)(((u64)get_random_u32() * ceil) >> 32);
}

#define prandom_u32_max(c)	get_random_u32_below(c)
#define get_random_int()	get_random_u32()
#define get_random_long()	((unsigned long)get_random_u64())
void get_random_bytes(void *buf, size_t len);

#endif /* _SHIM_MM_H */
