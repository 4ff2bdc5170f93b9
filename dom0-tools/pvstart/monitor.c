/* Starting a domain's monitor, the program pvmon (pvstart.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pvstart/pvstart.h"
#include "rundir.h"

#define MONITOR_PROG "pvmon"
#define MONITOR_LOG "pvmon.log"

int pvstart_monitor(pv_domid_t domid, const char *config_name, struct pvx_err *err)
{
	char id[16];
	char *const argv[] = { MONITOR_PROG, id, (char *)config_name, NULL };
	pid_t pid;
	int rc;

	snprintf(id, sizeof(id), "%u", domid);
	rc = pvstart_spawn(MONITOR_PROG, argv, MONITOR_LOG, &pid);
	if (rc < 0)
		return pvx_fail(err, rc, "cannot start %s/%s: %s", rundir_bindir(), MONITOR_PROG,
				strerror(-rc));
	return 0;
}
