/* pvx mem-set DOMAIN SIZE: the balloon target the guest's driver follows, as xl
 * (SIZE: a number with b, k, m, g or t; MiB without). */
#include "pvx_cli.h"

int cmd_mem_set(int argc, char **argv)
{
	return cli_mem_op(argc, argv, pvx_domain_mem_target);
}
