/* pvx daemons start|stop|status: the daemons of this run directory. */
#include <stdio.h>
#include <string.h>

#include "pvx_cli.h"
#include "rundir.h"

static int daemons_status(void)
{
	struct pvstart_daemon_status st[8];
	int n = pvstart_daemons_status(st, 8);

	printf("run directory: %s\n", rundir_path());
	for (int i = 0; i < n; i++) {
		if (!st[i].installed)
			printf("%-12s not built\n", st[i].name);
		else if (!st[i].enabled && !st[i].running)
			printf("%-12s not enabled ('pvx web' starts it)\n", st[i].name);
		else if (st[i].running)
			printf("%-12s running (pid %d)\n", st[i].name, (int)st[i].pid);
		else
			printf("%-12s stopped\n", st[i].name);
	}
	return 0;
}

int cmd_daemons(int argc, char **argv)
{
	struct pvx_err err = { 0 };
	int rc;

	if (argc != 2)
		return cli_usage("daemons");
	if (strcmp(argv[1], "start") == 0) {
		if ((rc = pvstart_daemons_ensure(&err)) < 0)
			return cli_fail("%s", pvx_err_text(&err, rc));
		return 0;
	}
	if (strcmp(argv[1], "stop") == 0) {
		if ((rc = pvstart_daemons_stop(&err)) < 0)
			return cli_fail("%s", pvx_err_text(&err, rc));
		return 0;
	}
	if (strcmp(argv[1], "status") == 0)
		return daemons_status();
	return cli_usage("daemons");
}
