/* pvx info: facts about the host and the hypervisor as xl's "key : value" lines. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "pvisor/version.h"
#include "pvx_cli.h"

static void kv(const char *key, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void kv(const char *key, const char *fmt, ...)
{
	va_list ap;

	printf("%-23s: ", key);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* pvisor's own lines: the walls around a domain (one line per engine) and the
 * cgroups (docs/SECURITY.md). */
static void info_walls(const struct pv_privcmd_walls *w)
{
	char engines[sizeof(w->engines)];
	char *save = NULL;

	snprintf(engines, sizeof(engines), "%s", w->engines);
	for (char *l = strtok_r(engines, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char key[32], *colon = strchr(l, ':');

		if (!colon)
			continue;
		*colon = '\0';
		snprintf(key, sizeof(key), "domain_walls_%s", l);
		kv(key, "%s", colon + 2);
	}
	kv("domain_cgroups", "%s", w->cgroups[0] ? w->cgroups : "unknown");
}

int cmd_info(int argc, char **argv)
{
	struct pv_sysctl_physinfo pi;
	struct pv_privcmd_walls walls;
	char extra[PV_EXTRAVERSION_LEN] = "", caps[PV_CAPABILITIES_INFO_LEN] = "";
	struct utsname u;
	struct pvctrl *h;
	int ver, rc;

	(void)argv;
	if (argc != 1)
		return cli_usage("info");
	h = cli_connect();
	rc = pvctrl_physinfo(h, &pi);
	ver = pvctrl_xen_version(h, PV_XENVER_version, NULL, 0);
	pvctrl_xen_version(h, PV_XENVER_extraversion, extra, sizeof(extra));
	pvctrl_xen_version(h, PV_XENVER_capabilities, caps, sizeof(caps));
	if (pvctrl_walls(h, &walls) < 0)
		snprintf(walls.engines, sizeof(walls.engines), "unknown (an older pvisor)");
	pvctrl_close(h);
	if (rc < 0 || ver < 0)
		return cli_fail("asking the hypervisor: %s", strerror(-(rc < 0 ? rc : ver)));
	uname(&u);
	kv("host", "%s", u.nodename);
	kv("release", "%s", u.release);
	kv("version", "%s", u.version);
	kv("machine", "%s", u.machine);
	kv("nr_cpus", "%u", pi.nr_cpus);
	kv("max_cpu_id", "%u", pi.max_cpu_id);
	kv("nr_nodes", "%u", pi.nr_nodes);
	kv("cores_per_socket", "%u", pi.cores_per_socket);
	kv("threads_per_core", "%u", pi.threads_per_core);
	kv("cpu_mhz", "%u.%03u", pi.cpu_khz / 1000, pi.cpu_khz % 1000);
	kv("virt_caps", "%s", pi.capabilities & PV_SYSCTL_PHYSCAP_hvm ? "pv hvm" : "pv");
	kv("total_memory", "%lu", (unsigned long)(pi.total_pages / 256));
	kv("free_memory", "%lu", (unsigned long)(pi.free_pages / 256));
	kv("free_cpus", "%d", 0);
	kv("xen_major", "%d", ver >> 16);
	kv("xen_minor", "%d", ver & 0xffff);
	kv("xen_extra", "%s", extra);
	kv("xen_version", "%d.%d%s", ver >> 16, ver & 0xffff, extra);
	kv("xen_caps", "%s", caps);
	kv("xen_scheduler", "%s", "credit");
	kv("xen_pagesize", "%d", 4096);
	kv("xen_commandline", "%s", "");
	kv("cc_compiler", "%s", __VERSION__);
	kv("xend_config_format", "%d", 4);
	info_walls(&walls);
	return 0;
}
