/* The save stream's record layer (libpvx sr_io, sr_stream, sr_pages): headers and
 * records round-trip through a file and a pipe, the checksum is the same however
 * a body is split, pages land where they belong (zero pages left out, deflated or
 * not), and an image cut at any byte or with any byte flipped is refused with a
 * message -- never read as something else. */
#include <CUnit/Basic.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libpvx/sr_pages.h"
#include "libpvx/sr_stream.h"

#define NPAGES 64u
#define PAGE   4096u

static uint8_t *guest; /* NPAGES of "guest memory" */

static void fill_guest(void)
{
	guest = aligned_alloc(PAGE, NPAGES * PAGE);
	memset(guest, 0, NPAGES * PAGE);
	for (unsigned p = 0; p < NPAGES; p++)
		if (p % 3) /* every third page stays zero */
			for (unsigned i = 0; i < PAGE; i++)
				guest[p * PAGE + i] = (uint8_t)(p * 31 + i * 7 + (i >> 5));
}

static void test_sum_split(void)
{
	uint8_t buf[1000];
	uint64_t whole;

	for (unsigned i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 13);
	whole = sr_sum64(buf, sizeof(buf));
	for (size_t cut = 0; cut <= sizeof(buf); cut += 37) {
		struct sr_sum s;

		sr_sum_init(&s);
		sr_sum_update(&s, buf, cut);
		for (size_t off = cut; off < sizeof(buf); off += 5)
			sr_sum_update(&s, buf + off,
				      off + 5 <= sizeof(buf) ? 5 : sizeof(buf) - off);
		CU_ASSERT_EQUAL(sr_sum_final(&s), whole);
	}
	buf[500] ^= 1;
	CU_ASSERT_NOT_EQUAL(sr_sum64(buf, sizeof(buf)), whole);
	CU_ASSERT_NOT_EQUAL(sr_sum64(buf, 999), sr_sum64(buf, 1000));
}

/* An image: headers, DOMAIN, pages (zlib or not), BOOT, END. Returns its fd (a
 * memfd, at offset 0) and its size. */
static int write_image(unsigned flags, size_t *size)
{
	struct pv_sr_domain dom = { .page_shift = 12, .max_vcpus = 1, .max_pages = NPAGES };
	struct pv_sr_boot boot = { .start_info_gfn = 5, .store_gfn = 6 };
	struct sr_pages_writer w;
	struct sr_io io;
	int fd = memfd_create("img", 0);

	strcpy(dom.pvisor, PV_SR_PVISOR_VERSION);
	strcpy(dom.engine, "pv");
	CU_ASSERT_EQUAL(sr_io_fd(&io, fd, 1), 0);
	CU_ASSERT_EQUAL(sr_xl_header_write(&io, "{\"name\": \"t\"}"), 0);
	CU_ASSERT_EQUAL(sr_image_header_write(&io), 0);
	CU_ASSERT_EQUAL(sr_record_write1(&io, PV_SR_REC_DOMAIN, &dom, sizeof(dom)), 0);
	CU_ASSERT_EQUAL(sr_pages_writer_init(&w, &io, flags), 0);
	for (unsigned p = 0; p < NPAGES; p++)
		CU_ASSERT_EQUAL(sr_pages_add(&w, p, guest + p * PAGE), 0);
	CU_ASSERT_EQUAL(sr_pages_flush(&w), 0);
	CU_ASSERT_EQUAL(w.zero, NPAGES / 3 + 1);
	CU_ASSERT_EQUAL(w.pages, NPAGES - (NPAGES / 3 + 1));
	sr_pages_writer_fini(&w);
	CU_ASSERT_EQUAL(sr_record_write1(&io, PV_SR_REC_BOOT, &boot, sizeof(boot)), 0);
	CU_ASSERT_EQUAL(sr_record_write(&io, PV_SR_REC_END, NULL, 0), 0);
	CU_ASSERT_EQUAL(sr_io_flush(&io), 0);
	*size = (size_t)sr_io_offset(&io);
	CU_ASSERT_EQUAL((off_t)*size, lseek(fd, 0, SEEK_END));
	sr_io_fini(&io);
	lseek(fd, 0, SEEK_SET);
	return fd;
}

/* Read an image back into mem: 0 (with END seen) or the first error. */
static int read_image(int fd, uint8_t *mem, struct pvx_err *err)
{
	struct sr_record rec = { 0 };
	struct sr_layout l;
	struct sr_io io;
	char *config = NULL;
	z_stream z;
	int zr = 0, rc, end = 0;
	uint64_t pages = 0;

	sr_layout_init(&l, NPAGES, 1);
	sr_io_fd(&io, fd, 0);
	rc = sr_xl_header_read(&io, &config, err);
	if (rc == 0 && strcmp(config, "{\"name\": \"t\"}") != 0)
		rc = pvx_fail(err, -EINVAL, "config changed");
	if (rc == 0)
		rc = sr_image_header_read(&io, err);
	while (rc == 0 && !end) {
		rc = sr_record_head(&io, &rec, err);
		if (rc == 0 && rec.type == PV_SR_REC_PAGE_DATA)
			rc = sr_pages_read(&io, &rec, mem, &l, &z, &zr, &pages, err);
		else if (rc == 0)
			rc = sr_record_body(&io, &rec, err);
		end = rc == 0 && rec.type == PV_SR_REC_END;
	}
	if (zr)
		inflateEnd(&z);
	free(config);
	sr_record_fini(&rec);
	sr_io_fini(&io);
	return rc;
}

static void roundtrip(unsigned flags)
{
	uint8_t *mem = aligned_alloc(PAGE, NPAGES * PAGE);
	struct pvx_err err = { 0 };
	size_t size;
	int fd = write_image(flags, &size);

	memset(mem, 0, NPAGES * PAGE);
	CU_ASSERT_EQUAL(read_image(fd, mem, &err), 0);
	CU_ASSERT_EQUAL(memcmp(mem, guest, NPAGES * PAGE), 0);
	close(fd);
	free(mem);
}

static void test_roundtrip_raw(void)
{
	roundtrip(0);
}

static void test_roundtrip_zlib(void)
{
	roundtrip(SR_PAGES_ZLIB);
}

/* A copy of the image with one change, read back: the result. */
static int read_mutated(const uint8_t *img, size_t size, size_t cut, size_t flip)
{
	uint8_t *mem = aligned_alloc(PAGE, NPAGES * PAGE);
	struct pvx_err err = { 0 };
	int fd = memfd_create("bad", 0), rc;
	uint8_t *copy = malloc(size);

	memcpy(copy, img, size);
	if (flip < size)
		copy[flip] ^= 0x10;
	CU_ASSERT_EQUAL(write(fd, copy, cut), (ssize_t)cut);
	lseek(fd, 0, SEEK_SET);
	rc = read_image(fd, mem, &err);
	if (rc)
		CU_ASSERT(err.msg[0] != '\0'); /* every refusal says why */
	close(fd);
	free(copy);
	free(mem);
	return rc;
}

static void damaged(unsigned flags)
{
	size_t size;
	int fd = write_image(flags, &size);
	uint8_t *img = malloc(size);
	unsigned refused = 0, tried = 0;

	CU_ASSERT_EQUAL(pread(fd, img, size, 0), (ssize_t)size);
	close(fd);
	for (size_t cut = 0; cut < size; cut += cut < 256 ? 1 : 97)
		CU_ASSERT_NOT_EQUAL(read_mutated(img, size, cut, size), 0);
	for (size_t flip = 0; flip < size; flip += flip < 256 ? 1 : 61) {
		tried++;
		refused += read_mutated(img, size, size, flip) != 0;
	}
	/* the config text's quotes and the reserved bytes of the headers may take a flip
	 * that changes nothing a reader cares about; every other byte is checked */
	CU_ASSERT(refused >= tried - 32);
	CU_ASSERT_EQUAL(read_mutated(img, size, size, size), 0);
	free(img);
}

static void test_damaged_raw(void)
{
	damaged(0);
}

static void test_damaged_zlib(void)
{
	damaged(SR_PAGES_ZLIB);
}

/* Records through a pipe (no seeking): a thread writes, we read. */
static void *pipe_writer(void *arg)
{
	int *p = arg;
	struct sr_pages_writer w;
	struct sr_io io;

	sr_io_fd(&io, p[1], 1);
	sr_xl_header_write(&io, "{\"name\": \"t\"}");
	sr_image_header_write(&io);
	sr_pages_writer_init(&w, &io, SR_PAGES_ZLIB);
	for (unsigned p2 = 0; p2 < NPAGES; p2++)
		sr_pages_add(&w, p2, guest + p2 * PAGE);
	sr_pages_flush(&w);
	sr_pages_writer_fini(&w);
	sr_record_write(&io, PV_SR_REC_END, NULL, 0);
	sr_io_flush(&io);
	sr_io_fini(&io);
	close(p[1]);
	return NULL;
}

static void test_pipe(void)
{
	uint8_t *mem = aligned_alloc(PAGE, NPAGES * PAGE);
	struct pvx_err err = { 0 };
	pthread_t t;
	int p[2];

	memset(mem, 0, NPAGES * PAGE);
	CU_ASSERT_EQUAL(pipe(p), 0);
	pthread_create(&t, NULL, pipe_writer, p);
	CU_ASSERT_EQUAL(read_image(p[0], mem, &err), 0);
	pthread_join(t, NULL);
	close(p[0]);
	CU_ASSERT_EQUAL(memcmp(mem, guest, NPAGES * PAGE), 0);
	free(mem);
}

/* A frame outside the domain is refused even with a correct checksum. */
static int decode_count(void *ctx, uint64_t pfn, const uint8_t *data)
{
	(void)pfn;
	(void)data;
	(*(unsigned *)ctx)++;
	return 0;
}

static void test_bad_frame(void)
{
	struct {
		struct pv_sr_page_data h;
		uint64_t pfn[1];
	} b = { .h = { .count = 1 } };
	struct pvx_err err = { 0 };
	struct sr_layout l;
	unsigned n = 0;

	sr_layout_init(&l, NPAGES, 1);
	b.pfn[0] = PV_SR_PAGE_ZERO << PV_SR_PAGE_TYPE_SHIFT | 3;
	CU_ASSERT_EQUAL(sr_pages_decode((uint8_t *)&b, sizeof(b), &l, NULL, decode_count, &n,
					&err),
			0);
	CU_ASSERT_EQUAL(n, 1);
	b.pfn[0] = PV_SR_PAGE_ZERO << PV_SR_PAGE_TYPE_SHIFT | NPAGES; /* shared_info: no */
	CU_ASSERT_EQUAL(sr_pages_decode((uint8_t *)&b, sizeof(b), &l, NULL, decode_count, &n,
					&err),
			-EBADMSG);
	b.pfn[0] = PV_SR_PAGE_ZERO << PV_SR_PAGE_TYPE_SHIFT | l.eng_first; /* upcall stack */
	CU_ASSERT_EQUAL(sr_pages_decode((uint8_t *)&b, sizeof(b), &l, NULL, decode_count, &n,
					&err),
			0);
	b.pfn[0] = 0x5ull << PV_SR_PAGE_TYPE_SHIFT | 3; /* a page type we do not write */
	CU_ASSERT_EQUAL(sr_pages_decode((uint8_t *)&b, sizeof(b), &l, NULL, decode_count, &n,
					&err),
			-EBADMSG);
	CU_ASSERT(strstr(err.msg, "damaged") != NULL);
}

/* Only the pages a memory fd holds data for are even looked at. */
static void test_memfd_extents(void)
{
	size_t len = 1024 * PAGE;
	int fd = memfd_create("mem", 0), img = memfd_create("img", 0);
	uint8_t *mem;
	struct sr_pages_writer w;
	struct sr_io io;

	CU_ASSERT_EQUAL(ftruncate(fd, (off_t)len), 0);
	mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	mem[5 * PAGE] = 1;
	mem[700 * PAGE + 100] = 2;
	(void)*(volatile uint8_t *)(mem + 800 * PAGE); /* read: shmem allocates it */
	mem[900 * PAGE] = 0; /* written with zero: data, but a zero page */
	sr_io_fd(&io, img, 1);
	sr_pages_writer_init(&w, &io, 0);
	CU_ASSERT_EQUAL(sr_pages_write_fd(&w, fd, mem, 0, 1024), 0);
	CU_ASSERT_EQUAL(sr_pages_flush(&w), 0);
	CU_ASSERT_EQUAL(w.pages, 2);
	CU_ASSERT(w.zero <= 2); /* the two zero pages, left out */
	sr_pages_writer_fini(&w);
	sr_io_flush(&io);
	sr_io_fini(&io);
	munmap(mem, len);
	close(fd);
	close(img);
}

int main(void)
{
	CU_pSuite s;

	fill_guest();
	CU_initialize_registry();
	s = CU_add_suite("sr_stream", NULL, NULL);
	CU_add_test(s, "checksum of split bodies", test_sum_split);
	CU_add_test(s, "round trip, raw pages", test_roundtrip_raw);
	CU_add_test(s, "round trip, deflated pages", test_roundtrip_zlib);
	CU_add_test(s, "through a pipe", test_pipe);
	CU_add_test(s, "cut or flipped images refused (raw)", test_damaged_raw);
	CU_add_test(s, "cut or flipped images refused (zlib)", test_damaged_zlib);
	CU_add_test(s, "frames outside the domain refused", test_bad_frame);
	CU_add_test(s, "memory fd data extents", test_memfd_extents);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	int failed = (int)CU_get_number_of_failures();

	CU_cleanup_registry();
	free(guest);
	return failed ? 1 : 0;
}
