/* netback: learning L2 switches (see nb_switch.h). */
#include "netback/nb_switch.h"

#include <stdlib.h>
#include <string.h>

static unsigned mac_hash(const uint8_t mac[6])
{
	/* The low bytes vary most (00:16:3e prefixes). */
	return (unsigned)(mac[5] ^ (mac[4] << 3) ^ (mac[3] << 5) ^ mac[2] ^ mac[0]) %
	       NB_MAC_BUCKETS;
}

struct nb_switch *nb_switch_get(struct nb_switches *set, const char *name, int create)
{
	struct nb_switch *sw;

	for (sw = set->list; sw; sw = sw->next) {
		if (strcmp(sw->name, name) == 0)
			return sw;
	}
	if (!create || strlen(name) > NB_SWITCH_NAME_MAX)
		return NULL;
	sw = calloc(1, sizeof(*sw));
	if (!sw)
		return NULL;
	strcpy(sw->name, name);
	sw->age_ns = NB_MAC_AGE_NS;
	sw->next = set->list;
	set->list = sw;
	return sw;
}

static void mac_forget_if(struct nb_switch *sw, const struct nb_port *p, uint64_t now_ns, int all)
{
	for (unsigned b = 0; b < NB_MAC_BUCKETS; b++) {
		struct nb_mac_entry **pp = &sw->buckets[b];

		while (*pp) {
			struct nb_mac_entry *e = *pp;
			int old = now_ns - e->seen_ns > sw->age_ns;

			if (all || e->port == p || (!p && old)) {
				*pp = e->next;
				free(e);
				sw->nmacs--;
			} else {
				pp = &e->next;
			}
		}
	}
}

void nb_switches_fini(struct nb_switches *set)
{
	while (set->list) {
		struct nb_switch *sw = set->list;

		set->list = sw->next;
		mac_forget_if(sw, NULL, 0, 1);
		free(sw);
	}
}

void nb_switch_attach(struct nb_switch *sw, struct nb_port *p)
{
	p->sw = sw;
	p->next = sw->ports;
	sw->ports = p;
	sw->nports++;
}

void nb_switch_detach(struct nb_port *p)
{
	struct nb_switch *sw = p->sw;
	struct nb_port **pp;

	if (!sw)
		return;
	for (pp = &sw->ports; *pp; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			sw->nports--;
			break;
		}
	}
	mac_forget_if(sw, p, 0, 0);
	p->sw = NULL;
	p->next = NULL;
}

unsigned nb_switch_expire(struct nb_switch *sw, uint64_t now_ns)
{
	unsigned before = sw->nmacs;

	mac_forget_if(sw, NULL, now_ns, 0);
	return before - sw->nmacs;
}

static struct nb_mac_entry *mac_find(struct nb_switch *sw, const uint8_t mac[6])
{
	struct nb_mac_entry *e;

	for (e = sw->buckets[mac_hash(mac)]; e; e = e->next) {
		if (memcmp(e->mac, mac, 6) == 0)
			return e;
	}
	return NULL;
}

struct nb_port *nb_switch_lookup(struct nb_switch *sw, const uint8_t mac[6], uint64_t now_ns)
{
	struct nb_mac_entry *e = mac_find(sw, mac);

	if (!e || now_ns - e->seen_ns > sw->age_ns)
		return NULL;
	return e->port;
}

static void mac_learn(struct nb_switch *sw, const uint8_t mac[6], struct nb_port *p,
		      uint64_t now_ns)
{
	struct nb_mac_entry *e = mac_find(sw, mac);
	unsigned b;

	if (e) {
		e->port = p; /* a guest may move: last seen wins */
		e->seen_ns = now_ns;
		return;
	}
	if (sw->nmacs >= NB_MAC_MAX && nb_switch_expire(sw, now_ns) == 0)
		return;
	e = malloc(sizeof(*e));
	if (!e)
		return;
	memcpy(e->mac, mac, 6);
	e->port = p;
	e->seen_ns = now_ns;
	b = mac_hash(mac);
	e->next = sw->buckets[b];
	sw->buckets[b] = e;
	sw->nmacs++;
}

static void port_deliver(struct nb_port *p, const uint8_t *frame, uint32_t len)
{
	p->frames_out++;
	p->ops->deliver(p, frame, len);
}

void nb_switch_input(struct nb_port *in, const uint8_t *frame, uint32_t len, uint64_t now_ns)
{
	struct nb_switch *sw = in->sw;
	const uint8_t *dst = frame, *src = frame + 6;
	struct nb_port *out;

	if (!sw || len < 14)
		return;
	in->frames_in++;
	if (!(src[0] & 1))
		mac_learn(sw, src, in, now_ns);
	out = (dst[0] & 1) ? NULL : nb_switch_lookup(sw, dst, now_ns);
	if (out == in) {
		sw->filtered++;
		return;
	}
	if (out) {
		sw->forwarded++;
		port_deliver(out, frame, len);
		return;
	}
	sw->flooded++;
	for (struct nb_port *p = sw->ports; p; p = p->next) {
		if (p != in)
			port_deliver(p, frame, len);
	}
}
