/* Test helper: build small ELF64 PV kernel images in memory and gzip them. */
#include "elfimg_build.h"

#include <elf.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

static const uint64_t std_virt_base = 0x40000000ULL;
static const uint32_t std_paddr_offset = 0;
static const uint64_t std_entry = 0x40100010ULL;
static const uint64_t std_hypercall = 0x40101000ULL;

static size_t tb_align(size_t v, size_t a)
{
	return (v + a - 1) & ~(a - 1);
}

uint8_t tb_pattern(unsigned i, uint64_t k)
{
	return (uint8_t)(k * 7 + i * 31 + 1);
}

static size_t tb_put_notes(const struct tb_spec *sp, uint8_t *out, size_t off)
{
	uint32_t hdr[3];
	unsigned i;

	for (i = 0; i < sp->nnote; i++) {
		hdr[0] = 4;
		hdr[1] = sp->note[i].descsz;
		hdr[2] = sp->note[i].type;
		memcpy(out + off, hdr, sizeof(hdr));
		memcpy(out + off + 12, "Xen", 4);
		memcpy(out + off + 16, sp->note[i].desc, sp->note[i].descsz);
		off += 16 + tb_align(sp->note[i].descsz, 4);
	}
	return off;
}

static void tb_put_phdrs(const struct tb_spec *sp, uint8_t *out, const struct tb_layout *lay,
			 unsigned nph)
{
	Elf64_Phdr ph;
	unsigned i;

	for (i = 0; i < nph; i++) {
		memset(&ph, 0, sizeof(ph));
		if (i < sp->nseg) {
			ph.p_type = PT_LOAD;
			ph.p_flags = PF_R | PF_W | PF_X;
			ph.p_offset = lay->seg_off[i];
			ph.p_vaddr = sp->seg[i].vaddr;
			ph.p_paddr = sp->seg[i].paddr;
			ph.p_filesz = sp->seg[i].filesz;
			ph.p_memsz = sp->seg[i].memsz;
			ph.p_align = 0x1000;
		} else {
			ph.p_type = PT_NOTE;
			ph.p_offset = lay->notes_off;
			ph.p_filesz = ph.p_memsz = lay->notes_len;
			ph.p_align = 4;
		}
		memcpy(out + lay->phoff + i * sizeof(ph), &ph, sizeof(ph));
	}
}

static void tb_put_shdr(uint8_t *out, size_t at, uint32_t name, uint32_t type, size_t off,
			size_t size)
{
	Elf64_Shdr sh;

	memset(&sh, 0, sizeof(sh));
	sh.sh_name = name;
	sh.sh_type = type;
	sh.sh_offset = off;
	sh.sh_size = size;
	sh.sh_addralign = 4;
	memcpy(out + at, &sh, sizeof(sh));
}

/* Sections: [0] null, [1] .shstrtab, then .note.Xen and/or __xen_guest. */
static size_t tb_put_sections(const struct tb_spec *sp, uint8_t *out, size_t off,
			      struct tb_layout *lay, unsigned *shnum)
{
	static const char strtab[] = "\0.shstrtab\0.note.Xen\0__xen_guest";
	size_t str_off = off, leg_off, leg_len = sp->legacy ? strlen(sp->legacy) + 1 : 0;
	unsigned n = 2;

	memcpy(out + off, strtab, sizeof(strtab));
	leg_off = off + sizeof(strtab);
	if (sp->legacy)
		memcpy(out + leg_off, sp->legacy, leg_len);
	lay->shoff = tb_align(leg_off + leg_len, 8);
	memset(out + lay->shoff, 0, sizeof(Elf64_Shdr));
	tb_put_shdr(out, lay->shoff + 64, 1, SHT_STRTAB, str_off, sizeof(strtab));
	if (sp->notes_in_section)
		tb_put_shdr(out, lay->shoff + 64 * n++, 11, SHT_NOTE, lay->notes_off,
			    lay->notes_len);
	if (sp->legacy)
		tb_put_shdr(out, lay->shoff + 64 * n++, 21, SHT_PROGBITS, leg_off, leg_len);
	*shnum = n;
	return lay->shoff + 64 * n;
}

static void tb_put_ehdr(const struct tb_spec *sp, uint8_t *out, const struct tb_layout *lay,
			unsigned nph, unsigned shnum)
{
	Elf64_Ehdr eh;

	memset(&eh, 0, sizeof(eh));
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_EXEC;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_entry = sp->entry;
	eh.e_phoff = lay->phoff;
	eh.e_shoff = lay->shoff;
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = nph;
	eh.e_shentsize = shnum ? sizeof(Elf64_Shdr) : 0;
	eh.e_shnum = shnum;
	eh.e_shstrndx = shnum ? 1 : 0;
	memcpy(out, &eh, sizeof(eh));
}

size_t tb_build(const struct tb_spec *sp, uint8_t *out, struct tb_layout *lay)
{
	unsigned nph = sp->nseg + (sp->nnote && !sp->notes_in_section), shnum = 0, i;
	size_t off;
	uint64_t k;

	memset(out, 0, TB_MAX);
	memset(lay, 0, sizeof(*lay));
	lay->phoff = sizeof(Elf64_Ehdr);
	lay->notes_off = lay->phoff + nph * sizeof(Elf64_Phdr);
	off = tb_put_notes(sp, out, lay->notes_off);
	lay->notes_len = off - lay->notes_off;
	for (i = 0; i < sp->nseg; i++) {
		off = tb_align(off, 16);
		lay->seg_off[i] = off;
		for (k = 0; k < sp->seg[i].filesz; k++)
			out[off + k] = tb_pattern(i, k);
		off += sp->seg[i].filesz;
	}
	if (sp->notes_in_section || sp->legacy)
		off = tb_put_sections(sp, out, tb_align(off, 8), lay, &shnum);
	tb_put_phdrs(sp, out, lay, nph);
	tb_put_ehdr(sp, out, lay, nph, shnum);
	return off;
}

static void tb_add_note(struct tb_spec *sp, uint32_t type, const void *desc, uint32_t len)
{
	sp->note[sp->nnote].type = type;
	sp->note[sp->nnote].desc = desc;
	sp->note[sp->nnote].descsz = len;
	sp->nnote++;
}

void tb_spec_standard(struct tb_spec *sp)
{
	memset(sp, 0, sizeof(*sp));
	sp->entry = 0x40100000ULL;
	sp->nseg = 1;
	sp->seg[0].vaddr = 0x40100000ULL;
	sp->seg[0].paddr = 0x100000ULL;
	sp->seg[0].filesz = 0x2000;
	sp->seg[0].memsz = 0x3000;
	tb_add_note(sp, 6, "pvtest", 7);                  /* GUEST_OS */
	tb_add_note(sp, 7, "0.1", 4);                     /* GUEST_VERSION */
	tb_add_note(sp, 5, "xen-3.0", 8);                 /* XEN_VERSION */
	tb_add_note(sp, 8, "generic", 8);                 /* LOADER */
	tb_add_note(sp, 10, "!writable_page_tables", 22); /* FEATURES */
	tb_add_note(sp, 3, &std_virt_base, 8);            /* VIRT_BASE */
	tb_add_note(sp, 4, &std_paddr_offset, 4);         /* PADDR_OFFSET */
	tb_add_note(sp, 1, &std_entry, 8);                /* ENTRY */
	tb_add_note(sp, 2, &std_hypercall, 8);            /* HYPERCALL_PAGE */
}

size_t tb_gzip(const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
	z_stream zs;
	size_t n;

	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return 0;
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)len;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	n = deflate(&zs, Z_FINISH) == Z_STREAM_END ? cap - zs.avail_out : 0;
	deflateEnd(&zs);
	return n;
}

int tb_write_corpus(const char *dir)
{
	static const char *const legacy =
		"GUEST_OS=linux,XEN_VER=xen-3.0,"
		"VIRT_BASE=0x40000000,HYPERCALL_PAGE=0x101,LOADER=generic";
	static uint8_t img[TB_MAX], gz[TB_MAX];
	struct tb_layout lay;
	char path[4096];
	struct tb_spec sp;
	size_t len, n;
	FILE *f;
	int v;

	for (v = 0; v < 5; v++) {
		tb_spec_standard(&sp);
		sp.seg[0].filesz = 0x80; /* keep seeds small: the rest is bss */
		sp.notes_in_section = v == 1;
		sp.nnote = (v == 2 || v == 3) ? 0 : sp.nnote;
		sp.legacy = v == 2 ? legacy : NULL;
		len = tb_build(&sp, img, &lay);
		if (v == 4)
			len = tb_gzip(memcpy(gz, img, len), len, img, sizeof(img));
		snprintf(path, sizeof(path), "%s/seed-%d", dir, v);
		f = fopen(path, "wb");
		if (!f)
			return 1;
		n = fwrite(img, 1, len, f);
		if (fclose(f) != 0 || len == 0 || n != len)
			return 1;
	}
	return 0;
}
