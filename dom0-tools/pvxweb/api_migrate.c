/* POST /domains/DOM/migrate: pvx migrate through the API -- the same transport
 * (pvstart's: SSHCOMMAND HOST pvx migrate-receive through the shell) and libpvx's
 * live migration. The request is checked on the loop thread; the migration is a
 * job on a thread of its own (its rounds take as long as the guest's memory and
 * dirtying rate make them), so the streams and consoles go on meanwhile. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_dom.h"
#include "libpvx/pvx.h"
#include "pvstart/pvstart.h"
#include "pvxweb.h"
#include "sampler.h"

#define MIG_HOST_MAX 255
#define MIG_SSH_MAX  1024

struct mig_job {
	pv_domid_t domid;
	unsigned flags; /* PVX_MIGRATE_* */
	int paused;     /* the receiver leaves it paused (-p) */
	char host[MIG_HOST_MAX + 1];
	char ssh[MIG_SSH_MAX + 1];
	char dom[API_SEG_MAX + 1];
};

/* HOST becomes a word of a shell command: a host name, user@host, an address or
 * a path, nothing the shell would read as more than one word or an option. */
static int mig_host_ok(const char *h)
{
	if (!h[0] || h[0] == '-')
		return 0;
	for (; *h; h++)
		if (!strchr("._:@/+-", *h) && !(*h >= 'a' && *h <= 'z') &&
		    !(*h >= 'A' && *h <= 'Z') && !(*h >= '0' && *h <= '9'))
			return 0;
	return 1;
}

/* host (required), ssh (xl's -s: a command; "" runs HOST itself), live (only
 * true: pre-copy is the only way; save and restore move a stopped domain). */
static int mig_args(struct api_call *c, struct mig_job *j)
{
	const char *host, *ssh;
	int live, debug;

	if (api_body_string(c, "host", MIG_HOST_MAX, &host) < 0 ||
	    api_body_string(c, "ssh", MIG_SSH_MAX, &ssh) < 0 ||
	    api_body_bool(c, "paused", &j->paused) < 0 || api_body_bool(c, "debug", &debug) < 0)
		return -1;
	if (api_body_bool(c, "live", &live) < 0)
		return -1;
	if (!host || !mig_host_ok(host)) {
		api_fail(c, 400, "bad-body",
			 "pvx: \"host\" must be a host name, user@host, an address or a path "
			 "(letters, digits and ._:@/+- only, not starting with -)");
		return -1;
	}
	if (ssh && strpbrk(ssh, "\n\r")) {
		api_fail(c, 400, "bad-body", "pvx: \"ssh\" must be one line (a command)");
		return -1;
	}
	if (!live && c->body &&
	    yajl_tree_get(c->body, (const char *[]){ "live", NULL }, yajl_t_false)) {
		api_fail(c, 400, "bad-body",
			 "pvx: migrate is always live (pre-copy, as xl's); save and restore "
			 "move a stopped domain");
		return -1;
	}
	snprintf(j->host, sizeof(j->host), "%s", host);
	snprintf(j->ssh, sizeof(j->ssh), "%s", ssh ? ssh : "ssh");
	j->flags = debug ? PVX_MIGRATE_DEBUG : 0;
	return 0;
}

static int mig_status(int rc)
{
	switch (rc) {
	case -ESRCH:
		return 404;
	case -EBUSY:
	case -EPERM:
	case -EINVAL:
	case -EOPNOTSUPP:
	case -ETIMEDOUT:
		return 409;
	default:
		return 500;
	}
}

static void mig_reply(struct api_call *c, const struct mig_job *j,
		      const struct pvx_migrate_report *r)
{
	unsigned n = r->rounds < PVX_MIGRATE_MAX_ROUNDS ? r->rounds : PVX_MIGRATE_MAX_ROUNDS;

	yajl_gen_map_open(c->g);
	json_kint(c->g, "domid", j->domid);
	json_kstr(c->g, "action", "migrate");
	json_kstr(c->g, "host", j->host);
	json_kstr(c->g, "result", j->paused ? "migrated, paused there" : "migrated");
	json_kint(c->g, "rounds", r->rounds);
	json_key(c->g, "pages");
	yajl_gen_array_open(c->g);
	for (unsigned i = 0; i < n; i++)
		yajl_gen_integer(c->g, (long long)r->pages[i]);
	yajl_gen_array_close(c->g);
	json_kint(c->g, "ram_pages", (long long)r->ram_pages);
	json_kstr(c->g, "stop_reason", r->stop_reason ? r->stop_reason : "");
	json_kint(c->g, "bytes", (long long)r->bytes);
	json_knum(c->g, "total_ms", (double)r->total_ns / 1e6);
	json_knum(c->g, "downtime_ms", (double)r->downtime_ns / 1e6);
	yajl_gen_map_close(c->g);
}

static void migrate_job(struct api_call *c)
{
	struct mig_job *j = c->job_arg;
	struct pvx_migrate_opts o = { .flags = j->flags };
	struct pvx_migrate_report rep = { 0 };
	struct pvstart_migrate_channel ch = { .send_fd = -1, .recv_fd = -1 };
	struct pvx_err err = { 0 };
	struct pvctrl *pc = NULL;
	int rc = pvctrl_open(&pc);

	if (rc < 0)
		pvx_fail(&err, rc, "cannot reach the hypervisor: %s", strerror(-rc));
	if (rc == 0)
		rc = pvstart_migrate_open(j->ssh, j->host, j->paused ? "-p" : "", &ch, &err);
	if (rc == 0)
		rc = pvx_domain_migrate(pc, j->domid, ch.send_fd, ch.recv_fd, &o, &rep, &err);
	pvstart_migrate_close(&ch); /* a transport that lingers is left, as by pvx */
	if (pc)
		pvctrl_close(pc);
	if (rc < 0)
		api_fail(c, mig_status(rc), "migrate-failed", "pvx: migrate %s: %s%s%s%s", j->dom,
			 pvx_err_text(&err, rc), ch.rune ? " (the command run was: " : "",
			 ch.rune ? ch.rune : "", ch.rune ? ")" : "");
	else
		mig_reply(c, j, &rep);
	free(ch.rune);
	sampler_kick(c->w->smp);
}

void api_domain_migrate(struct api_call *c)
{
	static const char *const keys[] = { "host", "ssh", "live", "paused", "debug", NULL };
	struct mig_job *j = calloc(1, sizeof(*j));
	struct pvctrl *pc;

	c->job_arg = j;
	if (!j) {
		api_fail(c, 500, "no-memory", "pvx: out of memory");
		return;
	}
	if (api_body_keys(c, keys) < 0 || mig_args(c, j) < 0 ||
	    api_domain_arg(c, &pc, &j->domid) < 0)
		return;
	snprintf(j->dom, sizeof(j->dom), "%s", c->param);
	c->job = migrate_job;
}
