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

static int shim_cache_class(unsigned int size, unsigned int align)
{
	return -1;
}

static void *shim_cache_alloc(const struct kmem_cache *s)
{
	if (s->align <= 16)
		return malloc(s->size);
	return aligned_alloc(s->align, s->size);
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

/*
 * A slab cache's size class: the smallest that holds @size bytes at
 * @align (slabs are 2 MiB-aligned, so a class whose size is a multiple
 * of @align keeps every object aligned); -1 for none (too large).
 */
static int shim_cache_class(unsigned int size, unsigned int align)
{
	unsigned int c;

	if (size > SLAB_MAX)
		return -1;
	for (c = slab_class_for(size); c < SLAB_CLASSES; c++) {
		if (!(slab_size[c] % align))
			return c;
	}
	return -1;
}

static void *shim_cache_alloc(const struct kmem_cache *s)
{
	int c = s->cls;

	if (c < 0)
		return aligned_alloc(max(s->align, 4096U), round_up(s->size, 4096));
	if (!slab_cache.n[c] && !slab_refill(c))	/* arena used up */
		return aligned_alloc(max(s->align, 16U), round_up(s->size, 16));
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

/* ---- slab caches ---- */

struct kmem_cache *kmem_cache_create(const char *name, unsigned int size,
				     unsigned int align, slab_flags_t flags,
				     void (*ctor)(void *obj))
{
	struct kmem_cache *s;
	unsigned int a = max(align, 8U);

	might_sleep();
	if (!name || !size || size > KMALLOC_MAX_SIZE ||
	    WARN_ON(align && !is_power_of_2(align)))
		return NULL;
	if (flags & SLAB_HWCACHE_ALIGN) {
		unsigned int ralign = 64;

		while (size <= ralign / 2)
			ralign /= 2;
		a = max(a, ralign);
	}
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return NULL;
	s->name = kstrdup(name, GFP_KERNEL);
	if (!s->name) {
		kfree(s);
		return NULL;
	}
	s->object_size = size;
	s->align = a;
	s->size = round_up(size, a);
	s->flags = flags;
	s->ctor = ctor;
	s->cls = shim_cache_class(s->size, a);
	return s;
}

void kmem_cache_destroy(struct kmem_cache *s)
{
	long live;

	if (!s)
		return;
	might_sleep();
	live = __atomic_load_n(&s->live, __ATOMIC_ACQUIRE);
	/* As the kernel: the cache stays, with its objects. */
	if (WARN(live, "%s %s: Slab cache still has objects (%ld)\n",
		 __func__, s->name, live))
		return;
	kfree(s->name);
	kfree(s);
}

void *kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp)
{
	void *p;

	might_alloc(gfp);
	if (unlikely(shim_fail_nth) && !--shim_fail_nth)
		return NULL;
	p = shim_cache_alloc(s);
	if (!p)
		return NULL;
	WARN_ON_ONCE(s->ctor && (gfp & __GFP_ZERO));
	if (gfp & __GFP_ZERO)
		memset(p, 0, s->object_size);
	else if (s->ctor)
		s->ctor(p);
	__atomic_add_fetch(&s->live, 1, __ATOMIC_RELAXED);
	return p;
}

void kmem_cache_free(struct kmem_cache *s, void *obj)
{
	if (!obj)
		return;
	/* Release: the object's last uses before a later destroy's check. */
	WARN_ON(__atomic_sub_fetch(&s->live, 1, __ATOMIC_RELEASE) < 0);
	shim_free(obj);
}

/* ---- shrinkers ---- */

#define SHRINK_BATCH	128

static LIST_HEAD(shrinker_list);
static pthread_mutex_t shrinker_lock = PTHREAD_MUTEX_INITIALIZER;

int register_shrinker(struct shrinker *s, const char *fmt, ...)
{
	va_list ap;
	char *name;
	int n;

	might_sleep();
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	name = kmalloc(n + 1, GFP_KERNEL);	/* the kernel's nr_deferred */
	if (!name)
		return -ENOMEM;
	va_start(ap, fmt);
	vsnprintf(name, n + 1, fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&shrinker_lock);
	if (WARN(s->flags & SHRINKER_REGISTERED,
		 "shim: shrinker %s registered twice\n", name)) {
		pthread_mutex_unlock(&shrinker_lock);
		kfree(name);
		return -EBUSY;
	}
	s->name = name;
	s->nr_deferred = 0;
	s->flags |= SHRINKER_REGISTERED;
	list_add_tail(&s->list, &shrinker_list);
	pthread_mutex_unlock(&shrinker_lock);
	return 0;
}

void unregister_shrinker(struct shrinker *s)
{
	char *name;

	if (!(s->flags & SHRINKER_REGISTERED))
		return;
	might_sleep();
	/* Waits for a scan in progress, as the kernel's shrinker_rwsem. */
	pthread_mutex_lock(&shrinker_lock);
	list_del(&s->list);
	s->flags &= ~SHRINKER_REGISTERED;
	name = s->name;
	s->name = NULL;
	pthread_mutex_unlock(&shrinker_lock);
	kfree(name);
}

/* One shrinker's share of a pass: the kernel's do_shrink_slab(). */
static unsigned long shim_do_shrink(struct shrinker *s, gfp_t gfp,
				    int priority)
{
	struct shrink_control sc = { .gfp_mask = gfp };
	long batch = s->batch ? s->batch : SHRINK_BATCH;
	long freeable, delta, total, scanned = 0, nr = s->nr_deferred;
	unsigned long freed = 0, ret;

	freeable = s->count_objects(s, &sc);
	if (!freeable || (unsigned long)freeable == SHRINK_EMPTY)
		return 0;
	s->nr_deferred = 0;
	delta = s->seeks ? (freeable >> priority) * 4 / s->seeks
			 : freeable / 2;
	total = min((nr >> priority) + delta, 2 * freeable);
	while (total >= batch || total >= freeable) {
		sc.nr_to_scan = min(batch, total);
		sc.nr_scanned = sc.nr_to_scan;
		ret = s->scan_objects(s, &sc);
		if (ret == SHRINK_STOP)
			break;
		freed += ret;
		total -= sc.nr_scanned;
		scanned += sc.nr_scanned;
	}
	s->nr_deferred = min(max(nr + delta - scanned, 0L), 2 * freeable);
	return freed;
}

unsigned long shim_shrink_slab(gfp_t gfp, int priority)
{
	struct shrinker *s;
	unsigned long freed = 0;

	might_sleep();
	priority = clamp(priority, 0, DEF_PRIORITY);
	pthread_mutex_lock(&shrinker_lock);
	list_for_each_entry(s, &shrinker_list, list)
		freed += shim_do_shrink(s, gfp, priority);
	pthread_mutex_unlock(&shrinker_lock);
	return freed;
}

unsigned int shim_nr_shrinkers(void)
{
	unsigned int n;

	pthread_mutex_lock(&shrinker_lock);
	n = list_count_nodes(&shrinker_list);
	pthread_mutex_unlock(&shrinker_lock);
	return n;
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
