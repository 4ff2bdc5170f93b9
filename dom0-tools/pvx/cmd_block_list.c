/* pvx block-list DOMAIN...: a domain's virtual disks in xl's columns (Vdev BE
 * handle state evt-ch ring-ref BE-path; -1 where the frontend has not said). */
#include <stdio.h>
#include <stdlib.h>

#include "libpvx/pvx_store.h"
#include "libxs/xs.h"
#include "pvx_cli.h"
#include "util.h"

static int key_int(struct xs_handle *xs, const char *dir, const char *key)
{
	char *v = pvx_xs_read_str(xs, 0, "%s/%s", dir, key);
	uint64_t n;
	int rc = v && util_parse_u64(v, 0x7fffffff, &n) == 0 ? (int)n : -1;

	free(v);
	return rc;
}

static void list_domain(struct xs_handle *xs, pv_domid_t domid)
{
	unsigned *ids = NULL;
	int n = pvx_device_list(xs, domid, "vbd", &ids);

	for (int i = 0; i < n; i++) {
		char fe[96], *be;

		snprintf(fe, sizeof(fe), "/local/domain/%u/device/vbd/%u", domid, ids[i]);
		be = pvx_xs_read_str(xs, 0, "%s/backend", fe);
		printf("%-5u %-3d %-6u %-5d %-6d %-8d %-30s\n", ids[i],
		       key_int(xs, fe, "backend-id"), domid, key_int(xs, fe, "state"),
		       key_int(xs, fe, "event-channel"), key_int(xs, fe, "ring-ref"),
		       be ? be : "-");
		free(be);
	}
	free(ids);
}

int cmd_block_list(int argc, char **argv)
{
	struct xs_handle *xs;
	struct pvctrl *h;
	pv_domid_t ids[64];

	if (argc < 2 || argc - 1 > 64)
		return cli_usage("block-list");
	h = cli_connect();
	for (int i = 1; i < argc; i++)
		ids[i - 1] = cli_domain(h, argv[i]);
	pvctrl_close(h);
	xs = cli_store();
	printf("%-5s %-3s %-6s %-5s %-6s %-8s %-30s\n", "Vdev", "BE", "handle", "state", "evt-ch",
	       "ring-ref", "BE-path");
	for (int i = 1; i < argc; i++)
		list_domain(xs, ids[i - 1]);
	xs_close(xs);
	return 0;
}
