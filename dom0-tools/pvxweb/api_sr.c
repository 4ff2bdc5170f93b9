/* POST /domains/DOM/save and POST /domains/restore: pvx save and pvx restore
 * through the API (libpvx's save and restore, as the CLI calls them). The request
 * is checked and the file opened on the loop thread; the save or restore itself
 * is a job on a thread of its own (it waits for the guest to suspend, moves its
 * memory), so the streams and consoles go on meanwhile. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api_dom.h"
#include "libpvx/pvx.h"
#include "pvstart/pvstart.h"
#include "pvxweb.h"
#include "sampler.h"

#define SR_PATH_MAX      1024
#define SR_MAX_OVERRIDES 64
#define SR_OVERRIDE_MAX  4096

struct sr_job {
	int fd;
	pv_domid_t domid; /* save: the domain */
	unsigned flags;   /* PVX_SAVE_* / PVX_RESTORE_* */
	char file[SR_PATH_MAX + 1];
	char *ov[SR_MAX_OVERRIDES]; /* restore: copies, the body goes with the loop */
	int n_ov;
	char dom[API_SEG_MAX + 1];
};

/* The image's path: absolute (pvxweb's own directory is nobody's), plain text. */
static int sr_path(struct api_call *c, struct sr_job *j)
{
	const char *file;

	if (api_body_string(c, "file", SR_PATH_MAX, &file) < 0)
		return -1;
	if (!file || file[0] != '/' || strpbrk(file, "\n\r\t")) {
		api_fail(c, 400, "bad-body",
			 "pvx: \"file\" must be an absolute path (the image)");
		return -1;
	}
	snprintf(j->file, sizeof(j->file), "%s", file);
	return 0;
}

static void sr_figures(struct api_call *c, const struct pvx_sr_report *rep)
{
	json_kint(c->g, "pages", (long long)rep->pages);
	json_kint(c->g, "bytes", (long long)rep->bytes);
	json_knum(c->g, "seconds", (double)rep->total_ns / 1e9);
}

static void save_job(struct api_call *c)
{
	struct sr_job *j = c->job_arg;
	struct pvx_save_opts o = { .flags = j->flags };
	struct pvx_sr_report rep = { 0 };
	struct pvx_err err = { 0 };
	struct pvctrl *pc;
	int rc = pvctrl_open(&pc);

	if (rc == 0) {
		rc = pvx_domain_save(pc, j->domid, j->fd, &o, &rep, &err);
		pvctrl_close(pc);
	}
	if (close(j->fd) < 0 && rc == 0)
		rc = pvx_fail(&err, -errno, "closing %s: %s", j->file, strerror(errno));
	if (rc < 0) {
		unlink(j->file); /* nothing half-written is left to restore */
		api_fail(c,
			 rc == -ETIMEDOUT ? 409
			 : rc == -ESRCH   ? 404
					  : 500,
			 "save-failed", "pvx: save %s: %s", j->dom, pvx_err_text(&err, rc));
		return;
	}
	yajl_gen_map_open(c->g);
	json_kint(c->g, "domid", j->domid);
	json_kstr(c->g, "action", "save");
	json_kstr(c->g, "file", j->file);
	json_kstr(c->g, "result",
		  j->flags & (PVX_SAVE_CHECKPOINT | PVX_SAVE_PAUSED)
			  ? (j->flags & PVX_SAVE_PAUSED ? "saved, paused" : "saved, running")
			  : "saved, destroyed");
	sr_figures(c, &rep);
	yajl_gen_map_close(c->g);
	sampler_kick(c->w->smp);
}

void api_domain_save(struct api_call *c)
{
	static const char *const keys[] = { "file", "checkpoint", "paused", "compress", NULL };
	struct sr_job *j = calloc(1, sizeof(*j));
	int ck, paused, z;
	struct pvctrl *pc;

	c->job_arg = j;
	if (!j || api_body_keys(c, keys) < 0 || sr_path(c, j) < 0 ||
	    api_body_bool(c, "checkpoint", &ck) < 0 || api_body_bool(c, "paused", &paused) < 0 ||
	    api_body_bool(c, "compress", &z) < 0 || api_domain_arg(c, &pc, &j->domid) < 0) {
		if (!j)
			api_fail(c, 500, "no-memory", "pvx: out of memory");
		return;
	}
	j->flags = (ck ? PVX_SAVE_CHECKPOINT : 0) | (paused ? PVX_SAVE_PAUSED : 0) |
		   (z ? PVX_SAVE_ZLIB : 0);
	snprintf(j->dom, sizeof(j->dom), "%s", c->param);
	j->fd = open(j->file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (j->fd < 0) {
		api_fail(c, 400, "bad-file", "pvx: save: %s: %s", j->file, strerror(errno));
		return;
	}
	c->job = save_job;
}

static void sr_job_free_overrides(struct sr_job *j)
{
	for (int i = 0; i < j->n_ov; i++)
		free(j->ov[i]);
	j->n_ov = 0;
}

/* A name in use is a conflict; an image that is not one (cut, damaged, another
 * pvisor's) a bad request; the rest is ours. */
static int restore_status(int rc)
{
	switch (rc) {
	case -EEXIST:
		return 409;
	case -ENODATA:
	case -EBADMSG:
	case -EPROTONOSUPPORT:
	case -EPROTO:
	case -EINVAL:
		return 400;
	default:
		return 500;
	}
}

static void restore_job(struct api_call *c)
{
	struct sr_job *j = c->job_arg;
	struct pvx_restore_opts o = { .flags = j->flags,
				      .overrides = j->ov,
				      .n_overrides = j->n_ov };
	struct pvx_sr_report rep = { 0 };
	struct pvx_err err = { 0 };
	char *config_file = NULL;
	pv_domid_t domid = 0;
	struct pvctrl *pc;
	int rc = pvctrl_open(&pc);

	if (rc == 0) {
		pvstart_daemons_ensure(&err); /* the consoles and devices are served at once */
		rc = pvx_domain_restore(pc, j->fd, &o, &domid, &config_file, &rep, &err);
		pvctrl_close(pc);
	}
	close(j->fd);
	sr_job_free_overrides(j);
	if (rc < 0) {
		api_fail(c, restore_status(rc), "restore-failed", "pvx: restore %s: %s", j->file,
			 pvx_err_text(&err, rc));
		free(config_file);
		return;
	}
	c->status = 201;
	yajl_gen_map_open(c->g);
	json_kint(c->g, "domid", domid);
	json_kstr(c->g, "action", "restore");
	json_kstr(c->g, "file", j->file);
	json_kbool(c->g, "paused", (j->flags & PVX_RESTORE_PAUSED) != 0);
	sr_figures(c, &rep);
	yajl_gen_map_close(c->g);
	free(config_file);
	sampler_kick(c->w->smp);
}

/* The overrides, copied for the job (the body is freed when the handler returns). */
static int restore_overrides(struct api_call *c, struct sr_job *j)
{
	const char **ov;
	size_t n;

	if (api_body_strings(c, "overrides", SR_OVERRIDE_MAX, SR_MAX_OVERRIDES, &ov, &n) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!strchr(ov[i], '=') || strpbrk(ov[i], "\n\r")) {
			api_fail(c, 400, "bad-body",
				 "pvx: overrides[%zu]: one KEY=VALUE per string", i);
			break;
		}
		j->ov[j->n_ov] = strdup(ov[i]);
		if (!j->ov[j->n_ov++]) {
			api_fail(c, 500, "no-memory", "pvx: out of memory");
			break;
		}
	}
	free(ov);
	return c->failed ? -1 : 0;
}

void api_domain_restore(struct api_call *c)
{
	static const char *const keys[] = { "file", "paused", "overrides", NULL };
	struct sr_job *j = calloc(1, sizeof(*j));
	int paused;

	c->job_arg = j;
	if (!j) {
		api_fail(c, 500, "no-memory", "pvx: out of memory");
		return;
	}
	if (api_body_keys(c, keys) < 0 || sr_path(c, j) < 0 ||
	    api_body_bool(c, "paused", &paused) < 0 || restore_overrides(c, j) < 0) {
		sr_job_free_overrides(j);
		return;
	}
	j->flags = paused ? PVX_RESTORE_PAUSED : 0;
	j->fd = open(j->file, O_RDONLY | O_CLOEXEC);
	if (j->fd < 0) {
		sr_job_free_overrides(j);
		api_fail(c, errno == ENOENT ? 404 : 400, "bad-file", "pvx: restore: %s: %s",
			 j->file, strerror(errno));
		return;
	}
	c->job = restore_job;
}
