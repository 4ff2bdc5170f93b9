/* Errors across the hypervisor's boundary. The hypervisor speaks PV errno values
 * (pvisor/errno.h) only: to guests, and on the privcmd wire to dom0. It turns a host
 * error into one where the host call fails (pv_errno_last, pv_errno_from_host);
 * libpvctrl turns what the wire carries back into host errno for dom0 programs
 * (pv_errno_to_host). */
#ifndef PV_COMMON_PV_ERRNO_H
#define PV_COMMON_PV_ERRNO_H

/* Positive values in and out (0 stays 0). A host error with no PV counterpart
 * becomes PV_EIO; a PV value the host lacks becomes EIO. */
int pv_errno_from_host(int host_errno);
int pv_errno_to_host(int pv_errno);
/* 1 if pv_errno (positive) is one of pvisor/errno.h's values. */
int pv_errno_is_pv(int pv_errno);
/* The calling thread's errno, negated and converted: `return pv_errno_last();` right
 * after a failed host call. */
int pv_errno_last(void);

#endif
