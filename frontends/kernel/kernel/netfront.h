/* netfront: the reference kernel's network frontend (Xen's netif protocol over
 * xenbus). One device, device/vif/<devid>: a tx and an rx ring, one event
 * channel, rx-copy mode (the backend copies each packet into a page we posted),
 * no scatter-gather and no offloads: every frame fits one page and carries its
 * own checksums. Buffers are granted once at connect and reused.
 *
 * The event channel stays masked: the driver is polled (netfront_poll) and
 * sleeps in SCHEDOP_poll on its port (netfront_wait), so no upcall handler runs
 * and callers never race an interrupt. Single-threaded: call from one vCPU. */
#ifndef KERNEL_NETFRONT_H
#define KERNEL_NETFRONT_H

#include <stdint.h>

#define NETFRONT_MTU        1500
#define NETFRONT_MAX_QUEUES 4
#define NETFRONT_FRAME_MAX  (NETFRONT_MTU + 14)

struct netfront_stats {
	uint64_t tx_frames, tx_bytes, tx_errors, tx_full;
	uint64_t rx_frames, rx_bytes, rx_errors;
	uint64_t reconnects; /* the backend started over (restarted) and we followed */
	uint64_t tx_dropped; /* frames in flight when it did: lost, as on a wire */
};

/* Connect device/vif/<devid>: read the backend and our MAC, share the rings and
 * buffers of `queues` queues (fewer if the backend's multi-queue-max-queues
 * says so; 2 MiB of pages each), go Initialised, wait (up to timeout_ns) for
 * the backend to connect, go Connected. 0, or a negative PV_E* (no such device,
 * no backend, out of memory or grants, timeout); the reason is printed. */
int netfront_connect(unsigned devid, unsigned queues, uint64_t timeout_ns);
/* Ask for persistent grants (pvisor's feature-persistent) on the next connect:
 * on by default; off makes the backend grant-copy every packet, as for a Linux
 * frontend. */
void netfront_set_persistent(int on);
/* Queues in use. */
unsigned netfront_queues(void);
/* The backend's state (Xen's XenbusState; Unknown before connect). */
int netfront_backend_state(void);
/* Unplug: go Closing then Closed and forget the device (its pages and grants
 * are left to the backend, which may still read them; a later connect makes
 * new ones). */
void netfront_disconnect(void);
/* 1 once connected. */
int netfront_up(void);
/* Connections made so far (the first, then one per reconnect after a restore or
 * a migration): the stack announces itself when it changes. */
unsigned netfront_connects(void);
/* Our MAC address (from the frontend's mac key). */
void netfront_mac(uint8_t mac[6]);

/* Queue one frame (14..NETFRONT_FRAME_MAX bytes; copied). 0, -PV_EAGAIN when the
 * tx ring is full (poll and retry), -PV_EINVAL for a bad length, -PV_ENODEV when
 * not connected. Frames are pushed to the backend by netfront_flush (and by
 * netfront_poll): batch several sends, then flush once. */
int netfront_send(const void *frame, uint32_t len);
void netfront_flush(void);

/* Handle completions and received frames: rx(frame, len, arg) for each, at most
 * budget of them; returns how many were received. The frame is only valid
 * during the call. */
typedef void (*netfront_rx_fn)(const uint8_t *frame, uint32_t len, void *arg);
unsigned netfront_poll(netfront_rx_fn rx, void *arg, unsigned budget);
/* Sleep until the backend signals or system time reaches deadline_ns (0: no
 * deadline). Returns at once when work is already pending. */
void netfront_wait(uint64_t deadline_ns);

void netfront_get_stats(struct netfront_stats *st);

/* For the misbehaving test app (app=netbad) only: put n tx requests on the ring
 * exactly as given (any gref, size, flags, id) and push them. The page of ring
 * slot i is granted as netfront_tx_ref(i). Returns n, or -PV_EAGAIN when the
 * ring has no room for all of them. Ids below 256 are the driver's own. */
struct pv_netif_tx_request;
int netfront_send_raw(const struct pv_netif_tx_request *reqs, unsigned n);
uint32_t netfront_tx_ref(unsigned slot);

#endif
