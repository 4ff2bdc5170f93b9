/* Live migration's wire, besides the save stream itself (mig_proto.c): the
 * channel both ends talk through (a pair of descriptors -- ssh's stdin and stdout
 * -- where every read and write that makes no progress for a while fails), and
 * the lines with which they hand control over, in xl's order:
 *
 *   receiver                                sender
 *   MIG_BANNER                  ->
 *                               <-          the stream (xl header ... END)
 *   MIG_READY (domain arrived)  ->
 *                                           disks handed over, domain renamed away
 *                               <-          MIG_GO
 *   "started <ns>" / MIG_ERROR  ->          (the receiver runs it / destroyed it)
 *
 * The receiver may answer "error: <why>" instead of any of its lines and then
 * quits; the sender then resumes its domain. */
#ifndef PV_LIBPVX_MIG_PROTO_H
#define PV_LIBPVX_MIG_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "libpvx/pvx_err.h"
#include "libpvx/sr_io.h"

#define MIG_BANNER   "pvx migration receiver ready, send binary domain data"
#define MIG_READY    "domain received, ready to start it"
#define MIG_GO       "domain is yours, start it"
#define MIG_STARTED  "started"
#define MIG_ERROR    "error: "
#define MIG_LINE_MAX 1024

/* How long a read or write of the channel may make no progress (the peer or the
 * connection hung) before it fails with -ETIMEDOUT. */
#define MIG_IO_TIMEOUT_MS 60000u

/* One direction of the channel as a buffered stream (sr_io) over fd, with
 * MIG_IO_TIMEOUT_MS (or timeout_ms when not 0) of patience. */
struct mig_chan {
	int fd;
	uint32_t timeout_ms;
	struct sr_io io;
};
int mig_chan_open(struct mig_chan *c, int fd, int writing, uint32_t timeout_ms);
void mig_chan_close(struct mig_chan *c);

/* Write one control line (text without its newline) and flush. 0 or -errno. */
int mig_line_write(struct mig_chan *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Read one line into buf (NUL-terminated, without its newline), waiting up to the
 * channel's timeout: 0, -ENODATA (the peer closed), -ETIMEDOUT, -EMSGSIZE (no
 * newline within MIG_LINE_MAX bytes), or -errno. */
int mig_line_read(struct mig_chan *c, char *buf, size_t len);
/* Read a line and check that it is `want`. A peer's "error: ..." comes back as
 * -EREMOTEIO with its text in err; anything else as -EPROTO. `what` names the step
 * for messages ("the receiver's banner"). */
int mig_expect(struct mig_chan *c, const char *want, const char *what, struct pvx_err *err);

#endif
