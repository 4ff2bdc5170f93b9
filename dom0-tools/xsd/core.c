/* xsd: creating and destroying the core (tree with its initial nodes, domain table,
 * quota defaults) and routing store changes to quota accounting and persistence. */
#include "xsd/core.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xsd/domain.h"

void xsd_quota_defaults(struct xsd_quota *q)
{
	q->nodes = 1000;
	q->entry_size = 2048;
	q->watches = 128;
	q->transactions = 10;
	q->perms = 5;
	q->trans_nodes = 1024;
	q->outstanding = 20;
	q->out_max = 1u << 20;
}

static void core_store_hook(void *opaque, const char *path, int32_t old_owner,
			    const struct xsd_node *n, bool top)
{
	struct xsd_core *core = opaque;

	xsd_domain_account(core, old_owner, n);
	if (core->on_change)
		core->on_change(core->change_opaque, path, n, top);
}

static int core_add_node(struct xsd_core *core, const char *path)
{
	static const struct xsd_perm dom0_only = { 0, XSD_PERM_NONE };
	struct xsd_node *n = xsd_node_create(path, "", 0, &dom0_only, 1);

	return n ? xsd_store_put(&core->store, n) : -ENOMEM;
}

struct xsd_core *xsd_core_create(const struct xsd_quota *q)
{
	struct xsd_core *core = calloc(1, sizeof(*core));

	if (!core)
		return NULL;
	if (q)
		core->quota = *q;
	else
		xsd_quota_defaults(&core->quota);
	if (xsd_store_init(&core->store) < 0)
		goto err_core;
	if (xsd_hash_init(&core->domains, 64) < 0)
		goto err_store;
	if (xsd_hash_init(&core->watch_paths, 64) < 0 ||
	    xsd_hash_init(&core->watch_below, 64) < 0)
		goto err_domains;
	core->store.hook = core_store_hook;
	core->store.hook_opaque = core;
	if (core_add_node(core, "/tool") < 0 || core_add_node(core, "/tool/xenstored") < 0)
		goto err_domains;
	return core;

err_domains:
	xsd_hash_fini(&core->watch_below);
	xsd_hash_fini(&core->watch_paths);
	xsd_domain_table_fini(core);
err_store:
	xsd_store_fini(&core->store);
err_core:
	free(core);
	return NULL;
}

void xsd_core_destroy(struct xsd_core *core)
{
	if (!core)
		return;
	while (core->conns) {
		struct xsd_conn *c = core->conns;
		if (c->ops && c->ops->close)
			c->ops->close(c);
		xsd_conn_destroy(c);
	}
	xsd_hash_fini(&core->watch_below); /* empty: the connections took their watches */
	xsd_hash_fini(&core->watch_paths);
	xsd_domain_table_fini(core);
	core->store.hook = NULL;
	xsd_store_fini(&core->store);
	free(core);
}
