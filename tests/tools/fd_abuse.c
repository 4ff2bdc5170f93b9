/* fd_abuse: a hostile dom0 client for t_hostile_client. It asks pvisor for every
 * kind of descriptor privcmd hands out -- a domain's memory (MAP_FOREIGN), the
 * event-channel handle's page and its eventfds, the grant-copy buffer -- and tries
 * to change each one's size: ftruncate to 0 and to twice its size, on the fd it got
 * and on a read-write reopen through /proc/self/fd. Then it makes pvisor touch the
 * handle page (a doorbell ring) and the copy buffer (a grant copy into it). pvisor
 * must survive all of it; the test checks that afterwards.
 *   fd_abuse DOMID
 * Prints one line per attempt ("fd_abuse: <fd>: <what>: refused (<errno>)" or
 * "...: DONE") and "fd_abuse: changed N sizes" last; exits 0 unless it could not
 * get the descriptors. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libpvctrl/pvctrl.h"
#include "pvisor/grant_table.h"
#include "util.h"

static int changed;

static void try(const char *name, const char *what, int rc)
{
	if (rc == 0) {
		printf("fd_abuse: %s: %s: DONE\n", name, what);
		changed++;
	} else {
		printf("fd_abuse: %s: %s: refused (%s)\n", name, what, strerror(errno));
	}
}

/* Every size change we can think of on fd, then on a read-write reopen of it. */
static void abuse(const char *name, int fd)
{
	char path[64];
	struct stat st;
	int rw;

	if (fstat(fd, &st) < 0)
		st.st_size = 4096;
	try(name, "ftruncate to 0", ftruncate(fd, 0));
	try(name, "ftruncate to twice its size", ftruncate(fd, st.st_size * 2 + 4096));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	rw = open(path, O_RDWR | O_CLOEXEC);
	if (rw < 0) {
		printf("fd_abuse: %s: reopen read-write: refused (%s)\n", name, strerror(errno));
		return;
	}
	try(name, "ftruncate to 0 after a read-write reopen", ftruncate(rw, 0));
	close(rw);
}

static int request_fd(struct pvctrl *h, uint32_t op, const void *req, size_t len, void *rsp,
		      size_t rsp_len, const char *what)
{
	int fd = -1, rc = pvctrl_request(h, op, req, len, rsp, rsp_len, NULL, &fd);

	if (rc < 0 || fd < 0) {
		fprintf(stderr, "fd_abuse: %s: %s\n", what, strerror(rc < 0 ? -rc : EPROTO));
		exit(1);
	}
	return fd;
}

/* pvisor reads the handle page's send ring when the doorbell rings, and writes the
 * copy buffer in a grant copy (a copy from its own domain's frame into it: the
 * hypervisor refuses it after touching the buffer, or does it; either way it
 * touches the page). */
static void make_pvisor_touch(struct pvctrl *h, int doorbell)
{
	uint64_t one = 1;
	struct pv_gnttab_copy op = { 0 };

	if (write(doorbell, &one, sizeof(one)) != sizeof(one))
		perror("fd_abuse: doorbell");
	op.source.u.gmfn = 0;
	op.source.domid = PV_DOMID_SELF;
	op.dest.u.gmfn = 0;
	op.dest.domid = PV_DOMID_SELF;
	op.len = 64;
	pvctrl_gnttab_copy(h, &op, 1);
	/* a round trip: the doorbell has been served once this returns */
	pvctrl_xen_version(h, 0, NULL, 0);
}

int main(int argc, char **argv)
{
	struct pv_privcmd_domid dom = { 0 };
	struct pv_privcmd_memory mem;
	struct pv_privcmd_evtchn_info ev;
	struct pv_privcmd_gnt_buffer buf = { .pages = 4 };
	uint64_t domid;
	struct pvctrl *h;
	int rc, fds[5];

	signal(SIGPIPE, SIG_IGN); /* a pvisor that died is reported, not our death */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 2 || util_parse_u64(argv[1], 0x7fef, &domid))
		return fprintf(stderr, "usage: fd_abuse DOMID\n"), 2;
	if ((rc = pvctrl_open(&h)) < 0)
		return fprintf(stderr, "fd_abuse: privcmd: %s\n", strerror(-rc)), 1;
	dom.domid = (uint16_t)domid;
	fds[0] = request_fd(h, PV_PRIVCMD_OP_MAP_FOREIGN, &dom, sizeof(dom), &mem, sizeof(mem),
			    "map the domain");
	fds[1] = request_fd(h, PV_PRIVCMD_OP_EVTCHN_OPEN, NULL, 0, &ev, sizeof(ev),
			    "open an event-channel handle");
	fds[2] = request_fd(h, PV_PRIVCMD_OP_EVTCHN_EVENTFD, NULL, 0, NULL, 0, "its eventfd");
	fds[3] = request_fd(h, PV_PRIVCMD_OP_EVTCHN_DOORBELL, NULL, 0, NULL, 0, "its doorbell");
	fds[4] = request_fd(h, PV_PRIVCMD_OP_GNT_BUFFER, &buf, sizeof(buf), &buf, sizeof(buf),
			    "the grant-copy buffer");
	abuse("guest memory", fds[0]);
	abuse("event-channel page", fds[1]);
	abuse("event-channel eventfd", fds[2]);
	abuse("doorbell", fds[3]);
	abuse("grant-copy buffer", fds[4]);
	make_pvisor_touch(h, fds[3]);
	printf("fd_abuse: changed %d sizes\n", changed);
	pvctrl_close(h);
	return 0;
}
