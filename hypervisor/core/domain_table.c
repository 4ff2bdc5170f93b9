/* The domain table: slots (one pass over every domain), and indexes by id (an
 * array: ids are below PV_DOMID_FIRST_RESERVED), in id order (a list, for listings
 * from any id on) and by name (a hash), so a lookup, the next domain and a name
 * check cost the same with one domain or a thousand (issue 18: each was a scan of
 * all HV_MAX_DOMAINS slots, and a listing one scan per domain). hv_lock held. */
#include <string.h>

#include "core/hv.h"
#include "pv_errno.h"
#include "pvisor/errno.h"
#include "pvisor/privcmd.h"
#include "pvisor/xen.h"

#define NAME_BUCKETS 2048 /* a power of two, twice HV_MAX_DOMAINS */

static struct domain *slots[HV_MAX_DOMAINS];
static unsigned free_slots[HV_MAX_DOMAINS], nfree, count;
static int slots_ready;
static struct domain *by_id[PV_DOMID_FIRST_RESERVED];
static struct domain *id_head, *id_tail;
static struct domain *by_name[NAME_BUCKETS];

/* What dom0 hears of through VIRQ_DOM_EXC, kept so that it can ask what changed
 * since it last looked instead of listing every domain: live domains whose state
 * changed (a list in order of change, each with the count of changes at its
 * latest), and the removed ones (a ring of the latest TOMBSTONES). */
#define TOMBSTONES 1024
static uint64_t change_gen;
static struct domain *chg_head, *chg_tail;
static struct {
	pv_domid_t domid;
	uint64_t gen;
} tomb[TOMBSTONES];
static unsigned tomb_next;
static uint64_t tomb_lost; /* the newest gen of a removal the ring no longer holds */

static unsigned name_bucket(const char *name)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (; *name; name++)
		h = (h ^ (uint8_t)*name) * 16777619u;
	return h & (NAME_BUCKETS - 1);
}

static void name_link(struct domain *d)
{
	unsigned b = name_bucket(d->name);

	d->name_next = by_name[b];
	by_name[b] = d;
}

static void name_unlink(struct domain *d)
{
	struct domain **pp = &by_name[name_bucket(d->name)];

	while (*pp && *pp != d)
		pp = &(*pp)->name_next;
	if (*pp)
		*pp = d->name_next;
	d->name_next = NULL;
}

/* Into the id-ordered list: ids mostly grow, so the place is at or near the tail. */
static void id_link(struct domain *d)
{
	struct domain *after = id_tail;

	while (after && after->domid > d->domid)
		after = after->id_prev;
	d->id_prev = after;
	d->id_next = after ? after->id_next : id_head;
	if (d->id_next)
		d->id_next->id_prev = d;
	else
		id_tail = d;
	if (after)
		after->id_next = d;
	else
		id_head = d;
}

static void id_unlink(struct domain *d)
{
	if (d->id_prev)
		d->id_prev->id_next = d->id_next;
	else
		id_head = d->id_next;
	if (d->id_next)
		d->id_next->id_prev = d->id_prev;
	else
		id_tail = d->id_prev;
	d->id_next = d->id_prev = NULL;
}

static void chg_unlink(struct domain *d)
{
	if (!d->change_gen)
		return;
	if (d->chg_prev)
		d->chg_prev->chg_next = d->chg_next;
	else
		chg_head = d->chg_next;
	if (d->chg_next)
		d->chg_next->chg_prev = d->chg_prev;
	else
		chg_tail = d->chg_prev;
	d->chg_next = d->chg_prev = NULL;
}

void domain_changed_locked(struct domain *d)
{
	chg_unlink(d);
	d->change_gen = ++change_gen;
	d->chg_prev = chg_tail;
	if (chg_tail)
		chg_tail->chg_next = d;
	else
		chg_head = d;
	chg_tail = d;
}

static void chg_removed(struct domain *d)
{
	chg_unlink(d);
	d->change_gen = 0;
	if (tomb[tomb_next].gen)
		tomb_lost = tomb[tomb_next].gen;
	tomb[tomb_next].domid = d->domid;
	tomb[tomb_next].gen = ++change_gen;
	tomb_next = (tomb_next + 1) % TOMBSTONES;
}

int domain_changes_locked(uint64_t since, struct pv_privcmd_domstatus *out, unsigned max,
			  uint64_t *gen)
{
	unsigned n = 0;

	*gen = change_gen;
	if (since < tomb_lost)
		return -PV_ERANGE; /* removals since then are forgotten: list them all */
	for (struct domain *d = chg_tail; d && d->change_gen > since; d = d->chg_prev) {
		if (n == max)
			return -PV_ERANGE;
		out[n++] = (struct pv_privcmd_domstatus){ .domid = d->domid, .state = d->state };
	}
	for (unsigned i = 0; i < TOMBSTONES; i++) {
		if (tomb[i].gen <= since)
			continue;
		if (n == max)
			return -PV_ERANGE;
		out[n++] = (struct pv_privcmd_domstatus){ .domid = tomb[i].domid,
							  .state = PV_DOMSTATE_DYING };
	}
	return (int)n;
}

int domain_table_add_locked(struct domain *d)
{
	if (!slots_ready) {
		for (unsigned i = 0; i < HV_MAX_DOMAINS; i++)
			free_slots[i] = HV_MAX_DOMAINS - 1 - i; /* slot 0 first */
		nfree = HV_MAX_DOMAINS;
		slots_ready = 1;
	}
	if (!nfree || d->domid >= PV_DOMID_FIRST_RESERVED || by_id[d->domid])
		return -PV_ENOSPC;
	d->slot = free_slots[--nfree];
	slots[d->slot] = d;
	by_id[d->domid] = d;
	id_link(d);
	name_link(d);
	count++;
	return 0;
}

void domain_table_del_locked(struct domain *d)
{
	if (d->domid >= PV_DOMID_FIRST_RESERVED || by_id[d->domid] != d)
		return;
	by_id[d->domid] = NULL;
	chg_removed(d);
	slots[d->slot] = NULL;
	free_slots[nfree++] = d->slot;
	id_unlink(d);
	name_unlink(d);
	count--;
}

void domain_table_rename_locked(struct domain *d, const char *name, size_t len)
{
	int listed = d->domid < PV_DOMID_FIRST_RESERVED && by_id[d->domid] == d;

	if (listed)
		name_unlink(d);
	memcpy(d->name, name, len);
	d->name[len] = '\0';
	if (listed)
		name_link(d);
}

struct domain *domain_lookup_locked(pv_domid_t domid)
{
	return domid < PV_DOMID_FIRST_RESERVED ? by_id[domid] : NULL;
}

struct domain *domain_by_name_locked(const char *name)
{
	struct domain *d = by_name[name_bucket(name)];

	while (d && strcmp(d->name, name) != 0)
		d = d->name_next;
	return d;
}

struct domain *domain_next_locked(int after)
{
	struct domain *d;

	if (after < 0)
		return id_head;
	if (after < (int)PV_DOMID_FIRST_RESERVED && by_id[after])
		return by_id[after]->id_next;
	/* an id no domain has (a listing's first id): walk to the first one past it */
	for (d = id_head; d && (int)d->domid <= after; d = d->id_next)
		;
	return d;
}

struct domain *domain_at_locked(unsigned slot)
{
	return slot < HV_MAX_DOMAINS ? slots[slot] : NULL;
}

unsigned domain_count_locked(void)
{
	return count;
}
