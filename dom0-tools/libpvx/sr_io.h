/* sr_io: the byte stream under a save image or a migration, whatever carries it
 * (a file, a pipe, a socket, ssh's stdin/stdout): buffered reads and writes through
 * an ops table, so that the record layer (sr_stream.h) never knows the transport.
 * Large transfers bypass the buffer (page data goes straight between the guest's
 * memory and the descriptor). Functions return 0 or a negative errno; a short read
 * at the end of the stream is -ENODATA ("the image is cut"). */
#ifndef PV_LIBPVX_SR_IO_H
#define PV_LIBPVX_SR_IO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

struct sr_io_ops {
	/* Up to len bytes: the count (> 0), 0 at the end of the stream, or -errno. */
	ssize_t (*read)(void *ctx, void *buf, size_t len);
	/* Some of the bytes of iov[0..n): the count, or -errno. */
	ssize_t (*writev)(void *ctx, const struct iovec *iov, int n);
	/* Move the read position on by len bytes without reading them: 0, or
	 * -ESPIPE when the transport cannot (a pipe: the bytes are read instead).
	 * Optional. */
	int (*skip)(void *ctx, uint64_t len);
};

#define SR_IO_BUF (256u << 10)

struct sr_io {
	const struct sr_io_ops *ops;
	void *ctx;
	int fd;          /* sr_io_fd's transport */
	uint8_t *buf;    /* SR_IO_BUF bytes */
	size_t len, pos; /* read: valid bytes and the next one; write: bytes held */
	uint64_t offset; /* stream bytes read or written so far (the caller's view) */
	int writing;
};

/* A stream over any transport. 0 or -ENOMEM. */
int sr_io_init(struct sr_io *io, const struct sr_io_ops *ops, void *ctx, int writing);
/* A stream over a descriptor (file, pipe, socket); the caller keeps the fd. */
int sr_io_fd(struct sr_io *io, int fd, int writing);
/* Free the buffer (unflushed writes are lost: flush first). */
void sr_io_fini(struct sr_io *io);

int sr_io_write(struct sr_io *io, const void *buf, size_t len);
int sr_io_writev(struct sr_io *io, const struct iovec *iov, int n);
int sr_io_flush(struct sr_io *io);
/* Exactly len bytes, or -ENODATA at the end of the stream (what came is lost). */
int sr_io_read(struct sr_io *io, void *buf, size_t len);
/* Pass over len bytes (seeking where the transport can). */
int sr_io_skip(struct sr_io *io, uint64_t len);
/* Bytes read or written so far through io. */
static inline uint64_t sr_io_offset(const struct sr_io *io)
{
	return io->offset;
}

#endif
