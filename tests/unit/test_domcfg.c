/* Unit tests for the typed domain config (libpvx domcfg*.c): defaults, every
 * key's validation and message, warnings, overrides, paths, JSON. */
#include "libpvx/domcfg.h"

#include <CUnit/Basic.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BASE "name = 'g'\nkernel = '/k'\n"
#define UUID "uuid = '01234567-89ab-cdef-0123-456789abcdef'\n"

static struct pvx_err perr;
static char warns[4096];

static void warn_cb(void *ctx, const char *msg)
{
	size_t n = strlen(warns);

	CU_ASSERT_PTR_EQUAL(ctx, warns);
	snprintf(warns + n, sizeof(warns) - n, "%s\n", msg);
}

static int build(const char *text, struct domcfg *dc)
{
	struct cfg_file *cf;
	int rc;

	warns[0] = perr.msg[0] = '\0';
	rc = cfg_parse_buffer("d.cfg", text, strlen(text), &cf, &perr);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	rc = domcfg_from_cfg(cf, dc, warn_cb, warns, &perr);
	cfg_free(cf);
	return rc;
}

/* dc must be zeroed or hold an earlier result, which is released first. */
static void ok(const char *text, struct domcfg *dc)
{
	int rc;

	domcfg_fini(dc);
	rc = build(text, dc);

	CU_ASSERT_EQUAL(rc, 0);
	if (rc)
		fprintf(stderr, "\n  input %s\n  error %s\n", text, perr.msg);
}

static void fails(const char *text, const char *msg)
{
	struct domcfg dc = { 0 };
	int rc = build(text, &dc);

	CU_ASSERT_EQUAL(rc, -EINVAL);
	CU_ASSERT_STRING_EQUAL(perr.msg, msg);
	if (strcmp(perr.msg, msg))
		fprintf(stderr, "\n  input %s\n  want  %s\n  got   %s\n", text, msg, perr.msg);
	CU_ASSERT_PTR_NULL(dc.kernel);
	domcfg_fini(&dc);
}

static void test_defaults(void)
{
	struct domcfg dc = { 0 };
	char cwd[4096];

	ok(BASE, &dc);
	CU_ASSERT_STRING_EQUAL(dc.name, "g");
	CU_ASSERT_EQUAL(dc.type, DOMCFG_TYPE_PV);
	CU_ASSERT_EQUAL(dc.memory_mib, 32);
	CU_ASSERT_EQUAL(dc.maxmem_mib, 32);
	CU_ASSERT_EQUAL(dc.vcpus, 1);
	CU_ASSERT_EQUAL(dc.maxvcpus, 1);
	CU_ASSERT_EQUAL(dc.cpu_weight, 256);
	CU_ASSERT_EQUAL(dc.cap, 0);
	CU_ASSERT_EQUAL(dc.on_poweroff, DOMCFG_ACTION_DESTROY);
	CU_ASSERT_EQUAL(dc.on_reboot, DOMCFG_ACTION_RESTART);
	CU_ASSERT_EQUAL(dc.on_watchdog, DOMCFG_ACTION_DESTROY);
	CU_ASSERT_EQUAL(dc.on_crash, DOMCFG_ACTION_DESTROY);
	CU_ASSERT_EQUAL(dc.on_soft_reset, DOMCFG_ACTION_SOFT_RESET);
	CU_ASSERT_STRING_EQUAL(dc.kernel, "/k");
	CU_ASSERT_PTR_NULL(dc.ramdisk);
	CU_ASSERT_PTR_NULL(dc.cmdline);
	CU_ASSERT_PTR_NULL(dc.cpus.all);
	CU_ASSERT_EQUAL(dc.cpus.n, 0);
	CU_ASSERT_EQUAL(dc.n_disks + dc.n_vifs, 0);
	CU_ASSERT_FALSE(dc.uuid_given);
	CU_ASSERT_EQUAL(dc.uuid[6] >> 4, 4);
	CU_ASSERT_EQUAL(dc.uuid[8] >> 6, 2);
	CU_ASSERT_STRING_EQUAL(dc.config_file, "d.cfg");
	CU_ASSERT_PTR_NOT_NULL_FATAL(getcwd(cwd, sizeof(cwd)));
	CU_ASSERT_STRING_EQUAL(dc.config_dir, cwd);
	CU_ASSERT_STRING_EQUAL(warns, "");
	domcfg_fini(&dc);
	CU_ASSERT_PTR_NULL(dc.kernel);
}

static void test_memory(void)
{
	struct domcfg dc = { 0 };

	ok(BASE "memory = 64", &dc);
	CU_ASSERT(dc.memory_mib == 64 && dc.maxmem_mib == 64);
	ok(BASE "maxmem = \"0x80\"", &dc);
	CU_ASSERT(dc.memory_mib == 128 && dc.maxmem_mib == 128);
	ok(BASE "memory = 64; maxmem = 256", &dc);
	CU_ASSERT(dc.memory_mib == 64 && dc.maxmem_mib == 256);
	domcfg_fini(&dc);
	fails(BASE "memory = 128\nmaxmem = 64",
	      "d.cfg:4: maxmem: 64 MiB is less than memory (128 MiB); raise maxmem or remove it");
	fails(BASE "\nmemory = \"lots\"",
	      "d.cfg:4: memory: expected a number of MiB, got \"lots\"");
	fails(BASE "memory = 0",
	      "d.cfg:3: memory: expected a number of MiB from 1 to 1048576, got 0");
	fails(BASE "memory = -1",
	      "d.cfg:3: memory: expected a number of MiB from 1 to 1048576, got -1");
	fails(BASE "maxmem = [64]", "d.cfg:3: maxmem: expected a number of MiB, got a list");
	fails(BASE "memory = ' 64'", "d.cfg:3: memory: expected a number of MiB, got \" 64\"");
}

static void test_vcpus(void)
{
	struct domcfg dc = { 0 };

	ok(BASE "vcpus = 4", &dc);
	CU_ASSERT(dc.vcpus == 4 && dc.maxvcpus == 4);
	ok(BASE "maxvcpus = '8'\ncap = 800", &dc);
	CU_ASSERT(dc.vcpus == 1 && dc.maxvcpus == 8 && dc.cap == 800);
	ok(BASE "vcpus = 2\nmaxvcpus = 128\ncpu_weight = 65535", &dc);
	CU_ASSERT(dc.vcpus == 2 && dc.maxvcpus == 128 && dc.cpu_weight == 65535);
	domcfg_fini(&dc);
	fails(BASE "vcpus = 129",
	      "d.cfg:3: vcpus: expected a number of vCPUs from 1 to 128, got 129");
	fails(BASE "vcpus = 0",
	      "d.cfg:3: vcpus: expected a number of vCPUs from 1 to 128, got 0");
	fails(BASE "vcpus = 4\nmaxvcpus = 2",
	      "d.cfg:4: maxvcpus: 2 is less than vcpus (4); raise maxvcpus or remove it");
	fails(BASE "vcpus = 2\ncap = 201",
	      "d.cfg:4: cap: expected a percentage from 0 to 200 (100 per vCPU), got 201");
	fails(BASE "cap = -1", "d.cfg:3: cap: expected a percentage from 0 to 12800, got -1");
	fails(BASE "cpu_weight = 0",
	      "d.cfg:3: cpu_weight: expected a weight from 1 to 65535, got 0");
	fails(BASE "cpu_weight = 'heavy'",
	      "d.cfg:3: cpu_weight: expected a weight, got \"heavy\"");
}

/* A long bad name is shown shortened to fit the message. */
static void test_name_long(void)
{
	char text[160], msg[300];

	snprintf(text, sizeof(text), "name = '%0100d'", 7);
	text[8] = 'x';
	snprintf(msg, sizeof(msg),
		 "d.cfg:1: name: expected 1 to 63 characters from A-Z a-z 0-9 _ . -, got \"%.90s...\"",
		 text + 8);
	fails(text, msg);
}

static void test_name(void)
{
	struct domcfg dc = { 0 };

	ok("name = 'a-Z_0.9'\nkernel = 'k'", &dc);
	CU_ASSERT_STRING_EQUAL(dc.name, "a-Z_0.9");
	domcfg_fini(&dc);
	ok("name = 0x1f\nkernel = 'k'", &dc); /* a number is text, as in xl */
	CU_ASSERT_STRING_EQUAL(dc.name, "0x1f");
	domcfg_fini(&dc);
	fails("kernel = 'k'",
	      "d.cfg: name: missing; every domain needs one, e.g. name = \"guest1\"");
	fails("name = 'my guest'\nkernel = 'k'",
	      "d.cfg:1: name: expected 1 to 63 characters from A-Z a-z 0-9 _ . -, got \"my guest\"");
	fails("name = ''\nkernel = 'k'",
	      "d.cfg:1: name: expected 1 to 63 characters from A-Z a-z 0-9 _ . -, got \"\"");
	fails("name = '1234'\nkernel = 'k'",
	      "d.cfg:1: name: must not be all digits (it would read as a domain id), got \"1234\"");
	fails("name = 7",
	      "d.cfg:1: name: must not be all digits (it would read as a domain id), got \"7\"");
	fails("name = 'Domain-0'",
	      "d.cfg:1: name: \"Domain-0\" is reserved for the control domain");
	fails("name = ['a']", "d.cfg:1: name: expected a string, got a list");
	fails("name = '0123456789012345678901234567890123456789012345678901234567890123'",
	      "d.cfg:1: name: expected 1 to 63 characters from A-Z a-z 0-9 _ . -, got "
	      "\"0123456789012345678901234567890123456789012345678901234567890123\"");
	test_name_long();
	CU_ASSERT_EQUAL(domcfg_name_check(
				"x234567890123456789012345678901234567890123456789012345678901234"),
			-EINVAL);
	CU_ASSERT_EQUAL(domcfg_name_check(
				"x23456789012345678901234567890123456789012345678901234567890123"),
			0);
}

static void test_type(void)
{
	struct domcfg dc = { 0 };

	ok(BASE "type = 'hvm'", &dc);
	CU_ASSERT_EQUAL(dc.type, DOMCFG_TYPE_HVM);
	ok(BASE "builder = 'hvm'", &dc);
	CU_ASSERT_EQUAL(dc.type, DOMCFG_TYPE_HVM);
	ok(BASE "builder = 'generic'", &dc);
	CU_ASSERT_EQUAL(dc.type, DOMCFG_TYPE_PV);
	ok(BASE "type = 'pv'", &dc);
	CU_ASSERT_EQUAL(dc.type, DOMCFG_TYPE_PV);
	domcfg_fini(&dc);
	ok(BASE "type = 'pvh'", &dc);
	CU_ASSERT_EQUAL(dc.type, DOMCFG_TYPE_PVH);
	domcfg_fini(&dc);
	fails(BASE "type = 'PV'",
	      "d.cfg:3: type: expected \"pv\", \"pvh\" or \"hvm\", got \"PV\"");
	fails(BASE "builder = 'linux'",
	      "d.cfg:3: builder: expected \"generic\" or \"hvm\", got \"linux\"");
	fails(BASE "type = 'pv'\nbuilder = 'generic'",
	      "d.cfg:4: builder: cannot be combined with type= (builder is the old spelling: keep only type)");
}

static void test_kernel(void)
{
	struct domcfg dc = { 0 };

	ok(BASE "ramdisk = ''", &dc);
	CU_ASSERT_PTR_NULL(dc.ramdisk);
	ok(BASE "ramdisk = 'initrd.gz'", &dc);
	CU_ASSERT_STRING_EQUAL(dc.ramdisk, "initrd.gz");
	domcfg_fini(&dc);
	fails("name = 'g'",
	      "d.cfg: kernel: missing; give the kernel image (kernel = \"/boot/vmlinuz\") or a "
	      "bootloader that finds it (bootloader = \"pygrub\")");
	fails("name = 'g'\ntype = 'hvm'",
	      "d.cfg: kernel: missing; give the kernel image (kernel = \"/boot/vmlinuz\") or a "
	      "bootloader that finds it (bootloader = \"pygrub\")");
	fails("name = 'g'\nkernel = ''", "d.cfg:2: kernel: must not be empty");
	ok("name = 'g'\nbootloader = 'pygrub'\nbootloader_args = ['-q', '--entry=1']", &dc);
	CU_ASSERT_PTR_NULL(dc.kernel);
	CU_ASSERT_STRING_EQUAL(dc.bootloader, "pygrub");
	CU_ASSERT_EQUAL(dc.n_bootloader_args, 2);
	ok("name = 'g'\nbootloader = 'pygrub'\nbootloader_args = '-q  --entry=1'", &dc);
	CU_ASSERT_EQUAL(dc.n_bootloader_args, 2);
	CU_ASSERT_STRING_EQUAL(dc.bootloader_args[1], "--entry=1");
	domcfg_fini(&dc);
	fails(BASE "ramdisk = ['a']", "d.cfg:3: ramdisk: expected a string, got a list");
}

static void test_cmdline(void)
{
	struct domcfg dc = { 0 };
	char *big;

	ok(BASE "root = '/dev/xvda1 ro'\nextra = 'console=hvc0'", &dc);
	CU_ASSERT_STRING_EQUAL(dc.cmdline, "root=/dev/xvda1 ro console=hvc0");
	ok(BASE "root = '/dev/xvda1'", &dc);
	CU_ASSERT_STRING_EQUAL(dc.cmdline, "root=/dev/xvda1");
	ok(BASE "extra = 'quiet'", &dc);
	CU_ASSERT_STRING_EQUAL(dc.cmdline, "quiet");
	ok(BASE "cmdline = ''", &dc);
	CU_ASSERT_PTR_NULL(dc.cmdline);
	ok(BASE "extra = 'quiet'\ncmdline = 'console=hvc0'\nroot = 'x'", &dc);
	CU_ASSERT_STRING_EQUAL(dc.cmdline, "console=hvc0");
	CU_ASSERT_STRING_EQUAL(
		warns, "d.cfg:4: warning: root= and extra= ignored in favour of cmdline=\n");
	domcfg_fini(&dc);
	big = calloc(1, 2100);
	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	strcpy(big, BASE "extra = '");
	memset(big + strlen(big), 'x', 1019);
	strcpy(big + strlen(big), "'\nroot = 'y'");
	fails(big,
	      "d.cfg:3: extra: the kernel command line is 1026 characters, more than the 1023 a guest gets");
	big[strlen(big) - 11] = '\0'; /* drop root=: 1019 characters fit */
	ok(big, &dc);
	CU_ASSERT_EQUAL(strlen(dc.cmdline), 1019);
	domcfg_fini(&dc);
	free(big);
}

static void test_actions(void)
{
	struct domcfg dc = { 0 };
	enum domcfg_action a;

	ok(BASE
	   "on_poweroff = 'preserve'\non_reboot = 'rename-restart'\non_watchdog = 'coredump-destroy'\n"
	   "on_crash = 'coredump_restart'\non_soft_reset = 'destroy'",
	   &dc);
	CU_ASSERT_EQUAL(dc.on_poweroff, DOMCFG_ACTION_PRESERVE);
	CU_ASSERT_EQUAL(dc.on_reboot, DOMCFG_ACTION_RENAME_RESTART);
	CU_ASSERT_EQUAL(dc.on_watchdog, DOMCFG_ACTION_COREDUMP_DESTROY);
	CU_ASSERT_EQUAL(dc.on_crash, DOMCFG_ACTION_COREDUMP_RESTART);
	CU_ASSERT_EQUAL(dc.on_soft_reset, DOMCFG_ACTION_DESTROY);
	domcfg_fini(&dc);
	fails(BASE "on_crash = 'explode'",
	      "d.cfg:3: on_crash: expected destroy, restart, rename-restart, preserve, coredump-destroy, "
	      "coredump-restart or soft-reset, got \"explode\"");
	CU_ASSERT_EQUAL(domcfg_action_parse("soft-reset", &a), 0);
	CU_ASSERT_EQUAL(a, DOMCFG_ACTION_SOFT_RESET);
	CU_ASSERT_EQUAL(domcfg_action_parse("restart_rename", &a), 0);
	CU_ASSERT_EQUAL(a, DOMCFG_ACTION_RENAME_RESTART);
	CU_ASSERT_EQUAL(domcfg_action_parse("Restart", &a), -EINVAL);
	CU_ASSERT_STRING_EQUAL(domcfg_action_name(DOMCFG_ACTION_COREDUMP_RESTART),
			       "coredump-restart");
	CU_ASSERT_STRING_EQUAL(domcfg_action_json_name(DOMCFG_ACTION_COREDUMP_RESTART),
			       "coredump_restart");
	CU_ASSERT_STRING_EQUAL(domcfg_action_name((enum domcfg_action)99), "?");
	CU_ASSERT_STRING_EQUAL(domcfg_type_name(DOMCFG_TYPE_HVM), "hvm");
}

static void test_uuid(void)
{
	static const uint8_t want[16] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
					  0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };
	struct domcfg dc = { 0 };
	uint8_t u[16], v[16];
	char s[37];

	ok(BASE "uuid = '01234567-89AB-cdef-0123-456789abcdef'", &dc);
	CU_ASSERT(dc.uuid_given);
	CU_ASSERT_EQUAL(memcmp(dc.uuid, want, 16), 0);
	domcfg_uuid_format(dc.uuid, s);
	CU_ASSERT_STRING_EQUAL(s, "01234567-89ab-cdef-0123-456789abcdef");
	domcfg_fini(&dc);
	fails(BASE "uuid = '1234'", "d.cfg:3: uuid: expected 32 hex digits as "
				    "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, got \"1234\"");
	CU_ASSERT_EQUAL(domcfg_uuid_parse("01234567-89ab-cdef-0123-456789abcdeg", u), -EINVAL);
	CU_ASSERT_EQUAL(domcfg_uuid_parse("0123456789ab-cdef-0123-456789abcdef-", u), -EINVAL);
	CU_ASSERT_EQUAL(domcfg_uuid_parse("01234567-89ab-cdef-0123-456789abcdef0", u), -EINVAL);
	CU_ASSERT_EQUAL(domcfg_uuid_generate(u), 0);
	CU_ASSERT_EQUAL(domcfg_uuid_generate(v), 0);
	CU_ASSERT_NOT_EQUAL(memcmp(u, v, 16), 0);
	CU_ASSERT_EQUAL(u[6] >> 4, 4);
}

static void test_cpus(void)
{
	static const char *const good[] = { "all",  "0",    "0-3,5,^1", "nodes:0-1", "node:2,^3",
					    "^all", "4095", "0-4095",   "3-3" };
	static const char *const bad[] = { "",  "0-",     "-1",  "3-1",   "0,,1", "0,",   "4096",
					   "a", "nodes:", "0 1", "1-2-3", "^",    "alll", "0x1" };
	struct domcfg dc = { 0 };
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		CU_ASSERT_EQUAL(domcfg_cpus_check(good[i]), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(domcfg_cpus_check(bad[i]), -EINVAL);
	ok(BASE "cpus = '0-3,^1'", &dc);
	CU_ASSERT_STRING_EQUAL(dc.cpus.all, "0-3,^1");
	CU_ASSERT_STRING_EQUAL(domcfg_affinity_of(&dc.cpus, 7), "0-3,^1");
	ok(BASE "cpus = 2", &dc);
	CU_ASSERT_STRING_EQUAL(dc.cpus.all, "2");
	ok(BASE "cpus = ['2', '3-8,^5']\ncpus_soft = 'nodes:0'", &dc);
	CU_ASSERT_EQUAL(dc.cpus.n, 2);
	CU_ASSERT_STRING_EQUAL(domcfg_affinity_of(&dc.cpus, 1), "3-8,^5");
	CU_ASSERT_PTR_NULL(domcfg_affinity_of(&dc.cpus, 2)); /* past the list: all */
	CU_ASSERT_STRING_EQUAL(domcfg_affinity_of(&dc.cpus_soft, 0), "nodes:0");
	domcfg_fini(&dc);
	fails(BASE "cpus = '0-'", "d.cfg:3: cpus: expected CPUs such as \"all\", \"0-3,5,^1\" or "
				  "\"nodes:0\" (numbers up to 4095), got \"0-\"");
	fails(BASE "cpus = ['0', '1-']",
	      "d.cfg:3: cpus: item 2: expected CPUs such as \"all\", "
	      "\"0-3,5,^1\" or \"nodes:0\" (numbers up to 4095), got \"1-\"");
	fails(BASE "cpus_soft = []", "d.cfg:3: cpus_soft: a per-vCPU list has 1 to 128 items, "
				     "got 0");
}

static void test_devices(void)
{
	struct domcfg dc = { 0 };

	ok(BASE
	   "disk = [ '/img,raw,xvda,rw',\n 'phy:/dev/vg/x,xvdb,r' ]\nvif = [ 'bridge=br0', '', ]"
	   "\nvif = ['mac=00:16:3e:00:00:01']",
	   &dc);
	CU_ASSERT_EQUAL_FATAL(dc.n_disks, 2);
	/* parsed once, at config time: the typed fields and the text as written */
	CU_ASSERT_STRING_EQUAL(dc.disks[1].text, "phy:/dev/vg/x,xvdb,r");
	CU_ASSERT_STRING_EQUAL(dc.disks[0].target, "/img");
	CU_ASSERT_EQUAL(dc.disks[0].devid, 51712);
	CU_ASSERT_STRING_EQUAL(dc.disks[1].target, "/dev/vg/x");
	CU_ASSERT_STRING_EQUAL(dc.disks[1].backendtype, "phy");
	CU_ASSERT_EQUAL(dc.disks[1].readonly, 1);
	CU_ASSERT_EQUAL_FATAL(dc.n_vifs, 1);
	CU_ASSERT_STRING_EQUAL(dc.vifs[0].text, "mac=00:16:3e:00:00:01");
	CU_ASSERT_EQUAL(dc.vifs[0].mac_given, 1);
	CU_ASSERT_EQUAL(dc.vifs[0].mac[5], 1);
	CU_ASSERT_STRING_EQUAL(dc.vifs[0].bridge, "xenbr0");
	domcfg_fini(&dc);
	ok(BASE "disk = []", &dc);
	CU_ASSERT_EQUAL(dc.n_disks, 0);
	domcfg_fini(&dc);
	fails(BASE "disk = '/img,raw,xvda'",
	      "d.cfg:3: disk: expected a list such as [ '/srv/guest.img,raw,xvda,rw' ], got a string");
	fails(BASE "vif = 1",
	      "d.cfg:3: vif: expected a list such as [ 'bridge=xenbr0' ], got a number");
	fails(BASE "disk = [ 'a',\n  ['b'] ]",
	      "d.cfg:4: disk: item 2: expected a string, got a list");
	fails(BASE "disk = [ 'a',\n\n  '' ]",
	      "d.cfg:5: disk: item 2 is empty; a disk needs at least a target and a vdev");
	fails(BASE "disk = [ '/a,xvda',\n  '/b,raw,xvda' ]",
	      "d.cfg:4: disk: item 2: vdev xvda is already used by item 1");
	fails(BASE "vif = [ 'bridge=sw0',\n  'mtu=1' ]",
	      "d.cfg:4: vif: item 2: mtu: the MTU is 68..65535");
	ok(BASE "vif = [ '' ]", &dc);
	CU_ASSERT_EQUAL_FATAL(dc.n_vifs, 1);
	CU_ASSERT_STRING_EQUAL(dc.vifs[0].text, "");
	CU_ASSERT_EQUAL(dc.vifs[0].mac_given, 0); /* a random MAC, drawn once here */
	CU_ASSERT_EQUAL(dc.vifs[0].mac[0], 0x00);
	CU_ASSERT_EQUAL(dc.vifs[0].mac[1], 0x16);
	CU_ASSERT_EQUAL(dc.vifs[0].mac[2], 0x3e);
	CU_ASSERT_EQUAL(dc.vifs[0].devid, -1);
	domcfg_fini(&dc);
}

static void test_warnings(void)
{
	struct domcfg dc = { 0 };

	ok(BASE "foo = 1\nvfb = ['vnc=1']\nvnc = 0\npci = []\nfoo.bar = [ ]", &dc);
	CU_ASSERT_STRING_EQUAL(warns,
			       "d.cfg:3: warning: unknown key 'foo' ignored\n"
			       "d.cfg:4: warning: vfb: not supported by pvisor, ignored: it has "
			       "no graphical console; the guest's console is the PV console (pvx "
			       "console)\n"
			       "d.cfg:7: warning: unknown key 'foo.bar' ignored\n");
	domcfg_fini(&dc);
	fails(BASE "pci = ['0000:00:1f.2']",
	      "d.cfg:3: pci: not supported by pvisor: guests are host "
	      "processes with no access to host hardware, so nothing is "
	      "passed through; remove it");
	CU_ASSERT_PTR_NOT_NULL(domcfg_xlkey_find("pci"));
	CU_ASSERT_PTR_NULL(domcfg_xlkey_find("memory"));
	CU_ASSERT_PTR_NULL(domcfg_xlkey_find("nonsense"));
}

static void test_overrides(void)
{
	struct cfg_file *cf;
	struct domcfg dc = { 0 };
	int rc;

	rc = cfg_parse_buffer("o.cfg", BASE "memory = 64", strlen(BASE "memory = 64"), &cf,
			      &perr);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_EQUAL(cfg_apply_override(cf, "memory=lots", &perr), 0);
	CU_ASSERT_EQUAL(cfg_apply_override(cf, "frob=1", &perr), 0);
	warns[0] = '\0';
	rc = domcfg_from_cfg(cf, &dc, warn_cb, warns, &perr);
	CU_ASSERT_EQUAL(rc, -EINVAL);
	CU_ASSERT_STRING_EQUAL(perr.msg,
			       "command line: memory: expected a number of MiB, got \"lots\"");
	CU_ASSERT_STRING_EQUAL(warns, "");
	CU_ASSERT_EQUAL(cfg_apply_override(cf, "memory=96", &perr), 0);
	rc = domcfg_from_cfg(cf, &dc, NULL, NULL, &perr);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_EQUAL(dc.memory_mib, 96);
	domcfg_fini(&dc);
	warns[0] = '\0';
	rc = domcfg_from_cfg(cf, &dc, warn_cb, warns, &perr);
	CU_ASSERT_STRING_EQUAL(warns, "command line: warning: unknown key 'frob' ignored\n");
	domcfg_fini(&dc);
	cfg_free(cf);
}

static void test_paths(void)
{
	struct cfg_file *cf;
	struct domcfg dc = { 0 };
	char *p;
	int rc;

	rc = cfg_parse_buffer("/etc/pvisor/web.cfg", BASE, strlen(BASE), &cf, &perr);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	rc = domcfg_from_cfg(cf, &dc, NULL, NULL, &perr);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_STRING_EQUAL(dc.config_file, "/etc/pvisor/web.cfg");
	CU_ASSERT_STRING_EQUAL(dc.config_dir, "/etc/pvisor");
	p = domcfg_path_resolve(&dc, "vmlinuz");
	CU_ASSERT_STRING_EQUAL(p, "/etc/pvisor/vmlinuz");
	free(p);
	p = domcfg_path_resolve(&dc, "/boot/vmlinuz");
	CU_ASSERT_STRING_EQUAL(p, "/boot/vmlinuz");
	free(p);
	domcfg_fini(&dc);
	cfg_free(cf);
	rc = cfg_parse_buffer("/web.cfg", BASE, strlen(BASE), &cf, &perr);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_EQUAL_FATAL(domcfg_from_cfg(cf, &dc, NULL, NULL, &perr), 0);
	CU_ASSERT_STRING_EQUAL(dc.config_dir, "/");
	domcfg_fini(&dc);
	cfg_free(cf);
}

static void test_json(void)
{
	static const char want[] =
		"{\n    \"domid\": 7,\n    \"config\": {\n        \"c_info\": {\n"
		"            \"type\": \"hvm\",\n            \"name\": \"g\",\n"
		"            \"uuid\": \"01234567-89ab-cdef-0123-456789abcdef\"\n        },\n"
		"        \"b_info\": {\n            \"max_vcpus\": 2,\n"
		"            \"avail_vcpus\": [\n                0\n            ],\n"
		"            \"max_memkb\": 65536,\n            \"target_memkb\": 65536,\n"
		"            \"sched_params\": {\n                \"weight\": 256,\n"
		"                \"cap\": 0\n            },\n            \"kernel\": \"/k\",\n"
		"            \"type.hvm\": {\n\n            }\n        },\n"
		"        \"nics\": [\n            \"bridge=br0\"\n        ],\n"
		"        \"on_poweroff\": \"destroy\",\n        \"on_reboot\": \"restart_rename\",\n"
		"        \"on_watchdog\": \"destroy\",\n        \"on_crash\": \"destroy\",\n"
		"        \"on_soft_reset\": \"soft_reset\"\n    }\n}\n";
	struct domcfg dc = { 0 };
	char *js;

	ok(BASE UUID "type = 'hvm'\nmemory = 64\nmaxvcpus = 2\nvif = ['bridge=br0']\n"
		     "on_reboot = 'rename-restart'\n",
	   &dc);
	CU_ASSERT_EQUAL_FATAL(domcfg_to_json(&dc, 7, &js), 0);
	CU_ASSERT_STRING_EQUAL(js, want);
	if (strcmp(js, want))
		fprintf(stderr, "\n%s", js);
	free(js);
	CU_ASSERT_EQUAL_FATAL(domcfg_to_json(&dc, -1, &js), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(js, "\"domid\": null,"));
	free(js);
	domcfg_fini(&dc);
}

int main(void)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} tests[] = {
		{ "defaults", test_defaults },
		{ "memory", test_memory },
		{ "vcpus, weight, cap", test_vcpus },
		{ "name", test_name },
		{ "type", test_type },
		{ "kernel", test_kernel },
		{ "cmdline", test_cmdline },
		{ "actions", test_actions },
		{ "uuid", test_uuid },
		{ "cpus", test_cpus },
		{ "devices", test_devices },
		{ "warnings", test_warnings },
		{ "overrides", test_overrides },
		{ "paths", test_paths },
		{ "json", test_json },
	};
	CU_pSuite suite;
	unsigned failed;
	size_t i;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	suite = CU_add_suite("domcfg", NULL, NULL);
	for (i = 0; suite && i < sizeof(tests) / sizeof(tests[0]); i++)
		CU_add_test(suite, tests[i].name, tests[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
