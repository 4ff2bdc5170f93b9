/* Names of hypercalls and of the sub-operations of the multiplexed ones, for
 * people reading counters and traces (pvx trace, pvx top, pvxweb). */
#ifndef PV_LIBPVX_HCNAMES_H
#define PV_LIBPVX_HCNAMES_H

/* "event_channel_op", or NULL for a number Xen does not name. */
const char *pvx_hypercall_name(unsigned nr);
/* "send" for (event_channel_op, 4); NULL when nr has no sub-operations (the
 * first argument is not a command) or cmd has no name. */
const char *pvx_hypercall_subop(unsigned nr, unsigned long long cmd);
/* 1 when nr's first argument names a sub-operation. */
int pvx_hypercall_has_subops(unsigned nr);

#endif
