/* LD_PRELOAD for Xen 4.17's C xenstored (tests/tools/xenstored-peer.sh): lets the
 * reference store run on a host without Xen, for the differential test t_xs_diff and
 * the store benchmarks. xenstored only needs to believe it is dom0 of a Xen host:
 * the few libxenctrl, libxenevtchn and libxengnttab calls it makes are answered here,
 * and its two /proc/xen files come from the files named by FAKEXEN_PORT and
 * FAKEXEN_KVA. Clients then talk to it over its Unix socket only; no guest ever
 * connects, so ring mappings can fail. Built from the tree (not a shared folder) so
 * that a fresh clone has it. fakexen.map gives each symbol the version xenstored
 * was linked against, or the dynamic linker would pass over ours. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <xenctrl.h>
#include <xenevtchn.h>
#include <xengnttab.h>

/* libxenctrl: a handle that is never looked into, and a host where dom0 alone runs */
static int fx_token;

xc_interface *xc_interface_open(xentoollog_logger *l, xentoollog_logger *dl, unsigned f)
{
	(void)l, (void)dl, (void)f;
	return (xc_interface *)&fx_token;
}

int xc_interface_close(xc_interface *xch)
{
	(void)xch;
	return 0;
}

int xc_domain_getinfo(xc_interface *xch, uint32_t first, unsigned int max, xc_dominfo_t *info)
{
	(void)xch;
	if (first != 0 || max == 0)
		return 0;
	memset(info, 0, sizeof(*info));
	info->running = 1;
	return 1;
}

int xc_domain_getinfolist(xc_interface *xch, uint32_t first, unsigned int max,
			  xc_domaininfo_t *info)
{
	(void)xch;
	if (first != 0 || max == 0)
		return 0;
	memset(info, 0, sizeof(*info));
	info->flags = XEN_DOMINF_running;
	return 1;
}

void *xc_map_foreign_range(xc_interface *xch, uint32_t dom, int size, int prot, unsigned long mfn)
{
	(void)xch, (void)dom, (void)size, (void)prot, (void)mfn;
	errno = ENOSYS;
	return NULL;
}

/* libxenevtchn: the handle's fd is an eventfd, so xenstored's poll loop has something
 * real to wait on; nothing ever signals it. Ports are handed out from 10 up. */
struct xenevtchn_handle {
	int fd;
};
static evtchn_port_t fx_next_port = 10;

static xenevtchn_handle *fx_evtchn_new(int fd)
{
	xenevtchn_handle *h = malloc(sizeof(*h));

	if (!h)
		return NULL;
	h->fd = fd;
	return h;
}

xenevtchn_handle *xenevtchn_open(struct xentoollog_logger *l, unsigned flags)
{
	int keep = flags & XENEVTCHN_NO_CLOEXEC;

	(void)l;
	return fx_evtchn_new(eventfd(0, EFD_NONBLOCK | (keep ? 0 : EFD_CLOEXEC)));
}

xenevtchn_handle *xenevtchn_fdopen(struct xentoollog_logger *l, int fd, unsigned flags)
{
	(void)l, (void)flags;
	return fx_evtchn_new(fd);
}

int xenevtchn_close(xenevtchn_handle *h)
{
	close(h->fd);
	free(h);
	return 0;
}

int xenevtchn_fd(xenevtchn_handle *h)
{
	return h->fd;
}

int xenevtchn_notify(xenevtchn_handle *h, evtchn_port_t port)
{
	(void)h, (void)port;
	return 0;
}

xenevtchn_port_or_error_t xenevtchn_bind_virq(xenevtchn_handle *h, unsigned int virq)
{
	(void)h, (void)virq;
	return 1;
}

xenevtchn_port_or_error_t xenevtchn_bind_interdomain(xenevtchn_handle *h, uint32_t domid,
						     evtchn_port_t remote)
{
	(void)h, (void)domid, (void)remote;
	return fx_next_port++;
}

int xenevtchn_unbind(xenevtchn_handle *h, evtchn_port_t port)
{
	(void)h, (void)port;
	return 0;
}

xenevtchn_port_or_error_t xenevtchn_pending(xenevtchn_handle *h)
{
	uint64_t n;

	return read(h->fd, &n, sizeof(n)) == (ssize_t)sizeof(n) ? 1 : -1;
}

int xenevtchn_unmask(xenevtchn_handle *h, evtchn_port_t port)
{
	(void)h, (void)port;
	return 0;
}

/* libxengnttab: opening works, mapping a guest's page does not (no guests) */
xengnttab_handle *xengnttab_open(struct xentoollog_logger *l, unsigned flags)
{
	(void)l, (void)flags;
	return (xengnttab_handle *)&fx_token;
}

int xengnttab_close(xengnttab_handle *g)
{
	(void)g;
	return 0;
}

int xengnttab_set_max_grants(xengnttab_handle *g, uint32_t n)
{
	(void)g, (void)n;
	return 0;
}

void *xengnttab_map_grant_ref(xengnttab_handle *g, uint32_t domid, uint32_t ref, int prot)
{
	(void)g, (void)domid, (void)ref, (void)prot;
	errno = ENOSYS;
	return NULL;
}

int xengnttab_unmap(xengnttab_handle *g, void *addr, uint32_t count)
{
	(void)g, (void)addr, (void)count;
	return 0;
}

/* /proc/xen/xsd_port and xsd_kva: the store's event channel and page as dom0 sees them */
static const char *fx_path(const char *path)
{
	const char *env = NULL;

	if (path && strcmp(path, "/proc/xen/xsd_port") == 0)
		env = getenv("FAKEXEN_PORT");
	else if (path && strcmp(path, "/proc/xen/xsd_kva") == 0)
		env = getenv("FAKEXEN_KVA");
	return env ? env : path;
}

/* a mode argument follows only these flags (O_TMPFILE contains O_DIRECTORY) */
static int fx_has_mode(int flags)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;
}

static int fx_open(const char *sym, int (**real)(const char *, int, ...), const char *path,
		   int flags, mode_t mode)
{
	if (!*real)
		*real = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, sym);
	return (*real)(fx_path(path), flags, mode);
}

int open(const char *path, int flags, ...)
{
	static int (*real)(const char *, int, ...);
	mode_t mode = 0;
	va_list ap;

	if (fx_has_mode(flags)) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	return fx_open("open", &real, path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
	static int (*real)(const char *, int, ...);
	mode_t mode = 0;
	va_list ap;

	if (fx_has_mode(flags)) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	return fx_open("open64", &real, path, flags, mode);
}
