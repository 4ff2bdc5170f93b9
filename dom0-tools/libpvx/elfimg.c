/* Kernel image loader: read and validate an ELF64 PV kernel, load it into guest RAM.
 * Address rules live in elfimg_place.c, notes in elfimg_notes.c, gzip in elfimg_gzip.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libpvx/elfimg_priv.h"
#include "util.h"

#define MIB       (1ULL << 20)
#define PAGE_SIZE 4096ULL

int elfimg_fail(struct elfimg_ctx *ctx, int rc, const char *fmt, ...)
{
	char msg[PVX_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return pvx_fail(ctx->err, rc, "%s", msg);
}

static int elfimg_check_ident(struct elfimg_ctx *ctx)
{
	const uint8_t *d = ctx->img->data;
	size_t len = ctx->img->len;
	const char *where = ctx->img->compressed ? " in the decompressed data" : "";

	if (len < EI_NIDENT || memcmp(d, ELFMAG, SELFMAG) != 0)
		return elfimg_fail(ctx, -ENOEXEC,
				   "not an ELF file (magic 7f 45 4c 46 expected%s)", where);
	if (d[EI_CLASS] == ELFCLASS32)
		return elfimg_fail(ctx, -ENOEXEC,
				   "a 32-bit ELF; pvisor boots 64-bit PV kernels only");
	if (d[EI_CLASS] != ELFCLASS64)
		return elfimg_fail(ctx, -ENOEXEC, "unknown ELF class %u", d[EI_CLASS]);
	if (d[EI_DATA] != ELFDATA2LSB)
		return elfimg_fail(
			ctx, -ENOEXEC,
			"a big-endian ELF; pvisor boots little-endian x86-64 kernels only");
	if (d[EI_VERSION] != EV_CURRENT)
		return elfimg_fail(ctx, -ENOEXEC, "unknown ELF version %u", d[EI_VERSION]);
	if (len < sizeof(Elf64_Ehdr))
		return elfimg_fail(ctx, -ENOEXEC, "truncated ELF header (%zu of %zu bytes)", len,
				   sizeof(Elf64_Ehdr));
	memcpy(&ctx->eh, d, sizeof(ctx->eh));
	return 0;
}

static int elfimg_check_ehdr(struct elfimg_ctx *ctx)
{
	const Elf64_Ehdr *eh = &ctx->eh;

	if (eh->e_machine != EM_X86_64)
		return elfimg_fail(ctx, -ENOEXEC, "built for ELF machine %u, not x86-64 (62)",
				   eh->e_machine);
	if (eh->e_type == ET_DYN)
		return elfimg_fail(ctx, -ENOEXEC,
				   "a position-independent ELF (ET_DYN); link the kernel as a "
				   "fixed-address executable (ET_EXEC, ld -no-pie)");
	if (eh->e_type != ET_EXEC)
		return elfimg_fail(ctx, -ENOEXEC,
				   "ELF type %u is not an executable (ET_EXEC expected)",
				   eh->e_type);
	if (eh->e_phnum == 0)
		return elfimg_fail(ctx, -ENOEXEC, "no program headers (nothing to load)");
	if (eh->e_phnum > ELF_IMAGE_MAX_PHDRS)
		return elfimg_fail(ctx, -ENOEXEC, "%u program headers; at most %u are supported",
				   eh->e_phnum, ELF_IMAGE_MAX_PHDRS);
	if (eh->e_phentsize != sizeof(Elf64_Phdr))
		return elfimg_fail(ctx, -ENOEXEC, "program header size %u, expected %zu",
				   eh->e_phentsize, sizeof(Elf64_Phdr));
	if (!elfimg_range_ok(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr),
			     ctx->img->len))
		return elfimg_fail(ctx, -ENOEXEC,
				   "program header table extends past the end of the file");
	return 0;
}

static int elfimg_add_segment(struct elfimg_ctx *ctx, unsigned i, const Elf64_Phdr *ph)
{
	struct elf_image *img = ctx->img;
	struct elf_segment *s;

	if (ph->p_filesz > ph->p_memsz)
		return elfimg_fail(ctx, -ENOEXEC,
				   "segment %u: file size 0x%llx exceeds memory size 0x%llx", i,
				   (unsigned long long)ph->p_filesz,
				   (unsigned long long)ph->p_memsz);
	if (!elfimg_range_ok(ph->p_offset, ph->p_filesz, img->len))
		return elfimg_fail(ctx, -ENOEXEC, "segment %u extends past the end of the file",
				   i);
	if (ph->p_vaddr + ph->p_memsz < ph->p_vaddr || ph->p_paddr + ph->p_memsz < ph->p_paddr)
		return elfimg_fail(ctx, -ENOEXEC, "segment %u: address range wraps around", i);
	if (ph->p_memsz == 0)
		return 0;
	if (img->nseg == ELF_IMAGE_MAX_SEGS)
		return elfimg_fail(ctx, -ENOEXEC, "more than %u loadable segments",
				   ELF_IMAGE_MAX_SEGS);
	ctx->seg_phdr[img->nseg] = i;
	s = &img->seg[img->nseg++];
	s->vaddr = ph->p_vaddr;
	s->paddr = ph->p_paddr; /* raw; elfimg_place() computes the real one */
	s->filesz = ph->p_filesz;
	s->memsz = ph->p_memsz;
	s->file_off = ph->p_offset;
	s->flags = ph->p_flags;
	return 0;
}

static int elfimg_read_phdrs(struct elfimg_ctx *ctx)
{
	Elf64_Phdr ph;
	unsigned i;
	int rc;

	for (i = 0; i < ctx->eh.e_phnum; i++) {
		memcpy(&ph, ctx->img->data + ctx->eh.e_phoff + (uint64_t)i * sizeof(ph),
		       sizeof(ph));
		if (ph.p_type == PT_INTERP)
			return elfimg_fail(ctx, -ENOEXEC,
					   "segment %u asks for a program interpreter (PT_INTERP); "
					   "link the kernel statically",
					   i);
		if (ph.p_type != PT_LOAD)
			continue;
		rc = elfimg_add_segment(ctx, i, &ph);
		if (rc)
			return rc;
	}
	if (ctx->img->nseg == 0)
		return elfimg_fail(ctx, -ENOEXEC, "no loadable (PT_LOAD) segments");
	return 0;
}

/* Validate img->data (already owned by img) and fill in everything else. */
static int elfimg_parse_data(struct elf_image *img, struct pvx_err *err)
{
	struct elfimg_ctx ctx = { .img = img, .err = err };
	int rc;

	rc = elfimg_check_ident(&ctx);
	if (!rc)
		rc = elfimg_check_ehdr(&ctx);
	if (!rc)
		rc = elfimg_read_phdrs(&ctx);
	if (!rc)
		rc = elfimg_notes_read(&ctx);
	if (!rc)
		rc = elfimg_place(&ctx);
	if (rc)
		elf_image_fini(img);
	return rc;
}

int elf_image_parse(const void *buf, size_t len, struct elf_image *img, struct pvx_err *err)
{
	int rc;

	memset(img, 0, sizeof(*img));
	if (elfimg_is_gzip(buf, len)) {
		rc = elfimg_gunzip(buf, len, ELF_IMAGE_MAX_INFLATED, &img->data, &img->len, err);
		if (rc)
			return rc;
		img->compressed = 1;
		return elfimg_parse_data(img, err);
	}
	if (len > ELF_IMAGE_MAX_INFLATED)
		return pvx_fail(err, -EFBIG, "image is %llu MiB; at most %llu MiB is accepted",
				(unsigned long long)(len / MIB), ELF_IMAGE_MAX_INFLATED / MIB);
	img->data = malloc(len ? len : 1);
	if (!img->data)
		return pvx_fail(err, -ENOMEM, "out of memory copying %zu bytes", len);
	if (len)
		memcpy(img->data, buf, len);
	img->len = len;
	return elfimg_parse_data(img, err);
}

/* Size of the open kernel file, refusing what is not a regular file or too big. */
static int elfimg_file_size(int fd, size_t *size, struct pvx_err *err)
{
	struct stat st;
	int rc;

	if (fstat(fd, &st) < 0) {
		rc = -errno;
		return pvx_fail(err, rc, "cannot stat: %s", strerror(-rc));
	}
	if (!S_ISREG(st.st_mode))
		return pvx_fail(err, -EINVAL, "not a regular file");
	if ((uint64_t)st.st_size > ELF_IMAGE_MAX_FILE)
		return pvx_fail(err, -EFBIG,
				"file is %llu MiB; kernel files over %llu MiB are "
				"refused",
				(unsigned long long)st.st_size / MIB, ELF_IMAGE_MAX_FILE / MIB);
	*size = (size_t)st.st_size;
	return 0;
}

/* Map a whole regular file of at most ELF_IMAGE_MAX_FILE bytes, read-only. An
 * empty file gets a one-byte buffer (it fails to parse, with the usual words). */
static int elfimg_map_file(const char *path, struct elf_image *img, struct pvx_err *err)
{
	size_t size = 0;
	void *p;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		return pvx_fail(err, rc, "cannot open: %s; check the kernel= path",
				strerror(-rc));
	}
	rc = elfimg_file_size(fd, &size, err);
	if (rc == 0 && size == 0) {
		img->data = calloc(1, 1);
		rc = img->data ? 0 : pvx_fail(err, -ENOMEM, "out of memory");
	} else if (rc == 0) {
		p = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED) {
			rc = pvx_fail(err, -errno, "cannot map: %s", strerror(errno));
		} else {
			img->data = p;
			img->len = img->map_len = size;
		}
	}
	close(fd);
	return rc;
}

static int elfimg_open_data(const char *path, struct elf_image *img, struct pvx_err *err)
{
	uint8_t *raw;
	size_t len;
	int rc;

	rc = elfimg_map_file(path, img, err);
	if (rc || !elfimg_is_gzip(img->data, img->len))
		return rc;
	raw = img->data;
	len = img->len;
	img->data = NULL;
	rc = elfimg_gunzip(raw, len, ELF_IMAGE_MAX_INFLATED, &img->data, &img->len, err);
	munmap(raw, img->map_len);
	img->map_len = 0;
	img->compressed = !rc;
	return rc;
}

int elf_image_open(const char *path, struct elf_image *img, struct pvx_err *err)
{
	struct pvx_err why = { 0 };
	int rc;

	memset(img, 0, sizeof(*img));
	rc = elfimg_open_data(path, img, &why);
	if (!rc)
		rc = elfimg_parse_data(img, &why);
	if (rc) {
		elf_image_fini(img);
		return pvx_fail(err, rc, "kernel '%s': %s", path, pvx_err_text(&why, rc));
	}
	return 0;
}

static int elfimg_check_loadable(const struct elf_image *img, uint64_t ram_bytes,
				 struct pvx_err *err)
{
	const struct elf_segment *s;
	unsigned i;

	if (!img->data || img->nseg == 0 || img->nseg > ELF_IMAGE_MAX_SEGS)
		return pvx_fail(err, -EINVAL, "kernel image was not parsed");
	if (img->pend > ram_bytes)
		return pvx_fail(err, -ENOSPC,
				"kernel needs %llu MiB but the domain has %llu MiB "
				"of memory; raise memory= in the domain config",
				(unsigned long long)((img->pend + MIB - 1) / MIB),
				(unsigned long long)(ram_bytes / MIB));
	for (i = 0; i < img->nseg; i++) {
		s = &img->seg[i];
		if (s->filesz > s->memsz || !elfimg_range_ok(s->file_off, s->filesz, img->len) ||
		    !elfimg_range_ok(s->paddr, s->memsz, ram_bytes))
			return pvx_fail(err, -EINVAL, "kernel segment %u is inconsistent", i);
	}
	return 0;
}

int elf_image_load(const struct elf_image *img, void *guest_ram, uint64_t ram_bytes,
		   unsigned flags, struct pvx_err *err)
{
	const struct elf_segment *s;
	uint8_t *ram = guest_ram;
	unsigned i;
	int rc;

	rc = elfimg_check_loadable(img, ram_bytes, err);
	if (rc)
		return rc;
	for (i = 0; i < img->nseg; i++) {
		s = &img->seg[i];
		memcpy(ram + s->paddr, img->data + s->file_off, s->filesz);
		if (!(flags & ELF_LOAD_RAM_ZERO))
			memset(ram + s->paddr + s->filesz, 0, s->memsz - s->filesz);
	}
	return 0;
}

/* pwrite all of [buf, buf + len) at off. */
static int elfimg_pwrite(int fd, const uint8_t *buf, uint64_t len, uint64_t off)
{
	while (len > 0) {
		ssize_t n = pwrite(fd, buf, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		buf += n;
		off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	return 0;
}

/* One segment's file bytes at guest-physical paddr, around the page at hole. */
static int elfimg_write_seg(int fd, const uint8_t *src, uint64_t len, uint64_t paddr,
			    uint64_t hole)
{
	uint64_t cut;
	int rc;

	if (hole >= paddr + len || hole + PAGE_SIZE <= paddr)
		return elfimg_pwrite(fd, src, len, paddr);
	cut = hole > paddr ? hole - paddr : 0;
	if (cut && (rc = elfimg_pwrite(fd, src, cut, paddr)) < 0)
		return rc;
	cut = hole + PAGE_SIZE - paddr; /* first byte after the hole */
	return cut < len ? elfimg_pwrite(fd, src + cut, len - cut, paddr + cut) : 0;
}

int elf_image_write(const struct elf_image *img, int fd, uint64_t ram_bytes, uint64_t hole,
		    struct pvx_err *err)
{
	int rc = elfimg_check_loadable(img, ram_bytes, err);

	for (unsigned i = 0; rc == 0 && i < img->nseg; i++) {
		const struct elf_segment *s = &img->seg[i];

		rc = elfimg_write_seg(fd, img->data + s->file_off, s->filesz, s->paddr, hole);
		if (rc < 0)
			pvx_fail(err, rc, "writing kernel segment %u into guest memory: %s", i,
				 strerror(-rc));
	}
	return rc;
}

void elf_image_fini(struct elf_image *img)
{
	if (img->map_len)
		munmap(img->data, img->map_len);
	else
		free(img->data);
	memset(img, 0, sizeof(*img));
}
