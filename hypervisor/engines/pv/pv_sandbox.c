/*
 * The second wall around a pv domain process (docs/SECURITY.md): behind the seccomp
 * filter there is no privilege to take. Each launcher is started with clone() into
 * its own mount (nothing mounted: an empty read-only tmpfs as its root), network,
 * IPC, UTS, PID and cgroup namespaces, and before it executes pvisor-launch it
 * becomes a user of its own -- a uid from a range, one per domain, when pvisor is
 * root; a user namespace mapping pvisor's own uid otherwise -- with no
 * capabilities (bounding and ambient sets emptied, securebits locked),
 * no_new_privs, no core dumps and few descriptors. The launcher lowers the limits
 * only its domain's size decides (address space, tasks) itself.
 *
 * A step the host refuses (no user namespaces, a kernel without some namespace) is
 * left out for all later launchers, said once in the log and in pvx info.
 *
 * Uids: PVISOR_DOMAIN_UIDS=FIRST:COUNT (default 1879048192:65536, i.e. 0x70000000,
 * beyond systemd's container ranges). Several pvisors on one host share the range:
 * each uid in use is an OFD lock on one byte of /run/pvisor-domain-uids.lock,
 * released by the kernel when the holder exits. A pvisor that exits leaves its
 * launchers' zombies behind for a while (until init reaps them); they still count
 * against their uid's RLIMIT_NPROC (= vCPUs), so a uid just let go is not the next
 * one taken: each pvisor goes round the range from a random place.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/close_range.h>
#include <linux/securebits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "launch_proto.h"
#include "log.h"
#include "pv.h"
#include "pv_errno.h"
#include "pvisor/errno.h"
#include "util.h"

#define SB_UID_LOCK  "/run/pvisor-domain-uids.lock"
#define SB_UID_FIRST 1879048192u
#define SB_UID_COUNT 65536u
#define SB_STACK     (64 * 1024)

/* What a launcher gets; a bit is cleared when the host refuses it. */
enum {
	SB_USERNS = 1 << 0, /* unprivileged: a user namespace of our uid */
	SB_MOUNT = 1 << 1,  /* mount namespace with an empty root */
	SB_NET = 1 << 2,
	SB_IPC = 1 << 3,
	SB_UTS = 1 << 4,
	SB_PID = 1 << 5,
	SB_CGNS = 1 << 6,
	SB_UIDS = 1 << 7, /* root: a uid of its own per domain */
	SB_CAPS = 1 << 8, /* bounding/ambient sets emptied, securebits locked */
	SB_WALLS = (1 << 9) - 1,
	/* steps of the child that are not walls: their failure is not optional */
	SB_STEP_FDS = 1 << 16,
	SB_STEP_LIMITS = 1 << 17,
	SB_STEP_NNP = 1 << 18,
	SB_STEP_EXEC = 1 << 19,
	SB_STEP_DIED = 1 << 20,
};

static const struct {
	unsigned bit;
	const char *name;
	const char *key; /* for PVISOR_SANDBOX_SKIP */
} sb_names[] = {
	{ SB_USERNS, "user namespace", "userns" },
	{ SB_MOUNT, "mount namespace (empty root)", "mount" },
	{ SB_NET, "network namespace", "net" },
	{ SB_IPC, "IPC namespace", "ipc" },
	{ SB_UTS, "UTS namespace", "uts" },
	{ SB_PID, "PID namespace", "pid" },
	{ SB_CGNS, "cgroup namespace", "cgroupns" },
	{ SB_UIDS, "a uid per domain", "uids" },
	{ SB_CAPS, "no capabilities", "caps" },
};

static struct {
	pthread_mutex_t lock;
	unsigned want, have; /* bits asked for / still working */
	uint32_t uid_first, uid_count;
	uint8_t *used; /* one byte per uid of the range: ours in use */
	uint32_t next; /* where the next search starts */
	int lock_fd;
	int exe, null; /* pvisor-launch (O_PATH), /dev/null */
	char summary[512];
} sb = { .lock = PTHREAD_MUTEX_INITIALIZER, .lock_fd = -1, .exe = -1, .null = -1 };

/* What the child needs, all prepared by the parent; it reports the step that
 * failed in step/err, and execing in exec (shared memory: CLONE_VM). */
struct sb_child {
	unsigned have;
	int ctrl, null, exe;
	uid_t uid, outer_uid;
	gid_t gid, outer_gid;
	char uid_map[32], gid_map[32];
	sigset_t mask;
	unsigned step;
	int err;
	volatile int exec; /* set just before execveat: the child got that far */
};

/* ---- the child, between clone() and exec: raw system calls only ---------------- */

/* The child runs on our static stack in our memory, before exec: no sanitizer
 * instrumentation and no library call but syscall() (a sanitizer build would
 * otherwise check, and report from, a stack it does not know). */
#define SB_CHILD __attribute__((no_sanitize("address", "undefined"), noinline))

static SB_CHILD size_t sb_strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

static SB_CHILD int sb_fail(struct sb_child *c, unsigned step)
{
	c->step = step;
	c->err = errno ? errno : EIO;
	syscall(SYS_exit_group, 127);
	return 127;
}

static SB_CHILD int sb_write_file(const char *path, const char *text)
{
	int fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_WRONLY | O_CLOEXEC, 0);
	long n;

	if (fd < 0)
		return -1;
	n = syscall(SYS_write, fd, text, sb_strlen(text));
	syscall(SYS_close, fd);
	return n == (long)sb_strlen(text) ? 0 : -1;
}

/* Map our uid and gid into the new user namespace, as themselves. */
static SB_CHILD int sb_child_maps(struct sb_child *c)
{
	if (sb_write_file("/proc/self/setgroups", "deny") < 0 ||
	    sb_write_file("/proc/self/uid_map", c->uid_map) < 0)
		return -1;
	return sb_write_file("/proc/self/gid_map", c->gid_map);
}

/* Nothing mounted: an empty read-only tmpfs becomes the root, the old one goes. */
static SB_CHILD int sb_child_mounts(void)
{
	static const char *const spots[] = { "/tmp", "/mnt", "/dev" };

	if (syscall(SYS_mount, NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(spots) / sizeof(spots[0]); i++) {
		if (syscall(SYS_mount, "none", spots[i], "tmpfs",
			    MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
			    "size=4k,mode=0555") < 0)
			continue;
		if (syscall(SYS_chdir, spots[i]) < 0 || syscall(SYS_pivot_root, ".", ".") < 0 ||
		    syscall(SYS_umount2, ".", MNT_DETACH) < 0 || syscall(SYS_chdir, "/") < 0)
			return -1;
		return 0;
	}
	return -1;
}

static SB_CHILD int sb_child_limits(void)
{
	static const struct {
		int res;
		rlim_t max;
	} lims[] = {
		{ RLIMIT_CORE, 0 },  { RLIMIT_NOFILE, 8 },   { RLIMIT_MEMLOCK, 0 },
		{ RLIMIT_FSIZE, 0 }, { RLIMIT_MSGQUEUE, 0 }, { RLIMIT_NPROC, LAUNCH_MAX_VCPUS },
	};

	for (size_t i = 0; i < sizeof(lims) / sizeof(lims[0]); i++) {
		struct rlimit r = { lims[i].max, lims[i].max };

		if (syscall(SYS_prlimit64, 0, lims[i].res, &r, NULL) < 0)
			return -1;
	}
	return 0;
}

/* No capability can come back: bounding and ambient sets empty, root gains nothing
 * at exec and the rules stay locked. */
static SB_CHILD int sb_child_caps(void)
{
	for (int cap = 0; cap < 64; cap++)
		if (syscall(SYS_prctl, PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			return -1;
	if (syscall(SYS_prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		return -1;
	return (int)syscall(SYS_prctl, PR_SET_SECUREBITS,
			    SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP_LOCKED |
				    SECBIT_KEEP_CAPS_LOCKED | SECBIT_NO_CAP_AMBIENT_RAISE |
				    SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED,
			    0, 0, 0);
}

static SB_CHILD int sb_child_ids(struct sb_child *c)
{
	if (!(c->have & SB_USERNS) && syscall(SYS_setgroups, 0, NULL) < 0)
		return -1;
	if (syscall(SYS_setresgid, c->gid, c->gid, c->gid) < 0)
		return -1;
	return (int)syscall(SYS_setresuid, c->uid, c->uid, c->uid);
}

static SB_CHILD int sb_child_nocaps(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = { { 0, 0, 0 }, { 0, 0, 0 } };

	return (int)syscall(SYS_capset, &h, d);
}

static SB_CHILD int sb_child_fds(struct sb_child *c)
{
	if (syscall(SYS_dup2, c->null, 0) < 0 || syscall(SYS_dup2, c->null, 1) < 0 ||
	    syscall(SYS_dup2, c->null, 2) < 0 || syscall(SYS_dup2, c->ctrl, LAUNCH_FD_CTRL) < 0)
		return -1;
	syscall(SYS_close_range, 3, 3, 0);
	/* everything else goes at exec; the launcher's own descriptor is needed till then */
	return (int)syscall(SYS_close_range, LAUNCH_FD_CTRL + 1, ~0u, CLOSE_RANGE_CLOEXEC);
}

static SB_CHILD int sb_child_main(void *arg)
{
	struct sb_child *c = arg;
	char *argv[] = { "pvisor-launch", NULL }, *envp[] = { NULL };
	struct sigaction dfl = { .sa_handler = SIG_DFL };

	errno = 0;
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			syscall(SYS_rt_sigaction, sig, &dfl, NULL, NSIG / 8);
	if (sb_child_fds(c) < 0)
		return sb_fail(c, SB_STEP_FDS);
	if ((c->have & SB_USERNS) && sb_child_maps(c) < 0)
		return sb_fail(c, SB_USERNS);
	if ((c->have & SB_MOUNT) && sb_child_mounts() < 0)
		return sb_fail(c, SB_MOUNT);
	if (sb_child_limits() < 0)
		return sb_fail(c, SB_STEP_LIMITS);
	if (syscall(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return sb_fail(c, SB_STEP_NNP);
	if ((c->have & SB_CAPS) && sb_child_caps() < 0)
		return sb_fail(c, SB_CAPS);
	if ((c->have & (SB_UIDS | SB_USERNS)) && sb_child_ids(c) < 0)
		return sb_fail(c, c->have & SB_UIDS ? SB_UIDS : SB_USERNS);
	if ((c->have & (SB_UIDS | SB_USERNS | SB_CAPS)) && sb_child_nocaps() < 0)
		return sb_fail(c, SB_CAPS);
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &c->mask, NULL, NSIG / 8);
	c->exec = 1;
	syscall(SYS_execveat, c->exe, "", argv, envp, AT_EMPTY_PATH);
	return sb_fail(c, SB_STEP_EXEC);
}

/* ---- uids ------------------------------------------------------------------ */

/* One byte of the lock file per uid: held (OFD lock) by the pvisor using it. */
static int sb_uid_lock(uint32_t i, short type)
{
	struct flock fl = { .l_type = type,
			    .l_whence = SEEK_SET,
			    .l_start = (off_t)i,
			    .l_len = 1 };

	return fcntl(sb.lock_fd, F_OFD_SETLK, &fl);
}

static int sb_uid_take(uid_t *uid)
{
	int rc = -PV_ENOSPC;

	pthread_mutex_lock(&sb.lock);
	for (uint32_t k = 0; k < sb.uid_count; k++) {
		uint32_t i = (sb.next + k) % sb.uid_count;

		if (sb.used[i] || sb_uid_lock(i, F_WRLCK) < 0)
			continue; /* ours, or another pvisor's */
		sb.used[i] = 1;
		sb.next = (i + 1) % sb.uid_count;
		*uid = sb.uid_first + i;
		rc = 0;
		break;
	}
	pthread_mutex_unlock(&sb.lock);
	return rc;
}

void pv_sandbox_uid_put(uid_t uid)
{
	uint32_t i = (uint32_t)(uid - sb.uid_first);

	if (!sb.used || uid < sb.uid_first || i >= sb.uid_count)
		return;
	pthread_mutex_lock(&sb.lock);
	sb.used[i] = 0;
	sb_uid_lock(i, F_UNLCK);
	pthread_mutex_unlock(&sb.lock);
}

/* The range and the shared lock file: root-owned, not a link, 0600. */
static int sb_uids_init(void)
{
	const char *env = getenv("PVISOR_DOMAIN_UIDS");
	unsigned long first = SB_UID_FIRST, count = SB_UID_COUNT;
	struct stat st;

	if (env && (sscanf(env, "%lu:%lu", &first, &count) != 2 || first == 0 || count == 0 ||
		    first + count > 0xfffffffful)) {
		log_warnx("PVISOR_DOMAIN_UIDS=%s: want FIRST:COUNT (uids FIRST..FIRST+COUNT-1, "
			  "not 0); using %u:%u",
			  env, SB_UID_FIRST, SB_UID_COUNT);
		first = SB_UID_FIRST;
		count = SB_UID_COUNT;
	}
	sb.uid_first = (uint32_t)first;
	sb.uid_count = (uint32_t)count;
	sb.used = calloc(count, 1);
	if (getrandom(&sb.next, sizeof(sb.next), GRND_NONBLOCK) != sizeof(sb.next))
		sb.next = (uint32_t)getpid() * 2654435761u;
	sb.next %= sb.uid_count;
	sb.lock_fd = open(SB_UID_LOCK, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (!sb.used || sb.lock_fd < 0 || fstat(sb.lock_fd, &st) < 0 || st.st_uid != 0 ||
	    (st.st_mode & 077)) {
		log_warn("domain uids: cannot use %s (root's, mode 0600)", SB_UID_LOCK);
		return -1;
	}
	return 0;
}

/* ---- the parent ------------------------------------------------------------- */

static unsigned sb_clone_flags(unsigned have)
{
	unsigned f = CLONE_VM | CLONE_VFORK | SIGCHLD;

	f |= (have & SB_USERNS) ? CLONE_NEWUSER : 0;
	f |= (have & SB_MOUNT) ? CLONE_NEWNS : 0;
	f |= (have & SB_NET) ? CLONE_NEWNET : 0;
	f |= (have & SB_IPC) ? CLONE_NEWIPC : 0;
	f |= (have & SB_UTS) ? CLONE_NEWUTS : 0;
	f |= (have & SB_PID) ? CLONE_NEWPID : 0;
	f |= (have & SB_CGNS) ? CLONE_NEWCGROUP : 0;
	return f;
}

static void sb_describe(void)
{
	size_t n = (size_t)snprintf(sb.summary, sizeof(sb.summary), "seccomp filter");

	for (size_t i = 0; i < sizeof(sb_names) / sizeof(sb_names[0]); i++)
		if (sb.have & sb_names[i].bit)
			n += (size_t)snprintf(sb.summary + n, sizeof(sb.summary) - n, ", %s%s",
					      sb_names[i].name,
					      sb_names[i].bit == SB_UIDS ? " (from the range)"
									 : "");
	n += (size_t)snprintf(sb.summary + n, sizeof(sb.summary) - n, ", no_new_privs, rlimits%s",
			      (sb.have & SB_UIDS)
				      ? ""
				      : " (no uid of its own: it runs as pvisor's user)");
	for (size_t i = 0; i < sizeof(sb_names) / sizeof(sb_names[0]); i++)
		if ((sb.want & ~sb.have) & sb_names[i].bit)
			n += (size_t)snprintf(sb.summary + n, sizeof(sb.summary) - n,
					      "; missing: %s", sb_names[i].name);
	if (sb.have & SB_UIDS)
		snprintf(sb.summary + n, sizeof(sb.summary) - n, "; uids %u-%u", sb.uid_first,
			 sb.uid_first + sb.uid_count - 1);
}

/* The host refused `bit`: launchers go on without it. */
static void sb_drop(unsigned bit, int err)
{
	for (size_t i = 0; i < sizeof(sb_names) / sizeof(sb_names[0]); i++)
		if (sb_names[i].bit == bit)
			log_warnx("domain sandbox: no %s (%s): domains run without it",
				  sb_names[i].name, strerror(err));
	sb.have &= ~bit;
	sb_describe();
}

/* PVISOR_SANDBOX_SKIP=net,pid,...: leave walls out on purpose (to find what a host
 * or a measurement objects to); they show as missing. */
static void sb_skip(const char *list)
{
	for (size_t i = 0; list && i < sizeof(sb_names) / sizeof(sb_names[0]); i++) {
		const char *p = strstr(list, sb_names[i].key);
		size_t n = strlen(sb_names[i].key);

		if (p && (p == list || p[-1] == ',') && (p[n] == ',' || p[n] == '\0')) {
			sb.have &= ~sb_names[i].bit;
			log_warnx("domain sandbox: %s left out (PVISOR_SANDBOX_SKIP)",
				  sb_names[i].name);
		}
	}
}

/* fd moved above the launcher's fixed descriptors, so the child's dup2s cannot
 * hit it. */
static int sb_high_fd(int fd)
{
	int hi = fd < 0 ? -1 : fcntl(fd, F_DUPFD_CLOEXEC, 10);

	if (fd >= 0)
		close(fd);
	return hi;
}

int pv_sandbox_init(const char *launcher)
{
	sb.exe = sb_high_fd(open(launcher, O_PATH | O_CLOEXEC));
	sb.null = sb_high_fd(open("/dev/null", O_RDWR | O_CLOEXEC));
	if (sb.exe < 0 || sb.null < 0)
		return pv_errno_last();
	sb.want = SB_MOUNT | SB_NET | SB_IPC | SB_UTS | SB_PID | SB_CGNS | SB_CAPS;
	if (geteuid() == 0)
		sb.want |= SB_UIDS;
	else
		sb.want |= SB_USERNS;
	sb.have = sb.want;
	sb_skip(getenv("PVISOR_SANDBOX_SKIP"));
	if ((sb.have & SB_UIDS) && sb_uids_init() < 0)
		sb.have &= ~SB_UIDS;
	sb_describe();
	return 0;
}

const char *pv_sandbox_summary(void)
{
	return sb.summary[0] ? sb.summary : "not set up";
}

/* One clone with the walls in c->have: 0, or the host errno with the failing
 * step's bit in *step (0: clone itself). */
static int sb_clone(struct sb_child *c, pid_t *pid, unsigned *step)
{
	static char stack[SB_STACK] __attribute__((aligned(16)));
	sigset_t all;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &c->mask);
	c->step = 0;
	c->err = 0;
	c->exec = 0;
	*pid = clone(sb_child_main, stack + sizeof(stack), (int)sb_clone_flags(c->have), c);
	pthread_sigmask(SIG_SETMASK, &c->mask, NULL);
	if (*pid < 0) {
		*step = 0;
		return errno;
	}
	if (!c->step && !c->exec) { /* died before exec, saying nothing: a signal */
		c->step = SB_STEP_DIED;
		c->err = EIO;
	}
	if (c->step) {
		waitpid(*pid, NULL, 0);
		*step = c->step;
		return c->err;
	}
	return 0;
}

/* After a refusal (errno err at step): leave out what caused it; 0 when there is
 * nothing left to leave out. */
static int sb_give_up_on(unsigned step, int err)
{
	const unsigned nsbits = SB_NET | SB_USERNS | SB_IPC | SB_UTS | SB_PID | SB_CGNS |
				SB_MOUNT;

	if (step == 0) {
		/* clone refused a namespace: the priciest first, then the rest */
		unsigned bit = (sb.have & SB_NET)      ? SB_NET
			       : (sb.have & SB_USERNS) ? SB_USERNS
						       : sb.have & nsbits;

		if (!bit)
			return 0;
		for (unsigned b = 1; b <= bit; b <<= 1)
			if (bit & b)
				sb_drop(b, err);
		return 1;
	}
	if (!(step & sb.have & SB_WALLS))
		return 0; /* not optional: descriptors, limits, exec */
	sb_drop(step, err);
	return 1;
}

int pv_sandbox_spawn(int ctrl, pid_t *pid, uid_t *uid)
{
	struct sb_child c = { .ctrl = fcntl(ctrl, F_DUPFD_CLOEXEC, 10),
			      .null = sb.null,
			      .exe = sb.exe,
			      .outer_uid = geteuid(),
			      .outer_gid = getegid() };
	unsigned step;
	int err;

	snprintf(c.uid_map, sizeof(c.uid_map), "%u %u 1", (unsigned)c.outer_uid,
		 (unsigned)c.outer_uid);
	snprintf(c.gid_map, sizeof(c.gid_map), "%u %u 1", (unsigned)c.outer_gid,
		 (unsigned)c.outer_gid);

	*uid = (uid_t)-1;
	if (c.ctrl < 0)
		return pv_errno_last();
	pthread_mutex_lock(&sb.lock); /* sb.have changes only here, under the lock */
	do {
		if ((sb.have & SB_UIDS) && *uid == (uid_t)-1) {
			pthread_mutex_unlock(&sb.lock);
			err = sb_uid_take(uid);
			pthread_mutex_lock(&sb.lock);
			if (err < 0)
				sb_drop(SB_UIDS, ENOSPC);
		}
		c.have = sb.have;
		c.uid = (c.have & SB_UIDS) ? *uid : c.outer_uid;
		c.gid = (c.have & SB_UIDS) ? (gid_t)*uid : c.outer_gid;
		err = sb_clone(&c, pid, &step);
	} while (err && sb_give_up_on(step, err));
	pthread_mutex_unlock(&sb.lock);
	close(c.ctrl);
	if ((err || !(c.have & SB_UIDS)) && *uid != (uid_t)-1) {
		pv_sandbox_uid_put(*uid);
		*uid = (uid_t)-1;
	}
	if (err)
		log_warnx("cannot start pvisor-launch: %s (step %#x)", strerror(err), step);
	return err ? -pv_errno_from_host(err) : 0;
}
