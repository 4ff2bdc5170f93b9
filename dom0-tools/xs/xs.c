/* xs: command-line client of the store -- read, write, ls, rm, mkdir, chmod, watch, list,
 * control -- through libxs. Errors read "xs: <verb> <path>: <why> (<ENAME>)". */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libxs/xs.h"
#include "pvisor/io/xs_wire.h"

struct xs_cmd {
	const char *name;
	const char *usage;
	int min_args;
	int (*fn)(struct xs_handle *h, int argc, char **argv);
};

static const char *xs_why(int err)
{
	switch (err) {
	case ENOENT:
		return "no such node";
	case EACCES:
		return "permission denied";
	case EINVAL:
		return "invalid argument or path";
	case EEXIST:
		return "already exists";
	case ENOSPC:
		return "quota exceeded";
	case E2BIG:
		return "too big or too many (quota)";
	case EAGAIN:
		return "transaction conflict, try again";
	case EPERM:
		return "operation not permitted";
	case EBUSY:
		return "busy";
	case EPIPE:
		return "the store closed the connection";
	default:
		return strerror(err);
	}
}

/* Print the error for verb/path and return the exit status 1. */
static int xs_fail(const char *verb, const char *path, int err)
{
	fprintf(stderr, "xs: %s %s: %s (%s)\n", verb, path, xs_why(-err), xs_errno_name(-err));
	return 1;
}

static int cmd_read(struct xs_handle *h, int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		char *v;
		size_t len;
		int err = xs_read(h, 0, argv[i], &v, &len);
		if (err)
			return xs_fail("read", argv[i], err);
		fwrite(v, 1, len, stdout);
		putchar('\n');
		free(v);
	}
	return 0;
}

static int cmd_write(struct xs_handle *h, int argc, char **argv)
{
	if (argc % 2) {
		fprintf(stderr, "xs: write: expected PATH VALUE pairs\n");
		return 2;
	}
	for (int i = 0; i < argc; i += 2) {
		int err = xs_write(h, 0, argv[i], argv[i + 1], strlen(argv[i + 1]));
		if (err)
			return xs_fail("write", argv[i], err);
	}
	return 0;
}

static int cmd_each(struct xs_handle *h, int argc, char **argv, const char *verb,
		    int (*fn)(struct xs_handle *, uint32_t, const char *))
{
	for (int i = 0; i < argc; i++) {
		int err = fn(h, 0, argv[i]);
		if (err)
			return xs_fail(verb, argv[i], err);
	}
	return 0;
}

static int cmd_rm(struct xs_handle *h, int argc, char **argv)
{
	return cmd_each(h, argc, argv, "rm", xs_rm);
}

static int cmd_mkdir(struct xs_handle *h, int argc, char **argv)
{
	return cmd_each(h, argc, argv, "mkdir", xs_mkdir);
}

static int cmd_chmod(struct xs_handle *h, int argc, char **argv)
{
	struct xs_perm *p = calloc((size_t)argc, sizeof(*p));
	int err = 0;

	if (!p)
		return xs_fail("chmod", argv[0], -ENOMEM);
	for (int i = 1; i < argc && !err; i++)
		if (xs_perm_parse(argv[i], &p[i - 1]) < 0) {
			fprintf(stderr,
				"xs: chmod %s: bad permission '%s' (want r|w|b|n + domid, "
				"e.g. b0 r5)\n",
				argv[0], argv[i]);
			free(p);
			return 2;
		}
	err = xs_set_perms(h, 0, argv[0], p, (unsigned)argc - 1);
	free(p);
	return err ? xs_fail("chmod", argv[0], err) : 0;
}

static int cmd_list(struct xs_handle *h, int argc, char **argv)
{
	char **names;
	unsigned n;
	int err = xs_directory(h, 0, argv[0], &names, &n);

	(void)argc;
	if (err)
		return xs_fail("list", argv[0], err);
	for (unsigned i = 0; i < n; i++)
		puts(names[i]);
	free(names);
	return 0;
}

/* Print a value with C-style escapes for anything not printable. */
static void xs_print_value(const char *v, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)v[i];
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
}

static void xs_print_perms(struct xs_handle *h, const char *path)
{
	struct xs_perm *p;
	unsigned n;
	char one[16];

	if (xs_get_perms(h, 0, path, &p, &n) < 0)
		return;
	printf("  (");
	for (unsigned i = 0; i < n; i++) {
		xs_perm_format(&p[i], one, sizeof(one));
		printf("%s%s", i ? "," : "", one);
	}
	printf(")");
	free(p);
}

static int xs_ls_tree(struct xs_handle *h, const char *path, int depth, int perms)
{
	char **names, *child, *v;
	unsigned n;
	size_t len;
	int err = xs_directory(h, 0, path, &names, &n);

	if (err)
		return err;
	for (unsigned i = 0; i < n && !err; i++) {
		if (asprintf(&child, "%s%s%s", path, strcmp(path, "/") ? "/" : "", names[i]) <
		    0) {
			err = -ENOMEM;
			break;
		}
		printf("%*s%s = \"", depth, "", names[i]);
		if (xs_read(h, 0, child, &v, &len) == 0) {
			xs_print_value(v, len);
			free(v);
		}
		printf("\"");
		if (perms)
			xs_print_perms(h, child);
		printf("\n");
		err = xs_ls_tree(h, child, depth + 1, perms);
		if (err == -EACCES || err == -ENOENT)
			err = 0; /* unreadable or vanished children: list what we can */
		free(child);
	}
	free(names);
	return err;
}

static int cmd_ls(struct xs_handle *h, int argc, char **argv)
{
	int perms = 0, err;
	const char *path = "/";

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-p") == 0)
			perms = 1;
		else
			path = argv[i];
	}
	err = xs_ls_tree(h, path, 0, perms);
	return err ? xs_fail("ls", path, err) : 0;
}

static int cmd_watch(struct xs_handle *h, int argc, char **argv)
{
	long count = -1;
	const char *path = NULL;
	int err;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
			count = strtol(argv[++i], NULL, 10);
		else
			path = argv[i];
	}
	if (!path) {
		fprintf(stderr, "xs: watch: missing PATH\n");
		return 2;
	}
	err = xs_watch(h, path, path);
	if (err)
		return xs_fail("watch", path, err);
	while (count < 0 || count-- > 0) {
		struct xs_watch_event *ev;
		err = xs_read_watch(h, &ev, -1);
		if (err)
			return xs_fail("watch", path, err);
		printf("%s\n", ev->path);
		fflush(stdout);
		free(ev);
	}
	return 0;
}

/* CONTROL CMD [ARG...]: the words travel NUL-separated, as xenstore-control sends them. */
static int cmd_control(struct xs_handle *h, int argc, char **argv)
{
	char payload[4096], *reply = NULL;
	size_t len = 0, rlen = 0;
	int err;

	for (int i = 0; i < argc; i++) {
		size_t n = strlen(argv[i]) + 1;

		if (len + n > sizeof(payload))
			return xs_fail("control", argv[0], -E2BIG);
		memcpy(payload + len, argv[i], n);
		len += n;
	}
	err = xs_raw(h, PV_XS_CONTROL, 0, payload, len, &reply, &rlen);
	if (err)
		return xs_fail("control", argv[0], err);
	if (reply && strcmp(reply, "OK") != 0)
		fwrite(reply, 1, strnlen(reply, rlen), stdout);
	free(reply);
	return 0;
}

static const struct xs_cmd xs_cmds[] = {
	{ "read", "PATH...", 1, cmd_read },
	{ "write", "PATH VALUE [PATH VALUE...]", 2, cmd_write },
	{ "ls", "[-p] [PATH]", 0, cmd_ls },
	{ "rm", "PATH...", 1, cmd_rm },
	{ "mkdir", "PATH...", 1, cmd_mkdir },
	{ "chmod", "PATH PERM...  (PERM: r|w|b|n + domid; the first is the owner)", 2,
	  cmd_chmod },
	{ "watch", "PATH [-n COUNT]", 1, cmd_watch },
	{ "list", "PATH", 1, cmd_list },
	{ "control", "CMD [ARG...]", 1, cmd_control },
};

static void xs_usage(FILE *f)
{
	fprintf(f, "usage: xs COMMAND ARGS  (store: $XENSTORED_PATH or "
		   "$PVISOR_RUNDIR/xenstored.sock)\n");
	for (size_t i = 0; i < sizeof(xs_cmds) / sizeof(xs_cmds[0]); i++)
		fprintf(f, "  xs %s %s\n", xs_cmds[i].name, xs_cmds[i].usage);
}

int main(int argc, char **argv)
{
	struct xs_handle *h;
	int err, rc;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		xs_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	for (size_t i = 0; i < sizeof(xs_cmds) / sizeof(xs_cmds[0]); i++) {
		const struct xs_cmd *c = &xs_cmds[i];
		if (strcmp(argv[1], c->name) != 0)
			continue;
		if (argc - 2 < c->min_args) {
			fprintf(stderr, "usage: xs %s %s\n", c->name, c->usage);
			return 2;
		}
		err = xs_open(&h);
		if (err == -EPERM) {
			fprintf(stderr, "xs: the store's socket is served by another user's "
					"process (neither root nor you): not talking to it\n");
			return 1;
		}
		if (err) {
			fprintf(stderr,
				"xs: cannot connect to the store: %s (is xsd running? "
				"set XENSTORED_PATH or PVISOR_RUNDIR)\n",
				strerror(-err));
			return 1;
		}
		rc = c->fn(h, argc - 2, argv + 2);
		xs_close(h);
		return rc;
	}
	fprintf(stderr, "xs: unknown command '%s'\n", argv[1]);
	xs_usage(stderr);
	return 2;
}
