/* privcmd save/restore requests (SR_SAVE, SR_RESTORE): the hypervisor's part of a
 * domain's state, read from and written into core/domain_sr.c. */
#include <stdlib.h>
#include <string.h>

#include "privcmd_ops.h"
#include "core/hv.h"
#include "pvisor/errno.h"
#include "pvisor/save.h"

int32_t privcmd_sr_save(uint8_t *p, uint32_t len, struct privcmd_reply *rep)
{
	struct pv_privcmd_domid req;
	struct domain *d;
	uint8_t *buf = NULL;
	size_t n = 0;
	int rc;

	if (len != sizeof(req))
		return -PV_EINVAL;
	memcpy(&req, p, sizeof(req));
	if (!(d = domain_get(req.domid)))
		return -PV_ESRCH;
	pthread_mutex_lock(&hv_lock);
	rc = d->removed ? -PV_ESRCH : domain_sr_save_locked(d, &buf, &n);
	pthread_mutex_unlock(&hv_lock);
	domain_put(d);
	if (rc)
		return rc;
	if (n + sizeof(struct pv_privcmd_reply) > PV_PRIVCMD_MAX_MSG) {
		free(buf);
		return -PV_E2BIG;
	}
	rep->data = buf;
	rep->owned = 1;
	rep->len = (uint32_t)n;
	return 0;
}

int32_t privcmd_sr_restore(uint8_t *p, uint32_t len)
{
	struct pv_privcmd_sr_restore req;
	struct domain *d;
	int rc;

	if (len < sizeof(req))
		return -PV_EINVAL;
	memcpy(&req, p, sizeof(req));
	if (!(d = domain_get(req.domid)))
		return -PV_ESRCH;
	pthread_mutex_lock(&hv_lock);
	rc = d->removed ? -PV_ESRCH
			: domain_sr_restore_locked(d, p + sizeof(req), len - sizeof(req));
	pthread_mutex_unlock(&hv_lock);
	domain_put(d);
	return rc;
}

int32_t privcmd_sr_resume(uint8_t *p, uint32_t len)
{
	struct pv_privcmd_sr_resume req;
	struct domain *d;
	int rc;

	if (len != sizeof(req))
		return -PV_EINVAL;
	memcpy(&req, p, sizeof(req));
	if (req.flags & ~(PV_SR_RESUME_CANCEL | PV_SR_RESUME_PAUSED))
		return -PV_EINVAL;
	if (!(d = domain_get(req.domid)))
		return -PV_ESRCH;
	pthread_mutex_lock(&hv_lock);
	rc = d->removed ? -PV_ESRCH : domain_resume_suspended_flags(d, req.flags);
	pthread_mutex_unlock(&hv_lock);
	domain_put(d);
	return rc;
}

static int32_t privcmd_lazy_locked(struct domain *d, struct pconn *conn,
				   struct pv_privcmd_lazy *l, struct privcmd_reply *rep)
{
	switch (l->cmd) {
	case PV_PRIVCMD_LAZY_ARM:
		return domain_lazy_arm(d);
	case PV_PRIVCMD_LAZY_DONE:
		if (!d->lazy)
			return -PV_EINVAL;
		domain_lazy_done_locked(d);
		return 0;
	case PV_PRIVCMD_LAZY_FD:
		l->len = d->max_pages * PV_PAGE_SIZE;
		return domain_lazy_fd_locked(d, conn, l->which, l->timeout_ms, &rep->fd,
					     &l->base);
	default:
		return -PV_EINVAL;
	}
}

int32_t privcmd_lazy(struct pconn *conn, uint8_t *p, uint32_t len, struct privcmd_reply *rep)
{
	struct pv_privcmd_lazy *l = (void *)p;
	struct domain *d;
	int rc;

	if (len != sizeof(*l) || l->which > 1)
		return -PV_EINVAL;
	if (!(d = domain_get(l->domid)))
		return -PV_ESRCH;
	pthread_mutex_lock(&hv_lock);
	rc = d->removed ? -PV_ESRCH : privcmd_lazy_locked(d, conn, l, rep);
	pthread_mutex_unlock(&hv_lock);
	domain_put(d);
	if (rc) {
		rep->fd = -1;
		return rc;
	}
	rep->data = p;
	rep->len = sizeof(*l);
	return 0;
}
