// SPDX-License-Identifier: GPL-2.0
/*
 * What the user-space programs share: the allocator's misuse reports, counted
 * (and printed when ka_user_verbose), and a plain carrier source over
 * posix_memalign.
 */
#include "../../../kalloc/instance.h"

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

static void *plain_alloc(struct ka_source *s, size_t *size, bool sbc, gfp_t gfp)
{
	void *mem;

	return posix_memalign(&mem, KA_CARRIER_ALIGN, *size) ? NULL : mem;
}

static void plain_free(struct ka_source *s, void *mem, size_t size)
{
	free(mem);
}

struct ka_source ka_user_plain_source = { "plain", plain_alloc, plain_free };
