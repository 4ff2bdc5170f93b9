/* pvx migrate-receive (pvx_domain_migrate_receive): the banner, then the stream
 * read as a restore reads an image (sr_restore.h) into a new domain named
 * NAME--incoming that stays paused, "ready", and once the sender says go: its own
 * name, the store layout and devices (the sender's backends have let go of the
 * disks by then), unpaused, and "started" with the time it was let run, from
 * which the sender reckons the downtime. Any failure destroys what was made and
 * is told to the sender ("error: ..."), which then resumes its domain. With
 * --debug the sender adds every page's sum, and each page here is checked. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sys/mman.h>
#include <unistd.h>

#include "libpvx/mig_proto.h"
#include "libpvx/mig_send.h"
#include "libpvx/sr_restore.h"
#include "util.h"

#define PAGE PV_PAGE_SIZE

struct mig_recv {
	const struct pvx_migrate_recv_opts *o;
	struct mig_chan in, out;
	struct sr_restore r;
	struct pvx_restore_opts ro;
	uint64_t checked, bad, first_bad;
	int memfd; /* --debug: the new domain's memory fd, for the sums */
};

static void recv_note(struct mig_recv *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void recv_note(struct mig_recv *c, const char *fmt, ...)
{
	char line[256];
	va_list ap;

	if (!c->o->note)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	c->o->note(c->o->note_ctx, line);
}

/* The new domain's memory fd (read with pread, holes stay holes). */
static int recv_memfd(struct mig_recv *c, struct sr_restore *r)
{
	struct pv_privcmd_memory mi;
	void *mem;
	int rc;

	if (c->memfd >= 0)
		return 0;
	rc = pvctrl_map_foreign_fd(r->h, r->domid, &mem, &mi, &c->memfd);
	if (rc == 0)
		munmap(mem, mi.size);
	return rc;
}

/* PAGE_SUMS (--debug): every page here against the sender's sum of it. */
static int recv_sums(void *ctx, struct sr_restore *r, const struct sr_record *rec)
{
	struct mig_recv *c = ctx;
	const struct pv_sr_page_sums *ps = (const void *)rec->body;
	uint64_t *mine;
	int rc;

	if (rec->type != PV_SR_REC_PAGE_SUMS)
		return 0;
	if (!r->mem || ps->count == 0 || ps->count > PV_SR_PAGE_SUMS_MAX ||
	    rec->length != sizeof(*ps) + ps->count * sizeof(uint64_t) ||
	    ps->first > r->img.dom.max_pages || ps->count > r->img.dom.max_pages - ps->first)
		return pvx_fail(r->err, -EBADMSG,
				"the stream is damaged: a PAGE_SUMS record "
				"that does not fit the domain");
	if (!(mine = malloc(ps->count * sizeof(uint64_t))))
		return pvx_fail(r->err, -ENOMEM, "out of memory");
	rc = recv_memfd(c, r);
	if (rc == 0)
		rc = mig_page_sums(c->memfd, ps->first, ps->count, mine);
	for (uint32_t i = 0; rc == 0 && i < ps->count; i++)
		if (mine[i] != ps->page_sum[i] && c->bad++ == 0)
			c->first_bad = ps->first + i;
	free(mine);
	c->checked += ps->count;
	return rc < 0 ? pvx_fail(r->err, rc, "--debug: reading the domain's memory: %s",
				 strerror(-rc))
		      : 0;
}

static uint64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The stream into a paused domain, checked; "ready". */
static int recv_arrive(struct mig_recv *c)
{
	int rc = mig_line_write(&c->out, MIG_BANNER);

	if (rc < 0)
		return pvx_fail(c->r.err, rc, "sending the banner: %s", strerror(-rc));
	recv_note(c, "Ready to receive domain.");
	rc = sr_restore_begin(&c->r);
	if (rc == 0 && c->bad)
		rc = pvx_fail(c->r.err, -EIO,
			      "--debug: %llu of %llu pages differ from the sender's "
			      "(the first at frame 0x%llx): the domain was not copied whole",
			      (unsigned long long)c->bad, (unsigned long long)c->checked,
			      (unsigned long long)c->first_bad);
	if (rc == 0 && c->checked)
		recv_note(c, "--debug: all %llu pages match the sender's.",
			  (unsigned long long)c->checked);
	if (rc == 0) {
		recv_note(c,
			  "Transfer complete (%llu MiB), requesting permission to start "
			  "domain %u.",
			  (unsigned long long)(c->r.img.bytes >> 20), c->r.domid);
		rc = mig_line_write(&c->out, MIG_READY);
	}
	return rc;
}

/* Go: its own name, store and devices, run; "started <time>". */
static int recv_start(struct mig_recv *c)
{
	int rc = mig_expect(&c->in, MIG_GO, "the sender's permission to start the domain",
			    c->r.err);

	if (rc < 0)
		return rc;
	recv_note(c, "Got permission, starting domain.");
	rc = sr_restore_commit(&c->r);
	if (rc == 0) {
		/* The sender may be gone by now: the domain runs here regardless. */
		if (mig_line_write(&c->out, MIG_STARTED " %llu",
				   (unsigned long long)realtime_ns()) < 0)
			recv_note(c, "The sender did not hear that the domain started.");
		recv_note(c, "Domain started successfully.");
	}
	return rc;
}

int pvx_domain_migrate_receive(struct pvctrl *h, int in_fd, int out_fd,
			       const struct pvx_migrate_recv_opts *o, pv_domid_t *domid,
			       char **config_file, struct pvx_err *err)
{
	struct pvx_err scratch = { 0 };
	struct mig_recv c = { .o = o, .memfd = -1 };
	int rc;

	c.ro.flags = o->flags & PVX_MIGRATE_RECV_PAUSED ? PVX_RESTORE_PAUSED : 0;
	c.r = (struct sr_restore){ .h = h,
				   .o = &c.ro,
				   .err = err ? err : &scratch,
				   .io = &c.in.io,
				   .arrival_suffix = "--incoming",
				   .hold = 1,
				   .optional = recv_sums,
				   .optional_ctx = &c };
	rc = mig_chan_open(&c.in, in_fd, 0, 0);
	if (rc == 0)
		rc = mig_chan_open(&c.out, out_fd, 1, 0);
	if (rc == 0)
		rc = recv_arrive(&c);
	if (rc == 0)
		rc = recv_start(&c);
	if (rc < 0 && rc != -ENODATA && rc != -EPIPE)
		mig_line_write(&c.out, MIG_ERROR "%s", pvx_err_text(c.r.err, rc));
	if (rc < 0 && c.r.created)
		recv_note(&c, "Failure, destroying our copy (domain %u).", c.r.domid);
	sr_restore_end(&c.r, rc);
	if (c.memfd >= 0)
		close(c.memfd);
	mig_chan_close(&c.in);
	mig_chan_close(&c.out);
	if (rc == 0)
		*domid = c.r.domid;
	if (rc == 0 && config_file)
		*config_file = c.r.file;
	else
		free(c.r.file);
	return rc;
}
