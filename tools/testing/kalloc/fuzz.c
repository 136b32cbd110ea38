// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer entry over the core's operation stream: the first byte picks the
 * strategy and whether realloc always moves, then every 4 bytes are one
 * operation (alloc, realloc or free of one of 64 slots, with a size that may
 * cross sbct). Blocks carry a pattern checked before they are freed or moved,
 * and the consistency checker runs after every operation. Some inputs change
 * the strategy as they go, as a sysfs write does.
 *
 *   make fuzz && ./ka_fuzz -max_total_time=60
 */
#include <stdint.h>

#include "../../../kalloc/core/instance.h"
#include "../../../kalloc/core/check.h"
#include "ka_front_user.h"

/* libFuzzer's entry point name, given by the Makefile (-DKA_FUZZ_ENTRY=...). */
int KA_FUZZ_ENTRY(const uint8_t *data, size_t len);

#define SLOTS 64

struct slot {
	unsigned char *ptr;
	size_t size;
	unsigned char seed;
};

static void fill(struct slot *s)
{
	size_t i;

	for (i = 0; i < s->size; i++)
		s->ptr[i] = (unsigned char)(s->seed + i);
}

static void expect_intact(const struct slot *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s->ptr[i] != (unsigned char)(s->seed + i))
			abort();
}

#define BURST 64

static void burst_alloc(struct ka_ufront *fc, struct slot *slots, unsigned int first,
			size_t size, unsigned char seed)
{
	unsigned int i;

	for (i = 0; i < BURST; i++) {
		struct slot *s = &slots[(first + i) % SLOTS];

		if (s->ptr)
			continue;
		s->ptr = ka_ufront_alloc(fc, size, 0, 0);
		if (!s->ptr)
			abort();
		s->size = size;
		s->seed = seed;
		fill(s);
	}
}

static void burst_free(struct ka_ufront *fc, struct slot *slots, unsigned int first)
{
	unsigned int i;

	for (i = 0; i < BURST; i++) {
		struct slot *s = &slots[(first + i) % SLOTS];

		if (!s->ptr)
			continue;
		expect_intact(s, s->size);
		ka_ufront_free(fc, s->ptr);
		s->ptr = NULL;
	}
}

int KA_FUZZ_ENTRY(const uint8_t *data, size_t len)
{
	struct slot slots[SLOTS] = {};
	static struct ka_ufront fc;
	struct ka_instance inst;
	struct ka_params p;
	struct ka_check chk;
	size_t i;

	if (len < 1)
		return 0;
	ka_params_default(&p);
	p.as = data[0] % KA_NR_AS;
	p.ramv = data[0] & 0x80;
	p.sbct = 8192;
	p.mmbcs = 32 * 1024;
	p.smbcs = 32 * 1024;
	p.lmbcs = 128 * 1024;
	p.mbcgs = 3;
	p.mmmbc = 3;
	p.mmsbc = 3;
	p.asbcst = 8192;
	p.acful = data[0] & 0x20 ? 50 : 0;	/* pages of free blocks go back */
	if (data[0] & 0x10)
		p.blk_min = 64;			/* blocks any strategy indexes: it may change */
	if (ka_inst_init(&inst, &p, &ka_user_plain_source, &ka_user_plain_source, GFP_KERNEL))
		abort();
	ka_ufront_init(&fc, &inst, data[0] & 0x40);	/* a front cache for some inputs */

	for (i = 1; i + 4 <= len; i += 4) {
		struct slot *s = &slots[data[i + 1] % SLOTS];
		size_t size = (data[i + 2] | data[i + 3] << 8) % (2 * p.sbct) + 1;
		unsigned char *np;

		switch (data[i] % 4) {
		case 0:
			if (s->ptr)
				break;
			s->ptr = ka_ufront_alloc(&fc, size, 0, 0);
			if (!s->ptr)
				abort();
			s->size = size;
			s->seed = data[i + 2];
			fill(s);
			break;
		case 1:
			if (!s->ptr)
				break;
			expect_intact(s, s->size);
			np = ka_inst_realloc(&inst, s->ptr, size, GFP_KERNEL);
			if (!np)
				abort();
			s->ptr = np;
			expect_intact(s, min(size, s->size));
			s->size = size;
			fill(s);
			break;
		case 2:
			if (!s->ptr)
				break;
			expect_intact(s, s->size);
			ka_ufront_free(&fc, s->ptr);
			s->ptr = NULL;
			break;
		default:
			/* runs of one size, allocated or freed: magazines swap and trade */
			if ((data[i + 1] & 6) == 2) {
				burst_alloc(&fc, slots, data[i + 1], size % 256 + 1, data[i + 2]);
			} else if ((data[i + 1] & 6) == 4) {
				burst_free(&fc, slots, data[i + 1]);
			} else if ((data[i + 1] & 6) == 6 && p.blk_min) {
				if (ka_user_strategy_set(&inst, &p, data[i + 2] % KA_NR_AS))
					abort();
			} else {
				ka_ufront_flush(&fc, data[i + 1] & 1);	/* decay, or everything */
			}
		}
		if (ka_check_instance(&inst, &chk) || ka_user_reports) {
			fprintf(stderr, "ka_fuzz: %s\n", chk.first);
			abort();
		}
	}
	for (i = 0; i < SLOTS; i++)
		if (slots[i].ptr)
			ka_ufront_free(&fc, slots[i].ptr);
	ka_ufront_exit(&fc);
	if (ka_check_instance(&inst, &chk) || ka_inst_destroy(&inst) || fc.f.blocks)
		abort();
	return 0;
}
