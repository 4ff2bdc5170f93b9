/* The privcmd server: start-up, and the request handlers, one per PV_PRIVCMD_OP_*. */
#ifndef PV_PRIVCMD_OPS_H
#define PV_PRIVCMD_OPS_H

#include <stddef.h>
#include <stdint.h>

struct privcmd_reply {
	int32_t ret;
	uint8_t *data; /* reply bytes */
	int owned;     /* data was malloc'ed for the reply (else it points into the request) */
	uint32_t len;
	int fd; /* to pass, or -1 */
};

/* Run one request; fills rep (data may alias payload). Returns rep->ret. */
struct pconn;
int32_t privcmd_dispatch(struct pconn *conn, uint32_t op, uint8_t *payload, uint32_t len,
			 struct privcmd_reply *rep);

/* Save/restore requests (privcmd_sr.c). */
int32_t privcmd_sr_save(uint8_t *p, uint32_t len, struct privcmd_reply *rep);
int32_t privcmd_sr_restore(uint8_t *p, uint32_t len);
int32_t privcmd_sr_resume(uint8_t *p, uint32_t len);
int32_t privcmd_lazy(struct pconn *conn, uint8_t *p, uint32_t len, struct privcmd_reply *rep);
/* The instrument ops: COUNTERS, TRACE_START, TRACE_STOP (privcmd_instr.c). */
int32_t privcmd_op_instr(struct pconn *conn, uint32_t op, uint8_t *payload, uint32_t len,
			 struct privcmd_reply *rep);

/* Listen on the privcmd socket of the run directory; a thread accepts. */
int privcmd_start(void);

#endif
