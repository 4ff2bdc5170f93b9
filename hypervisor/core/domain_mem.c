/* A domain's memory file: the memfd that holds its RAM and special pages, shared
 * with its host context and with dom0 (MAP_FOREIGN, grant maps). Two promises to
 * keep toward dom0 clients, whatever they do with the descriptors they get:
 *   - its size never changes (sealed against shrinking and growing: a client that
 *     truncated it would make our next touch a SIGBUS, and every domain with it);
 *   - a read-only grant map stays read-only. A client gets an O_RDONLY description;
 *     reopening it through /proc/self/fd/N (or /proc/self/map_files) with O_RDWR
 *     would give a writable one. The inode is therefore immutable (FS_IMMUTABLE_FL:
 *     no open for writing, even by root) and mode 0400 (no write by its owner
 *     where we may not set the flag). Descriptions opened for writing before --
 *     ours, and the dups we hand out for writable maps -- keep working, mmap
 *     included; fallocate does not, so punching holes (ballooning) lifts the flag
 *     for that one call (docs/SECURITY.md says what that window allows). */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/hv.h"
#include "log.h"
#include "pv_errno.h"
#include "pvisor/errno.h"

static int mem_set_immutable(int fd, int on)
{
	int flags = 0;

	if (ioctl(fd, FS_IOC_GETFLAGS, &flags) < 0)
		return pv_errno_last();
	flags = on ? flags | FS_IMMUTABLE_FL : flags & ~FS_IMMUTABLE_FL;
	return ioctl(fd, FS_IOC_SETFLAGS, &flags) < 0 ? pv_errno_last() : 0;
}

/* Mode 0400 and, where we may (CAP_LINUX_IMMUTABLE), the immutable flag. Returns
 * whether the flag is set. */
static int mem_protect(int fd)
{
	static int told;
	int rc;

	if (fchmod(fd, 0400) < 0)
		log_warn("guest memory: chmod 0400");
	rc = mem_set_immutable(fd, 1);
	if (rc == 0)
		return 1;
	if (!told++)
		log_warnx("guest memory cannot be made immutable (%s): a read-only grant map "
			  "is protected by the file mode only (a root client could reopen it "
			  "for writing)",
			  strerror(pv_errno_to_host(-rc)));
	return 0;
}

int domain_mem_open(uint64_t size, struct domain_mem *m)
{
	char path[64];
	int fd, ro, err;

	fd = memfd_create("pvisor-guest", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return pv_errno_last();
	if (ftruncate(fd, (off_t)size) < 0 ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0)
		goto fail;
	/* The one read-only description: dup'ed for every read-only grant map. */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ro = open(path, O_RDONLY | O_CLOEXEC);
	if (ro < 0)
		goto fail;
	m->fd = fd;
	m->ro_fd = ro;
	m->immutable = mem_protect(fd);
	return 0;
fail:
	err = pv_errno_last();
	close(fd);
	return err;
}

int domain_mem_punch(struct domain *d, uint64_t off, uint64_t len)
{
	int rc = 0;

	if (d->mem_immutable && (rc = mem_set_immutable(d->mem_fd, 0)) < 0)
		return rc;
	if (fallocate(d->mem_fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)off,
		      (off_t)len) < 0)
		rc = pv_errno_last();
	if (d->mem_immutable && mem_set_immutable(d->mem_fd, 1) < 0)
		log_warn("dom%u: guest memory is no longer immutable", d->domid);
	return rc;
}
