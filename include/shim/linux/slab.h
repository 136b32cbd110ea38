/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kmalloc shim's way in (Documentation/shim.rst): a module built with
 * NOSTDINC_FLAGS += -I<kalloc>/include/shim finds this header first, which
 * brings the kernel's own and then kalloc_shim.h, so every kmalloc-family
 * call after the module's first #include <linux/slab.h> is kalloc's. No
 * include guard: the kernel's header and kalloc_shim.h have theirs.
 */
#include_next <linux/slab.h>
#include "../../kalloc_shim.h"
