/* pvx destroy DOMAIN: kill a domain at once and free everything it holds. */
#include "pvx_cli.h"

static int destroy_op(struct pvctrl *h, pv_domid_t id)
{
	int rc = pvctrl_domain_destroy(h, id);

	if (rc == 0)
		pvx_domain_forget(id);
	return rc;
}

int cmd_destroy(int argc, char **argv)
{
	return cli_domain_op(argc, argv, "destroy", destroy_op);
}
