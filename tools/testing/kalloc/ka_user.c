// SPDX-License-Identifier: GPL-2.0
/*
 * What the user-space programs share: the allocator's misuse reports, counted
 * (and printed when ka_user_verbose), a plain carrier source over
 * posix_memalign, and a strategy change.
 */
#include <sys/mman.h>

#include "../../../kalloc/core/hole.h"
#include "../../../kalloc/core/instance.h"

unsigned long ka_user_reports;
bool ka_user_verbose;

void ka_report(const char *fmt, ...)
{
	va_list args;

	ka_user_reports++;
	if (!ka_user_verbose)
		return;
	va_start(args, fmt);
	vfprintf(stderr, fmt, args);
	va_end(args);
}

static void *plain_alloc(struct ka_source *s, size_t *size, unsigned int how, gfp_t gfp)
{
	void *mem;

	return posix_memalign(&mem, KA_CARRIER_ALIGN, *size) ? NULL : mem;
}

static void plain_free(struct ka_source *s, void *mem, size_t size)
{
	free(mem);
}

/* Pages given back become inaccessible: any touch of a hole is a crash. */
bool ka_user_give_back(struct ka_source *s, struct ka_carrier *c, unsigned long start,
		       unsigned long end)
{
	if (mprotect((void *)start, end - start, PROT_NONE))
		abort();
	return true;
}

/*
 * Walks the runs holed carrier @c kept (reading no hole) and makes all of
 * it accessible again for free(); returns its size.
 */
size_t ka_user_unhole(struct ka_carrier *c)
{
	struct ka_hole_walk w;
	unsigned long start, end, kept = 0, size = c->size, given = c->given_back;

	ka_hole_walk_init(&w, c);
	while (ka_hole_kept_next(&w, &start, &end))
		kept += end - start;
	if (kept + given != size)
		abort();
	if (mprotect(c, size, PROT_READ | PROT_WRITE))
		abort();
	return size;
}

static void plain_free_holed(struct ka_source *s, struct ka_carrier *c)
{
	ka_user_unhole(c);
	free(c);
}

struct ka_source ka_user_plain_source = { "plain", plain_alloc, plain_free, ka_user_give_back,
					  plain_free_holed };

int ka_user_strategy_set(struct ka_instance *inst, const struct ka_params *p, int as)
{
	struct ka_params np = *p;
	struct ka_index *spare;
	int err;

	np.as = as;
	spare = ka_inst_index_new(&np, GFP_KERNEL);
	if (!spare)
		return -ENOMEM;
	err = ka_inst_strategy_set(inst, as, &spare);
	ka_inst_index_free(spare);
	return err;
}
