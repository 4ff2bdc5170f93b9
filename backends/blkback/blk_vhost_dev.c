/* blkback's connection to a vhost-user-blk server (blk_vhost.h): connect and
 * negotiate (virtio 1.0 with indirect descriptors and event indices, the config
 * space for size, read-only and discard limits), hand over memory and rings when a
 * frontend's rings are all connected, and give up on a server that closed its
 * socket or stopped answering. Giving up means killing it (it is the disk's own
 * server, started for this disk by the toolstack) and waiting until it is gone:
 * only then can it no longer write into guest pages, so only then are its
 * requests answered with errors and the pages' grants let go. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "blkback/blk_vhost.h"
#include "common/xenbus_be.h"
#include "log.h"

#define F(bit) (1ull << (bit))
#define VH_NEED \
	(F(VIRTIO_F_VERSION_1) | F(VIRTIO_RING_F_INDIRECT_DESC) | F(VIRTIO_RING_F_EVENT_IDX) | \
	 F(BLK_VU_F_PROTOCOL_FEATURES))
#define VH_WANT \
	(VH_NEED | F(VIRTIO_BLK_F_RO) | F(VIRTIO_BLK_F_FLUSH) | F(VIRTIO_BLK_F_DISCARD) | \
	 F(VIRTIO_BLK_F_CONFIG_WCE) | F(VIRTIO_BLK_F_MQ) | F(VIRTIO_BLK_F_BLK_SIZE) | \
	 F(VIRTIO_BLK_F_SEG_MAX) | F(VIRTIO_BLK_F_SIZE_MAX) | F(VIRTIO_BLK_F_TOPOLOGY))
#define VH_DEFAULT_DISCARD 32768u /* sectors, when the server names no limit */

/* The config space up to the discard limits (older servers may have no more). */
struct vh_config {
	uint64_t capacity;
	uint32_t size_max, seg_max;
	uint8_t geometry[4];
	uint32_t blk_size;
	uint8_t topology[8];
	uint8_t wce, unused;
	uint16_t num_queues;
	uint32_t max_discard_sectors;
};

static uint64_t vh_gpa(struct vh_disk *vd, const void *p)
{
	return VH_GPA_CTL + (uint64_t)((const uint8_t *)p - vd->ctl);
}

static void vh_on_sock(int fd, uint32_t revents, void *arg)
{
	struct vh_disk *vd = arg;
	char b;
	ssize_t n = recv(fd, &b, 1, MSG_DONTWAIT | MSG_PEEK);

	if (n < 0 && (errno == EAGAIN || errno == EINTR) && !(revents & (EPOLLHUP | EPOLLERR)))
		return; /* a reply a synchronous request already took */
	if (n > 0)
		vh_dev_fail(vd, "sent a message nobody asked for");
	else
		vh_dev_fail_after(vd, "closed its socket", VH_EXIT_GRACE_MS);
}

static int vh_config_read(struct vh_disk *vd, const char **why)
{
	struct vh_config c;
	struct blk_disk *k = vd->k;
	int rc = blk_vu_get_config(&vd->vu, 0, &c, sizeof(c));

	if (rc < 0) {
		*why = "cannot read the device's configuration";
		return rc;
	}
	k->lim.sectors = c.capacity;
	k->max_queues = BLK_MAX_QUEUES;
	if ((vd->features & F(VIRTIO_BLK_F_MQ)) && c.num_queues < BLK_MAX_QUEUES)
		k->max_queues = c.num_queues ? c.num_queues : 1;
	else if (!(vd->features & F(VIRTIO_BLK_F_MQ)))
		k->max_queues = 1;
	vd->max_discard = c.max_discard_sectors ? c.max_discard_sectors : VH_DEFAULT_DISCARD;
	return 0;
}

static int vh_negotiate(struct vh_disk *vd, const char **why)
{
	uint64_t f = 0, pf = 0;
	int rc;

	if ((rc = blk_vu_send(&vd->vu, BLK_VU_SET_OWNER)) < 0 ||
	    (rc = blk_vu_get_u64(&vd->vu, BLK_VU_GET_FEATURES, &f)) < 0) {
		*why = "no answer to the vhost-user handshake";
		return rc;
	}
	if ((f & VH_NEED) != VH_NEED) {
		*why = "the server lacks virtio 1.0, indirect descriptors or event indices";
		return -EPROTO;
	}
	vd->features = f & VH_WANT;
	if ((rc = blk_vu_get_u64(&vd->vu, BLK_VU_GET_PROTOCOL_FEATURES, &pf)) < 0)
		return rc;
	if (!(pf & F(BLK_VU_PROTOCOL_F_CONFIG))) {
		*why = "the server does not show its configuration (no CONFIG protocol feature)";
		return -EPROTO;
	}
	if ((rc = blk_vu_set_u64(&vd->vu, BLK_VU_SET_PROTOCOL_FEATURES,
				 F(BLK_VU_PROTOCOL_F_CONFIG), -1)) < 0)
		return rc;
	return vh_config_read(vd, why);
}

int vh_dev_connect(struct vh_disk *vd, const char **why)
{
	int rc;

	vh_dev_disconnect(vd);
	if ((rc = blk_vu_connect(&vd->vu, vd->k->path, VH_CONNECT_MS)) < 0) {
		*why = "cannot connect to its socket";
		return rc;
	}
	if ((rc = vh_negotiate(vd, why)) < 0 ||
	    (rc = xbe_fd_add_events(vd->d->be, vd->vu.fd, EPOLLIN, vh_on_sock, vd)) < 0) {
		blk_vu_close(&vd->vu);
		return rc;
	}
	vd->polled = 1;
	vd->dead = 0;
	vd->ready = 0;
	return 0;
}

void vh_dev_disconnect(struct vh_disk *vd)
{
	if (vd->polled)
		xbe_fd_del(vd->d->be, vd->vu.fd);
	vd->polled = 0;
	blk_vu_close(&vd->vu);
	vd->ready = 0;
}

/* The regions: control area, the frontend's RAM (zero copy), each ring's buffer. */
static int vh_mem_table(struct vh_disk *vd, const char **why)
{
	struct blk_vu_region reg[BLK_VU_MAX_REGIONS];
	int fds[BLK_VU_MAX_REGIONS], rc;
	unsigned n = 0;
	struct pv_privcmd_memory info;

	reg[n] = (struct blk_vu_region){ VH_GPA_CTL, vd->ctl_len, VH_GPA_CTL, 0 };
	fds[n++] = vd->ctl_fd;
	if (vd->guest_mem) {
		rc = pvctrl_domain_memfd(xbe_pvctrl(vd->d->be), (pv_domid_t)vd->d->fe_domid,
					 &info, &vd->mem_fd);
		if (rc < 0) {
			*why = "cannot get the guest's memory";
			return rc;
		}
		vd->ram_bytes = info.ram_bytes;
		reg[n] = (struct blk_vu_region){ VH_GPA_GUEST, info.ram_bytes, VH_GPA_GUEST, 0 };
		fds[n++] = vd->mem_fd;
	}
	for (unsigned q = 0; q < vd->k->nr_rings; q++) {
		struct blk_ring *r = vd->k->rings[q];

		reg[n] = (struct blk_vu_region){ VH_GPA_BUF(q), r->buf_len, VH_GPA_BUF(q), 0 };
		fds[n++] = r->buf_fd;
	}
	rc = blk_vu_set_mem_table(&vd->vu, reg, fds, n);
	if (vd->mem_fd >= 0)
		close(vd->mem_fd); /* the server holds its own now */
	vd->mem_fd = -1;
	if (rc < 0)
		*why = "SET_MEM_TABLE failed";
	return rc;
}

static int vh_vring_setup(struct vh_disk *vd, struct blk_ring *r)
{
	struct vh_ring *v = r->io;
	struct vring *vr = &v->q.vr;
	unsigned q = r->q;
	int rc;

	if ((rc = blk_vu_set_state(&vd->vu, BLK_VU_SET_VRING_NUM, q, VH_QSIZE)) < 0 ||
	    (rc = blk_vu_set_state(&vd->vu, BLK_VU_SET_VRING_BASE, q, 0)) < 0 ||
	    (rc = blk_vu_set_vring_addr(&vd->vu, q, vh_gpa(vd, vr->desc), vh_gpa(vd, vr->used),
					vh_gpa(vd, vr->avail))) < 0 ||
	    (rc = blk_vu_set_u64(&vd->vu, BLK_VU_SET_VRING_CALL, q, v->call_fd)) < 0 ||
	    (rc = blk_vu_set_u64(&vd->vu, BLK_VU_SET_VRING_KICK, q, v->kick_fd)) < 0)
		return rc;
	return blk_vu_set_state(&vd->vu, BLK_VU_SET_VRING_ENABLE, q, 1);
}

int vh_dev_setup(struct vh_disk *vd, const char **why)
{
	uint8_t wce = 1;
	uint64_t f;
	int rc;

	if ((rc = blk_vu_set_u64(&vd->vu, BLK_VU_SET_FEATURES, vd->features, -1)) < 0)
		goto fail;
	/* A write cache the guest flushes (blkif feature-flush-cache), not a flush per write */
	if ((vd->features & F(VIRTIO_BLK_F_CONFIG_WCE)) &&
	    (rc = blk_vu_set_config(&vd->vu, offsetof(struct vh_config, wce), &wce, 1)) < 0)
		goto fail;
	if ((rc = vh_mem_table(vd, why)) < 0)
		return rc;
	for (unsigned q = 0; q < vd->k->nr_rings; q++)
		if ((rc = vh_vring_setup(vd, vd->k->rings[q])) < 0)
			goto fail;
	/* A round trip: the server took everything above (it drops us on an error) */
	if ((rc = blk_vu_get_u64(&vd->vu, BLK_VU_GET_FEATURES, &f)) < 0)
		goto fail;
	vd->ready = 1;
	return 0;
fail:
	*why = "the server refused the rings";
	return rc;
}

void vh_dev_ring_stop(struct vh_disk *vd, unsigned q)
{
	unsigned base;

	if (blk_vu_get_vring_base(&vd->vu, q, &base) < 0)
		log_warnx("%s: vhost-user server %s did not stop queue %u", vd->d->name,
			  vd->k->path, q);
}

/* Kill the server and wait until it has exited (its mappings are gone then). */
/* Wait until the server has exited (its mappings are gone then): for grace_ms on its
 * own (one that closed its socket is shutting down: SIGTERM from the toolstack; a
 * SIGKILL in the middle of that would leave its image's metadata half written), then
 * after SIGKILL. */
static int vh_kill(struct vh_disk *vd, unsigned grace_ms)
{
	struct pollfd p = { .fd = vd->vu.pidfd, .events = POLLIN };

	if (vd->vu.pidfd < 0)
		return vd->vu.fd < 0 ? 0 : -ETIMEDOUT; /* no pidfd: cannot tell */
	if (grace_ms && poll(&p, 1, (int)grace_ms) == 1)
		return 0;
	if (syscall(SYS_pidfd_send_signal, vd->vu.pidfd, SIGKILL, NULL, 0) < 0 && errno != ESRCH)
		return -errno;
	return poll(&p, 1, VH_KILL_MS) == 1 ? 0 : -ETIMEDOUT;
}

int vh_dev_fail(struct vh_disk *vd, const char *why)
{
	return vh_dev_fail_after(vd, why, 0);
}

int vh_dev_fail_after(struct vh_disk *vd, const char *why, unsigned grace_ms)
{
	int rc = 0;

	if (!vd->dead)
		log_warnx("%s: vhost-user server %s %s: giving up on it; the guest's requests "
			  "fail",
			  vd->d->name, vd->k->path, why);
	vd->dead = 1;
	if (vd->vu.fd >= 0 && (rc = vh_kill(vd, grace_ms)) < 0)
		vd->lingering = 1;
	if (rc < 0)
		log_warnx("%s: vhost-user server pid %d is still there after SIGKILL: its "
			  "grants stay mapped",
			  vd->d->name, (int)vd->vu.peer);
	vh_dev_disconnect(vd);
	for (unsigned q = 0; q < vd->k->nr_rings; q++)
		if (vd->k->rings[q] && vd->k->rings[q]->io)
			vh_ring_fail_all(vd->k->rings[q]);
	return rc;
}

static unsigned vh_stall_s(void)
{
	const char *e = getenv("PVISOR_VHOST_TIMEOUT");
	long v = e ? strtol(e, NULL, 10) : 0;

	return v > 0 && v < 3600 ? (unsigned)v : VH_STALL_S;
}

/* Requests waiting and no completion since the last tick: a stalled tick. */
static void vh_on_tick(int fd, void *arg)
{
	struct vh_disk *vd = arg;
	unsigned tick = vh_stall_s() >= 8 ? vh_stall_s() / 4 : 1, busy = 0;
	uint64_t n;

	if (read(fd, &n, sizeof(n)) < 0 || vd->dead)
		return;
	for (unsigned q = 0; q < vd->k->nr_rings; q++)
		if (vd->k->rings[q] && vd->k->rings[q]->io)
			busy |= ((struct vh_ring *)vd->k->rings[q]->io)->busy != 0;
	vd->stalled_ticks = busy && vd->completions == vd->completions_seen
				    ? vd->stalled_ticks + 1
				    : 0;
	vd->completions_seen = vd->completions;
	if (vd->stalled_ticks * tick >= vh_stall_s())
		vh_dev_fail(vd, "did not answer for too long");
}

int vh_dev_watchdog_start(struct vh_disk *vd)
{
	time_t tick = vh_stall_s() >= 8 ? vh_stall_s() / 4 : 1;
	struct itimerspec its = { { tick, 0 }, { tick, 0 } };

	vd->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (vd->tfd < 0 || timerfd_settime(vd->tfd, 0, &its, NULL) < 0)
		return -errno;
	return xbe_fd_add(vd->d->be, vd->tfd, vh_on_tick, vd);
}
