/* privcmd's instrument ops: COUNTERS, TRACE_START, TRACE_STOP (core/instr.c does
 * the work; a session ends with the connection that started it). */
#include <stdlib.h>
#include <string.h>

#include "core/hv.h"
#include "privcmd/privcmd_ops.h"
#include "pvisor/errno.h"

static int32_t op_counters(uint8_t *p, uint32_t len, struct privcmd_reply *rep)
{
	struct pv_privcmd_counters *c;
	struct pv_privcmd_domid req;
	struct domain *d;

	if (len != sizeof(req))
		return -PV_EINVAL;
	memcpy(&req, p, sizeof(req));
	d = domain_get(req.domid);
	if (!d)
		return -PV_ESRCH;
	c = malloc(sizeof(*c));
	if (c)
		instr_counters_get(d, c);
	domain_put(d);
	if (!c)
		return -PV_ENOMEM;
	rep->data = (uint8_t *)c;
	rep->owned = 1;
	rep->len = sizeof(*c);
	return 0;
}

static int32_t op_trace_start(struct pconn *conn, uint8_t *p, uint32_t len,
			      struct privcmd_reply *rep)
{
	struct pv_privcmd_trace *t = (void *)p;
	int rc;

	if (len != sizeof(*t))
		return -PV_EINVAL;
	rc = instr_trace_start(conn, t, &rep->fd);
	if (rc) {
		rep->fd = -1;
		return rc;
	}
	rep->data = p;
	rep->len = sizeof(*t);
	return 0;
}

int32_t privcmd_op_instr(struct pconn *conn, uint32_t op, uint8_t *payload, uint32_t len,
			 struct privcmd_reply *rep)
{
	switch (op) {
	case PV_PRIVCMD_OP_COUNTERS:
		return op_counters(payload, len, rep);
	case PV_PRIVCMD_OP_TRACE_START:
		return op_trace_start(conn, payload, len, rep);
	case PV_PRIVCMD_OP_TRACE_STOP:
		return len ? -PV_EINVAL : instr_trace_stop(conn);
	default:
		return -PV_ENOSYS;
	}
}
