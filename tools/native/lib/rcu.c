// SPDX-License-Identifier: GPL-2.0
/* RCU over liburcu-memb; the design is in <shim/rcu.h>. */
#include <shim/all.h>

#ifdef SHIM_TSAN
char shim_rcu_gp;
static char shim_rcu_cb_done;
#define shim_cb_ran()		__tsan_release(&shim_rcu_cb_done)
#define shim_barrier_done()	__tsan_acquire(&shim_rcu_cb_done)
#define shim_head_queued(h)	__tsan_release(h)
#define shim_head_taken(h)	__tsan_acquire(h)
#else
#define shim_cb_ran()		do { } while (0)
#define shim_barrier_done()	do { } while (0)
#define shim_head_queued(h)	do { } while (0)
#define shim_head_taken(h)	do { } while (0)
#endif

void synchronize_rcu(void)
{
	might_sleep();
	urcu_memb_synchronize_rcu();
	shim_rcu_gp_done();
}

#ifdef SHIM_DEBUG
static void shim_rcu_trampoline(struct shim_urcu_head *u)
{
	struct rcu_head *head = container_of(u, struct rcu_head, urcu);

	shim_head_taken(head);
	shim_rcu_gp_done();
	/* Callbacks run in softirq context in the kernel: they may not sleep. */
	local_bh_disable();
	head->func(head);
	local_bh_enable();
	shim_cb_ran();
}

void call_rcu(struct rcu_head *head, rcu_callback_t func)
{
	head->func = func;
	shim_head_queued(head);
	urcu_memb_call_rcu(&head->urcu, shim_rcu_trampoline);
}
#else
void call_rcu(struct rcu_head *head, rcu_callback_t func)
{
	/* struct rcu_head is liburcu's: the same pointer, the same call. */
	urcu_memb_call_rcu(&head->urcu, (void (*)(struct shim_urcu_head *))func);
}
#endif

/*
 * kfree_rcu()'s callbacks: the one at index 8 * r + c frees the object
 * whose rcu_head lies 8 * (8 * r + c) bytes into it.
 */
#define KFREE_AT(r, c)							\
static void shim_kfree_at_##r##_##c(struct rcu_head *head)		\
{									\
	kfree((char *)head - 8 * (8 * (r) + (c)));			\
}

#define KFREE_ROW(r)	KFREE_AT(r, 0) KFREE_AT(r, 1) KFREE_AT(r, 2)	\
			KFREE_AT(r, 3) KFREE_AT(r, 4) KFREE_AT(r, 5)	\
			KFREE_AT(r, 6) KFREE_AT(r, 7)
#define KFREE_PTRS(r)	shim_kfree_at_##r##_0, shim_kfree_at_##r##_1,	\
			shim_kfree_at_##r##_2, shim_kfree_at_##r##_3,	\
			shim_kfree_at_##r##_4, shim_kfree_at_##r##_5,	\
			shim_kfree_at_##r##_6, shim_kfree_at_##r##_7

KFREE_ROW(0) KFREE_ROW(1) KFREE_ROW(2) KFREE_ROW(3)
KFREE_ROW(4) KFREE_ROW(5) KFREE_ROW(6) KFREE_ROW(7)
KFREE_ROW(8) KFREE_ROW(9) KFREE_ROW(10) KFREE_ROW(11)
KFREE_ROW(12) KFREE_ROW(13) KFREE_ROW(14) KFREE_ROW(15)

const rcu_callback_t shim_kfree_rcu_cb[SHIM_KFREE_RCU_MAX / 8] = {
	KFREE_PTRS(0), KFREE_PTRS(1), KFREE_PTRS(2), KFREE_PTRS(3),
	KFREE_PTRS(4), KFREE_PTRS(5), KFREE_PTRS(6), KFREE_PTRS(7),
	KFREE_PTRS(8), KFREE_PTRS(9), KFREE_PTRS(10), KFREE_PTRS(11),
	KFREE_PTRS(12), KFREE_PTRS(13), KFREE_PTRS(14), KFREE_PTRS(15),
};

void rcu_barrier(void)
{
	might_sleep();
	urcu_memb_barrier();
	shim_barrier_done();
}

#ifdef SHIM_TSAN
/*
 * liburcu is not instrumented: its own allocations are ordered by atomics
 * TSan cannot see (a barrier's record, freed by the call_rcu thread).
 * Ignore what the library itself calls; gosync's accesses stay checked,
 * ordered by the annotations above.
 */
const char *__tsan_default_suppressions(void);
const char *__tsan_default_suppressions(void)
{
	return "called_from_lib:liburcu-memb.so\n"
	       "called_from_lib:liburcu-common.so\n"
	       "called_from_lib:liburcu-cds.so\n";
}
#endif
