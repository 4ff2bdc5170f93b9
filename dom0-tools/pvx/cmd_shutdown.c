/* pvx shutdown / pvx reboot [-w] [-F] DOMAIN: ask a domain to power off or reboot
 * through its control/shutdown key, as xl does; -F falls back to the hypervisor
 * stopping it with that reason when the guest has no PV control interface; -w
 * waits until it has stopped. */
#include <errno.h>
#include <getopt.h>
#include <string.h>
#include <unistd.h>

#include "libxs/xs.h"
#include "pvisor/sched.h"
#include "pvx_cli.h"

static int shutdown_common(int argc, char **argv, const char *what, unsigned reason)
{
	struct xs_handle *xs;
	struct pvctrl *h;
	pv_domid_t id;
	struct pvx_err err = { 0 };
	int wait = 0, force = 0, c, rc;

	optind = 1;
	while ((c = getopt(argc, argv, "+wF")) != -1) {
		if (c == 'w')
			wait = 1;
		else if (c == 'F')
			force = 1;
		else
			return cli_usage(argv[0]);
	}
	if (optind != argc - 1)
		return cli_usage(argv[0]);
	h = cli_connect();
	id = cli_domain(h, argv[optind]);
	xs = cli_store();
	rc = pvx_domain_request_shutdown(xs, id, what, &err);
	xs_close(xs);
	if (rc == -EOPNOTSUPP && force)
		rc = pvctrl_domain_shutdown(h, id, reason);
	else if (rc < 0) {
		pvctrl_close(h);
		return cli_fail("%s %s: %s", argv[0], argv[optind], pvx_err_text(&err, rc));
	}
	if (rc == 0 && wait)
		rc = pvctrl_wait_domain(h, id, 60000);
	pvctrl_close(h);
	if (rc == -ESRCH)
		rc = 0; /* gone already: that is what was asked */
	if (rc == -ETIMEDOUT)
		return cli_fail("%s %s: the domain did not stop within 60 s", argv[0],
				argv[optind]);
	if (rc < 0)
		return cli_fail("%s %s: %s", argv[0], argv[optind], strerror(-rc));
	return 0;
}

int cmd_shutdown(int argc, char **argv)
{
	return shutdown_common(argc, argv, "poweroff", PV_SHUTDOWN_poweroff);
}

int cmd_reboot(int argc, char **argv)
{
	return shutdown_common(argc, argv, "reboot", PV_SHUTDOWN_reboot);
}
