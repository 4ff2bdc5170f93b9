/* blkback's vhost-user client checks who listens before it sends anything: the
 * server of a vhost-user disk is handed the guest's memory, so one of another user
 * (neither root nor us) on the socket path is refused (docs/SECURITY.md). */
#include <CUnit/Basic.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "blkback/blk_vu.h"

static char dir[64];

/* A child listening on dir/name as uid (after dropping to it); waits on the pipe's
 * read end for the parent to be done, then exits. Its pid, or -1. */
static pid_t listener(const char *name, uid_t uid, int *done)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int ready[2], fin[2];
	char c;
	pid_t pid;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s", dir, name);
	if (pipe(ready) < 0 || pipe(fin) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		int fd;

		close(ready[0]);
		close(fin[1]); /* the parent's close of its end is our signal to go */
		if ((uid != getuid() && (setgid(uid) < 0 || setuid(uid) < 0)) ||
		    (fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0 ||
		    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 4) < 0)
			_exit(1);
		if (write(ready[1], "r", 1) != 1 || read(fin[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(ready[1]);
	close(fin[0]);
	*done = fin[1];
	if (pid < 0 || read(ready[0], &c, 1) != 1)
		pid = -1;
	close(ready[0]);
	return pid;
}

static void finish(pid_t pid, int done)
{
	int status;

	close(done);
	waitpid(pid, &status, 0);
}

static void test_own_server(void)
{
	struct blk_vu v;
	char path[128];
	int done;
	pid_t pid = listener("own.sock", getuid(), &done);

	CU_ASSERT_FATAL(pid > 0);
	snprintf(path, sizeof(path), "%s/own.sock", dir);
	CU_ASSERT_EQUAL(blk_vu_connect(&v, path, 2000), 0);
	CU_ASSERT_EQUAL(v.peer, pid);
	blk_vu_close(&v);
	finish(pid, done);
}

static void test_foreign_server(void)
{
	struct blk_vu v;
	char path[128];
	int done;
	pid_t pid;

	if (getuid() != 0) {
		printf("(not root: no server of another user to try) ");
		return;
	}
	/* the other user's folder: it makes its socket there, we may reach it */
	CU_ASSERT_FATAL(chown(dir, 65534, 65534) == 0 && chmod(dir, 0755) == 0);
	pid = listener("foreign.sock", 65534, &done);
	CU_ASSERT_FATAL(pid > 0);
	snprintf(path, sizeof(path), "%s/foreign.sock", dir);
	chmod(path, 0777);
	CU_ASSERT_EQUAL(blk_vu_connect(&v, path, 2000), -EPERM);
	CU_ASSERT_EQUAL(v.fd, -1);
	finish(pid, done);
}

static void remove_in_dir(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
}

int main(void)
{
	CU_pSuite s;
	int failures;

	snprintf(dir, sizeof(dir), "/tmp/pvbvu.XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	signal(SIGPIPE, SIG_IGN);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("blk_vu", NULL, NULL);
	CU_add_test(s, "a server of our own user", test_own_server);
	CU_add_test(s, "a server of another user is refused", test_foreign_server);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = (int)CU_get_number_of_failures();
	CU_cleanup_registry();
	remove_in_dir("own.sock");
	remove_in_dir("foreign.sock");
	rmdir(dir);
	return failures ? 1 : 0;
}
