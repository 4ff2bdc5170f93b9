/* The guest's half of the console ring (pvisor/io/console.h): put output bytes
 * into out[], take input bytes from in[]. Pure functions on the shared page, no
 * hypercalls, so the host unit tests run them on an ordinary buffer. */
#ifndef KERNEL_LIB_CONSRING_H
#define KERNEL_LIB_CONSRING_H

#include <stddef.h>

#include <pvisor/io/console.h>

/*
 * Copy up to len bytes of buf into the output ring (as much as there is room for),
 * then publish them (barrier, out_prod). Returns the count (0: ring full), or
 * -PV_EIO when the indices are impossible (the backend wrote garbage): nothing
 * is written then.
 */
int consring_put(struct pv_xencons_interface *intf, const char *buf, size_t len);

/* Free bytes in the output ring, or -PV_EIO for impossible indices. */
int consring_out_room(const struct pv_xencons_interface *intf);

/* 1 when the backend has consumed everything written (out_cons == out_prod). */
int consring_out_empty(const struct pv_xencons_interface *intf);

/*
 * Copy up to max input bytes into buf and consume them (in_cons). Returns the
 * count (0: none waiting), or -PV_EIO for impossible indices (nothing consumed).
 */
int consring_get(struct pv_xencons_interface *intf, char *buf, size_t max);

#endif
