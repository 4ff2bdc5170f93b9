/* The toolstack's part of the store: a domain's standard layout (what libxl
 * writes: /local/domain/<id>/{name,domid,vm,memory,cpu,store,console,control,
 * device,...} and /vm/<uuid>), introducing it to xsd, and removing it all when
 * the domain goes. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libpvx/pvx.h"
#include "libpvx/pvx_store.h"
#include "libxs/xs.h"
#include "util.h"

int pvx_store_open(struct xs_handle **xs, struct pvx_err *err)
{
	int rc = xs_open(xs);

	if (rc == -EPERM)
		return pvx_fail(err, rc,
				"the store's socket (xenstored.sock) is served by "
				"another user's process (neither root nor you): not talking to it; "
				"remove it, or use a run directory of your own");
	if (rc < 0)
		return pvx_fail(err, rc,
				"cannot reach the store (xsd): %s; is xsd installed and "
				"running? (pvx daemons start)",
				strerror(-rc));
	return 0;
}

int pvx_xs_write(struct xs_handle *xs, uint32_t t, const char *value, const char *fmt, ...)
{
	char path[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	return xs_write(xs, t, path, value, strlen(value));
}

int pvx_xs_perms(struct xs_handle *xs, uint32_t t, uint16_t owner, uint16_t reader,
		 const char *fmt, ...)
{
	struct xs_perm p[2] = { { owner, XS_PERM_NONE }, { reader, XS_PERM_READ } };
	char path[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	return xs_set_perms(xs, t, path, p, owner == reader ? 1 : 2);
}

char *pvx_xs_read_str(struct xs_handle *xs, uint32_t t, const char *fmt, ...)
{
	char path[256], *v = NULL;
	size_t len;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	return xs_read(xs, t, path, &v, &len) == 0 ? v : NULL;
}

/* The layout's writes (queued on a corked handle). */
static int store_layout(struct xs_handle *xs, pv_domid_t domid, const struct domcfg *dc,
			const struct pvx_boot_ports *bp)
{
	const uint32_t t = 0;
	static const char *const guest_dirs[] = { "device", "data",  "drivers", "feature",
						  "attr",   "error", "control" };
	char uuid[37], num[32];
	int rc;

	domcfg_uuid_format(dc->uuid, uuid);
#define W(val, ...) \
	do { \
		if ((rc = pvx_xs_write(xs, t, (val), __VA_ARGS__)) < 0) \
			return rc; \
	} while (0)
#define WN(n, ...) \
	do { \
		snprintf(num, sizeof(num), "%llu", (unsigned long long)(n)); \
		W(num, __VA_ARGS__); \
	} while (0)
	/* the domain's home: dom0 owns it, the domain reads it */
	W("", "/local/domain/%u", domid);
	if ((rc = pvx_xs_perms(xs, t, 0, domid, "/local/domain/%u", domid)) < 0)
		return rc;
	W(dc->name, "/local/domain/%u/name", domid);
	WN(domid, "/local/domain/%u/domid", domid);
	{
		char vm[64];

		snprintf(vm, sizeof(vm), "/vm/%s", uuid);
		W(vm, "/local/domain/%u/vm", domid);
	}
	WN(dc->memory_mib * 1024, "/local/domain/%u/memory/target", domid);
	WN(dc->maxmem_mib * 1024, "/local/domain/%u/memory/static-max", domid);
	for (unsigned i = 0; i < dc->maxvcpus; i++)
		W(i < dc->vcpus ? "online" : "offline", "/local/domain/%u/cpu/%u/availability",
		  domid, i);
	WN(bp->store_port, "/local/domain/%u/store/port", domid);
	WN(bp->store_gfn, "/local/domain/%u/store/ring-ref", domid);
	WN(bp->console_port, "/local/domain/%u/console/port", domid);
	WN(bp->console_gfn, "/local/domain/%u/console/ring-ref", domid);
	W("1048576", "/local/domain/%u/console/limit", domid);
	W("xenconsoled", "/local/domain/%u/console/type", domid);
	W("pty", "/local/domain/%u/console/output", domid);
	/* what the guest may write: its own */
	for (size_t i = 0; i < sizeof(guest_dirs) / sizeof(guest_dirs[0]); i++) {
		W("", "/local/domain/%u/%s", domid, guest_dirs[i]);
		if ((rc = pvx_xs_perms(xs, t, domid, domid, "/local/domain/%u/%s", domid,
				       guest_dirs[i])) < 0)
			return rc;
	}
	W("", "/local/domain/%u/control/shutdown", domid);
	W("1", "/local/domain/%u/control/platform-feature-xs_reset_watches", domid);
	/* /vm/<uuid> */
	W(dc->name, "/vm/%s/name", uuid);
	W(uuid, "/vm/%s/uuid", uuid);
	WN((unsigned long long)time(NULL), "/vm/%s/start_time", uuid);
	if ((rc = pvx_xs_perms(xs, t, 0, domid, "/vm/%s", uuid)) < 0)
		return rc;
#undef W
#undef WN
	return 0;
}

#define PVX_XS_TRIES 200 /* conflicts before giving up (xl retries forever) */

/* Before try n (1, 2, ...) after a conflict: a random wait that grows with n, so
 * that many toolstacks creating domains at once (every creation adds a child to
 * /local/domain and /vm, so they all conflict) stop colliding in lockstep. */
static void xs_transact_backoff(int n)
{
	unsigned cap_us = n < 10 ? 50u << (n / 2) : 1600;
	/* splitmix64 of the time and our pid: no shared seed, no state */
	uint64_t x = util_now_ns() ^ ((uint64_t)getpid() << 32) ^ (uint64_t)n;
	struct timespec ts;

	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	x ^= x >> 31;
	ts = (struct timespec){ 0, (long)(x % cap_us) * 1000 };
	nanosleep(&ts, NULL);
}

int pvx_xs_transact(struct xs_handle *xs, int (*fn)(struct xs_handle *xs, uint32_t t, void *ctx),
		    void *ctx)
{
	int rc, tries = 0;

	do {
		uint32_t t;

		if (tries)
			xs_transact_backoff(tries);
		rc = xs_transaction_start(xs, &t);
		if (rc < 0)
			break;
		rc = fn(xs, t, ctx);
		if (rc < 0) {
			xs_transaction_end(xs, t, false);
			break;
		}
		rc = xs_transaction_end(xs, t, true);
	} while (rc == -EAGAIN && ++tries < PVX_XS_TRIES);
	return rc;
}

/* The layout and the introduction go out corked: one round trip to xsd instead
 * of one per key. No transaction: a domain's keys matter to nobody before it is
 * introduced (the daemons learn of domains from @introduceDomain), and the
 * INTRODUCE comes after every key in the same stream, which xsd serves in order.
 * A transaction cost two more round trips (start, then end after the replies
 * were checked) and made concurrent creations conflict on /local/domain and /vm
 * and retry. A key that fails is reported (the first error); the creator then
 * destroys the domain and removes whatever was written. */
int pvx_store_domain_create(struct xs_handle *xs, pv_domid_t domid, const struct domcfg *dc,
			    const struct pvx_boot_ports *bp, struct pvx_err *err)
{
	int rc, rc2;

	xs_cork(xs);
	rc = store_layout(xs, domid, dc, bp);
	if (rc == 0)
		rc = xs_introduce(xs, domid, bp->store_gfn, bp->store_port);
	rc2 = xs_uncork(xs);
	rc = rc < 0 ? rc : rc2;
	if (rc < 0)
		pvx_fail(err, rc, "writing the domain's store entries and introducing it: %s",
			 strerror(-rc));
	return rc;
}

void pvx_store_domain_forget(pv_domid_t domid)
{
	struct xs_handle *xs;
	char path[96], *vm, **types = NULL;
	unsigned n = 0;

	if (xs_open(&xs) < 0)
		return; /* no store: nothing in it */
	vm = pvx_xs_read_str(xs, 0, "/local/domain/%u/vm", domid);
	if (xs_directory(xs, 0, "/local/domain/0/backend", &types, &n) < 0)
		n = 0;
	xs_cork(xs); /* the rest needs no answer: one round trip */
	xs_release(xs, domid);
	if (vm && strncmp(vm, "/vm/", 4) == 0 && !strchr(vm + 4, '/'))
		xs_rm(xs, 0, vm);
	free(vm);
	for (unsigned i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/local/domain/0/backend/%s/%u", types[i], domid);
		xs_rm(xs, 0, path);
	}
	free(types);
	snprintf(path, sizeof(path), "/local/domain/%u", domid);
	xs_rm(xs, 0, path);
	xs_uncork(xs); /* a node already gone (ENOENT) is fine */
	xs_close(xs);
}
