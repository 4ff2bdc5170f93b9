/* libpvctrl transport: the privcmd socket, framing and descriptor passing. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "pvctrl.h"
#include "pvctrl_priv.h"
#include "peer.h"
#include "pv_errno.h"
#include "rundir.h"
#include "util.h"

int pvctrl_open(struct pvctrl **out)
{
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct pvctrl *h;
	int rc;

	if (rundir_file(path, sizeof(path), PV_PRIVCMD_SOCKET) < 0)
		return -ENAMETOOLONG;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	/* The server must be root or us before we send it anything (peer.h). */
	rc = h->fd < 0 ? -errno : peer_connect(h->fd, path, NULL);
	if (rc < 0) {
		if (h->fd >= 0)
			close(h->fd);
		free(h);
		return rc;
	}
	*out = h;
	return 0;
}

void pvctrl_close(struct pvctrl *h)
{
	if (!h)
		return;
	close(h->fd);
	free(h);
}

static int pvctrl_recv_header(struct pvctrl *h, struct pv_privcmd_reply *r, int *fd_out)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { r, sizeof(*r) };
	struct msghdr msg = { .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *c;
	ssize_t n;

	do
		n = recvmsg(h->fd, &msg, MSG_CMSG_CLOEXEC | MSG_WAITALL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n != sizeof(*r))
		return -EPIPE;
	c = CMSG_FIRSTHDR(&msg);
	if (c && c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN(sizeof(int))) {
		int fd;

		memcpy(&fd, CMSG_DATA(c), sizeof(int));
		if (fd_out)
			*fd_out = fd;
		else
			close(fd);
	}
	return 0;
}

int pvctrl_request(struct pvctrl *h, uint32_t op, const void *req, size_t req_len, void *rsp,
		   size_t rsp_max, size_t *rsp_len, int *fd_out)
{
	struct pv_privcmd_hdr hdr = { PV_PRIVCMD_MAGIC, op, (uint32_t)req_len, ++h->seq };
	struct pv_privcmd_reply r;
	int rc;

	if (fd_out)
		*fd_out = -1;
	if (req_len > PV_PRIVCMD_MAX_MSG - sizeof(hdr))
		return -E2BIG;
	if ((rc = util_write_full(h->fd, &hdr, sizeof(hdr))) < 0 ||
	    (req_len && (rc = util_write_full(h->fd, req, req_len)) < 0))
		return rc;
	if ((rc = pvctrl_recv_header(h, &r, fd_out)) < 0)
		return rc;
	if (r.magic != PV_PRIVCMD_MAGIC || r.seq != hdr.seq || r.len > rsp_max)
		return -EPROTO;
	if (r.len && util_read_full(h->fd, rsp, r.len) != (ssize_t)r.len)
		return -EPIPE;
	if (rsp_len)
		*rsp_len = r.len;
	return r.ret < 0 ? -pv_errno_to_host(-r.ret) : r.ret;
}
