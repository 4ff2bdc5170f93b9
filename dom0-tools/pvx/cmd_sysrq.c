/* pvx sysrq DOMAIN KEY: send a magic SysRq key to a guest through control/sysrq,
 * as xl sysrq (the guest acts on it; the reference kernel answers h, m, t, o, b, c). */
#include <string.h>

#include "libxs/xs.h"
#include "pvx_cli.h"

int cmd_sysrq(int argc, char **argv)
{
	struct pvx_err err = { 0 };
	struct xs_handle *xs;
	struct pvctrl *h;
	pv_domid_t id;
	int rc;

	if (argc != 3)
		return cli_usage("sysrq");
	if (strlen(argv[2]) != 1) {
		cli_fail("invalid sysrq \"%s\": one character", argv[2]);
		return cli_usage("sysrq") - 1;
	}
	h = cli_connect();
	id = cli_domain(h, argv[1]);
	xs = cli_store();
	rc = pvx_domain_sysrq(xs, id, argv[2][0], &err);
	xs_close(xs);
	pvctrl_close(h);
	if (rc < 0)
		return cli_fail("sysrq %s: %s", argv[1], pvx_err_text(&err, rc));
	return 0;
}
