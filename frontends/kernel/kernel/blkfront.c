/* blkfront: virtual disks of the reference kernel -- bring-up over xenbus, the
 * request ring with notification suppression, indirect descriptors, completions
 * (see blkfront.h). */
#include <pvisor/errno.h>
#include <pvisor/io/xenbus.h>

#include "kernel/blkfront_priv.h"
#include "kernel/evtchn.h"
#include "kernel/gnttab.h"
#include "kernel/mm.h"
#include "kernel/power.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/suspend.h"
#include "kernel/xenbus.h"
#include "lib/cmdline.h"
#include "lib/format.h"
#include "lib/kstring.h"

static struct blkfront *disks[BLKFRONT_MAX_DISKS];
static int allow_persistent = 1;
static unsigned want_queues = 1;

void blkfront_allow_persistent(int allow)
{
	allow_persistent = allow;
}

void blkfront_set_queues(unsigned n)
{
	want_queues = n < 1 ? 1 : n > BF_MAX_QUEUES ? BF_MAX_QUEUES : n;
}

static void bf_event(uint32_t port, void *data)
{
	struct blkfront *bf = data;

	(void)port;
	bf->event = 1;
}

/* xvda.. for vdevs of the 202 major with disks 0-15 (Xen's encoding). */
static void bf_name(unsigned vdev, char *buf, size_t len)
{
	if ((vdev >> 8) == 202)
		ksnprintf(buf, len, "xvd%c", 'a' + (int)((vdev >> 4) & 15));
	else if (vdev & (1u << 28))
		ksnprintf(buf, len, "xvd%c", 'a' + (int)((vdev >> 8) % 26));
	else
		ksnprintf(buf, len, "vbd%u", vdev);
}

static int bf_read_u64(struct blkfront *bf, const char *key, uint64_t def, uint64_t *out)
{
	char path[128];

	ksnprintf(path, sizeof(path), "%s/%s", bf->bpath, key);
	if (xenbus_read_u64(XBT_NIL, path, out) < 0)
		*out = def;
	return 0;
}

/* The persistent pool: an eighth of the free memory, between one request's worth
 * and BF_POOL_MAX pages, each granted once (writable). */
static int bf_pool_alloc(struct blkfront *bf)
{
	uint64_t n = bf->pool ? bf->pool_n : mm_free_pages() / 8; /* after a restore: the same */

	if (n > BF_POOL_MAX)
		n = BF_POOL_MAX;
	if (n < bf->info.max_segs)
		return -PV_ENOMEM;
	if (!bf->pool)
		bf->pool = mm_alloc_pages(n);
	if (!bf->pool)
		return -PV_ENOMEM;
	for (unsigned i = 0; i < n; i++) {
		bf->pool_ref[i] = gnttab_grant_access((pv_domid_t)bf->backend_id,
						      mm_virt_to_gfn(bf->pool +
								     (uint64_t)i * PV_PAGE_SIZE),
						      0);
		if (bf->pool_ref[i] < 0) {
			while (i--)
				gnttab_end_access((pv_grant_ref_t)bf->pool_ref[i]);
			return -PV_ENOSPC;
		}
		bf->pool_free[i] = (uint16_t)i;
	}
	bf->pool_n = bf->pool_nfree = (unsigned)n;
	return 0;
}

/* One queue: ring page, grants of its indirect pages, event channel. Pages are
 * kept for a reconnect after a restore (the allocator never frees). */
static int bf_queue_alloc(struct blkfront *bf, struct bf_queue *q)
{
	int port;

	if (!q->sring)
		q->sring = mm_alloc_pages(1);
	if (!q->sring)
		return -PV_ENOMEM;
	PV_FRONT_RING_SETUP(&q->ring, q->sring, PV_PAGE_SIZE);
	q->ring_ref = gnttab_grant_access((pv_domid_t)bf->backend_id, mm_virt_to_gfn(q->sring),
					  0);
	if (q->ring_ref < 0)
		return q->ring_ref;
	for (unsigned i = 0;
	     i < BF_RING_SIZE && bf->info.max_segs > PV_BLKIF_MAX_SEGMENTS_PER_REQUEST; i++) {
		if (!q->indirect[i])
			q->indirect[i] = mm_alloc_pages(1);
		if (!q->indirect[i])
			return -PV_ENOMEM;
		q->indirect_ref[i] = gnttab_grant_access((pv_domid_t)bf->backend_id,
							 mm_virt_to_gfn(q->indirect[i]), 1);
		if (q->indirect_ref[i] < 0)
			return q->indirect_ref[i];
	}
	port = evtchn_alloc_unbound((pv_domid_t)bf->backend_id);
	if (port < 0)
		return port;
	q->port = port;
	evtchn_bind_handler((uint32_t)port, bf_event, bf);
	return 0;
}

static int bf_alloc(struct blkfront *bf)
{
	int rc;

	for (unsigned i = 0; i < bf->nq; i++)
		if ((rc = bf_queue_alloc(bf, &bf->q[i])) < 0)
			return rc;
	if (bf->persistent && bf_pool_alloc(bf) < 0)
		bf->persistent = 0; /* not enough memory: grant per request instead */
	return 0;
}

/* A queue's key: at the top with one queue, under queue-<n>/ with several. */
static void bf_queue_key(struct blkfront *bf, unsigned i, const char *key, char *path, size_t len)
{
	if (bf->nq == 1)
		ksnprintf(path, len, "%s/%s", bf->node, key);
	else
		ksnprintf(path, len, "%s/queue-%u/%s", bf->node, i, key);
}

static int bf_publish_keys(struct blkfront *bf, xbt_t t)
{
	char path[80];
	int rc = 0;

	for (unsigned i = 0; i < bf->nq && rc == 0; i++) {
		bf_queue_key(bf, i, "ring-ref", path, sizeof(path));
		rc = xenbus_printf(t, path, "%d", bf->q[i].ring_ref);
		bf_queue_key(bf, i, "event-channel", path, sizeof(path));
		if (rc == 0)
			rc = xenbus_printf(t, path, "%d", bf->q[i].port);
	}
	ksnprintf(path, sizeof(path), "%s/multi-queue-num-queues", bf->node);
	if (rc == 0 && bf->nq > 1)
		rc = xenbus_printf(t, path, "%u", bf->nq);
	ksnprintf(path, sizeof(path), "%s/protocol", bf->node);
	if (rc == 0)
		rc = xenbus_write(t, path, "x86_64-abi");
	ksnprintf(path, sizeof(path), "%s/feature-persistent", bf->node);
	if (rc == 0)
		rc = xenbus_write(t, path, bf->persistent ? "1" : "0");
	return rc;
}

/* Every queue's ring-ref and event-channel, protocol, features: one transaction,
 * retried on conflict. */
int bf_publish(struct blkfront *bf)
{
	xbt_t t;
	int rc;

	do {
		if ((rc = xenbus_transaction_start(&t)) < 0)
			return rc;
		if ((rc = bf_publish_keys(bf, t)) < 0) {
			xenbus_transaction_end(t, 1);
			return rc;
		}
		rc = xenbus_transaction_end(t, 0);
	} while (rc == -PV_EAGAIN);
	return rc;
}

static void bf_read_features(struct blkfront *bf)
{
	uint64_t v;

	bf_read_u64(bf, "feature-persistent", 0, &v);
	bf->persistent = v == 1 && allow_persistent;
	bf_read_u64(bf, "multi-queue-max-queues", 1, &v);
	bf->nq = v < want_queues ? (unsigned)(v ? v : 1) : want_queues;
	bf_read_u64(bf, "feature-max-indirect-segments", 0, &v);
	bf->info.max_segs = v > PV_BLKIF_MAX_SEGMENTS_PER_REQUEST
				    ? (v > BF_MAX_SEGS ? BF_MAX_SEGS : (unsigned)v)
				    : PV_BLKIF_MAX_SEGMENTS_PER_REQUEST;
}

static void bf_read_properties(struct blkfront *bf)
{
	uint64_t v;

	bf_read_u64(bf, "sectors", 0, &bf->info.sectors);
	bf_read_u64(bf, "sector-size", BLKFRONT_SECTOR, &v);
	bf->info.sector_size = (unsigned)v;
	bf_read_u64(bf, "info", 0, &v);
	bf->info.info = (unsigned)v;
	bf->info.readonly = !!(v & PV_VDISK_READONLY);
	bf_read_u64(bf, "feature-flush-cache", 0, &v);
	bf->info.flush = v != 0;
	bf_read_u64(bf, "feature-discard", 0, &v);
	bf->info.discard = v != 0;
}

int bf_connect(struct blkfront *bf)
{
	int rc;

	rc = xenbus_wait_state(bf->bpath,
			       1u << PV_XenbusStateInitWait | 1u << PV_XenbusStateConnected,
			       BF_WAIT_NS);
	if (rc < 0) {
		printk("blkfront: %s: backend %s did not offer the disk (state %d)\n", bf->node,
		       bf->bpath, (int)xenbus_read_state(bf->bpath));
		return rc;
	}
	bf_read_features(bf);
	if ((rc = bf_alloc(bf)) < 0 || (rc = bf_publish(bf)) < 0 ||
	    (rc = xenbus_switch_state(bf->node, PV_XenbusStateInitialised)) < 0) {
		printk("blkfront: %s: setting up the ring failed (%d)\n", bf->node, rc);
		return rc;
	}
	rc = xenbus_wait_state(bf->bpath,
			       1u << PV_XenbusStateConnected | 1u << PV_XenbusStateClosing |
				       1u << PV_XenbusStateClosed,
			       BF_WAIT_NS);
	if (rc != PV_XenbusStateConnected) {
		printk("blkfront: %s: backend did not connect (state %d)\n", bf->node,
		       rc < 0 ? (int)xenbus_read_state(bf->bpath) : rc);
		return rc < 0 ? rc : -PV_EIO;
	}
	bf_read_properties(bf);
	return xenbus_switch_state(bf->node, PV_XenbusStateConnected);
}

/* One queue's ring starts over: empty indices, then the requests still in flight
 * in the order of their slots (ids, grants and indirect pages stay as they were:
 * the backend that mapped them is gone, its maps with it). */
static unsigned bf_queue_requeue(struct bf_queue *q)
{
	unsigned n = 0;

	PV_FRONT_RING_SETUP(&q->ring, q->sring, PV_PAGE_SIZE);
	for (unsigned i = 0; i < BF_RING_SIZE; i++)
		if (q->shadow[i].used) {
			memcpy(PV_RING_GET_REQUEST(&q->ring, q->ring.req_prod_pvt),
			       q->shadow[i].req, sizeof(q->shadow[i].req));
			q->ring.req_prod_pvt++;
			n++;
		}
	return n;
}

/*
 * The backend started over (it was restarted: a user-space backend can be) and
 * offers the disk again (InitWait) while we were connected: go through the
 * handshake again on the same ring pages, grants and ports, and give it every
 * request it had not answered -- they are all idempotent (reads, writes of data we
 * still hold, flushes, discards), so one it had done before it died does no harm.
 * The caller has taken every response the old backend published.
 */
int blkfront_reconnect(struct blkfront *bf)
{
	unsigned requeued = 0;
	int rc;

	printk("blkfront: %s: the backend started over: reconnecting\n", bf->info.name);
	if ((rc = xenbus_frontend_restart(bf->node, bf->bpath, BF_WAIT_NS)) < 0)
		return rc;
	for (unsigned i = 0; i < bf->nq; i++)
		requeued += bf_queue_requeue(&bf->q[i]);
	if ((rc = bf_publish(bf)) < 0 ||
	    (rc = xenbus_switch_state(bf->node, PV_XenbusStateInitialised)) < 0)
		return rc;
	rc = xenbus_wait_state(bf->bpath,
			       1u << PV_XenbusStateConnected | 1u << PV_XenbusStateClosing |
				       1u << PV_XenbusStateClosed,
			       BF_WAIT_NS);
	if (rc != PV_XenbusStateConnected) {
		printk("blkfront: %s: the backend did not connect again (state %d)\n",
		       bf->info.name, rc < 0 ? (int)xenbus_read_state(bf->bpath) : rc);
		return rc < 0 ? rc : -PV_EIO;
	}
	xenbus_switch_state(bf->node, PV_XenbusStateConnected);
	bf->reconnects++;
	for (unsigned i = 0; i < bf->nq; i++) {
		PV_RING_PUSH_REQUESTS(&bf->q[i].ring);
		evtchn_send((uint32_t)bf->q[i].port);
	}
	printk("blkfront: %s: reconnected; %u requests issued again\n", bf->info.name, requeued);
	return 0;
}

static int bf_slot_free(void)
{
	for (int i = 0; i < BLKFRONT_MAX_DISKS; i++)
		if (!disks[i] || !disks[i]->up)
			return i;
	return -1;
}

int blkfront_open(unsigned vdev, struct blkfront **out)
{
	int slot = bf_slot_free(), rc;
	struct blkfront *bf;

	if (slot < 0)
		return -PV_ENOSPC;
	if ((rc = gnttab_init()) < 0)
		return rc;
	bf = disks[slot];
	if (!bf && !(bf = mm_alloc_pages((sizeof(*bf) + PV_PAGE_SIZE - 1) / PV_PAGE_SIZE)))
		return -PV_ENOMEM;
	memset(bf, 0, sizeof(*bf));
	disks[slot] = bf;
	bf->info.vdev = vdev;
	bf_name(vdev, bf->info.name, sizeof(bf->info.name));
	ksnprintf(bf->node, sizeof(bf->node), "device/vbd/%u", vdev);
	rc = xenbus_backend_of(bf->node, bf->bpath, sizeof(bf->bpath), &bf->backend_id);
	if (rc < 0) {
		printk("blkfront: %s: no backend named in the store (%d)\n", bf->node, rc);
		return rc;
	}
	rc = bf_connect(bf);
	if (rc < 0) {
		/* Say so, unless the toolstack removed the device meanwhile. */
		if (xenbus_read_state(bf->node) != PV_XenbusStateUnknown)
			xenbus_switch_state(bf->node, PV_XenbusStateClosed);
		return rc;
	}
	bf->up = 1;
	bf->gen = suspend_generation();
	power_hook_add(blkfront_shutdown_all);
	printk("blkfront: %s: %llu sectors of %u bytes%s%s%s, %u segments per request, "
	       "%u persistent pages, %u queue%s\n",
	       bf->info.name, (unsigned long long)bf->info.sectors, bf->info.sector_size,
	       bf->info.readonly ? ", read-only" : "", bf->info.flush ? ", flush" : "",
	       bf->info.discard ? ", discard" : "", bf->info.max_segs,
	       bf->persistent ? bf->pool_n : 0, bf->nq, bf->nq > 1 ? "s" : "");
	*out = bf;
	return 0;
}

int blkfront_probe(void)
{
	char names[512];
	int n = xenbus_directory(XBT_NIL, "device/vbd", names, sizeof(names)), up = 0;
	const char *p = names;

	if (n == -PV_ENOENT)
		n = 0;
	if (n < 0)
		return n;
	for (int i = 0; i < n; i++, p += strlen(p) + 1) {
		uint64_t vdev;
		struct blkfront *bf;

		if (cmdline_parse_u64(p, &vdev) < 0 || vdev > 0xffffffffu)
			continue;
		char node[32];

		if (blkfront_find(p))
			continue;
		/* Only disks the toolstack just created: one we closed stays closed
		 * until the toolstack removes it. */
		ksnprintf(node, sizeof(node), "device/vbd/%s", p);
		if (xenbus_read_state(node) != PV_XenbusStateInitialising)
			continue;
		blkfront_open((unsigned)vdev, &bf);
	}
	for (int i = 0; i < BLKFRONT_MAX_DISKS; i++)
		up += disks[i] && disks[i]->up;
	return up;
}

void blkfront_resumed(void)
{
	for (int i = 0; i < BLKFRONT_MAX_DISKS; i++)
		if (disks[i] && disks[i]->up)
			__atomic_store_n(&disks[i]->event, 1, __ATOMIC_SEQ_CST);
}

struct blkfront *blkfront_get(unsigned n)
{
	for (int i = 0; i < BLKFRONT_MAX_DISKS; i++)
		if (disks[i] && disks[i]->up && n-- == 0)
			return disks[i];
	return NULL;
}

struct blkfront *blkfront_find(const char *name)
{
	char num[16];

	for (int i = 0; i < BLKFRONT_MAX_DISKS; i++) {
		struct blkfront *bf = disks[i];

		if (!bf || !bf->up)
			continue;
		ksnprintf(num, sizeof(num), "%u", bf->info.vdev);
		if (strcmp(name, bf->info.name) == 0 || strcmp(name, num) == 0)
			return bf;
	}
	return NULL;
}

const struct blkfront_info *blkfront_info(const struct blkfront *bf)
{
	return &bf->info;
}

int blkfront_backend_closing(struct blkfront *bf)
{
	return xenbus_read_state(bf->bpath) != PV_XenbusStateConnected;
}

unsigned blkfront_reconnects(const struct blkfront *bf)
{
	return bf->reconnects;
}

unsigned blkfront_inflight(const struct blkfront *bf)
{
	return bf->inflight;
}
