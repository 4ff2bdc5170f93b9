/* Kernel image loader: guest-physical placement of segments (Xen's VIRT_BASE rules,
 * restricted to pvisor's vaddr == PV_PHYSMAP_BASE + paddr), entry and hypercall page. */
#include <errno.h>

#include "libpvx/elfimg_priv.h"
#include "pvisor/pvisor.h"

#define NOTE_HAVE(ctx, t) (((ctx)->notes.have >> (t)) & 1u)

/* VIRT_BASE given: physical = p_vaddr - VIRT_BASE. */
static int elfimg_place_virt_base(struct elfimg_ctx *ctx)
{
	struct elf_image *img = ctx->img;
	unsigned i;

	img->virt_base = ctx->notes.val[XEN_NOTE_VIRT_BASE];
	for (i = 0; i < img->nseg; i++) {
		if (img->seg[i].vaddr < img->virt_base)
			return elfimg_fail(ctx, -ENOEXEC,
					   "segment %u: vaddr 0x%llx is below VIRT_BASE 0x%llx",
					   ctx->seg_phdr[i],
					   (unsigned long long)img->seg[i].vaddr,
					   (unsigned long long)img->virt_base);
		img->seg[i].paddr = img->seg[i].vaddr - img->virt_base;
	}
	return 0;
}

/* No VIRT_BASE: p_paddr is physical, and p_vaddr - p_paddr must be one constant. */
static int elfimg_place_delta(struct elfimg_ctx *ctx)
{
	struct elf_image *img = ctx->img;
	uint64_t delta = img->seg[0].vaddr - img->seg[0].paddr;
	unsigned i;

	for (i = 1; i < img->nseg; i++) {
		if (img->seg[i].vaddr - img->seg[i].paddr != delta)
			return elfimg_fail(
				ctx, -ENOEXEC,
				"segments %u and %u disagree on vaddr - paddr (0x%llx vs "
				"0x%llx); add a Xen VIRT_BASE note or fix the linker script",
				ctx->seg_phdr[0], ctx->seg_phdr[i], (unsigned long long)delta,
				(unsigned long long)(img->seg[i].vaddr - img->seg[i].paddr));
	}
	img->virt_base = delta;
	return 0;
}

static int elfimg_check_physmap(struct elfimg_ctx *ctx)
{
	const struct elf_segment *s;
	unsigned i;

	for (i = 0; i < ctx->img->nseg; i++) {
		s = &ctx->img->seg[i];
		if (s->paddr > UINT64_MAX - PV_PHYSMAP_BASE ||
		    s->vaddr != PV_PHYSMAP_BASE + s->paddr)
			return elfimg_fail(
				ctx, -ENOEXEC,
				"not linked for pvisor: segment %u vaddr 0x%llx != "
				"PV_PHYSMAP_BASE + paddr (0x%llx + 0x%llx); link the kernel at "
				"0x%llx + its physical address, see docs/ABI.md",
				ctx->seg_phdr[i], (unsigned long long)s->vaddr, PV_PHYSMAP_BASE,
				(unsigned long long)s->paddr, PV_PHYSMAP_BASE);
	}
	return 0;
}

static int elfimg_check_overlap(struct elfimg_ctx *ctx)
{
	const struct elf_segment *a, *b;
	unsigned i, j;

	for (i = 0; i < ctx->img->nseg; i++) {
		a = &ctx->img->seg[i];
		for (j = i + 1; j < ctx->img->nseg; j++) {
			b = &ctx->img->seg[j];
			if (a->paddr < b->paddr + b->memsz && b->paddr < a->paddr + a->memsz)
				return elfimg_fail(ctx, -ENOEXEC,
						   "segments %u and %u overlap in memory",
						   ctx->seg_phdr[i], ctx->seg_phdr[j]);
		}
	}
	return 0;
}

/* Index of the segment holding [va, va + len) entirely, or -1. */
static int elfimg_find_segment(const struct elf_image *img, uint64_t va, uint64_t len)
{
	unsigned i;

	for (i = 0; i < img->nseg; i++) {
		if (va >= img->seg[i].vaddr &&
		    elfimg_range_ok(va - img->seg[i].vaddr, len, img->seg[i].memsz))
			return (int)i;
	}
	return -1;
}

static int elfimg_set_entry(struct elfimg_ctx *ctx)
{
	struct elf_image *img = ctx->img;

	img->entry = NOTE_HAVE(ctx, XEN_NOTE_ENTRY) ? ctx->notes.val[XEN_NOTE_ENTRY]
						    : ctx->eh.e_entry;
	if (elfimg_find_segment(img, img->entry, 1) < 0)
		return elfimg_fail(ctx, -ENOEXEC,
				   "entry point 0x%llx is not inside any loadable segment",
				   (unsigned long long)img->entry);
	return 0;
}

static int elfimg_set_hypercall_page(struct elfimg_ctx *ctx)
{
	struct elf_image *img = ctx->img;
	uint64_t hp = ctx->notes.val[XEN_NOTE_HYPERCALL_PAGE];

	if (!NOTE_HAVE(ctx, XEN_NOTE_HYPERCALL_PAGE))
		return 0;
	if (hp & (PV_PAGE_SIZE - 1))
		return elfimg_fail(ctx, -ENOEXEC, "hypercall page 0x%llx is not page aligned",
				   (unsigned long long)hp);
	if (elfimg_find_segment(img, hp, PV_PAGE_SIZE) < 0)
		return elfimg_fail(ctx, -ENOEXEC,
				   "hypercall page 0x%llx is not inside a loadable segment",
				   (unsigned long long)hp);
	img->hypercall_page = hp;
	img->has_hypercall_page = 1;
	return 0;
}

static void elfimg_set_extent(struct elf_image *img)
{
	uint64_t lo = UINT64_MAX, hi = 0;
	unsigned i;

	for (i = 0; i < img->nseg; i++) {
		if (img->seg[i].paddr < lo)
			lo = img->seg[i].paddr;
		if (img->seg[i].paddr + img->seg[i].memsz > hi)
			hi = img->seg[i].paddr + img->seg[i].memsz;
	}
	/* hi <= UINT64_MAX - PV_PHYSMAP_BASE (checked above), so rounding up cannot wrap. */
	img->pstart = lo & ~(PV_PAGE_SIZE - 1);
	img->pend = (hi + PV_PAGE_SIZE - 1) & ~(PV_PAGE_SIZE - 1);
}

int elfimg_place(struct elfimg_ctx *ctx)
{
	struct elf_image *img = ctx->img;
	int rc;

	if (NOTE_HAVE(ctx, XEN_NOTE_VIRT_BASE))
		rc = elfimg_place_virt_base(ctx);
	else
		rc = elfimg_place_delta(ctx);
	if (rc)
		return rc;
	img->paddr_offset = NOTE_HAVE(ctx, XEN_NOTE_PADDR_OFFSET)
				    ? ctx->notes.val[XEN_NOTE_PADDR_OFFSET]
				    : img->virt_base;
	rc = elfimg_check_physmap(ctx);
	if (!rc)
		rc = elfimg_check_overlap(ctx);
	if (!rc)
		rc = elfimg_set_entry(ctx);
	if (!rc)
		rc = elfimg_set_hypercall_page(ctx);
	if (rc)
		return rc;
	elfimg_set_extent(img);
	img->suspend_cancel = NOTE_HAVE(ctx, XEN_NOTE_SUSPEND_CANCEL) &&
			      ctx->notes.val[XEN_NOTE_SUSPEND_CANCEL];
	img->mod_start_pfn = NOTE_HAVE(ctx, XEN_NOTE_MOD_START_PFN) &&
			     ctx->notes.val[XEN_NOTE_MOD_START_PFN];
	return 0;
}
