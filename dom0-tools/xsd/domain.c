/* xsd: domains (see domain.h). */
#include "xsd/domain.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xsd/watch.h"

#define XSD_DOMID_FIRST_RESERVED 0x7ff0u

struct xsd_domain *xsd_domain_get(struct xsd_core *core, uint32_t domid, bool create)
{
	char key[8];
	struct xsd_hent *e;
	struct xsd_domain *d;

	snprintf(key, sizeof(key), "%u", domid & 0xffff);
	e = xsd_hash_get(&core->domains, key);
	if (e || !create)
		return e ? xsd_container_of(e, struct xsd_domain, hent) : NULL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->domid = domid;
	memcpy(d->key, key, sizeof(key));
	d->hent.key = d->key;
	xsd_hash_put(&core->domains, &d->hent);
	return d;
}

/* A domain neither introduced nor owning a node needs no record: drop it, so the
 * table (walked at each VIRQ_DOM_EXC) holds live domains only. */
static void domain_maybe_free(struct xsd_core *core, struct xsd_domain *d)
{
	if (d->introduced || d->nodes || d->conn)
		return;
	xsd_hash_del(&core->domains, d->key);
	free(d);
}

void xsd_domain_account(struct xsd_core *core, int32_t old_owner, const struct xsd_node *n)
{
	struct xsd_domain *d;

	if (n && old_owner == n->perms[0].domid)
		return;
	if (old_owner >= 0) {
		d = xsd_domain_get(core, (uint32_t)old_owner, false);
		if (d && d->nodes && !--d->nodes)
			domain_maybe_free(core, d);
	}
	if (n) {
		d = xsd_domain_get(core, n->perms[0].domid, true);
		if (d)
			d->nodes++;
	}
}

struct xsd_domain *xsd_domain_find(struct xsd_core *core, uint32_t domid)
{
	struct xsd_domain *d = xsd_domain_get(core, domid, false);

	return d && d->introduced ? d : NULL;
}

int xsd_domain_introduce(struct xsd_core *core, uint32_t domid, uint64_t gfn, uint32_t evtchn)
{
	struct xsd_domain *d;

	if (domid == 0 || domid >= XSD_DOMID_FIRST_RESERVED || evtchn == 0)
		return -EINVAL;
	d = xsd_domain_get(core, domid, true);
	if (!d)
		return -ENOMEM;
	d->gfn = gfn;
	d->evtchn = evtchn;
	if (d->introduced) {
		xsd_conn_drop_state(d->conn);
		xsd_conn_drop_io(d->conn);
		if (core->on_introduce)
			core->on_introduce(core, d);
		return 0;
	}
	d->conn = xsd_conn_create(core, NULL, NULL, domid, false);
	if (!d->conn)
		return -ENOMEM;
	snprintf(d->conn->label, sizeof(d->conn->label), "dom%u", domid);
	d->introduced = true;
	d->shutdown = false;
	if (core->on_introduce)
		core->on_introduce(core, d);
	xsd_watch_fire_special(core, "@introduceDomain", domid);
	return 0;
}

int xsd_domain_release(struct xsd_core *core, uint32_t domid)
{
	struct xsd_domain *d = xsd_domain_find(core, domid);

	if (!d)
		return -ENOENT;
	if (core->on_release)
		core->on_release(core, d);
	for (struct xsd_conn *c = core->ntargets ? core->conns : NULL; c; c = c->next)
		if (c->target == (int32_t)domid) {
			c->target = -1;
			core->ntargets--;
		}
	if (d->conn) {
		if (d->conn->ops && d->conn->ops->close)
			d->conn->ops->close(d->conn);
		xsd_conn_destroy(d->conn);
	}
	d->conn = NULL;
	d->introduced = false;
	domain_maybe_free(core, d);
	xsd_watch_fire_special(core, "@releaseDomain", domid);
	return 0;
}

void xsd_domain_table_fini(struct xsd_core *core)
{
	size_t pos = 0;
	struct xsd_hent *e = xsd_hash_next(&core->domains, &pos, NULL);

	while (e) {
		struct xsd_hent *next = xsd_hash_next(&core->domains, &pos, e);
		free(xsd_container_of(e, struct xsd_domain, hent));
		e = next;
	}
	xsd_hash_fini(&core->domains);
}
