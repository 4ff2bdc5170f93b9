/* pvx dmesg [-c]: the hypervisor's message ring, as xl dmesg. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pvx_cli.h"

int cmd_dmesg(int argc, char **argv)
{
	size_t max = 64 << 10;
	char *buf = malloc(max);
	struct pvctrl *h;
	int clear = argc == 2 && strcmp(argv[1], "-c") == 0, n;

	if (!buf)
		return cli_fail("out of memory");
	if (argc > 2 || (argc == 2 && !clear)) {
		free(buf);
		return cli_usage("dmesg");
	}
	h = cli_connect();
	n = pvctrl_readconsole(h, buf, max, clear);
	pvctrl_close(h);
	if (n < 0) {
		free(buf);
		return cli_fail("reading the hypervisor log: %s", strerror(-n));
	}
	fwrite(buf, 1, n, stdout);
	free(buf);
	return 0;
}
