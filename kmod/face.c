// SPDX-License-Identifier: GPL-2.0
/*
 * The library's face in debugfs: every named object, while it exists, as
 * /sys/kernel/debug/gosync/<kind>/<name>/stats, key=value lines of its
 * state and counters (README.md, "Tracepoints and debugfs"). Nothing
 * printed is an address.
 *
 * Lifetime. A struct gosync_face is refcounted: the object holds one
 * reference from __gosync_face_add() to __gosync_face_del(), and each
 * open stats file one. gosync_face_lock serializes adding, deleting,
 * opening and showing. Deleting, under the lock, clears @obj and the
 * stats inode's i_private, and only then removes the directory and drops
 * the object's reference; so an open that raced with it finds i_private
 * NULL (-ENOENT), a show on a file opened before it finds @obj NULL
 * (-ENOENT), and a show in progress finishes before the object's destroy
 * goes on. A reader therefore gets the stats or ENOENT, never a freed
 * object. The files are created with debugfs_create_file_unsafe():
 * debugfs's own removal protection (waiting in debugfs_remove() for
 * readers in a file operation) would only add an -EIO window, and the
 * fops' owner keeps gosync.ko loaded while a file is open.
 *
 * Names: 1 to GOSYNC_NAME_MAX - 1 printable characters, no '/', not "."
 * or "..". An object with another name, or whose name another live object
 * of its kind already shows, works as usual and does not appear.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "internal.h"

struct gosync_face {
	struct kref ref;
	struct list_head node;		/* in gosync_faces */
	struct gosync_face_kind *kind;
	const void *obj;		/* NULL once deleted */
	struct dentry *dir;
	struct dentry *stats;
	char name[GOSYNC_NAME_MAX];
};

static DEFINE_MUTEX(gosync_face_lock);
static LIST_HEAD(gosync_faces);

/* The kinds (DEFINE_GOSYNC_FACE_KIND()), listed by Kbuild. */
#include "gosync_faces.h"
static struct gosync_face_kind *const gosync_face_kinds[] = { GOSYNC_FACE_KINDS };

static void gosync_face_free(struct kref *ref)
{
	kfree(container_of(ref, struct gosync_face, ref));
}

static void gosync_face_put(struct gosync_face *f)
{
	kref_put(&f->ref, gosync_face_free);
}

static int gosync_face_show(struct seq_file *m, void *unused)
{
	struct gosync_face *f = m->private;
	int ret = 0;

	mutex_lock(&gosync_face_lock);
	if (f->obj)
		f->kind->show(m, f->obj);
	else
		ret = -ENOENT;
	mutex_unlock(&gosync_face_lock);
	return ret;
}

static int gosync_face_open(struct inode *inode, struct file *file)
{
	struct gosync_face *f;
	int ret;

	mutex_lock(&gosync_face_lock);
	f = inode->i_private;
	if (f)
		kref_get(&f->ref);
	mutex_unlock(&gosync_face_lock);
	if (!f)
		return -ENOENT;
	ret = single_open(file, gosync_face_show, f);
	if (ret)
		gosync_face_put(f);
	return ret;
}

static int gosync_face_release(struct inode *inode, struct file *file)
{
	struct gosync_face *f = ((struct seq_file *)file->private_data)->private;
	int ret = single_release(inode, file);

	gosync_face_put(f);
	return ret;
}

static const struct file_operations gosync_face_fops = {
	.owner = THIS_MODULE,
	.open = gosync_face_open,
	.read_iter = seq_read_iter,	/* kernel_read() needs it */
	.llseek = seq_lseek,
	.release = gosync_face_release,
};

/* Is @name one an entry may have? See the header comment. */
static bool gosync_face_name_ok(const char *name)
{
	size_t i, len = strnlen(name, GOSYNC_NAME_MAX);

	if (!len || len == GOSYNC_NAME_MAX || !strcmp(name, ".") ||
	    !strcmp(name, ".."))
		return false;
	for (i = 0; i < len; i++)
		if (!isgraph(name[i]) || name[i] == '/')
			return false;
	return true;
}

static bool gosync_face_taken(struct gosync_face_kind *kind, const char *name)
{
	struct gosync_face *f;

	list_for_each_entry(f, &gosync_faces, node)
		if (f->kind == kind && !strcmp(f->name, name))
			return true;
	return false;
}

/**
 * __gosync_face_add() - show an object in debugfs
 * @kind: its kind
 * @name: its name, or NULL (then nothing happens)
 * @obj: the object, which stays valid until __gosync_face_del()
 *
 * Context: process context; sleeps.
 * Return: the entry, for __gosync_face_del(); NULL if the object does not
 * appear: no name or one an entry may not have, the name is shown for a
 * live object of @kind already, no debugfs, or no memory.
 */
struct gosync_face *__gosync_face_add(struct gosync_face_kind *kind,
				      const char *name, const void *obj)
{
	struct gosync_face *f;

	might_sleep();
	if (!name || !gosync_face_name_ok(name) ||
	    IS_ERR_OR_NULL(kind->dir))
		return NULL;
	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return NULL;
	kref_init(&f->ref);
	f->kind = kind;
	f->obj = obj;
	strscpy(f->name, name, sizeof(f->name));
	mutex_lock(&gosync_face_lock);
	if (gosync_face_taken(kind, name))
		goto fail;
	f->dir = debugfs_create_dir(name, kind->dir);
	if (IS_ERR(f->dir))
		goto fail;
	f->stats = debugfs_create_file_unsafe("stats", 0400, f->dir, f,
					      &gosync_face_fops);
	if (IS_ERR(f->stats)) {
		debugfs_remove(f->dir);
		goto fail;
	}
	list_add(&f->node, &gosync_faces);
	mutex_unlock(&gosync_face_lock);
	return f;
fail:
	mutex_unlock(&gosync_face_lock);
	kfree(f);
	return NULL;
}

/* Under gosync_face_lock: nobody reaches the object through @f any more. */
static void gosync_face_unlink(struct gosync_face *f)
{
	lockdep_assert_held(&gosync_face_lock);
	f->obj = NULL;
	d_inode(f->stats)->i_private = NULL;
	list_del(&f->node);
}

/**
 * __gosync_face_del() - take an object out of debugfs
 * @f: what __gosync_face_add() returned, or NULL (nothing happens)
 *
 * Once it returns, no reader uses the object; a reader of the entry's
 * file gets -ENOENT.
 *
 * Context: process context; sleeps (waits for a reader in progress).
 */
void __gosync_face_del(struct gosync_face *f)
{
	if (!f)
		return;
	might_sleep();
	mutex_lock(&gosync_face_lock);
	gosync_face_unlink(f);
	mutex_unlock(&gosync_face_lock);
	debugfs_remove(f->dir);
	gosync_face_put(f);
}

/**
 * __gosync_face_rename() - show an object under another name, or none
 * @face: the object's entry (NULL: none), replaced by the new one
 * @kind: the object's kind
 * @name: the new name, or NULL: the object no longer appears
 * @obj: the object
 *
 * For the objects that have no destroy call and are named after init
 * (barrier, phaser).
 *
 * Context: process context; sleeps.
 */
void __gosync_face_rename(struct gosync_face **face,
			  struct gosync_face_kind *kind, const char *name,
			  const void *obj)
{
	__gosync_face_del(*face);
	*face = __gosync_face_add(kind, name, obj);
}

/* Called by module.c at load, with gosync.ko's debugfs directory. */
void __gosync_face_init(struct dentry *root)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(gosync_face_kinds); i++)
		gosync_face_kinds[i]->dir =
			debugfs_create_dir(gosync_face_kinds[i]->name, root);
}

/*
 * Called by module.c at unload, before it removes the debugfs tree. Every
 * object is gone by then, unless a user leaked one: its entry goes too.
 */
void __gosync_face_exit(void)
{
	struct gosync_face *f, *tmp;
	LIST_HEAD(left);

	mutex_lock(&gosync_face_lock);
	list_for_each_entry_safe(f, tmp, &gosync_faces, node) {
		pr_warn("%s %s not destroyed at unload\n",
			f->kind->name, f->name);
		gosync_face_unlink(f);
		list_add(&f->node, &left);
	}
	mutex_unlock(&gosync_face_lock);
	list_for_each_entry_safe(f, tmp, &left, node) {
		debugfs_remove(f->dir);
		gosync_face_put(f);
	}
}
