// SPDX-License-Identifier: GPL-2.0
/*
 * The strategy table, by erts option name.
 */
#include "strategy.h"

static const struct ka_strategy *const ka_strategies[KA_NR_AS] = {
	[KA_AS_BF] = &ka_strategy_bf,
	[KA_AS_AOBF] = &ka_strategy_aobf,
	[KA_AS_AOFF] = &ka_strategy_aoff,
	[KA_AS_AOFFCBF] = &ka_strategy_aoffcbf,
	[KA_AS_AOFFCAOBF] = &ka_strategy_aoffcaobf,
	[KA_AS_AGEFFCAOFF] = &ka_strategy_ageffcaoff,
	[KA_AS_AGEFFCBF] = &ka_strategy_ageffcbf,
	[KA_AS_AGEFFCAOBF] = &ka_strategy_ageffcaobf,
	[KA_AS_GF] = &ka_strategy_gf,
	[KA_AS_AF] = &ka_strategy_af,
};

void ka_strategy_carrier_noop(void *idx, struct ka_carrier *c)
{
}

const struct ka_strategy *ka_strategy_get(enum ka_as as)
{
	return (unsigned int)as < KA_NR_AS ? ka_strategies[as] : NULL;
}

/* Returns the enum ka_as of @name, or -EINVAL. */
int ka_strategy_parse(const char *name)
{
	int as;

	for (as = 0; as < KA_NR_AS; as++)
		if (!strcmp(ka_strategies[as]->name, name))
			return as;
	return -EINVAL;
}
