// SPDX-License-Identifier: GPL-2.0
/*
 * The fuzz harness's own faults: a command file whose exec() misbehaves
 * as told by the first byte of the command. make fuzz-selftest feeds it
 * one command per fault through fuzz/run.sh and passes only if each run
 * is a FAIL, so that a PASS of the real targets means something:
 *
 *	o  writes one byte past a heap buffer (ASan)
 *	u  shifts a signed int into its sign bit (UBSan)
 *	e  fails with an errno the file does not document (fuzz.h)
 *	r  fails without saying "error: " (fuzz.h)
 *	n  prints a line without its newline (fuzz.h)
 *	w  WARNs (the shim's splat count, fuzz.h)
 *	l  leaks what it allocates (LeakSanitizer)
 *
 * Any other command succeeds quietly, as a parser does.
 */
#include <linux/kernel.h>
#include <linux/slab.h>

#include "../fuzz.h"

static const int planted_errnos[] = { -EINVAL };

static int planted_exec(char *line, struct seq_buf *out)
{
	int shift = 30 + (line[0] == 'u');
	char *p;

	switch (line[0]) {
	case 'o':
		p = kmalloc(strlen(line), GFP_KERNEL);
		if (!p)
			return -EINVAL;
		strcpy(p, line);	/* the NUL lands past the end */
		seq_buf_printf(out, "%s\n", p);
		kfree(p);
		return 0;
	case 'u':
		seq_buf_printf(out, "%d\n", 1 << shift);
		return 0;
	case 'e':
		gosync_report(out, "planted", "errno");
		return -EBADF;
	case 'r':
		seq_buf_printf(out, "no\n");
		return -EINVAL;
	case 'n':
		seq_buf_printf(out, "done");
		return 0;
	case 'w':
		WARN_ON(line[0] == 'w');
		return 0;
	case 'l':
		p = kmalloc(32, GFP_KERNEL);
		seq_buf_printf(out, "lost %p\n", p);
		return 0;
	}
	return 0;
}

int fuzz_initialize(int *argc, char ***argv)
{
	fuzz_init();
	return 0;
}

int fuzz_one_input(const u8 *data, size_t size)
{
	fuzz_write(data, size, planted_exec, "planted", planted_errnos,
		   ARRAY_SIZE(planted_errnos), true);
	return 0;
}
