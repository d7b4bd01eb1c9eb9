/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints (kmod/trace.h), natively: every event an empty inline
 * function, and never enabled, as in a kernel built without tracing. A
 * call site's arguments are still type-checked.
 */
#ifndef _SHIM_TRACE_H
#define _SHIM_TRACE_H

#define TP_PROTO(args...)	args
#define TP_ARGS(args...)	args
#define PARAMS(args...)		args
#define TRACE_DEFINE_ENUM(x)

#define DECLARE_EVENT_CLASS(name, proto, args, tstruct, assign, print)
#define DEFINE_EVENT(template, name, proto, args)			\
	static inline void trace_##name(proto) {}			\
	static inline bool trace_##name##_enabled(void) { return false; }
#define TRACE_EVENT(name, proto, args, tstruct, assign, print)		\
	DEFINE_EVENT(name, name, PARAMS(proto), PARAMS(args))

#endif /* _SHIM_TRACE_H */
