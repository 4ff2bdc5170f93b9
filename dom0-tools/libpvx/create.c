/* Creating a domain from a parsed config, naming domains, and the configs the
 * toolstack keeps for live domains in the run directory. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "libpvx/build_priv.h"
#include "libpvx/pvx.h"
#include "libpvx/diskspec.h"
#include "libpvx/pvx_store.h"
#include "pvisor/domctl.h"
#include "pvisor/sysctl.h"
#include "libxs/xs.h"
#include "rundir.h"
#include "util.h"

static uint8_t action_of(enum domcfg_action a)
{
	switch (a) {
	case DOMCFG_ACTION_PRESERVE:
		return PV_ACTION_PRESERVE;
	case DOMCFG_ACTION_RESTART:
	case DOMCFG_ACTION_RENAME_RESTART:
	case DOMCFG_ACTION_COREDUMP_RESTART:
	case DOMCFG_ACTION_SOFT_RESET:
		return PV_ACTION_RESTART;
	default:
		return PV_ACTION_DESTROY;
	}
}

int pvx_domain_resolve(struct pvctrl *h, const char *spec, pv_domid_t *domid)
{
	struct pv_privcmd_domext e;
	uint64_t id;
	int numeric = util_parse_u64(spec, PV_DOMID_FIRST_RESERVED - 1, &id) == 0;
	int rc = pvctrl_domext_get(h, (pv_domid_t)id, numeric ? NULL : spec, &e);

	if (rc == 0)
		*domid = e.domid;
	return rc;
}

/* hvm and pvh run in a hardware VM: the hvm engine (as xl's CDF_hvm and CDF_hap). */
uint32_t pvx_domain_create_flags(const struct domcfg *dc)
{
	return dc->type == DOMCFG_TYPE_PV ? 0 : PV_DOMCTL_CDF_hvm | PV_DOMCTL_CDF_hap;
}

/* The hypervisor runs no hvm domain here: name what is missing. */
static int create_no_hvm(const struct domcfg *dc, struct pvx_err *err)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return pvx_fail(err, -EOPNOTSUPP,
				"type \"%s\" needs /dev/kvm: %s (load kvm_intel, "
				"kvm_amd or kvm_pvm and let the user running pvisor open it), or "
				"use type = \"pv\"",
				domcfg_type_name(dc->type), strerror(errno));
	close(fd);
	return pvx_fail(err, -EOPNOTSUPP,
			"type \"%s\": this pvisor runs no hvm domains (it "
			"found /dev/kvm unusable when it started, or was built without the hvm "
			"engine: pvx dmesg says which); use type = \"pv\"",
			domcfg_type_name(dc->type));
}

/* What physinfo (answered rc) says about the host against dc. */
static int create_checks_host(const struct pv_sysctl_physinfo *pi, int rc,
			      const struct domcfg *dc, struct pvx_err *err)
{
	uint64_t host_mib;

	if (rc < 0)
		return pvx_fail(err, rc, "asking the hypervisor for host facts: %s",
				strerror(-rc));
	if (dc->type != DOMCFG_TYPE_PV && !(pi->capabilities & PV_SYSCTL_PHYSCAP_hvm))
		return create_no_hvm(dc, err);
	host_mib = pi->total_pages / 256;
	if (dc->maxmem_mib > host_mib)
		return pvx_fail(err, -ENOMEM,
				"%s %lu MiB is more than the host's %lu MiB of "
				"memory; lower it",
				dc->maxmem_mib > dc->memory_mib ? "maxmem" : "memory",
				(unsigned long)dc->maxmem_mib, (unsigned long)host_mib);
	return 0;
}

int pvx_domain_create_checks(struct pvctrl *h, const struct domcfg *dc, struct pvx_err *err)
{
	struct pv_sysctl_physinfo pi;
	int rc = pvctrl_physinfo(h, &pi);

	return create_checks_host(&pi, rc, dc, err);
}

/* The guest's wallclock: rtc_timeoffset, plus the host's offset from UTC with
 * localtime = 1 (libxl does the same for every domain type). */
static int create_clock(struct pvctrl *h, pv_domid_t domid, const struct domcfg *dc,
			struct pvx_err *err)
{
	long long off = dc->rtc_timeoffset;
	time_t now = time(NULL);
	struct tm tm;
	int rc;

	if (dc->localtime && localtime_r(&now, &tm))
		off += tm.tm_gmtoff;
	if (off == 0)
		return 0;
	rc = pvctrl_domain_set_time_offset(h, domid, off);
	if (rc < 0)
		pvx_fail(err, rc, "setting the guest's clock offset: %s", strerror(-rc));
	return rc;
}

static void create_name_req(struct pv_privcmd_domext *e, pv_domid_t domid,
			    const struct domcfg *dc)
{
	memset(e, 0, sizeof(*e));
	e->domid = domid;
	e->flags = PV_DOMEXT_SET_NAME | PV_DOMEXT_SET_ACTIONS;
	snprintf(e->name, sizeof(e->name), "%s", dc->name);
	e->on_poweroff = action_of(dc->on_poweroff);
	e->on_reboot = action_of(dc->on_reboot);
	e->on_crash = action_of(dc->on_crash);
	e->on_watchdog = action_of(dc->on_watchdog);
}

/* The answer to naming the domain (rc), explained. */
static int create_name_answer(struct pvctrl *h, const struct domcfg *dc, int rc,
			      struct pvx_err *err)
{
	pv_domid_t other;

	if (rc == -EEXIST && pvx_domain_resolve(h, dc->name, &other) == 0)
		pvx_fail(err, rc,
			 "a domain named '%s' already exists (id %u); choose another "
			 "name or destroy it first",
			 dc->name, other);
	else if (rc == -EEXIST)
		pvx_fail(err, rc, "a domain named '%s' already exists; choose another name",
			 dc->name);
	else if (rc < 0)
		pvx_fail(err, rc, "naming the domain: %s", strerror(-rc));
	return rc;
}

int pvx_domain_set_name(struct pvctrl *h, pv_domid_t domid, const struct domcfg *dc,
			struct pvx_err *err)
{
	struct pv_privcmd_domext e;

	create_name_req(&e, domid, dc);
	/* The hypervisor keeps names unique: no list of every domain to look first. */
	return create_name_answer(h, dc, pvctrl_domext_set(h, &e), err);
}

/* "domains/<id><ext>", relative to the run directory: the config (.cfg), its
 * first line naming its file. */
static void saved_path_ext(pv_domid_t domid, const char *ext, char *buf, size_t len)
{
	snprintf(buf, len, "domains/%u%s", domid, ext);
}

static void saved_path(pv_domid_t domid, char *buf, size_t len)
{
	saved_path_ext(domid, ".cfg", buf, len);
}

/* Whole or not at all (the monitor may read it any time): written to a temporary
 * created exclusively and renamed, never through a link (rundir.h). */
int pvx_domain_save_config(pv_domid_t domid, const char *text)
{
	char path[64];
	int rc = rundir_mkdir("domains");

	if (rc < 0)
		return rc;
	saved_path(domid, path, sizeof(path));
	return rundir_write_file(path, text, strlen(text));
}

char *pvx_saved_source(const char *text)
{
	size_t tag = strlen(PVX_SAVED_SOURCE), len;

	if (!text || strncmp(text, PVX_SAVED_SOURCE, tag) != 0)
		return NULL;
	len = strcspn(text + tag, "\n");
	return len ? strndup(text + tag, len) : NULL;
}

/* A config that came from elsewhere (a save image) is kept as create keeps one: its
 * first line names the file its relative paths resolve against. */
void pvx_domain_keep_config(pv_domid_t domid, const char *text, const struct domcfg *dc)
{
	const char *base = strrchr(dc->config_file, '/');
	char *src = pvx_saved_source(text), *full = NULL;

	if (!text)
		return;
	if (src)
		pvx_domain_save_config(domid, text);
	else if (asprintf(&full, PVX_SAVED_SOURCE "%s/%s\n%s", dc->config_dir,
			  base ? base + 1 : dc->config_file, text) >= 0)
		pvx_domain_save_config(domid, full);
	free(src);
	free(full);
}

static char *saved_read(pv_domid_t domid, const char *ext)
{
	char path[64], *buf = NULL;
	struct stat st;
	int fd;

	saved_path_ext(domid, ext, path, sizeof(path));
	fd = rundir_open(path, O_RDONLY, 0);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && st.st_size < (1 << 20) && (buf = malloc(st.st_size + 1))) {
		ssize_t n = util_read_full(fd, buf, st.st_size);

		buf[n > 0 ? n : 0] = '\0';
	}
	close(fd);
	return buf;
}

char *pvx_domain_saved_config(pv_domid_t domid)
{
	return saved_read(domid, ".cfg");
}

char *pvx_domain_saved_config_file(pv_domid_t domid)
{
	char *text = saved_read(domid, ".cfg"), *file = pvx_saved_source(text);

	free(text);
	return file;
}

void pvx_domain_forget(pv_domid_t domid)
{
	char path[64];

	saved_path(domid, path, sizeof(path));
	rundir_unlink(path);
	pvx_store_domain_forget(domid);
	pvx_disk_servers_stop(domid);
}

/* The store layout and the introduction, before the guest first runs. */
int pvx_domain_store_create(pv_domid_t domid, const struct domcfg *dc,
			    const struct pvx_boot_ports *bp, struct pvx_err *err)
{
	struct xs_handle *xs;
	int rc = pvx_store_open(&xs, err);

	if (rc < 0)
		return rc;
	rc = pvx_store_domain_create(xs, domid, dc, bp, err);
	if (rc == 0)
		rc = pvx_disks_add(xs, domid, dc, err);
	if (rc == 0)
		rc = pvx_vifs_add(xs, domid, dc, err);
	xs_close(xs);
	return rc;
}

static const struct pvx_console_hook *console_hook;

void pvx_console_hook_set(const struct pvx_console_hook *hook)
{
	console_hook = hook;
}

/* Round trip 1: host facts and the domain itself, asked together. A domain
 * created for a config the host cannot run is destroyed again. */
static int create_domain(struct pvctrl *h, const struct domcfg *dc, pv_domid_t *domid,
			 struct pvx_err *err)
{
	struct pv_sysctl_physinfo pi;
	struct pvctrl_batch b;
	int rc_pi, rc_cr, rc;

	pvctrl_batch_init(&b, h);
	pvctrl_q_physinfo(&b, &pi, &rc_pi);
	pvctrl_q_domain_create(&b, pvx_domain_create_flags(dc), dc->maxvcpus, dc->uuid, domid,
			       &rc_cr);
	if ((rc = pvctrl_batch_run(&b)) < 0)
		return pvx_fail(err, rc, "asking the hypervisor to create the domain: %s",
				strerror(-rc));
	rc = create_checks_host(&pi, rc_pi, dc, err);
	if (rc < 0 && rc_cr == 0)
		pvctrl_domain_destroy(h, *domid);
	if (rc == 0 && rc_cr < 0)
		rc = pvx_fail(err, rc_cr, "creating the domain: %s", strerror(-rc_cr));
	return rc;
}

/* Round trip 2: name and actions, then everything the builder asks (build.c);
 * the rest only when the config asks for it (clock offset, pinning, credit). */
static int create_build(struct pvctrl *h, pv_domid_t domid, const struct domcfg *dc,
			const struct elf_image *img, struct pvx_boot_ports *bp,
			struct pvx_err *err)
{
	struct build_calls *c = malloc(sizeof(*c));
	struct pv_privcmd_domext e;
	struct pvctrl_batch b;
	int rc_name, rc;

	if (!c)
		return pvx_fail(err, -ENOMEM, "out of memory");
	pvctrl_batch_init(&b, h);
	create_name_req(&e, domid, dc);
	pvctrl_q_domext_set(&b, &e, &rc_name);
	rc = build_queue(&b, c, domid, dc, img, err);
	if (rc == 0 && (rc = pvctrl_batch_run(&b)) < 0)
		pvx_fail(err, rc, "asking the hypervisor to build the domain: %s", strerror(-rc));
	if (rc == 0)
		rc = create_name_answer(h, dc, rc_name, err);
	if (rc == 0)
		rc = create_clock(h, domid, dc, err);
	if (rc == 0)
		rc = pvx_domain_sched_apply(h, domid, dc, err);
	if (rc == 0)
		rc = build_finish(c, dc, img, bp, err);
	build_calls_fini(c);
	free(c);
	return rc;
}

int pvx_domain_create(struct pvctrl *h, const struct domcfg *dc, unsigned flags,
		      const char *cfg_text, pv_domid_t *out, struct pvx_err *err)
{
	struct pvx_boot_ports bp = { .store_gfn = 0 };
	struct elf_image img;
	char *kernel;
	pv_domid_t domid;
	int rc;

	if (!dc->kernel)
		return pvx_fail(err, -EINVAL,
				"no kernel: the config's bootloader must be run first "
				"(pvstart_domain_create does)");
	kernel = domcfg_path_resolve(dc, dc->kernel);
	if (!kernel)
		return pvx_fail(err, -ENOMEM, "out of memory");
	rc = elf_image_open(kernel, &img, err);
	free(kernel);
	if (rc < 0)
		return rc;
	rc = create_domain(h, dc, &domid, err);
	if (rc < 0)
		goto out_image;
	rc = create_build(h, domid, dc, &img, &bp, err);
	if (rc == 0 && console_hook)
		console_hook->ask(console_hook->ctx, domid, dc, &bp);
	if (rc == 0 && cfg_text) /* before the introduction the monitor sees */
		pvx_domain_save_config(domid, cfg_text);
	if (rc == 0)
		rc = pvx_domain_store_create(domid, dc, &bp, err);
	if (rc == 0 && console_hook) /* attached before the guest runs: no output missed */
		console_hook->answer(console_hook->ctx, domid);
	if (rc == 0 && !(flags & PVX_CREATE_PAUSED) && (rc = pvctrl_domain_unpause(h, domid)) < 0)
		pvx_fail(err, rc, "starting the domain: %s", strerror(-rc));
	if (rc < 0) {
		pvctrl_domain_destroy(h, domid);
		pvx_domain_forget(domid);
	} else {
		*out = domid;
	}
out_image:
	elf_image_fini(&img);
	return rc;
}
