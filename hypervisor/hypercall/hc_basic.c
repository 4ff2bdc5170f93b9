/* console_io and xen_version: the hypercalls every guest makes first. */
#include <string.h>

#include "hypercall/hypercall.h"
#include "evtchn/evtchn.h"
#include "pvisor/errno.h"
#include "pvisor/version.h"

#define CONSOLE_IO_MAX (16u << 10) /* bytes per call; Xen writes in chunks too */

/* New lines in the hypervisor log: VIRQ_CON_RING tells a dom0 reader bound to it
 * (as on Xen), so it need not poll readconsole. */
static void console_lines_announce(void)
{
	pthread_mutex_lock(&hv_lock);
	evtchn_raise_dom0_virq_locked(PV_VIRQ_CON_RING);
	pthread_mutex_unlock(&hv_lock);
}

long hc_console_io(struct hc_ctx *ctx, const uint64_t a[5])
{
	uint8_t buf[CONSOLE_IO_MAX];
	uint64_t count = a[1];

	switch (a[0]) {
	case PV_CONSOLEIO_write:
		if (!ctx->d)
			return -PV_EINVAL;
		if (count > CONSOLE_IO_MAX)
			count = CONSOLE_IO_MAX; /* the guest loops on a short write */
		if (hc_copy_from(ctx, a[2], buf, count))
			return -PV_EFAULT;
		if (console_write(ctx->d, buf, count) > 0)
			console_lines_announce();
		return (long)count;
	case PV_CONSOLEIO_read:
		return 0; /* no input through console_io: it comes on the console ring */
	default:
		return -PV_ENOSYS;
	}
}

static long version_string(struct hc_ctx *ctx, uint64_t addr, const char *s, size_t size)
{
	char buf[1024] = { 0 };

	strncpy(buf, s, size - 1);
	return hc_copy_to(ctx, addr, buf, size);
}

static long version_features(struct hc_ctx *ctx, uint64_t addr)
{
	struct pv_feature_info fi;

	if (hc_copy_from(ctx, addr, &fi, sizeof(fi)))
		return -PV_EFAULT;
	fi.submap = 0;
	if (fi.submap_idx == 0)
		fi.submap = (1u << PV_XENFEAT_auto_translated_physmap) |
			    (1u << PV_XENFEAT_writable_page_tables);
	return hc_copy_to(ctx, addr, &fi, sizeof(fi));
}

long hc_xen_version(struct hc_ctx *ctx, const uint64_t a[5])
{
	switch (a[0]) {
	case PV_XENVER_version:
		return (4 << 16) | 17;
	case PV_XENVER_extraversion:
		return version_string(ctx, a[1], "-pvisor", PV_EXTRAVERSION_LEN);
	case PV_XENVER_capabilities:
		return version_string(ctx, a[1], "xen-3.0-x86_64", PV_CAPABILITIES_INFO_LEN);
	case PV_XENVER_changeset:
		return version_string(ctx, a[1], "pvisor", PV_CHANGESET_INFO_LEN);
	case PV_XENVER_platform_parameters: {
		struct pv_platform_parameters pp = { .virt_start = 0 };

		return hc_copy_to(ctx, a[1], &pp, sizeof(pp));
	}
	case PV_XENVER_get_features:
		return version_features(ctx, a[1]);
	case PV_XENVER_pagesize:
		return PV_PAGE_SIZE;
	case PV_XENVER_guest_handle:
		if (!ctx->d)
			return -PV_EINVAL;
		return hc_copy_to(ctx, a[1], ctx->d->handle, 16);
	case PV_XENVER_commandline:
		return version_string(ctx, a[1], "", PV_COMMANDLINE_LEN);
	default:
		return -PV_ENOSYS;
	}
}
