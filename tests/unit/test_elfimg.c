/* Unit tests for the kernel image loader (libpvx elfimg): good images, notes from
 * each source, gzip, loading, and every kind of malformed image. With
 * --write-corpus DIR it writes seed inputs for fuzz_elfimg instead. */
#include <CUnit/Basic.h>
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elfimg_build.h"
#include "libpvx/elfimg.h"
#include "libpvx/elfimg_priv.h"
#include "util.h"

static uint8_t buf[TB_MAX] __attribute__((aligned(8)));
static uint8_t zbuf[TB_MAX];
static struct tb_layout lay;
static struct pvx_err perr;

static size_t build_standard(void)
{
	struct tb_spec sp;

	tb_spec_standard(&sp);
	return tb_build(&sp, buf, &lay);
}

static Elf64_Ehdr *ehdr(void)
{
	return (Elf64_Ehdr *)buf;
}

static Elf64_Phdr *phdr(unsigned i)
{
	return (Elf64_Phdr *)(buf + lay.phoff + i * sizeof(Elf64_Phdr));
}

/* Parse must fail with -ENOEXEC (or rc) and a message containing needle. */
static void expect_fail_rc(const void *data, size_t len, int rc, const char *needle)
{
	struct elf_image img;
	int got;

	perr.msg[0] = '\0';
	got = elf_image_parse(data, len, &img, &perr);
	CU_ASSERT_EQUAL(got, rc);
	CU_ASSERT_PTR_NOT_NULL(strstr(perr.msg, needle));
	if (!strstr(perr.msg, needle) || got != rc)
		fprintf(stderr, "  expected '%s' (rc %d), got '%s' (rc %d)\n", needle, rc,
			perr.msg, got);
	CU_ASSERT_PTR_NULL(img.data);
	CU_ASSERT_EQUAL(img.nseg, 0);
}

static void expect_ok(size_t len)
{
	struct elf_image img;

	perr.msg[0] = '\0';
	CU_ASSERT_EQUAL(elf_image_parse(buf, len, &img, &perr), 0);
	if (perr.msg[0])
		fprintf(stderr, "  unexpected error: %s\n", perr.msg);
	elf_image_fini(&img);
}

static void expect_fail(size_t len, const char *needle)
{
	expect_fail_rc(buf, len, -ENOEXEC, needle);
}

static void check_standard(const struct elf_image *img)
{
	CU_ASSERT_EQUAL(img->nseg, 1);
	CU_ASSERT_EQUAL(img->seg[0].vaddr, 0x40100000ULL);
	CU_ASSERT_EQUAL(img->seg[0].paddr, 0x100000ULL);
	CU_ASSERT_EQUAL(img->seg[0].filesz, 0x2000);
	CU_ASSERT_EQUAL(img->seg[0].memsz, 0x3000);
	CU_ASSERT_EQUAL(img->entry, 0x40100010ULL);
	CU_ASSERT_EQUAL(img->virt_base, 0x40000000ULL);
	CU_ASSERT_EQUAL(img->paddr_offset, 0);
	CU_ASSERT(img->has_hypercall_page);
	CU_ASSERT_EQUAL(img->hypercall_page, 0x40101000ULL);
	CU_ASSERT_EQUAL(img->pstart, 0x100000ULL);
	CU_ASSERT_EQUAL(img->pend, 0x103000ULL);
	CU_ASSERT_STRING_EQUAL(img->guest_os, "pvtest");
	CU_ASSERT_STRING_EQUAL(img->guest_version, "0.1");
	CU_ASSERT_STRING_EQUAL(img->xen_version, "xen-3.0");
	CU_ASSERT_STRING_EQUAL(img->loader, "generic");
	CU_ASSERT_STRING_EQUAL(img->features, "!writable_page_tables");
	CU_ASSERT_EQUAL(img->note_source, ELF_NOTES_PHDR);
}

static void test_good_notes(void)
{
	struct elf_image img;
	size_t len = build_standard();

	CU_ASSERT_EQUAL_FATAL(elf_image_parse(buf, len, &img, &perr), 0);
	check_standard(&img);
	CU_ASSERT_EQUAL(img.compressed, 0);
	CU_ASSERT_EQUAL(img.len, len);
	elf_image_fini(&img);
	CU_ASSERT_PTR_NULL(img.data);
	elf_image_fini(&img); /* twice is harmless */
}

static void test_load_places_and_zeroes(void)
{
	const uint64_t ram_bytes = 4u << 20;
	uint8_t *ram = malloc(ram_bytes);
	struct elf_image img;
	uint64_t k;
	int ok = 1;

	CU_ASSERT_PTR_NOT_NULL_FATAL(ram);
	memset(ram, 0xaa, ram_bytes);
	CU_ASSERT_EQUAL_FATAL(elf_image_parse(buf, build_standard(), &img, &perr), 0);
	CU_ASSERT_EQUAL(elf_image_load(&img, ram, ram_bytes, 0, &perr), 0);
	for (k = 0; k < 0x2000; k++)
		ok &= ram[0x100000 + k] == tb_pattern(0, k);
	CU_ASSERT(ok);
	for (k = 0x2000; k < 0x3000; k++)
		ok &= ram[0x100000 + k] == 0;
	CU_ASSERT(ok);
	CU_ASSERT_EQUAL(ram[0xfffff], 0xaa);
	CU_ASSERT_EQUAL(ram[0x103000], 0xaa);
	/* RAM known to read as zero: the bss is not written (its pages stay untouched) */
	memset(ram, 0xaa, ram_bytes);
	CU_ASSERT_EQUAL(elf_image_load(&img, ram, ram_bytes, ELF_LOAD_RAM_ZERO, &perr), 0);
	CU_ASSERT_EQUAL(ram[0x100000], tb_pattern(0, 0));
	CU_ASSERT_EQUAL(ram[0x102000], 0xaa);
	elf_image_fini(&img);
	free(ram);
}

static void test_load_too_small(void)
{
	static uint8_t ram[1u << 20];
	struct elf_image img;

	CU_ASSERT_EQUAL_FATAL(elf_image_parse(buf, build_standard(), &img, &perr), 0);
	CU_ASSERT_EQUAL(elf_image_load(&img, ram, sizeof(ram), 0, &perr), -ENOSPC);
	CU_ASSERT_PTR_NOT_NULL(strstr(perr.msg, "kernel needs 2 MiB but the domain has 1 MiB"));
	elf_image_fini(&img);
	CU_ASSERT_EQUAL(elf_image_load(&img, ram, sizeof(ram), 0, &perr), -EINVAL);
}

static void test_no_notes(void)
{
	struct elf_image img;
	struct tb_spec sp;

	tb_spec_standard(&sp);
	sp.nnote = 0;
	sp.nseg = 2;
	sp.seg[1] = (struct tb_seg){ 0x40200000ULL, 0x200000ULL, 0x100, 0x100 };
	CU_ASSERT_EQUAL_FATAL(elf_image_parse(buf, tb_build(&sp, buf, &lay), &img, &perr), 0);
	CU_ASSERT_EQUAL(img.note_source, ELF_NOTES_NONE);
	CU_ASSERT_EQUAL(img.virt_base, 0x40000000ULL);
	CU_ASSERT_EQUAL(img.entry, 0x40100000ULL);
	CU_ASSERT_EQUAL(img.has_hypercall_page, 0);
	CU_ASSERT_EQUAL(img.pend, 0x201000ULL);
	CU_ASSERT_STRING_EQUAL(img.guest_os, "");
	elf_image_fini(&img);

	sp.seg[1].paddr = 0x300000ULL;
	expect_fail(tb_build(&sp, buf, &lay), "disagree on vaddr - paddr");
}

static void test_section_notes(void)
{
	struct elf_image img;
	struct tb_spec sp;

	tb_spec_standard(&sp);
	sp.notes_in_section = 1;
	CU_ASSERT_EQUAL_FATAL(elf_image_parse(buf, tb_build(&sp, buf, &lay), &img, &perr), 0);
	CU_ASSERT_EQUAL(img.note_source, ELF_NOTES_SHDR);
	CU_ASSERT_EQUAL(img.virt_base, 0x40000000ULL);
	CU_ASSERT_STRING_EQUAL(img.guest_os, "pvtest");
	CU_ASSERT_EQUAL(img.hypercall_page, 0x40101000ULL);
	elf_image_fini(&img);
}

static void test_legacy_guest_string(void)
{
	struct elf_image img;
	struct tb_spec sp;

	tb_spec_standard(&sp);
	sp.nnote = 0;
	sp.legacy = "GUEST_OS=linux,GUEST_VER=2.6,XEN_VER=xen-3.0,VIRT_BASE=0x40000000,"
		    "ELF_PADDR_OFFSET=0x40000000,HYPERCALL_PAGE=101,PAE=no,LOADER=generic";
	CU_ASSERT_EQUAL_FATAL(elf_image_parse(buf, tb_build(&sp, buf, &lay), &img, &perr), 0);
	CU_ASSERT_EQUAL(img.note_source, ELF_NOTES_LEGACY);
	CU_ASSERT_STRING_EQUAL(img.guest_os, "linux");
	CU_ASSERT_STRING_EQUAL(img.loader, "generic");
	CU_ASSERT_EQUAL(img.paddr_offset, 0x40000000ULL);
	CU_ASSERT_EQUAL(img.hypercall_page, 0x40101000ULL);
	elf_image_fini(&img);

	sp.legacy = "GUEST_OS=linux,VIRT_BASE=banana";
	expect_fail(tb_build(&sp, buf, &lay), "VIRT_BASE=banana is not a number");
	sp.legacy = "GUEST_OS=li\x1b[2Jnux";
	expect_fail(tb_build(&sp, buf, &lay), "__xen_guest holds a non-printable character");
}

static void test_gzip(void)
{
	struct elf_image img;
	size_t len = build_standard(), zlen = tb_gzip(buf, len, zbuf, sizeof(zbuf));

	CU_ASSERT_FATAL(zlen > 0 && zlen < len);
	CU_ASSERT_EQUAL_FATAL(elf_image_parse(zbuf, zlen, &img, &perr), 0);
	CU_ASSERT_EQUAL(img.compressed, 1);
	CU_ASSERT_EQUAL(img.len, len);
	check_standard(&img);
	elf_image_fini(&img);

	expect_fail_rc(zbuf, zlen - 9, -ENOEXEC, "gzip data is truncated");
	zbuf[zlen / 2] ^= 0x55;
	zbuf[zlen / 2 + 1] ^= 0xaa;
	expect_fail_rc(zbuf, zlen, -ENOEXEC, "gzip");
	zlen = tb_gzip((const uint8_t *)"hello, world", 12, zbuf, sizeof(zbuf));
	expect_fail_rc(zbuf, zlen, -ENOEXEC,
		       "not an ELF file (magic 7f 45 4c 46 expected "
		       "in the decompressed data)");
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void test_open(void)
{
	char dir[] = "/tmp/test_elfimg.XXXXXX", path[64], want[128];
	struct elf_image img;
	size_t len = build_standard(), zlen = tb_gzip(buf, len, zbuf, sizeof(zbuf));

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/vmlinuz", dir);
	write_file(path, zbuf, zlen);
	CU_ASSERT_EQUAL(elf_image_open(path, &img, &perr), 0);
	CU_ASSERT_EQUAL(img.compressed, 1);
	check_standard(&img);
	elf_image_fini(&img);

	write_file(path, zbuf, zlen / 2);
	CU_ASSERT_EQUAL(elf_image_open(path, &img, &perr), -ENOEXEC);
	snprintf(want, sizeof(want), "kernel '%s': gzip data is truncated", path);
	CU_ASSERT_STRING_EQUAL(perr.msg, want);
	write_file(path, "#!/bin/sh\n", 10);
	CU_ASSERT_EQUAL(elf_image_open(path, &img, &perr), -ENOEXEC);
	snprintf(want, sizeof(want), "kernel '%s': not an ELF file (magic 7f 45 4c 46 expected)",
		 path);
	CU_ASSERT_STRING_EQUAL(perr.msg, want);
	unlink(path);
	CU_ASSERT_EQUAL(elf_image_open(path, &img, &perr), -ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(perr.msg, path));
	CU_ASSERT_EQUAL(elf_image_open(dir, &img, &perr), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(perr.msg, "not a regular file"));
	CU_ASSERT_PTR_NULL(img.data);
	rmdir(dir);
}

static void test_bad_header(void)
{
	size_t len = build_standard();

	expect_fail(3, "not an ELF file (magic 7f 45 4c 46 expected)");
	buf[EI_CLASS] = ELFCLASS32;
	expect_fail(len, "32-bit ELF; pvisor boots 64-bit PV kernels only");
	len = build_standard();
	buf[EI_DATA] = ELFDATA2MSB;
	expect_fail(len, "big-endian");
	len = build_standard();
	expect_fail(40, "truncated ELF header");
	ehdr()->e_machine = EM_AARCH64;
	expect_fail(len, "not x86-64");
	ehdr()->e_machine = EM_X86_64;
	ehdr()->e_type = ET_DYN;
	expect_fail(len, "position-independent");
	ehdr()->e_type = ET_REL;
	expect_fail(len, "not an executable");
	ehdr()->e_type = ET_EXEC;
	ehdr()->e_phentsize = 32;
	expect_fail(len, "program header size 32");
	ehdr()->e_phentsize = sizeof(Elf64_Phdr);
	ehdr()->e_phnum = 0;
	expect_fail(len, "no program headers");
	ehdr()->e_phnum = 0xffff;
	expect_fail(len, "65535 program headers");
	ehdr()->e_phnum = 2;
	ehdr()->e_phoff = UINT64_MAX - 8;
	expect_fail(len, "program header table extends past the end of the file");
}

static void test_bad_segments(void)
{
	size_t len = build_standard();

	phdr(0)->p_offset = len - 16;
	expect_fail(len, "segment 0 extends past the end of the file");
	phdr(0)->p_offset = UINT64_MAX - 8; /* offset + size wraps */
	expect_fail(len, "segment 0 extends past the end of the file");
	len = build_standard();
	phdr(0)->p_filesz = 0x4000;
	expect_fail(len, "segment 0: file size 0x4000 exceeds memory size 0x3000");
	len = build_standard();
	phdr(0)->p_memsz = UINT64_MAX - 0x1000;
	expect_fail(len, "address range wraps");
	len = build_standard();
	phdr(0)->p_type = PT_NULL;
	expect_fail(len, "no loadable (PT_LOAD) segments");
	phdr(0)->p_type = PT_INTERP;
	expect_fail(len, "PT_INTERP");
	len = build_standard();
	phdr(1)->p_filesz = len; /* the note segment */
	expect_fail(len, "segment 1 extends past the end of the file");
}

static void test_bad_addresses(void)
{
	static const uint64_t linux_base = 0xffffffff80000000ULL;
	struct tb_spec sp;

	tb_spec_standard(&sp);
	sp.nnote = 0;
	sp.seg[0].vaddr = 0xffffffff81000000ULL;
	sp.seg[0].paddr = 0x1000000ULL;
	sp.entry = sp.seg[0].vaddr;
	expect_fail(tb_build(&sp, buf, &lay), "not linked for pvisor: segment 0 vaddr "
					      "0xffffffff81000000 != PV_PHYSMAP_BASE + paddr");
	CU_ASSERT_PTR_NOT_NULL(strstr(perr.msg, "docs/ABI.md"));
	sp.note[sp.nnote++] = (struct tb_note){ 3, &linux_base, 8 };
	sp.note[sp.nnote++] = (struct tb_note){ 5, "xen-3.0", 8 };
	sp.note[sp.nnote++] = (struct tb_note){ 8, "generic", 8 };
	expect_fail(tb_build(&sp, buf, &lay), "not linked for pvisor");

	tb_spec_standard(&sp);
	sp.seg[0].vaddr = 0x3ff00000ULL; /* below VIRT_BASE */
	expect_fail(tb_build(&sp, buf, &lay), "is below VIRT_BASE 0x40000000");
	tb_spec_standard(&sp);
	sp.nseg = 2;
	sp.seg[1] = (struct tb_seg){ 0x40102000ULL, 0x102000ULL, 0x10, 0x10 };
	expect_fail(tb_build(&sp, buf, &lay), "segments 0 and 1 overlap");
	sp.nseg = TB_MAX_SEGS;
	for (unsigned i = 1; i < sp.nseg; i++)
		sp.seg[i] = (struct tb_seg){ 0x40200000ULL + i * 0x1000, 0x200000 + i * 0x1000,
					     0x10, 0x10 };
	expect_fail(tb_build(&sp, buf, &lay), "more than 16 loadable segments");
}

static void test_bad_entry_and_hypercall(void)
{
	static const uint64_t outside = 0x40300000ULL, unaligned = 0x40101008ULL,
			      straddle = 0x40103000ULL;
	struct tb_spec sp;

	tb_spec_standard(&sp);
	sp.note[7].desc = &outside; /* ENTRY */
	expect_fail(tb_build(&sp, buf, &lay), "entry point 0x40300000 is not inside");
	tb_spec_standard(&sp);
	sp.note[8].desc = &unaligned; /* HYPERCALL_PAGE */
	expect_fail(tb_build(&sp, buf, &lay), "hypercall page 0x40101008 is not page aligned");
	sp.note[8].desc = &straddle;
	expect_fail(tb_build(&sp, buf, &lay), "hypercall page 0x40103000 is not inside");
}

static void test_bad_notes(void)
{
	static const char long_os[80] = "an-operating-system-name-that-is-far-too-long-for-the-"
					"sixty-four-byte-field";
	struct tb_spec sp;
	size_t len;

	tb_spec_standard(&sp);
	sp.note[5].descsz = 6; /* VIRT_BASE */
	expect_fail(tb_build(&sp, buf, &lay), "Xen note VIRT_BASE has a 6-byte value");
	tb_spec_standard(&sp);
	sp.note[0].descsz = 6; /* "pvtest" without its NUL */
	expect_fail(tb_build(&sp, buf, &lay), "Xen note GUEST_OS is not NUL-terminated");
	sp.note[0] = (struct tb_note){ 6, long_os, sizeof(long_os) };
	expect_fail(tb_build(&sp, buf, &lay),
		    "Xen note GUEST_OS is 75 characters; at most 63 fit");
	sp.note[0] = (struct tb_note){ 6, "tab\there", 9 };
	expect_fail(tb_build(&sp, buf, &lay), "non-printable");

	tb_spec_standard(&sp);
	sp.note[2] = (struct tb_note){ 5, "xen-2.0", 8 }; /* XEN_VERSION */
	expect_fail(tb_build(&sp, buf, &lay), "built for Xen version 'xen-2.0'");
	tb_spec_standard(&sp);
	sp.note[3] = (struct tb_note){ 8, "special", 8 }; /* LOADER */
	expect_fail(tb_build(&sp, buf, &lay), "built for loader 'special'");
	sp.note[0] = (struct tb_note){ 6, "linux", 6 }; /* Linux may name any loader */
	expect_ok(tb_build(&sp, buf, &lay));

	len = build_standard();
	memcpy(buf + lay.notes_off + 4, &(uint32_t){ 0xfffffff0u }, 4); /* descsz */
	expect_fail(len, "note segment 1: note data runs past its end");
	len = build_standard();
	memcpy(buf + lay.notes_off, &(uint32_t){ 0xffffffffu }, 4); /* namesz */
	expect_fail(len, "note name runs past its end");
	len = build_standard();
	phdr(1)->p_filesz = lay.notes_len + 5; /* 5 stray bytes after the last note */
	expect_fail(len, "truncated note header");
}

/* Every prefix of a good image, and single-byte corruptions of its headers, must
 * give a clean error (never a crash); an image that still parses must load into a
 * 4 MiB RAM or be refused cleanly. */
static int parse_and_load(const uint8_t *data, size_t len, uint8_t *ram, uint64_t ram_bytes)
{
	struct elf_image img;
	int rc;

	perr.msg[0] = '\0';
	rc = elf_image_parse(data, len, &img, &perr);
	if (rc < 0)
		return perr.msg[0] == '\0' || img.data != NULL ? -1 : rc;
	rc = elf_image_load(&img, ram, ram_bytes, 0, &perr);
	if (rc < 0 && (rc != -ENOSPC || !strstr(perr.msg, "kernel needs")))
		rc = -1;
	elf_image_fini(&img);
	return rc;
}

static void test_truncations_and_corruptions(void)
{
	static const uint8_t vals[] = { 0x00, 0x01, 0x7f, 0x80, 0xff };
	static uint8_t copy[TB_MAX];
	const uint64_t ram_bytes = 4u << 20;
	uint8_t *ram = malloc(ram_bytes);
	size_t len = build_standard(), n, i;
	int bad = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(ram);
	memcpy(copy, buf, len);
	for (n = 0; n < len; n++)
		bad += parse_and_load(copy, n, ram, ram_bytes) >= 0;
	CU_ASSERT_EQUAL(bad, 0);
	for (i = 0; i < lay.seg_off[0]; i++) {
		for (n = 0; n < sizeof(vals); n++) {
			memcpy(copy, buf, len);
			copy[i] = vals[n];
			if (parse_and_load(copy, len, ram, ram_bytes) == -1) {
				fprintf(stderr, "  byte %zu = 0x%02x: '%s'\n", i, vals[n],
					perr.msg);
				bad++;
			}
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
	free(ram);
}

/* The reference kernel, when it has been built. */
static void test_reference_kernel(void)
{
	const char *top = getenv("PVISOR_TOP");
	char path[4096];
	struct elf_image img;

	snprintf(path, sizeof(path), "%s/build/guest/pvkernel", top ? top : ".");
	if (access(path, R_OK) != 0) {
		printf("\n  (skipped: %s not built yet)\n", path);
		return;
	}
	for (int gz = 0; gz < 2; gz++) {
		if (gz)
			strncat(path, ".gz", sizeof(path) - strlen(path) - 1);
		if (elf_image_open(path, &img, &perr) != 0) {
			fprintf(stderr, "  %s\n", perr.msg);
			CU_FAIL_FATAL("reference kernel does not load");
		}
		CU_ASSERT_EQUAL(img.compressed, gz);
		CU_ASSERT_EQUAL(img.note_source, ELF_NOTES_PHDR);
		CU_ASSERT_EQUAL(img.virt_base, 0x40000000ULL);
		CU_ASSERT_STRING_EQUAL(img.xen_version, "xen-3.0");
		CU_ASSERT_STRING_EQUAL(img.loader, "generic");
		CU_ASSERT(img.guest_os[0] != '\0');
		CU_ASSERT(img.has_hypercall_page);
		CU_ASSERT(img.pstart >= 0x100000ULL);
		CU_ASSERT(img.entry >= img.seg[0].vaddr &&
			  img.entry < img.seg[0].vaddr + img.seg[0].memsz);
		elf_image_fini(&img);
	}
}

static void test_gunzip_limits(void)
{
	static uint8_t zeros[256u << 10];
	uint8_t *out = NULL;
	size_t zlen, n, outlen = 0;

	zlen = tb_gzip(zeros, sizeof(zeros), zbuf, sizeof(zbuf) / 2);
	CU_ASSERT_FATAL(zlen > 0 && zlen < 2048);
	CU_ASSERT_EQUAL(elfimg_gunzip(zbuf, zlen, 64u << 10, &out, &outlen, &perr), -EFBIG);
	CU_ASSERT_PTR_NOT_NULL(strstr(perr.msg, "inflates to more than"));
	CU_ASSERT_PTR_NULL(out);
	/* two members back to back, then zero padding */
	memcpy(zbuf + zlen, zbuf, zlen);
	memset(zbuf + 2 * zlen, 0, 64);
	n = 2 * zlen + 64;
	CU_ASSERT_EQUAL_FATAL(elfimg_gunzip(zbuf, n, 1u << 20, &out, &outlen, &perr), 0);
	CU_ASSERT_EQUAL(outlen, 2 * sizeof(zeros));
	CU_ASSERT(out[0] == 0 && out[outlen - 1] == 0);
	free(out);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} tests[] = {
		{ "good image with notes", test_good_notes },
		{ "load places segments and zeroes bss", test_load_places_and_zeroes },
		{ "load refuses too little RAM", test_load_too_small },
		{ "no notes: p_paddr rule", test_no_notes },
		{ "notes in SHT_NOTE sections", test_section_notes },
		{ "legacy __xen_guest string", test_legacy_guest_string },
		{ "gzip images", test_gzip },
		{ "open from a file", test_open },
		{ "bad ELF header", test_bad_header },
		{ "bad segments", test_bad_segments },
		{ "bad addresses", test_bad_addresses },
		{ "bad entry and hypercall page", test_bad_entry_and_hypercall },
		{ "bad notes", test_bad_notes },
		{ "truncations and corruptions", test_truncations_and_corruptions },
		{ "gunzip limits and members", test_gunzip_limits },
		{ "reference kernel", test_reference_kernel },
	};
	CU_pSuite suite;
	unsigned i, failures;

	if (argc == 3 && strcmp(argv[1], "--write-corpus") == 0)
		return tb_write_corpus(argv[2]);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	suite = CU_add_suite("elfimg", NULL, NULL);
	for (i = 0; suite && i < ARRAY_SIZE(tests); i++)
		CU_add_test(suite, tests[i].name, tests[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failures ? 1 : 0;
}
