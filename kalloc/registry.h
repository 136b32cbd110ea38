/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every carrier of every per-CPU instance, by address, so that a pointer can
 * be checked to be a kalloc block before its header is trusted: in O(1) by
 * a radix table of address granules, and in a tree for verify_pointers.
 */
#ifndef _KALLOC_REGISTRY_H
#define _KALLOC_REGISTRY_H

#include "carrier.h"

void ka_registry_exit(void);
bool ka_registry_verifying(void);
void ka_registry_set_verify(bool on);
void ka_registry_add(struct ka_carrier *c);
void ka_registry_del(struct ka_carrier *c);
struct ka_carrier *ka_registry_find(const void *addr);
struct ka_block *ka_registry_block(const void *ptr, const char **why);
struct ka_instance *ka_registry_owner(const void *ptr, const char **why);

#endif /* _KALLOC_REGISTRY_H */
