/* sysctl: host-wide queries for the toolstack (dom0 only): physinfo, the domain
 * list and the hypervisor's message ring. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "engines/engine.h"
#include "hypercall/hypercall.h"
#include "pvisor/domctl.h"
#include "pvisor/errno.h"
#include "pvisor/sysctl.h"

static uint64_t meminfo_kb(const char *key)
{
	char line[256];
	unsigned long v = 0;
	size_t klen = strlen(key);
	FILE *f = fopen("/proc/meminfo", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
			sscanf(line + klen + 1, "%lu", &v);
			break;
		}
	fclose(f);
	return v;
}

static long sysctl_physinfo(struct pv_sysctl *sc)
{
	struct pv_sysctl_physinfo *pi = &sc->u.physinfo;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	memset(pi, 0, sizeof(*pi));
	pi->threads_per_core = 1;
	pi->cores_per_socket = ncpu > 0 ? ncpu : 1;
	pi->nr_cpus = pi->cores_per_socket;
	pi->max_cpu_id = pi->nr_cpus - 1;
	pi->nr_nodes = 1;
	pi->cpu_khz = (uint32_t)timeinfo_tsc_khz();
	pi->capabilities = PV_SYSCTL_PHYSCAP_pv | PV_SYSCTL_PHYSCAP_gnttab_v1;
	if (engine_find("hvm")) /* registered only where /dev/kvm works */
		pi->capabilities |= PV_SYSCTL_PHYSCAP_hvm;
	pi->total_pages = meminfo_kb("MemTotal") / 4;
	pi->free_pages = meminfo_kb("MemAvailable") / 4;
	pi->max_mfn = pi->total_pages;
	return 0;
}

static long sysctl_domainlist(struct hc_ctx *ctx, struct pv_sysctl *sc)
{
	struct pv_sysctl_getdomaininfolist *l = &sc->u.getdomaininfolist;
	struct pv_domctl_getdomaininfo info;
	struct domain *d;
	uint32_t n = 0;
	long ret = 0;

	pthread_mutex_lock(&hv_lock);
	for (d = domain_next_locked((int)l->first_domain - 1); d && n < l->max_domains;
	     d = domain_next_locked(d->domid)) {
		domain_fill_info(d, &info);
		if (hc_copy_to(ctx, l->buffer + (uint64_t)n * sizeof(info), &info,
			       sizeof(info))) {
			ret = -PV_EFAULT;
			break;
		}
		n++;
	}
	pthread_mutex_unlock(&hv_lock);
	l->num_domains = n;
	return ret;
}

/* Xen's index is 32 bits of our 64-bit stream offset: the offset it names is the
 * newest one with those low bits that is not past head. */
static uint64_t readconsole_offset(uint32_t index)
{
	uint64_t head = hvlog_head(), off;

	off = (head & ~0xffffffffull) | index;
	if (off > head && off >= (1ull << 32))
		off -= 1ull << 32;
	return off;
}

static long sysctl_readconsole(struct hc_ctx *ctx, struct pv_sysctl *sc)
{
	struct pv_sysctl_readconsole *rc = &sc->u.readconsole;
	static char tmp[HV_CONSOLE_BYTES];
	static pthread_mutex_t tmp_lock = PTHREAD_MUTEX_INITIALIZER;
	uint64_t first, head;
	size_t n;
	long ret = 0;

	pthread_mutex_lock(&tmp_lock);
	n = hvlog_read(rc->incremental ? readconsole_offset(rc->index) : 0, tmp,
		       rc->count < sizeof(tmp) ? rc->count : sizeof(tmp), &first, &head);
	if (hc_copy_to(ctx, rc->buffer, tmp, n))
		ret = -PV_EFAULT;
	pthread_mutex_unlock(&tmp_lock);
	rc->count = (uint32_t)n;
	rc->index = (uint32_t)(first + n);
	if (rc->clear)
		hvlog_clear();
	return ret;
}

long hc_sysctl(struct hc_ctx *ctx, const uint64_t a[5])
{
	struct pv_sysctl sc;
	long ret;

	if (!ctx->privileged)
		return -PV_EPERM;
	if (hc_copy_from(ctx, a[0], &sc, sizeof(sc)))
		return -PV_EFAULT;
	if (sc.interface_version != PV_SYSCTL_INTERFACE_VERSION)
		return -PV_EACCES;
	switch (sc.cmd) {
	case PV_SYSCTL_physinfo:
		ret = sysctl_physinfo(&sc);
		break;
	case PV_SYSCTL_getdomaininfolist:
		ret = sysctl_domainlist(ctx, &sc);
		break;
	case PV_SYSCTL_readconsole:
		ret = sysctl_readconsole(ctx, &sc);
		break;
	case PV_SYSCTL_sched_id:
		sc.u.sched_id.sched_id = 5; /* credit */
		ret = 0;
		break;
	default:
		ret = -PV_ENOSYS;
	}
	if (ret == 0 && hc_copy_to(ctx, a[0], &sc, sizeof(sc)))
		return -PV_EFAULT;
	return ret;
}
