/* Unit tests of the domain table (hypervisor/core/domain_table.c) on domains that
 * never start: a full table, id order across holes, lookups by id and name after
 * renames and removals, the next domain from an id nobody has, and ids that keep
 * growing after removals. */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>

#include "core/hv.h"
#include "pvisor/errno.h"
#include "pvisor/privcmd.h"

static pv_domid_t ids[HV_MAX_DOMAINS];

static struct domain *by_id(pv_domid_t id)
{
	struct domain *d;

	pthread_mutex_lock(&hv_lock);
	d = domain_lookup_locked(id);
	pthread_mutex_unlock(&hv_lock);
	return d;
}

static void destroy_id(pv_domid_t id)
{
	struct domain *d = domain_get(id);

	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	domain_destroy(d);
	domain_put(d);
}

/* Walk the table in id order: the count, and each id above the one before. */
static unsigned walk(void)
{
	unsigned n = 0;
	int last = -1;

	pthread_mutex_lock(&hv_lock);
	for (struct domain *d = domain_next_locked(-1); d; d = domain_next_locked(d->domid)) {
		CU_ASSERT((int)d->domid > last);
		CU_ASSERT_PTR_EQUAL(domain_at_locked(d->slot), d);
		last = d->domid;
		n++;
	}
	CU_ASSERT_EQUAL(n, domain_count_locked());
	pthread_mutex_unlock(&hv_lock);
	return n;
}

static void test_full_and_order(void)
{
	pv_domid_t extra;

	for (unsigned i = 0; i < HV_MAX_DOMAINS; i++)
		CU_ASSERT_EQUAL_FATAL(domain_create(0, 1, NULL, &ids[i]), 0);
	CU_ASSERT_EQUAL(domain_create(0, 1, NULL, &extra), -PV_ENOSPC);
	CU_ASSERT_EQUAL(walk(), HV_MAX_DOMAINS);
	for (unsigned i = 0; i < HV_MAX_DOMAINS; i += 2)
		destroy_id(ids[i]);
	CU_ASSERT_EQUAL(walk(), HV_MAX_DOMAINS / 2);
	CU_ASSERT_PTR_NULL(by_id(ids[0]));
	CU_ASSERT_PTR_NOT_NULL(by_id(ids[1]));
	/* from an id that is gone: the next live one */
	pthread_mutex_lock(&hv_lock);
	CU_ASSERT_EQUAL(domain_next_locked(ids[2])->domid, ids[3]);
	CU_ASSERT_EQUAL(domain_next_locked(ids[HV_MAX_DOMAINS - 1]) == NULL, 1);
	pthread_mutex_unlock(&hv_lock);
	/* new ids keep growing and take the freed slots */
	for (unsigned i = 0; i < HV_MAX_DOMAINS; i += 2) {
		CU_ASSERT_EQUAL_FATAL(domain_create(0, 1, NULL, &ids[i]), 0);
		CU_ASSERT(ids[i] > ids[HV_MAX_DOMAINS - 1]);
	}
	CU_ASSERT_EQUAL(walk(), HV_MAX_DOMAINS);
}

static void test_names(void)
{
	struct domain *d = domain_get(ids[5]), *e = domain_get(ids[6]);
	char old[64];

	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	snprintf(old, sizeof(old), "%s", d->name);
	pthread_mutex_lock(&hv_lock);
	CU_ASSERT_PTR_EQUAL(domain_by_name_locked(old), d);
	CU_ASSERT_EQUAL(domain_set_name(d, "web-1"), 0);
	CU_ASSERT_PTR_EQUAL(domain_by_name_locked("web-1"), d);
	CU_ASSERT_PTR_NULL(domain_by_name_locked(old));
	CU_ASSERT_EQUAL(domain_set_name(e, "web-1"), -PV_EEXIST);
	CU_ASSERT_EQUAL(domain_set_name(d, "web-1"), 0); /* its own name again */
	pthread_mutex_unlock(&hv_lock);
	domain_destroy(d);
	pthread_mutex_lock(&hv_lock);
	CU_ASSERT_PTR_NULL(domain_by_name_locked("web-1"));
	CU_ASSERT_EQUAL(domain_set_name(e, "web-1"), 0); /* free again */
	pthread_mutex_unlock(&hv_lock);
	domain_put(d);
	domain_put(e);
}

/* What changed since a count: shut-down domains, removed ones (as DYING), nothing
 * twice; more removals than are kept: -PV_ERANGE for an old count. */
static void test_changes(void)
{
	struct pv_privcmd_domstatus st[8];
	uint64_t gen0, gen1, gen2;
	pv_domid_t a, b;
	struct domain *d;

	CU_ASSERT_EQUAL_FATAL(domain_create(0, 1, NULL, &a), 0);
	CU_ASSERT_EQUAL_FATAL(domain_create(0, 1, NULL, &b), 0);
	pthread_mutex_lock(&hv_lock);
	CU_ASSERT_EQUAL(domain_changes_locked(UINT64_MAX, st, 8, &gen0), 0);
	domain_shutdown_locked(domain_lookup_locked(a), 0);
	CU_ASSERT_EQUAL(domain_changes_locked(gen0, st, 8, &gen1), 1);
	CU_ASSERT_EQUAL(st[0].domid, a);
	CU_ASSERT_EQUAL(st[0].state, PV_DOMSTATE_SHUTDOWN);
	CU_ASSERT_EQUAL(domain_changes_locked(gen1, st, 8, &gen2), 0);
	pthread_mutex_unlock(&hv_lock);
	destroy_id(b);
	pthread_mutex_lock(&hv_lock);
	CU_ASSERT_EQUAL(domain_changes_locked(gen1, st, 8, &gen2), 1);
	CU_ASSERT_EQUAL(st[0].domid, b);
	CU_ASSERT_EQUAL(st[0].state, PV_DOMSTATE_DYING);
	CU_ASSERT_EQUAL(domain_changes_locked(gen0, st, 8, &gen2), 2);
	CU_ASSERT_EQUAL(domain_changes_locked(gen0, st, 1, &gen2), -PV_ERANGE); /* no room */
	pthread_mutex_unlock(&hv_lock);
	destroy_id(a);
	/* more removals than the hypervisor keeps: an old count must list everything */
	for (unsigned i = 0; i < 1100; i++) {
		CU_ASSERT_EQUAL_FATAL(domain_create(0, 1, NULL, &b), 0);
		destroy_id(b);
	}
	pthread_mutex_lock(&hv_lock);
	CU_ASSERT_EQUAL(domain_changes_locked(gen0, st, 8, &gen1), -PV_ERANGE);
	CU_ASSERT_EQUAL(domain_changes_locked(UINT64_MAX, st, 8, &gen2), 0);
	CU_ASSERT_EQUAL(domain_changes_locked(gen2, st, 8, &gen1),
			0); /* a fresh count: nothing */
	CU_ASSERT_EQUAL(gen1, gen2);
	d = domain_lookup_locked(b);
	CU_ASSERT_PTR_NULL(d);
	pthread_mutex_unlock(&hv_lock);
}

static void test_empty(void)
{
	for (unsigned i = 0; i < HV_MAX_DOMAINS; i++)
		if (by_id(ids[i]))
			destroy_id(ids[i]);
	CU_ASSERT_EQUAL(walk(), 0);
	pthread_mutex_lock(&hv_lock);
	CU_ASSERT_PTR_NULL(domain_next_locked(-1));
	CU_ASSERT_PTR_NULL(domain_by_name_locked("web-1"));
	pthread_mutex_unlock(&hv_lock);
}

int main(void)
{
	CU_pSuite s;
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("domain_table", NULL, NULL);
	CU_add_test(s, "a full table, id order across holes", test_full_and_order);
	CU_add_test(s, "names: rename, duplicates, removal", test_names);
	CU_add_test(s, "empty again", test_empty);
	CU_add_test(s, "changes since a count (DOMAIN_CHANGES)", test_changes);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
