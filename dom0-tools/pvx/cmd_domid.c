/* pvx domid NAME: print the id of the named domain. */
#include <stdio.h>
#include <string.h>

#include "pvx_cli.h"

int cmd_domid(int argc, char **argv)
{
	struct pvctrl *h;

	if (argc != 2)
		return cli_usage("domid");
	if (strcmp(argv[1], "Domain-0") == 0)
		return puts("0") < 0;
	h = cli_connect();
	printf("%u\n", cli_domain(h, argv[1]));
	pvctrl_close(h);
	return 0;
}
