/* privcmd server: dom0 processes reach the hypervisor over a Unix socket in the run
 * directory. One thread per connection; requests on a connection run in order. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "evtchn/evtchn.h"
#include "gnttab/gnttab.h"
#include "log.h"
#include "pv_errno.h"
#include "pvisor/errno.h"
#include "privcmd_ops.h"
#include "rundir.h"
#include "util.h"

static int privcmd_listen_fd = -1;

static int privcmd_send(int fd, uint32_t seq, int32_t ret, const void *p, uint32_t len,
			int pass_fd)
{
	struct pv_privcmd_reply r = { PV_PRIVCMD_MAGIC, ret, len, seq };
	struct iovec iov[2] = { { &r, sizeof(r) }, { (void *)p, len } };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = len ? 2 : 1 };
	ssize_t n;

	if (pass_fd >= 0) {
		struct cmsghdr *c;

		msg.msg_control = u.buf;
		msg.msg_controllen = sizeof(u.buf);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
	}
	n = sendmsg(fd, &msg, MSG_NOSIGNAL);
	if (n < 0)
		return pv_errno_last();
	if ((size_t)n < sizeof(r) + len) {
		/* finish a short write without the fd */
		const uint8_t *all = p;
		size_t done = (size_t)n;

		if (done < sizeof(r))
			return -PV_EIO;
		return util_write_full(fd, all + (done - sizeof(r)), sizeof(r) + len - done);
	}
	return 0;
}

static void privcmd_serve(struct pconn *c)
{
	int fd = c->fd;
	struct pv_privcmd_hdr h;
	struct privcmd_reply rep;

	for (;;) {
		uint8_t *payload = NULL;
		int bell = evtchn_handle_doorbell_fd(c);
		ssize_t n;

		/* A connection with an event-channel handle also waits on its doorbell. */
		if (bell >= 0) {
			struct pollfd pf[2] = { { .fd = fd, .events = POLLIN },
						{ .fd = bell, .events = POLLIN } };

			if (poll(pf, 2, -1) < 0 && errno != EINTR)
				return;
			if (pf[1].revents & POLLIN)
				evtchn_handle_ring_sends(c);
			if (!(pf[0].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
		}
		n = util_read_full(fd, &h, sizeof(h));

		if (n != (ssize_t)sizeof(h))
			return;
		if (h.magic != PV_PRIVCMD_MAGIC || h.len > PV_PRIVCMD_MAX_MSG) {
			log_warnx("privcmd: bad request header (magic 0x%x, len %u): closing",
				  h.magic, h.len);
			return;
		}
		if (h.len) {
			payload = malloc(h.len);
			if (!payload || util_read_full(fd, payload, h.len) != (ssize_t)h.len) {
				free(payload);
				return;
			}
		}
		memset(&rep, 0, sizeof(rep));
		rep.fd = -1;
		rep.ret = privcmd_dispatch(c, h.op, payload, h.len, &rep);
		n = privcmd_send(fd, h.seq, rep.ret, rep.data, rep.len, rep.fd);
		if (rep.fd >= 0)
			close(rep.fd); /* the client has its own copy now */
		if (rep.owned)
			free(rep.data);
		free(payload);
		if (n < 0)
			return;
	}
}

/* What a connection holds goes when it closes, as when a process closes
 * /dev/xen/evtchn or /dev/xen/gntdev. */
static void privcmd_conn_release(struct pconn *c)
{
	evtchn_handle_close(c);
	gnttab_handle_close(c);
	domain_dirty_drop_owner(c);
	domain_drop_holder(c);
	domain_lazy_conn_closed(c);
	instr_trace_stop(c); /* its trace session, if it has one */
}

static void *privcmd_conn(void *arg)
{
	struct pconn *c = arg;

	privcmd_serve(c);
	privcmd_conn_release(c);
	close(c->fd);
	free(c);
	return NULL;
}

static int privcmd_peer_ok(int fd)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0)
		return 0;
	return cr.uid == 0 || cr.uid == geteuid();
}

static void *privcmd_accept_main(void *arg)
{
	pthread_attr_t attr;

	(void)arg;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 256 << 10);
	for (;;) {
		pthread_t t;
		struct pconn *c;
		int fd = accept4(privcmd_listen_fd, NULL, NULL, SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno != EINTR && errno != ECONNABORTED)
				log_warn("privcmd: accept");
			continue;
		}
		if (!privcmd_peer_ok(fd)) {
			log_warnx("privcmd: refused a connection from another user");
			close(fd);
			continue;
		}
		c = calloc(1, sizeof(*c));
		if (!c || (c->fd = fd, pthread_create(&t, &attr, privcmd_conn, c) != 0)) {
			log_warn("privcmd: no thread for a connection");
			free(c);
			close(fd);
		}
	}
	return NULL;
}

int privcmd_start(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	pthread_t t;
	int fd;

	if (rundir_file(sa.sun_path, sizeof(sa.sun_path), PV_PRIVCMD_SOCKET) < 0)
		return -PV_ENAMETOOLONG;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return pv_errno_last();
	unlink(sa.sun_path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 64) < 0) {
		int err = pv_errno_last();

		close(fd);
		return err;
	}
	chmod(sa.sun_path, 0600);
	privcmd_listen_fd = fd;
	return -pv_errno_from_host(pthread_create(&t, NULL, privcmd_accept_main, NULL));
}
