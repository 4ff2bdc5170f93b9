/* bootloader= as xl runs it (pvstart.h): the program (pygrub, or a user's script)
 * gets xl's arguments -- --kernel=, --ramdisk=, --args= from the config, the
 * output file and directory, --output-format=simple0, bootloader_args, then the
 * first disk -- and writes NUL-separated "kernel <path>", "ramdisk <path>" and
 * "args <text>" records; the domain boots what it found. It runs before the
 * domain exists, so a failure leaves nothing behind. */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libpvx/pvx.h"
#include "libxs/xs.h"
#include "pvstart/pvstart.h"
#include "rundir.h"

#define BL_TIMEOUT_S  60
#define BL_XEN_BINDIR "/usr/lib/xen/bin" /* where xl looks for a bare name */
#define BL_LOG        "bootloader.log"
#define BL_ARGS_FIXED 10

struct bl_run {
	char prog[PATH_MAX], dir[PATH_MAX], out[PATH_MAX];
	char *kernel, *ramdisk, *args; /* what it found (malloc'ed) */
};

static int bl_executable(const char *path)
{
	return access(path, X_OK) == 0;
}

/* A bare name: xl's directory, then $PATH; a path: relative to the config. */
static int bl_find(const struct domcfg *dc, struct bl_run *b, struct pvx_err *err)
{
	const char *env = getenv("PATH");
	char *path, *save = NULL;

	if (strchr(dc->bootloader, '/')) {
		char *abs = domcfg_path_resolve(dc, dc->bootloader);

		snprintf(b->prog, sizeof(b->prog), "%s", abs ? abs : dc->bootloader);
		free(abs);
		return bl_executable(b->prog) ? 0
					      : pvx_fail(err, -ENOENT,
							 "bootloader %s: not an "
							 "executable file",
							 b->prog);
	}
	snprintf(b->prog, sizeof(b->prog), "%s/%s", BL_XEN_BINDIR, dc->bootloader);
	if (bl_executable(b->prog))
		return 0;
	path = strdup(env ? env : "/usr/bin:/bin");
	for (char *d = path ? strtok_r(path, ":", &save) : NULL; d;
	     d = strtok_r(NULL, ":", &save)) {
		snprintf(b->prog, sizeof(b->prog), "%s/%s", d, dc->bootloader);
		if (bl_executable(b->prog)) {
			free(path);
			return 0;
		}
	}
	free(path);
	return pvx_fail(err, -ENOENT, "bootloader \"%s\": not found in %s or $PATH",
			dc->bootloader, BL_XEN_BINDIR);
}

/* The output directory and file in the run directory, the file pre-created. */
static int bl_paths(struct bl_run *b, struct pvx_err *err)
{
	char name[64];
	FILE *f;

	snprintf(name, sizeof(name), "bootloader.%d.d", (int)getpid());
	if (rundir_file(b->dir, sizeof(b->dir), name) < 0)
		return pvx_fail(err, -ENAMETOOLONG, "run directory path too long");
	snprintf(name, sizeof(name), "bootloader.%d.out", (int)getpid());
	rundir_file(b->out, sizeof(b->out), name);
	if (mkdir(b->dir, 0700) < 0 && errno != EEXIST)
		return pvx_fail(err, -errno, "creating %s: %s", b->dir, strerror(errno));
	f = fopen(b->out, "we");
	if (!f)
		return pvx_fail(err, -errno, "creating %s: %s", b->out, strerror(errno));
	fclose(f);
	return 0;
}

/* xl's argument list; *argv is malloc'ed with its strings (bl_free_argv). */
static int bl_argv(const struct domcfg *dc, const struct bl_run *b, const char *disk,
		   char ***argv)
{
	char **a = calloc(BL_ARGS_FIXED + dc->n_bootloader_args, sizeof(char *));
	int n = 0, bad = 0;

	if (!a)
		return -ENOMEM;
	a[n++] = strdup(b->prog);
	if (dc->kernel)
		bad |= asprintf(&a[n++], "--kernel=%s", dc->kernel) < 0;
	if (dc->ramdisk)
		bad |= asprintf(&a[n++], "--ramdisk=%s", dc->ramdisk) < 0;
	if (dc->cmdline)
		bad |= asprintf(&a[n++], "--args=%s", dc->cmdline) < 0;
	bad |= asprintf(&a[n++], "--output=%s", b->out) < 0;
	a[n++] = strdup("--output-format=simple0");
	bad |= asprintf(&a[n++], "--output-directory=%s", b->dir) < 0;
	for (size_t i = 0; i < dc->n_bootloader_args; i++)
		a[n++] = strdup(dc->bootloader_args[i]);
	a[n++] = strdup(disk);
	*argv = a;
	for (int i = 0; i < n; i++)
		bad |= a[i] == NULL;
	return bad ? -ENOMEM : 0;
}

static void bl_free_argv(char **a)
{
	for (int i = 0; a && a[i]; i++)
		free(a[i]);
	free(a);
}

/* One "key value" record of the simple0 output. */
static void bl_record(struct bl_run *b, const char *rec)
{
	static const char *const keys[] = { "kernel", "ramdisk", "args" };
	char **slots[] = { &b->kernel, &b->ramdisk, &b->args };

	for (int i = 0; i < 3; i++) {
		size_t len = strlen(keys[i]);

		if (strncmp(rec, keys[i], len) != 0 || (rec[len] != ' ' && rec[len] != '\t'))
			continue;
		rec += len;
		while (*rec == ' ' || *rec == '\t')
			rec++;
		free(*slots[i]);
		*slots[i] = strdup(rec);
	}
}

#define BL_OUT_MAX (3 * PATH_MAX + 4096)

static int bl_parse(struct bl_run *b, struct pvx_err *err)
{
	char *text = calloc(1, BL_OUT_MAX + 1);
	FILE *f = fopen(b->out, "re");
	size_t len = 0;

	if (!f || !text) {
		free(text);
		if (f)
			fclose(f);
		return pvx_fail(err, -EIO, "reading %s: %s", b->out, strerror(errno));
	}
	len = fread(text, 1, BL_OUT_MAX, f); /* NUL-separated records; the calloc ends them */
	fclose(f);
	for (size_t at = 0; at < len; at += strlen(text + at) + 1)
		bl_record(b, text + at);
	free(text);
	if (!b->kernel)
		return pvx_fail(err, -ENOEXEC,
				"the bootloader %s named no kernel (see %s in the "
				"run directory)",
				b->prog, BL_LOG);
	return 0;
}

/* Run the bootloader of dc: 0 with b->kernel (and maybe ramdisk, args) set. */
static int bl_run(const struct domcfg *dc, struct bl_run *b, struct pvx_err *err)
{
	char **argv = NULL, *disk;
	int rc;

	if (!dc->n_disks)
		return pvx_fail(err, -EINVAL,
				"bootloader %s: cannot run a bootloader with no boot "
				"disk (it reads the kernel from the first disk)",
				dc->bootloader);
	if ((rc = bl_find(dc, b, err)) < 0 || (rc = bl_paths(b, err)) < 0)
		return rc;
	disk = domcfg_path_resolve(dc, dc->disks[0].target);
	rc = disk ? bl_argv(dc, b, disk, &argv) : -ENOMEM;
	free(disk);
	if (rc == 0)
		rc = pvstart_run_logged(argv, NULL, BL_TIMEOUT_S * 1000, BL_LOG, err);
	if (rc == 0)
		rc = bl_parse(b, err);
	else if (rc == -ENOMEM)
		pvx_fail(err, rc, "out of memory");
	bl_free_argv(argv);
	return rc;
}

static int bl_remove(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

/* What the bootloader left: its directory with what it extracted, its output. */
static void bl_cleanup(struct bl_run *b)
{
	if (b->out[0])
		unlink(b->out);
	if (b->dir[0])
		nftw(b->dir, bl_remove, 8, FTW_DEPTH | FTW_PHYS);
	free(b->kernel);
	free(b->ramdisk);
	free(b->args);
}

static int bl_has_scripts(const struct domcfg *dc)
{
	for (size_t i = 0; i < dc->n_vifs; i++)
		if (dc->vifs[i].script[0])
			return 1;
	return 0;
}

/* The vifs' hotplug scripts before the domain first runs (as libxl), then unpause
 * it unless the caller wanted it paused. A failure destroys it. */
static int bl_hotplug(struct pvctrl *h, pv_domid_t domid, unsigned flags, struct pvx_err *err)
{
	struct xs_handle *xs;
	int rc = pvx_store_open(&xs, err);

	if (rc == 0) {
		rc = pvstart_vifs_hotplug(xs, domid, 1, err);
		xs_close(xs);
	}
	if (rc == 0 && !(flags & PVX_CREATE_PAUSED) && (rc = pvctrl_domain_unpause(h, domid)) < 0)
		pvx_fail(err, rc, "starting the domain: %s", strerror(-rc));
	if (rc < 0) {
		pvctrl_domain_destroy(h, domid);
		pvstart_domain_forget(domid);
	}
	return rc;
}

int pvstart_domain_create(struct pvctrl *h, const struct domcfg *dc, unsigned flags,
			  const char *cfg_text, pv_domid_t *out, struct pvx_err *err)
{
	struct bl_run b = { .kernel = NULL };
	int scripts = bl_has_scripts(dc), rc = 0;
	unsigned how = scripts ? flags | PVX_CREATE_PAUSED : flags;
	struct domcfg found = *dc; /* the same config, booting what a bootloader found */

	if (dc->bootloader && (rc = bl_run(dc, &b, err)) == 0) {
		found.kernel = b.kernel;
		found.ramdisk = b.ramdisk;
		if (b.args)
			found.cmdline = b.args;
	}
	if (rc == 0)
		rc = pvx_domain_create(h, &found, how, cfg_text, out, err);
	if (rc == 0 && scripts)
		rc = bl_hotplug(h, *out, flags, err);
	bl_cleanup(&b);
	return rc;
}
