// SPDX-License-Identifier: GPL-2.0
/* kmalloc and friends on malloc; get_random_*(). See <shim/mm.h>. */
#include <malloc.h>
#include <sys/mman.h>
#include <sys/random.h>

#include <shim/all.h>

static __thread unsigned int shim_fail_nth;

void shim_fail_alloc(unsigned int nth)
{
	shim_fail_nth = nth;
}

#ifdef SHIM_DEBUG
/* Sanitizer builds: malloc, so ASan and LeakSanitizer see every object. */
static void *shim_alloc(size_t size)
{
	return malloc(size ? size : 1);
}

static void shim_free(void *p)
{
	free(p);
}

size_t ksize(const void *p)
{
	return p ? malloc_usable_size((void *)p) : 0;
}
#else
/*
 * The opt build: a small slab allocator with the kmalloc caches' geometry,
 * so objects have the kernel's sizes and alignment (a 56-byte node is a
 * 64-byte-aligned kmalloc-64 object, one cache line), and per-thread
 * object caches flushed to and refilled from a per-class depot in
 * batches of pointers (never by walking cold objects), like SLUB's per-CPU
 * slabs. Slabs come from one reserved arena
 * (2 GiB of address space, which valgrind also allows) and are never
 * returned; past it, malloc. Larger allocations are page-aligned, as the
 * page allocator's.
 */
#define SLAB_CHUNK_SHIFT	21			/* 2 MiB per slab */
#define SLAB_ARENA		(2UL << 30)		/* address space */
#define SLAB_CACHE		64			/* objects per thread */
#define SLAB_BATCH		32			/* moved per depot visit */
#define SLAB_MAX		4096

static const unsigned int slab_size[] = {
	8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096,
};

#define SLAB_CLASSES	ARRAY_SIZE(slab_size)

/* A batch of free objects moved between a thread's cache and a depot. */
struct slab_mag {
	struct slab_mag *next;
	unsigned int n;
	void *obj[SLAB_BATCH];
};

struct slab_class {
	pthread_mutex_t lock;
	struct slab_mag *full;	/* depot: batches of free objects */
	struct slab_mag *empty;	/* their containers, for reuse */
	char *next, *end;	/* the slab being carved */
};

static struct slab_class slab_classes[SLAB_CLASSES] = {
	[0 ... SLAB_CLASSES - 1] = { .lock = PTHREAD_MUTEX_INITIALIZER },
};

static char *slab_base;
static unsigned long slab_chunks;		/* carved so far */
static u8 slab_class_of[SLAB_ARENA >> SLAB_CHUNK_SHIFT];
static pthread_once_t slab_once = PTHREAD_ONCE_INIT;
static pthread_key_t slab_key;

struct slab_cache {
	unsigned int n[SLAB_CLASSES];
	void *obj[SLAB_CLASSES][SLAB_CACHE];
};

static __thread struct slab_cache slab_cache;

static void slab_flush(unsigned int c, unsigned int keep);

static void slab_thread_exit(void *unused)
{
	unsigned int c;

	for (c = 0; c < SLAB_CLASSES; c++)
		slab_flush(c, 0);
}

static void slab_setup(void)
{
	size_t align = 1UL << SLAB_CHUNK_SHIFT;
	char *p = mmap(NULL, SLAB_ARENA + align, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		shim_bug(__FILE__, __LINE__, "cannot reserve the slab arena");
	slab_base = (char *)round_up((uintptr_t)p, align);
	pthread_key_create(&slab_key, slab_thread_exit);
}

static unsigned int slab_class_for(size_t size)
{
	unsigned int c = 0;

	while (slab_size[c] < size)
		c++;
	return c;
}

/*
 * Move objects beyond @keep from this thread's cache to the depot, in
 * batches of at most SLAB_BATCH: a refill then copies an array instead of
 * walking a list through cold objects.
 */
static void slab_flush(unsigned int c, unsigned int keep)
{
	struct slab_class *sc = &slab_classes[c];
	unsigned int *n = &slab_cache.n[c];

	if (*n <= keep)
		return;
	pthread_mutex_lock(&sc->lock);
	while (*n > keep) {
		struct slab_mag *mag = sc->empty;
		unsigned int k = min(*n - keep, (unsigned int)SLAB_BATCH);

		if (mag)
			sc->empty = mag->next;
		else
			mag = malloc(sizeof(*mag));
		if (!mag)
			break;		/* keep them cached */
		*n -= k;
		mag->n = k;
		memcpy(mag->obj, &slab_cache.obj[c][*n], k * sizeof(void *));
		mag->next = sc->full;
		sc->full = mag;
	}
	pthread_mutex_unlock(&sc->lock);
}

/* Fill this thread's empty cache with a batch; false if none is left. */
static bool slab_refill(unsigned int c)
{
	struct slab_class *sc = &slab_classes[c];
	size_t size = slab_size[c];
	unsigned int *n = &slab_cache.n[c];
	struct slab_mag *mag;

	pthread_once(&slab_once, slab_setup);
	pthread_setspecific(slab_key, (void *)1);
	pthread_mutex_lock(&sc->lock);
	mag = sc->full;
	if (mag) {
		sc->full = mag->next;
		memcpy(slab_cache.obj[c], mag->obj, mag->n * sizeof(void *));
		*n = mag->n;
		mag->next = sc->empty;
		sc->empty = mag;
	}
	while (*n < SLAB_BATCH && !mag) {
		if (sc->next + size > sc->end) {
			unsigned long k = __atomic_fetch_add(&slab_chunks, 1,
							     __ATOMIC_RELAXED);

			if (k >= (SLAB_ARENA >> SLAB_CHUNK_SHIFT))
				break;
			slab_class_of[k] = c;
			sc->next = slab_base + (k << SLAB_CHUNK_SHIFT);
			sc->end = sc->next + (1UL << SLAB_CHUNK_SHIFT);
		}
		slab_cache.obj[c][(*n)++] = sc->next;
		sc->next += size;
	}
	pthread_mutex_unlock(&sc->lock);
	return *n;
}

static void *shim_alloc(size_t size)
{
	unsigned int c;

	if (size > SLAB_MAX)
		return aligned_alloc(4096, round_up(size, 4096));
	c = slab_class_for(size ? size : 1);
	if (!slab_cache.n[c] && !slab_refill(c))	/* arena used up */
		return aligned_alloc(16, round_up(size ? size : 1, 16));
	return slab_cache.obj[c][--slab_cache.n[c]];
}

static bool slab_owns(const void *p)
{
	return slab_base && (const char *)p >= slab_base &&
	       (const char *)p < slab_base + SLAB_ARENA;
}

static void shim_free(void *p)
{
	unsigned int c;

	if (!slab_owns(p)) {
		free(p);
		return;
	}
	c = slab_class_of[((char *)p - slab_base) >> SLAB_CHUNK_SHIFT];
	if (slab_cache.n[c] == SLAB_CACHE)
		slab_flush(c, SLAB_CACHE - SLAB_BATCH);
	pthread_setspecific(slab_key, (void *)1);
	slab_cache.obj[c][slab_cache.n[c]++] = p;
}

size_t ksize(const void *p)
{
	if (!p)
		return 0;
	if (slab_owns(p))
		return slab_size[slab_class_of[((const char *)p - slab_base) >>
					       SLAB_CHUNK_SHIFT]];
	return malloc_usable_size((void *)p);
}
#endif

void *kmalloc(size_t size, gfp_t gfp)
{
	void *p;

	might_sleep_if(gfpflags_allow_blocking(gfp));
	if (unlikely(shim_fail_nth) && !--shim_fail_nth)
		return NULL;
	if (size == SIZE_MAX)
		return NULL;
	p = shim_alloc(size);
	if (p && (gfp & __GFP_ZERO))
		memset(p, 0, size);
	return p;
}

void kfree(const void *p)
{
	if (p)
		shim_free((void *)p);
}

void *krealloc(const void *p, size_t size, gfp_t gfp)
{
	size_t old = ksize(p);
	void *q;

	if (p && size <= old)
		return (void *)p;
	q = kmalloc(size, gfp);
	if (q && p)
		memcpy(q, p, old);
	if (q)
		kfree(p);
	return q;
}

void *kmemdup(const void *src, size_t len, gfp_t gfp)
{
	void *p = kmalloc(len, gfp);

	if (p)
		memcpy(p, src, len);
	return p;
}

char *kstrdup(const char *s, gfp_t gfp)
{
	return s ? kmemdup(s, strlen(s) + 1, gfp) : NULL;
}

char *kasprintf(gfp_t gfp, const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	p = kmalloc(n + 1, gfp);
	if (!p)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void get_random_bytes(void *buf, size_t len)
{
	arc4random_buf(buf, len);
}

u32 get_random_u32(void)
{
	return arc4random();
}

u64 get_random_u64(void)
{
	return ((u64)arc4random() << 32) | arc4random();
}
