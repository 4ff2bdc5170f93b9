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

#include "libpvx/build_priv.h"
#include "pvisor/pvisor.h"
#include "util.h"

#define BOOT_STACK_PAGES 4
#define PAGE_ROUND(x)    (((x) + PV_PAGE_SIZE - 1) & ~(PV_PAGE_SIZE - 1))

/* The ramdisk's file, opened and sized for the layout; copied in by build_finish. */
static int build_ramdisk_open(const struct domcfg *dc, struct build_calls *c, uint64_t room,
			      struct pvx_err *err)
{
	char *path = domcfg_path_resolve(dc, dc->ramdisk);
	struct stat st;
	int rc = 0;

	c->ramdisk_fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	if (c->ramdisk_fd < 0 || fstat(c->ramdisk_fd, &st) < 0) {
		rc = -errno;
		pvx_fail(err, rc, "ramdisk '%s': %s", path ? path : dc->ramdisk, strerror(errno));
	} else if ((uint64_t)st.st_size > room) {
		rc = -ENOSPC;
		pvx_fail(err, rc, "ramdisk '%s' (%lu KiB) does not fit in the domain's memory",
			 path, (unsigned long)(st.st_size >> 10));
	} else {
		c->bl.ramdisk_len = (uint64_t)st.st_size;
	}
	free(path);
	return rc;
}

/* Copy the ramdisk file into guest RAM at bl.ramdisk (pwrite, no map of RAM). */
static int build_ramdisk_copy(struct build_calls *c, const struct domcfg *dc, struct pvx_err *err)
{
	enum { CHUNK = 64 << 10 };
	char *chunk = malloc(CHUNK);
	uint64_t done = 0;
	int rc = 0;

	while (chunk && rc == 0 && done < c->bl.ramdisk_len) {
		size_t want = c->bl.ramdisk_len - done < CHUNK ? c->bl.ramdisk_len - done : CHUNK;
		ssize_t n = pread(c->ramdisk_fd, chunk, want, (off_t)done);

		if (n <= 0 ||
		    pwrite(c->memfd, chunk, (size_t)n, (off_t)(c->bl.ramdisk + done)) != n)
			rc = pvx_fail(err, -EIO, "ramdisk '%s': short read or write",
				      dc->ramdisk);
		done += n > 0 ? (uint64_t)n : 0;
	}
	free(chunk);
	return chunk ? rc : pvx_fail(err, -ENOMEM, "out of memory");
}

/* Where everything goes: kernel, ramdisk, start_info, store and console pages,
 * boot stack. RAM is a fresh memfd: every page reads as zero already. */
static int build_layout(const struct domcfg *dc, const struct elf_image *img, uint64_t ram_bytes,
			struct build_calls *c, struct pvx_err *err)
{
	struct build_layout *bl = &c->bl;
	uint64_t pos = PAGE_ROUND(img->pend);
	int rc;

	if (dc->ramdisk) {
		if (pos >= ram_bytes)
			return pvx_fail(err, -ENOSPC, "no memory left for the ramdisk");
		if ((rc = build_ramdisk_open(dc, c, ram_bytes - pos, err)) < 0)
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
	return 0;
}

/* start_info, written into its page of guest RAM. */
static int build_start_info(const struct domcfg *dc, const struct build_calls *c,
			    const struct pvx_boot_ports *bp)
{
	const struct build_layout *bl = &c->bl;
	struct pv_start_info si;

	memset(&si, 0, sizeof(si));
	snprintf(si.magic, sizeof(si.magic), "xen-3.0-x86_64");
	si.nr_pages = dc->memory_mib * 256;
	si.shared_info = c->mi.special_off + PV_SPECIAL_SHARED_INFO * PV_PAGE_SIZE;
	si.store_mfn = bl->store / PV_PAGE_SIZE;
	si.store_evtchn = bp->store_port;
	si.console.domU.mfn = bl->console / PV_PAGE_SIZE;
	si.console.domU.evtchn = bp->console_port;
	if (bl->ramdisk_len) {
		si.mod_start = PV_PHYSMAP_BASE + bl->ramdisk;
		si.mod_len = bl->ramdisk_len;
	}
	if (dc->cmdline)
		snprintf((char *)si.cmd_line, sizeof(si.cmd_line), "%s", dc->cmdline);
	return pwrite(c->memfd, &si, sizeof(si), (off_t)bl->start_info) == (ssize_t)sizeof(si)
		       ? 0
		       : -EIO;
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

static void build_vcpu0(struct build_calls *c, const struct domcfg *dc,
			const struct elf_image *img)
{
	struct pv_vcpu_guest_context *ctx = &c->ctx;

	memset(ctx, 0, sizeof(*ctx));
	ctx->user_regs.rip = img->entry;
	ctx->user_regs.rsp = PV_PHYSMAP_BASE + c->bl.stack_top;
	ctx->user_regs.rsi = PV_PHYSMAP_BASE + c->bl.start_info;
	ctx->user_regs.rflags = 0x202;
	build_vcpu0_ring(ctx, dc, img);
}

static uint64_t build_hcall_gpfn(const struct elf_image *img)
{
	return (img->hypercall_page - PV_PHYSMAP_BASE) / PV_PAGE_SIZE;
}

int build_queue(struct pvctrl_batch *b, struct build_calls *c, pv_domid_t domid,
		const struct domcfg *dc, const struct elf_image *img, struct pvx_err *err)
{
	int rc;

	c->memfd = c->ramdisk_fd = -1;
	memset(&c->bl, 0, sizeof(c->bl));
	if (!img->has_hypercall_page)
		return pvx_fail(err, -ENOEXEC,
				"kernel has no HYPERCALL_PAGE ELF note; see "
				"docs/PORTING.md");
	if ((rc = build_layout(dc, img, dc->memory_mib << 20, c, err)) < 0)
		return rc;
	build_vcpu0(c, dc, img);
	/* the store and console ports: unbound ports of the guest that dom0 (xsd,
	 * pvconsoled) binds when it connects */
	pvctrl_q_domain_max_mem(b, domid, dc->maxmem_mib * 1024, &c->rc_maxmem);
	pvctrl_q_evtchn_alloc_unbound(b, domid, 0, &c->rc_store_port);
	pvctrl_q_evtchn_alloc_unbound(b, domid, 0, &c->rc_console_port);
	pvctrl_q_memory_fd(b, domid, &c->mi, &c->memfd, &c->rc_mem);
	/* the hypervisor writes this page: the image's copy of it is not loaded */
	pvctrl_q_hypercall_init(b, domid, build_hcall_gpfn(img), &c->rc_hcall);
	pvctrl_q_vcpu_setcontext(b, domid, 0, &c->ctx, &c->rc_ctx);
	return 0;
}

static int build_check_answers(const struct build_calls *c, struct pvx_err *err)
{
	int port_rc = c->rc_store_port < 0 ? c->rc_store_port : c->rc_console_port;

	if (c->rc_maxmem < 0)
		return pvx_fail(err, c->rc_maxmem, "setting maxmem: %s", strerror(-c->rc_maxmem));
	if (port_rc < 0)
		return pvx_fail(err, port_rc,
				"allocating the store and console event channels: %s",
				strerror(-port_rc));
	if (c->rc_mem < 0 || c->memfd < 0)
		return pvx_fail(err, c->rc_mem < 0 ? c->rc_mem : -EPROTO,
				"getting the domain's memory: %s",
				strerror(c->rc_mem < 0 ? -c->rc_mem : EPROTO));
	if (c->rc_hcall < 0)
		return pvx_fail(err, c->rc_hcall, "writing the hypercall page: %s",
				strerror(-c->rc_hcall));
	if (c->rc_ctx < 0)
		return pvx_fail(err, c->rc_ctx, "setting vCPU 0's context: %s",
				strerror(-c->rc_ctx));
	return 0;
}

int build_finish(struct build_calls *c, const struct domcfg *dc, const struct elf_image *img,
		 struct pvx_boot_ports *bp, struct pvx_err *err)
{
	int rc = build_check_answers(c, err);

	if (rc < 0)
		return rc;
	bp->store_port = (uint32_t)c->rc_store_port;
	bp->console_port = (uint32_t)c->rc_console_port;
	bp->store_gfn = c->bl.store / PV_PAGE_SIZE;
	bp->console_gfn = c->bl.console / PV_PAGE_SIZE;
	rc = elf_image_write(img, c->memfd, dc->memory_mib << 20,
			     build_hcall_gpfn(img) * PV_PAGE_SIZE, err);
	if (rc == 0 && c->bl.ramdisk_len)
		rc = build_ramdisk_copy(c, dc, err);
	if (rc == 0 && (rc = build_start_info(dc, c, bp)) < 0)
		pvx_fail(err, rc, "writing start_info: %s", strerror(-rc));
	build_calls_fini(c);
	return rc;
}

void build_calls_fini(struct build_calls *c)
{
	if (c->memfd >= 0)
		close(c->memfd);
	if (c->ramdisk_fd >= 0)
		close(c->ramdisk_fd);
	c->memfd = c->ramdisk_fd = -1;
}

int pvx_domain_build(struct pvctrl *h, pv_domid_t domid, const struct domcfg *dc,
		     const struct elf_image *img, struct pvx_boot_ports *bp, struct pvx_err *err)
{
	struct build_calls *c = malloc(sizeof(*c));
	struct pvctrl_batch b;
	int rc;

	if (!c)
		return pvx_fail(err, -ENOMEM, "out of memory");
	pvctrl_batch_init(&b, h);
	rc = build_queue(&b, c, domid, dc, img, err);
	if (rc == 0 && (rc = pvctrl_batch_run(&b)) < 0)
		pvx_fail(err, rc, "asking the hypervisor to build the domain: %s", strerror(-rc));
	if (rc == 0)
		rc = build_finish(c, dc, img, bp, err);
	build_calls_fini(c);
	free(c);
	return rc;
}
