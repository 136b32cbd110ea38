/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KA_DEBUG_PEEK_H
#define _KA_DEBUG_PEEK_H

#include <linux/types.h>

/* Whether block @p is queued for its employer's CPU (given back, not yet free). */
bool ka_peek_queued(const void *p);

#endif /* _KA_DEBUG_PEEK_H */
