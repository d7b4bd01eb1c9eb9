// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's own library code, compiled as it is from linux-source (see
 * shim/kernel.h): character classes, number parsing (every kstrto*()),
 * hex conversion, seq_buf, and the string helpers the kernel ships for
 * userspace programs (tools/lib/string.c: skip_spaces(), strim(),
 * memchr_inv()). The debugfs parsers depend on these exactly; the fuzzers
 * run them here. They are built with the kernel's warnings (its Makefile
 * has -Wno-pointer-sign).
 */
#pragma GCC diagnostic ignored "-Wpointer-sign"
#include <ksrc/lib/ctype.c>
#include <ksrc/lib/kstrtox.c>
#include <ksrc/lib/hexdump.c>
#include <ksrc/lib/seq_buf.c>
/* Its strtobool() is the kernel's kstrtobool() here (<linux/kstrtox.h>). */
#define strtobool tools_strtobool
#include <ksrc/tools/lib/string.c>
