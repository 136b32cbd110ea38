// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU instances and delayed dealloc.
 *
 * Each enabled class has one instance per possible CPU. An allocation uses
 * the current CPU's instance under its spinlock, taken with interrupts off:
 * kalloc may be called from hard-irq context with GFP_ATOMIC, and the lock
 * (rather than only irqs off) lets an allocation that may sleep drop it
 * around the carrier source and take it again, even after migrating. The
 * owning CPU takes its lock uncontended; no other CPU does, except the kick
 * work and hotplug.
 *
 * A free on the owning CPU is immediate. A free from any other CPU pushes the
 * block on the owner's llist (the link is written into the freed block) and
 * never touches the owner's lock. The owner drains two queued blocks per
 * allocation, all of them before giving up on a failed one, and a work item
 * on its CPU drains twenty per pass until the queue is empty; the work is
 * queued when the list goes from empty to non-empty and again every
 * KA_KICK_EVERY pushes, so no block waits on an idle CPU.
 *
 * With a carrier pool (pool.c) a block's carrier may have moved to another
 * instance: a free goes to whoever employs the carrier when it is looked
 * at, and a queued block whose carrier moved on is forwarded. The same queue
 * pass also takes the owner's homecoming carriers.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/cpuhotplug.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

#include "cpu.h"
#include "internal.h"
#include "layer.h"
#include "pool.h"
#include "registry.h"

#define KA_DRAIN_PER_ALLOC	2
#define KA_DRAIN_PER_PASS	20
#define KA_DRAIN_ON_FAILURE	1024	/* bounds the irqs-off time of a failing alloc */
#define KA_KICK_EVERY		64

struct ka_class_state ka_class_states[KA_NR_CLASSES];
EXPORT_SYMBOL_IF_KUNIT(ka_class_states);
static int ka_cpuhp_state;

/* ---- locking ---- */

static struct ka_pcpu *lock_this_cpu(struct ka_class_state *cs)
	__acquires(pc->lock)
{
	struct ka_pcpu *pc;
	unsigned long flags;

	local_irq_save(flags);
	pc = cs->pcpu[smp_processor_id()];
	spin_lock(&pc->lock);
	pc->irqflags = flags;
	pc->locked = true;
	return pc;
}

static void lock_pcpu(struct ka_pcpu *pc)
	__acquires(pc->lock)
{
	unsigned long flags;

	spin_lock_irqsave(&pc->lock, flags);
	pc->irqflags = flags;
	pc->locked = true;
}

static void unlock_pcpu(struct ka_pcpu *pc)
	__releases(pc->lock)
{
	unsigned long flags = pc->irqflags;

	pc->locked = false;
	spin_unlock_irqrestore(&pc->lock, flags);
}

/* ---- the instance's sources ---- */

/* A carrier that may sleep is made with the instance unlocked. */
static void *pcpu_src_alloc(struct ka_pcpu *pc, struct ka_source *real, size_t *size,
			    bool sbc, gfp_t gfp)
{
	void *mem;

	if (!pc->locked || !gfpflags_allow_blocking(gfp))
		return real->alloc(real, size, sbc, gfp);
	/* The caller holds blocks of this instance: their carriers must stay put. */
	pc->sleepers++;
	unlock_pcpu(pc);
	mem = real->alloc(real, size, sbc, gfp);
	lock_pcpu(pc);
	pc->sleepers--;
	return mem;
}

static void *pcpu_seg_alloc(struct ka_source *s, size_t *size, bool sbc, gfp_t gfp)
{
	struct ka_pcpu *pc = container_of(s, struct ka_pcpu, seg_src);

	return pcpu_src_alloc(pc, &pc->seg.src, size, sbc, gfp);
}

static void *pcpu_sys_alloc(struct ka_source *s, size_t *size, bool sbc, gfp_t gfp)
{
	struct ka_pcpu *pc = container_of(s, struct ka_pcpu, sys_src);

	return pcpu_src_alloc(pc, &pc->sys.src, size, sbc, gfp);
}

/* Written into a released carrier's first block: it goes back after a grace period. */
struct dead_carrier {
	struct rcu_head rcu;
	struct ka_source *real;
	void *mem;
	size_t size;
};

static void dead_carrier_release(struct rcu_head *rcu)
{
	struct dead_carrier *d = container_of(rcu, struct dead_carrier, rcu);

	d->real->free(d->real, d->mem, d->size);
}

/* Registry lookups may still be walking the carrier's header: wait for them. */
static void pcpu_src_free(struct ka_source *real, void *mem, size_t size)
{
	struct dead_carrier *d = ka_blk_payload(ka_crr_first(mem));

	d->real = real;
	d->mem = mem;
	d->size = size;
	call_rcu(&d->rcu, dead_carrier_release);
}

static void pcpu_seg_free(struct ka_source *s, void *mem, size_t size)
{
	pcpu_src_free(&container_of(s, struct ka_pcpu, seg_src)->seg.src, mem, size);
}

static void pcpu_sys_free(struct ka_source *s, void *mem, size_t size)
{
	pcpu_src_free(&container_of(s, struct ka_pcpu, sys_src)->sys.src, mem, size);
}

static void pcpu_carrier_created(struct ka_instance *inst, struct ka_carrier *c)
{
	ka_pool_carrier_init(c);
	ka_registry_add(c);
}

/* Only the owner gives a carrier back, only when it employs it, and it should be empty. */
static void pcpu_carrier_destroying(struct ka_instance *inst, struct ka_carrier *c)
{
	WARN_ONCE(c->home != inst || ka_crr_inst(c) != inst,
		  "kalloc: carrier given back by an instance that does not own and employ it\n");
	if (c->used_blocks)
		ka_pcpu_of(inst)->released_nonempty++;
	ka_registry_del(c);
}

static void pcpu_carrier_abandon(struct ka_instance *inst, struct ka_carrier *c)
{
	if (!ka_pcpu_of(inst)->sleepers)
		ka_pool_abandon(inst, c);
}

/* The pool hooks do nothing for an instance without a pool (@pc->pool NULL). */
static const struct ka_inst_hooks pcpu_hooks = {
	.carrier_created = pcpu_carrier_created,
	.carrier_destroying = pcpu_carrier_destroying,
	.carrier_abandon = pcpu_carrier_abandon,
	.carrier_fetch = ka_pool_fetch,
	.carrier_foreign_empty = ka_pool_foreign_empty,
};

/* ---- delayed dealloc ---- */

static unsigned int drain_homecomings(struct ka_pcpu *pc)
{
	struct llist_node *n = llist_del_all(&pc->homecoming);
	struct ka_crr_layer *l, *next;
	unsigned int done = 0;

	/* The record is in the carrier, which stays until this pass lets it go. */
	llist_for_each_entry_safe(l, next, n, homecoming) {
		ka_pool_homecoming(pc, ka_layer_carrier(l));
		done++;
	}
	return done;
}

/* Frees up to @budget queued blocks (homecomings count against it too); how many blocks. */
static unsigned int drain(struct ka_pcpu *pc, unsigned int budget)
{
	unsigned int done = 0, blocks = 0;
	struct llist_node *n;

	lockdep_assert_held(&pc->lock);
	if (unlikely(!llist_empty(&pc->homecoming)))
		done = drain_homecomings(pc);
	while (done < budget) {
		if (!pc->pending) {
			if (llist_empty(&pc->remote))
				break;
			pc->pending = llist_reverse_order(llist_del_all(&pc->remote));
		}
		n = pc->pending;
		pc->pending = n->next;
		ka_cpu_free_locked(pc, n);
		done++;
		blocks++;
	}
	pc->dd_drained += blocks;
	return done;
}

static bool queue_nonempty(struct ka_pcpu *pc)
{
	return pc->pending || !llist_empty(&pc->remote) || !llist_empty(&pc->homecoming);
}

void ka_cpu_kick(struct ka_pcpu *pc)
{
	atomic64_inc(&pc->dd_kicks);
	queue_work_on(pc->cpu, system_wq, &pc->kick);
}

static void kick_work(struct work_struct *work)
{
	struct ka_pcpu *pc = container_of(work, struct ka_pcpu, kick);
	bool more;

	lock_pcpu(pc);
	drain(pc, KA_DRAIN_PER_PASS);
	more = queue_nonempty(pc);
	unlock_pcpu(pc);
	if (more)
		ka_cpu_kick(pc);
}

/* Send @ptr home to @pc without touching its lock. */
static void push_remote(struct ka_pcpu *pc, void *ptr)
{
	atomic64_inc(&pc->dd_queued);
	if (llist_add(ptr, &pc->remote) ||
	    atomic_inc_return(&pc->pushes) % KA_KICK_EVERY == 0)
		ka_cpu_kick(pc);
}

/*
 * Whether anything waits in @pc's queues. Under the lock: a drain in progress
 * holds what it took off the list in @pc->pending.
 */
bool ka_cpu_queued(struct ka_pcpu *pc)
{
	unsigned long flags;
	bool queued;

	spin_lock_irqsave(&pc->lock, flags);
	queued = queue_nonempty(pc);
	spin_unlock_irqrestore(&pc->lock, flags);
	return queued;
}
EXPORT_SYMBOL_IF_KUNIT(ka_cpu_queued);

/* Frees everything queued for @pc (hotplug, unload, tests), in bounded steps. */
void ka_cpu_drain(struct ka_pcpu *pc)
{
	bool more;

	do {
		lock_pcpu(pc);
		drain(pc, KA_DRAIN_PER_PASS);
		more = queue_nonempty(pc);
		unlock_pcpu(pc);
	} while (more);
}
EXPORT_SYMBOL_IF_KUNIT(ka_cpu_drain);

/* ---- allocation paths ---- */

void *ka_cpu_alloc_in(struct ka_class_state *cs, size_t size, unsigned int tid,
		      unsigned long origin, gfp_t gfp)
{
	struct ka_pcpu *pc = lock_this_cpu(cs);
	void *ptr;

	drain(pc, KA_DRAIN_PER_ALLOC);
	ptr = ka_inst_alloc_tagged(&pc->inst, size, tid, origin, gfp);
	if (!ptr && size && size <= KA_MAX_REQUEST && drain(pc, KA_DRAIN_ON_FAILURE))
		ptr = ka_inst_alloc_tagged(&pc->inst, size, tid, origin, gfp);
	unlock_pcpu(pc);
	return ptr;
}
EXPORT_SYMBOL_IF_KUNIT(ka_cpu_alloc_in);

void *ka_cpu_alloc(enum ka_class cls, size_t size, unsigned int tid, unsigned long origin,
		   gfp_t gfp)
{
	return ka_cpu_alloc_in(&ka_class_states[cls], size, tid, origin, gfp);
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
			push_remote(ka_pcpu_of(ka_emp_inst(emp)), ptr);
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

/* Locks @pc, this CPU's, with interrupts already off since the caller saved @flags. */
static void lock_local(struct ka_pcpu *pc, unsigned long flags)
	__acquires(pc->lock)
{
	spin_lock(&pc->lock);
	pc->irqflags = flags;
	pc->locked = true;
}

void ka_cpu_free(void *ptr)
{
	struct ka_carrier *c = ka_blk_carrier(ka_payload_blk(ptr));
	struct ka_pcpu *pc = ka_pcpu_of(ka_crr_inst(c));
	unsigned long flags;

	local_irq_save(flags);
	if (pc->cpu == smp_processor_id()) {
		lock_local(pc, flags);
		ka_cpu_free_locked(pc, ptr);
		unlock_pcpu(pc);
		return;
	}
	local_irq_restore(flags);
	/* If the carrier moves on meanwhile, @pc forwards the block. */
	push_remote(pc, ptr);
}
EXPORT_SYMBOL_IF_KUNIT(ka_cpu_free);

/*
 * In place when this CPU employs the block's carrier and it is not pooled;
 * otherwise copied into a block of this CPU's instance of @cs, the old one
 * freed through its employer. The caller has claimed @ptr (queued state);
 * whatever stays of it at @ptr goes back to the allocated state here.
 */
void *ka_cpu_realloc(struct ka_class_state *cs, void *ptr, size_t size, gfp_t gfp)
{
	struct ka_carrier *c = ka_blk_carrier(ka_payload_blk(ptr));
	struct ka_pcpu *pc = ka_pcpu_of(ka_crr_inst(c));
	unsigned long emp, flags;
	void *new;

	local_irq_save(flags);
	if (pc->cpu == smp_processor_id()) {
		lock_local(pc, flags);
		emp = READ_ONCE(c->emp);
		if (ka_emp_inst(emp) == &pc->inst && !(emp & KA_EMP_IN_POOL)) {
			new = ka_inst_realloc(&pc->inst, ptr, size, gfp);
			if (new == ptr || !new)
				ka_blk_unclaim(ka_payload_blk(ptr));
			unlock_pcpu(pc);
			return new;
		}
		unlock_pcpu(pc);
	} else {
		local_irq_restore(flags);
	}
	new = ka_cpu_alloc_in(cs, size, ka_ptr_tid(ptr), ka_inst_block_origin(ptr), gfp);
	if (!new) {
		ka_blk_unclaim(ka_payload_blk(ptr));
		return NULL;
	}
	memcpy(new, ptr, min(size, ka_inst_usable_size(ptr)));
	ka_cpu_free(ptr);
	return new;
}
EXPORT_SYMBOL_IF_KUNIT(ka_cpu_realloc);

/*
 * The instance employing the carrier of @ptr, if it is an allocated kalloc
 * block; otherwise NULL and a reason in @why. Any context.
 */
struct ka_pcpu *ka_cpu_owner(const void *ptr, const char **why)
{
	struct ka_pcpu *pc = NULL;
	struct ka_block *b;

	rcu_read_lock();
	b = ka_registry_block(ptr, why);
	if (b && ka_blk_free(b))
		*why = "already free";
	else if (b && ka_blk_queued(b))
		*why = "given back, not yet free";
	else if (b)
		pc = ka_pcpu_of(ka_crr_inst(ka_blk_carrier(b)));
	rcu_read_unlock();
	return pc;
}
EXPORT_SYMBOL_IF_KUNIT(ka_cpu_owner);

/* ---- CPU hotplug, set-up and tear-down ---- */

/* Runs on the CPU going down: nothing of its queue is left behind. */
static int ka_cpu_offline(unsigned int cpu)
{
	enum ka_class cls;

	for (cls = 0; cls < KA_NR_CLASSES; cls++)
		if (ka_class_states[cls].enabled)
			ka_cpu_drain(ka_class_states[cls].pcpu[cpu]);
	return 0;
}

static int pcpu_create(struct ka_class_state *cs, int cpu)
{
	int node = cpu_to_node(cpu);
	struct ka_pcpu *pc;
	int err;

	pc = kzalloc_node(sizeof(*pc), GFP_KERNEL, node);
	if (!pc)
		return -ENOMEM;
	spin_lock_init(&pc->lock);
	init_llist_head(&pc->remote);
	init_llist_head(&pc->homecoming);
	INIT_LIST_HEAD(&pc->own_pooled);
	INIT_WORK(&pc->kick, kick_work);
	pc->cls = cs->cls;
	pc->cpu = cpu;
	ka_seg_handle_init(&pc->seg, &ka_seg_global, node);
	ka_sys_handle_init(&pc->sys, &ka_sys_global, node);
	pc->seg_src = (struct ka_source){ "seg", pcpu_seg_alloc, pcpu_seg_free };
	pc->sys_src = (struct ka_source){ "sys", pcpu_sys_alloc, pcpu_sys_free };
	err = ka_inst_init_hooked(&pc->inst, &cs->p, &pc->seg_src, &pc->sys_src, &pcpu_hooks,
				  GFP_KERNEL);
	if (err) {
		kfree(pc);
		return err;
	}
	if (ka_inst_can_migrate(&pc->inst))
		pc->pool = cs->pool;
	cs->pcpu[cpu] = pc;
	return 0;
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
static void groups_teardown(struct ka_class_state *const *groups, int n)
{
	int g, cpu, clean;

	for (g = 0; g < n; g++) {
		groups[g]->enabled = false;
		if (groups[g]->pcpu)
			for_each_possible_cpu(cpu)
				if (groups[g]->pcpu[cpu])
					cancel_work_sync(&groups[g]->pcpu[cpu]->kick);
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
			cancel_work_sync(&pc->kick);	/* a drain above may have kicked it */
			live = ka_inst_destroy(&pc->inst);
			if (live)
				pr_warn("%s instance of CPU %d released with %zu blocks still allocated\n",
					ka_class_name(pc->cls), pc->cpu, live);
		}
	}
	/* The carriers released through call_rcu() use their instance's sources. */
	rcu_barrier();
	for (g = 0; g < n; g++) {
		if (!groups[g]->pcpu)
			continue;
		for_each_possible_cpu(cpu)
			kfree(groups[g]->pcpu[cpu]);
		kfree(groups[g]->pcpu);
		groups[g]->pcpu = NULL;
	}
}

int ka_cpu_group_init(struct ka_class_state *cs, enum ka_class cls, const struct ka_params *p,
		      struct ka_pool *pool)
{
	int cpu, err;

	cs->cls = cls;
	cs->p = *p;
	cs->pool = pool;
	cs->pcpu = kcalloc(nr_cpu_ids, sizeof(*cs->pcpu), GFP_KERNEL);
	if (!cs->pcpu)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		err = pcpu_create(cs, cpu);
		if (err) {
			pr_err("%s instance of CPU %d: error %d\n", ka_class_name(cls), cpu, err);
			groups_teardown(&cs, 1);
			return err;
		}
	}
	cs->enabled = true;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ka_cpu_group_init);

void ka_cpu_group_exit(struct ka_class_state *cs)
{
	groups_teardown(&cs, 1);
}
EXPORT_SYMBOL_IF_KUNIT(ka_cpu_group_exit);

void ka_cpu_exit(void)
{
	struct ka_class_state *groups[KA_NR_CLASSES];
	enum ka_class cls;

	if (ka_cpuhp_state > 0)
		cpuhp_remove_state_nocalls(ka_cpuhp_state);
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
	err = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "kalloc:online", NULL,
					ka_cpu_offline);
	if (err < 0)
		goto fail;
	ka_cpuhp_state = err;
	return 0;
fail:
	ka_cpu_exit();
	return err;
}
