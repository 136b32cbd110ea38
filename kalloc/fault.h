/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fail_kalloc: kalloc's fault attribute in the kernel's fault-injection
 * framework, as failslab and fail_page_alloc (fault.c).
 */
#ifndef _KALLOC_FAULT_H
#define _KALLOC_FAULT_H

#include <linux/fault-inject.h>

#ifdef CONFIG_FAULT_INJECTION
extern struct fault_attr ka_fail_attr;
#endif

void ka_fault_init(void);
void ka_fault_exit(void);

#endif /* _KALLOC_FAULT_H */
