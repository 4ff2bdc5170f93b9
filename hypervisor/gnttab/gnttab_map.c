/* dom0's grant handle, one per privcmd connection (what /dev/xen/gntdev gives): maps
 * of pages guests granted to dom0 and the connection's local buffer for
 * GNTTABOP_copy. A map pins its entry (gnttab.c) and holds a reference on the
 * granting domain, so its memory outlives a destroy until the map is dropped. The
 * client receives the domain's memory fd -- a read-only description for a
 * read-only map, so that a writable mmap of it fails, and one that cannot be
 * reopened for writing -- and maps the one page itself. A connection
 * is served by one thread, so the handle needs no lock of its own. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "gnttab_priv.h"
#include "log.h"
#include "pv_errno.h"
#include "pvisor/errno.h"

#define GNT_MAX_MAPS (1u << 16) /* per connection */

struct gnt_map {
	struct domain *d; /* referenced; NULL: the slot is free */
	uint32_t ref;
	int writable;
	uint32_t next_free;
};

struct gnt_handle {
	struct gnt_map *maps;
	uint32_t nr_maps; /* slots in use or freed */
	uint32_t cap;
	uint32_t free_head; /* a freed slot + 1, 0 = none */
	int buf_fd;         /* the copy buffer: memfd, our mapping and its size */
	uint8_t *buf;
	uint64_t buf_pages;
};

static struct gnt_handle *gnt_handle_of(struct pconn *c)
{
	if (!c->gnt && (c->gnt = calloc(1, sizeof(*c->gnt))))
		c->gnt->buf_fd = -1;
	return c->gnt;
}

/* A free slot index, growing the array when needed; -PV_ENOSPC past GNT_MAX_MAPS. */
static int gnt_slot_alloc(struct gnt_handle *h, uint32_t *out)
{
	if (h->free_head) {
		*out = h->free_head - 1;
		h->free_head = h->maps[*out].next_free;
		return 0;
	}
	if (h->nr_maps == GNT_MAX_MAPS)
		return -PV_ENOSPC;
	if (h->nr_maps == h->cap) {
		uint32_t cap = h->cap ? h->cap * 2 : 16;
		struct gnt_map *m = realloc(h->maps, cap * sizeof(*m));

		if (!m)
			return -PV_ENOMEM;
		h->maps = m;
		h->cap = cap;
	}
	*out = h->nr_maps++;
	return 0;
}

static void gnt_slot_free(struct gnt_handle *h, uint32_t i)
{
	h->maps[i].d = NULL;
	h->maps[i].next_free = h->free_head;
	h->free_head = i + 1;
}

/* The fd the client maps: the memfd itself, or the domain's read-only description
 * of it, whose inode refuses any open for writing (core/domain_mem.c). */
static int gnt_map_fd(struct domain *d, int writable)
{
	int fd = fcntl(writable ? d->mem_fd : d->mem_ro_fd, F_DUPFD_CLOEXEC, 0);

	return fd < 0 ? pv_errno_last() : fd;
}

int gnttab_map(struct pconn *c, pv_domid_t domid, uint32_t ref, int readonly, int *fd,
	       uint64_t *offset, uint32_t *handle)
{
	struct gnt_handle *h = gnt_handle_of(c);
	struct domain *d;
	uint64_t frame;
	uint32_t slot;
	int rc;

	if (!h)
		return -PV_ENOMEM;
	d = domain_get(domid);
	if (!d)
		return -PV_ESRCH;
	rc = gnt_slot_alloc(h, &slot);
	if (rc)
		goto put;
	rc = gnttab_pin(d, ref, 0, !readonly, &frame);
	if (rc)
		goto slot;
	domain_lazy_touch(d, frame); /* in the memory fd before the client maps it */
	*fd = gnt_map_fd(d, !readonly);
	if (*fd < 0) {
		rc = *fd;
		goto unpin;
	}
	h->maps[slot] = (struct gnt_map){ .d = d, .ref = ref, .writable = !readonly };
	*offset = frame * PV_PAGE_SIZE;
	*handle = slot;
	return 0;
unpin:
	gnttab_unpin(d, ref, !readonly);
slot:
	gnt_slot_free(h, slot);
put:
	domain_put(d);
	return rc;
}

/* Unpin and drop the domain reference: also right after the domain was destroyed
 * (its memory and table stay until the last reference goes). */
static void gnt_map_release(struct gnt_handle *h, uint32_t i)
{
	struct gnt_map *m = &h->maps[i];

	gnttab_unpin(m->d, m->ref, m->writable);
	domain_put(m->d);
	gnt_slot_free(h, i);
}

int gnttab_unmap(struct pconn *c, uint32_t handle)
{
	struct gnt_handle *h = c->gnt;

	if (!h || handle >= h->nr_maps || !h->maps[handle].d)
		return -PV_ENOENT;
	gnt_map_release(h, handle);
	return 0;
}

int gnttab_buffer_create(struct pconn *c, uint64_t pages, int *fd)
{
	struct gnt_handle *h = gnt_handle_of(c);
	uint64_t size = pages * PV_PAGE_SIZE;
	uint8_t *buf;
	int mfd, err;

	if (!h)
		return -PV_ENOMEM;
	if (pages == 0 || pages > PV_PRIVCMD_GNT_BUFFER_MAX_PAGES)
		return -PV_EINVAL;
	if (h->buf)
		return -PV_EBUSY;
	/* Sealed at its size: a client that could shrink it would make our copies fault. */
	mfd = memfd_create("pvisor-gntbuf", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mfd < 0)
		return pv_errno_last();
	if (ftruncate(mfd, (off_t)size) < 0 ||
	    fcntl(mfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0)
		goto close_mfd;
	buf = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	if (buf == MAP_FAILED)
		goto close_mfd;
	*fd = fcntl(mfd, F_DUPFD_CLOEXEC, 0);
	if (*fd < 0)
		goto unmap;
	h->buf = buf;
	h->buf_fd = mfd;
	h->buf_pages = pages;
	return 0;
unmap:
	err = pv_errno_last();
	munmap(buf, size);
	close(mfd);
	return err;
close_mfd:
	err = pv_errno_last();
	close(mfd);
	return err;
}

uint8_t *gnttab_buffer_page(struct pconn *c, uint64_t index)
{
	struct gnt_handle *h = c->gnt;

	if (!h || !h->buf || index >= h->buf_pages)
		return NULL;
	return h->buf + index * PV_PAGE_SIZE;
}

void gnttab_handle_close(struct pconn *c)
{
	struct gnt_handle *h = c->gnt;

	if (!h)
		return;
	for (uint32_t i = 0; i < h->nr_maps; i++)
		if (h->maps[i].d)
			gnt_map_release(h, i);
	if (h->buf) {
		munmap(h->buf, h->buf_pages * PV_PAGE_SIZE);
		close(h->buf_fd);
	}
	free(h->maps);
	free(h);
	c->gnt = NULL;
}
