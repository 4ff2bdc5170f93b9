/* The front-end ("master") side of the vhost-user protocol, as far as blkback
 * needs it to drive a vhost-user-blk server such as qemu-storage-daemon: one
 * blocking Unix-socket connection, messages with their file descriptors, replies
 * awaited with a bound. Only blkback's vhost disk ops (blk_vhost.c) use it.
 * Message numbers and layouts: QEMU's docs/interop/vhost-user.rst. */
#ifndef PV_BLKBACK_VU_H
#define PV_BLKBACK_VU_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Requests (front-end -> back-end). */
enum {
	BLK_VU_GET_FEATURES = 1,
	BLK_VU_SET_FEATURES = 2,
	BLK_VU_SET_OWNER = 3,
	BLK_VU_SET_MEM_TABLE = 5,
	BLK_VU_SET_VRING_NUM = 8,
	BLK_VU_SET_VRING_ADDR = 9,
	BLK_VU_SET_VRING_BASE = 10,
	BLK_VU_GET_VRING_BASE = 11,
	BLK_VU_SET_VRING_KICK = 12,
	BLK_VU_SET_VRING_CALL = 13,
	BLK_VU_GET_PROTOCOL_FEATURES = 15,
	BLK_VU_SET_PROTOCOL_FEATURES = 16,
	BLK_VU_SET_VRING_ENABLE = 18,
	BLK_VU_GET_CONFIG = 24,
	BLK_VU_SET_CONFIG = 25,
};

#define BLK_VU_F_PROTOCOL_FEATURES 30 /* feature bit: the protocol features exist */
#define BLK_VU_PROTOCOL_F_CONFIG   9  /* GET_CONFIG / SET_CONFIG */
#define BLK_VU_MAX_REGIONS         8  /* memory regions in one SET_MEM_TABLE */
#define BLK_VU_REPLY_MS            5000

/* One memory region as SET_MEM_TABLE describes it. */
struct blk_vu_region {
	uint64_t gpa; /* where descriptors see it ("guest physical") */
	uint64_t size;
	uint64_t uaddr;    /* where vring addresses see it (SET_VRING_ADDR) */
	uint64_t mmap_off; /* offset in fd */
};

struct blk_vu {
	int fd;     /* the connection, -1 when closed */
	pid_t peer; /* the server process (SO_PEERCRED) */
	int pidfd;  /* a pidfd of it, -1 when the kernel has none */
};

/* Connect to the server listening on path. 0 or -errno (-ETIMEDOUT: the server
 * did not accept within timeout_ms; -EPERM: it runs as neither root nor us, and
 * is sent nothing -- it would get the guest's memory). */
int blk_vu_connect(struct blk_vu *v, const char *path, unsigned timeout_ms);
void blk_vu_close(struct blk_vu *v);

/* A request without payload (SET_OWNER). */
int blk_vu_send(struct blk_vu *v, uint32_t req);
/* A request carrying one u64 (SET_FEATURES, SET_PROTOCOL_FEATURES), or one u64
 * and an fd (SET_VRING_KICK/CALL: index; fd -1 sends none). */
int blk_vu_set_u64(struct blk_vu *v, uint32_t req, uint64_t val, int fd);
/* A request whose reply is one u64 (GET_FEATURES, GET_PROTOCOL_FEATURES). */
int blk_vu_get_u64(struct blk_vu *v, uint32_t req, uint64_t *val);
/* A vring state (index, num): SET_VRING_NUM, SET_VRING_BASE, SET_VRING_ENABLE. */
int blk_vu_set_state(struct blk_vu *v, uint32_t req, unsigned index, unsigned num);
/* GET_VRING_BASE: the server stops the ring and says where it was. */
int blk_vu_get_vring_base(struct blk_vu *v, unsigned index, unsigned *num);
/* SET_VRING_ADDR, addresses in the regions' uaddr space. */
int blk_vu_set_vring_addr(struct blk_vu *v, unsigned index, uint64_t desc, uint64_t used,
			  uint64_t avail);
/* SET_MEM_TABLE with n (<= BLK_VU_MAX_REGIONS) regions, fds[i] backing reg[i]. */
int blk_vu_set_mem_table(struct blk_vu *v, const struct blk_vu_region *reg, const int *fds,
			 unsigned n);
/* GET_CONFIG / SET_CONFIG of the device's configuration space (len <= 256). */
int blk_vu_get_config(struct blk_vu *v, unsigned off, void *buf, size_t len);
int blk_vu_set_config(struct blk_vu *v, unsigned off, const void *buf, size_t len);

#endif
