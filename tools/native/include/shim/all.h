/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every shimmed <linux/...> header includes: the whole shim. The
 * kernel splits these APIs over many headers; a program needs them all
 * anyway, and one include keeps the shim in a few files a reader can
 * hold in mind. The list of header names is in tools/native/Makefile.
 */
#ifndef _SHIM_ALL_H
#define _SHIM_ALL_H

#include <shim/kernel.h>
#include <shim/atomic.h>
#include <shim/list.h>
#include <shim/sched.h>
#include <shim/rcu.h>
#include <shim/mm.h>
#include <shim/workqueue.h>
#include <shim/trace.h>

/* Kernel-only objects the library code may name but never use here. */
struct dentry;
struct seq_file;
struct file;
struct inode;

#endif /* _SHIM_ALL_H */
