/* The one place PV errno values (pvisor/errno.h, the ABI's error space) and the
 * host's errno values meet. Equal numbers on Linux x86-64, but nothing assumes it. */
#include <errno.h>

#include "pv_errno.h"
#include "pvisor/errno.h"

static const struct {
	int pv, host;
} pv_errno_map[] = {
	{ PV_EPERM, EPERM },
	{ PV_ENOENT, ENOENT },
	{ PV_ESRCH, ESRCH },
	{ PV_EINTR, EINTR },
	{ PV_EIO, EIO },
	{ PV_ENXIO, ENXIO },
	{ PV_E2BIG, E2BIG },
	{ PV_ENOEXEC, ENOEXEC },
	{ PV_EBADF, EBADF },
	{ PV_ECHILD, ECHILD },
	{ PV_EAGAIN, EAGAIN },
	{ PV_ENOMEM, ENOMEM },
	{ PV_EACCES, EACCES },
	{ PV_EFAULT, EFAULT },
	{ PV_EBUSY, EBUSY },
	{ PV_EEXIST, EEXIST },
	{ PV_EXDEV, EXDEV },
	{ PV_ENODEV, ENODEV },
	{ PV_ENOTDIR, ENOTDIR },
	{ PV_EISDIR, EISDIR },
	{ PV_EINVAL, EINVAL },
	{ PV_ENFILE, ENFILE },
	{ PV_EMFILE, EMFILE },
	{ PV_ENOSPC, ENOSPC },
	{ PV_EROFS, EROFS },
	{ PV_EMLINK, EMLINK },
	{ PV_EDOM, EDOM },
	{ PV_ERANGE, ERANGE },
	{ PV_EDEADLK, EDEADLK },
	{ PV_ENAMETOOLONG, ENAMETOOLONG },
	{ PV_ENOLCK, ENOLCK },
	{ PV_ENOSYS, ENOSYS },
	{ PV_ENOTEMPTY, ENOTEMPTY },
	{ PV_ENODATA, ENODATA },
	{ PV_ETIME, ETIME },
	{ PV_EBADMSG, EBADMSG },
	{ PV_EOVERFLOW, EOVERFLOW },
	{ PV_EILSEQ, EILSEQ },
	{ PV_ERESTART, ERESTART },
	{ PV_ENOTSOCK, ENOTSOCK },
	{ PV_EMSGSIZE, EMSGSIZE },
	{ PV_EOPNOTSUPP, EOPNOTSUPP },
	{ PV_EADDRINUSE, EADDRINUSE },
	{ PV_EADDRNOTAVAIL, EADDRNOTAVAIL },
	{ PV_ENOBUFS, ENOBUFS },
	{ PV_EISCONN, EISCONN },
	{ PV_ENOTCONN, ENOTCONN },
	{ PV_ETIMEDOUT, ETIMEDOUT },
	{ PV_ECONNREFUSED, ECONNREFUSED },
};

#define PV_ERRNO_N (sizeof(pv_errno_map) / sizeof(pv_errno_map[0]))

int pv_errno_from_host(int host_errno)
{
	if (host_errno == 0)
		return 0;
	if (host_errno == EWOULDBLOCK)
		host_errno = EAGAIN;
	for (unsigned i = 0; i < PV_ERRNO_N; i++)
		if (pv_errno_map[i].host == host_errno)
			return pv_errno_map[i].pv;
	return PV_EIO;
}

int pv_errno_to_host(int pv_errno)
{
	if (pv_errno == 0)
		return 0;
	for (unsigned i = 0; i < PV_ERRNO_N; i++)
		if (pv_errno_map[i].pv == pv_errno)
			return pv_errno_map[i].host;
	return EIO;
}

int pv_errno_is_pv(int pv_errno)
{
	for (unsigned i = 0; i < PV_ERRNO_N; i++)
		if (pv_errno_map[i].pv == pv_errno)
			return 1;
	return 0;
}

int pv_errno_last(void)
{
	return -pv_errno_from_host(errno);
}
