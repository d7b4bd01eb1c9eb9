// SPDX-License-Identifier: GPL-2.0
/*
 * gosync_breaker's debugfs face: named test breakers driven by a command
 * file, and a stress launcher (kmod/test/breaker_stress_debugfs.c). Everything
 * lives in /sys/kernel/debug/gosync_test/breaker/.
 *
 * cmd (0600, command file; grammar of command files in parse.h)
 *	Up to 8 named test breakers (none at module load). A command is a
 *	verb followed by key=value arguments; name=B names the breaker, a
 *	word of up to 15 characters from [A-Za-z0-9_-]. Every breaker has a
 *	notifier, registered at create, that logs each state change it is
 *	told of (the newest 256 are kept, all are counted) and judges it:
 *	generations must be consecutive, each change must start in the state
 *	the previous one ended in, and the change must be one the state
 *	machine makes for its reason (closed->open for consecutive,
 *	failure-rate and slow-rate, and not from a forced or metrics-only
 *	breaker; open->half-open for open-expired; half-open->open for
 *	probe-failed; half-open->closed for probes-ok; half-open->open, or
 *	->closed with stuck_closes=1, for half-open-stuck; anything but
 *	half-open for forced; closed for reset). A bad change is reported by
 *	events and check.
 *
 *	create name=B [consecutive=N] [failure_rate=P] [slow_rate=P]
 *	       [slow_us=N] [min_calls=N] [buckets=N] [bucket_ms=N]
 *	       [open_ms=N] [open_max_ms=N] [probes=N] [successes=N]
 *	       [half_open_max_ms=N] [ignore=E[,E...]|none]
 *	       [metrics_only=0|1] [stuck_closes=0|1] [notify_timer=0|1]
 *	       [clock=real|fake] [reenter=0|1|2]
 *		gosync_breaker_init() with these fields of struct
 *		gosync_breaker_opts (0 or absent: the library's default),
 *		bounded by the limits of breaker.h (-ERANGE beyond). ignore=
 *		lists up to 8 negative errnos (-4095..-1) counted as neither
 *		success nor failure; ignore=none sets GOSYNC_BREAKER_IGNORE_EXACT
 *		with none, so that -EINTR is a failure; absent, the default
 *		(-EINTR, -ERESTARTSYS, -ECANCELED). metrics_only, stuck_closes
 *		and notify_timer set the flags of those names. clock=fake
 *		gives the breaker its own clock, which starts at 1000 s and
 *		moves only by advance; clock=real (default) is the library's.
 *		reenter=1 makes the notifier read the breaker back
 *		(gosync_breaker_state(), gosync_breaker_counts()) and check
 *		them against the event; reenter=2 also makes it force the
 *		breaker open after every automatic trip, a change made from
 *		inside a notifier, delivered after the current one. slow_rate
 *		without slow_us and open_max_ms below the open delay are
 *		-EINVAL. Prints "created name=B ..." with the settings as
 *		given.
 *	destroy name=B			unregisters the notifier and destroys the
 *					breaker, dropping its tickets; prints
 *					"destroyed name=B held=N events=N"
 *	allow name=B [n=N]		N (default 1, at most 1024 held)
 *					gosync_breaker_allow() calls; the
 *					tickets admitted are kept, numbered from 1
 *					per breaker. Prints "admitted=N
 *					rejected=N eagain=N ebusy=N
 *					tickets=F..L|none held=N state=S
 *					forced=0|1 gen=G"
 *	done name=B ticket=T [err=E] [dur_us=N]
 *		gosync_breaker_done() of ticket T with result E (default 0,
 *		-4095..2147483647) and a duration of N us (default
 *		GOSYNC_BREAKER_DURATION_AUTO: by the breaker's clock since
 *		allow). Prints "ticket=T ret=R result=recorded|ignored|stale|
 *		invalid held=N state=S forced=0|1 gen=G", R being what
 *		gosync_breaker_done() returned (0, 1, -ESTALE, -EINVAL). A
 *		reported ticket stays, and reporting it again gives -EINVAL,
 *		until allow reuses its slot (-ENOENT then).
 *	feed name=B [ok=N] [fail=N] [slow=N] [ignored=N] [err=E]
 *		N allow+done pairs of each kind, in that order: ok, a success
 *		of duration 0; fail, result E (default -EIO, -4095..-1); slow,
 *		a success taking slow_us (needs slow_us); ignored, the first
 *		ignored errno (needs one). At most 1000000 of each. Prints
 *		"admitted=N rejected=N recorded=N ignored=N stale=N state=S
 *		forced=0|1 gen=G"
 *	advance name=B ms=N		moves a fake clock N ms forward (-EINVAL
 *					for the real clock); prints
 *					"clock_ms=M", the time since create
 *	state name=B			"state=closed|open|half-open forced=0|1
 *					gen=G" (OPEN stays OPEN past its delay
 *					until an allow)
 *	counts name=B			gosync_breaker_counts() on one line:
 *					state= forced= gen= calls= failures=
 *					slow= consecutive= probes=
 *					probe_successes= open_delay_ms=
 *					rejected= ignored= stale= transitions=
 *					trips= deferred= pending_events=
 *	reset name=B			gosync_breaker_reset(), _force_open() or
 *	force_open name=B		_force_closed(); print "state=S forced=
 *	force_closed name=B		gen=G", or -EBUSY as the call returned
 *	events name=B [last=N]		"events=N kept=K reenter_calls=R", then
 *					the last N (default 32, at most 256)
 *					kept events, oldest first, as "gen=G
 *					from=S to=S reason=R forced=0|1 ms=M"
 *					(M: the event's time since create), cut
 *					short by "..." when the output is full;
 *					-EIO if the notifier judged an event
 *					bad
 *	check name=B			the invariants of a quiet breaker: no bad
 *					event, no event pending, events
 *					delivered = transitions, gen =
 *					transitions + 1, the last event's
 *					state, forced and gen are the
 *					breaker's, trips <= transitions,
 *					rejected, ignored and stale as this file
 *					saw them, open_delay_ms within
 *					[open_ms, open_max_ms], no probe outside
 *					half-open, probes in half-open = the
 *					tickets held of its generation <= the
 *					probe limit, fewer probe successes than
 *					close it, a metrics-only breaker closed
 *					unless forced, and closed: failures and
 *					slow <= calls, consecutive below the
 *					limit unless forced; prints "ok", or -EIO
 *	list				"breakers=N", then one "name=B
 *					clock=real|fake held=N state=S" line
 *					per breaker
 *
 *	Errors: the parser's (see parse.h; err= and ignore= are signed, and
 *	-EINVAL if not numbers), -EINVAL for an unknown verb, a bad name,
 *	clock or option combination, feed slow= or ignored= the breaker has
 *	no threshold or errno for, advance on the real clock; -ERANGE (a
 *	number out of bounds, more than 8 ignored errnos, allow beyond 1024
 *	held tickets), -ENOENT (no such breaker or ticket), -EEXIST (create:
 *	the name is taken), -ENOSPC (create: 8 breakers exist), -ENOMEM,
 *	-EBUSY (reset, force_*: state changes wait for their notifiers),
 *	-EIO (a failed check or events, or a breaker call returning what it
 *	may not). A rejected command leaves "error: <why>" as the output and
 *	changes nothing. Module unload unregisters every notifier and
 *	destroys every test breaker.
 *
 * stress (0600): see kmod/test/breaker_stress_debugfs.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/seq_buf.h>

#include "breaker_cmd.h"
#include "breaker_stress.h"
#include "cmdfile.h"
#include "internal.h"
#include "test.h"

static int brkdbg_cmd_exec(struct gosync_cmd_file *f, char *line,
			   struct seq_buf *out)
{
	return __gosync_breaker_cmd_exec(line, out, f->who);
}

static struct gosync_cmd_file brkdbg_cmd_file = {
	.name = "cmd",
	.who = "breaker",
	.exec = brkdbg_cmd_exec,
};

/* The "breaker" directory's component: the files "cmd" and "stress". */
static int brkdbg_component_init(struct dentry *dir)
{
	int ret = __gosync_breaker_cmd_init();

	if (ret)
		return ret;
	gosync_cmd_file_create(dir, &brkdbg_cmd_file);
	ret = brkst_debugfs_init(dir);
	if (ret)
		__gosync_breaker_cmd_exit();
	return ret;
}

/* Once gosync's debugfs files are gone and no command runs. */
static void brkdbg_component_exit(void)
{
	brkst_debugfs_exit();
	__gosync_breaker_cmd_exit();
}

const struct gosync_component gosync_breaker_component = {
	.name = "breaker",
	.init = brkdbg_component_init,
	.exit = brkdbg_component_exit,
};
