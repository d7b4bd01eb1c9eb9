// SPDX-License-Identifier: GPL-2.0
/*
 * gosync's tracepoints (kmod/trace.h): created here, once for gosync.ko.
 */
#define CREATE_TRACE_POINTS
#include "trace.h"
