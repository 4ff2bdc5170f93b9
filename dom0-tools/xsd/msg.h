/* xsd: what the message handlers share -- the request being handled, argument
 * splitting, replies, and the caller's access to a node. Internal to xsd. */
#ifndef XSD_MSG_H
#define XSD_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xsd/core.h"

struct xsd_req {
	struct xsd_conn *c;
	const struct pv_xsd_sockmsg *hdr;
	const char *body; /* hdr->len bytes, NUL-terminated one past the end */
	uint32_t len;
	struct xsd_tx *tx;    /* the request's transaction, or NULL */
	struct xsd_view view; /* the tree as this request sees it */
};

/* Split the payload into exactly `n` NUL-terminated strings. 0 or -EINVAL. */
int xsd_req_args(const struct xsd_req *r, const char **vec, unsigned n);
/* Number of NUL-terminated strings if the payload is nothing but such strings, else -1. */
int xsd_req_nargs(const struct xsd_req *r);
/* Strict decimal number no larger than max. 0 or -EINVAL. */
int xsd_req_number(const char *s, uint64_t max, uint64_t *out);

void xsd_reply(struct xsd_req *r, const void *data, size_t len);
/* Reply with `s` and its NUL. */
void xsd_reply_str(struct xsd_req *r, const char *s);
void xsd_reply_ok(struct xsd_req *r);
/* Reply PV_XS_ERROR with the errno's name (EINVAL for any not in Xen's table). */
void xsd_reply_err(struct xsd_req *r, int err);
/* The Xen error name for an errno (positive), "EINVAL" for unknown ones. */
const char *xsd_errno_name(int err);

/* The caller's access to n (XSD_PERM_* bits, OWNER included). */
unsigned xsd_req_access(const struct xsd_req *r, const struct xsd_node *n);
/* A change to report: fired now, or at commit inside a transaction. */
void xsd_req_changed(struct xsd_req *r, const char *path, bool recursive,
		     const struct xsd_perm *perms, unsigned nperms);

/* Handlers: 0 when they replied, or -errno for the dispatcher to send. */
int xsd_msg_read(struct xsd_req *r);
int xsd_msg_get_perms(struct xsd_req *r);
int xsd_msg_directory(struct xsd_req *r);
int xsd_msg_directory_part(struct xsd_req *r);
int xsd_msg_write(struct xsd_req *r);
int xsd_msg_mkdir(struct xsd_req *r);
int xsd_msg_rm(struct xsd_req *r);
int xsd_msg_set_perms(struct xsd_req *r);
int xsd_msg_watch(struct xsd_req *r);
int xsd_msg_unwatch(struct xsd_req *r);
int xsd_msg_tx_start(struct xsd_req *r);
int xsd_msg_tx_end(struct xsd_req *r);
int xsd_msg_introduce(struct xsd_req *r);
int xsd_msg_release(struct xsd_req *r);
int xsd_msg_resume(struct xsd_req *r);
int xsd_msg_set_target(struct xsd_req *r);
int xsd_msg_get_domain_path(struct xsd_req *r);
int xsd_msg_is_domain_introduced(struct xsd_req *r);
int xsd_msg_reset_watches(struct xsd_req *r);
int xsd_msg_control(struct xsd_req *r);

#endif
