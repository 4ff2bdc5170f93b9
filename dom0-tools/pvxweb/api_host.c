/* GET /host: what pvx info says about the host and the hypervisor, the run
 * directory's daemons (pvx daemons status) and Domain-0's row of pvx list. */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "api_dom.h"
#include "libpvx/pvx.h"
#include "pvstart/pvstart.h"
#include "pvisor/version.h"
#include "pvxweb.h"
#include "rundir.h"

static void host_daemons(yajl_gen g)
{
	struct pvstart_daemon_status st[16];
	int n = pvstart_daemons_status(st, 16);

	json_key(g, "daemons");
	yajl_gen_array_open(g);
	for (int i = 0; i < n; i++) {
		yajl_gen_map_open(g);
		json_kstr(g, "name", st[i].name);
		json_kbool(g, "installed", st[i].installed);
		json_kbool(g, "enabled", st[i].enabled);
		json_kbool(g, "running", st[i].running);
		json_kint(g, "pid", st[i].pid);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
}

static void host_version(yajl_gen g, struct pvctrl *pc)
{
	char extra[PV_EXTRAVERSION_LEN] = "", caps[PV_CAPABILITIES_INFO_LEN] = "", v[64];
	int ver = pvctrl_xen_version(pc, PV_XENVER_version, NULL, 0);

	pvctrl_xen_version(pc, PV_XENVER_extraversion, extra, sizeof(extra));
	pvctrl_xen_version(pc, PV_XENVER_capabilities, caps, sizeof(caps));
	extra[sizeof(extra) - 1] = caps[sizeof(caps) - 1] = '\0';
	snprintf(v, sizeof(v), "%d.%d%s", ver >> 16, ver & 0xffff, extra);
	json_kstr(g, "xen_version", ver < 0 ? "" : v);
	json_kstr(g, "xen_caps", caps);
}

void api_host_get(struct api_call *c)
{
	struct pvctrl *pc = api_hv(c);
	struct pv_sysctl_physinfo pi;
	struct utsname u;
	int rc;

	if (!pc)
		return;
	rc = pvctrl_physinfo(pc, &pi);
	if (rc < 0) {
		web_pvctrl_reset(c->w);
		api_fail(c, 503, "no-hypervisor", "pvx: asking the hypervisor: %s",
			 strerror(-rc));
		return;
	}
	uname(&u);
	yajl_gen_map_open(c->g);
	json_kstr(c->g, "host", u.nodename);
	json_kstr(c->g, "release", u.release);
	json_kstr(c->g, "machine", u.machine);
	json_kint(c->g, "nr_cpus", pi.nr_cpus);
	json_kint(c->g, "cpu_khz", pi.cpu_khz);
	json_kint(c->g, "total_memory_mib", (long long)(pi.total_pages / 256));
	json_kint(c->g, "free_memory_mib", (long long)(pi.free_pages / 256));
	host_version(c->g, pc);
	json_kstr(c->g, "run_directory", rundir_path());
	host_daemons(c->g);
	yajl_gen_map_close(c->g);
}
