/* Boot tests of the reference kernel (build/guest/pvkernel) under the fake
 * in-process hypervisor of kboot_fakehv.c: every app, the banner, the command line,
 * and the way each app ends the domain. Skips (77) when the image is not built. */
#include <elf.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include <pvisor/pvisor.h>
#include <pvisor/sched.h>

#include "kboot_fakehv.h"

static char *image;
static size_t image_len;
static struct kboot_result res;

static int boot_opts(const char *cmdline, const struct kboot_opts *o)
{
	int rc = kboot_run(image, image_len, cmdline, o, &res);

	if (rc < 0)
		fprintf(stderr, "kboot_run: %s\n", strerror(-rc));
	printf("\n--- boot \"%s\": exit %d signal %d\n%s", cmdline, res.exit_code, res.signo,
	       res.out);
	return rc;
}

static int boot(const char *cmdline)
{
	struct kboot_opts o = { 0 };

	return boot_opts(cmdline, &o);
}

#define OUTPUT_HAS(s) CU_ASSERT_PTR_NOT_NULL(strstr(res.out, s))

static void test_hello(void)
{
	CU_ASSERT_EQUAL_FATAL(boot("app=hello"), 0);
	CU_ASSERT_EQUAL(res.exit_code, KBOOT_EXIT_SHUTDOWN(PV_SHUTDOWN_poweroff));
	OUTPUT_HAS("pvkernel 0.1: 16 MiB memory, cmdline \"app=hello\"\n");
	OUTPUT_HAS("hello: Hello from the pvisor reference kernel\n");
	OUTPUT_HAS("hello: xen_version 4.17.0-fake\n");
	OUTPUT_HAS("hello: capabilities \"xen-3.0-x86_64\"\n");
	OUTPUT_HAS("hello: current_reservation 4096 pages (16 MiB)\n");
	OUTPUT_HAS("hello: maximum_reservation 4096 pages (16 MiB)\n");
	OUTPUT_HAS("hello: vcpu 0 is_up=1\n");
	OUTPUT_HAS("hello: vcpu 1 is_up failed: error -2\n");
	OUTPUT_HAS(", tsc 1000000 kHz\n");
	OUTPUT_HAS("hello: done\npvkernel: shutting down (poweroff)\n");
	CU_ASSERT_PTR_NULL(strstr(res.out, "not implemented"));
}

static void test_default_app_and_memory(void)
{
	struct kboot_opts o = { .mem_mib = 64 };

	CU_ASSERT_EQUAL_FATAL(boot_opts("", &o), 0);
	CU_ASSERT_EQUAL(res.exit_code, KBOOT_EXIT_SHUTDOWN(PV_SHUTDOWN_poweroff));
	OUTPUT_HAS("pvkernel 0.1: 64 MiB memory, cmdline \"\"\n");
	OUTPUT_HAS("hello: done\n");
}

static void test_unknown_app(void)
{
	CU_ASSERT_EQUAL_FATAL(boot("quiet app=nope"), 0);
	CU_ASSERT_EQUAL(res.exit_code, KBOOT_EXIT_SHUTDOWN(PV_SHUTDOWN_crash));
	OUTPUT_HAS("pvkernel: unknown app 'nope' (apps: hello spin fault badsys ud crash "
		   "reboot forge hcbench mem ");
	OUTPUT_HAS(" help)\n");
}

static void test_crash_reboot(void)
{
	CU_ASSERT_EQUAL_FATAL(boot("app=crash"), 0);
	CU_ASSERT_EQUAL(res.exit_code, KBOOT_EXIT_SHUTDOWN(PV_SHUTDOWN_crash));
	OUTPUT_HAS("crash: calling SCHEDOP_shutdown(crash)\n");
	CU_ASSERT_EQUAL_FATAL(boot("app=reboot"), 0);
	CU_ASSERT_EQUAL(res.exit_code, KBOOT_EXIT_SHUTDOWN(PV_SHUTDOWN_reboot));
	OUTPUT_HAS("reboot: calling SCHEDOP_shutdown(reboot)\n");
}

static void test_faults(void)
{
	struct kboot_opts o = { .deny_getpid = 1 };

	CU_ASSERT_EQUAL_FATAL(boot("app=fault"), 0);
	CU_ASSERT_EQUAL(res.signo, SIGSEGV);
	OUTPUT_HAS("fault: writing to unmapped address 0x1000\n");
	CU_ASSERT_EQUAL_FATAL(boot("app=ud"), 0);
	CU_ASSERT_EQUAL(res.signo, SIGILL);
	OUTPUT_HAS("ud: executing ud2");
	CU_ASSERT_EQUAL_FATAL(boot_opts("app=badsys", &o), 0);
	CU_ASSERT_EQUAL(res.signo, SIGSYS);
	OUTPUT_HAS("badsys: making a forbidden system call (getpid)\n");
	CU_ASSERT_PTR_NULL(strstr(res.out, "let it through"));
}

static void test_spin(void)
{
	struct kboot_opts o = { .timeout_ms = 200 };

	CU_ASSERT_EQUAL_FATAL(boot_opts("app=spin", &o), 0);
	CU_ASSERT_EQUAL(res.signo, SIGALRM);
	OUTPUT_HAS("spin: spinning\n");
}

static void test_hcbench(void)
{
	unsigned long long n, total, avg, median, p99;
	const char *line;

	CU_ASSERT_EQUAL_FATAL(boot("app=hcbench n=20000"), 0);
	CU_ASSERT_EQUAL(res.exit_code, KBOOT_EXIT_SHUTDOWN(PV_SHUTDOWN_poweroff));
	line = strstr(res.out, "hcbench: n=");
	CU_ASSERT_PTR_NOT_NULL_FATAL(line);
	CU_ASSERT_EQUAL_FATAL(sscanf(line,
				     "hcbench: n=%llu total_ns=%llu avg_ns=%llu "
				     "median_ns=%llu p99_ns=%llu",
				     &n, &total, &avg, &median, &p99),
			      5);
	CU_ASSERT_EQUAL(n, 20000);
	CU_ASSERT(total > 0);
	CU_ASSERT_EQUAL(avg, total / n);
	CU_ASSERT(median <= p99);
	CU_ASSERT_EQUAL_FATAL(boot("app=hcbench n=zero"), 0);
	CU_ASSERT_EQUAL(res.exit_code, KBOOT_EXIT_SHUTDOWN(PV_SHUTDOWN_crash));
	OUTPUT_HAS("hcbench: n must be a count of at least 1 (got 'zero')");
}

static void test_mem(void)
{
	CU_ASSERT_EQUAL_FATAL(boot("app=mem mib=4"), 0);
	CU_ASSERT_EQUAL(res.exit_code, KBOOT_EXIT_BLOCKED);
	OUTPUT_HAS("mem: touched 4 MiB\n");
	OUTPUT_HAS("fakehv: blocked with 1024 pages touched\n");
	CU_ASSERT_EQUAL_FATAL(boot("app=mem mib=16"), 0);
	CU_ASSERT_EQUAL(res.exit_code, KBOOT_EXIT_SHUTDOWN(PV_SHUTDOWN_crash));
	OUTPUT_HAS("mem: mib=16 is more than the 13 MiB free past the kernel");
	CU_ASSERT_EQUAL_FATAL(boot("app=mem mib=0"), 0);
	CU_ASSERT_EQUAL(res.exit_code, KBOOT_EXIT_BLOCKED);
	OUTPUT_HAS("mem: touched 0 MiB\n");
	CU_ASSERT_EQUAL_FATAL(boot("app=mem mib=lots"), 0);
	CU_ASSERT_EQUAL(res.exit_code, KBOOT_EXIT_SHUTDOWN(PV_SHUTDOWN_crash));
	OUTPUT_HAS("mem: give the amount to touch as mib=N");
}

static void test_long_cmdline(void)
{
	char line[1024];
	size_t pos = 0;

	pos += (size_t)snprintf(line, sizeof(line), "app=help");
	for (int i = 0; i < 40; i++)
		pos += (size_t)snprintf(line + pos, sizeof(line) - pos, " w%d", i);
	CU_ASSERT_EQUAL_FATAL(boot(line), 0);
	CU_ASSERT_EQUAL(res.exit_code, KBOOT_EXIT_SHUTDOWN(PV_SHUTDOWN_poweroff));
	OUTPUT_HAS("pvkernel: warning: command line cut: 9 arguments past 32 ignored\n");
	OUTPUT_HAS("help:   hcbench  n=COUNT");
}

/* Xen notes seen in the image, by type (1..8). */
struct image_notes {
	int seen[9];
	uint64_t num[9];
	char str[9][32];
};

static void check_note(const uint8_t *p, uint32_t type, uint32_t descsz, struct image_notes *n)
{
	CU_ASSERT(type >= 1 && type <= 8);
	if (type < 1 || type > 8)
		return;
	n->seen[type]++;
	if (type <= 4) {
		CU_ASSERT_EQUAL(descsz, 8);
		memcpy(&n->num[type], p, 8);
	} else if (descsz < sizeof(n->str[type])) {
		memcpy(n->str[type], p, descsz);
		CU_ASSERT_EQUAL(p[descsz - 1], '\0');
	}
}

static void walk_notes(const uint8_t *p, size_t len, struct image_notes *n)
{
	while (len >= 12) {
		uint32_t h[3];
		size_t nlen, dlen;

		memcpy(h, p, sizeof(h));
		nlen = (h[0] + 3u) & ~3u;
		dlen = (h[1] + 3u) & ~3u;
		CU_ASSERT_FATAL(nlen + dlen <= len - 12);
		CU_ASSERT(h[0] == 4 && memcmp(p + 12, "Xen", 4) == 0);
		check_note(p + 12 + nlen, h[2], h[1], n);
		p += 12 + nlen + dlen;
		len -= 12 + nlen + dlen;
	}
}

static void check_phdr(const Elf64_Phdr *ph, struct image_notes *n, uint64_t *text_lo,
		       uint64_t *text_hi)
{
	CU_ASSERT(ph->p_type == PT_LOAD || ph->p_type == PT_NOTE);
	if (ph->p_type == PT_NOTE) {
		CU_ASSERT_EQUAL(ph->p_align, 4);
		CU_ASSERT_FATAL(ph->p_offset + ph->p_filesz <= image_len);
		walk_notes((const uint8_t *)image + ph->p_offset, ph->p_filesz, n);
		return;
	}
	CU_ASSERT_EQUAL(ph->p_paddr, ph->p_vaddr - PV_PHYSMAP_BASE);
	CU_ASSERT_EQUAL(ph->p_align, 4096);
	CU_ASSERT(ph->p_vaddr >= PV_KERNEL_LINK_ADDR);
	if (ph->p_flags & PF_X) {
		*text_lo = ph->p_vaddr;
		*text_hi = ph->p_vaddr + ph->p_memsz;
	}
}

static void test_image(void)
{
	const Elf64_Ehdr *eh = (const void *)image;
	const Elf64_Phdr *ph = (const void *)(image + eh->e_phoff);
	struct image_notes n = { 0 };
	uint64_t text_lo = 0, text_hi = 0;

	CU_ASSERT_FATAL(image_len >= sizeof(*eh) && eh->e_phentsize == sizeof(*ph) &&
			eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(*ph) <= image_len);
	CU_ASSERT_EQUAL_FATAL(eh->e_type, ET_EXEC);
	CU_ASSERT_EQUAL(eh->e_machine, EM_X86_64);
	CU_ASSERT_EQUAL(ph[0].p_vaddr, PV_KERNEL_LINK_ADDR);
	for (unsigned int i = 0; i < eh->e_phnum; i++)
		check_phdr(&ph[i], &n, &text_lo, &text_hi);
	for (int t = 1; t <= 8; t++)
		CU_ASSERT_EQUAL(n.seen[t], 1);
	CU_ASSERT_EQUAL(n.num[1], eh->e_entry);
	CU_ASSERT_EQUAL(n.num[2] & 4095, 0);
	CU_ASSERT(n.num[2] >= text_lo && n.num[2] + 4096 <= text_hi);
	CU_ASSERT_EQUAL(n.num[3], PV_PHYSMAP_BASE);
	CU_ASSERT_EQUAL(n.num[4], PV_PHYSMAP_BASE);
	CU_ASSERT_STRING_EQUAL(n.str[5], "xen-3.0");
	CU_ASSERT_STRING_EQUAL(n.str[6], "pvisor-ref");
	CU_ASSERT_STRING_EQUAL(n.str[7], "0.1");
	CU_ASSERT_STRING_EQUAL(n.str[8], "generic");
}

static int load_image(const char *path)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (!f)
		return -errno;
	if (fseek(f, 0, SEEK_END) < 0 || (n = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET) < 0 ||
	    !(image = malloc((size_t)n)) || fread(image, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		return -EIO;
	}
	image_len = (size_t)n;
	fclose(f);
	return 0;
}

int main(void)
{
	const char *top = getenv("PVISOR_TOP");
	char path[4096];
	CU_pSuite s;
	unsigned int failed;

	snprintf(path, sizeof(path), "%s/build/guest/pvkernel", top ? top : ".");
	if (load_image(path) < 0) {
		printf("kernel image %s not built (make build/guest/pvkernel)\n", path);
		return 77;
	}
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("kernel_boot", NULL, NULL);
	CU_add_test(s, "image: segments and Xen notes", test_image);
	CU_add_test(s, "hello", test_hello);
	CU_add_test(s, "default app, 64 MiB", test_default_app_and_memory);
	CU_add_test(s, "unknown app", test_unknown_app);
	CU_add_test(s, "crash and reboot", test_crash_reboot);
	CU_add_test(s, "fault, ud, badsys", test_faults);
	CU_add_test(s, "spin", test_spin);
	CU_add_test(s, "hcbench", test_hcbench);
	CU_add_test(s, "mem", test_mem);
	CU_add_test(s, "long command line", test_long_cmdline);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	free(image);
	return failed ? 1 : 0;
}
