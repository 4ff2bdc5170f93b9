/* The PV domain builder: kernel image, boot pages and vCPU 0's start state, laid
 * out as on Xen x86-64 PV (kernel, ramdisk, start_info, store and console pages,
 * bootstrap stack), with pseudo-physical frames. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libpvx/pvx.h"
#include "pvisor/pvisor.h"
#include "util.h"

#define BOOT_STACK_PAGES 4
#define PAGE_ROUND(x)    (((x) + PV_PAGE_SIZE - 1) & ~(PV_PAGE_SIZE - 1))

struct boot_layout {
	uint64_t ramdisk, ramdisk_len; /* guest-physical */
	uint64_t start_info, store, console, stack_top, end;
};

static int build_ramdisk(const struct domcfg *dc, uint8_t *ram, uint64_t at, uint64_t room,
			 uint64_t *len, struct pvx_err *err)
{
	char *path = domcfg_path_resolve(dc, dc->ramdisk);
	struct stat st;
	int fd, rc = 0;

	fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	if (fd < 0 || fstat(fd, &st) < 0) {
		rc = -errno;
		pvx_fail(err, rc, "ramdisk '%s': %s", path ? path : dc->ramdisk, strerror(errno));
	} else if ((uint64_t)st.st_size > room) {
		rc = -ENOSPC;
		pvx_fail(err, rc, "ramdisk '%s' (%lu KiB) does not fit in the domain's memory",
			 path, (unsigned long)(st.st_size >> 10));
	} else if (util_read_full(fd, ram + at, st.st_size) != st.st_size) {
		rc = -EIO;
		pvx_fail(err, rc, "ramdisk '%s': short read", path);
	}
	*len = rc == 0 ? (uint64_t)st.st_size : 0;
	if (fd >= 0)
		close(fd);
	free(path);
	return rc;
}

static int build_layout(const struct domcfg *dc, const struct elf_image *img, uint8_t *ram,
			uint64_t ram_bytes, struct boot_layout *bl, struct pvx_err *err)
{
	uint64_t pos = PAGE_ROUND(img->pend);
	int rc;

	memset(bl, 0, sizeof(*bl));
	if (dc->ramdisk) {
		if (pos >= ram_bytes)
			return pvx_fail(err, -ENOSPC, "no memory left for the ramdisk");
		rc = build_ramdisk(dc, ram, pos, ram_bytes - pos, &bl->ramdisk_len, err);
		if (rc)
			return rc;
		bl->ramdisk = pos;
		pos = PAGE_ROUND(pos + bl->ramdisk_len);
	}
	bl->start_info = pos;
	bl->store = pos + PV_PAGE_SIZE;
	bl->console = pos + 2 * PV_PAGE_SIZE;
	bl->stack_top = pos + (3 + BOOT_STACK_PAGES) * PV_PAGE_SIZE;
	bl->end = bl->stack_top;
	if (bl->end > ram_bytes)
		return pvx_fail(err, -ENOSPC,
				"kernel and boot data need %lu KiB but the domain has "
				"%lu KiB of memory; raise memory=",
				(unsigned long)(bl->end >> 10), (unsigned long)(ram_bytes >> 10));
	memset(ram + bl->start_info, 0, bl->end - bl->start_info);
	return 0;
}

static void build_start_info(const struct domcfg *dc, const struct pv_privcmd_memory *mi,
			     const struct boot_layout *bl, const struct pvx_boot_ports *bp,
			     uint8_t *ram)
{
	struct pv_start_info *si = (void *)(ram + bl->start_info);

	memset(si, 0, sizeof(*si));
	snprintf(si->magic, sizeof(si->magic), "xen-3.0-x86_64");
	si->nr_pages = dc->memory_mib * 256;
	si->shared_info = mi->special_off + PV_SPECIAL_SHARED_INFO * PV_PAGE_SIZE;
	si->store_mfn = bl->store / PV_PAGE_SIZE;
	si->store_evtchn = bp->store_port;
	si->console.domU.mfn = bl->console / PV_PAGE_SIZE;
	si->console.domU.evtchn = bp->console_port;
	if (bl->ramdisk_len) {
		si->mod_start = PV_PHYSMAP_BASE + bl->ramdisk;
		si->mod_len = bl->ramdisk_len;
	}
	if (dc->cmdline)
		snprintf((char *)si->cmd_line, sizeof(si->cmd_line), "%s", dc->cmdline);
}

/* Does the kernel's XEN_ELFNOTE_FEATURES list `name` ('|'-separated, '!' = required)? */
static int build_feature(const struct elf_image *img, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = img->features; *p;) {
		size_t n = strcspn(p, "|");
		const char *f = *p == '!' ? p + 1 : p;

		if ((size_t)(p + n - f) == len && !strncmp(f, name, len))
			return 1;
		p += n + (p[n] == '|');
	}
	return 0;
}

/* Ring 0 for a kernel that asks for supervisor mode in a hardware VM (the hvm engine
 * honours it); a pv kernel always runs in ring 3, Xen's flat kernel segments. */
static void build_vcpu0_ring(struct pv_vcpu_guest_context *ctx, const struct domcfg *dc,
			     const struct elf_image *img)
{
	int ring0 = dc->type != DOMCFG_TYPE_PV && build_feature(img, "supervisor_mode_kernel");

	ctx->user_regs.cs = ring0 ? PV_FLAT_RING0_CS : PV_FLAT_KERNEL_CS;
	ctx->user_regs.ss = ring0 ? PV_FLAT_RING0_SS : PV_FLAT_KERNEL_SS;
}

static int build_vcpu0(struct pvctrl *h, pv_domid_t domid, const struct domcfg *dc,
		       const struct elf_image *img, const struct boot_layout *bl)
{
	struct pv_vcpu_guest_context *ctx = calloc(1, sizeof(*ctx));
	int rc;

	if (!ctx)
		return -ENOMEM;
	ctx->user_regs.rip = img->entry;
	ctx->user_regs.rsp = PV_PHYSMAP_BASE + bl->stack_top;
	ctx->user_regs.rsi = PV_PHYSMAP_BASE + bl->start_info;
	ctx->user_regs.rflags = 0x202;
	build_vcpu0_ring(ctx, dc, img);
	rc = pvctrl_vcpu_setcontext(h, domid, 0, ctx);
	free(ctx);
	return rc;
}

/* The store and console event channels: unbound ports of the guest that dom0
 * (xsd, pvconsoled) binds when it connects. */
static int build_ports(struct pvctrl *h, pv_domid_t domid, struct pvx_boot_ports *bp,
		       struct pvx_err *err)
{
	int port = pvctrl_evtchn_alloc_unbound(h, domid, 0);

	if (port >= 0) {
		bp->store_port = (uint32_t)port;
		port = pvctrl_evtchn_alloc_unbound(h, domid, 0);
		bp->console_port = (uint32_t)port;
	}
	if (port < 0)
		pvx_fail(err, port, "allocating the store and console event channels: %s",
			 strerror(-port));
	return port < 0 ? port : 0;
}

int pvx_domain_build(struct pvctrl *h, pv_domid_t domid, const struct domcfg *dc,
		     const struct elf_image *img, struct pvx_boot_ports *bp, struct pvx_err *err)
{
	struct pv_privcmd_memory mi;
	struct boot_layout bl;
	void *mem;
	int rc;

	if (!img->has_hypercall_page)
		return pvx_fail(err, -ENOEXEC,
				"kernel has no HYPERCALL_PAGE ELF note; see "
				"docs/PORTING.md");
	rc = pvctrl_domain_max_mem(h, domid, dc->maxmem_mib * 1024);
	if (rc < 0)
		return pvx_fail(err, rc, "setting maxmem: %s", strerror(-rc));
	rc = build_ports(h, domid, bp, err);
	if (rc < 0)
		return rc;
	rc = pvctrl_map_foreign(h, domid, &mem, &mi);
	if (rc < 0)
		return pvx_fail(err, rc, "mapping domain memory: %s", strerror(-rc));
	/* the domain's RAM is a new memfd: it reads as zero */
	rc = elf_image_load(img, mem, dc->memory_mib << 20, ELF_LOAD_RAM_ZERO, err);
	if (rc == 0)
		rc = build_layout(dc, img, mem, dc->memory_mib << 20, &bl, err);
	if (rc == 0) {
		build_start_info(dc, &mi, &bl, bp, mem);
		bp->store_gfn = bl.store / PV_PAGE_SIZE;
		bp->console_gfn = bl.console / PV_PAGE_SIZE;
	}
	munmap(mem, mi.size);
	if (rc == 0 && (rc = pvctrl_hypercall_init(h, domid,
						   (img->hypercall_page - PV_PHYSMAP_BASE) /
							   PV_PAGE_SIZE)) < 0)
		pvx_fail(err, rc, "writing the hypercall page: %s", strerror(-rc));
	if (rc == 0 && (rc = build_vcpu0(h, domid, dc, img, &bl)) < 0)
		pvx_fail(err, rc, "setting vCPU 0's context: %s", strerror(-rc));
	return rc;
}
