// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of gosync's foundation: version query, command parsing, the
 * thread runner and the benchmark driver. Built as gosync_kunit.ko when the
 * kernel has KUnit; results appear in /sys/kernel/debug/kunit/<suite>/.
 */
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/seq_buf.h>
#include <linux/string.h>

#include <gosync/gosync.h>

#include "bench.h"
#include "internal.h"
#include "parse.h"
#include "runner.h"
#include "test.h"

static void gosync_version_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, gosync_version(), GOSYNC_VERSION_CODE);
	KUNIT_EXPECT_EQ(test, gosync_check_version(), 0);
	KUNIT_EXPECT_EQ(test, GOSYNC_VERSION(1, 2, 3), 0x010203U);
}

/* Parse @text with the test's parameter set; returns the errno. */
struct parse_fixture {
	u32 n32;
	u64 n64;
	char word[8];
	char out[256];
	struct seq_buf sb;
};

static int parse(struct kunit *test, struct parse_fixture *fx, const char *text)
{
	const struct gosync_param params[] = {
		GOSYNC_PARAM_U32("n32", &fx->n32, 1, 100, true),
		GOSYNC_PARAM_U64("n64", &fx->n64, 0, U64_MAX, false),
		GOSYNC_PARAM_STR("word", fx->word, false),
	};
	char *line = kunit_kzalloc(test, strlen(text) + 1, GFP_KERNEL);
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, line);
	strcpy(line, text);
	seq_buf_init(&fx->sb, fx->out, sizeof(fx->out));
	ret = gosync_parse_line(line, strlen(line), &fx->sb, "kunit");
	if (!ret)
		ret = gosync_parse_params(line, params, ARRAY_SIZE(params),
					  &fx->sb, "kunit");
	fx->out[min(seq_buf_used(&fx->sb), sizeof(fx->out) - 1)] = '\0';
	return ret;
}

static void gosync_parse_ok_test(struct kunit *test)
{
	struct parse_fixture fx = { .n64 = 7 };

	KUNIT_EXPECT_EQ(test, parse(test, &fx, "n32=5\n"), 0);
	KUNIT_EXPECT_EQ(test, fx.n32, 5U);
	KUNIT_EXPECT_EQ(test, fx.n64, 7ULL);	/* absent: untouched */
	KUNIT_EXPECT_STREQ(test, fx.out, "");

	KUNIT_EXPECT_EQ(test, parse(test, &fx,
				    " word=abcdefg\tn64=0xffffffffffffffff n32=100 "), 0);
	KUNIT_EXPECT_EQ(test, fx.n32, 100U);
	KUNIT_EXPECT_EQ(test, fx.n64, U64_MAX);
	KUNIT_EXPECT_STREQ(test, fx.word, "abcdefg");
}

static void gosync_parse_errors_test(struct kunit *test)
{
	static const struct {
		const char *line;
		int err;
		const char *msg;
	} cases[] = {
		{ "", -EINVAL, "empty command" },
		{ " \t\n", -EINVAL, "empty command" },
		{ "n32=1 bogus=2", -EINVAL, "unknown key 'bogus'" },
		{ "n32=1 n32=2", -EINVAL, "given twice" },
		{ "n32", -EINVAL, "is not key=value" },
		{ "=5", -EINVAL, "is not key=value" },
		{ "n64=5", -EINVAL, "missing key 'n32'" },
		{ "n32=five", -EINVAL, "is not an unsigned number" },
		{ "n32=-1", -EINVAL, "is not an unsigned number" },
		{ "n32=", -EINVAL, "is not an unsigned number" },
		{ "n32=0", -ERANGE, "outside [1, 100]" },
		{ "n32=101", -ERANGE, "outside [1, 100]" },
		{ "n32=1 n64=18446744073709551616", -EINVAL, "not an unsigned" },
		{ "n32=1 word=abcdefgh", -ENAMETOOLONG, "longer than 7 bytes" },
		{ "n32=1 word=", -EINVAL, "needs a value" },
		{ "n32=1\x01", -EINVAL, "byte 0x01 at offset 5" },
		{ "n32=1\x7f", -EINVAL, "byte 0x7f" },
		{ "n32=1\xc3\xa9", -EINVAL, "byte 0xc3" },
		{ "n32=1\n\n", -EINVAL, "byte 0x0a at offset 5" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct parse_fixture fx = {};

		KUNIT_EXPECT_EQ_MSG(test, parse(test, &fx, cases[i].line),
				    cases[i].err, "line '%s'", cases[i].line);
		KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(fx.out, cases[i].msg),
					  "line '%s' said '%s'", cases[i].line,
					  fx.out);
		KUNIT_EXPECT_EQ(test, strncmp(fx.out, "error: ", 7), 0);
	}
}

static void gosync_parse_embedded_nul_test(struct kunit *test)
{
	char buf[] = "n32=1\0x";
	struct seq_buf sb;
	char out[128];

	seq_buf_init(&sb, out, sizeof(out));
	KUNIT_EXPECT_EQ(test, gosync_parse_line(buf, sizeof(buf) - 1, &sb, "kunit"),
			-EINVAL);
}

static void gosync_next_token_test(struct kunit *test)
{
	char buf[] = "  store\tkey=1  value=2 ";
	char *line = buf;

	KUNIT_EXPECT_STREQ(test, gosync_next_token(&line), "store");
	KUNIT_EXPECT_STREQ(test, gosync_next_token(&line), "key=1");
	KUNIT_EXPECT_STREQ(test, gosync_next_token(&line), "value=2");
	KUNIT_EXPECT_NULL(test, gosync_next_token(&line));
	KUNIT_EXPECT_NULL(test, gosync_next_token(&line));
}

static int runner_count_body(struct gosync_run_thread *t)
{
	atomic_t *started = t->run->data;

	atomic_inc(started);
	do {
		t->ops++;
	} while (gosync_run_continue(t));
	return 0;
}

static int runner_fail_body(struct gosync_run_thread *t)
{
	return t->id == 0 ? -EBADMSG : 0;
}

static void gosync_runner_test(struct kunit *test)
{
	unsigned int n = num_online_cpus(), i, j;
	atomic_t started = ATOMIC_INIT(0);
	struct gosync_run run = {
		.name = "kunit", .nr_threads = n, .duration_ms = 50,
		.body = runner_count_body, .data = &started,
	};

	KUNIT_ASSERT_EQ(test, gosync_run_threads(&run), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&started), (int)n);
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_GT(test, run.threads[i].ops, 0ULL);
		KUNIT_EXPECT_GT(test, run.threads[i].elapsed_ns, 0ULL);
		KUNIT_EXPECT_TRUE(test, cpu_online(run.threads[i].cpu));
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_NE(test, run.threads[i].cpu, run.threads[j].cpu);
	}
	gosync_run_free(&run);
}

static void gosync_runner_errors_test(struct kunit *test)
{
	struct gosync_run run = {
		.name = "kunit", .duration_ms = 10, .body = runner_fail_body,
	};

	run.nr_threads = 0;
	KUNIT_EXPECT_EQ(test, gosync_run_threads(&run), -EINVAL);
	gosync_run_free(&run);
	run.nr_threads = num_online_cpus() + 1;
	KUNIT_EXPECT_EQ(test, gosync_run_threads(&run), -EINVAL);
	gosync_run_free(&run);
	/* A run to completion: unbound, up to GOSYNC_RUN_THREADS_MAX. */
	run.duration_ms = 0;
	run.nr_threads = GOSYNC_RUN_THREADS_MAX + 1;
	KUNIT_EXPECT_EQ(test, gosync_run_threads(&run), -EINVAL);
	gosync_run_free(&run);
	run.nr_threads = 1;
	KUNIT_EXPECT_EQ(test, gosync_run_threads(&run), -EBADMSG);
	gosync_run_free(&run);
	run.nr_threads = num_online_cpus();
	run.duration_ms = 10;
	KUNIT_EXPECT_EQ(test, gosync_run_threads(&run), -EBADMSG);
	gosync_run_free(&run);
}

static void gosync_bench_test(struct kunit *test)
{
	const struct gosync_bench_case *c;
	struct gosync_bench_result res = {};

	KUNIT_EXPECT_NULL(test, gosync_bench_find("counter", "inc", "nope"));
	c = gosync_bench_find("counter", "inc", "percpu");
	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_ASSERT_NOT_NULL(test, gosync_bench_find("counter", "inc", "atomic_long"));

	KUNIT_ASSERT_EQ(test, gosync_bench_run(c, 1, 20, &res), 0);
	KUNIT_EXPECT_EQ(test, res.threads, 1U);
	KUNIT_EXPECT_GT(test, res.ops, 0ULL);
	KUNIT_EXPECT_GT(test, res.ops_per_sec, 0ULL);
	/* One thread: ns_per_op is the inverse of the rate. */
	KUNIT_EXPECT_EQ(test, res.ns_per_op, div64_u64(NSEC_PER_SEC, res.ops_per_sec));
	KUNIT_EXPECT_EQ(test, gosync_bench_run(c, num_online_cpus() + 1, 20, &res),
			-EINVAL);
}

static struct kunit_case gosync_core_cases[] = {
	KUNIT_CASE(gosync_version_test),
	KUNIT_CASE(gosync_parse_ok_test),
	KUNIT_CASE(gosync_parse_errors_test),
	KUNIT_CASE(gosync_parse_embedded_nul_test),
	KUNIT_CASE(gosync_next_token_test),
	KUNIT_CASE(gosync_runner_test),
	KUNIT_CASE(gosync_runner_errors_test),
	KUNIT_CASE(gosync_bench_test),
	{}
};

static struct kunit_suite gosync_core_suite = {
	.name = "gosync_core",
	.test_cases = gosync_core_cases,
};

kunit_test_suite(gosync_core_suite);

GOSYNC_IMPORT_NS();
GOSYNC_IMPORT_NS_INTERNAL();
GOSYNC_IMPORT_NS_KUNIT();
GOSYNC_IMPORT_NS_TEST();
MODULE_DESCRIPTION("KUnit tests of gosync's foundation");
MODULE_LICENSE("GPL");
