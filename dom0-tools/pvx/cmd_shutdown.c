/* pvx shutdown [-w] DOMAIN: ask a domain to power off. Until the store carries
 * control/shutdown, the hypervisor stops it with reason poweroff. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "pvisor/sched.h"
#include "pvx_cli.h"

int cmd_shutdown(int argc, char **argv)
{
	struct pvctrl *h;
	pv_domid_t id;
	int wait = 0, rc;

	if (argc == 3 && strcmp(argv[1], "-w") == 0) {
		wait = 1;
		argv++;
		argc--;
	}
	if (argc != 2)
		return cli_usage("shutdown");
	h = cli_connect();
	id = cli_domain(h, argv[1]);
	rc = pvctrl_domain_shutdown(h, id, PV_SHUTDOWN_poweroff);
	if (rc == 0 && wait)
		rc = pvctrl_wait_domain(h, id, 60000);
	pvctrl_close(h);
	if (rc == -ESRCH)
		rc = 0; /* gone already: that is what was asked */
	if (rc < 0)
		return cli_fail("shutdown %s: %s", argv[1], strerror(-rc));
	return 0;
}
