/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reports and notices (report.c); ka_report() itself is declared for the
 * core in core/core.h.
 */
#ifndef _KALLOC_REPORT_H
#define _KALLOC_REPORT_H

#include <linux/atomic.h>

/*
 * A request kalloc refuses although it is legal (a DMA zone, memory cgroup
 * accounting, an offline node, a size beyond a fixed-size type's): one line,
 * once per type id @tid and @caller, ratelimited. The message starts
 * lower-case, without "kalloc: ".
 */
__printf(3, 4) void ka_notice(unsigned int tid, unsigned long caller, const char *fmt, ...);
void ka_report_flush(void);
void ka_report_exit(void);

/*
 * Counted for the suites: misuse reports made outside a test's count, and
 * notices made (a new type and caller; printed unless ratelimited).
 */
extern atomic_t ka_reports_made, ka_notices_made;

#endif /* _KALLOC_REPORT_H */
