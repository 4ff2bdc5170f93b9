/* Domain cgroups (dcg.h): a directory per domain in each cgroup hierarchy that
 * holds one of the controllers we use. v1 hierarchies are found in
 * /proc/self/mountinfo (fstype "cgroup", the controller in its options), v2
 * ("cgroup2") serves the controllers its pvisor cgroup hands down; our place in
 * each is /proc/self/cgroup's path for it. Written once at start-up, read-only
 * after, so the per-domain calls need no lock. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
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

#define CG_MAX_HIER 4
#define DCG_PREFIX  "pvisor."

struct cg_hier {
	char base[PATH_MAX / 2]; /* <mount>/<our cgroup>/pvisor.<pid> */
	unsigned ctl;            /* CGROUP_* it serves for us */
	int v2;
};

static struct cg_hier hier[CG_MAX_HIER];
static unsigned n_hier, ctl_all;
static char summary[512];
/* Why the controllers we lack are missing (one reason for all: the last found). */
static char missing_why[160] = "no cgroup hierarchy of ours has it";
static char cpu_desc[PATH_MAX / 2 + 16]; /* dcg_describe */

static const struct {
	unsigned bit;
	const char *name;
} cg_names[] = { { DCG_PIDS, "pids" }, { DCG_MEMORY, "memory" }, { DCG_CPU, "cpu" } };

/* 1 if the comma-separated list holds word. */
static int cg_list_has(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (strncmp(p, word, n) == 0 && (p[n] == ',' || p[n] == '\0' || p[n] == '\n'))
			return 1;
	return 0;
}

static int cg_write(const char *dir, const char *file, const char *val)
{
	char path[PATH_MAX];
	int fd, rc = 0;

	if (snprintf(path, sizeof(path), "%s/%s", dir, file) >= (int)sizeof(path))
		return -PV_ENAMETOOLONG;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return pv_errno_last();
	if (write(fd, val, strlen(val)) < 0)
		rc = pv_errno_last();
	close(fd);
	return rc;
}

static int cg_read(const char *dir, const char *file, char *buf, size_t len)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	if (snprintf(path, sizeof(path), "%s/%s", dir, file) >= (int)sizeof(path))
		return -PV_ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pv_errno_last();
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -PV_EIO;
	buf[n] = '\0';
	return 0;
}

/* Our cgroup's path in the v1 hierarchy holding ctl ("" for v2: ctl NULL). */
static int cg_self_path(const char *ctl, char *out, size_t len)
{
	FILE *f = fopen("/proc/self/cgroup", "re");
	char line[PATH_MAX];
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

		if (!c2)
			continue;
		*c2 = '\0';
		if (ctl ? cg_list_has(c1 + 1, ctl) : c1[1] == '\0') {
			snprintf(out, len, "%s", c2 + 1);
			out[strcspn(out, "\n")] = '\0';
			found = 1;
		}
	}
	fclose(f);
	return found;
}

/* One mountinfo line: mount root, mount point, fstype, super options. */
struct cg_mount {
	char root[PATH_MAX / 4], point[PATH_MAX / 4], type[16], opts[256];
};

static int cg_parse_mount(char *line, struct cg_mount *m)
{
	char *sep = strstr(line, " - ");

	if (!sep || sscanf(line, "%*s %*s %*s %1023s %1023s", m->root, m->point) != 2)
		return 0;
	return sscanf(sep + 3, "%15s %*s %255s", m->type, m->opts) == 2;
}

/* Our directory in the hierarchy mounted as m: <point>/<self path - root>. */
static void cg_base_of(const struct cg_mount *m, const char *self, char *out, size_t len)
{
	size_t r = strlen(m->root);

	if (strcmp(m->root, "/") != 0 && strncmp(self, m->root, r) == 0)
		self += r;
	snprintf(out, len, "%s%s%s" DCG_PREFIX "%d", m->point, self,
		 self[0] && self[strlen(self) - 1] == '/' ? "" : "/", (int)getpid());
}

static void cg_add(const char *base, unsigned ctl, int v2)
{
	for (unsigned i = 0; i < n_hier; i++)
		if (strcmp(hier[i].base, base) == 0) {
			hier[i].ctl |= ctl;
			return;
		}
	if (n_hier < CG_MAX_HIER) {
		snprintf(hier[n_hier].base, sizeof(hier[n_hier].base), "%s", base);
		hier[n_hier].ctl = ctl;
		hier[n_hier++].v2 = v2;
	}
}

/* v1: every hierarchy that carries one of our controllers. */
static void cg_find_v1(FILE *mi)
{
	char line[4096], self[PATH_MAX / 4], base[PATH_MAX / 2];
	struct cg_mount m;

	while (fgets(line, sizeof(line), mi)) {
		if (!cg_parse_mount(line, &m) || strcmp(m.type, "cgroup") != 0)
			continue;
		for (size_t i = 0; i < sizeof(cg_names) / sizeof(cg_names[0]); i++) {
			if (!cg_list_has(m.opts, cg_names[i].name) ||
			    (ctl_all & cg_names[i].bit) ||
			    !cg_self_path(cg_names[i].name, self, sizeof(self)))
				continue;
			cg_base_of(&m, self, base, sizeof(base));
			cg_add(base, cg_names[i].bit, 0);
			ctl_all |= cg_names[i].bit;
		}
	}
}

/* v2: the controllers our cgroup hands down (subtree_control) that v1 lacks. */
/* In the root cgroup (no internal-process rule there) we hand the controllers v1
 * lacks down ourselves; elsewhere they must be handed down to us already. */
static void cg_v2_enable_at_root(const char *self, const char *own)
{
	char want[64] = "";

	if (strcmp(self, "/") != 0)
		return;
	for (size_t i = 0; i < sizeof(cg_names) / sizeof(cg_names[0]); i++)
		if (!(ctl_all & cg_names[i].bit))
			snprintf(want + strlen(want), sizeof(want) - strlen(want), "+%s ",
				 cg_names[i].name);
	for (char *w = strtok(want, " "); w; w = strtok(NULL, " "))
		cg_write(own, "cgroup.subtree_control", w); /* one by one: some may be v1's */
}

/* v2: the controllers our cgroup hands down (subtree_control) that v1 lacks. */
static void cg_find_v2(FILE *mi)
{
	char line[4096], self[PATH_MAX / 4], base[PATH_MAX / 2], own[PATH_MAX], sub[256];
	char *save = NULL;
	struct cg_mount m;

	while (fgets(line, sizeof(line), mi)) {
		if (!cg_parse_mount(line, &m) || strcmp(m.type, "cgroup2") != 0 ||
		    !cg_self_path(NULL, self, sizeof(self)))
			continue;
		cg_base_of(&m, self, base, sizeof(base));
		snprintf(own, sizeof(own), "%s", base);
		*strrchr(own, '/') = '\0';
		cg_v2_enable_at_root(self, own);
		if (cg_read(own, "cgroup.subtree_control", sub, sizeof(sub)) < 0)
			return;
		for (char *w = strtok_r(sub, " \n", &save); w; w = strtok_r(NULL, " \n", &save))
			for (size_t i = 0; i < sizeof(cg_names) / sizeof(cg_names[0]); i++)
				if (strcmp(w, cg_names[i].name) == 0 &&
				    !(ctl_all & cg_names[i].bit)) {
					cg_add(base, cg_names[i].bit, 1);
					ctl_all |= cg_names[i].bit;
				}
		return;
	}
}

/* Directories "pvisor.<pid>" beside ours whose pvisor is gone: empty them, remove. */
static void cg_sweep(const char *base)
{
	char parent[PATH_MAX], path[PATH_MAX + 300];
	struct dirent *e, *ce;
	DIR *dir, *cd;

	snprintf(parent, sizeof(parent), "%s", base);
	*strrchr(parent, '/') = '\0';
	if (!(dir = opendir(parent)))
		return;
	while ((e = readdir(dir))) {
		int pid;

		if (sscanf(e->d_name, DCG_PREFIX "%d", &pid) != 1 || pid == getpid() ||
		    kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		snprintf(path, sizeof(path), "%s/%s", parent, e->d_name);
		if ((cd = opendir(path))) {
			while ((ce = readdir(cd)))
				if (ce->d_type == DT_DIR && ce->d_name[0] != '.') {
					char sub[PATH_MAX * 2];

					snprintf(sub, sizeof(sub), "%s/%s", path, ce->d_name);
					rmdir(sub);
				}
			closedir(cd);
		}
		rmdir(path);
	}
	closedir(dir);
}

/* Make the base directories; a hierarchy where we may not drops out. */
static void cg_make_bases(void)
{
	for (unsigned i = 0; i < n_hier;) {
		struct cg_hier *h = &hier[i];
		int ok = mkdir(h->base, 0755) == 0 || errno == EEXIST;

		if (ok && h->v2) {
			char want[64] = "";

			for (size_t k = 0; k < sizeof(cg_names) / sizeof(cg_names[0]); k++)
				if (h->ctl & cg_names[k].bit)
					snprintf(want + strlen(want), sizeof(want) - strlen(want),
						 "+%s ", cg_names[k].name);
			ok = cg_write(h->base, "cgroup.subtree_control", want) == 0;
		}
		if (ok) {
			cg_sweep(h->base);
			i++;
			continue;
		}
		snprintf(missing_why, sizeof(missing_why),
			 "pvisor may not make cgroups under its own (%s): run "
			 "pvisor as root, or in a cgroup delegated to its user",
			 strerror(errno));
		log_warnx("cgroups: cannot use %s: %s", h->base, missing_why);
		ctl_all &= ~h->ctl;
		hier[i] = hier[--n_hier];
	}
}

static void cg_describe(void)
{
	size_t n = 0;

	for (size_t i = 0; i < sizeof(cg_names) / sizeof(cg_names[0]); i++)
		if (ctl_all & cg_names[i].bit)
			n += (size_t)snprintf(summary + n, sizeof(summary) - n, "%s%s",
					      n ? " " : "", cg_names[i].name);
	if (!n)
		n += (size_t)snprintf(summary, sizeof(summary), "none");
	for (unsigned i = 0; i < n_hier && n < sizeof(summary); i++)
		n += (size_t)snprintf(summary + n, sizeof(summary) - n, "%sv%d %s",
				      i ? "; " : " (", hier[i].v2 ? 2 : 1, hier[i].base);
	if (n_hier && n < sizeof(summary))
		n += (size_t)snprintf(summary + n, sizeof(summary) - n, ")");
	if ((ctl_all & 7u) == 7u || n >= sizeof(summary))
		return;
	n += (size_t)snprintf(summary + n, sizeof(summary) - n, "; missing:");
	for (size_t i = 0; i < sizeof(cg_names) / sizeof(cg_names[0]) && n < sizeof(summary); i++)
		if (!(ctl_all & cg_names[i].bit))
			n += (size_t)snprintf(summary + n, sizeof(summary) - n, " %s",
					      cg_names[i].name);
	if (n < sizeof(summary))
		snprintf(summary + n, sizeof(summary) - n,
			 " (%s): domains run without those "
			 "limits",
			 missing_why);
}


/* PVISOR_SANDBOX_SKIP holding "cgroups": none, on purpose (diagnosis). */
static int cg_skipped(void)
{
	const char *s = getenv("PVISOR_SANDBOX_SKIP");
	const char *p = s ? strstr(s, "cgroups") : NULL;

	return p && (p == s || p[-1] == ',') && (p[7] == ',' || p[7] == '\0');
}

/* The scheduler's line: the cpu controller's hierarchy, or why there is none. */
static void cg_describe_cpu(void)
{
	for (unsigned i = 0; i < n_hier; i++)
		if (hier[i].ctl & DCG_CPU) {
			snprintf(cpu_desc, sizeof(cpu_desc), "v%d %s", hier[i].v2 ? 2 : 1,
				 hier[i].base);
			return;
		}
	snprintf(cpu_desc, sizeof(cpu_desc), "none: %s", missing_why);
}

void dcg_init(void)
{
	FILE *mi = cg_skipped() ? NULL : fopen("/proc/self/mountinfo", "re");

	n_hier = ctl_all = 0;
	if (!mi)
		snprintf(missing_why, sizeof(missing_why), "%s",
			 cg_skipped() ? "left out: PVISOR_SANDBOX_SKIP"
				      : "no /proc/self/mountinfo");
	if (mi) {
		cg_find_v1(mi);
		rewind(mi);
		cg_find_v2(mi);
		fclose(mi);
	}
	cg_make_bases();
	cg_describe();
	cg_describe_cpu();
	log_info("domain cgroups: %s", summary);
}

void dcg_fini(void)
{
	for (unsigned i = 0; i < n_hier; i++) {
		char path[PATH_MAX * 2];
		struct dirent *e;
		DIR *d = opendir(hier[i].base);

		while (d && (e = readdir(d)))
			if (e->d_type == DT_DIR && e->d_name[0] != '.') {
				snprintf(path, sizeof(path), "%s/%s", hier[i].base, e->d_name);
				rmdir(path);
			}
		if (d)
			closedir(d);
		rmdir(hier[i].base);
	}
	n_hier = ctl_all = 0;
}

const char *dcg_summary(void)
{
	return summary[0] ? summary : "not set up";
}

const char *dcg_describe(void)
{
	return cpu_desc[0] ? cpu_desc : "none: not set up";
}

unsigned dcg_controllers(void)
{
	return ctl_all;
}

int dcg_version(void)
{
	for (unsigned i = 0; i < n_hier; i++)
		if (hier[i].ctl & DCG_CPU)
			return hier[i].v2 ? 2 : 1;
	return 0;
}

struct dcg {
	char name[32];
	pid_t pid; /* the process in it (0: none yet) */
	struct dcg *next;
};

/* The cpu controller costs every wake-up between a domain and pvisor: with the
 * domain's process in a group of its own, CFS schedules the two in different
 * groups, and a hypercall round trip took 2280 ns instead of 1940 (+18 %, b_20 on
 * this host, cgroup v1). So a v1 hierarchy that serves only cpu is joined only once
 * a domain of this daemon has a weight or a cap that is not the default (xl
 * sched-credit, cpu_weight=, cap=); from then on every group joins it, so weights
 * stay relative between all domains. The groups are made all the same. All
 * changes to groups are under cg_lock (the spawner thread and the scheduler op). */
static pthread_mutex_t cg_lock = PTHREAD_MUTEX_INITIALIZER;
static struct dcg *cg_all;
static int cpu_armed;

static int cg_joined(const struct cg_hier *h)
{
	return cpu_armed || h->v2 || h->ctl != DCG_CPU;
}

static void cg_dir(const struct cg_hier *h, const char *name, char *buf, size_t len)
{
	if (snprintf(buf, len, "%s/%s", h->base, name) >= (int)len)
		buf[0] = '\0'; /* too long: every call on it fails */
}

static void cg_remove_dirs(const struct dcg *g)
{
	char dir[PATH_MAX];

	for (unsigned i = 0; i < n_hier; i++) {
		cg_dir(&hier[i], g->name, dir, sizeof(dir));
		if (rmdir(dir) < 0 && errno != ENOENT)
			log_warn("domain cgroup %s left behind", dir);
	}
}

static int dcg_make(const char *name, struct dcg **out)
{
	char dir[PATH_MAX];
	struct dcg *g;

	*out = NULL;
	if (!n_hier)
		return -PV_EOPNOTSUPP;
	if (!(g = calloc(1, sizeof(*g))))
		return -PV_ENOMEM;
	snprintf(g->name, sizeof(g->name), "%s", name);
	for (unsigned i = 0; i < n_hier; i++) {
		cg_dir(&hier[i], name, dir, sizeof(dir));
		if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
			int rc = pv_errno_last();

			cg_remove_dirs(g);
			free(g);
			return rc;
		}
	}
	pthread_mutex_lock(&cg_lock);
	g->next = cg_all;
	cg_all = g;
	pthread_mutex_unlock(&cg_lock);
	*out = g;
	return 0;
}

int dcg_create(pv_domid_t domid, struct dcg **out)
{
	char name[32];

	snprintf(name, sizeof(name), "dom%u", domid);
	return dcg_make(name, out);
}

int dcg_create_launcher(pid_t pid, struct dcg **out)
{
	char name[32];

	snprintf(name, sizeof(name), "launch.%d", (int)pid);
	return dcg_make(name, out);
}

int dcg_attach(struct dcg *g, pid_t pid)
{
	char dir[PATH_MAX], val[24];
	int rc;

	if (!g)
		return -PV_EOPNOTSUPP;
	snprintf(val, sizeof(val), "%d", (int)pid);
	pthread_mutex_lock(&cg_lock);
	g->pid = pid;
	rc = 0;
	for (unsigned i = 0; i < n_hier && rc == 0; i++) {
		if (!cg_joined(&hier[i]))
			continue;
		cg_dir(&hier[i], g->name, dir, sizeof(dir));
		rc = cg_write(dir, "cgroup.procs", val);
	}
	pthread_mutex_unlock(&cg_lock);
	return rc;
}

/* One hierarchy: rename costs a directory operation, moving a process an RCU
 * grace period (v1's threadgroup lock, 10-16 ms here), so the launcher's group is
 * renamed where it can be. Where it cannot -- v2 has no rename of cgroups, or a
 * dom<domid> left by an earlier domain of that id is in the way -- dom<domid> is
 * made if need be, pid moves in and the launcher's group goes. */
static int cg_adopt_one(const struct cg_hier *h, const char *from, const char *to, pid_t pid)
{
	char a[PATH_MAX], b[PATH_MAX], v[24];
	int rc;

	cg_dir(h, from, a, sizeof(a));
	cg_dir(h, to, b, sizeof(b));
	if (rename(a, b) == 0)
		return 0;
	if (mkdir(b, 0755) < 0 && errno != EEXIST)
		return pv_errno_last();
	snprintf(v, sizeof(v), "%d", (int)pid);
	if (cg_joined(h) && (rc = cg_write(b, "cgroup.procs", v)) < 0)
		return rc;
	rmdir(a);
	return 0;
}

/* Every hierarchy, even after one failed: the group is dom<domid> from then on, so
 * dcg_destroy finds what was renamed (a launch.<pid> a failure left is removed by
 * dcg_fini with this daemon's directory). */
int dcg_adopt(struct dcg *g, pv_domid_t domid, pid_t pid)
{
	char to[32];
	int rc = 0, r;

	if (!g)
		return -PV_EOPNOTSUPP;
	snprintf(to, sizeof(to), "dom%u", domid);
	pthread_mutex_lock(&cg_lock);
	g->pid = pid;
	for (unsigned i = 0; i < n_hier; i++)
		if ((r = cg_adopt_one(&hier[i], g->name, to, pid)) < 0 && rc == 0)
			rc = r;
	snprintf(g->name, sizeof(g->name), "%s", to);
	pthread_mutex_unlock(&cg_lock);
	return rc;
}

int dcg_set_limits(struct dcg *g, uint64_t mem_bytes, uint64_t pids)
{
	char dir[PATH_MAX], val[32];
	int rc = 0;

	if (!g)
		return -PV_EOPNOTSUPP;
	for (unsigned i = 0; i < n_hier && rc == 0; i++) {
		const struct cg_hier *h = &hier[i];

		cg_dir(h, g->name, dir, sizeof(dir));
		if ((h->ctl & DCG_PIDS) && pids) {
			snprintf(val, sizeof(val), "%" PRIu64, pids);
			rc = cg_write(dir, "pids.max", val);
		}
		if (rc == 0 && (h->ctl & DCG_MEMORY) && mem_bytes) {
			snprintf(val, sizeof(val), "%" PRIu64, mem_bytes);
			rc = cg_write(dir, h->v2 ? "memory.max" : "memory.limit_in_bytes", val);
		}
	}
	return rc;
}

/* v1: cpu.shares (1024 is the default share, weight 256) and cfs quota/period. */
static int dcg_set_cpu_v1(const char *dir, unsigned weight, unsigned cap)
{
	char v[32];
	int rc;

	snprintf(v, sizeof(v), "%u", weight * 4);
	rc = cg_write(dir, "cpu.shares", v);
	if (rc == 0)
		rc = cg_write(dir, "cpu.cfs_period_us", "100000");
	snprintf(v, sizeof(v), "%lld", cap ? (long long)cap * DCG_PERIOD_US / 100 : -1LL);
	return rc ? rc : cg_write(dir, "cpu.cfs_quota_us", v);
}

/* v2: cpu.weight (100 is the default, weight 256) and cpu.max "quota period". */
static int dcg_set_cpu_v2(const char *dir, unsigned weight, unsigned cap)
{
	unsigned long w = (unsigned long)weight * 100 / DCG_WEIGHT_DEFAULT;
	char v[48];
	int rc;

	snprintf(v, sizeof(v), "%lu", w < 1 ? 1 : w > 10000 ? 10000 : w);
	rc = cg_write(dir, "cpu.weight", v);
	if (cap)
		snprintf(v, sizeof(v), "%llu %u", (unsigned long long)cap * DCG_PERIOD_US / 100,
			 DCG_PERIOD_US);
	else
		snprintf(v, sizeof(v), "max %u", DCG_PERIOD_US);
	return rc ? rc : cg_write(dir, "cpu.max", v);
}

/* The first weight or cap that is not the default: every group's process joins
 * the cpu-only hierarchies (each move waits for an RCU grace period, here and not
 * on any create path). Lock held. */
static int cg_arm_cpu(void)
{
	char dir[PATH_MAX], val[24];
	int rc = 0, r;

	cpu_armed = 1;
	for (struct dcg *g = cg_all; g; g = g->next) {
		if (!g->pid)
			continue;
		snprintf(val, sizeof(val), "%d", (int)g->pid);
		for (unsigned i = 0; i < n_hier; i++) {
			if (hier[i].v2 || hier[i].ctl != DCG_CPU)
				continue;
			cg_dir(&hier[i], g->name, dir, sizeof(dir));
			if ((r = cg_write(dir, "cgroup.procs", val)) < 0 && r != -PV_ESRCH &&
			    rc == 0)
				rc = r;
		}
	}
	if (rc == 0)
		log_info(
			"domain cgroups: a weight or cap was set, domains join the cpu controller");
	return rc;
}

int dcg_set_cpu(struct dcg *g, unsigned weight, unsigned cap)
{
	char dir[PATH_MAX];

	if (!g)
		return -PV_EOPNOTSUPP;
	if (weight < 1 || weight > 65535)
		return -PV_EINVAL;
	if (weight != DCG_WEIGHT_DEFAULT || cap) {
		int rc = 0;

		pthread_mutex_lock(&cg_lock);
		if (!cpu_armed)
			rc = cg_arm_cpu();
		pthread_mutex_unlock(&cg_lock);
		if (rc < 0)
			return rc;
	}
	for (unsigned i = 0; i < n_hier; i++)
		if (hier[i].ctl & DCG_CPU) {
			cg_dir(&hier[i], g->name, dir, sizeof(dir));
			return hier[i].v2 ? dcg_set_cpu_v2(dir, weight, cap)
					  : dcg_set_cpu_v1(dir, weight, cap);
		}
	return -PV_EOPNOTSUPP;
}

void dcg_destroy(struct dcg *g)
{
	if (!g)
		return;
	pthread_mutex_lock(&cg_lock);
	for (struct dcg **p = &cg_all; *p; p = &(*p)->next)
		if (*p == g) {
			*p = g->next;
			break;
		}
	pthread_mutex_unlock(&cg_lock);
	cg_remove_dirs(g);
	free(g);
}
