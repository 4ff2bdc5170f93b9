/* Live migration's storage handover (mig_send.c): before the receiving host opens
 * a disk of the migrating domain, the sending host's blkback lets go of it --
 * requests answered, image flushed and closed (xenbus_be.h's `handover` key) --
 * and takes it back if the migration fails after all. The frontend stays
 * connected meanwhile: the guest is suspended and never notices. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libpvx/mig_send.h"
#include "libpvx/pvx_store.h"
#include "libxs/xs.h"
#include "util.h"

#define VBD_ROOT "/local/domain/0/backend/vbd"

/* Every vbd's handover-state is `want`: 1; still on its way: 0; one failed or
 * its device went: -EIO with err set. */
static int disks_settled(struct xs_handle *xs, pv_domid_t domid, char **devs, unsigned n,
			 const char *want, struct pvx_err *err)
{
	int done = 1;

	for (unsigned i = 0; i < n; i++) {
		char *st = pvx_xs_read_str(xs, 0, VBD_ROOT "/%u/%s/handover-state", domid,
					   devs[i]);
		char *params = pvx_xs_read_str(xs, 0, VBD_ROOT "/%u/%s/params", domid, devs[i]);

		if (st && strcmp(st, "error") == 0)
			done = pvx_fail(err, -EIO, "the disk backend could not %s %s",
					strcmp(want, "closed") == 0 ? "let go of" : "take back",
					params ? params : devs[i]);
		else if (done > 0 && (!st || strcmp(st, want) != 0))
			done = 0;
		free(st);
		free(params);
	}
	return done;
}

static int disks_request(struct xs_handle *xs, pv_domid_t domid, char **devs, unsigned n,
			 const char *what, struct pvx_err *err)
{
	for (unsigned i = 0; i < n; i++) {
		int rc = pvx_xs_write(xs, 0, what, VBD_ROOT "/%u/%s/handover", domid, devs[i]);

		if (rc < 0)
			return pvx_fail(err, rc, "asking the disk backend to %s vbd %s: %s", what,
					devs[i], strerror(-rc));
	}
	return 0;
}

/* A disk served by a process of this host (qemu-storage-daemon, qemu-nbd: the
 * backend keys vhost-user and nbd-uri) cannot be handed over -- the server holds
 * the image (and QEMU's lock on it) and would have to move too -- so such a domain
 * is refused before anything of it is sent. */
int mig_disks_movable(struct xs_handle *xs, pv_domid_t domid, struct pvx_err *err)
{
	char path[64], **devs = NULL;
	unsigned n = 0;
	int rc = 0;

	snprintf(path, sizeof(path), VBD_ROOT "/%u", domid);
	if (xs_directory(xs, 0, path, &devs, &n) < 0)
		n = 0;
	for (unsigned i = 0; i < n && rc == 0; i++) {
		char *vu = pvx_xs_read_str(xs, 0, VBD_ROOT "/%u/%s/vhost-user", domid, devs[i]);
		char *nbd = vu ? NULL
			       : pvx_xs_read_str(xs, 0, VBD_ROOT "/%u/%s/nbd-uri", domid,
						 devs[i]);
		char *params = pvx_xs_read_str(xs, 0, VBD_ROOT "/%u/%s/params", domid, devs[i]);

		if (vu || nbd)
			rc = pvx_fail(err, -EOPNOTSUPP,
				      "disk %s is served through %s: live "
				      "migration hands over raw images and block devices only "
				      "(save and restore it instead, or convert it to raw)",
				      params ? params : devs[i],
				      vu ? "qemu-storage-daemon (vhost-user)" : "NBD");
		free(vu);
		free(nbd);
		free(params);
	}
	free(devs);
	return rc;
}

int mig_disks_handover(struct xs_handle *xs, pv_domid_t domid, int close_them,
		       uint32_t timeout_ms, unsigned *count, struct pvx_err *err)
{
	char path[64], **devs = NULL, token[32];
	const char *want = close_them ? "closed" : "open";
	uint64_t deadline = util_now_ns() + (uint64_t)timeout_ms * 1000000ull;
	unsigned n = 0;
	int rc;

	snprintf(path, sizeof(path), VBD_ROOT "/%u", domid);
	snprintf(token, sizeof(token), "mig-handover-%u", domid);
	if (xs_directory(xs, 0, path, &devs, &n) < 0)
		n = 0; /* no disks */
	if (count)
		*count = n;
	if (n == 0) {
		free(devs);
		return 0;
	}
	rc = xs_watch(xs, path, token);
	if (rc == 0)
		rc = disks_request(xs, domid, devs, n, close_them ? "close" : "open", err);
	while (rc == 0 && (rc = disks_settled(xs, domid, devs, n, want, err)) == 0) {
		struct xs_watch_event *ev = NULL;
		uint64_t now = util_now_ns();

		if (now >= deadline) {
			rc = pvx_fail(err, -ETIMEDOUT,
				      "the disk backend did not %s the domain's "
				      "disks within %u s",
				      close_them ? "close" : "reopen", timeout_ms / 1000);
			break;
		}
		if (xs_read_watch(xs, &ev, (int)((deadline - now) / 1000000 + 1)) == 0)
			free(ev);
	}
	xs_unwatch(xs, path, token);
	free(devs);
	return rc < 0 ? rc : 0;
}
