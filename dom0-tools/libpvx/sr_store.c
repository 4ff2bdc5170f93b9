/* The domain's store subtree in a save image (XENSTORE record): the keys the guest
 * owns under its home (/local/domain/<id>) -- what its kernel wrote: features,
 * data/, drivers/ -- with their permissions, the domain itself named as "self" so
 * that they fit the new domain id. The toolstack's own keys (name, memory, store,
 * console, control/shutdown) and the device directories are written afresh at
 * restore, as libxl does: the devices come back as new frontends. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libpvx/sr_image.h"
#include "libpvx/sr_store.h"
#include "libxs/xs.h"

#define SR_XS_MAX_ENTRIES 4096u
#define SR_XS_MAX_DEPTH   16

struct xs_buf {
	uint8_t *p;
	size_t len, cap;
	uint32_t count;
};

static int xs_buf_put(struct xs_buf *b, const void *data, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = (b->len + n) * 2 + 4096;
		uint8_t *p = realloc(b->p, cap);

		if (!p)
			return -ENOMEM;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
	return 0;
}

/* Not carried: what the toolstack writes at restore. */
static int sr_store_skipped(const char *rel)
{
	static const char *const own[] = {
		"device", "control/shutdown", "store", "console", "name", "domid",
		"vm",     "memory",           "cpu"
	};

	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++) {
		size_t n = strlen(own[i]);

		if (strncmp(rel, own[i], n) == 0 && (rel[n] == '\0' || rel[n] == '/'))
			return 1;
	}
	return 0;
}

static int sr_store_entry(struct xs_buf *b, const char *rel, const char *value, size_t vlen,
			  const struct xs_perm *perms, unsigned np, pv_domid_t domid)
{
	struct pv_sr_xs_entry h = { .path_len = (uint32_t)strlen(rel),
				    .value_len = (uint32_t)vlen,
				    .nperms = np };
	static const uint8_t zero[8];
	static const char letters[] = "nrwb";
	size_t total = sizeof(h) + np * sizeof(struct pv_sr_xs_perm) + h.path_len + vlen;
	int rc = 0;

	if (np == 0 || np > 16 || vlen > 4096 || h.path_len > 3072 ||
	    b->count >= SR_XS_MAX_ENTRIES)
		return 0; /* nothing a guest may write: leave it out */
	rc |= xs_buf_put(b, &h, sizeof(h));
	for (unsigned i = 0; i < np; i++) {
		struct pv_sr_xs_perm p = { .domid = perms[i].domid == domid ? PV_SR_XS_SELF
									    : perms[i].domid,
					   .perm = (uint8_t)letters[perms[i].access & 3] };

		rc |= xs_buf_put(b, &p, sizeof(p));
	}
	rc |= xs_buf_put(b, rel, h.path_len);
	rc |= xs_buf_put(b, value, vlen);
	rc |= xs_buf_put(b, zero, (8 - total % 8) % 8);
	b->count++;
	return rc ? -ENOMEM : 0;
}

/* One node and its children (rel: path below the home, "" for the home). */
static int sr_store_walk(struct xs_handle *xs, const char *home, const char *rel,
			 pv_domid_t domid, struct xs_buf *b, int depth)
{
	char path[512], **kids = NULL, *value = NULL;
	struct xs_perm *perms = NULL;
	unsigned n = 0, np = 0;
	size_t vlen = 0;
	int rc = 0;

	if (depth > SR_XS_MAX_DEPTH || (rel[0] && sr_store_skipped(rel)))
		return 0;
	snprintf(path, sizeof(path), "%s%s%s", home, rel[0] ? "/" : "", rel);
	if (rel[0] && xs_get_perms(xs, 0, path, &perms, &np) == 0 && np &&
	    perms[0].domid == domid && xs_read(xs, 0, path, &value, &vlen) == 0)
		rc = sr_store_entry(b, rel, value, vlen, perms, np, domid);
	free(value);
	free(perms);
	if (rc == 0 && xs_directory(xs, 0, path, &kids, &n) == 0) {
		for (unsigned i = 0; i < n && rc == 0; i++) {
			char sub[512];

			snprintf(sub, sizeof(sub), "%s%s%s", rel, rel[0] ? "/" : "", kids[i]);
			rc = sr_store_walk(xs, home, sub, domid, b, depth + 1);
		}
		free(kids);
	}
	return rc;
}

int sr_store_save(struct xs_handle *xs, pv_domid_t domid, uint8_t **body, size_t *len)
{
	struct pv_sr_xenstore hdr = { 0 };
	struct xs_buf b = { 0 };
	char home[64];
	int rc;

	snprintf(home, sizeof(home), "/local/domain/%u", domid);
	rc = xs_buf_put(&b, &hdr, sizeof(hdr));
	if (rc == 0)
		rc = sr_store_walk(xs, home, "", domid, &b, 0);
	if (rc < 0) {
		free(b.p);
		return rc;
	}
	hdr.count = b.count;
	memcpy(b.p, &hdr, sizeof(hdr));
	*body = b.p;
	*len = b.len;
	return 0;
}

struct sr_store_ctx {
	struct xs_handle *xs;
	pv_domid_t domid;
};

static uint8_t perm_access(uint8_t letter)
{
	switch (letter) {
	case 'r':
		return XS_PERM_READ;
	case 'w':
		return XS_PERM_WRITE;
	case 'b':
		return XS_PERM_BOTH;
	default:
		return XS_PERM_NONE;
	}
}

static int sr_store_put(void *arg, const struct sr_xs_entry *e)
{
	struct sr_store_ctx *c = arg;
	struct xs_perm perms[16];
	char rel[3100], path[3200];
	int rc;

	snprintf(rel, sizeof(rel), "%.*s", (int)e->path_len, e->path);
	if (sr_store_skipped(rel))
		return 0; /* an image that carries them anyway: ours win */
	snprintf(path, sizeof(path), "/local/domain/%u/%s", c->domid, rel);
	for (uint32_t i = 0; i < e->nperms; i++) {
		perms[i].domid = e->perms[i].domid == PV_SR_XS_SELF ? c->domid
								    : e->perms[i].domid;
		perms[i].access = perm_access(e->perms[i].perm);
	}
	if (perms[0].domid != c->domid)
		return 0; /* only what the guest owned comes back */
	rc = xs_write(c->xs, 0, path, e->value, e->value_len);
	if (rc == 0)
		rc = xs_set_perms(c->xs, 0, path, perms, e->nperms);
	return rc;
}

int sr_store_restore(struct xs_handle *xs, pv_domid_t domid, const uint8_t *body, size_t len,
		     struct pvx_err *err)
{
	struct sr_store_ctx c = { xs, domid };
	int rc = sr_xenstore_walk(body, len, sr_store_put, &c, err);

	if (rc < 0 && rc != -EBADMSG)
		pvx_fail(err, rc, "writing the guest's store keys back: %s", strerror(-rc));
	return rc;
}
