/* pvx rename DOMAIN NEWNAME: rename a live domain, as xl rename. */
#include "libxs/xs.h"
#include "pvx_cli.h"

int cmd_rename(int argc, char **argv)
{
	struct pvx_err err = { 0 };
	struct xs_handle *xs;
	struct pvctrl *h;
	pv_domid_t id;
	int rc;

	if (argc != 3)
		return cli_usage("rename");
	h = cli_connect();
	id = cli_domain(h, argv[1]);
	xs = cli_store();
	rc = pvx_domain_rename(h, xs, id, argv[2], &err);
	xs_close(xs);
	pvctrl_close(h);
	if (rc < 0)
		return cli_fail("can't rename domain '%s': %s", argv[1], pvx_err_text(&err, rc));
	return 0;
}
