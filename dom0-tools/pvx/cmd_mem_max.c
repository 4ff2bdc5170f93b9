/* pvx mem-max DOMAIN SIZE: the most memory the domain may hold, as xl. */
#include "pvx_cli.h"

int cmd_mem_max(int argc, char **argv)
{
	return cli_mem_op(argc, argv, pvx_domain_mem_max);
}
