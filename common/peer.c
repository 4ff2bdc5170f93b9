/* Checking the process at the other end of a Unix socket (peer.h). */
#include "peer.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int peer_uid(int fd, uid_t *uid)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0)
		return -errno;
	*uid = cr.uid;
	return 0;
}

int peer_trusted(int fd)
{
	uid_t uid = (uid_t)-1;

	return peer_uid(fd, &uid) == 0 && (uid == 0 || uid == geteuid());
}

int peer_connect(int fd, const char *path, uid_t *uid)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	uid_t who = (uid_t)-1;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	peer_uid(fd, &who);
	if (uid)
		*uid = who;
	return (who == 0 || who == geteuid()) ? 0 : -EPERM;
}
