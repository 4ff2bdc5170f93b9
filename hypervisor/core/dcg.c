/* Domain cgroups (dcg.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/dcg.h"
#include "log.h"
#include "pv_errno.h"
#include "pvisor/errno.h"

#define DCG_PREFIX "pvisor."

struct dcg {
	char path[PATH_MAX + 32];
};

static int dcg_ver;             /* 0 none, 1, 2 */
static char dcg_base[PATH_MAX]; /* this daemon's directory */
static char dcg_desc[PATH_MAX + 64];

static int dcg_write(const char *dir, const char *file, const char *value)
{
	char path[PATH_MAX + 64];
	int fd, rc = 0;
	size_t len = strlen(value);

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return pv_errno_last();
	if (write(fd, value, len) != (ssize_t)len)
		rc = pv_errno_last();
	close(fd);
	return rc;
}

/* "cpu" is one of the comma-separated mount options. */
static int dcg_opts_cpu(char *opts)
{
	char *save = NULL;

	for (char *w = strtok_r(opts, ",", &save); w; w = strtok_r(NULL, ",", &save))
		if (strcmp(w, "cpu") == 0)
			return 1;
	return 0;
}

/* The mount point of a cgroup hierarchy: v2 ("cgroup2"), or v1 with the cpu
 * controller among its options. 0 when found. */
static int dcg_mount(int v2, char *out, size_t len)
{
	char line[1024], dir[PATH_MAX], fstype[64], opts[512];
	FILE *f = fopen("/proc/self/mounts", "re");
	int found = 0;

	if (!f)
		return -1;
	while (!found && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*s %4095s %63s %511s", dir, fstype, opts) != 3)
			continue;
		if (v2)
			found = strcmp(fstype, "cgroup2") == 0;
		else
			found = strcmp(fstype, "cgroup") == 0 && dcg_opts_cpu(opts);
		if (found)
			snprintf(out, len, "%s", dir);
	}
	fclose(f);
	return found ? 0 : -1;
}

/* v2 offers the cpu controller at its root (it is not bound to a v1 hierarchy). */
static int dcg_v2_has_cpu(const char *mnt)
{
	char path[PATH_MAX + 32], buf[512] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/cgroup.controllers", mnt);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	for (char *w = strtok(buf, " \n"); w; w = strtok(NULL, " \n"))
		if (strcmp(w, "cpu") == 0)
			return 1;
	return 0;
}

/* Remove a daemon directory and its (empty) domain groups; a group that still
 * holds a process stays. */
static void dcg_remove_tree(const char *path)
{
	char sub[PATH_MAX + 300];
	DIR *inner = opendir(path);
	struct dirent *s;

	while (inner && (s = readdir(inner)))
		if (s->d_name[0] != '.' && s->d_type == DT_DIR) {
			snprintf(sub, sizeof(sub), "%s/%s", path, s->d_name);
			rmdir(sub);
		}
	if (inner)
		closedir(inner);
	rmdir(path);
}

/* Directories pvisor.<pid> of daemons that are gone, with their domain groups. */
static void dcg_sweep(const char *mnt)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *dir = opendir(mnt);

	while (dir && (e = readdir(dir))) {
		long pid = strncmp(e->d_name, DCG_PREFIX, strlen(DCG_PREFIX)) == 0
				   ? strtol(e->d_name + strlen(DCG_PREFIX), NULL, 10)
				   : 0;

		if (pid <= 0 || pid == getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		snprintf(path, sizeof(path), "%s/%s", mnt, e->d_name);
		dcg_remove_tree(path);
	}
	if (dir)
		closedir(dir);
}

void dcg_fini(void)
{
	if (dcg_ver)
		dcg_remove_tree(dcg_base);
	dcg_ver = 0;
}

/* Make this daemon's directory under mnt; for v2 let its children use cpu. */
static int dcg_setup(int ver, const char *mnt)
{
	if (snprintf(dcg_base, sizeof(dcg_base), "%s/" DCG_PREFIX "%d", mnt, (int)getpid()) >=
	    (int)sizeof(dcg_base) - 32)
		return -PV_ENAMETOOLONG;
	dcg_sweep(mnt);
	if (mkdir(dcg_base, 0755) < 0 && errno != EEXIST)
		return pv_errno_last();
	if (ver == 2 && (dcg_write(mnt, "cgroup.subtree_control", "+cpu") < 0 ||
			 dcg_write(dcg_base, "cgroup.subtree_control", "+cpu") < 0)) {
		int rc = pv_errno_last();

		rmdir(dcg_base);
		return rc;
	}
	dcg_ver = ver;
	return 0;
}

void dcg_init(void)
{
	char v2[PATH_MAX] = "", v1[PATH_MAX] = "";
	int rc = -PV_ENOENT;

	if (dcg_mount(1, v2, sizeof(v2)) == 0 && dcg_v2_has_cpu(v2))
		rc = dcg_setup(2, v2);
	if (rc < 0 && dcg_mount(0, v1, sizeof(v1)) == 0)
		rc = dcg_setup(1, v1);
	if (rc == 0) {
		snprintf(dcg_desc, sizeof(dcg_desc), "v%d %s", dcg_ver, dcg_base);
		log_info("domain cgroups: %s", dcg_desc);
		return;
	}
	snprintf(dcg_desc, sizeof(dcg_desc), "none: %s",
		 rc == -PV_ENOENT ? "no cgroup v2 with the cpu controller and no v1 cpu hierarchy"
				  : "cannot create a cgroup (not root?)");
	log_warnx("domain cgroups: %s; weight and cap cannot be set", dcg_desc + 6);
}

const char *dcg_describe(void)
{
	return dcg_desc;
}

int dcg_version(void)
{
	return dcg_ver;
}

int dcg_create(pv_domid_t domid, struct dcg **out)
{
	struct dcg *g;

	*out = NULL;
	if (!dcg_ver)
		return -PV_EOPNOTSUPP;
	g = calloc(1, sizeof(*g));
	if (!g)
		return -PV_ENOMEM;
	snprintf(g->path, sizeof(g->path), "%s/dom%u", dcg_base, domid);
	if (mkdir(g->path, 0755) < 0 && errno != EEXIST) {
		int rc = pv_errno_last();

		free(g);
		return rc;
	}
	*out = g;
	return 0;
}

int dcg_attach(struct dcg *g, pid_t pid)
{
	char v[32];

	if (!g)
		return -PV_EOPNOTSUPP;
	snprintf(v, sizeof(v), "%d", (int)pid);
	return dcg_write(g->path, "cgroup.procs", v);
}

/* v1: cpu.shares (1024 is the default share, weight 256) and cfs quota/period. */
static int dcg_set_cpu_v1(struct dcg *g, unsigned weight, unsigned cap)
{
	char v[32];
	int rc;

	snprintf(v, sizeof(v), "%u", weight * 4);
	rc = dcg_write(g->path, "cpu.shares", v);
	if (rc == 0)
		rc = dcg_write(g->path, "cpu.cfs_period_us", "100000");
	snprintf(v, sizeof(v), "%lld", cap ? (long long)cap * DCG_PERIOD_US / 100 : -1LL);
	return rc ? rc : dcg_write(g->path, "cpu.cfs_quota_us", v);
}

/* v2: cpu.weight (100 is the default, weight 256) and cpu.max "quota period". */
static int dcg_set_cpu_v2(struct dcg *g, unsigned weight, unsigned cap)
{
	unsigned long w = (unsigned long)weight * 100 / DCG_WEIGHT_DEFAULT;
	char v[48];
	int rc;

	snprintf(v, sizeof(v), "%lu", w < 1 ? 1 : w > 10000 ? 10000 : w);
	rc = dcg_write(g->path, "cpu.weight", v);
	if (cap)
		snprintf(v, sizeof(v), "%llu %u", (unsigned long long)cap * DCG_PERIOD_US / 100,
			 DCG_PERIOD_US);
	else
		snprintf(v, sizeof(v), "max %u", DCG_PERIOD_US);
	return rc ? rc : dcg_write(g->path, "cpu.max", v);
}

int dcg_set_cpu(struct dcg *g, unsigned weight, unsigned cap)
{
	if (!g)
		return -PV_EOPNOTSUPP;
	if (weight < 1 || weight > 65535)
		return -PV_EINVAL;
	return dcg_ver == 2 ? dcg_set_cpu_v2(g, weight, cap) : dcg_set_cpu_v1(g, weight, cap);
}

void dcg_destroy(struct dcg *g)
{
	if (!g)
		return;
	if (rmdir(g->path) < 0 && errno != ENOENT)
		log_warn("domain cgroup %s left behind", g->path);
	free(g);
}
