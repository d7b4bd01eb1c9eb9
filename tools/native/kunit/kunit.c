// SPDX-License-Identifier: GPL-2.0
/* KUnit in userspace: results, logging, managed memory. See <kunit/test.h>. */
#include <kunit/test.h>

struct kunit_resource_shim {
	struct kunit_resource_shim *next;
	void *p;
};

void kunit_log_shim(struct kunit *test, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printf("    # %s: %s%s", test->name, buf,
	       buf[0] && buf[strlen(buf) - 1] == '\n' ? "" : "\n");
	fflush(stdout);
}

void kunit_abort_shim(struct kunit *test)
{
	pthread_exit(NULL);
}

void kunit_fail_shim(struct kunit *test, const char *file, int line,
		     bool assert, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&test->lock);
	test->status = KUNIT_FAILURE;
	pthread_mutex_unlock(&test->lock);
	printf("    # %s: %s:%d\n    %s%s\n", test->name, file, line, buf,
	       assert ? "\n    (assertion: the case stops here)" : "");
	fflush(stdout);
	if (assert)
		kunit_abort_shim(test);
}

void kunit_mark_skipped_shim(struct kunit *test, bool abort, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&test->lock);
	if (test->status == KUNIT_SUCCESS)
		test->status = KUNIT_SKIPPED;
	va_start(ap, fmt);
	vsnprintf(test->status_comment, sizeof(test->status_comment), fmt, ap);
	va_end(ap);
	pthread_mutex_unlock(&test->lock);
	if (abort)
		kunit_abort_shim(test);
}

void *kunit_kmalloc_array(struct kunit *test, size_t n, size_t size, gfp_t gfp)
{
	struct kunit_resource_shim *r = malloc(sizeof(*r));
	void *p = kmalloc_array(n, size, gfp);

	if (!r || !p) {
		free(r);
		kfree(p);
		return NULL;
	}
	r->p = p;
	pthread_mutex_lock(&test->lock);
	r->next = test->resources;
	test->resources = r;
	pthread_mutex_unlock(&test->lock);
	return p;
}

void kunit_kfree(struct kunit *test, const void *p)
{
	struct kunit_resource_shim **pp, *r;

	pthread_mutex_lock(&test->lock);
	for (pp = &test->resources; (r = *pp); pp = &r->next) {
		if (r->p == p) {
			*pp = r->next;
			kfree(r->p);
			free(r);
			break;
		}
	}
	pthread_mutex_unlock(&test->lock);
}

/* Free what kunit_kmalloc*() gave, after the suite's exit(). */
void kunit_cleanup_shim(struct kunit *test)
{
	struct kunit_resource_shim *r;

	while ((r = test->resources)) {
		test->resources = r->next;
		kfree(r->p);
		free(r);
	}
}
