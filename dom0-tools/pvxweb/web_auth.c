/* The access token of the TCP listener: 128 random bits as hex, kept in the run
 * directory (mode 0600) so that `pvx web` can print it and a restarted pvxweb
 * keeps the one the user's open page holds. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "pvxweb.h"
#include "rundir.h"
#include "util.h"

static int token_valid(const char *t)
{
	if (strlen(t) != WEB_TOKEN_LEN)
		return 0;
	for (const char *p = t; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return 0;
	return 1;
}

static int token_read(char out[WEB_TOKEN_LEN + 1])
{
	char buf[WEB_TOKEN_LEN + 2];
	int fd = rundir_open(WEB_TOKEN_FILE, O_RDONLY, 0); /* never through a link */
	ssize_t n;

	if (fd < 0)
		return fd;
	n = util_read_full(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return (int)n;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (!token_valid(buf))
		return -EINVAL;
	memcpy(out, buf, WEB_TOKEN_LEN + 1);
	return 0;
}

/* A new token, written to a temporary created exclusively and renamed (rundir.h). */
static int token_create(char out[WEB_TOKEN_LEN + 1])
{
	unsigned char rnd[WEB_TOKEN_LEN / 2];
	char line[WEB_TOKEN_LEN + 2];

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return -EIO;
	for (size_t i = 0; i < sizeof(rnd); i++)
		snprintf(out + 2 * i, 3, "%02x", rnd[i]);
	snprintf(line, sizeof(line), "%s\n", out);
	return rundir_write_file(WEB_TOKEN_FILE, line, WEB_TOKEN_LEN + 1);
}

int web_token_load(char out[WEB_TOKEN_LEN + 1])
{
	int rc = token_read(out);

	if (rc == -ENOENT || rc == -EINVAL)
		rc = token_create(out);
	return rc;
}

int web_token_equal(const char *token, const char *given)
{
	size_t n = strlen(token), m = strlen(given);
	unsigned diff = m != n;

	/* a shorter given is never read past its end (it ended the old loop only at
	 * its NUL and read on: out of bounds, seen by make test-asan) */
	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)token[i] ^ (unsigned char)(i < m ? given[i] : 0xff);
	return diff == 0;
}

const char *web_auth_bearer(const char *header)
{
	static const char scheme[] = "Bearer ";

	if (strncasecmp(header, scheme, sizeof(scheme) - 1) != 0)
		return NULL;
	header += sizeof(scheme) - 1;
	while (*header == ' ')
		header++;
	return header;
}
