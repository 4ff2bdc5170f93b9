/* Reading pvx trace's files (tracefile.h). */
#include "libpvx/tracefile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static int tf_check(struct tracefile *tf, size_t len, const char *path, char *err, size_t errlen)
{
	const struct tracefile_hdr *h = tf->map;
	size_t room;

	if (len < sizeof(*h) || memcmp(h->magic, TRACEFILE_MAGIC, 8) != 0) {
		snprintf(err, errlen, "%s: not a pvx trace file", path);
		return -EINVAL;
	}
	if (h->version != TRACEFILE_VERSION || h->rec_size != sizeof(struct pv_trace_rec)) {
		snprintf(err, errlen,
			 "%s: trace file version %u (records of %u bytes); this pvx "
			 "reads version %u",
			 path, h->version, h->rec_size, TRACEFILE_VERSION);
		return -EINVAL;
	}
	tf->hdr = *h;
	room = (len - sizeof(*h)) / sizeof(struct pv_trace_rec);
	tf->nrec = h->end_ns && h->records <= room ? h->records : room;
	tf->rec = (const struct pv_trace_rec *)(h + 1);
	room = (len - sizeof(*h) - tf->nrec * sizeof(struct pv_trace_rec)) /
	       sizeof(struct tracefile_name);
	tf->nnames = h->end_ns && h->nr_names <= room ? h->nr_names : 0;
	tf->names = (const struct tracefile_name *)(tf->rec + tf->nrec);
	return 0;
}

int tracefile_read(const char *path, struct tracefile *tf, char *err, size_t errlen)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	memset(tf, 0, sizeof(*tf));
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return rc;
	}
	if (fstat(fd, &st) < 0 || st.st_size < (off_t)sizeof(struct tracefile_hdr)) {
		close(fd);
		snprintf(err, errlen, "%s: not a pvx trace file (too short)", path);
		return -EINVAL;
	}
	tf->map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (tf->map == MAP_FAILED) {
		rc = -errno;
		tf->map = NULL;
		snprintf(err, errlen, "%s: %s", path, strerror(-rc));
		return rc;
	}
	tf->map_len = (size_t)st.st_size;
	rc = tf_check(tf, tf->map_len, path, err, errlen);
	if (rc < 0)
		tracefile_close(tf);
	return rc;
}

void tracefile_close(struct tracefile *tf)
{
	if (tf->map)
		munmap(tf->map, tf->map_len);
	memset(tf, 0, sizeof(*tf));
}

const char *tracefile_domain_name(const struct tracefile *tf, uint16_t domid)
{
	for (size_t i = 0; i < tf->nnames; i++)
		if (tf->names[i].domid == domid)
			return tf->names[i].name;
	return NULL;
}
