// SPDX-License-Identifier: GPL-2.0
/*
 * Runs every KUnit suite linked in, natively, and prints KTAP as the
 * kernel does. "kunit [glob]" runs the cases whose "suite.case" matches.
 * A case fails on a failed expectation, a WARN splat while it ran, or a
 * timeout (which ends the program: a hung case cannot be cleaned up).
 * The exit status is 0 only if no case failed and no splat happened.
 * KUNIT_REPEAT=N runs each case N times (a case fails if one run fails):
 * more interleavings for the sanitizers to see.
 */
#include <fnmatch.h>
#include <unistd.h>

#include <kunit/test.h>
#include <shim/native.h>

void kunit_cleanup_shim(struct kunit *test);

extern struct kunit_suite *const __start_kunit_suites_shim[];
extern struct kunit_suite *const __stop_kunit_suites_shim[];

struct case_run {
	struct kunit *test;
	struct kunit_suite *suite;
	struct kunit_case *kcase;
	bool done;
	pthread_mutex_t lock;
	pthread_cond_t cond;
};

static void case_finished(struct case_run *r)
{
	pthread_mutex_lock(&r->lock);
	r->done = true;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
}

static void case_cleanup(void *arg)
{
	case_finished(arg);
}

static void *case_body(void *arg)
{
	struct case_run *r = arg;

	pthread_cleanup_push(case_cleanup, r);
	if (r->suite->init && r->suite->init(r->test))
		kunit_fail_shim(r->test, __FILE__, __LINE__, false, "suite init failed");
	else
		r->kcase->run_case(r->test);
	pthread_cleanup_pop(1);
	return NULL;
}

static void *case_exit(void *arg)
{
	struct case_run *r = arg;

	pthread_cleanup_push(case_cleanup, r);
	if (r->suite->exit)
		r->suite->exit(r->test);
	pthread_cleanup_pop(1);
	return NULL;
}

/* Run @fn in a thread of its own; false if it did not finish in time. */
static bool run_in_thread(struct case_run *r, void *(*fn)(void *), unsigned int secs)
{
	struct timespec ts;
	pthread_t th;
	bool done;

	r->done = false;
	if (native_thread_create(&th, fn, r)) {
		kunit_fail_shim(r->test, __FILE__, __LINE__, false, "cannot start a thread");
		return true;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += secs;
	pthread_mutex_lock(&r->lock);
	while (!r->done && pthread_cond_timedwait(&r->cond, &r->lock, &ts) != ETIMEDOUT)
		;
	done = r->done;
	pthread_mutex_unlock(&r->lock);
	if (done)
		pthread_join(th, NULL);
	return done;
}

int main(int argc, char **argv)
{
	const char *glob = argc > 1 ? argv[1] : "*";
	unsigned int timeout = getenv("KUNIT_TIMEOUT") ? atoi(getenv("KUNIT_TIMEOUT")) : 300;
	unsigned int repeat = getenv("KUNIT_REPEAT") ? atoi(getenv("KUNIT_REPEAT")) : 1;
	struct kunit_suite *const *sp;
	unsigned int pass = 0, fail = 0, skip = 0, nsuites = 0, si = 0;
	unsigned long warns;

	setvbuf(stdout, NULL, _IOLBF, 0);
	native_init();
	for (sp = __start_kunit_suites_shim; sp < __stop_kunit_suites_shim; sp++)
		nsuites++;
	printf("KTAP version 1\n1..%u\n", nsuites);

	for (sp = __start_kunit_suites_shim; sp < __stop_kunit_suites_shim; sp++) {
		struct kunit_suite *s = *sp;
		struct kunit_case *c;
		unsigned int n = 0, i = 0, sfail = 0;
		char name[512];

		for (c = s->test_cases; c->run_case; c++)
			n++;
		printf("    KTAP version 1\n    # Subtest: %s\n    1..%u\n", s->name, n);
		if (s->suite_init && s->suite_init(s)) {
			printf("not ok %u %s # suite_init failed\n", ++si, s->name);
			fail++;
			continue;
		}
		for (c = s->test_cases; c->run_case; c++) {
			enum kunit_status status = KUNIT_SUCCESS;
			char comment[256] = "";
			u64 t0 = ktime_get_ns();
			unsigned int rep;

			i++;
			snprintf(name, sizeof(name), "%s.%s", s->name, c->name);
			if (fnmatch(glob, name, 0)) {
				printf("    ok %u %s # SKIP not selected\n", i, c->name);
				skip++;
				continue;
			}
			for (rep = 0; rep < repeat && status != KUNIT_FAILURE; rep++) {
				struct kunit test = { .name = c->name };
				struct case_run r = { .test = &test, .suite = s, .kcase = c };
				unsigned long before = native_warnings();

				pthread_mutex_init(&test.lock, NULL);
				pthread_mutex_init(&r.lock, NULL);
				pthread_cond_init(&r.cond, NULL);
				if (!run_in_thread(&r, case_body, timeout) ||
				    !run_in_thread(&r, case_exit, timeout)) {
					printf("    not ok %u %s # TIMEOUT after %u s\n", i,
					       c->name, timeout);
					printf("not ok %u %s\n", ++si, s->name);
					fflush(stdout);
					_exit(1);
				}
				kunit_cleanup_shim(&test);
				if (native_warnings() != before) {
					test.status = KUNIT_FAILURE;
					printf("    # %s: %lu WARN splat(s) while it ran\n",
					       c->name, native_warnings() - before);
				}
				if (test.status != KUNIT_SUCCESS) {
					status = test.status;
					memcpy(comment, test.status_comment, sizeof(comment));
				}
			}
			switch (status) {
			case KUNIT_SUCCESS:
				printf("    ok %u %s # %.2f s\n", i, c->name,
				       (ktime_get_ns() - t0) / 1e9);
				pass++;
				break;
			case KUNIT_SKIPPED:
				printf("    ok %u %s # SKIP %s\n", i, c->name, comment);
				skip++;
				break;
			default:
				printf("    not ok %u %s\n", i, c->name);
				fail++;
				sfail++;
				break;
			}
		}
		if (s->suite_exit)
			s->suite_exit(s);
		printf("%sok %u %s\n", sfail ? "not " : "", ++si, s->name);
	}
	warns = native_exit();
	if (warns)
		printf("# %lu WARN splat(s) in all\n", warns);
	printf("# kunit: %u passed, %u failed, %u skipped\n", pass, fail, skip);
	return fail || warns ? 1 : 0;
}
