/* SPDX-License-Identifier: GPL-2.0 */
/* Good fit's bucket mapping, visible to its tests. */
#ifndef _KALLOC_STRATEGY_GF_H
#define _KALLOC_STRATEGY_GF_H

#include "../core.h"

#define KA_GF_BUCKETS 256

unsigned int ka_gf_bucket(const void *idx, size_t size);
unsigned int ka_gf_first_nonempty(const void *idx, unsigned int ix);

#endif /* _KALLOC_STRATEGY_GF_H */
