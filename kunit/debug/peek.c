// SPDX-License-Identifier: GPL-2.0
/*
 * Block headers are poisoned under KASAN (kalloc/debug.h): the debugging
 * suites read them from here, built without instrumentation as kalloc is.
 */
#include "../../kalloc/core/block.h"
#include "peek.h"

bool ka_peek_queued(const void *p)
{
	return ka_blk_queued(ka_payload_blk(p));
}
