/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The parse-only fuzz target of a run or stress file whose arguments are
 * a struct gosync_args (kmod/test/parse.h). A target defines FUZZ_ARGS,
 * the spec, and FUZZ_WHO, the file's message prefix, then includes this.
 *
 * The input is one write(2), checked by gosync_parse_line() and parsed by
 * gosync_args_parse(), what the file's exec() does before it starts
 * anything; no run starts here. An accepted command must hold arguments a
 * run can use: every value within the bounds its key declares, or the
 * default of a key not given (after the spec's check() filled in those
 * that depend on others), every enum one of its words.
 */
#ifndef _GOSYNC_FUZZ_ARGS_H
#define _GOSYNC_FUZZ_ARGS_H

#include <linux/cpumask.h>
#include <linux/kernel.h>

#include "fuzz.h"

static const int fuzz_args_errnos[] = {
	-EINVAL, -ERANGE, -ENAMETOOLONG, -EOPNOTSUPP,
};

static u8 fuzz_args[1024];

static int fuzz_args_exec(char *line, struct seq_buf *out)
{
	/* Scribble first: the parser must set every field. */
	memset(fuzz_args, 0xa5, sizeof(fuzz_args));
	return gosync_args_parse(&FUZZ_ARGS, line, fuzz_args, out, FUZZ_WHO);
}

/* The number at offset @off of @a, a u32 or (@wide) a u64. */
static u64 fuzz_args_num(const u8 *a, size_t off, bool wide)
{
	u64 v;

	if (wide) {
		memcpy(&v, a + off, sizeof(v));
		return v;
	}
	return *(const u32 *)(a + off);
}

static void fuzz_args_check(const struct gosync_args *spec, const u8 *a)
{
	static const u8 zeros[sizeof(fuzz_args)];
	const u8 *dflt = spec->defaults ? spec->defaults : zeros;
	unsigned int i;

	for (i = 0; i < spec->nr; i++) {
		const struct gosync_param *p = &spec->params[i];
		bool wide = p->type == GOSYNC_PARAM_U64;
		u64 v, max = p->cpus ? num_online_cpus() : p->max;

		FUZZ_CHECK(!p->dst && p->off < spec->size);
		if (p->type == GOSYNC_PARAM_STR) {
			FUZZ_CHECK(memchr(a + p->off, '\0', p->size));
			continue;
		}
		v = fuzz_args_num(a, p->off, wide);
		/* In bounds, or the default of a key not given (0: none). */
		FUZZ_CHECK(v == fuzz_args_num(dflt, p->off, wide) ||
			   (v <= max && (p->type == GOSYNC_PARAM_ENUM ||
					 v >= p->min)));
	}
}

int fuzz_initialize(int *argc, char ***argv)
{
	fuzz_init();
	FUZZ_CHECK(FUZZ_ARGS.size <= sizeof(fuzz_args));
	return 0;
}

int fuzz_one_input(const u8 *data, size_t size)
{
	if (!fuzz_write(data, size, fuzz_args_exec, FUZZ_WHO,
			fuzz_args_errnos, ARRAY_SIZE(fuzz_args_errnos), true))
		fuzz_args_check(&FUZZ_ARGS, fuzz_args);
	return 0;
}

#endif /* _GOSYNC_FUZZ_ARGS_H */
