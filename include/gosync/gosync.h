/* SPDX-License-Identifier: GPL-2.0 */
/**
 * DOC: gosync
 *
 * Go's concurrency patterns for kernel code. ``#include <gosync/gosync.h>``
 * (each primitive's header includes it).
 *
 * gosync.ko is a library module. Other modules call its exported symbols,
 * which live in the symbol namespace GOSYNC. A user module includes the
 * header of the primitive it needs from include/gosync/, imports the
 * namespace once with GOSYNC_IMPORT_NS(), and lists gosync's
 * Module.symvers in KBUILD_EXTRA_SYMBOLS when it builds (see README.md).
 * Every exported function is documented on its prototype in its header,
 * with the contexts it may be called from and what it returns; errors are
 * negative errno values, and gosync never BUG()s on a caller's mistake.
 *
 * This header holds what every user shares: the version of the API the
 * caller was compiled against, and a check that the loaded gosync.ko
 * provides it.
 *
 * Debugfs and tracepoints: what a driver author sees of gosync at run
 * time. Every named object (a pool or breaker given a name in its opts, a
 * map given one in its opts, a barrier or phaser named with
 * gosync_barrier_set_name() or gosync_phaser_set_name()) appears, while it
 * exists, as ``/sys/kernel/debug/gosync/<kind>/<name>/stats`` (kind: pool,
 * breaker, map, barrier, phaser): its state and counters as key=value
 * lines, never an address, as /proc/slabinfo shows caches. A name has 1
 * to %GOSYNC_NAME_MAX - 1 printable characters and no '/'; an object with
 * another name, or whose name a live object of the same kind already
 * shows, works as usual and does not appear. A reader of a stats file
 * whose object is destroyed gets -ENOENT; destroy waits for a read in
 * progress. The tracepoints, system "gosync" in tracefs, record breaker
 * state changes, map resizes and reseeds, pool shrinks, drains and steals,
 * barrier breaks and resets, phaser advances and terminations, each with
 * the object's name (cut to %GOSYNC_NAME_MAX - 1 bytes; "" if it has
 * none), the runs of a once's function (named by the function) and
 * the cancellations of contexts; README.md lists their fields. Disabled, each costs one
 * patched-out jump.
 *
 * Versioning: the major number changes when an exported symbol changes its
 * meaning or signature, or a structure a caller embeds (struct
 * gosync_map, gosync_breaker, ...) changes its layout; the minor number
 * when symbols are added. A module built against major M and minor m works
 * with any loaded gosync.ko of major M and minor >= m.
 */
#ifndef _GOSYNC_GOSYNC_H
#define _GOSYNC_GOSYNC_H

#include <linux/errno.h>
#include <linux/module.h>
#include <linux/types.h>
#include <linux/version.h>

#define GOSYNC_VERSION_MAJOR	2
#define GOSYNC_VERSION_MINOR	3
#define GOSYNC_VERSION_PATCH	0

/*
 * Longest name of a gosync object, with its NUL, that its debugfs entry
 * and its trace events show (see README.md, "Tracepoints and debugfs").
 */
#define GOSYNC_NAME_MAX		32

/* An object's debugfs entry; private to gosync.ko. */
struct gosync_face;

/**
 * GOSYNC_VERSION() - pack a gosync version into one u32
 * @major: major number, 0..255
 * @minor: minor number, 0..255
 * @patch: patch number, 0..255
 */
#define GOSYNC_VERSION(major, minor, patch) \
	(((u32)(major) << 16) | ((u32)(minor) << 8) | (u32)(patch))

/* The version of the headers a module is compiled against. */
#define GOSYNC_VERSION_CODE \
	GOSYNC_VERSION(GOSYNC_VERSION_MAJOR, GOSYNC_VERSION_MINOR, \
		       GOSYNC_VERSION_PATCH)

/*
 * Symbol namespaces are bare identifiers up to 6.12 and string literals
 * from 6.13 on. __GOSYNC_NS() is the one place that knows; everything that
 * names a namespace (imports here, exports in kmod/internal.h) goes
 * through it.
 */
#if LINUX_VERSION_MAJOR > 6 || \
	(LINUX_VERSION_MAJOR == 6 && LINUX_VERSION_PATCHLEVEL >= 13)
#define __GOSYNC_NS(ns)		#ns
#else
#define __GOSYNC_NS(ns)		ns
#endif

/**
 * GOSYNC_IMPORT_NS() - import gosync's symbol namespace
 *
 * Put ``GOSYNC_IMPORT_NS();`` once in every module that calls gosync: it
 * is MODULE_IMPORT_NS(GOSYNC), spelled as the kernel being built wants it.
 */
#define GOSYNC_IMPORT_NS()	MODULE_IMPORT_NS(__GOSYNC_NS(GOSYNC))

/**
 * gosync_version() - version of the loaded gosync.ko
 *
 * Context: any context.
 * Return: the version packed as GOSYNC_VERSION(major, minor, patch).
 */
u32 gosync_version(void);

/**
 * gosync_check_version() - check the loaded gosync.ko against our headers
 *
 * Call it from a user module's init function to refuse to load against a
 * gosync.ko that does not provide the API the module was compiled for.
 *
 * Context: any context.
 * Return: 0 if compatible, -EPROTO if the major numbers differ or the
 * loaded minor number is older than the one compiled against.
 */
static inline int gosync_check_version(void)
{
	u32 v = gosync_version();

	/* v >> 8 is major.minor; the major numbers are equal past the || */
	if ((v >> 16) != GOSYNC_VERSION_MAJOR ||
	    (v >> 8) < (GOSYNC_VERSION_MAJOR << 8 | GOSYNC_VERSION_MINOR))
		return -EPROTO;
	return 0;
}

#endif /* _GOSYNC_GOSYNC_H */
