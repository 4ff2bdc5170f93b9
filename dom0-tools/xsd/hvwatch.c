/* xsd: the watches of guest connections kept on disk (see hvwatch.h). One small file
 * per domain, $RUNDIR/xsd-watches/<domid>, rewritten when that domain's watches
 * change and removed when it is released: a guest registering a watch costs the
 * write of its own few records, whatever the number of other guests. */
#include "xsd/hvwatch.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "rundir.h"
#include "util.h"
#include "xsd/domain.h"
#include "xsd/journal.h"
#include "xsd/path.h"
#include "xsd/watch.h"

#define HVWATCH_MAGIC "PVXSWAT1"
#define HVWATCH_DIR   "xsd-watches"

/* One saved watch: this header, then the path (as registered: relative watches
 * stay relative) and the token, no NULs. */
struct hvwatch_rec {
	uint32_t domid;
	int32_t depth;
	uint32_t plen, tlen;
};

/* $RUNDIR/xsd-watches/<domid> (or the folder itself for domid UINT32_MAX). */
static int hvwatch_path(char *buf, size_t len, uint32_t domid)
{
	char name[64];

	if (domid == UINT32_MAX)
		return rundir_file(buf, len, HVWATCH_DIR);
	snprintf(name, sizeof(name), HVWATCH_DIR "/%u", domid);
	return rundir_file(buf, len, name);
}

static int hvwatch_put(FILE *f, const struct xsd_domain *d)
{
	if (fwrite(HVWATCH_MAGIC, 8, 1, f) != 1)
		return -EIO;
	for (const struct xsd_watch *w = d->conn->watches; w; w = w->next) {
		const char *p = w->relative ? xsd_path_strip_home(w->path, d->domid) : w->path;
		struct hvwatch_rec r = { d->domid, w->depth, (uint32_t)strlen(p),
					 (uint32_t)strlen(w->token) };

		if (fwrite(&r, sizeof(r), 1, f) != 1 || fwrite(p, 1, r.plen, f) != r.plen ||
		    fwrite(w->token, 1, r.tlen, f) != r.tlen)
			return -EIO;
	}
	return 0;
}

void xsd_hvwatch_save(const struct xsd_domain *d)
{
	char path[PATH_MAX], tmp[PATH_MAX + 8];
	FILE *f;
	int rc;

	d->conn->watches_dirty = false;
	if (!d->conn->watches) {
		xsd_hvwatch_forget(d->domid);
		return;
	}
	if (hvwatch_path(path, sizeof(path), d->domid) < 0)
		return;
	if (rundir_mkdir(HVWATCH_DIR) < 0)
		goto fail; /* refused: a link or a folder of someone else's */
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = xsd_journal_fopen_tmp(tmp); /* never through a link */
	rc = f ? hvwatch_put(f, d) : -EIO;
	if (f && fclose(f) != 0)
		rc = -EIO;
	if (rc == 0 && rename(tmp, path) == 0)
		return;
	unlink(tmp);
fail:
	log_warnx("dom%u: cannot save its watches to %s: after an xsd crash it would lose them",
		  d->domid, path);
}

void xsd_hvwatch_forget(uint32_t domid)
{
	char path[PATH_MAX];

	if (hvwatch_path(path, sizeof(path), domid) == 0)
		unlink(path);
}

/* Give domain d the watches saved in f, each firing once. Returns how many. */
static size_t hvwatch_load_file(struct xsd_core *core, FILE *f, char *buf)
{
	char magic[8];
	size_t n = 0;

	if (fread(magic, 8, 1, f) != 1 || memcmp(magic, HVWATCH_MAGIC, 8) != 0)
		return 0;
	for (struct hvwatch_rec r; fread(&r, sizeof(r), 1, f) == 1;) {
		struct xsd_domain *d = xsd_domain_find(core, r.domid);
		char *p = buf, *tok;

		if (r.plen == 0 || r.plen > PV_XENSTORE_PAYLOAD_MAX ||
		    r.tlen > PV_XENSTORE_PAYLOAD_MAX)
			break; /* torn or foreign file: stop there */
		tok = buf + r.plen + 1;
		if (fread(p, 1, r.plen, f) != r.plen || fread(tok, 1, r.tlen, f) != r.tlen)
			break;
		p[r.plen] = tok[r.tlen] = '\0';
		if (!d || !d->conn || r.depth < -1)
			continue;
		if (xsd_watch_add(d->conn, p, tok, r.depth) == 0) {
			xsd_conn_send(d->conn, PV_XS_WATCH_EVENT, 0, 0, p, r.plen + 1, tok,
				      r.tlen + 1);
			n++;
		}
	}
	return n;
}

size_t xsd_hvwatch_load(struct xsd_core *core)
{
	char dir[PATH_MAX], path[PATH_MAX + 300], *buf;
	struct dirent *de;
	size_t n = 0;
	DIR *dp;

	if (hvwatch_path(dir, sizeof(dir), UINT32_MAX) < 0 || !(dp = opendir(dir)))
		return 0;
	buf = malloc(2 * PV_XENSTORE_PAYLOAD_MAX + 2);
	while (buf && (de = readdir(dp))) {
		uint64_t domid;
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (util_parse_u64(de->d_name, UINT32_MAX - 1, &domid) < 0 ||
		    !xsd_domain_find(core, (uint32_t)domid)) {
			unlink(path); /* a domain gone meanwhile, or a torn .tmp */
			continue;
		}
		if ((f = xsd_journal_fopen_read(path))) {
			n += hvwatch_load_file(core, f, buf);
			fclose(f);
		}
	}
	free(buf);
	closedir(dp);
	return n;
}
