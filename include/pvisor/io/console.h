/* pvisor public ABI: the PV console ring page shared by a guest and the console
 * backend (Xen 4.17 io/console.h layout). */
#ifndef PVISOR_IO_CONSOLE_H
#define PVISOR_IO_CONSOLE_H

#include <stdint.h>

typedef uint32_t pv_xencons_ring_idx_t;

/* Position of free-running index idx in buffer ring (a power-of-two array). */
#define PV_MASK_XENCONS_IDX(idx, ring) ((idx) & (sizeof(ring) - 1))

/*
 * At the start of the console page. The guest writes out[], a write barrier,
 * then out_prod, and notifies the console event channel; the backend does the
 * same with in[] and in_prod. Consumers advance *_cons after reading.
 */
struct pv_xencons_interface {
	char in[1024];  /* backend -> guest (keyboard) */
	char out[2048]; /* guest -> backend (output) */
	pv_xencons_ring_idx_t in_cons, in_prod;
	pv_xencons_ring_idx_t out_cons, out_prod;
};

#endif
