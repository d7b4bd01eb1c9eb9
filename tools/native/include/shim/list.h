/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Doubly linked lists and hash lists: the kernel's own <linux/list.h>,
 * read from linux-source (see shim/kernel.h). The structures are those of
 * <linux/types.h>, whose other types the C library has too. list_del()
 * poisons with x86-64's CONFIG_ILLEGAL_POINTER_VALUE, so a later use of
 * the entry's pointers faults. No CONFIG_DEBUG_LIST checks.
 */
#ifndef _SHIM_LIST_H
#define _SHIM_LIST_H

#include <shim/kernel.h>
#include <shim/atomic.h>

struct list_head {
	struct list_head *next, *prev;
};

struct hlist_head {
	struct hlist_node *first;
};

struct hlist_node {
	struct hlist_node *next, **pprev;
};

#define CONFIG_ILLEGAL_POINTER_VALUE	0xdead000000000000
#include <ksrc/include/linux/poison.h>
#include <ksrc/include/linux/list.h>

#endif /* _SHIM_LIST_H */
