/* Renaming a live domain, as libxl does: its name in the hypervisor (unique among
 * live domains), in the store (/local/domain/<id>/name and /vm/<uuid>/name), and
 * in the config the toolstack saved, so that a restart keeps the new name. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libpvx/cfg.h"
#include "libpvx/pvx.h"
#include "libpvx/pvx_store.h"
#include "libxs/xs.h"

static int rename_hv(struct pvctrl *h, pv_domid_t domid, const char *name, struct pvx_err *err)
{
	struct pv_privcmd_domext e = { .domid = domid, .flags = PV_DOMEXT_SET_NAME };
	int rc;

	snprintf(e.name, sizeof(e.name), "%s", name);
	rc = pvctrl_domext_set(h, &e);
	if (rc == -EEXIST)
		return pvx_fail(err, rc, "a domain named '%s' already exists", name);
	if (rc < 0)
		return pvx_fail(err, rc, "renaming it in the hypervisor: %s", strerror(-rc));
	return 0;
}

static int rename_store(struct xs_handle *xs, pv_domid_t domid, const char *name,
			struct pvx_err *err)
{
	char *vm = pvx_xs_read_str(xs, 0, "/local/domain/%u/vm", domid);
	int rc = pvx_xs_write(xs, 0, name, "/local/domain/%u/name", domid);

	if (rc == 0 && vm && strncmp(vm, "/vm/", 4) == 0)
		rc = pvx_xs_write(xs, 0, name, "%s/name", vm);
	free(vm);
	if (rc < 0)
		pvx_fail(err, rc, "writing the new name in the store: %s", strerror(-rc));
	return rc;
}

/* The saved config with name= replaced (none saved: nothing to do). */
static int rename_saved(pv_domid_t domid, const char *name, struct pvx_err *err)
{
	char *text = pvx_domain_saved_config(domid), *ov = NULL, *q = NULL, *out = NULL;
	char *src = NULL;
	struct cfg_file *cf = NULL;
	int rc = 0;

	if (!text)
		return 0;
	rc = cfg_parse_buffer("saved config", text, strlen(text), &cf, err);
	if (rc == 0 && (cfg_format_string(name, &q) < 0 || asprintf(&ov, "name=%s", q) < 0))
		rc = -ENOMEM;
	if (rc == 0)
		rc = cfg_apply_override(cf, ov, err);
	if (rc == 0)
		rc = cfg_format(cf, &out);
	if (rc == 0 && (src = pvx_saved_source(text))) { /* the first line stays */
		char *full = NULL;

		if (asprintf(&full, PVX_SAVED_SOURCE "%s\n%s", src, out) < 0)
			rc = -ENOMEM;
		free(out);
		out = rc == 0 ? full : NULL;
	}
	if (rc == 0)
		rc = pvx_domain_save_config(domid, out);
	if (rc < 0 && !err->msg[0])
		pvx_fail(err, rc, "updating the saved config: %s", strerror(-rc));
	free(text);
	free(src);
	free(q);
	free(ov);
	free(out);
	cfg_free(cf);
	return rc;
}

int pvx_domain_rename(struct pvctrl *h, struct xs_handle *xs, pv_domid_t domid, const char *name,
		      struct pvx_err *err)
{
	pv_domid_t other;
	int rc;

	if (domcfg_name_check(name) < 0)
		return pvx_fail(err, -EINVAL,
				"'%s' is not a valid name: 1 to %d of A-Z a-z 0-9 "
				"_ . -, not all digits, not Domain-0",
				name, DOMCFG_NAME_MAX);
	if (pvx_domain_resolve(h, name, &other) == 0)
		return other == domid ? 0
				      : pvx_fail(err, -EEXIST,
						 "a domain named '%s' already "
						 "exists (id %u)",
						 name, other);
	rc = rename_hv(h, domid, name, err);
	if (rc == 0)
		rc = rename_store(xs, domid, name, err);
	if (rc == 0)
		rc = rename_saved(domid, name, err);
	return rc;
}
