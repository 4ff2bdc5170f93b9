/* xsd: handlers for the tree messages -- READ, GET_PERMS, DIRECTORY, DIRECTORY_PART,
 * WRITE, MKDIR, RM, SET_PERMS -- with Xen's permission and quota rules. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xsd/msg.h"
#include "xsd/path.h"

/* The node named by the request's single argument, readable by the caller. */
static const struct xsd_node *tree_lookup(struct xsd_req *r, char *path, int *err)
{
	const char *arg;
	const struct xsd_node *n;

	*err = xsd_req_args(r, &arg, 1);
	if (*err == 0)
		*err = xsd_path_canon(arg, r->c->domid, false, path);
	if (*err)
		return NULL;
	n = xsd_view_get(&r->view, path, err);
	if (!n && !*err)
		*err = -ENOENT;
	if (n && !(xsd_req_access(r, n) & XSD_PERM_READ)) {
		*err = -EACCES;
		n = NULL;
	}
	return n;
}

int xsd_msg_read(struct xsd_req *r)
{
	char path[XSD_PATH_BUF];
	int err;
	const struct xsd_node *n = tree_lookup(r, path, &err);

	if (!n)
		return err;
	xsd_reply(r, n->value, n->vlen);
	return 0;
}

int xsd_msg_get_perms(struct xsd_req *r)
{
	char path[XSD_PATH_BUF], buf[PV_XENSTORE_PAYLOAD_MAX];
	int err;
	const struct xsd_node *n = tree_lookup(r, path, &err);
	size_t len;

	if (!n)
		return err;
	len = xsd_perms_format(n->perms, n->nperms, buf, sizeof(buf));
	if (len > sizeof(buf))
		return -E2BIG;
	xsd_reply(r, buf, len);
	return 0;
}

int xsd_msg_directory(struct xsd_req *r)
{
	char path[XSD_PATH_BUF];
	int err;
	const struct xsd_node *n = tree_lookup(r, path, &err);

	if (!n)
		return err;
	if (n->kidlen > PV_XENSTORE_PAYLOAD_MAX)
		return -E2BIG;
	xsd_reply(r, n->kids, n->kidlen);
	return 0;
}

/* Children from byte `off` that fit one reply after the generation string; an extra
 * NUL marks that the list is complete. */
static int tree_dir_part(struct xsd_req *r, const struct xsd_node *n, uint64_t off)
{
	char *buf = malloc(PV_XENSTORE_PAYLOAD_MAX);
	int len = snprintf(buf ? buf : "", buf ? PV_XENSTORE_PAYLOAD_MAX : 0, "%llu",
			   (unsigned long long)n->gen) +
		  1;
	size_t used = (size_t)len;

	if (!buf)
		return -ENOMEM;
	while (off < n->kidlen) {
		size_t k = strlen(n->kids + off) + 1;
		if (used + k + 1 > PV_XENSTORE_PAYLOAD_MAX)
			break;
		memcpy(buf + used, n->kids + off, k);
		used += k;
		off += k;
	}
	if (off >= n->kidlen)
		buf[used++] = '\0';
	xsd_reply(r, buf, used);
	free(buf);
	return 0;
}

int xsd_msg_directory_part(struct xsd_req *r)
{
	char path[XSD_PATH_BUF];
	const char *arg[2];
	const struct xsd_node *n;
	uint64_t off;
	int err = xsd_req_args(r, arg, 2);

	if (!err)
		err = xsd_path_canon(arg[0], r->c->domid, false, path);
	if (!err)
		err = xsd_req_number(arg[1], UINT32_MAX, &off);
	if (err)
		return err;
	n = xsd_view_get(&r->view, path, &err);
	if (!n)
		return err ? err : -ENOENT;
	if (!(xsd_req_access(r, n) & XSD_PERM_READ))
		return -EACCES;
	return tree_dir_part(r, n, off);
}

static bool tree_too_big(const struct xsd_req *r, uint32_t vlen, uint32_t kidlen, unsigned nperms)
{
	if (r->c->priv)
		return false;
	return (size_t)vlen + kidlen + 4u * nperms + 16u >= r->c->core->quota.entry_size;
}

/* Nodes owned by the caller after creating `extra` more would exceed the quota. */
static bool tree_over_nodes(struct xsd_req *r, unsigned extra)
{
	struct xsd_domain *d;

	if (r->c->priv)
		return false;
	d = xsd_domain_get(r->c->core, r->c->domid, false);
	return (d ? d->nodes : 0) + extra > r->c->core->quota.nodes;
}

/* May the caller create path (and its missing ancestors) with a vlen-byte value? */
static int tree_create(struct xsd_req *r, const char *path, uint32_t vlen)
{
	char anc[XSD_PATH_BUF];
	const struct xsd_node *a = NULL;
	unsigned missing = 0;
	int err = 0;

	strcpy(anc, path);
	while (!a && !err) {
		xsd_path_parent(anc, anc);
		a = xsd_view_get(&r->view, anc, &err);
		missing++;
	}
	if (err)
		return err;
	if (!(xsd_req_access(r, a) & XSD_PERM_WRITE))
		return -EACCES;
	if (tree_over_nodes(r, missing))
		return -ENOSPC;
	if (tree_too_big(r, vlen, 0, a->nperms))
		return -ENOSPC;
	return 0;
}

/* Build each missing node from the nearest existing ancestor down to path. */
static int tree_create_chain(struct xsd_req *r, const char *path, const char *value,
			     uint32_t vlen, struct xsd_perm *perms, unsigned *nperms)
{
	size_t plen = strlen(path);
	char *sub = strdup(path);
	int err = 0;

	if (!sub)
		return -ENOMEM;
	for (size_t i = 1; i <= plen && !err; i++) {
		const struct xsd_node *cur, *parent;
		struct xsd_node *n;
		char ppath[XSD_PATH_BUF];
		bool last = i == plen;
		if (!last && path[i] != '/')
			continue;
		memcpy(sub, path, i);
		sub[i] = '\0';
		cur = xsd_view_get(&r->view, sub, &err);
		if (cur || err)
			continue;
		xsd_path_parent(sub, ppath);
		parent = xsd_view_get(&r->view, ppath, &err);
		if (!parent)
			break;
		*nperms = parent->nperms;
		memcpy(perms, parent->perms, sizeof(*perms) * parent->nperms);
		if (r->c->domid != 0)
			perms[0].domid = (uint16_t)r->c->domid;
		n = xsd_node_create(sub, last ? value : "", last ? vlen : 0, perms, *nperms);
		err = n ? xsd_view_put(&r->view, n) : -ENOMEM;
	}
	free(sub);
	return err;
}

static int tree_set(struct xsd_req *r, const char *path, const char *value, uint32_t vlen,
		    bool mkdir)
{
	struct xsd_perm perms[XSD_PERMS_MAX];
	unsigned nperms = 0;
	int err;
	const struct xsd_node *cur = xsd_view_get(&r->view, path, &err);
	struct xsd_node *n;

	if (err)
		return err;
	if (cur && mkdir) {
		xsd_reply_ok(r);
		return 0;
	}
	if (cur) {
		if (!(xsd_req_access(r, cur) & XSD_PERM_WRITE))
			return -EACCES;
		if (tree_too_big(r, vlen, cur->kidlen, cur->nperms))
			return -ENOSPC;
		nperms = cur->nperms;
		memcpy(perms, cur->perms, sizeof(*perms) * nperms);
		n = xsd_node_create(path, value, vlen, perms, nperms);
		err = n ? xsd_view_put(&r->view, n) : -ENOMEM;
	} else {
		err = tree_create(r, path, vlen);
		if (!err)
			err = tree_create_chain(r, path, value, vlen, perms, &nperms);
	}
	if (err)
		return err;
	xsd_reply_ok(r);
	xsd_req_changed(r, path, false, perms, nperms);
	return 0;
}

int xsd_msg_write(struct xsd_req *r)
{
	char path[XSD_PATH_BUF];
	const char *nul = memchr(r->body, '\0', r->len);
	size_t plen;

	if (!nul)
		return -EINVAL;
	plen = (size_t)(nul - r->body);
	if (xsd_path_canon(r->body, r->c->domid, false, path) < 0)
		return -EINVAL;
	return tree_set(r, path, nul + 1, (uint32_t)(r->len - plen - 1), false);
}

int xsd_msg_mkdir(struct xsd_req *r)
{
	char path[XSD_PATH_BUF];
	const char *arg;
	int err = xsd_req_args(r, &arg, 1);

	if (!err)
		err = xsd_path_canon(arg, r->c->domid, false, path);
	if (err)
		return err;
	return tree_set(r, path, "", 0, true);
}

/* RM of an absent node: fine if its parent exists (as in Xen). */
static int tree_rm_absent(struct xsd_req *r, const char *path)
{
	char ppath[XSD_PATH_BUF];
	int err;

	xsd_path_parent(path, ppath);
	if (!xsd_view_get(&r->view, ppath, &err))
		return err ? err : -ENOENT;
	xsd_reply_ok(r);
	return 0;
}

int xsd_msg_rm(struct xsd_req *r)
{
	char path[XSD_PATH_BUF];
	struct xsd_perm perms[XSD_PERMS_MAX];
	const struct xsd_node *n;
	const char *arg;
	unsigned nperms;
	int err = xsd_req_args(r, &arg, 1);

	if (!err)
		err = xsd_path_canon(arg, r->c->domid, false, path);
	if (!err && strcmp(path, "/") == 0)
		err = -EINVAL;
	if (err)
		return err;
	n = xsd_view_get(&r->view, path, &err);
	if (!n)
		return err ? err : tree_rm_absent(r, path);
	if (!(xsd_req_access(r, n) & XSD_PERM_WRITE))
		return -EACCES;
	nperms = n->nperms;
	memcpy(perms, n->perms, sizeof(*perms) * nperms);
	err = xsd_view_del(&r->view, path);
	if (err)
		return err;
	xsd_reply_ok(r);
	xsd_req_changed(r, path, true, perms, nperms);
	return 0;
}

static int tree_perms_check(struct xsd_req *r, const struct xsd_node *n,
			    const struct xsd_perm *perms, int nperms)
{
	if (!(xsd_req_access(r, n) & XSD_PERM_OWNER))
		return -EACCES;
	if (r->c->priv)
		return 0;
	if ((unsigned)nperms > r->c->core->quota.perms)
		return -ENOSPC;
	if (perms[0].domid != n->perms[0].domid)
		return -EPERM;
	if (tree_too_big(r, n->vlen, n->kidlen, (unsigned)nperms))
		return -ENOSPC;
	return 0;
}

int xsd_msg_set_perms(struct xsd_req *r)
{
	struct xsd_perm perms[XSD_PERMS_MAX];
	char path[XSD_PATH_BUF];
	const struct xsd_node *n;
	struct xsd_node *copy;
	int nperms, err;
	size_t plen = strnlen(r->body, r->len);

	if (xsd_req_nargs(r) < 2 || xsd_path_canon(r->body, r->c->domid, false, path) < 0)
		return -EINVAL;
	nperms = xsd_perms_parse(r->body + plen + 1, r->len - plen - 1, perms, XSD_PERMS_MAX);
	if (nperms < 0)
		return -EINVAL;
	n = xsd_view_get(&r->view, path, &err);
	if (!n)
		return err ? err : -ENOENT;
	err = tree_perms_check(r, n, perms, nperms);
	if (err)
		return err;
	copy = xsd_node_create(path, n->value, n->vlen, perms, (unsigned)nperms);
	err = copy ? xsd_view_put(&r->view, copy) : -ENOMEM;
	if (err)
		return err;
	xsd_reply_ok(r);
	xsd_req_changed(r, path, false, perms, (unsigned)nperms);
	return 0;
}
