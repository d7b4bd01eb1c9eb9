// SPDX-License-Identifier: GPL-2.0
/*
 * The race windows of gosync.ko (kmod/internal.h), widened from userspace:
 * /sys/kernel/debug/gosync_test/race/windows.
 *
 * Its command files, their grammar and what each run checks are
 * documented for their users in kmod/test/README.md, "race".
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/seq_buf.h>
#include <linux/string.h>

#include "cmdfile.h"
#include "internal.h"
#include "parse.h"
#include "test.h"

static int race_list(struct seq_buf *out)
{
	unsigned int i, us;
	u64 hits;
	int ret;

	for (i = 0; i < GOSYNC_RACE_NR; i++) {
		ret = __gosync_race_stat(i, &us, &hits);
		if (ret)
			return ret;
		seq_buf_printf(out, "%s delay_us=%u hits=%llu\n",
			       __gosync_race_name(i), us, hits);
	}
	return 0;
}

static int race_clear(void)
{
	unsigned int i;
	int ret;

	for (i = 0; i < GOSYNC_RACE_NR; i++) {
		ret = __gosync_race_set_delay(i, 0);
		if (ret)
			return ret;
	}
	return 0;
}

static int race_set(char *line, struct seq_buf *out, const char *who)
{
	char name[24] = "";
	u32 us = 0;
	const struct gosync_param params[] = {
		GOSYNC_PARAM_STR("window", name, true),
		GOSYNC_PARAM_U32("delay_us", &us, 0, GOSYNC_RACE_DELAY_MAX, true),
	};
	unsigned int i;
	int ret;

	ret = gosync_parse_params(line, params, ARRAY_SIZE(params), out, who);
	if (ret)
		return ret;
	for (i = 0; i < GOSYNC_RACE_NR; i++)
		if (!strcmp(name, __gosync_race_name(i)))
			return __gosync_race_set_delay(i, us);
	gosync_report(out, who, "no window '%s' (see list)", name);
	return -ENOENT;
}

static int race_exec(struct gosync_cmd_file *f, char *line,
		     struct seq_buf *out)
{
	char *verb = gosync_next_token(&line);
	int ret;

	if (verb && !strcmp(verb, "set"))
		ret = race_set(line, out, f->who);
	else if (verb && !strcmp(verb, "clear"))
		ret = race_clear();
	else if (verb && !strcmp(verb, "list"))
		ret = gosync_parse_params(line, NULL, 0, out, f->who);
	else
		ret = -EINVAL;
	if (ret == -EINVAL && !seq_buf_used(out))
		gosync_report(out, f->who, "unknown verb '%s' (list, set, clear)",
			      verb ?: "");
	if (ret == -EOPNOTSUPP)
		gosync_report(out, f->who,
			      "gosync.ko has no race windows (built for installation)");
	if (ret)
		return ret;
	return race_list(out);
}

/* No stress run may leave a window widened behind. */
static void race_exit(void)
{
	race_clear();
}

DEFINE_GOSYNC_COMPONENT(race) = {
	.name = "race",
	.files = (struct gosync_cmd_file []){
		{ .name = "windows", .exec = race_exec },
		{}
	},
	.exit = race_exit,
};
