/* pvx migrate's transport (see pvstart.h): xl's rune, SSHCOMMAND HOST pvx
 * migrate-receive, run by the shell with the stream on its stdin and stdout.
 * Shared by pvx migrate and pvxweb's POST domains/DOM/migrate. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pvstart/pvstart.h"

#define MIGRATE_PIPE_SIZE (1 << 20)
#define MIGRATE_REAP_MS   10000

extern char **environ;

static char *migrate_rune(const char *ssh, const char *host, const char *args)
{
	char *rune = NULL;

	if (!ssh[0])
		return strdup(host);
	if (asprintf(&rune, "%s %s pvx migrate-receive%s%s", ssh, host, args[0] ? " " : "",
		     args) < 0)
		return NULL;
	return rune;
}

/* The shell's stdin and stdout are the two pipes' far ends, nothing else is
 * inherited (pvxweb's listeners must not live on in an ssh), and the signals are
 * the defaults (the caller ignores SIGPIPE for itself). Unlike the daemons it
 * stays in the caller's session: ssh may ask for a password on the terminal. */
static int migrate_spawn(struct pvstart_migrate_channel *ch, int in_fd, int out_fd)
{
	char *argv[] = { "sh", "-c", ch->rune, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t a;
	sigset_t none, all;
	int rc;

	sigemptyset(&none);
	sigfillset(&all);
	posix_spawnattr_init(&a);
	posix_spawnattr_setflags(&a, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	posix_spawnattr_setsigmask(&a, &none);
	posix_spawnattr_setsigdefault(&a, &all);
	rc = posix_spawn_file_actions_init(&fa);
	if (rc == 0)
		rc = posix_spawn_file_actions_adddup2(&fa, in_fd, 0);
	if (rc == 0)
		rc = posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
	if (rc == 0)
		rc = posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	if (rc == 0)
		rc = posix_spawnp(&ch->pid, "sh", &fa, &a, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&a);
	return -rc;
}

int pvstart_migrate_open(const char *ssh, const char *host, const char *args,
			 struct pvstart_migrate_channel *ch, struct pvx_err *err)
{
	int to[2], from[2], rc;

	memset(ch, 0, sizeof(*ch));
	ch->send_fd = ch->recv_fd = -1;
	ch->rune = migrate_rune(ssh, host, args);
	if (!ch->rune)
		return pvx_fail(err, -ENOMEM, "out of memory");
	if (pipe2(to, O_CLOEXEC) < 0)
		return pvx_fail(err, -errno, "pipe: %s", strerror(errno));
	if (pipe2(from, O_CLOEXEC) < 0) {
		rc = -errno;
		close(to[0]);
		close(to[1]);
		return pvx_fail(err, rc, "pipe: %s", strerror(-rc));
	}
	rc = migrate_spawn(ch, to[0], from[1]);
	close(to[0]);
	close(from[1]);
	if (rc < 0) {
		close(to[1]);
		close(from[0]);
		return pvx_fail(err, rc, "starting '%s': %s", ch->rune, strerror(-rc));
	}
	/* A larger pipe: fewer switches between us and whatever reads the stream (the
	 * receiver itself when the command is a local one). Best effort. */
	fcntl(to[1], F_SETPIPE_SZ, MIGRATE_PIPE_SIZE);
	ch->send_fd = to[1];
	ch->recv_fd = from[0];
	return 0;
}

int pvstart_migrate_close(struct pvstart_migrate_channel *ch)
{
	struct timespec tick = { 0, 10000000 };
	int st, waited_ms = 0;

	if (ch->send_fd >= 0)
		close(ch->send_fd);
	if (ch->recv_fd >= 0)
		close(ch->recv_fd);
	ch->send_fd = ch->recv_fd = -1;
	if (ch->pid <= 0)
		return 0;
	/* The transport ends after the receiver: wait a while for it, as xl does. */
	while (waitpid(ch->pid, &st, WNOHANG) == 0) {
		if (waited_ms >= MIGRATE_REAP_MS)
			return -ETIMEDOUT;
		nanosleep(&tick, NULL);
		waited_ms += 10;
	}
	ch->pid = 0;
	return 0;
}
