/* pvmon DOMID CONFIG: the monitor of one domain (see pvmon.h), started by
 * `pvx create` in a session of its own, logging to <rundir>/pvmon.log. CONFIG
 * is the domain's config file as an absolute path: its saved copy is read from
 * the run directory, and relative paths in it resolve against CONFIG's folder. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>

#include "libpvx/diskspec.h"
#include "log.h"
#include "pvstart/pvstart.h"
#include "pvmon/pvmon.h"
#include "util.h"

int main(int argc, char **argv)
{
	struct pvmon m;
	uint64_t domid;
	int rc;

	log_init("pvmon", 0);
	if (argc != 3 || util_parse_u64(argv[1], PV_DOMID_FIRST_RESERVED - 1, &domid) < 0)
		fatalx("usage: pvmon DOMID CONFIG (started by pvx create)");
	signal(SIGPIPE, SIG_IGN); /* a store that goes away is an error return */
	pvx_disk_server_set(&pvstart_disk_server); /* restarts serve qcow2 & co; stops too */
	if ((rc = pvmon_open(&m)) < 0)
		fatalx("dom%u: cannot reach pvisor: %s", (unsigned)domid, strerror(-rc));
	if (pvmon_add(&m, (pv_domid_t)domid, argv[2]) < 0)
		fatalx("out of memory");
	log_info("dom%u (%s): watching it", m.doms[0].domid, m.doms[0].name);
	rc = pvmon_run(&m);
	if (rc < 0)
		log_info("stopping: %s", rc == -EPIPE ? "the hypervisor is gone"
						    : "the store did not come back");
	pvmon_close(&m);
	return 0;
}
