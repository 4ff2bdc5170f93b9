/* netback: the built-in learning L2 switches, one per name (the vif's bridge=
 * key). A switch learns which port each source MAC address came from, sends a
 * unicast frame to the port that owns its destination, and floods broadcast,
 * multicast and unknown destinations to every other port. Entries age out
 * (NB_MAC_AGE_NS) and a table is bounded (NB_MAC_MAX) so a guest making up
 * addresses cannot grow it: unlearnt sources are simply flooded to. */
#ifndef NETBACK_NB_SWITCH_H
#define NETBACK_NB_SWITCH_H

#include <stdint.h>

#define NB_SWITCH_NAME_MAX 15
#define NB_MAC_BUCKETS     256
#define NB_MAC_MAX         4096
#define NB_MAC_AGE_NS      (300ull * 1000000000ull) /* as a Linux bridge */

struct nb_port;
struct nb_switch;

struct nb_port_ops {
	/* Hand one frame to the port; frame is only valid during the call. */
	void (*deliver)(struct nb_port *p, const uint8_t *frame, uint32_t len);
};

struct nb_port {
	const struct nb_port_ops *ops;
	void *priv;           /* the owner's (a vif, a TAP) */
	struct nb_switch *sw; /* set by attach */
	struct nb_port *next;
	uint64_t frames_in, frames_out;
};

struct nb_mac_entry {
	uint8_t mac[6];
	struct nb_port *port;
	uint64_t seen_ns;
	struct nb_mac_entry *next;
};

struct nb_switch {
	char name[NB_SWITCH_NAME_MAX + 1];
	struct nb_port *ports;
	unsigned nports, nmacs;
	uint64_t age_ns;
	uint64_t flooded, forwarded, filtered;
	struct nb_mac_entry *buckets[NB_MAC_BUCKETS];
	struct nb_switch *next;
};

struct nb_switches {
	struct nb_switch *list;
};

/* The switch called name, made when create is set and there is none. NULL
 * when absent (or out of memory). */
struct nb_switch *nb_switch_get(struct nb_switches *set, const char *name, int create);
/* Free every switch (ports must be detached first; their owners free them). */
void nb_switches_fini(struct nb_switches *set);

void nb_switch_attach(struct nb_switch *sw, struct nb_port *p);
/* Leave the switch and forget every address learnt on the port. */
void nb_switch_detach(struct nb_port *p);

/* A frame arrived on port in (len >= 14 is checked here too). */
void nb_switch_input(struct nb_port *in, const uint8_t *frame, uint32_t len, uint64_t now_ns);
/* The port that owns mac (NULL when unknown or aged out). */
struct nb_port *nb_switch_lookup(struct nb_switch *sw, const uint8_t mac[6], uint64_t now_ns);
/* Drop aged entries; returns how many. */
unsigned nb_switch_expire(struct nb_switch *sw, uint64_t now_ns);

#endif
