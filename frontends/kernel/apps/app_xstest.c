/* xstest: the store from inside a guest.
 *   op=check other=D : read our own name and domid; try another domain's subtree
 *     (must be refused); write and read back; a transaction conflict (EAGAIN)
 *     and its retry; a watch that dom0 fires (key data/ping); write until the
 *     node quota refuses; then idle until control/shutdown says otherwise.
 *   op=bench n=N : N reads, N writes and N/10 transactions, ops per second.
 *   op=evil : write a request header announcing a 100000-byte payload straight
 *     into the ring (a hostile guest); the store must stop serving this guest
 *     only, saying so in the page's error word.
 * Every result is one "xstest: ..." line for the integration tests. */
#include <pvisor/errno.h>
#include <pvisor/io/xs_wire.h>
#include <pvisor/sched.h>

#include "apps/app.h"
#include "kernel/evtchn.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "kernel/timer.h"
#include "kernel/xenbus.h"
#include "lib/format.h"
#include "lib/kstring.h"

static const char *xt_err(int rc)
{
	switch (-rc) {
	case 0:
		return "OK";
	case PV_ENOENT:
		return "ENOENT";
	case PV_EACCES:
		return "EACCES";
	case PV_EAGAIN:
		return "EAGAIN";
	case PV_ENOSPC:
		return "ENOSPC";
	case PV_E2BIG:
		return "E2BIG";
	case PV_EINVAL:
		return "EINVAL";
	case PV_EPERM:
		return "EPERM";
	case PV_EEXIST:
		return "EEXIST";
	case PV_ETIMEDOUT:
		return "ETIMEDOUT";
	default:
		return "error";
	}
}

/* A transaction that loses a race to a plain write, then its retry. */
static void xt_conflict(void)
{
	xbt_t t;
	char v[32];
	int rc, tries = 0;

	xenbus_write(XBT_NIL, "data/counter", "1");
	do {
		rc = xenbus_transaction_start(&t);
		if (rc < 0)
			break;
		xenbus_read(t, "data/counter", v, sizeof(v));
		if (tries == 0)
			xenbus_write(XBT_NIL, "data/counter", "5"); /* the race */
		xenbus_write(t, "data/counter", "2");
		rc = xenbus_transaction_end(t, 0);
		printk("xstest: transaction attempt %d: %s\n", tries + 1, xt_err(rc));
	} while (rc == -PV_EAGAIN && ++tries < 5);
	xenbus_read(XBT_NIL, "data/counter", v, sizeof(v));
	printk("xstest: counter after retry = %s\n", v);
}

static void xt_quota(void)
{
	char path[48];
	int rc = 0, i;

	for (i = 0; i < 5000 && rc == 0; i++) {
		ksnprintf(path, sizeof(path), "data/q/%d", i);
		rc = xenbus_write(XBT_NIL, path, "x");
	}
	printk("xstest: quota: %s after %d nodes\n", xt_err(rc), i - 1);
	xenbus_rm(XBT_NIL, "data/q");
}

static __attribute__((noreturn)) int xt_check(uint64_t other)
{
	char v[128], path[64];
	int rc;

	rc = xenbus_read(XBT_NIL, "name", v, sizeof(v));
	printk("xstest: name = %s (%s)\n", rc < 0 ? "?" : v, xt_err(rc < 0 ? rc : 0));
	printk("xstest: domid = %d\n", xenbus_domid());
	ksnprintf(path, sizeof(path), "/local/domain/%llu/name", (unsigned long long)other);
	rc = xenbus_read(XBT_NIL, path, v, sizeof(v));
	printk("xstest: read other: %s\n", xt_err(rc < 0 ? rc : 0));
	ksnprintf(path, sizeof(path), "/local/domain/%llu/data/intruder",
		  (unsigned long long)other);
	rc = xenbus_write(XBT_NIL, path, "x");
	printk("xstest: write other: %s\n", xt_err(rc));
	rc = xenbus_write(XBT_NIL, "/local/domain/0/intruder", "x");
	printk("xstest: write dom0: %s\n", xt_err(rc));
	rc = xenbus_write(XBT_NIL, "data/hello", "world");
	if (rc == 0)
		rc = xenbus_read(XBT_NIL, "data/hello", v, sizeof(v));
	printk("xstest: own write/read: %s %s\n", xt_err(rc < 0 ? rc : 0), rc < 0 ? "" : v);
	xt_conflict();
	rc = xenbus_watch("data/ping", "xt:ping", 0, 0);
	if (rc == 0)
		rc = xenbus_wait_watch("xt:ping", v, sizeof(v), 5000000000ull); /* initial */
	printk("xstest: watching data/ping (%s)\n", xt_err(rc));
	rc = xenbus_wait_watch("xt:ping", v, sizeof(v), 20000000000ull);
	printk("xstest: watch fired: %s %s\n", xt_err(rc), rc == 0 ? v : "");
	xt_quota();
	printk("xstest: idle\n");
	for (;;)
		timer_sleep_ns(1000000000ull);
}

static void xt_rate(const char *what, uint64_t n, uint64_t t0)
{
	uint64_t ns = monotonic_ns() - t0;

	printk("xstest: bench %s: %llu ops in %llu us = %llu ops/s\n", what,
	       (unsigned long long)n, (unsigned long long)(ns / 1000),
	       (unsigned long long)(ns ? n * 1000000000ull / ns : 0));
}

static int xt_bench(uint64_t n)
{
	char v[64];
	uint64_t t0, i;
	int rc = xenbus_write(XBT_NIL, "data/bench", "0123456789");

	t0 = monotonic_ns();
	for (i = 0; i < n && rc >= 0; i++)
		rc = xenbus_read(XBT_NIL, "data/bench", v, sizeof(v));
	xt_rate("read", i, t0);
	t0 = monotonic_ns();
	for (i = 0; i < n && rc >= 0; i++)
		rc = xenbus_write(XBT_NIL, "data/bench", "abcdefghij");
	xt_rate("write", i, t0);
	t0 = monotonic_ns();
	for (i = 0; i < n / 10 && rc >= 0; i++) {
		xbt_t t;

		rc = xenbus_transaction_start(&t);
		if (rc == 0)
			rc = xenbus_read(t, "data/bench", v, sizeof(v));
		if (rc >= 0)
			rc = xenbus_write(t, "data/bench", "tx");
		if (rc >= 0)
			rc = xenbus_transaction_end(t, 0);
	}
	xt_rate("transaction", i, t0);
	if (rc < 0)
		printk("xstest: bench failed: %s\n", xt_err(rc));
	return rc < 0 ? PV_SHUTDOWN_crash : PV_SHUTDOWN_poweroff;
}

/* Bypass xenbus: a header no store may accept, then see what the daemon says. */
static __attribute__((noreturn)) int xt_evil(const struct app_env *env)
{
	const struct pv_start_info *si = env->boot->start_info;
	struct pv_xenstore_domain_interface *intf = PHYS_TO_VIRT(si->store_mfn << PV_PAGE_SHIFT);
	struct pv_xsd_sockmsg hdr = { .type = PV_XS_WRITE, .req_id = 0x4242, .len = 100000 };
	uint32_t prod = intf->req_prod;

	for (size_t i = 0; i < sizeof(hdr); i++)
		intf->req[PV_MASK_XENSTORE_IDX(prod + i)] = ((const char *)&hdr)[i];
	__atomic_store_n(&intf->req_prod, prod + (uint32_t)sizeof(hdr), __ATOMIC_RELEASE);
	evtchn_send(si->store_evtchn);
	for (int i = 0; i < 50 && !__atomic_load_n(&intf->error, __ATOMIC_ACQUIRE); i++)
		timer_sleep_ns(100000000ull);
	printk("xstest: evil header sent; store error word = %u\n",
	       __atomic_load_n(&intf->error, __ATOMIC_ACQUIRE));
	for (;;)
		timer_sleep_ns(1000000000ull);
}

int app_xstest_run(const struct app_env *env)
{
	const char *op = cmdline_get(env->cmdline, "op");
	uint64_t other, n;

	if (!xenbus_ready()) {
		printk("xstest: no store connection\n");
		return PV_SHUTDOWN_crash;
	}
	if (cmdline_get_u64(env->cmdline, "other", 0, &other) < 0 ||
	    cmdline_get_u64(env->cmdline, "n", 10000, &n) < 0 || n > 100000000) {
		printk("xstest: give other=DOMID and n=COUNT as numbers\n");
		return PV_SHUTDOWN_crash;
	}
	if (op && strcmp(op, "bench") == 0)
		return xt_bench(n);
	if (op && strcmp(op, "evil") == 0)
		return xt_evil(env);
	return xt_check(other);
}
