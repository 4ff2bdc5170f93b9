/* libpvctrl grant calls: map and unmap pages guests granted to dom0, the
 * connection's local copy buffer, and batched GNTTABOP_copy. */
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pvctrl.h"
#include "pvctrl_priv.h"

/* One request whose reply passes an fd; the fd is closed on any error. */
static int gnt_request_fd(struct pvctrl *h, uint32_t op, const void *req, size_t req_len,
			  void *rsp, size_t rsp_len, int *fd)
{
	size_t got = 0;
	int rc = pvctrl_request(h, op, req, req_len, rsp, rsp_len, &got, fd);

	if (rc >= 0 && (*fd < 0 || got != rsp_len))
		rc = -EPROTO;
	if (rc < 0 && *fd >= 0) {
		close(*fd);
		*fd = -1;
	}
	return rc;
}

int pvctrl_gnttab_map(struct pvctrl *h, pv_domid_t domid, pv_grant_ref_t ref, int readonly,
		      void **addr, uint32_t *handle)
{
	return pvctrl_gnttab_map_frame(h, domid, ref, readonly, addr, handle, NULL);
}

int pvctrl_gnttab_map_frame(struct pvctrl *h, pv_domid_t domid, pv_grant_ref_t ref, int readonly,
			    void **addr, uint32_t *handle, uint64_t *offset)
{
	struct pv_privcmd_gnt_map req = { .domid = domid,
					  .ref = ref,
					  .flags = readonly ? PV_PRIVCMD_GNT_READONLY : 0 };
	struct pv_privcmd_gnt_mapping m;
	int fd, rc, err;

	rc = gnt_request_fd(h, PV_PRIVCMD_OP_GNT_MAP, &req, sizeof(req), &m, sizeof(m), &fd);
	if (rc < 0)
		return rc;
	*addr = mmap(NULL, PV_PAGE_SIZE, PROT_READ | (readonly ? 0 : PROT_WRITE), MAP_SHARED, fd,
		     (off_t)m.offset);
	err = *addr == MAP_FAILED ? -errno : 0;
	close(fd);
	if (err) {
		pvctrl_gnttab_unmap(h, NULL, m.handle);
		*addr = NULL;
		return err;
	}
	*handle = m.handle;
	if (offset)
		*offset = m.offset;
	return 0;
}

int pvctrl_gnttab_unmap(struct pvctrl *h, void *addr, uint32_t handle)
{
	struct pv_privcmd_gnt_unmap req = { .handle = handle };

	/* The page goes first: once the hypervisor drops the map the guest may reuse it. */
	if (addr && munmap(addr, PV_PAGE_SIZE) < 0)
		return -errno;
	return pvctrl_request(h, PV_PRIVCMD_OP_GNT_UNMAP, &req, sizeof(req), NULL, 0, NULL, NULL);
}

int pvctrl_gnttab_buffer(struct pvctrl *h, uint64_t pages, void **addr)
{
	int fd, rc = pvctrl_gnttab_buffer_fd(h, pages, addr, &fd);

	if (rc == 0)
		close(fd);
	return rc;
}

int pvctrl_gnttab_buffer_fd(struct pvctrl *h, uint64_t pages, void **addr, int *fd_out)
{
	struct pv_privcmd_gnt_buffer b = { .pages = pages };
	int fd, rc, err;

	rc = gnt_request_fd(h, PV_PRIVCMD_OP_GNT_BUFFER, &b, sizeof(b), &b, sizeof(b), &fd);
	if (rc < 0)
		return rc;
	*addr = mmap(NULL, b.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	err = *addr == MAP_FAILED ? -errno : 0;
	if (err) {
		*addr = NULL;
		close(fd);
		return err;
	}
	*fd_out = fd;
	return 0;
}

/* Ops per request: what fits in one privcmd message beside the headers. */
#define GNT_COPY_CHUNK \
	((PV_PRIVCMD_MAX_MSG - sizeof(struct pv_privcmd_hdr) - \
	  sizeof(struct pv_privcmd_hypercall)) / \
	 sizeof(struct pv_gnttab_copy))

int pvctrl_gnttab_copy(struct pvctrl *h, struct pv_gnttab_copy *ops, size_t n)
{
	while (n) {
		size_t k = n < GNT_COPY_CHUNK ? n : GNT_COPY_CHUNK;
		uint64_t a[5] = { PV_GNTTABOP_copy, PV_PRIVCMD_BUF_ADDR, k };
		int rc = pvctrl_hypercall(h, PV_HYPERCALL_grant_table_op, a, NULL, 0, ops,
					  k * sizeof(*ops));

		if (rc < 0)
			return rc;
		ops += k;
		n -= k;
	}
	return 0;
}
