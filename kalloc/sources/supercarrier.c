// SPDX-License-Identifier: GPL-2.0
/*
 * The super carrier's carving: two red-black trees over the free segments,
 * by (size, address) for best fit and by address for coalescing.
 */
#include "supercarrier.h"

struct sc_free {
	struct rb_node by_size;
	struct rb_node by_addr;
	size_t size;
};

static bool size_less(const struct sc_free *a, const struct sc_free *b)
{
	return a->size < b->size || (a->size == b->size && a < b);
}

static void insert_size(struct ka_sc *sc, struct sc_free *f)
{
	struct rb_node **link = &sc->by_size.rb_node, *parent = NULL;

	while (*link) {
		parent = *link;
		if (size_less(f, rb_entry(parent, struct sc_free, by_size)))
			link = &parent->rb_left;
		else
			link = &parent->rb_right;
	}
	rb_link_node(&f->by_size, parent, link);
	rb_insert_color(&f->by_size, &sc->by_size);
}

static void insert_addr(struct ka_sc *sc, struct sc_free *f)
{
	struct rb_node **link = &sc->by_addr.rb_node, *parent = NULL;

	while (*link) {
		parent = *link;
		if (f < rb_entry(parent, struct sc_free, by_addr))
			link = &parent->rb_left;
		else
			link = &parent->rb_right;
	}
	rb_link_node(&f->by_addr, parent, link);
	rb_insert_color(&f->by_addr, &sc->by_addr);
}

static struct sc_free *add_free(struct ka_sc *sc, void *mem, size_t size)
{
	struct sc_free *f = mem;

	f->size = size;
	insert_size(sc, f);
	insert_addr(sc, f);
	sc->nr_free++;
	return f;
}

static void del_free(struct ka_sc *sc, struct sc_free *f)
{
	rb_erase(&f->by_size, &sc->by_size);
	rb_erase(&f->by_addr, &sc->by_addr);
	sc->nr_free--;
}

void ka_sc_init(struct ka_sc *sc, void *mem, size_t size)
{
	memset(sc, 0, sizeof(*sc));
	sc->base = mem;
	sc->size = ALIGN_DOWN(size, KA_SC_UNIT);
	sc->by_size = RB_ROOT;
	sc->by_addr = RB_ROOT;
	if (sc->size)
		add_free(sc, mem, sc->size);
}

bool ka_sc_owns(const struct ka_sc *sc, const void *mem)
{
	return (const char *)mem >= sc->base && (const char *)mem < sc->base + sc->size;
}

/*
 * Best fit. MBCs (!@top) come from the low end of the lowest smallest fitting
 * segment, SBCs (@top) from the high end of the highest, so the two kinds
 * grow towards each other from the region's ends.
 */
void *ka_sc_alloc(struct ka_sc *sc, size_t size, bool top)
{
	struct rb_node *rb = sc->by_size.rb_node, *next;
	struct sc_free *best = NULL, *f;
	size_t have;
	char *mem;

	size = ALIGN(size, KA_SC_UNIT);
	while (rb) {
		f = rb_entry(rb, struct sc_free, by_size);
		if (f->size >= size) {
			best = f;
			rb = rb->rb_left;
		} else {
			rb = rb->rb_right;
		}
	}
	if (!best)
		return NULL;
	if (top) {
		while ((next = rb_next(&best->by_size)) &&
		       rb_entry(next, struct sc_free, by_size)->size == best->size)
			best = rb_entry(next, struct sc_free, by_size);
	}
	have = best->size;
	del_free(sc, best);
	mem = (char *)best;
	if (have > size) {
		/* The rest stays free; its descriptor moves to its start. */
		if (top)
			add_free(sc, mem, have - size);
		else
			add_free(sc, mem + size, have - size);
	}
	if (top)
		mem += have - size;
	sc->used += size;
	return mem;
}

void ka_sc_free(struct ka_sc *sc, void *mem, size_t size)
{
	struct rb_node *rb = sc->by_addr.rb_node;
	struct sc_free *prev = NULL, *next = NULL, *f;
	char *start = mem;

	size = ALIGN(size, KA_SC_UNIT);
	sc->used -= size;
	while (rb) {
		f = rb_entry(rb, struct sc_free, by_addr);
		if ((char *)f < start) {
			prev = f;
			rb = rb->rb_right;
		} else {
			next = f;
			rb = rb->rb_left;
		}
	}
	if (next && start + size == (char *)next) {
		del_free(sc, next);
		size += next->size;
	}
	if (prev && (char *)prev + prev->size == start) {
		del_free(sc, prev);
		size += prev->size;
		start = (char *)prev;
	}
	add_free(sc, start, size);
}

size_t ka_sc_largest_free(const struct ka_sc *sc)
{
	struct rb_node *rb = rb_last(&sc->by_size);

	return rb ? rb_entry(rb, struct sc_free, by_size)->size : 0;
}

/* Free segments ordered, disjoint, never touching, inside, and adding up; returns failures. */
unsigned int ka_sc_check(const struct ka_sc *sc)
{
	const struct sc_free *prev = NULL;
	unsigned int bad = 0, n = 0;
	size_t free = 0;
	struct rb_node *rb;

	for (rb = rb_first(&sc->by_addr); rb; rb = rb_next(rb)) {
		const struct sc_free *f = rb_entry(rb, struct sc_free, by_addr);

		n++;
		free += f->size;
		if (!ka_sc_owns(sc, f) || (char *)f + f->size > sc->base + sc->size ||
		    f->size % KA_SC_UNIT || (unsigned long)f % KA_SC_UNIT)
			bad++;
		if (prev && (char *)prev + prev->size >= (const char *)f)
			bad++;	/* overlapping, or touching and not coalesced */
		prev = f;
	}
	if (n != sc->nr_free || free + sc->used != sc->size)
		bad++;
	return bad;
}
