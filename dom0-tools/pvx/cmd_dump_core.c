/* pvx dump-core DOMAIN FILE: the domain's memory and vCPU registers as an ELF core
 * file, as xl dump-core; `gdb KERNEL FILE` reads it with the kernel's symbols. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "pvx_cli.h"

int cmd_dump_core(int argc, char **argv)
{
	struct pvx_err err = { 0 };
	struct pvctrl *h;
	pv_domid_t id;
	int fd, rc;

	if (argc != 3)
		return cli_usage("dump-core");
	h = cli_connect();
	id = cli_domain(h, argv[1]);
	fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return cli_fail("dump-core: %s: %s", argv[2], strerror(errno));
	rc = pvx_domain_dump_core(h, id, fd, &err);
	if (close(fd) < 0 && rc == 0)
		rc = pvx_fail(&err, -errno, "%s: %s", argv[2], strerror(errno));
	if (rc < 0)
		unlink(argv[2]);
	pvctrl_close(h);
	return rc < 0 ? cli_fail("dump-core %s: %s", argv[1], pvx_err_text(&err, rc)) : 0;
}
