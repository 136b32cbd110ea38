// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU instances: allocation and free routing, realloc, hotplug, set-up
 * and tear-down. The remote-free queue is remote.c, the carrier plumbing
 * plumbing.c.
 *
 * Each enabled class has one instance per possible CPU. An allocation uses
 * the current CPU's instance under its spinlock, taken with interrupts off:
 * kalloc may be called from hard-irq context with GFP_ATOMIC, and the lock
 * (rather than only irqs off) lets an allocation that may sleep drop it
 * around the carrier source and take it again, even after migrating. The
 * owning CPU takes its lock uncontended; no other CPU does, except the kick
 * work and hotplug.
 *
 * A free on the owning CPU is immediate; a free from any other CPU goes on
 * the owner's remote-free queue (remote.c) and never touches its lock.
 *
 * With a carrier pool (pool.c) a block's carrier may have moved to another
 * instance: a free goes to whoever employs the carrier when it is looked
 * at, and a queued block whose carrier moved on is forwarded. The same queue
 * pass also takes the owner's homecoming carriers.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

#include "cpu.h"
#include "cpu_front.h"
#include "plumbing.h"
#include "remote.h"
#include "../reclaim.h"
#include "../internal.h"
#include "carrier_layer.h"
#include "../pool.h"
#include "registry.h"

#define KA_DRAIN_PER_ALLOC	2
#define KA_DRAIN_ON_FAILURE	1024	/* drained, a pass per hold, before an alloc fails */

struct ka_class_state ka_class_states[KA_NR_CLASSES];
static int ka_cpuhp_state, ka_cpuhp_dead_state;

#if IS_ENABLED(CONFIG_KUNIT)
/* Called on the dying CPU after ka_cpu_offline(): a suite's late interrupt. */
void (*ka_cpu_offline_test_hook)(unsigned int cpu);
#endif

/* ---- allocation paths ---- */

/* A block the instance gave out becomes its caller's: seen by the debugging tools, zeroed. */
static void *handed_out(void *ptr, size_t size, gfp_t gfp)
{
	if (!ptr)
		return NULL;
	ka_debug_give(ptr, size, gfp);
	if (gfp & __GFP_ZERO)
		memset(ptr, 0, size);
	return ptr;
}

void *ka_cpu_alloc_aligned(struct ka_class_state *cs, size_t size, size_t align,
			   unsigned int tid, unsigned long origin, gfp_t gfp)
{
	gfp_t igfp = gfp & ~__GFP_ZERO;	/* zeroed below, with interrupts on */
	unsigned int drained = 0, n;
	struct ka_pcpu *pc;
	void *ptr;

	pc = ka_pcpu_lock_this(cs, igfp);
	if (!pc)
		return NULL;
	ka_remote_drain(pc, KA_DRAIN_PER_ALLOC);
	ptr = ka_inst_alloc_aligned(&pc->inst, size, align, tid, origin, igfp);
	/* before giving up, what waits in the queue: a pass per hold of the lock */
	while (!ptr && size && size <= KA_MAX_REQUEST && drained < KA_DRAIN_ON_FAILURE) {
		n = ka_remote_drain(pc, KA_DRAIN_PER_PASS);
		if (!n)
			break;
		drained += n;
		ptr = ka_inst_alloc_aligned(&pc->inst, size, align, tid, origin, igfp);
		if (!ptr)
			ka_pcpu_relock(pc);
	}
	ka_pcpu_unlock(pc);
	return handed_out(ptr, size, gfp);
}

void *ka_cpu_alloc_in(struct ka_class_state *cs, size_t size, unsigned int tid,
		      unsigned long origin, gfp_t gfp)
{
	return ka_cpu_alloc_aligned(cs, size, 0, tid, origin, gfp);
}

void *ka_cpu_alloc_on(struct ka_class_state *cs, unsigned int cpu, size_t size,
		      unsigned int tid, unsigned long origin, gfp_t gfp)
{
	return ka_cpu_alloc_on_aligned(cs, cpu, size, 0, tid, origin, gfp);
}

void *ka_cpu_alloc_on_aligned(struct ka_class_state *cs, unsigned int cpu, size_t size,
			      size_t align, unsigned int tid, unsigned long origin, gfp_t gfp)
{
	struct ka_pcpu *pc = ka_pcpu_make(cs, cpu, gfp & ~__GFP_ZERO);
	void *ptr;

	if (!pc)
		return NULL;
	ka_pcpu_lock(pc);
	ptr = ka_inst_alloc_aligned(&pc->inst, size, align, tid, origin, gfp & ~__GFP_ZERO);
	ka_pcpu_unlock(pc);
	return handed_out(ptr, size, gfp);
}

/*
 * Frees @ptr in @pc, which the caller has locked, if @pc employs its carrier;
 * otherwise sends it on to the employer.
 */
void ka_cpu_free_locked(struct ka_pcpu *pc, void *ptr)
{
	struct ka_carrier *c = ka_blk_carrier(ka_payload_blk(ptr));
	unsigned long emp;

	lockdep_assert_held(&pc->lock);
	for (;;) {
		emp = READ_ONCE(c->emp);
		if (ka_emp_inst(emp) != &pc->inst) {
			ka_remote_push(ka_pcpu_of(ka_emp_inst(emp)), ptr);
			return;
		}
		if (!(emp & KA_EMP_IN_POOL)) {
			ka_inst_free(&pc->inst, ptr);
			return;
		}
		if (ka_pool_free(pc, c, ptr, emp))
			return;
	}
}

/*
 * Keeps the task on this CPU while it decides whether an instance is this
 * CPU's: interrupts off, or on PREEMPT_RT (where the instance lock sleeps)
 * migration off.
 */
static void pin_cpu(unsigned long *flags)
{
	if (IS_ENABLED(CONFIG_PREEMPT_RT))
		migrate_disable();
	else
		local_irq_save(*flags);
}

static void unpin_cpu(unsigned long flags)
{
	if (IS_ENABLED(CONFIG_PREEMPT_RT))
		migrate_enable();
	else
		local_irq_restore(flags);
}

/* Locks @pc, this CPU's, pinned by pin_cpu(&@flags); the lock keeps it pinned. */
static void lock_local(struct ka_pcpu *pc, unsigned long flags)
	__acquires(pc->lock)
{
	if (IS_ENABLED(CONFIG_PREEMPT_RT)) {
		ka_pcpu_lock(pc);
		migrate_enable();
		return;
	}
	spin_lock(&pc->lock);
	pc->irqflags = flags;
	pc->locked = true;
	ka_debug_own_begin();
}

void ka_cpu_free(void *ptr)
{
	ka_debug_take(ptr);
	ka_cpu_free_taken(ptr);
}

void ka_cpu_free_taken(void *ptr)
{
	struct ka_carrier *c = ka_blk_carrier(ka_payload_blk(ptr));
	struct ka_pcpu *pc = ka_pcpu_of(ka_crr_inst(c));
	unsigned long flags = 0;

	pin_cpu(&flags);
	if (pc->cpu == smp_processor_id()) {
		lock_local(pc, flags);
		ka_cpu_free_locked(pc, ptr);
		ka_pcpu_unlock(pc);
		return;
	}
	unpin_cpu(flags);
	/* If the carrier moves on meanwhile, @pc forwards the block. */
	ka_remote_push(pc, ptr);
}

/*
 * ka_cpu_free() without a lock, for PREEMPT_RT's hard-irq context: onto the
 * queue of the employer, this CPU's instance included, which frees it when
 * kicked.
 */
void ka_cpu_free_queued(void *ptr)
{
	struct ka_carrier *c = ka_blk_carrier(ka_payload_blk(ptr));

	ka_debug_take(ptr);
	ka_remote_push(ka_pcpu_of(ka_crr_inst(c)), ptr);
}

/*
 * In place when this CPU employs the block's carrier and it is not pooled;
 * otherwise copied into a block of this CPU's instance of @cs, the old one
 * freed through its employer. The copy runs with the instance unlocked
 * (interrupts on) unless it is at most KA_COPY_IN_PLACE bytes. The caller
 * has claimed @ptr (queued state); whatever stays of it at @ptr goes back
 * to the allocated state here.
 */
void *ka_cpu_realloc(struct ka_class_state *cs, void *ptr, size_t size, gfp_t gfp)
{
	struct ka_carrier *c = ka_blk_carrier(ka_payload_blk(ptr));
	struct ka_pcpu *pc = ka_pcpu_of(ka_crr_inst(c));
	unsigned long emp, flags = 0;
	bool may_stay = false;
	void *new;

	pin_cpu(&flags);
	if (pc->cpu == smp_processor_id()) {
		lock_local(pc, flags);
		emp = READ_ONCE(c->emp);
		if (ka_emp_inst(emp) == &pc->inst && !(emp & KA_EMP_IN_POOL)) {
			size_t had = ka_kasan_usable(ptr);

			new = ka_inst_resize(&pc->inst, ptr, size, gfp);
			if (new != KA_RESIZE_MOVE && new != KA_RESIZE_MAY_MOVE) {
				if (new == ptr)
					ka_debug_resized(ptr, had, size);
				else if (new)
					ka_debug_moved(new, size);
				if (new == ptr || !new)
					ka_blk_unclaim(ka_payload_blk(ptr));
				ka_pcpu_unlock(pc);
				return new;
			}
			may_stay = new == KA_RESIZE_MAY_MOVE;
		}
		ka_pcpu_unlock(pc);
	} else {
		unpin_cpu(flags);
	}
	new = ka_cpu_alloc_in(cs, size, ka_ptr_tid(ptr), ka_inst_block_origin(ptr), gfp);
	if (!new) {
		ka_blk_unclaim(ka_payload_blk(ptr));
		return may_stay ? ptr : NULL;
	}
	memcpy(new, ptr, min(size, ka_inst_usable_size(ptr)));
	if (want_init_on_free())
		ka_inst_wipe(ptr);
	ka_cpu_free(ptr);
	return new;
}

/* The per-CPU instance employing @ptr's carrier, if @ptr is a live block (ka_registry_owner()). */
struct ka_pcpu *ka_cpu_owner(const void *ptr, const char **why)
{
	struct ka_instance *inst = ka_registry_owner(ptr, why);

	return inst ? ka_pcpu_of(inst) : NULL;
}

/* ---- CPU hotplug, set-up and tear-down ---- */

/* Gives up what @pc's instance can while its CPU is away (ka_inst_retire()). */
static void retire(struct ka_pcpu *pc)
{
	struct ka_carrier cur;
	bool more;

	ka_crr_cursor_init(&cur);
	do {
		ka_pcpu_lock(pc);
		more = ka_inst_retire(&pc->inst, &cur);
		if (!more)
			ka_crr_cursor_done(&cur);
		ka_pcpu_unlock(pc);
	} while (more);
}

/*
 * Runs on the CPU going down: nothing of its queue or front caches is left
 * behind, and its instances give up their empty main carriers and offer
 * the others to the pool (Documentation/cpu.rst).
 */
static int ka_cpu_offline(unsigned int cpu)
{
	enum ka_class cls;

	for (cls = 0; cls < KA_NR_CLASSES; cls++) {
		struct ka_pcpu *pc = ka_pcpu_peek(&ka_class_states[cls], cpu);

		if (!ka_class_states[cls].enabled || !pc)
			continue;
		ka_front_flush_local(&ka_class_states[cls]);
		ka_cpu_drain(pc);
		retire(pc);
	}
#if IS_ENABLED(CONFIG_KUNIT)
	if (READ_ONCE(ka_cpu_offline_test_hook))
		ka_cpu_offline_test_hook(cpu);
#endif
	return 0;
}

/*
 * Runs on a CPU that stays once @cpu is dead, as SLUB's slub_cpu_dead():
 * the dying CPU could still take interrupts after ka_cpu_offline(), and an
 * allocation or free in one refills its caches and queue. Nothing runs on
 * it now: what is there is collected and its instance retires again.
 */
static int ka_cpu_dead(unsigned int cpu)
{
	enum ka_class cls;

	for (cls = 0; cls < KA_NR_CLASSES; cls++) {
		struct ka_pcpu *pc = ka_pcpu_peek(&ka_class_states[cls], cpu);

		if (!ka_class_states[cls].enabled || !pc)
			continue;
		ka_front_flush_dead(&ka_class_states[cls], cpu);
		ka_cpu_drain(pc);
		retire(pc);
	}
	return 0;
}

/*
 * Orders a class's new parameters (ka_cpu_params_set()) against instances
 * being made: an instance takes the class's parameters and becomes visible
 * in one hold, so a change either finds it or is what it took.
 */
static DEFINE_RAW_SPINLOCK(ka_params_lock);

/*
 * Makes @cpu's instance of @cs, on @cpu's node, with @gfp: the caller's
 * allocation is the first of the class on that CPU. Nothing but the
 * structure is allocated (and the index, if a strategy taken since load
 * needs more room than the structure has); its main carrier comes with its
 * first block.
 */
static struct ka_pcpu *pcpu_create(struct ka_class_state *cs, int cpu, gfp_t gfp)
{
	int node = cpu_to_node(cpu);
	struct ka_params p;
	unsigned long flags;
	struct ka_pcpu *pc;

	raw_spin_lock_irqsave(&ka_params_lock, flags);
	p = cs->p;
	raw_spin_unlock_irqrestore(&ka_params_lock, flags);

	/* __GFP_NOFAIL only where the page allocator may block for it */
	gfp &= gfpflags_allow_blocking(gfp) ? GFP_KERNEL | __GFP_NOFAIL : GFP_KERNEL;
	gfp |= __GFP_NOWARN;
	pc = ka_fail_alloc(gfp, kmem_cache_size(cs->inst_cache)) ? NULL :
		kmem_cache_alloc_node(cs->inst_cache, gfp | __GFP_ZERO, node);
	if (!pc)
		return NULL;
	spin_lock_init(&pc->lock);
	INIT_LIST_HEAD(&pc->mg.own);
	ka_remote_init(&pc->rq);
	ka_front_pcpu_init(pc);
	pc->cs = cs;
	pc->cls = cs->cls;
	pc->cpu = cpu;
	ka_plumbing_init(pc, node);
	/* the parameters were checked when the class was set up: this cannot fail */
	if (ka_inst_init_hooked(&pc->inst, &p, &pc->pl.seg_src, &pc->pl.sys_src, &ka_pcpu_hooks,
				ka_inst_index_size(&p) <= cs->idx_room ? pc + 1 : NULL, gfp)) {
		kmem_cache_free(cs->inst_cache, pc);
		return NULL;
	}
	if (ka_inst_can_migrate(&pc->inst))
		pc->mg.pool = cs->pool;
	return pc;
}

static void pcpu_discard(struct ka_class_state *cs, struct ka_pcpu *pc)
{
	ka_inst_destroy(&pc->inst);
	kmem_cache_free(cs->inst_cache, pc);
}

struct ka_pcpu *ka_pcpu_make(struct ka_class_state *cs, unsigned int cpu, gfp_t gfp)
{
	struct ka_pcpu *pc, *was;
	unsigned long flags;

again:
	pc = ka_pcpu_peek(cs, cpu);
	if (pc)
		return pc;
	pc = pcpu_create(cs, cpu, gfp);
	if (!pc)
		return NULL;
	raw_spin_lock_irqsave(&ka_params_lock, flags);
	if (pc->inst.p.as != cs->p.as) {
		/* the strategy changed while it was made: it needs the new one's index */
		raw_spin_unlock_irqrestore(&ka_params_lock, flags);
		pcpu_discard(cs, pc);
		goto again;
	}
	ka_inst_params_set(&pc->inst, &cs->p);
	/* fully ordered: whoever reads the pointer sees the instance set up */
	was = cmpxchg(&cs->pcpu[cpu], NULL, pc);
	raw_spin_unlock_irqrestore(&ka_params_lock, flags);
	if (was) {
		pcpu_discard(cs, pc);
		return was;
	}
	return pc;
}

static bool any_queued(struct ka_class_state *const *groups, int n)
{
	bool queued = false;
	int g, cpu;

	for (g = 0; g < n; g++) {
		if (!groups[g]->pcpu)
			continue;
		for_each_possible_cpu(cpu) {
			struct ka_pcpu *pc = groups[g]->pcpu[cpu];

			if (pc && ka_cpu_queued(pc)) {
				ka_cpu_drain(pc);
				queued = true;
			}
		}
	}
	return queued;
}

/*
 * Tears down classes whose users are gone. Queues are drained until no
 * block or homecoming is in flight (a drain may forward to another
 * instance), every carrier goes back to its owner, and only then are the
 * instances destroyed, each giving back what it owns.
 */
static void teardown(struct ka_class_state *const *groups, int n)
{
	int g, cpu, clean;

	/*
	 * No new user first; then the front caches, whose blocks go back through
	 * the queues drained below.
	 */
	for (g = 0; g < n; g++) {
		groups[g]->enabled = false;
		ka_front_flush_everywhere(groups[g]);
		ka_front_group_exit(groups[g]);
	}
	for (g = 0; g < n; g++) {
		if (groups[g]->pcpu)
			for_each_possible_cpu(cpu)
				if (groups[g]->pcpu[cpu])
					cancel_work_sync(&groups[g]->pcpu[cpu]->rq.kick);
	}
	/*
	 * A block forwarded from a queue not yet looked at to one already
	 * passed escapes one sweep, not two in a row.
	 */
	for (clean = 0; clean < 2; clean = any_queued(groups, n) ? 0 : clean + 1)
		cond_resched();
	for (g = 0; g < n; g++)
		if (groups[g]->pool)
			ka_pool_return_all(groups[g]->pool);
	for (g = 0; g < n; g++) {
		if (!groups[g]->pcpu)
			continue;
		for_each_possible_cpu(cpu)
			if (groups[g]->pcpu[cpu])
				ka_pool_rehome(groups[g]->pcpu[cpu]);
	}
	for (g = 0; g < n; g++) {
		if (!groups[g]->pcpu)
			continue;
		for_each_possible_cpu(cpu) {
			struct ka_pcpu *pc = groups[g]->pcpu[cpu];
			size_t live;

			if (!pc)
				continue;
			cancel_work_sync(&pc->rq.kick);	/* a drain above may have kicked it */
			/* a free above may have emptied a main carrier and armed the decay */
			cancel_delayed_work_sync(&pc->fd.work);
			live = ka_inst_destroy(&pc->inst);
			/* the registry work of large carriers waits for an unlock */
			ka_pcpu_lock(pc);
			ka_pcpu_unlock(pc);
			if (live)
				pr_warn("%s instance of CPU %d released with %zu blocks still allocated\n",
					ka_class_name(pc->cls), pc->cpu, live);
		}
	}
	/* The carriers released through call_rcu() use their instance's sources. */
	rcu_barrier();
	for (g = 0; g < n; g++) {
		for_each_possible_cpu(cpu)
			if (groups[g]->pcpu && groups[g]->pcpu[cpu])
				kmem_cache_free(groups[g]->inst_cache, groups[g]->pcpu[cpu]);
		kfree(groups[g]->pcpu);
		groups[g]->pcpu = NULL;
		kmem_cache_destroy(groups[g]->inst_cache);
		groups[g]->inst_cache = NULL;
	}
}

/* Walks every carrier's free blocks and queues: kalloc's own work (debug.h). */
static void groups_teardown(struct ka_class_state *const *groups, int n)
{
	ka_debug_own_begin();
	teardown(groups, n);
	ka_debug_own_end();
}

/* Index memory of @p's strategy for each instance of @cs that has none in @spare. */
static int spares_fill(struct ka_class_state *cs, const struct ka_params *p,
		       struct ka_index **spare)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		if (!ka_pcpu_peek(cs, cpu) || spare[cpu])
			continue;
		spare[cpu] = ka_inst_index_new(p, GFP_KERNEL);
		if (!spare[cpu])
			return -ENOMEM;
	}
	return 0;
}

static bool spares_cover(struct ka_class_state *cs, struct ka_index **spare)
{
	int cpu;

	for_each_possible_cpu(cpu)
		if (ka_pcpu_peek(cs, cpu) && !spare[cpu])
			return false;
	return true;
}

static void spares_free(struct ka_index **spare)
{
	int cpu;

	if (!spare)
		return;
	for_each_possible_cpu(cpu)
		ka_inst_index_free(spare[cpu]);
	kfree(spare);
}

/*
 * A new strategy needs index memory in every instance, which cannot be had
 * under their locks: it is all allocated first, each instance made
 * meanwhile getting its own, and the class's parameters change only once
 * every instance has it. Instances made after that take the new strategy
 * from the start.
 */
int ka_cpu_params_set(struct ka_class_state *cs, const struct ka_params *new)
{
	struct ka_params p = *new;
	struct ka_index **spare = NULL;
	unsigned long flags;
	struct ka_pcpu *pc;
	int cpu, err;

	/* the blocks of set-up stay: a strategy must index them, as an instance requires */
	p.blk_min = cs->p.blk_min;
	if (!ka_strategy_fits(ka_strategy_get(p.as), p.blk_min, p.acul))
		return -EINVAL;
	if (cs->enabled && p.as != cs->p.as) {
		spare = kcalloc(nr_cpu_ids, sizeof(*spare), GFP_KERNEL);
		if (!spare)
			return -ENOMEM;
	}
	raw_spin_lock_irqsave(&ka_params_lock, flags);
	while (spare && !spares_cover(cs, spare)) {
		raw_spin_unlock_irqrestore(&ka_params_lock, flags);
		err = spares_fill(cs, &p, spare);
		if (err) {
			spares_free(spare);
			return err;
		}
		raw_spin_lock_irqsave(&ka_params_lock, flags);
	}
	cs->p = p;
	raw_spin_unlock_irqrestore(&ka_params_lock, flags);
	if (!cs->enabled)
		return 0;
	ka_front_max_set(cs, p.fcmax);
	for_each_possible_cpu(cpu) {
		pc = ka_pcpu_peek(cs, cpu);
		if (!pc)
			continue;
		ka_pcpu_lock(pc);
		/* the option checks keep to strategies every instance can take */
		if (spare)
			WARN_ON_ONCE(ka_inst_strategy_set(&pc->inst, p.as, &spare[cpu]));
		ka_inst_params_set(&pc->inst, &p);
		ka_pcpu_unlock(pc);
	}
	spares_free(spare);
	return 0;
}

int ka_cpu_group_init(struct ka_class_state *cs, enum ka_class cls, const struct ka_params *p,
		      struct ka_pool *pool)
{
	char name[32];
	int err;

	cs->cls = cls;
	cs->p = *p;
	/* every instance's smallest block, whatever strategy the class takes later */
	if (!cs->p.blk_min)
		cs->p.blk_min = ka_strategy_min_block(ka_strategy_get(p->as));
	cs->pool = pool;
	err = ka_front_shape_for(cs);
	if (err)
		return err;
	snprintf(name, sizeof(name), "kalloc_%s_instance", ka_class_name(cls));
	cs->idx_room = ka_inst_index_size(p);
	cs->inst_cache = kmem_cache_create(name, sizeof(struct ka_pcpu) + cs->idx_room, 0,
					   SLAB_HWCACHE_ALIGN, NULL);
	cs->pcpu = kcalloc(nr_cpu_ids, sizeof(*cs->pcpu), GFP_KERNEL);
	if (!cs->pcpu || !cs->inst_cache) {
		groups_teardown(&cs, 1);
		return -ENOMEM;
	}
	err = ka_front_group_init(cs);
	if (err) {
		groups_teardown(&cs, 1);
		return err;
	}
	cs->enabled = true;
	return 0;
}

void ka_cpu_group_exit(struct ka_class_state *cs)
{
	groups_teardown(&cs, 1);
}

void ka_cpu_exit(void)
{
	struct ka_class_state *groups[KA_NR_CLASSES];
	enum ka_class cls;

	ka_reclaim_exit();
	if (ka_cpuhp_state > 0)
		cpuhp_remove_state_nocalls(ka_cpuhp_state);
	if (ka_cpuhp_dead_state > 0)
		cpuhp_remove_state_nocalls(ka_cpuhp_dead_state);
	for (cls = 0; cls < KA_NR_CLASSES; cls++)
		groups[cls] = &ka_class_states[cls];
	groups_teardown(groups, KA_NR_CLASSES);
}

int ka_cpu_init(const struct ka_opts *o)
{
	enum ka_class cls;
	int err, i;

	for (i = 0; i < KA_NR_POOLS; i++)
		ka_pool_init(&ka_pools[i], i == KA_POOL_SHARED ? '@' : ka_class_letter(i));
	for (cls = 0; cls < KA_NR_CLASSES; cls++) {
		struct ka_class_state *cs = &ka_class_states[cls];

		cs->p = o->cls[cls].p;
		cs->cls = cls;
		if (!o->cls[cls].enabled)
			continue;
		err = ka_cpu_group_init(cs, cls, &o->cls[cls].p, &ka_pools[o->cls[cls].pool]);
		if (err)
			goto fail;
	}
	cpus_read_lock();
	err = cpuhp_setup_state_nocalls_cpuslocked(CPUHP_BP_PREPARE_DYN, "kalloc:dead", NULL,
						   ka_cpu_dead);
	if (err >= 0) {
		ka_cpuhp_dead_state = err;
		err = cpuhp_setup_state_nocalls_cpuslocked(CPUHP_AP_ONLINE_DYN, "kalloc:online",
							   NULL, ka_cpu_offline);
	}
	cpus_read_unlock();
	if (err < 0)
		goto fail;
	ka_cpuhp_state = err;
	err = ka_reclaim_init();
	if (err)
		goto fail;
	return 0;
fail:
	ka_cpu_exit();
	return err;
}
