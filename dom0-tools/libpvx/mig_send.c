/* pvx migrate's sending side (pvx_domain_migrate): the save stream of the domain,
 * live -- headers and DOMAIN, pre-copy rounds of memory while the guest runs
 * (mig_precopy.c), then the guest suspended with Xen's protocol, the last dirty
 * pages and its state -- then xl's handover: the receiver says the domain
 * arrived, the disks are handed over, the domain here is renamed away and the
 * receiver told to start it; once it reports it runs, the domain here is
 * destroyed. Until the receiver is told to start, any failure (the receiver or
 * the connection gone, a refusal) leaves the domain running here as it was. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libpvx/mig_proto.h"
#include "libpvx/mig_send.h"
#include "libpvx/pvx_store.h"
#include "libpvx/sr_suspend.h"
#include "util.h"

#define MIG_DISK_TIMEOUT_MS 30000u

struct mig_send {
	struct sr_save s;
	struct mig_chan out, in; /* the stream goes out on s.io; lines come in */
	const struct pvx_migrate_opts *o;
	struct pvx_migrate_report rep;
	struct mig_pre pre;
	uint64_t round_base;    /* pages of the writer when the round began */
	uint64_t round_t0;      /* when it began */
	uint64_t t0, t_suspend; /* monotonic; realtime of the suspend */
	int renamed, disks_closed;
	int go_sent; /* the receiver was told to start it */
};

static uint64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void send_report(struct mig_send *c)
{
	c->rep.total_ns = util_now_ns() - c->t0;
	if (c->o->progress)
		c->o->progress(c->o->progress_ctx, &c->rep);
}

static void send_progress(void *ctx, uint64_t pages, uint64_t bytes)
{
	struct mig_send *c = ctx;

	c->rep.round_pages = pages - c->round_base;
	c->rep.bytes = bytes;
	send_report(c);
}

static void round_begin(struct mig_send *c, uint64_t total)
{
	c->round_base = c->pre.w.pages + c->pre.w.zero; /* for the bar only */
	c->round_t0 = util_now_ns();
	c->rep.round = c->rep.rounds;
	c->rep.round_pages = 0;
	c->rep.round_total = total;
	c->rep.round_done = 0;
	send_report(c);
}

static void round_end(struct mig_send *c, uint64_t sent)
{
	if (c->rep.rounds < PVX_MIGRATE_MAX_ROUNDS) {
		c->rep.pages[c->rep.rounds] = sent;
		c->rep.round_ns[c->rep.rounds] = util_now_ns() - c->round_t0;
	}
	c->rep.rounds++;
	c->rep.round_pages = sent;
	c->rep.round_total = sent;
	c->rep.round_done = 1;
	c->rep.bytes = sr_io_offset(&c->s.io);
	send_report(c);
	c->rep.round_done = 0;
}

/* The channel, the domain opened, the receiver's banner, the headers. */
static int send_begin(struct mig_send *c, int send_fd, int recv_fd)
{
	char *json = NULL;
	int rc = sr_save_open(&c->s, c->o->config_text, c->o->config_file, &json);

	if (rc == 0)
		rc = mig_disks_movable(c->s.xs, c->s.domid, c->s.err);
	if (rc == 0 && ((rc = mig_chan_open(&c->out, send_fd, 1, 0)) < 0 ||
			(rc = mig_chan_open(&c->in, recv_fd, 0, 0)) < 0 ||
			(rc = sr_io_init(&c->s.io, c->out.io.ops, &c->out, 1)) < 0))
		pvx_fail(c->s.err, rc, "out of memory");
	c->rep.ram_pages = c->s.max_pages;
	if (rc == 0)
		rc = mig_expect(&c->in, MIG_BANNER, "the receiver's banner", c->s.err);
	if (rc == 0)
		rc = sr_save_headers(&c->s, json, PV_SR_DOM_LIVE);
	free(json);
	return rc;
}

/* Whether pre-copy goes on after a collect found `dirty` pages, Xen's way; best is
 * the smallest dirty set so far, and `stalled` counts the collects since it was
 * (one round that does not shrink on a busy host is no reason to stop). */
static const char *precopy_stop(struct mig_send *c, uint64_t dirty, uint64_t *best,
				unsigned *stalled, uint64_t total)
{
	unsigned max = c->o->max_rounds >= 2 && c->o->max_rounds < PVX_MIGRATE_MAX_ROUNDS
			       ? c->o->max_rounds
			       : PVX_MIGRATE_MAX_ROUNDS;

	if (dirty <= MIG_DIRTY_THRESHOLD)
		return "few pages left dirty";
	if (c->rep.rounds + 1 >= max)
		return "round limit";
	if (dirty < *best) {
		*best = dirty;
		*stalled = 0;
	} else if (++*stalled >= MIG_STALL_ROUNDS) {
		return "the dirty set stopped shrinking";
	}
	if (total + dirty > MIG_MAX_FACTOR * (uint64_t)c->s.max_pages)
		return "sent 3 times the memory";
	return NULL;
}

/* Round 0 and the rounds after it, while the guest runs. */
static int send_precopy(struct mig_send *c)
{
	uint64_t sent = 0, dirty = 0, best = UINT64_MAX, total;
	unsigned stalled = 0;
	int rc;

	c->rep.phase = PVX_MIG_PRECOPY;
	round_begin(c, sr_save_data_pages(c->s.memfd, 0, c->s.max_pages));
	rc = mig_pre_first(&c->pre, &sent);
	if (rc < 0)
		return rc;
	round_end(c, sent);
	total = sent;
	while ((rc = mig_pre_collect(&c->pre, &dirty)) == 0 &&
	       !(c->rep.stop_reason = precopy_stop(c, dirty, &best, &stalled, total))) {
		round_begin(c, dirty);
		if ((rc = mig_pre_send(&c->pre, &sent)) < 0)
			return rc;
		round_end(c, sent);
		total += sent;
	}
	return rc;
}

/* The guest suspended: its last dirty pages, the eager batch, (sums,) its state. */
static int send_last(struct mig_send *c)
{
	uint64_t dirty = 0, sent = 0, t = util_now_ns();
	int rc = sr_suspend(c->s.h, c->s.xs, c->s.domid,
			    c->o->suspend_timeout_ms ? c->o->suspend_timeout_ms
						     : PVX_SUSPEND_TIMEOUT_MS,
			    c->s.err);

	if (rc < 0)
		return rc;
	c->t_suspend = realtime_ns();
	c->rep.suspend_ns = util_now_ns() - t;
	c->s.suspended = 1;
	c->rep.phase = PVX_MIG_LAST;
	if ((rc = sr_save_hv(&c->s)) < 0)
		return rc;
	if ((rc = mig_pre_collect(&c->pre, &dirty)) == 0) {
		round_begin(c, dirty);
		rc = mig_pre_send(&c->pre, &sent);
	}
	if (rc == 0 && (rc = sr_save_eager_pages(&c->s, &c->pre.w)) == 0)
		round_end(c, sent);
	if (rc == 0 && (c->o->flags & PVX_MIGRATE_DEBUG))
		rc = mig_page_sums_write(&c->s);
	if (rc < 0)
		return rc;
	mig_pre_end(&c->pre);
	rc = sr_save_state(&c->s);
	c->rep.last_ns = util_now_ns() - t - c->rep.suspend_ns;
	return rc;
}

/* Name the domain here (the hypervisor's record and the store's). */
static int send_rename(struct mig_send *c, const char *name)
{
	struct pv_privcmd_domext e = { .domid = c->s.domid, .flags = PV_DOMEXT_SET_NAME };
	int rc;

	snprintf(e.name, sizeof(e.name), "%s", name);
	rc = pvctrl_domext_set(c->s.h, &e);
	if (rc == 0)
		pvx_xs_write(c->s.xs, 0, name, "/local/domain/%u/name", c->s.domid);
	return rc;
}

/* The receiver has the domain: disks over, renamed away, go. */
static int send_handover(struct mig_send *c)
{
	char away[sizeof(c->s.info.name) + 16];
	uint64_t t = util_now_ns();
	int rc = mig_expect(&c->in, MIG_READY, "the receiver's word that the domain arrived",
			    c->s.err);

	c->rep.arrive_ns = util_now_ns() - t;
	t = util_now_ns();
	c->rep.phase = PVX_MIG_HANDOVER;
	send_report(c);
	if (rc == 0)
		rc = mig_disks_handover(c->s.xs, c->s.domid, 1, MIG_DISK_TIMEOUT_MS,
					&c->rep.disks, c->s.err);
	c->disks_closed = rc == 0 && c->rep.disks;
	snprintf(away, sizeof(away), "%.47s--migratedaway", c->s.info.name);
	if (rc == 0 && (rc = send_rename(c, away)) < 0)
		pvx_fail(c->s.err, rc, "renaming the domain away: %s", strerror(-rc));
	c->renamed = rc == 0;
	if (rc == 0 && (rc = mig_line_write(&c->out, MIG_GO)) < 0)
		pvx_fail(c->s.err, rc, "telling the receiver to start the domain: %s",
			 strerror(-rc));
	c->go_sent = rc == 0;
	c->rep.handover_ns = util_now_ns() - t;
	return rc;
}

/* After go: the receiver's report. 0 (it runs there), -EREMOTEIO (it refused and
 * destroyed its copy), or another error (nothing heard: undecided). */
static int send_outcome(struct mig_send *c)
{
	char line[MIG_LINE_MAX];
	uint64_t t = 0, t0 = util_now_ns();
	int rc = mig_line_read(&c->in, line, sizeof(line));

	c->rep.start_ns = util_now_ns() - t0;
	if (rc == 0 && strncmp(line, MIG_ERROR, strlen(MIG_ERROR)) == 0)
		return pvx_fail(c->s.err, -EREMOTEIO,
				"the receiver could not start the domain: "
				"%s",
				line + strlen(MIG_ERROR));
	if (rc == 0 && sscanf(line, MIG_STARTED " %" SCNu64, &t) != 1)
		rc = -EPROTO;
	if (rc < 0)
		return pvx_fail(c->s.err, rc,
				"the receiver was told to start the domain and then "
				"%s. The domain is left suspended here as %s--migratedaway: check "
				"the other host; if it does not run there, rename it back and "
				"resume it here (never both)",
				rc == -ENODATA ? "went silent" : "answered nonsense",
				c->s.info.name);
	c->rep.downtime_ns = t > c->t_suspend ? t - c->t_suspend : 0;
	return 0;
}

/* It runs there: the domain here goes. */
static void send_done(struct mig_send *c)
{
	sr_save_close(&c->s); /* unmaps the memory first */
	pvctrl_domain_destroy(c->s.h, c->s.domid);
	pvx_domain_forget(c->s.domid);
	c->s.suspended = 0;
	c->rep.phase = PVX_MIG_DONE;
}

/* The stream broke before go: the receiver may have said why before it quit
 * ("error: ..."), which explains more than a broken pipe. */
static void send_why(struct mig_send *c, int rc)
{
	char line[MIG_LINE_MAX];

	if (!c->s.mem || c->go_sent || rc == -EREMOTEIO ||
	    (rc != -EPIPE && rc != -ECONNRESET && c->s.err->msg[0]))
		return; /* not the channel's failure, or explained already */
	c->in.timeout_ms = 2000;
	if (mig_line_read(&c->in, line, sizeof(line)) == 0 &&
	    strncmp(line, MIG_ERROR, strlen(MIG_ERROR)) == 0)
		pvx_fail(c->s.err, rc, "the receiver refused the domain: %s",
			 line + strlen(MIG_ERROR));
	else if (!c->s.err->msg[0])
		pvx_fail(c->s.err, rc, "the connection to the receiver broke (%s)",
			 strerror(-rc));
}

/* Undo what the handover did and let the domain run on here. */
static void send_recover(struct mig_send *c, int rc)
{
	char msg[PVX_ERR_MAX];
	int bad = 0;

	if (!c->s.mem)
		return; /* never opened: nothing was done to it */
	mig_pre_end(&c->pre);
	if (c->renamed)
		bad |= send_rename(c, c->s.info.name) < 0;
	if (c->disks_closed)
		bad |= mig_disks_handover(c->s.xs, c->s.domid, 0, MIG_DISK_TIMEOUT_MS, NULL,
					  NULL) < 0;
	if (c->s.suspended)
		bad |= sr_resume(c->s.h, c->s.xs, c->s.domid, PV_SR_RESUME_CANCEL) < 0;
	snprintf(msg, sizeof(msg), "%s", c->s.err->msg);
	pvx_fail(c->s.err, rc, "%s; %s", msg,
		 bad ? "resuming the domain here failed too: check "
		       "it with pvx list"
		     : "the domain runs on here");
}

int pvx_domain_migrate(struct pvctrl *h, pv_domid_t domid, int send_fd, int recv_fd,
		       const struct pvx_migrate_opts *o, struct pvx_migrate_report *rep,
		       struct pvx_err *err)
{
	struct pvx_err scratch = { 0 };
	struct mig_send c = {
		.s = { .h = h, .domid = domid, .err = err ? err : &scratch, .memfd = -1 },
		.o = o
	};
	int rc;

	c.pre.s = &c.s;
	c.pre.progress = send_progress;
	c.pre.progress_ctx = &c;
	c.t0 = util_now_ns();
	rc = send_begin(&c, send_fd, recv_fd);
	if (rc == 0)
		rc = mig_pre_start(&c.pre, c.s.err);
	if (rc == 0)
		rc = send_precopy(&c);
	if (rc == 0)
		rc = send_last(&c);
	if (rc == 0)
		rc = send_handover(&c);
	if (rc == 0)
		rc = send_outcome(&c);
	if (rc == 0)
		send_done(&c);
	if (rc < 0)
		send_why(&c, rc);
	if (rc < 0 && (!c.go_sent || rc == -EREMOTEIO))
		send_recover(&c, rc);
	mig_pre_end(&c.pre);
	sr_save_close(&c.s);
	sr_io_fini(&c.s.io);
	mig_chan_close(&c.out);
	mig_chan_close(&c.in);
	send_report(&c);
	if (rep)
		*rep = c.rep;
	return rc;
}
