/* The backends' status sockets ($RUNDIR/blkback.sock, netback.sock): one line per
 * device, "TYPE/DOMID/DEVID state N ... -- key=value key=value ...". The words
 * before " -- " are for people; the pairs after the last " -- " are counters for
 * programs (pvxweb, pvx top): vbd rd_reqs rd_bytes wr_reqs wr_bytes other_reqs
 * errors; vif tx_reqs tx_pkts tx_bytes tx_errors rx_reqs rx_pkts rx_bytes
 * rx_drops (tx: what the guest sent). Unknown keys are skipped, so backends may
 * add counters. */
#ifndef PV_LIBPVX_BKSTAT_H
#define PV_LIBPVX_BKSTAT_H

#include <stdint.h>

enum bk_counter {
	BK_RD_REQS,
	BK_RD_BYTES,
	BK_WR_REQS,
	BK_WR_BYTES,
	BK_OTHER_REQS,
	BK_ERRORS,
	BK_TX_REQS,
	BK_TX_PKTS,
	BK_TX_BYTES,
	BK_TX_ERRORS,
	BK_RX_REQS,
	BK_RX_PKTS,
	BK_RX_BYTES,
	BK_RX_DROPS,
	BK_NR_COUNTERS
};

/* One device line. */
struct bk_dev {
	char type[8]; /* "vbd", "vif" */
	unsigned domid, devid;
	int state; /* XenbusState of the backend */
	uint64_t c[BK_NR_COUNTERS];
	uint32_t have; /* bit per counter the line carried */
};

/* One domain's devices added up. */
struct bk_totals {
	uint64_t c[BK_NR_COUNTERS];
	uint32_t have;
	unsigned nr_vbd, nr_vif;
};

/* The key of a counter ("rd_bytes"). */
const char *bk_counter_name(enum bk_counter i);
/* Parse one line (without its newline). 0, or -EINVAL when it does not start
 * with "TYPE/DOMID/DEVID state N". */
int bkstat_parse_line(const char *line, struct bk_dev *out);
/* Ask daemon ("blkback", "netback") for its lines, waiting at most timeout_ms.
 * Returns how many devices (*out malloc'ed, NULL when 0) or -errno (-ENOENT /
 * -ECONNREFUSED when it does not run). */
int bkstat_read(const char *daemon, int timeout_ms, struct bk_dev **out);
/* Add d's counters to t. */
void bkstat_add(struct bk_totals *t, const struct bk_dev *d);

#endif
