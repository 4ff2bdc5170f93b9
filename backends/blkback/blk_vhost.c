/* blkback disk ops for vhost-user-blk servers (qemu-storage-daemon exporting a
 * qcow2, VMDK, ... for the toolstack). Each blkback ring is one virtqueue of the
 * server's device; a validated slot becomes one indirect descriptor chain
 * (header, data, status) whose data descriptors name the frontend's persistently
 * granted pages themselves, so the server reads and writes the guest's memory in
 * place: no socket, no copy. Segments that are not persistently granted go
 * through the ring's grant-copy buffer, which the server maps too. Completions
 * arrive on the queue's call eventfd in blkback's loop. See blk_vhost.h for the
 * memory the server sees, blk_vhost_dev.c for the connection. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "blkback/blk_vhost.h"
#include "common/xenbus_be.h"
#include "log.h"

static struct vh_disk *vh_of(struct blk_ring *r)
{
	return r->disk->io;
}

size_t vh_queue_bytes(void)
{
	size_t ring = (blk_vring_bytes(VH_QSIZE) + 4095) & ~(size_t)4095;

	return (ring + VH_QSIZE * sizeof(struct vh_slot_area) + 4095) & ~(size_t)4095;
}

uint64_t vh_queue_off(unsigned q)
{
	return (uint64_t)q * vh_queue_bytes();
}

/* Where the server finds byte `p` of the control area. */
static uint64_t ctl_gpa(struct vh_disk *vd, const void *p)
{
	return VH_GPA_CTL + (uint64_t)((const uint8_t *)p - vd->ctl);
}

/* The server's address of segment i's data, or 0 when it has none (a persistent
 * page outside the RAM the server was given: never, the hypervisor grants RAM). */
static uint64_t seg_gpa(struct blk_ring *r, struct blk_slot *s, unsigned i)
{
	struct vh_disk *vd = vh_of(r);
	unsigned off = s->req.seg[i].first_sect * BLK_SECTOR_SIZE;

	if (s->segp[i] && vd->guest_mem)
		return s->segoff[i] + BLK_PAGE_SIZE <= vd->ram_bytes
			       ? VH_GPA_GUEST + s->segoff[i] + off
			       : 0;
	return VH_GPA_BUF(r->q) + (uint64_t)(blk_slot_page(r, s, i) - r->buf) + off;
}

static unsigned desc_add(struct vring_desc *t, unsigned n, uint64_t addr, uint32_t len,
			 uint16_t flags)
{
	if (n && t[n - 1].addr + t[n - 1].len == addr &&
	    (t[n - 1].flags & VRING_DESC_F_WRITE) == (flags & VRING_DESC_F_WRITE)) {
		t[n - 1].len += len; /* adjacent: one descriptor */
		return n;
	}
	if (n)
		t[n - 1].flags |= VRING_DESC_F_NEXT;
	t[n] = (struct vring_desc){ .addr = addr,
				    .len = len,
				    .flags = flags,
				    .next = (uint16_t)(n + 1) };
	return n + 1;
}

/* Without the frontend's RAM in the table (PVISOR_VHOST_GUEST_MEM=0), persistent
 * pages are copied through the slot's buffer pages like copied segments. */
static void bounce(struct blk_ring *r, struct blk_slot *s, int to_buf)
{
	for (unsigned i = 0; i < s->req.nr_segs; i++) {
		const struct pv_blkif_request_segment *g = &s->req.seg[i];
		size_t off = g->first_sect * BLK_SECTOR_SIZE;
		size_t len = (size_t)(g->last_sect - g->first_sect + 1) * BLK_SECTOR_SIZE;

		if (!s->segp[i])
			continue;
		if (to_buf)
			memcpy(blk_slot_page(r, s, i) + off, s->segp[i] + off, len);
		else
			memcpy(s->segp[i] + off, blk_slot_page(r, s, i) + off, len);
	}
}

/* The chain's header and, for data, one descriptor per run of memory. */
static unsigned chain_build(struct blk_ring *r, struct blk_slot *s, struct vh_slot_area *a,
			    uint32_t type)
{
	struct vh_disk *vd = vh_of(r);
	uint16_t dflags = type == VIRTIO_BLK_T_IN ? VRING_DESC_F_WRITE : 0;
	unsigned n = 0;

	a->hdr = (struct virtio_blk_outhdr){ .type = type, .sector = s->req.sector };
	n = desc_add(a->itab, n, ctl_gpa(vd, &a->hdr), sizeof(a->hdr), 0);
	if (type == VIRTIO_BLK_T_DISCARD) {
		uint64_t left = s->req.nr_sectors - s->progress;
		uint32_t now = left < vd->max_discard ? (uint32_t)left : vd->max_discard;

		a->dz = (struct virtio_blk_discard_write_zeroes){ .sector = s->req.sector +
									    s->progress,
								  .num_sectors = now };
		n = desc_add(a->itab, n, ctl_gpa(vd, &a->dz), sizeof(a->dz), 0);
	}
	for (unsigned i = 0;
	     type != VIRTIO_BLK_T_FLUSH && type != VIRTIO_BLK_T_DISCARD && i < s->req.nr_segs;
	     i++) {
		const struct pv_blkif_request_segment *g = &s->req.seg[i];
		uint64_t gpa = seg_gpa(r, s, i);

		if (!gpa)
			return 0;
		n = desc_add(a->itab, n, gpa,
			     (uint32_t)(g->last_sect - g->first_sect + 1) * BLK_SECTOR_SIZE,
			     dflags);
	}
	a->status = 0xff; /* the server must write it */
	return desc_add(a->itab, n, ctl_gpa(vd, &a->status), 1, VRING_DESC_F_WRITE);
}

/* Hand one chain of slot s to the server (published by commit). */
static void chain_start(struct blk_ring *r, struct blk_slot *s, uint32_t type)
{
	struct vh_ring *v = r->io;
	struct vh_slot_area *a = &v->area[s->idx];
	unsigned n = chain_build(r, s, a, type);

	if (!n) {
		blk_slot_fail(r, s, "a granted page outside the guest's RAM");
		return;
	}
	v->q.vr.desc[s->idx] = (struct vring_desc){ .addr = ctl_gpa(vh_of(r), a->itab),
						    .len = n *
							   (uint32_t)sizeof(struct vring_desc),
						    .flags = VRING_DESC_F_INDIRECT };
	blk_vring_add(&v->q, (uint16_t)s->idx);
	v->busy |= 1u << s->idx;
	s->pending = 1;
}

static uint32_t slot_type(const struct blk_slot *s)
{
	switch (s->req.op) {
	case PV_BLKIF_OP_READ:
		return VIRTIO_BLK_T_IN;
	case PV_BLKIF_OP_WRITE:
		return VIRTIO_BLK_T_OUT;
	case PV_BLKIF_OP_FLUSH_DISKCACHE:
		return s->req.nr_segs && s->stage != VH_STAGE_FLUSH ? VIRTIO_BLK_T_OUT
								    : VIRTIO_BLK_T_FLUSH;
	default:
		return VIRTIO_BLK_T_DISCARD;
	}
}

static void vh_submit(struct blk_ring *r, struct blk_slot *s)
{
	struct vh_disk *vd = vh_of(r);

	s->progress = 0;
	if (vd->dead) {
		blk_slot_fail(r, s, "the vhost-user server is gone");
		return;
	}
	if (s->req.op == PV_BLKIF_OP_DISCARD &&
	    !(vd->features & (1ull << VIRTIO_BLK_F_DISCARD))) {
		s->status = PV_BLKIF_RSP_EOPNOTSUPP;
		return;
	}
	if (!vd->guest_mem && blk_req_writes(&s->req))
		bounce(r, s, 1);
	chain_start(r, s, slot_type(s));
}

static void vh_commit(struct blk_ring *r)
{
	struct vh_ring *v = r->io;
	uint64_t one = 1;

	if (blk_vring_publish(&v->q) && write(v->kick_fd, &one, sizeof(one)) < 0)
		log_warn("blkback: vhost kick");
}

/* One chain came back: 1 when the slot is finished, 0 when it goes on (the flush
 * after a write, the next piece of a long discard). */
static int chain_done(struct blk_ring *r, struct blk_slot *s)
{
	struct vh_ring *v = r->io;
	uint8_t st = __atomic_load_n(&v->area[s->idx].status, __ATOMIC_RELAXED);

	v->busy &= ~(1u << s->idx);
	vh_of(r)->completions++;
	if (st != VIRTIO_BLK_S_OK) {
		blk_slot_fail(r, s,
			      st == VIRTIO_BLK_S_UNSUPP ? "not supported by the server"
							: "I/O error in the vhost-user server");
		return 1;
	}
	if (s->req.op == PV_BLKIF_OP_FLUSH_DISKCACHE && s->req.nr_segs && s->stage == 0) {
		s->stage = VH_STAGE_FLUSH;
	} else if (s->req.op == PV_BLKIF_OP_DISCARD) {
		s->progress += s->req.nr_sectors - s->progress < vh_of(r)->max_discard
				       ? s->req.nr_sectors - s->progress
				       : vh_of(r)->max_discard;
		if (s->progress >= s->req.nr_sectors)
			return 1;
	} else {
		return 1;
	}
	chain_start(r, s, slot_type(s));
	return 0;
}

void vh_ring_complete(struct blk_ring *r)
{
	struct vh_ring *v = r->io;
	struct blk_slot *done = NULL, *s;
	uint16_t head;
	uint32_t len;

	do {
		while (blk_vring_take(&v->q, &head, &len)) {
			if (head >= VH_QSIZE || !(v->busy & (1u << head))) {
				vh_dev_fail(vh_of(r), "completed a request it did not hold");
				return;
			}
			s = &r->slots[head];
			if (!chain_done(r, s))
				continue;
			if (!vh_of(r)->guest_mem && s->req.op == PV_BLKIF_OP_READ &&
			    s->status == PV_BLKIF_RSP_OKAY)
				bounce(r, s, 0);
			s->pending = 0;
			s->next = done;
			done = s;
		}
	} while (blk_vring_arm(&v->q));
	vh_commit(r); /* follow-up chains */
	blk_io_done(r, done);
}

void vh_ring_fail_all(struct blk_ring *r)
{
	struct vh_ring *v = r->io;
	struct blk_slot *done = NULL;

	if (!v)
		return;
	for (unsigned i = 0; i < VH_QSIZE; i++) {
		struct blk_slot *s = &r->slots[i];

		if (!(v->busy & (1u << i)))
			continue;
		blk_slot_fail(r, s, "the vhost-user server is gone");
		s->pending = 0;
		s->next = done;
		done = s;
	}
	v->busy = 0;
	blk_io_done(r, done);
}

static void vh_on_call(int fd, void *arg)
{
	uint64_t n;

	if (read(fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		log_warn("blkback: vhost call eventfd");
	vh_ring_complete(arg);
}

static int vh_ring_open(struct blk_ring *r)
{
	struct vh_disk *vd = vh_of(r);
	struct vh_ring *v = calloc(1, sizeof(*v));
	uint8_t *base = vd->ctl + vh_queue_off(r->q);
	size_t ring = (blk_vring_bytes(VH_QSIZE) + 4095) & ~(size_t)4095;

	if (!v)
		return -ENOMEM;
	r->io = v;
	v->kick_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	v->call_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (v->kick_fd < 0 || v->call_fd < 0)
		return -errno;
	memset(base, 0, vh_queue_bytes());
	blk_vring_init(&v->q, VH_QSIZE, base);
	v->area = (struct vh_slot_area *)(base + ring);
	v->area_gpa = ctl_gpa(vd, v->area);
	return xbe_fd_add(r->xd->be, v->call_fd, vh_on_call, r);
}

/* Let the ring's requests end (they write into its pages), at most VH_DRAIN_MS. */
static void vh_drain(struct blk_ring *r)
{
	struct vh_ring *v = r->io;
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (v->busy && !vh_of(r)->dead) {
		/* the socket too: a server that dies meanwhile ends the wait at once */
		struct pollfd p[2] = { { .fd = v->call_fd, .events = POLLIN },
				       { .fd = vh_of(r)->vu.fd, .events = POLLIN } };

		clock_gettime(CLOCK_MONOTONIC, &t);
		if ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 >
		    VH_DRAIN_MS)
			break;
		if (poll(p, 2, 100) <= 0)
			continue;
		if (p[0].revents)
			vh_on_call(v->call_fd, r);
		if (p[1].revents && v->busy)
			vh_dev_fail_after(vh_of(r), "closed its socket while requests ran",
					  VH_EXIT_GRACE_MS);
	}
	if (v->busy && !vh_of(r)->dead)
		vh_dev_fail(vh_of(r), "requests still running at disconnect");
	if (vh_of(r)->lingering)
		r->keep_grants = 1; /* a server that outlived SIGKILL may still write into them */
}

static void vh_ring_close(struct blk_ring *r)
{
	struct vh_ring *v = r->io;
	struct vh_disk *vd = vh_of(r);

	if (!v)
		return;
	vh_drain(r);
	if (!vd->dead && vd->ready)
		vh_dev_ring_stop(vd, r->q);
	if (v->call_fd >= 0) {
		xbe_fd_del(r->xd->be, v->call_fd);
		close(v->call_fd);
	}
	if (v->kick_fd >= 0)
		close(v->kick_fd);
	free(v);
	r->io = NULL;
	for (unsigned q = 0; q < r->disk->nr_rings; q++)
		if (r->disk->rings[q] && r->disk->rings[q] != r && r->disk->rings[q]->io)
			return;
	vh_dev_disconnect(vd); /* the last ring: the server lets go of the guest's memory */
}

static int vh_rings_ready(struct blk_disk *k, struct xbe_device *d)
{
	struct vh_disk *vd = k->io;
	const char *why = "";
	int rc = 0;

	(void)d;
	if (vd->vu.fd < 0 || vd->ready)
		rc = vh_dev_connect(vd, &why);
	if (rc == 0)
		rc = vh_dev_setup(vd, &why);
	if (rc < 0) /* requests will fail; the frontend may connect again */
		vh_dev_fail(vd, why);
	return 0;
}

/* The control area for BLK_MAX_QUEUES rings: a memfd, since the server maps it. */
static int vh_ctl_create(struct vh_disk *vd)
{
	vd->ctl_len = BLK_MAX_QUEUES * vh_queue_bytes();
	vd->ctl_fd = memfd_create("blkback-vhost", MFD_CLOEXEC);
	if (vd->ctl_fd < 0 || ftruncate(vd->ctl_fd, (off_t)vd->ctl_len) < 0)
		return -errno;
	vd->ctl = mmap(NULL, vd->ctl_len, PROT_READ | PROT_WRITE, MAP_SHARED, vd->ctl_fd, 0);
	if (vd->ctl == MAP_FAILED) {
		vd->ctl = NULL;
		return -errno;
	}
	return 0;
}

static int vh_open(struct blk_disk *k, struct xbe_device *d)
{
	struct vh_disk *vd = calloc(1, sizeof(*vd));
	const char *why = "", *gm = getenv("PVISOR_VHOST_GUEST_MEM");
	int rc;

	if (!vd)
		return -ENOMEM;
	vd->k = k;
	vd->d = d;
	vd->vu.fd = vd->vu.pidfd = vd->ctl_fd = vd->mem_fd = vd->tfd = -1;
	vd->guest_mem = !gm || strcmp(gm, "0") != 0;
	k->io = vd;
	if ((rc = vh_ctl_create(vd)) < 0) {
		xbe_device_error(d, rc, "cannot create the vhost-user control area");
		return rc;
	}
	if ((rc = vh_dev_connect(vd, &why)) < 0) {
		xbe_device_error(d, rc, "vhost-user server %s: %s", k->path, why);
		return rc; /* the caller closes */
	}
	if ((vd->features & (1ull << VIRTIO_BLK_F_RO)) && !k->lim.readonly) {
		xbe_device_error(d, 0,
				 "vhost-user server %s exports the disk read-only; "
				 "attach it with access=ro",
				 k->path);
		return -EROFS;
	}
	k->lim.discard = !!(vd->features & (1ull << VIRTIO_BLK_F_DISCARD));
	snprintf(k->note, sizeof(k->note), "vhost-user%s",
		 vd->guest_mem ? ", zero copy" : ", bounce buffers");
	return vh_dev_watchdog_start(vd);
}

static void vh_close(struct blk_disk *k)
{
	struct vh_disk *vd = k->io;

	if (!vd)
		return;
	vh_dev_disconnect(vd);
	if (vd->tfd >= 0) {
		xbe_fd_del(vd->d->be, vd->tfd);
		close(vd->tfd);
	}
	if (vd->ctl)
		munmap(vd->ctl, vd->ctl_len);
	if (vd->ctl_fd >= 0)
		close(vd->ctl_fd);
	free(vd);
	k->io = NULL;
}

const struct blk_disk_ops blk_vhost_ops = {
	.name = "vhost-user",
	.open = vh_open,
	.close = vh_close,
	.ring_open = vh_ring_open,
	.rings_ready = vh_rings_ready,
	.ring_close = vh_ring_close,
	.submit = vh_submit,
	.commit = vh_commit,
};
