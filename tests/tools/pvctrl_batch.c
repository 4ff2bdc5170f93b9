/* pvctrl_batch: libpvctrl's pipelined requests (pvctrl_batch) against the running
 * hypervisor of the run directory: calls that fail in the middle of a batch get
 * their own error and neither stop nor shift the answers of the calls after them;
 * a full batch refuses the call too many and runs the rest; the connection serves
 * plain calls afterwards. Makes two paused domains and destroys them.
 *   pvctrl_batch
 * Prints "pvctrl_batch: ok: ..." per check; exit 0 when all pass, else 1 after
 * "pvctrl_batch: FAIL: ...". */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "libpvctrl/pvctrl.h"

#define BATCH_NAME "pvctrl-batch-a"

static int failed;

static void check(int cond, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs(cond ? "pvctrl_batch: ok: " : "pvctrl_batch: FAIL: ", stdout);
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
	failed |= !cond;
}

/* A domain id no domain has now (the highest free below the reserved ones). */
static pv_domid_t batch_unused_id(struct pvctrl *h)
{
	struct pv_privcmd_domext e;

	for (pv_domid_t id = PV_DOMID_FIRST_RESERVED - 1; id > 1; id--)
		if (pvctrl_domext_get(h, id, NULL, &e) == -ESRCH)
			return id;
	return 0;
}

static void batch_name_req(struct pv_privcmd_domext *e, pv_domid_t domid)
{
	memset(e, 0, sizeof(*e));
	e->domid = domid;
	e->flags = PV_DOMEXT_SET_NAME;
	snprintf(e->name, sizeof(e->name), "%s", BATCH_NAME);
}

/* One round trip: create two domains with a failing call between them. */
static int batch_create_two(struct pvctrl *h, pv_domid_t none, pv_domid_t d[2])
{
	static const uint8_t uuid[16];
	struct pv_sysctl_physinfo pi = { 0 };
	struct pvctrl_batch b;
	int rc_pi = 1, rc_a = 1, rc_mm = 1, rc_b = 1, rc;

	pvctrl_batch_init(&b, h);
	pvctrl_q_physinfo(&b, &pi, &rc_pi);
	pvctrl_q_domain_create(&b, 0, 1, uuid, &d[0], &rc_a);
	pvctrl_q_domain_max_mem(&b, none, 16384, &rc_mm);
	pvctrl_q_domain_create(&b, 0, 1, uuid, &d[1], &rc_b);
	rc = pvctrl_batch_run(&b);
	check(rc == 0, "batch 1 ran (%d)", rc);
	check(rc_pi == 0 && pi.nr_cpus > 0, "physinfo first: %d, %u CPUs", rc_pi, pi.nr_cpus);
	check(rc_a == 0, "create second: %d, domain %u", rc_a, d[0]);
	check(rc_mm == -ESRCH, "max_mem of missing domain %u third: %d (want -ESRCH)", none,
	      rc_mm);
	check(rc_b == 0 && d[1] != d[0], "create after the failure: %d, domain %u", rc_b, d[1]);
	return rc == 0 && rc_a == 0 && rc_b == 0 ? 0 : -1;
}

/* One round trip mixing calls that fail (missing domain, a name taken, an unknown
 * op) with calls that succeed, each answered in its own place. */
static void batch_mixed(struct pvctrl *h, pv_domid_t none, const pv_domid_t d[2])
{
	struct pv_privcmd_domext n0, n1;
	struct pvctrl_batch b;
	char junk[8] = { 0 };
	int rc_n0 = 1, rc_ev0 = 1, rc_n1 = 1, rc_op = 1, rc_mm = 1, rc_up = 1, rc_ev1 = -1, rc;

	batch_name_req(&n0, d[0]);
	batch_name_req(&n1, d[1]);
	pvctrl_batch_init(&b, h);
	pvctrl_q_domext_set(&b, &n0, &rc_n0);
	pvctrl_q_evtchn_alloc_unbound(&b, none, 0, &rc_ev0);
	pvctrl_q_domext_set(&b, &n1, &rc_n1);
	pvctrl_q_request(&b, 0x7fff, junk, sizeof(junk), NULL, 0, &rc_op);
	pvctrl_q_domain_max_mem(&b, d[1], 8192, &rc_mm);
	pvctrl_q_domain_unpause(&b, none, &rc_up);
	pvctrl_q_evtchn_alloc_unbound(&b, d[0], 0, &rc_ev1);
	rc = pvctrl_batch_run(&b);
	check(rc == 0, "batch 2 ran (%d)", rc);
	check(rc_n0 == 0, "name %s on domain %u: %d", BATCH_NAME, d[0], rc_n0);
	check(rc_ev0 < 0, "port for missing domain %u: %d", none, rc_ev0);
	check(rc_n1 == -EEXIST, "the same name on domain %u: %d (want -EEXIST)", d[1], rc_n1);
	check(rc_op == -ENOSYS, "unknown op: %d (want -ENOSYS)", rc_op);
	check(rc_mm == 0, "max_mem on domain %u after three failures: %d", d[1], rc_mm);
	check(rc_up == -ESRCH, "unpause of missing domain: %d (want -ESRCH)", rc_up);
	check(rc_ev1 >= 0, "last: port %d for domain %u", rc_ev1, d[0]);
}

/* The effects of batch 2, read back with plain calls on the same connection. */
static void batch_effects(struct pvctrl *h, const pv_domid_t d[2])
{
	struct pv_privcmd_domext e;
	struct pv_domctl_getdomaininfo info;
	int rc = pvctrl_domext_get(h, 0, BATCH_NAME, &e);

	check(rc == 0 && e.domid == d[0], "%s is domain %u: %d, %u", BATCH_NAME, d[0], rc,
	      rc == 0 ? e.domid : 0);
	rc = pvctrl_domain_getinfo(h, d[1], &info);
	check(rc == 0 && info.max_pages == 8192 / 4, "domain %u max_pages %llu (want 2048)", d[1],
	      rc == 0 ? (unsigned long long)info.max_pages : 0ull);
}

/* A batch one call too many: that call is refused, the others run. */
static void batch_overflow(struct pvctrl *h)
{
	struct pv_sysctl_physinfo pi[PVCTRL_BATCH_MAX + 1];
	int ret[PVCTRL_BATCH_MAX + 1], good = 0, rc;
	struct pvctrl_batch b;

	pvctrl_batch_init(&b, h);
	for (int i = 0; i <= PVCTRL_BATCH_MAX; i++) {
		ret[i] = 1;
		pvctrl_q_physinfo(&b, &pi[i], &ret[i]);
	}
	rc = pvctrl_batch_run(&b);
	for (int i = 0; i < PVCTRL_BATCH_MAX; i++)
		good += ret[i] == 0 && pi[i].nr_cpus > 0;
	check(rc == 0 && good == PVCTRL_BATCH_MAX && ret[PVCTRL_BATCH_MAX] == -E2BIG,
	      "full batch: %d of %d answered, the one too many %d (want -E2BIG)", good,
	      PVCTRL_BATCH_MAX, ret[PVCTRL_BATCH_MAX]);
}

int main(void)
{
	struct pvctrl *h;
	pv_domid_t none, d[2] = { 0, 0 };
	int rc = pvctrl_open(&h);

	if (rc < 0) {
		printf("pvctrl_batch: FAIL: cannot reach pvisor: %s\n", strerror(-rc));
		return 1;
	}
	none = batch_unused_id(h);
	check(none != 0, "domain %u is free", none);
	if (none && batch_create_two(h, none, d) == 0) {
		batch_mixed(h, none, d);
		batch_effects(h, d);
	}
	batch_overflow(h);
	for (int i = 0; i < 2; i++)
		if (d[i])
			check(pvctrl_domain_destroy(h, d[i]) == 0, "domain %u destroyed", d[i]);
	pvctrl_close(h);
	return failed;
}
