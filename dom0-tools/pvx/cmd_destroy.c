/* pvx destroy [-f] DOMAIN: kill a domain at once and free everything it holds. As
 * in xl, naming domain 0 needs -f; in pvisor domain 0 is the host's own user space,
 * so even then there is nothing to destroy. */
#include <getopt.h>
#include <string.h>

#include "pvx_cli.h"

static int destroy_op(struct pvctrl *h, pv_domid_t id)
{
	int rc = pvctrl_domain_destroy(h, id);

	if (rc == 0)
		pvstart_domain_forget(id);
	return rc;
}

static int destroy_dom0(int force)
{
	if (!force)
		return cli_fail("not destroying domain 0; use -f to force");
	return cli_fail("Domain-0 is this host's own user space, not a domain pvisor runs: "
			"there is nothing to destroy");
}

int cmd_destroy(int argc, char **argv)
{
	int c, force = 0;

	while ((c = getopt(argc, argv, "+f")) != -1) {
		if (c != 'f')
			return cli_usage("destroy");
		force = 1;
	}
	if (optind != argc - 1)
		return cli_usage("destroy");
	if (strcmp(argv[optind], "0") == 0 || strcmp(argv[optind], "Domain-0") == 0)
		return destroy_dom0(force);
	return cli_domain_op(2, argv + optind - 1, "destroy", destroy_op);
}
