/* xsd: persistence (see journal.h and docs/NOTES-store.md for the format). */
#include "xsd/journal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"
#include "xsd/path.h"

#define JNL_MAGIC       "PVXSJNL1"
#define SNAP_MAGIC      "PVXSSNP1"
#define JNL_MIN_COMPACT (4u << 20) /* compact when the journal passes this ... */
#define JNL_REC_MAX     (16 + 3200 + 4 * 1366 + 4096 + 4)

struct jnl_hdr {
	uint8_t kind; /* 'P' put, 'D' delete (recursive), 'E' end of snapshot */
	uint8_t pad;
	uint16_t nperms;
	uint32_t path_len;
	uint32_t value_len;
};

#define JNL_CHUNK (1u << 20) /* the mapping grows by this much */

struct xsd_journal {
	struct xsd_core *core;
	int fd;
	char jpath[PATH_MAX], spath[PATH_MAX], tpath[PATH_MAX];
	char *map;      /* the journal file, mapped shared: a record is in the page cache
			   * (and survives kill -9) as soon as it is copied there */
	size_t map_cap; /* bytes mapped, all allocated on disk */
	size_t off;     /* end of the records */
	size_t snap_size;
	bool broken; /* records were lost (no space): the next compaction snapshots */
	int error;   /* first error since the last flush */
};

static uint32_t jnl_sum(const void *p, size_t n)
{
	const unsigned char *b = p;
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ *b++) * 16777619u;
	return h;
}

/* Encode one record into out (JNL_REC_MAX bytes); returns its length. */
static size_t jnl_encode(char *out, char kind, const char *path, const struct xsd_node *n)
{
	struct jnl_hdr h = { (uint8_t)kind, 0, n ? n->nperms : 0, (uint32_t)strlen(path),
			     n ? n->vlen : 0 };
	size_t off = sizeof(h);
	uint32_t sum;

	memcpy(out + off, path, h.path_len);
	off += h.path_len;
	for (unsigned i = 0; n && i < h.nperms; i++) {
		uint8_t p[4] = { (uint8_t)(n->perms[i].domid & 0xff),
				 (uint8_t)(n->perms[i].domid >> 8), n->perms[i].access, 0 };
		memcpy(out + off, p, 4);
		off += 4;
	}
	if (h.value_len)
		memcpy(out + off, n->value, h.value_len);
	off += h.value_len;
	memcpy(out, &h, sizeof(h));
	sum = jnl_sum(out, off);
	memcpy(out + off, &sum, 4);
	return off + 4;
}

/* (Re)map the journal with room for at least `need` bytes. The space is allocated
 * first, so a full disk is an error here and not a SIGBUS on a later store. */
static int jnl_map(struct xsd_journal *j, size_t need)
{
	size_t cap = (need + JNL_CHUNK - 1) / JNL_CHUNK * JNL_CHUNK;
	char *m;
	int err;

	if (j->map)
		munmap(j->map, j->map_cap);
	j->map = NULL;
	j->map_cap = 0;
	err = posix_fallocate(j->fd, 0, (off_t)cap);
	if (err)
		return -err;
	m = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_SHARED, j->fd, 0);
	if (m == MAP_FAILED)
		return -errno;
	j->map = m;
	j->map_cap = cap;
	return 0;
}

static void jnl_append(struct xsd_journal *j, char kind, const char *path,
		       const struct xsd_node *n)
{
	if (j->broken)
		return;
	if (!j->map || j->map_cap - j->off < JNL_REC_MAX) {
		int err = jnl_map(j, j->off + JNL_REC_MAX + j->map_cap);
		if (err) {
			j->broken = true;
			j->error = err;
			return;
		}
	}
	j->off += jnl_encode(j->map + j->off, kind, path, n);
}

static void jnl_on_change(void *opaque, const char *path, const struct xsd_node *n, bool top)
{
	struct xsd_journal *j = opaque;

	if (n)
		jnl_append(j, 'P', path, n);
	else if (top)
		jnl_append(j, 'D', path, NULL);
}

/* Apply one decoded record to the tree. */
static int jnl_apply(struct xsd_core *core, const struct jnl_hdr *h, const char *body)
{
	struct xsd_perm perms[XSD_PERMS_MAX];
	char path[XSD_PATH_BUF], canon[XSD_PATH_BUF];
	const unsigned char *p = (const unsigned char *)body + h->path_len;
	struct xsd_node *n;

	if (h->path_len == 0 || h->path_len >= sizeof(path) || body[0] != '/')
		return -EINVAL;
	memcpy(path, body, h->path_len);
	path[h->path_len] = '\0';
	if (xsd_path_canon(path, 0, false, canon) < 0 || strcmp(path, canon) != 0)
		return -EINVAL;
	if (h->kind == 'D')
		return xsd_store_del(&core->store, path) == -EINVAL ? -EINVAL : 0;
	if (h->kind != 'P' || h->nperms == 0 || h->nperms > XSD_PERMS_MAX ||
	    h->value_len > PV_XENSTORE_PAYLOAD_MAX)
		return -EINVAL;
	for (unsigned i = 0; i < h->nperms; i++, p += 4) {
		perms[i].domid = (uint16_t)(p[0] | p[1] << 8);
		perms[i].access = p[2] & 3;
	}
	n = xsd_node_create(path, p, h->value_len, perms, h->nperms);
	return n ? xsd_store_put(&core->store, n) : -ENOMEM;
}

/* Replay records from buf; returns the offset after the last good one. *end is set
 * when an 'E' record was seen. */
static size_t jnl_replay(struct xsd_core *core, const char *buf, size_t len, bool *end)
{
	size_t off = 0;

	*end = false;
	while (len - off >= sizeof(struct jnl_hdr) + 4) {
		struct jnl_hdr h;
		size_t body, total;
		uint32_t sum;
		memcpy(&h, buf + off, sizeof(h));
		if (h.kind != 'P' && h.kind != 'D' && h.kind != 'E')
			break; /* the zeroed space after the last record, or garbage */
		body = (size_t)h.path_len + 4u * h.nperms + h.value_len;
		if (h.path_len > 4096 || h.value_len > 65536)
			break;
		total = sizeof(h) + body + 4;
		if (len - off < total)
			break;
		memcpy(&sum, buf + off + sizeof(h) + body, 4);
		if (sum != jnl_sum(buf + off, sizeof(h) + body))
			break;
		if (h.kind == 'E') {
			*end = true;
			return off + total;
		}
		jnl_apply(core, &h, buf + off + sizeof(h));
		off += total;
	}
	return off;
}

FILE *xsd_journal_fopen_tmp(const char *path)
{
	int fd = util_create_tmp(path);
	FILE *f;

	if (fd < 0) {
		errno = -fd;
		return NULL;
	}
	if (!(f = fdopen(fd, "w")))
		close(fd);
	return f;
}

FILE *xsd_journal_fopen_read(const char *path)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	FILE *f;

	if (fd < 0)
		return NULL;
	if (!(f = fdopen(fd, "r")))
		close(fd);
	return f;
}

/* Read a whole file into a malloc'd buffer. 0, -ENOENT, -errno. */
static int jnl_slurp(const char *path, char **out, size_t *len)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	ssize_t n;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !(*out = malloc((size_t)st.st_size + 1))) {
		close(fd);
		return -ENOMEM;
	}
	n = util_read_full(fd, *out, (size_t)st.st_size);
	close(fd);
	if (n < 0) {
		free(*out);
		return -EIO;
	}
	*len = (size_t)n;
	return 0;
}

static int jnl_load_snapshot(struct xsd_journal *j)
{
	char *buf;
	size_t len;
	bool end;
	int err = jnl_slurp(j->spath, &buf, &len);

	if (err == -ENOENT)
		return 0;
	if (err)
		return err;
	if (len >= 8 && memcmp(buf, SNAP_MAGIC, 8) == 0)
		jnl_replay(j->core, buf + 8, len - 8, &end);
	j->snap_size = len;
	free(buf);
	return 0;
}

/* Replay the journal and open it for appending, cutting a torn tail. */
static int jnl_load_journal(struct xsd_journal *j)
{
	char *buf = NULL;
	size_t len = 0, good = 8;
	bool end;
	int err = jnl_slurp(j->jpath, &buf, &len);

	if (err && err != -ENOENT)
		return err;
	if (!err && len >= 8 && memcmp(buf, JNL_MAGIC, 8) == 0)
		good = 8 + jnl_replay(j->core, buf + 8, len - 8, &end);
	free(buf);
	j->fd = open(j->jpath, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (j->fd < 0)
		return -errno;
	/* cut a torn tail and the old zeroed space; mapping re-extends with zeros */
	if (ftruncate(j->fd, (off_t)good) < 0)
		return -errno;
	err = jnl_map(j, good + JNL_CHUNK);
	if (err)
		return err;
	memcpy(j->map, JNL_MAGIC, 8);
	j->off = good;
	return 0;
}

static void jnl_free(struct xsd_journal *j);

int xsd_journal_open(struct xsd_journal **out, struct xsd_core *core, const char *dir)
{
	struct xsd_journal *j = calloc(1, sizeof(*j));
	int err;

	if (!j)
		return -ENOMEM;
	j->core = core;
	j->fd = -1;
	snprintf(j->jpath, sizeof(j->jpath), "%s/xsd.journal", dir);
	snprintf(j->spath, sizeof(j->spath), "%s/xsd.snap", dir);
	snprintf(j->tpath, sizeof(j->tpath), "%s/xsd.snap.tmp", dir);
	err = jnl_load_snapshot(j);
	if (!err)
		err = jnl_load_journal(j);
	if (err) {
		jnl_free(j);
		return err;
	}
	core->on_change = jnl_on_change;
	core->change_opaque = j;
	*out = j;
	return 0;
}

int xsd_journal_flush(struct xsd_journal *j)
{
	int err = j->error;

	/* records are already in the page cache: only report what went wrong */
	j->error = 0;
	return err;
}

size_t xsd_journal_size(const struct xsd_journal *j)
{
	return j->off;
}

/* Write n and its subtree, parents first. */
static int jnl_snap_tree(struct xsd_journal *j, FILE *f, const struct xsd_node *n, char *rec)
{
	size_t len = jnl_encode(rec, 'P', n->path, n);

	if (fwrite(rec, 1, len, f) != len)
		return -EIO;
	for (uint32_t off = 0; off < n->kidlen; off += (uint32_t)strlen(n->kids + off) + 1) {
		char *kid = xsd_path_join(n->path, n->kids + off);
		const struct xsd_node *k = kid ? xsd_store_get(&j->core->store, kid) : NULL;
		int err = k ? jnl_snap_tree(j, f, k, rec) : 0;
		free(kid);
		if (!kid)
			return -ENOMEM;
		if (err)
			return err;
	}
	return 0;
}

static int jnl_snap_write(struct xsd_journal *j, FILE *f)
{
	char *rec = malloc(JNL_REC_MAX);
	int err;

	if (!rec)
		return -ENOMEM;
	err = fwrite(SNAP_MAGIC, 1, 8, f) == 8 ? 0 : -EIO;
	if (!err)
		err = jnl_snap_tree(j, f, xsd_store_get(&j->core->store, "/"), rec);
	if (!err) {
		size_t len = jnl_encode(rec, 'E', "/", NULL);
		err = fwrite(rec, 1, len, f) == len ? 0 : -EIO;
	}
	if (!err && (fflush(f) != 0 || fsync(fileno(f)) < 0))
		err = -EIO;
	free(rec);
	return err;
}

/* Empty the journal (after a snapshot): keep the magic, zero the rest. */
static int jnl_reset(struct xsd_journal *j)
{
	int err;

	if (j->map)
		munmap(j->map, j->map_cap);
	j->map = NULL;
	j->map_cap = 0;
	j->off = 8;
	if (ftruncate(j->fd, 0) < 0)
		return -errno;
	err = jnl_map(j, JNL_CHUNK);
	if (err)
		return err;
	memcpy(j->map, JNL_MAGIC, 8);
	j->broken = false;
	return 0;
}

int xsd_journal_snapshot(struct xsd_journal *j)
{
	FILE *f = xsd_journal_fopen_tmp(j->tpath);
	struct stat st;
	int err;

	if (!f)
		return -errno;
	err = jnl_snap_write(j, f);
	if (fclose(f) != 0 && !err)
		err = -EIO;
	if (!err && rename(j->tpath, j->spath) < 0)
		err = -errno;
	if (err) {
		unlink(j->tpath);
		return err;
	}
	if (stat(j->spath, &st) == 0)
		j->snap_size = (size_t)st.st_size;
	return jnl_reset(j);
}

int xsd_journal_maybe_compact(struct xsd_journal *j)
{
	size_t limit = j->snap_size * 2 > JNL_MIN_COMPACT ? j->snap_size * 2 : JNL_MIN_COMPACT;

	if (xsd_journal_size(j) < limit && !j->broken)
		return 0;
	return xsd_journal_snapshot(j);
}

static void jnl_free(struct xsd_journal *j)
{
	if (j->core->change_opaque == j) {
		j->core->on_change = NULL;
		j->core->change_opaque = NULL;
	}
	if (j->map)
		munmap(j->map, j->map_cap);
	close(j->fd);
	free(j);
}

void xsd_journal_close(struct xsd_journal *j)
{
	if (!j)
		return;
	if (xsd_journal_snapshot(j) == 0 && ftruncate(j->fd, (off_t)j->off) == 0)
		fsync(j->fd);
	jnl_free(j);
}

void xsd_journal_abandon(struct xsd_journal *j)
{
	if (j)
		jnl_free(j);
}
