/* The shape shared by pvx verbs that take one DOMAIN and make one call on it. */
#include <string.h>

#include "pvx_cli.h"

int cli_domain_op(int argc, char **argv, const char *verb,
		  int (*op)(struct pvctrl *h, pv_domid_t id))
{
	struct pvctrl *h;
	pv_domid_t id;
	int rc;

	if (argc != 2)
		return cli_usage(verb);
	h = cli_connect();
	id = cli_domain(h, argv[1]);
	rc = op(h, id);
	pvctrl_close(h);
	if (rc < 0)
		return cli_fail("%s %s: %s", verb, argv[1], strerror(-rc));
	return 0;
}
