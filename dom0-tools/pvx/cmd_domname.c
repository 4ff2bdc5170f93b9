/* pvx domname ID: print the name of a domain. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pvx_cli.h"
#include "util.h"

int cmd_domname(int argc, char **argv)
{
	struct pv_privcmd_domext e;
	struct pvctrl *h;
	uint64_t id;
	int found;

	if (argc != 2)
		return cli_usage("domname");
	if (util_parse_u64(argv[1], 0xffff, &id) < 0)
		return cli_fail("%s: not a domain id (a number)", argv[1]);
	if (id == 0)
		return puts("Domain-0") < 0;
	h = cli_connect();
	found = pvctrl_domext_get(h, (pv_domid_t)id, NULL, &e) == 0 && printf("%s\n", e.name) > 0;
	pvctrl_close(h);
	return found ? 0 : cli_fail("%s: no such domain", argv[1]);
}
