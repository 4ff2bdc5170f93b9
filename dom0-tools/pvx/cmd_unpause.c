/* pvx unpause DOMAIN: let a paused domain run again. */
#include "pvx_cli.h"

int cmd_unpause(int argc, char **argv)
{
	return cli_domain_op(argc, argv, "unpause", pvctrl_domain_unpause);
}
