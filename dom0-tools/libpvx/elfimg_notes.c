/* Kernel image loader: Xen ELF notes from PT_NOTE segments or SHT_NOTE sections,
 * and finding the legacy __xen_guest section. Every size is checked before use. */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "libpvx/elfimg_priv.h"

#define NOTE_HDR_SIZE 12u

enum elfimg_note_kind { NOTE_IGNORED, NOTE_NUMBER, NOTE_STRING };

/* The notes this loader uses; every other type is skipped unchecked. */
static const struct elfimg_note_type {
	const char *name;
	enum elfimg_note_kind kind;
} note_types[XEN_NOTE_MAX + 1] = {
	[XEN_NOTE_ENTRY] = { "ENTRY", NOTE_NUMBER },
	[XEN_NOTE_HYPERCALL_PAGE] = { "HYPERCALL_PAGE", NOTE_NUMBER },
	[XEN_NOTE_VIRT_BASE] = { "VIRT_BASE", NOTE_NUMBER },
	[XEN_NOTE_PADDR_OFFSET] = { "PADDR_OFFSET", NOTE_NUMBER },
	[XEN_NOTE_XEN_VERSION] = { "XEN_VERSION", NOTE_STRING },
	[XEN_NOTE_GUEST_OS] = { "GUEST_OS", NOTE_STRING },
	[XEN_NOTE_GUEST_VERSION] = { "GUEST_VERSION", NOTE_STRING },
	[XEN_NOTE_LOADER] = { "LOADER", NOTE_STRING },
	[XEN_NOTE_FEATURES] = { "FEATURES", NOTE_STRING },
	[XEN_NOTE_SUSPEND_CANCEL] = { "SUSPEND_CANCEL", NOTE_NUMBER },
	[XEN_NOTE_MOD_START_PFN] = { "MOD_START_PFN", NOTE_NUMBER },
};

/* Where a string note goes in the image, or NULL for types not kept. */
static char *elfimg_note_field(struct elf_image *img, uint32_t type, size_t *size)
{
	switch (type) {
	case XEN_NOTE_XEN_VERSION:
		*size = sizeof(img->xen_version);
		return img->xen_version;
	case XEN_NOTE_GUEST_OS:
		*size = sizeof(img->guest_os);
		return img->guest_os;
	case XEN_NOTE_GUEST_VERSION:
		*size = sizeof(img->guest_version);
		return img->guest_version;
	case XEN_NOTE_LOADER:
		*size = sizeof(img->loader);
		return img->loader;
	case XEN_NOTE_FEATURES:
		*size = sizeof(img->features);
		return img->features;
	default:
		return NULL;
	}
}

int elfimg_notes_set_string(struct elfimg_ctx *ctx, uint32_t type, const char *s, size_t len)
{
	const char *name = note_types[type <= XEN_NOTE_MAX ? type : 0].name;
	const char *nul = memchr(s, '\0', len);
	size_t size, n, i;
	char *dst = elfimg_note_field(ctx->img, type, &size);

	if (!dst)
		return 0;
	if (!nul)
		return elfimg_fail(ctx, -ENOEXEC, "Xen note %s is not NUL-terminated", name);
	n = (size_t)(nul - s);
	if (n >= size)
		return elfimg_fail(ctx, -ENOEXEC,
				   "Xen note %s is %zu characters; at most %zu fit", name, n,
				   size - 1);
	for (i = 0; i < n; i++) {
		if (!isprint((unsigned char)s[i]))
			return elfimg_fail(ctx, -ENOEXEC,
					   "Xen note %s holds a non-printable character", name);
	}
	memcpy(dst, s, n + 1);
	return 0;
}

static int elfimg_note_number(struct elfimg_ctx *ctx, uint32_t type, const uint8_t *desc,
			      uint32_t descsz)
{
	uint32_t v32;
	uint64_t v64;

	if (descsz == 4) {
		memcpy(&v32, desc, 4);
		v64 = v32;
	} else if (descsz == 8) {
		memcpy(&v64, desc, 8);
	} else {
		return elfimg_fail(ctx, -ENOEXEC,
				   "Xen note %s has a %u-byte value; 4 or 8 bytes expected",
				   note_types[type].name, descsz);
	}
	ctx->notes.val[type] = v64;
	ctx->notes.have |= 1u << type;
	return 0;
}

static int elfimg_note_one(struct elfimg_ctx *ctx, uint32_t type, const uint8_t *desc,
			   uint32_t descsz)
{
	if (type > XEN_NOTE_MAX)
		return 0;
	switch (note_types[type].kind) {
	case NOTE_NUMBER:
		return elfimg_note_number(ctx, type, desc, descsz);
	case NOTE_STRING:
		return elfimg_notes_set_string(ctx, type, (const char *)desc, descsz);
	default:
		return 0;
	}
}

/* One note record inside a block of notes. */
struct elfimg_note_rec {
	uint32_t namesz, descsz, type;
	uint64_t name_off, desc_off, next;
};

/* Decode it: 0, or -1 (truncated header), -2 (name too long), -3 (value too long). */
static int elfimg_note_next(const uint8_t *p, uint64_t size, uint64_t align, uint64_t off,
			    struct elfimg_note_rec *r)
{
	uint64_t pad;

	if (size - off < NOTE_HDR_SIZE)
		return -1;
	memcpy(&r->namesz, p + off, 4);
	memcpy(&r->descsz, p + off + 4, 4);
	memcpy(&r->type, p + off + 8, 4);
	r->name_off = off + NOTE_HDR_SIZE;
	pad = ((uint64_t)r->namesz + align - 1) & ~(align - 1);
	if (pad > size - r->name_off)
		return -2;
	r->desc_off = r->name_off + pad;
	if (r->descsz > size - r->desc_off)
		return -3;
	/* The last record's value may lack its padding. */
	pad = ((uint64_t)r->descsz + align - 1) & ~(align - 1);
	r->next = r->desc_off + (pad < size - r->desc_off ? pad : size - r->desc_off);
	return 0;
}

/* Walk the notes in [p, p + size), padded to align (4 or 8); count the Xen ones. */
static int elfimg_note_block(struct elfimg_ctx *ctx, const uint8_t *p, uint64_t size,
			     uint64_t align, const char *what, unsigned idx, unsigned *count)
{
	static const char *const problems[] = { "", "truncated note header",
						"note name runs past its end",
						"note data runs past its end" };
	struct elfimg_note_rec r;
	uint64_t off = 0;
	int rc;

	while (off < size) {
		rc = elfimg_note_next(p, size, align, off, &r);
		if (rc)
			return elfimg_fail(ctx, -ENOEXEC, "%s %u: %s", what, idx, problems[-rc]);
		if (r.namesz == 4 && memcmp(p + r.name_off, "Xen", 4) == 0) {
			rc = elfimg_note_one(ctx, r.type, p + r.desc_off, r.descsz);
			if (rc)
				return rc;
			(*count)++;
		}
		off = r.next;
	}
	return 0;
}

static int elfimg_notes_from_phdrs(struct elfimg_ctx *ctx, unsigned *count)
{
	const struct elf_image *img = ctx->img;
	Elf64_Phdr ph;
	unsigned i;
	int rc;

	for (i = 0; i < ctx->eh.e_phnum; i++) {
		memcpy(&ph, img->data + ctx->eh.e_phoff + (uint64_t)i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_NOTE)
			continue;
		if (!elfimg_range_ok(ph.p_offset, ph.p_filesz, img->len))
			return elfimg_fail(ctx, -ENOEXEC,
					   "segment %u extends past the end of the file", i);
		rc = elfimg_note_block(ctx, img->data + ph.p_offset, ph.p_filesz,
				       ph.p_align == 8 ? 8 : 4, "note segment", i, count);
		if (rc)
			return rc;
	}
	return 0;
}

/* Copy section header i (the table was range-checked by the caller). */
static void elfimg_shdr_get(const struct elfimg_ctx *ctx, unsigned i, Elf64_Shdr *sh)
{
	memcpy(sh, ctx->img->data + ctx->eh.e_shoff + (uint64_t)i * sizeof(*sh), sizeof(*sh));
}

static int elfimg_notes_from_sections(struct elfimg_ctx *ctx, unsigned *count)
{
	const struct elf_image *img = ctx->img;
	Elf64_Shdr sh;
	unsigned i;
	int rc;

	for (i = 0; i < ctx->eh.e_shnum; i++) {
		elfimg_shdr_get(ctx, i, &sh);
		if (sh.sh_type != SHT_NOTE)
			continue;
		if (!elfimg_range_ok(sh.sh_offset, sh.sh_size, img->len))
			return elfimg_fail(ctx, -ENOEXEC,
					   "section %u extends past the end of the file", i);
		rc = elfimg_note_block(ctx, img->data + sh.sh_offset, sh.sh_size,
				       sh.sh_addralign == 8 ? 8 : 4, "note section", i, count);
		if (rc)
			return rc;
	}
	return 0;
}

/* Find the section named "__xen_guest"; 1 with *sh filled, 0 if there is none. */
static int elfimg_find_legacy(const struct elfimg_ctx *ctx, Elf64_Shdr *sh)
{
	static const char name[] = "__xen_guest";
	const struct elf_image *img = ctx->img;
	Elf64_Shdr strtab;
	unsigned i;

	if (ctx->eh.e_shstrndx == SHN_UNDEF || ctx->eh.e_shstrndx >= ctx->eh.e_shnum)
		return 0;
	elfimg_shdr_get(ctx, ctx->eh.e_shstrndx, &strtab);
	if (!elfimg_range_ok(strtab.sh_offset, strtab.sh_size, img->len))
		return 0;
	for (i = 0; i < ctx->eh.e_shnum; i++) {
		elfimg_shdr_get(ctx, i, sh);
		if (sh->sh_type == SHT_NOBITS || sh->sh_name >= strtab.sh_size ||
		    strtab.sh_size - sh->sh_name < sizeof(name))
			continue;
		if (memcmp(img->data + strtab.sh_offset + sh->sh_name, name, sizeof(name)) == 0)
			return 1;
	}
	return 0;
}

static int elfimg_notes_legacy(struct elfimg_ctx *ctx)
{
	Elf64_Shdr sh;
	int n;

	if (!elfimg_find_legacy(ctx, &sh))
		return 0;
	if (!elfimg_range_ok(sh.sh_offset, sh.sh_size, ctx->img->len))
		return elfimg_fail(ctx, -ENOEXEC,
				   "section __xen_guest extends past the end of the file");
	n = elfimg_legacy_parse(ctx, (const char *)ctx->img->data + sh.sh_offset, sh.sh_size);
	if (n < 0)
		return n;
	if (n > 0)
		ctx->img->note_source = ELF_NOTES_LEGACY;
	return 0;
}

static int elfimg_check_shdrs(struct elfimg_ctx *ctx)
{
	const Elf64_Ehdr *eh = &ctx->eh;

	if (eh->e_shentsize != sizeof(Elf64_Shdr))
		return elfimg_fail(ctx, -ENOEXEC, "section header size %u, expected %zu",
				   eh->e_shentsize, sizeof(Elf64_Shdr));
	if (!elfimg_range_ok(eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr),
			     ctx->img->len))
		return elfimg_fail(ctx, -ENOEXEC,
				   "section header table extends past the end of the file");
	return 0;
}

/* As Xen: a kernel with notes must be built for xen-3.0 and the generic loader
 * (Linux kernels may name another loader). */
static int elfimg_notes_check(struct elfimg_ctx *ctx)
{
	const struct elf_image *img = ctx->img;

	if (img->note_source == ELF_NOTES_NONE)
		return 0;
	if (strncmp(img->xen_version, "xen-3.0", 7) != 0)
		return elfimg_fail(ctx, -ENOEXEC,
				   "built for Xen version '%s'; pvisor loads kernels whose "
				   "XEN_VERSION note says xen-3.0",
				   img->xen_version);
	if (strncmp(img->loader, "generic", 7) != 0 && strncmp(img->guest_os, "linux", 5) != 0)
		return elfimg_fail(ctx, -ENOEXEC,
				   "built for loader '%s'; pvisor loads kernels whose LOADER "
				   "note says generic",
				   img->loader);
	return 0;
}

static int elfimg_notes_find(struct elfimg_ctx *ctx)
{
	unsigned count = 0;
	int rc;

	rc = elfimg_notes_from_phdrs(ctx, &count);
	if (rc || count) {
		ctx->img->note_source = count ? ELF_NOTES_PHDR : ELF_NOTES_NONE;
		return rc;
	}
	/* Sections are only needed when no PT_NOTE carried Xen notes. */
	if (ctx->eh.e_shoff == 0 || ctx->eh.e_shnum == 0)
		return 0;
	rc = elfimg_check_shdrs(ctx);
	if (!rc)
		rc = elfimg_notes_from_sections(ctx, &count);
	if (rc)
		return rc;
	if (count) {
		ctx->img->note_source = ELF_NOTES_SHDR;
		return 0;
	}
	return elfimg_notes_legacy(ctx);
}

int elfimg_notes_read(struct elfimg_ctx *ctx)
{
	int rc = elfimg_notes_find(ctx);

	return rc ? rc : elfimg_notes_check(ctx);
}
