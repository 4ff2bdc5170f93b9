/* The evtping app's mailbox: one guest page through which a dom0 tool
 * (tests/tools/evtchn_peer.c) tells the guest its role, its peer and its port.
 * Until issue 4's xenbus, this stands in for the store. Shared by guest and tool. */
#ifndef EVTPING_MAILBOX_H
#define EVTPING_MAILBOX_H

#include <stdint.h>

#define EVTPING_MAGIC   0x70696e67u /* "ping", written last by dom0 */
#define EVTPING_LISTEN  1           /* port is ours (unbound, reserved for peer): answer pings */
#define EVTPING_CONNECT 2           /* bind to (peer_dom, peer_port), send pings, time them */
#define EVTPING_BLOCK   0           /* wait in SCHEDOP_block for the upcall */
#define EVTPING_POLL    1           /* port masked, spin on its pending bit */

struct evtping_mailbox {
	uint32_t magic;
	uint32_t role;
	uint32_t peer_dom;
	uint32_t port; /* LISTEN: our port; CONNECT: the peer's port */
	uint32_t rounds;
	uint32_t mode;
};

#endif
