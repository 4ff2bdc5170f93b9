/* pvx domname ID: print the name of a domain. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pvx_cli.h"
#include "util.h"

int cmd_domname(int argc, char **argv)
{
	struct pv_privcmd_domext *e = NULL;
	struct pvctrl *h;
	uint64_t id;
	int n, found = 0;

	if (argc != 2)
		return cli_usage("domname");
	if (util_parse_u64(argv[1], 0xffff, &id) < 0)
		return cli_fail("%s: not a domain id (a number)", argv[1]);
	if (id == 0)
		return puts("Domain-0") < 0;
	h = cli_connect();
	n = pvctrl_domext_list(h, &e);
	for (int i = 0; i < n && !found; i++)
		if (e[i].domid == id)
			found = printf("%s\n", e[i].name) > 0;
	free(e);
	pvctrl_close(h);
	return found ? 0 : cli_fail("%s: no such domain", argv[1]);
}
