/* A lazily restored domain's memory made whole: its pager (pvlazy) listens on
 * $RUNDIR/lazy/<domid>.sock and answers "fill" with "done" once every page of the
 * image is in the domain and the pager has let it go. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "libpvx/pvx.h"
#include "peer.h"
#include "rundir.h"

#define LAZY_FILL_MS 120000

int pvx_domain_lazy_fill(pv_domid_t domid, struct pvx_err *err)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct pollfd pfd = { .events = POLLIN };
	char name[64], reply[16] = "";
	int fd, rc = 0;

	snprintf(name, sizeof(name), "lazy/%u.sock", domid);
	rundir_file(a.sun_path, sizeof(a.sun_path), name);
	if (access(a.sun_path, F_OK) != 0)
		return 0; /* no pager: every page is in */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	rc = fd < 0 ? -errno : peer_connect(fd, a.sun_path, NULL); /* a pager of ours */
	if (rc < 0) {
		rc = rc == -ECONNREFUSED || rc == -ENOENT ? 0 : rc; /* it just left */
		if (fd >= 0)
			close(fd);
		return rc < 0 ? pvx_fail(err, rc, "the lazy pager of domain %u: %s", domid,
					 strerror(-rc))
			      : 0;
	}
	pfd.fd = fd;
	if (write(fd, "fill\n", 5) != 5 || poll(&pfd, 1, LAZY_FILL_MS) != 1 ||
	    read(fd, reply, sizeof(reply) - 1) <= 0 || strncmp(reply, "done", 4) != 0)
		rc = pvx_fail(err, -EIO,
			      "the lazy pager of domain %u did not load the rest of "
			      "its memory",
			      domid);
	close(fd);
	return rc;
}
