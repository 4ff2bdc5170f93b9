/* The hypervisor's instruments: per-domain counters, and the trace session whose
 * buffer the hypervisor fills and the client reads in place (privcmd.h). */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pvctrl.h"

int pvctrl_domain_counters(struct pvctrl *h, pv_domid_t domid, struct pv_privcmd_counters *c)
{
	struct pv_privcmd_domid req = { .domid = domid };
	size_t got = 0;
	int rc;

	rc = pvctrl_request(h, PV_PRIVCMD_OP_COUNTERS, &req, sizeof(req), c, sizeof(*c), &got,
			    NULL);
	if (rc >= 0 && got != sizeof(*c))
		return -EPROTO;
	return rc < 0 ? rc : 0;
}

int pvctrl_trace_start(struct pvctrl *h, struct pv_privcmd_trace *t,
		       const struct pv_trace_buf **buf)
{
	int fd = -1, rc, err;
	size_t got = 0;
	void *p;

	rc = pvctrl_request(h, PV_PRIVCMD_OP_TRACE_START, t, sizeof(*t), t, sizeof(*t), &got,
			    &fd);
	if (rc < 0)
		return rc;
	if (fd < 0 || got != sizeof(*t)) {
		if (fd >= 0)
			close(fd);
		return -EPROTO;
	}
	p = mmap(NULL, t->size, PROT_READ, MAP_SHARED, fd, 0);
	err = p == MAP_FAILED ? -errno : 0;
	close(fd);
	if (err) {
		pvctrl_trace_stop(h);
		return err;
	}
	*buf = p;
	return 0;
}

int pvctrl_trace_stop(struct pvctrl *h)
{
	int rc = pvctrl_request(h, PV_PRIVCMD_OP_TRACE_STOP, NULL, 0, NULL, 0, NULL, NULL);

	return rc < 0 ? rc : 0;
}

void pvctrl_trace_unmap(const struct pv_trace_buf *buf)
{
	if (buf)
		munmap((void *)buf, sizeof(*buf) + (size_t)buf->slots * sizeof(buf->rec[0]));
}

int pvctrl_trace_take(const struct pv_trace_buf *buf, uint64_t *next, struct pv_trace_rec *out,
		      uint64_t *lost)
{
	const struct pv_trace_rec *r = &buf->rec[*next & (buf->slots - 1)];
	uint64_t s1 = __atomic_load_n(&r->seq, __ATOMIC_ACQUIRE), s2;

	if (s1 < *next + 1)
		return 0;     /* not written yet */
	if (s1 > *next + 1) { /* lapped: skip to the oldest record still there */
		uint64_t w = __atomic_load_n(&buf->written, __ATOMIC_RELAXED);
		uint64_t top = w > s1 ? w : s1, oldest = top > buf->slots ? top - buf->slots : 0;

		*lost += oldest > *next ? oldest - *next : 1;
		*next = oldest > *next ? oldest : *next + 1;
		return -EAGAIN;
	}
	memcpy(out, r, sizeof(*out));
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	s2 = __atomic_load_n(&r->seq, __ATOMIC_RELAXED);
	if (s2 != s1) { /* overwritten while copied */
		(*lost)++;
		(*next)++;
		return -EAGAIN;
	}
	(*next)++;
	return 1;
}
