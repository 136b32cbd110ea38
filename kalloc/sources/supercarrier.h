/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The super carrier: one region reserved up front from which segments are
 * carved, MBCs from the bottom and SBCs from the top, best fit, with freed
 * segments coalesced with their neighbours. Free-segment descriptors live in
 * the free segments themselves, so carving never allocates and works in any
 * context. The caller serialises calls.
 */
#ifndef _KALLOC_SUPERCARRIER_H
#define _KALLOC_SUPERCARRIER_H

#include "../core/block.h"

#define KA_SC_UNIT	KA_CARRIER_ALIGN	/* segments start and end on this */

struct ka_sc {
	char *base;
	size_t size;
	size_t used;
	unsigned int nr_free;	/* free segments */
	struct rb_root by_size;	/* (size, address): best fit */
	struct rb_root by_addr;	/* address: neighbours for coalescing */
};

void ka_sc_init(struct ka_sc *sc, void *mem, size_t size);
void *ka_sc_alloc(struct ka_sc *sc, size_t size, bool top);
void ka_sc_free(struct ka_sc *sc, void *mem, size_t size);
bool ka_sc_owns(const struct ka_sc *sc, const void *mem);
size_t ka_sc_largest_free(const struct ka_sc *sc);
unsigned int ka_sc_check(const struct ka_sc *sc);

#endif /* _KALLOC_SUPERCARRIER_H */
