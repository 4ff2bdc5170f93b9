/* Xenstore wire protocol (Xen 4.17 io/xs_wire.h, pvisor names): the message header and
 * types spoken on the store socket and on each guest's store ring, the error-name table,
 * and the store ring page. Layouts and numbers match Xen's so Xen's tools interoperate. */
#ifndef PVISOR_IO_XS_WIRE_H
#define PVISOR_IO_XS_WIRE_H

#include <stdint.h>

enum pv_xsd_sockmsg_type {
	PV_XS_CONTROL,
#define PV_XS_DEBUG PV_XS_CONTROL
	PV_XS_DIRECTORY,
	PV_XS_READ,
	PV_XS_GET_PERMS,
	PV_XS_WATCH,
	PV_XS_UNWATCH,
	PV_XS_TRANSACTION_START,
	PV_XS_TRANSACTION_END,
	PV_XS_INTRODUCE,
	PV_XS_RELEASE,
	PV_XS_GET_DOMAIN_PATH,
	PV_XS_WRITE,
	PV_XS_MKDIR,
	PV_XS_RM,
	PV_XS_SET_PERMS,
	PV_XS_WATCH_EVENT,
	PV_XS_ERROR,
	PV_XS_IS_DOMAIN_INTRODUCED,
	PV_XS_RESUME,
	PV_XS_SET_TARGET,
	/* 20 was XS_RESTRICT, removed from Xen: never reuse it. */
	PV_XS_RESET_WATCHES = PV_XS_SET_TARGET + 2,
	PV_XS_DIRECTORY_PART,
	PV_XS_TYPE_COUNT,      /* number of valid types in Xen 4.17 */
	PV_XS_INVALID = 0xffff /* never a valid type */
};

/* Legacy write-mode strings (unused by the protocol today, kept for completeness). */
#define PV_XS_WRITE_NONE        "NONE"
#define PV_XS_WRITE_CREATE      "CREATE"
#define PV_XS_WRITE_CREATE_EXCL "CREATE|EXCL"

/* Errors travel as their names ("ENOENT\0" in an PV_XS_ERROR reply). The numbers are
 * Xen's errno values, equal to Linux x86's. Entries are only ever appended. */
struct pv_xsd_errors {
	int errnum;
	const char *errstring;
};
static const struct pv_xsd_errors pv_xsd_errors[] __attribute__((unused)) = {
	{ 22, "EINVAL" },    { 13, "EACCES" },   { 17, "EEXIST" }, { 21, "EISDIR" },
	{ 2, "ENOENT" },     { 12, "ENOMEM" },   { 28, "ENOSPC" }, { 5, "EIO" },
	{ 39, "ENOTEMPTY" }, { 38, "ENOSYS" },   { 30, "EROFS" },  { 16, "EBUSY" },
	{ 11, "EAGAIN" },    { 106, "EISCONN" }, { 7, "E2BIG" },   { 1, "EPERM" },
};

/* Every message starts with this header, followed by `len` payload bytes. */
struct pv_xsd_sockmsg {
	uint32_t type;   /* enum pv_xsd_sockmsg_type */
	uint32_t req_id; /* IN: chosen by the client; OUT: echoed in the reply */
	uint32_t tx_id;  /* transaction id, 0 outside a transaction; echoed */
	uint32_t len;    /* payload length, at most PV_XENSTORE_PAYLOAD_MAX */
};

/* Fields of a PV_XS_WATCH_EVENT payload, in order. */
enum pv_xs_watch_type { PV_XS_WATCH_PATH = 0, PV_XS_WATCH_TOKEN };

/* The store ring page shared by a guest and the store daemon. Indices are free-running
 * byte counters; the byte at stream offset x is at PV_MASK_XENSTORE_IDX(x). */
#define PV_XENSTORE_RING_SIZE 1024
typedef uint32_t pv_xenstore_ring_idx_t;
#define PV_MASK_XENSTORE_IDX(idx) ((idx) & (PV_XENSTORE_RING_SIZE - 1))
struct pv_xenstore_domain_interface {
	char req[PV_XENSTORE_RING_SIZE]; /* guest -> daemon requests */
	char rsp[PV_XENSTORE_RING_SIZE]; /* daemon -> guest replies and watch events */
	pv_xenstore_ring_idx_t req_cons; /* advanced by the daemon */
	pv_xenstore_ring_idx_t req_prod; /* advanced by the guest */
	pv_xenstore_ring_idx_t rsp_cons; /* advanced by the guest */
	pv_xenstore_ring_idx_t rsp_prod; /* advanced by the daemon */
	uint32_t server_features;        /* PV_XENSTORE_SERVER_FEATURE_*, set by the daemon */
	uint32_t connection;             /* PV_XENSTORE_CONNECTED / _RECONNECT */
	uint32_t error;                  /* PV_XENSTORE_ERROR_*, set by the daemon */
};

/* A payload over this kills the connection. */
#define PV_XENSTORE_PAYLOAD_MAX  4096
/* Paths over these get EINVAL. */
#define PV_XENSTORE_ABS_PATH_MAX 3072
#define PV_XENSTORE_REL_PATH_MAX 2048

#define PV_XENSTORE_SERVER_FEATURE_RECONNECTION 1
#define PV_XENSTORE_SERVER_FEATURE_ERROR        2

#define PV_XENSTORE_CONNECTED 0 /* steady state */
#define PV_XENSTORE_RECONNECT 1 /* guest asks for a reset; daemon answers with CONNECTED */

#define PV_XENSTORE_ERROR_NONE    0
#define PV_XENSTORE_ERROR_COMM    1 /* communication problem */
#define PV_XENSTORE_ERROR_RINGIDX 2 /* invalid ring index */
#define PV_XENSTORE_ERROR_PROTO   3 /* protocol violation (payload too long) */

#endif
