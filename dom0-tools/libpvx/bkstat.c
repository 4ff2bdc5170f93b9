/* Reading the backends' status sockets (see bkstat.h). */
#include "libpvx/bkstat.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "rundir.h"
#include "util.h"

#define BKSTAT_MAX_BYTES (1u << 20) /* a thousand devices' lines fit */

static const char *const bk_names[BK_NR_COUNTERS] = {
	[BK_RD_REQS] = "rd_reqs",     [BK_RD_BYTES] = "rd_bytes",     [BK_WR_REQS] = "wr_reqs",
	[BK_WR_BYTES] = "wr_bytes",   [BK_OTHER_REQS] = "other_reqs", [BK_ERRORS] = "errors",
	[BK_TX_REQS] = "tx_reqs",     [BK_TX_PKTS] = "tx_pkts",       [BK_TX_BYTES] = "tx_bytes",
	[BK_TX_ERRORS] = "tx_errors", [BK_RX_REQS] = "rx_reqs",       [BK_RX_PKTS] = "rx_pkts",
	[BK_RX_BYTES] = "rx_bytes",   [BK_RX_DROPS] = "rx_drops",
};

const char *bk_counter_name(enum bk_counter i)
{
	return i < BK_NR_COUNTERS ? bk_names[i] : "?";
}

/* One "key=value" pair of the counters section. */
static void bkstat_pair(struct bk_dev *d, const char *tok, size_t len)
{
	const char *eq = memchr(tok, '=', len);
	char num[24];
	uint64_t v;

	if (!eq || (size_t)(tok + len - eq - 1) >= sizeof(num))
		return;
	memcpy(num, eq + 1, (size_t)(tok + len - eq - 1));
	num[tok + len - eq - 1] = '\0';
	if (util_parse_u64(num, UINT64_MAX, &v) < 0)
		return;
	for (int i = 0; i < BK_NR_COUNTERS; i++)
		if (strlen(bk_names[i]) == (size_t)(eq - tok) &&
		    !strncmp(tok, bk_names[i], eq - tok)) {
			d->c[i] = v;
			d->have |= 1u << i;
		}
}

int bkstat_parse_line(const char *line, struct bk_dev *out)
{
	const char *sec;
	int n = 0;

	memset(out, 0, sizeof(*out));
	if (sscanf(line, "%7[a-z]/%u/%u state %d%n", out->type, &out->domid, &out->devid,
		   &out->state, &n) != 4 ||
	    n == 0)
		return -EINVAL;
	for (sec = NULL; (line = strstr(line, " -- ")); line += 4)
		sec = line + 4;
	while (sec && *sec) {
		size_t len = strcspn(sec, " ");

		bkstat_pair(out, sec, len);
		sec += len + (sec[len] == ' ');
	}
	return 0;
}

static int bkstat_connect(const char *daemon)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char file[64];
	int fd;

	snprintf(file, sizeof(file), "%s.sock", daemon);
	if (rundir_file(sa.sun_path, sizeof(sa.sun_path), file) < 0)
		return -ENAMETOOLONG;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

/* Everything the daemon writes until it closes, within timeout_ms. */
static int bkstat_slurp(int fd, int timeout_ms, char **text, size_t *len)
{
	size_t cap = 4096;
	char *buf = malloc(cap);

	*len = 0;
	for (uint64_t end = util_now_ns() + (uint64_t)timeout_ms * 1000000; buf;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		uint64_t now = util_now_ns();
		ssize_t n;

		if (now >= end || poll(&p, 1, (int)((end - now) / 1000000) + 1) <= 0)
			break;
		if (*len + 1 == cap) {
			char *nb = cap < BKSTAT_MAX_BYTES ? realloc(buf, cap * 2) : NULL;

			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + *len, cap - 1 - *len);
		if (n <= 0) {
			buf[*len] = '\0';
			*text = buf;
			return 0;
		}
		*len += (size_t)n;
	}
	free(buf);
	return -ETIMEDOUT;
}

int bkstat_read(const char *daemon, int timeout_ms, struct bk_dev **out)
{
	int fd = bkstat_connect(daemon), count = 0, rc;
	char *text, *line, *save = NULL;
	struct bk_dev *devs = NULL;
	size_t len;

	*out = NULL;
	if (fd < 0)
		return fd;
	rc = bkstat_slurp(fd, timeout_ms, &text, &len);
	close(fd);
	if (rc < 0)
		return rc;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct bk_dev d, *nd;

		if (bkstat_parse_line(line, &d) < 0 ||
		    !(nd = realloc(devs, (count + 1) * sizeof(d))))
			continue;
		devs = nd;
		devs[count++] = d;
	}
	free(text);
	*out = devs;
	return count;
}

void bkstat_add(struct bk_totals *t, const struct bk_dev *d)
{
	for (int i = 0; i < BK_NR_COUNTERS; i++)
		if (d->have & (1u << i))
			t->c[i] += d->c[i];
	t->have |= d->have;
	if (strcmp(d->type, "vbd") == 0)
		t->nr_vbd++;
	else if (strcmp(d->type, "vif") == 0)
		t->nr_vif++;
}
