/* Who may be at the other end of our Unix sockets: root, or our own effective uid
 * (docs/SECURITY.md: dom0 processes of the same user are trusted, other users are
 * not). Servers check their clients, and clients check the server before they send
 * it anything: a socket path in a directory someone else controlled could lead to
 * a server of theirs. */
#ifndef PV_COMMON_PEER_H
#define PV_COMMON_PEER_H

#include <sys/types.h>

/* The uid of the process at the other end of connected socket fd (for a server:
 * the uid that called listen()). 0 or -errno. */
int peer_uid(int fd, uid_t *uid);
/* 1 when that peer is root or our effective uid, else 0 (also when unknown). */
int peer_trusted(int fd);
/* Connect stream socket fd to the Unix socket at path and check the server:
 * 0, -errno of connect, or -EPERM when a process of another user (neither root nor
 * us) listens there -- nothing has been sent to it; *uid says who, when not NULL. */
int peer_connect(int fd, const char *path, uid_t *uid);

#endif
