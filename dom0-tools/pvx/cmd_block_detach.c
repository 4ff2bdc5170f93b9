/* pvx block-detach [-f] DOMAIN VDEV: unplug a virtual disk as xl does (the guest
 * is asked to close it; -f removes it without waiting). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "libpvx/diskspec.h"
#include "libxs/xs.h"
#include "pvx_cli.h"

#define DETACH_TIMEOUT_MS 10000

int cmd_block_detach(int argc, char **argv)
{
	struct xs_handle *xs;
	struct pvctrl *h;
	int force = 0, rc, opt;
	pv_domid_t domid;
	unsigned devid;
	struct pvx_err err = { 0 };

	while ((opt = getopt(argc, argv, "f")) != -1) {
		if (opt != 'f')
			return cli_usage("block-detach");
		force = 1;
	}
	if (argc - optind != 2)
		return cli_usage("block-detach");
	if (diskspec_vdev_to_devid(argv[optind + 1], &devid) < 0)
		return cli_fail("block-detach: '%s' is not a disk name (xvda) or vbd number",
				argv[optind + 1]);
	h = cli_connect();
	domid = cli_domain(h, argv[optind]);
	pvctrl_close(h);
	xs = cli_store();
	rc = pvx_disk_remove(xs, domid, devid, force, DETACH_TIMEOUT_MS, &err);
	xs_close(xs);
	if (rc < 0)
		return cli_fail("block-detach %s %s: %s", argv[optind], argv[optind + 1],
				pvx_err_text(&err, rc));
	return 0;
}
