/* Lazy restore (pvx restore --lazy): a domain starts before its memory is loaded;
 * a dom0 pager (pvlazy) fills each page from the image the first time something
 * touches it, through userfaultfd, as Firecracker loads snapshots. Guest RAM is
 * one memory fd mapped by several processes, and a userfaultfd sees only the
 * faults of the mappings registered with it, in its own process: so the guest's
 * mapping is registered by the engine's host context (pv: the launcher, before
 * any guest code; hvm: KVM faults on our own mapping) and ours here, and the pager
 * gets both. Pages a dom0 backend maps by grant are touched through our mapping
 * first (gnttab_map), so they are in the fd before the backend looks. When the
 * pager has filled everything (or the domain is saved: it fills first) it says
 * done: the registrations go, and the domain is an ordinary one. A pager that
 * goes away before that takes the image with it: the domain is crashed. */
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/hv.h"
#include "engines/engine.h"
#include "log.h"
#include "pv_errno.h"
#include "pvisor/errno.h"
#include "util.h"

#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1
#endif

struct domain_lazy {
	int uffd;            /* registered over our mapping of RAM */
	struct pconn *pager; /* the connection that took the descriptors */
};

/* A userfaultfd for missing pages of shared memory (faults in the kernel too when
 * we may; user-mode ones only otherwise), registered over [base, base + len). */
int lazy_uffd_register(void *base, uint64_t len)
{
	struct uffdio_api api = { .api = UFFD_API, .features = UFFD_FEATURE_MISSING_SHMEM };
	struct uffdio_register reg = { .range = { (uint64_t)(uintptr_t)base, len },
				       .mode = UFFDIO_REGISTER_MODE_MISSING };
	int fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK), err;

	if (fd < 0)
		fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY);
	if (fd < 0)
		return pv_errno_last();
	if (ioctl(fd, UFFDIO_API, &api) < 0 || ioctl(fd, UFFDIO_REGISTER, &reg) < 0) {
		err = pv_errno_last();
		close(fd);
		return err;
	}
	return fd;
}

int domain_lazy_arm(struct domain *d)
{
	struct domain_lazy *l;
	int fd;

	if (!d->mem || d->started || d->lazy)
		return d->lazy ? -PV_EBUSY : -PV_EINVAL;
	if (!(l = calloc(1, sizeof(*l))))
		return -PV_ENOMEM;
	fd = lazy_uffd_register(d->mem, d->max_pages * PV_PAGE_SIZE);
	if (fd < 0) {
		free(l);
		return fd;
	}
	l->uffd = fd;
	d->lazy = l;
	log_info("dom%u: lazy: RAM is filled on first touch", d->domid);
	return 0;
}

/* Our registration goes, and the engine's: with every descriptor of a
 * userfaultfd closed, its faults become ordinary ones again. */
static void domain_lazy_release_locked(struct domain *d)
{
	struct uffdio_range r = { (uint64_t)(uintptr_t)d->mem, d->max_pages * PV_PAGE_SIZE };

	if (!d->lazy)
		return;
	ioctl(d->lazy->uffd, UFFDIO_UNREGISTER, &r);
	close(d->lazy->uffd);
	free(d->lazy);
	d->lazy = NULL;
	if (d->engine->lazy_end)
		d->engine->lazy_end(d);
	pthread_cond_broadcast(&hv_cond);
}

void domain_lazy_done_locked(struct domain *d)
{
	if (d->lazy)
		log_info("dom%u: lazy: every page is in, an ordinary domain now", d->domid);
	domain_lazy_release_locked(d);
}

/* which 0: ours (mapped at d->mem); 1: the engine's (the guest's view, at
 * PV_PHYSMAP_BASE), once it started -- waited for up to timeout_ms. The pager's
 * connection becomes the lazy domain's. A duplicate for the caller in *fd. */
int domain_lazy_fd_locked(struct domain *d, struct pconn *c, unsigned which, uint32_t timeout_ms,
			  int *fd, uint64_t *base)
{
	struct timespec end;
	int src = -PV_EAGAIN, rc = 0;

	if (!d->lazy)
		return -PV_EINVAL;
	if (which == 0) {
		src = d->lazy->uffd;
		*base = (uint64_t)(uintptr_t)d->mem;
	}
	util_deadline_after(&end, timeout_ms);
	while (which == 1 && d->lazy && rc == 0 && !domain_is_stopped(d) &&
	       (src = d->engine->lazy_fd ? d->engine->lazy_fd(d) : -PV_ENOENT) == -PV_EAGAIN)
		rc = pthread_cond_timedwait(&hv_cond, &hv_lock, &end);
	if (src < 0)
		return rc ? -PV_ETIMEDOUT : src;
	if (which == 1)
		*base = PV_PHYSMAP_BASE;
	if ((*fd = fcntl(src, F_DUPFD_CLOEXEC, 0)) < 0)
		return pv_errno_last();
	d->lazy->pager = c;
	return 0;
}

/* A privcmd connection closed: a lazy domain whose pager it was cannot get its
 * pages any more. */
void domain_lazy_conn_closed(struct pconn *c)
{
	pthread_mutex_lock(&hv_lock);
	for (unsigned slot = 0; slot < HV_MAX_DOMAINS; slot++) {
		struct domain *d = domain_at_locked(slot);

		if (!d || !d->lazy || d->lazy->pager != c)
			continue;
		domain_crash_locked(d,
				    "its lazy-restore pager went away before every page was in");
		domain_lazy_release_locked(d);
	}
	pthread_mutex_unlock(&hv_lock);
}

void domain_lazy_fini(struct domain *d)
{
	if (d->lazy) {
		close(d->lazy->uffd);
		free(d->lazy);
		d->lazy = NULL;
	}
}

void domain_lazy_touch(struct domain *d, uint64_t gpfn)
{
	if (__atomic_load_n(&d->lazy, __ATOMIC_ACQUIRE) && gpfn < d->max_pages)
		(void)*(volatile uint8_t *)(d->mem + gpfn * PV_PAGE_SIZE);
}
