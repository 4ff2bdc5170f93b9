/* libFuzzer harness for the vif spec parser (specs come from config files and
 * from `pvx network-attach` arguments): any input either fails with a message
 * or gives a spec whose fields keep their documented ranges. */
#include "libpvx/vifspec.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_warn(void *ctx, const char *msg)
{
	(void)ctx;
	if (strncmp(msg, "vif: ", 5) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vif_spec vs;
	struct pvx_err perr = { 0 };
	char *s = malloc(size + 1);
	int rc;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	rc = vifspec_parse(s, &vs, fuzz_warn, NULL, &perr);
	if (rc) {
		if (strncmp(perr.msg, "vif: ", 5) != 0)
			abort();
	} else if (!netaddr_ifname_ok(vs.bridge) ||
		   (vs.vifname[0] && !netaddr_ifname_ok(vs.vifname)) || (vs.mac[0] & 1) ||
		   vs.mtu < NETADDR_MTU_MIN || vs.mtu > NETADDR_MTU_MAX || vs.devid < -1 ||
		   vs.devid > 65535 || (vs.rate_bytes == 0) != (vs.rate_usecs == 0)) {
		abort();
	}
	free(s);
	return 0;
}
