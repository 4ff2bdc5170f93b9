/* pvx pause DOMAIN: stop scheduling a domain's vCPUs (its CPU time stops). */
#include "pvx_cli.h"

int cmd_pause(int argc, char **argv)
{
	return cli_domain_op(argc, argv, "pause", pvctrl_domain_pause);
}
