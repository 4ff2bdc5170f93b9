/* pvlazy's fault loop (pvlazy.h): missing pages of guest RAM come from the image
 * -- the faulting page, then the rest of a small window from the same record --
 * or as zeros when the image does not hold them. A record is read and its sum
 * checked the first time one of its pages is wanted; a damaged one crashes the
 * domain (its memory cannot be trusted). */
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "libpvx/sr_suspend.h"
#include "log.h"
#include "peer.h"
#include "pvisor/sched.h"
#include "pvlazy/pvlazy.h"
#include "rundir.h"

#define PAGE          4096u
#define WINDOW        16u  /* pages filled around a fault (same record) */
#define TICK_MS       500  /* how often we look whether the domain is still there */
#define START_WAIT_MS 1000 /* one wait for the guest's mapping */

struct lazy_pager {
	struct pvctrl *h;
	pv_domid_t domid;
	struct lazy_image *img;
	int uffd[2];
	uint64_t base[2];
	uint8_t *filled; /* per RAM frame */
	uint64_t left;   /* image frames not in yet */
	uint32_t cur;    /* the record decoded below, or LAZY_NO_REC */
	uint8_t *body, *scratch;
	uint64_t cpfn[PV_SR_PAGE_BATCH];
	const uint8_t *cdata[PV_SR_PAGE_BATCH];
	unsigned cn;
	int ctl;
	uint64_t faults, copied, zeroed;
};

static int keep_page(void *ctx, uint64_t pfn, const uint8_t *data)
{
	struct lazy_pager *p = ctx;

	p->cpfn[p->cn] = pfn;
	p->cdata[p->cn++] = data;
	return 0;
}

/* Record id read, checked and decoded into the cache. */
static int load_rec(struct lazy_pager *p, uint32_t id)
{
	struct lazy_rec *r = &p->img->recs[id];
	struct pvx_err err = { 0 };
	int rc;

	if (p->cur == id)
		return 0;
	p->cur = LAZY_NO_REC;
	p->cn = 0;
	if (pread(p->img->fd, p->body, r->length, (off_t)r->offset) != (ssize_t)r->length)
		return -EIO;
	if (!r->checked && !sr_record_sum_ok(PV_SR_REC_PAGE_DATA, p->body, r->length)) {
		log_warnx("dom%u: the image is damaged: a page record at byte %llu", p->domid,
			  (unsigned long long)r->offset);
		return -EBADMSG;
	}
	r->checked = 1;
	rc = sr_pages_decode(p->body, r->length, &p->img->layout, p->scratch, keep_page, p, &err);
	if (rc < 0) {
		log_warnx("dom%u: %s", p->domid, err.msg);
		return rc;
	}
	p->cur = id;
	return 0;
}

/* One page into RAM through uffd i; -EEXIST when it is there already. */
static int copy_page(struct lazy_pager *p, int i, uint64_t pfn, const uint8_t *data, int wake)
{
	struct uffdio_copy c = { .dst = p->base[i] + pfn * PAGE,
				 .src = (uint64_t)(uintptr_t)data,
				 .len = PAGE,
				 .mode = wake ? 0 : UFFDIO_COPY_MODE_DONTWAKE };

	if (ioctl(p->uffd[i], UFFDIO_COPY, &c) < 0)
		return -errno;
	if (!p->filled[pfn]) {
		p->filled[pfn] = 1;
		p->left--;
	}
	p->copied++;
	return 0;
}

/* The pages of the cached record within pfn's window. */
static void copy_window(struct lazy_pager *p, int i, uint64_t pfn)
{
	uint64_t lo = pfn & ~(uint64_t)(WINDOW - 1);

	for (unsigned k = 0; k < p->cn; k++) {
		uint64_t f = p->cpfn[k];

		if (f != pfn && f >= lo && f < lo + WINDOW && f < p->img->max_pages &&
		    !p->filled[f] && p->cdata[k] && p->img->rec_of[f] == p->cur)
			copy_page(p, i, f, p->cdata[k], 0);
	}
}

static int wake(struct lazy_pager *p, int i, uint64_t pfn)
{
	struct uffdio_range r = { p->base[i] + pfn * PAGE, PAGE };

	return ioctl(p->uffd[i], UFFDIO_WAKE, &r) < 0 ? -errno : 0;
}

static int serve_zero(struct lazy_pager *p, int i, uint64_t pfn)
{
	struct uffdio_zeropage z = { .range = { p->base[i] + pfn * PAGE, PAGE } };

	p->zeroed++;
	if (ioctl(p->uffd[i], UFFDIO_ZEROPAGE, &z) < 0)
		return errno == EEXIST ? wake(p, i, pfn) : -errno;
	return 0;
}

/* A fault on frame pfn through uffd i. */
static int serve(struct lazy_pager *p, int i, uint64_t pfn)
{
	uint32_t id = p->img->rec_of[pfn];
	int rc;

	p->faults++;
	if (id == LAZY_NO_REC)
		return serve_zero(p, i, pfn);
	if (id == LAZY_EAGER)
		return wake(p, i, pfn); /* in since the restore: a fault that raced it */
	if ((rc = load_rec(p, id)) < 0)
		return rc;
	for (unsigned k = 0; k < p->cn; k++) {
		if (p->cpfn[k] != pfn)
			continue;
		rc = p->cdata[k] ? copy_page(p, i, pfn, p->cdata[k], 1) : serve_zero(p, i, pfn);
		if (rc == -EEXIST)
			rc = wake(p, i, pfn);
		copy_window(p, i, pfn);
		return rc;
	}
	return serve_zero(p, i, pfn);
}

/* Every fault waiting on uffd i. */
static int drain(struct lazy_pager *p, int i)
{
	struct uffd_msg m;
	ssize_t n;
	int rc = 0;

	while (rc == 0 && (n = read(p->uffd[i], &m, sizeof(m))) == sizeof(m)) {
		uint64_t pfn = (m.arg.pagefault.address - p->base[i]) / PAGE;

		if (m.event != UFFD_EVENT_PAGEFAULT)
			continue;
		rc = pfn < p->img->max_pages ? serve(p, i, pfn) : -EFAULT;
	}
	return rc < 0 ? rc : (n < 0 && errno != EAGAIN ? -errno : 0);
}

/* Every page of the image into RAM (a save or dump-core wants them all). */
static int fill_all(struct lazy_pager *p)
{
	for (uint64_t pfn = 0; pfn < p->img->max_pages && p->left; pfn++) {
		uint32_t id = p->img->rec_of[pfn];
		int rc;

		if (id >= LAZY_EAGER || p->filled[pfn])
			continue;
		if ((rc = load_rec(p, id)) < 0)
			return rc;
		for (unsigned k = 0; k < p->cn; k++)
			if (p->cpfn[k] == pfn && p->cdata[k] &&
			    copy_page(p, 0, pfn, p->cdata[k], 1) == -EEXIST && !p->filled[pfn]) {
				p->filled[pfn] = 1;
				p->left--;
			}
	}
	return 0;
}

/* $RUNDIR/lazy/<domid>.sock: "fill" makes us load everything and finish. */
static int ctl_open(pv_domid_t domid)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	char name[64];
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	rundir_mkdir("lazy");
	snprintf(name, sizeof(name), "lazy/%u.sock", domid);
	rundir_file(a.sun_path, sizeof(a.sun_path), name);
	rundir_unlink(name);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 4) < 0) {
		log_warn("dom%u: no control socket %s", domid, a.sun_path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static void ctl_close(struct lazy_pager *p)
{
	char name[64];

	if (p->ctl < 0)
		return;
	close(p->ctl);
	snprintf(name, sizeof(name), "lazy/%u.sock", p->domid);
	rundir_unlink(name);
	p->ctl = -1;
}

/* Done: the hypervisor lets the registrations go; a waiting client hears it. */
static void finish(struct lazy_pager *p, int client)
{
	int rc = pvctrl_lazy(p->h, p->domid, PV_PRIVCMD_LAZY_DONE, 0, 0, NULL, NULL, NULL);

	log_info("dom%u: every page is in (%llu faults, %llu pages copied, %llu zero pages): "
		 "%s",
		 p->domid, (unsigned long long)p->faults, (unsigned long long)p->copied,
		 (unsigned long long)p->zeroed, rc < 0 ? strerror(-rc) : "done");
	if (client >= 0) {
		(void)!write(client, rc < 0 ? "error\n" : "done\n", rc < 0 ? 6 : 5);
		close(client);
	}
}

/* A client of the control socket: "fill" loads everything. 1 when done. */
static int ctl_serve(struct lazy_pager *p)
{
	int c = accept4(p->ctl, NULL, NULL, SOCK_CLOEXEC);
	struct pollfd pfd = { c, POLLIN, 0 };
	char cmd[16] = "";

	if (c < 0)
		return 0;
	if (!peer_trusted(c)) { /* only root and our own user (docs/SECURITY.md) */
		close(c);
		return 0;
	}
	if (poll(&pfd, 1, 1000) == 1)
		(void)!read(c, cmd, sizeof(cmd) - 1);
	if (strncmp(cmd, "fill", 4) != 0 || fill_all(p) < 0) {
		(void)!write(c, "error\n", 6);
		close(c);
		return 0;
	}
	finish(p, c);
	return 1;
}

/* The domain is still there and not gone for good. */
static int dom_alive(struct lazy_pager *p)
{
	struct pv_privcmd_domext e;

	return sr_domain_info(p->h, p->domid, &e) == 0 && e.state != PV_DOMSTATE_DYING &&
	       e.state != PV_DOMSTATE_CRASHED &&
	       !(e.state == PV_DOMSTATE_SHUTDOWN && e.shutdown_reason != PV_SHUTDOWN_suspend);
}

/* The guest's mapping's userfaultfd, once the domain has started. */
static void get_guest_uffd(struct lazy_pager *p)
{
	int rc = pvctrl_lazy(p->h, p->domid, PV_PRIVCMD_LAZY_FD, 1, START_WAIT_MS, &p->uffd[1],
			     &p->base[1], NULL);

	if (rc == -ENOENT)
		p->uffd[1] = -2; /* its engine needs none */
	else if (rc < 0)
		p->uffd[1] = -1;
	else /* poll() on a userfaultfd wants it non-blocking */
		fcntl(p->uffd[1], F_SETFL, fcntl(p->uffd[1], F_GETFL) | O_NONBLOCK);
}

/* 1: go on; 0: stop (done, or the domain is gone); < 0: an error. */
static int step(struct lazy_pager *p)
{
	struct pollfd f[3];
	int n, rc = 0;

	if (p->uffd[1] == -1)
		get_guest_uffd(p);
	f[0] = (struct pollfd){ p->uffd[0], POLLIN, 0 };
	f[1] = (struct pollfd){ p->uffd[1], POLLIN, 0 };
	f[2] = (struct pollfd){ p->ctl, POLLIN, 0 };
	n = poll(f, 3, p->uffd[1] == -1 ? 0 : TICK_MS);
	if (n < 0)
		return errno == EINTR ? 1 : -errno;
	for (int i = 0; i < 2 && rc == 0; i++)
		if (f[i].fd >= 0 && (f[i].revents & POLLIN))
			rc = drain(p, i);
	if (rc < 0)
		return rc;
	if (f[2].fd >= 0 && (f[2].revents & POLLIN) && ctl_serve(p))
		return 0;
	if (p->left == 0) {
		finish(p, -1);
		return 0;
	}
	return n == 0 && !dom_alive(p) ? 0 : 1;
}

int lazy_serve(struct pvctrl *h, pv_domid_t domid, struct lazy_image *img)
{
	struct lazy_pager p = { .h = h,
				.domid = domid,
				.img = img,
				.uffd = { -1, -1 },
				.left = img->in_image,
				.cur = LAZY_NO_REC };
	int rc;

	p.ctl = -1;
	p.filled = calloc(img->max_pages, 1);
	p.body = malloc(PV_SR_REC_BODY_MAX);
	p.scratch = malloc((size_t)PV_SR_PAGE_BATCH * PAGE);
	rc = p.filled && p.body && p.scratch ? 0 : -ENOMEM;
	if (rc == 0)
		rc = pvctrl_lazy(h, domid, PV_PRIVCMD_LAZY_FD, 0, 0, &p.uffd[0], &p.base[0],
				 NULL);
	if (rc == 0) {
		p.ctl = ctl_open(domid);
		log_info("dom%u: serving %llu pages of the image on first touch", domid,
			 (unsigned long long)p.left);
		while ((rc = step(&p)) > 0)
			;
	}
	if (rc == -EBADMSG || rc == -EIO)
		pvctrl_domain_shutdown(h, domid, PV_SHUTDOWN_crash); /* its memory is lost */
	ctl_close(&p);
	for (int i = 0; i < 2; i++)
		if (p.uffd[i] >= 0)
			close(p.uffd[i]);
	free(p.filled);
	free(p.body);
	free(p.scratch);
	return rc;
}
