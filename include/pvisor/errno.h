/* pvisor public ABI: error numbers hypercalls return negated (-PV_EINVAL ...);
 * the values equal Xen's (and Linux x86's). */
#ifndef PVISOR_ERRNO_H
#define PVISOR_ERRNO_H

/* PV_EINTR and PV_ERESTART are hypervisor-internal: a guest never sees them. */
#define PV_EPERM         1
#define PV_ENOENT        2
#define PV_ESRCH         3
#define PV_EINTR         4
#define PV_EIO           5
#define PV_ENXIO         6
#define PV_E2BIG         7
#define PV_ENOEXEC       8
#define PV_EBADF         9
#define PV_ECHILD        10
#define PV_EAGAIN        11
#define PV_EWOULDBLOCK   11
#define PV_ENOMEM        12
#define PV_EACCES        13
#define PV_EFAULT        14
#define PV_EBUSY         16
#define PV_EEXIST        17
#define PV_EXDEV         18
#define PV_ENODEV        19
#define PV_ENOTDIR       20
#define PV_EISDIR        21
#define PV_EINVAL        22
#define PV_ENFILE        23
#define PV_EMFILE        24
#define PV_ENOSPC        28
#define PV_EROFS         30
#define PV_EMLINK        31
#define PV_EDOM          33
#define PV_ERANGE        34
#define PV_EDEADLK       35
#define PV_EDEADLOCK     35
#define PV_ENAMETOOLONG  36
#define PV_ENOLCK        37
#define PV_ENOSYS        38
#define PV_ENOTEMPTY     39
#define PV_ENODATA       61
#define PV_ETIME         62
#define PV_EBADMSG       74
#define PV_EOVERFLOW     75
#define PV_EILSEQ        84
#define PV_ERESTART      85
#define PV_ENOTSOCK      88
#define PV_EMSGSIZE      90
#define PV_EOPNOTSUPP    95
#define PV_EADDRINUSE    98
#define PV_EADDRNOTAVAIL 99
#define PV_ENOBUFS       105
#define PV_EISCONN       106
#define PV_ENOTCONN      107
#define PV_ETIMEDOUT     110
#define PV_ECONNREFUSED  111

#endif
