// SPDX-License-Identifier: GPL-2.0
/* The trace events of trace.h, made once for the module; other modules may attach probes. */
#define CREATE_TRACE_POINTS
#include "trace.h"

EXPORT_TRACEPOINT_SYMBOL_GPL(ka_alloc);
EXPORT_TRACEPOINT_SYMBOL_GPL(ka_free);
EXPORT_TRACEPOINT_SYMBOL_GPL(ka_carrier_create);
EXPORT_TRACEPOINT_SYMBOL_GPL(ka_carrier_destroy);
EXPORT_TRACEPOINT_SYMBOL_GPL(ka_carrier_abandon);
EXPORT_TRACEPOINT_SYMBOL_GPL(ka_carrier_fetch);
