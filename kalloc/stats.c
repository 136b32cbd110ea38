// SPDX-License-Identifier: GPL-2.0
/*
 * Snapshots for the statistics views. Each step holds one instance's lock for
 * a bounded amount of work (a few carriers, at most KA_SCAN_BLOCKS blocks of
 * each) and finds its place again by carrier birth, so carriers made or
 * released between steps are simply seen or not, never touched after release.
 */
#include <kunit/visibility.h>
#include <linux/log2.h>

#include "stats.h"

unsigned int ka_hist_bucket(size_t size, unsigned int first, unsigned int n)
{
	unsigned int b = size ? ilog2(size) : 0;

	if (b <= first)
		return 0;
	return min(b - first, n - 1);
}
EXPORT_SYMBOL_IF_KUNIT(ka_hist_bucket);

static void scan_carrier(struct ka_carrier *c, struct ka_carrier_info *ci)
{
	struct ka_block *b = ka_crr_first(c);
	unsigned int seen = 0;

	memset(ci, 0, sizeof(*ci));
	ci->birth = c->birth;
	ci->src = c->src;
	ci->sbc = ka_crr_sbc(c);
	ci->main = ka_crr_main(c);
	ci->size = c->size;
	ci->used_size = c->used_size;
	ci->used_blocks = c->used_blocks;
	if (ci->sbc)
		return;
	for (;;) {
		if (++seen > KA_SCAN_BLOCKS) {
			ci->unscanned = (char *)ka_crr_end(c) - (char *)b;
			return;
		}
		if (ka_blk_free(b))
			ci->free_hist[ka_hist_bucket(ka_blk_size(b), KA_FREE_HIST_FIRST,
						     KA_FREE_HIST)]++;
		if (ka_blk_last(b))
			return;
		b = ka_blk_next(b);
	}
}

unsigned int ka_stats_carriers(enum ka_class cls, int cpu, bool sbc, u64 *after,
			       struct ka_carrier_info *out, unsigned int n)
{
	struct ka_pcpu *pc = ka_class_states[cls].pcpu[cpu];
	unsigned int got = 0;
	struct ka_carrier *c;
	unsigned long flags;

	spin_lock_irqsave(&pc->lock, flags);
	/* Each list is in birth order: carriers are added at its tail. */
	list_for_each_entry(c, sbc ? &pc->inst.sbcs : &pc->inst.mbcs, link) {
		if (c->birth <= *after)
			continue;
		if (got == n)
			break;
		scan_carrier(c, &out[got++]);
		*after = c->birth;
	}
	spin_unlock_irqrestore(&pc->lock, flags);
	return got;
}
EXPORT_SYMBOL_IF_KUNIT(ka_stats_carriers);

void ka_stats_instance(enum ka_class cls, int cpu, struct ka_inst_stats *st,
		       struct ka_pcpu_counts *dd, bool reset)
{
	struct ka_pcpu *pc = ka_class_states[cls].pcpu[cpu];
	unsigned long flags;

	spin_lock_irqsave(&pc->lock, flags);
	if (reset)
		ka_inst_stats_read(&pc->inst, st);
	else
		*st = pc->inst.st;
	dd->drained = pc->dd_drained;
	spin_unlock_irqrestore(&pc->lock, flags);
	dd->queued = atomic64_read(&pc->dd_queued);
	dd->kicks = atomic64_read(&pc->dd_kicks);
}
EXPORT_SYMBOL_IF_KUNIT(ka_stats_instance);
