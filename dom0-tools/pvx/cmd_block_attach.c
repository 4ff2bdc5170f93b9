/* pvx block-attach DOMAIN SPEC...: hot-plug a virtual disk into a running domain
 * (the spec words are joined with commas, as xl does). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libpvx/diskspec.h"
#include "libxs/xs.h"
#include "pvx_cli.h"

static char *join_spec(int argc, char **argv)
{
	size_t len = 1;
	char *s;

	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = calloc(1, len);
	for (int i = 0; s && i < argc; i++) {
		if (i)
			strcat(s, ",");
		strcat(s, argv[i]);
	}
	return s;
}

int cmd_block_attach(int argc, char **argv)
{
	struct disk_spec *d = malloc(sizeof(*d));
	struct xs_handle *xs;
	struct pvctrl *h;
	struct pvx_err err = { 0 };
	char *spec;
	pv_domid_t domid;
	int rc;

	if (argc < 3 || !d)
		return free(d), cli_usage("block-attach");
	spec = join_spec(argc - 2, argv + 2);
	if (!spec || (rc = diskspec_parse(spec, d, &err)) < 0) {
		rc = cli_fail("%s", spec ? pvx_err_text(&err, rc) : "out of memory");
		goto out;
	}
	h = cli_connect();
	domid = cli_domain(h, argv[1]);
	pvctrl_close(h);
	xs = cli_store();
	rc = pvx_disk_add(xs, domid, d, NULL, &err);
	rc = rc < 0 ? cli_fail("%s", pvx_err_text(&err, rc)) : 0;
	xs_close(xs);
out:
	free(spec);
	free(d);
	return rc;
}
