/* Running a host tool to completion (qemu-img, qemu-nbd --fork) with its output
 * captured (pvstart.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pvstart/pvstart.h"
#include "pvstart/pvstart_priv.h"

#define RUN_OUT_MAX (1u << 20) /* a tool saying more than this is cut short */

extern char **environ;

struct run_buf {
	int fd;
	char *data;
	size_t len;
};

static int run_files(posix_spawn_file_actions_t *fa, const int out[2], const int errp[2])
{
	int rc = posix_spawn_file_actions_init(fa);

	if (rc == 0)
		rc = posix_spawn_file_actions_addopen(fa, 0, "/dev/null", O_RDONLY, 0);
	if (rc == 0)
		rc = posix_spawn_file_actions_adddup2(fa, out[1], 1);
	if (rc == 0)
		rc = posix_spawn_file_actions_adddup2(fa, errp[1], 2);
	if (rc == 0)
		rc = posix_spawn_file_actions_addclosefrom_np(fa, 3);
	return -rc;
}

/* environ with the KEY=VALUE entries of add (NULL: none) in place of its own for
 * those keys. malloc'ed array (the strings are not copied), or NULL. */
static char **run_env(const char *const *add)
{
	size_t n = 0, a = 0, k = 0;
	char **env;

	while (environ[n])
		n++;
	while (add && add[a])
		a++;
	env = calloc(n + a + 1, sizeof(*env));
	for (size_t i = 0; env && i < n; i++) {
		int replaced = 0;

		for (size_t j = 0; j < a; j++) {
			size_t kl = strcspn(add[j], "=") + 1;

			replaced |= !strncmp(environ[i], add[j], kl);
		}
		if (!replaced)
			env[k++] = environ[i];
	}
	for (size_t j = 0; env && j < a; j++)
		env[k++] = (char *)add[j];
	return env;
}

static int run_spawn(char *const argv[], const char *const *env_add, const int out[2],
		     const int errp[2], pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	char **env = run_env(env_add);
	int rc = env ? pvstart_spawn_attrs(&attr) : -ENOMEM;

	if (rc == 0) {
		rc = run_files(&fa, out, errp);
		if (rc == 0)
			rc = -posix_spawnp(pid, argv[0], &fa, &attr, argv, env);
		posix_spawn_file_actions_destroy(&fa);
		posix_spawnattr_destroy(&attr);
	}
	free(env);
	return rc;
}

/* Read what is there; 1 at end of file (or when full), 0 to go on, -errno. */
static int buf_read(struct run_buf *b)
{
	char chunk[4096];
	ssize_t n = read(b->fd, chunk, sizeof(chunk));
	char *p;

	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -errno;
	if (n == 0 || b->len + (size_t)n > RUN_OUT_MAX)
		return 1;
	p = realloc(b->data, b->len + (size_t)n + 1);
	if (!p)
		return -ENOMEM;
	memcpy(p + b->len, chunk, (size_t)n);
	b->data = p;
	b->len += (size_t)n;
	b->data[b->len] = '\0';
	return 0;
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Both outputs until they end (everything holding them closed them) or the
 * time is up (-ETIMEDOUT). */
static int run_collect(struct run_buf b[2], int timeout_ms)
{
	struct timespec t0;
	int open = 2, rc = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (open && rc >= 0) {
		struct pollfd p[2] = { { b[0].fd, POLLIN, 0 }, { b[1].fd, POLLIN, 0 } };
		long left = timeout_ms - ms_since(&t0);

		if (left <= 0)
			return -ETIMEDOUT;
		if (poll(p, 2, (int)left) < 0 && errno != EINTR)
			return -errno;
		for (int i = 0; i < 2 && rc >= 0; i++) {
			if (b[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if ((rc = buf_read(&b[i])) == 1) {
				close(b[i].fd);
				b[i].fd = -1;
				open--;
				rc = 0;
			}
		}
	}
	return rc;
}

static void close_pair(int p[2])
{
	for (int i = 0; i < 2; i++)
		if (p[i] >= 0)
			close(p[i]);
}

int pvstart_run(char *const argv[], const char *const *env_add, int timeout_ms,
		struct pvstart_output *o)
{
	int out[2] = { -1, -1 }, errp[2] = { -1, -1 }, rc, status = 0;
	struct run_buf b[2] = { { -1, NULL, 0 }, { -1, NULL, 0 } };
	pid_t pid;

	memset(o, 0, sizeof(*o));
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0) {
		rc = -errno;
		goto out;
	}
	rc = run_spawn(argv, env_add, out, errp, &pid);
	close(out[1]);
	close(errp[1]);
	out[1] = errp[1] = -1;
	if (rc < 0)
		goto out;
	b[0].fd = out[0], b[1].fd = errp[0];
	out[0] = errp[0] = -1;
	rc = run_collect(b, timeout_ms);
	if (rc < 0)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	o->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
out:
	for (int i = 0; i < 2; i++)
		if (b[i].fd >= 0)
			close(b[i].fd);
	close_pair(out);
	close_pair(errp);
	o->out = b[0].data;
	o->err = b[1].data;
	return rc;
}

void pvstart_output_free(struct pvstart_output *o)
{
	free(o->out);
	free(o->err);
	memset(o, 0, sizeof(*o));
}
