/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kalloc's trace events, after include/trace/events/kmem.h: every
 * allocation and free with its call site, type and class, and the carriers'
 * lives. Off, each costs a static-key jump. Documentation/tracing.rst.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM kalloc

#if !defined(_KALLOC_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _KALLOC_TRACE_H

#include <linux/tracepoint.h>
#include <trace/events/mmflags.h>

#define KA_TRACE_NAME	32	/* type names are shorter (KA_TYPE_NAME_MAX) */

TRACE_EVENT(ka_alloc,
	    TP_PROTO(unsigned long call_site, const void *ptr, size_t bytes_req,
		     size_t bytes_alloc, gfp_t gfp_flags, const char *type, const char *class,
		     int node),
	    TP_ARGS(call_site, ptr, bytes_req, bytes_alloc, gfp_flags, type, class, node),
	    TP_STRUCT__entry(__field(unsigned long, call_site)
			     __field(const void *, ptr)
			     __field(size_t, bytes_req)
			     __field(size_t, bytes_alloc)
			     __field(unsigned long, gfp_flags)
			     __array(char, type, KA_TRACE_NAME)
			     __array(char, class, 8)
			     __field(int, node)),
	    TP_fast_assign(__entry->call_site = call_site;
			   __entry->ptr = ptr;
			   __entry->bytes_req = bytes_req;
			   __entry->bytes_alloc = bytes_alloc;
			   __entry->gfp_flags = (__force unsigned long)gfp_flags;
			   strscpy(__entry->type, type, KA_TRACE_NAME);
			   strscpy(__entry->class, class, 8);
			   __entry->node = node;),
	    TP_printk("call_site=%pS ptr=%p bytes_req=%zu bytes_alloc=%zu gfp_flags=%s type=%s class=%s node=%d",
		      (void *)__entry->call_site, __entry->ptr, __entry->bytes_req,
		      __entry->bytes_alloc, show_gfp_flags(__entry->gfp_flags), __entry->type,
		      __entry->class, __entry->node)
);

TRACE_EVENT(ka_free,
	    TP_PROTO(unsigned long call_site, const void *ptr, const char *type, bool cached),
	    TP_ARGS(call_site, ptr, type, cached),
	    TP_STRUCT__entry(__field(unsigned long, call_site)
			     __field(const void *, ptr)
			     __array(char, type, KA_TRACE_NAME)
			     __field(bool, cached)),
	    TP_fast_assign(__entry->call_site = call_site;
			   __entry->ptr = ptr;
			   strscpy(__entry->type, type, KA_TRACE_NAME);
			   __entry->cached = cached;),
	    TP_printk("call_site=%pS ptr=%p type=%s cached=%d", (void *)__entry->call_site,
		      __entry->ptr, __entry->type, __entry->cached)
);

/* What happened to a carrier: its instance made, released, pooled or fetched it. */
DECLARE_EVENT_CLASS(ka_carrier,
		    TP_PROTO(const void *carrier, size_t size, const char *source, bool sbc,
			     int cpu),
		    TP_ARGS(carrier, size, source, sbc, cpu),
		    TP_STRUCT__entry(__field(const void *, carrier)
				     __field(size_t, size)
				     __array(char, source, 4)
				     __field(bool, sbc)
				     __field(int, cpu)),
		    TP_fast_assign(__entry->carrier = carrier;
				   __entry->size = size;
				   strscpy(__entry->source, source, 4);
				   __entry->sbc = sbc;
				   __entry->cpu = cpu;),
		    TP_printk("carrier=%p size=%zu source=%s kind=%s instance_cpu=%d",
			      __entry->carrier, __entry->size, __entry->source,
			      __entry->sbc ? "sbc" : "mbc", __entry->cpu)
);

#define KA_CARRIER_EVENT(name)							\
	DEFINE_EVENT(ka_carrier, name,						\
		     TP_PROTO(const void *carrier, size_t size, const char *source,	\
			      bool sbc, int cpu),					\
		     TP_ARGS(carrier, size, source, sbc, cpu))

KA_CARRIER_EVENT(ka_carrier_create);
KA_CARRIER_EVENT(ka_carrier_destroy);
KA_CARRIER_EVENT(ka_carrier_abandon);
KA_CARRIER_EVENT(ka_carrier_fetch);

#endif /* _KALLOC_TRACE_H */

/* The file is outside include/trace/events: tell define_trace.h where it is. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
