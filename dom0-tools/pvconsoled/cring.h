/* The backend half of the console ring (pvisor/io/console.h): take the guest's
 * output from out[], put keyboard input into in[]. The page is shared with a
 * guest that may be hostile: indices are read once and checked. */
#ifndef PVCONSOLED_CRING_H
#define PVCONSOLED_CRING_H

#include <stddef.h>

#include "pvisor/io/console.h"

/* Output bytes waiting, or -EIO when out_prod - out_cons exceeds the ring. */
int cring_out_avail(const struct pv_xencons_interface *intf);

/* Copy up to max output bytes into buf WITHOUT consuming them (the caller consumes
 * what it could store with cring_out_consume). Returns the count or -EIO. */
int cring_out_peek(const struct pv_xencons_interface *intf, char *buf, size_t max);
/* Hand n bytes of out[] back to the guest (n <= what peek returned). */
void cring_out_consume(struct pv_xencons_interface *intf, size_t n);

/* Free bytes in in[], or -EIO for impossible indices. */
int cring_in_room(const struct pv_xencons_interface *intf);
/* Copy up to len bytes into in[] and publish them; returns the count or -EIO. */
int cring_in_put(struct pv_xencons_interface *intf, const char *buf, size_t len);

#endif
