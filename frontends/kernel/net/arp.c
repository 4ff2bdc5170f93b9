/* ARP for the small stack: answer requests for our address, learn senders of
 * requests aimed at us and of replies, and resolve addresses on demand. The
 * cache replaces its oldest entry when full; entries live NET_ARP_AGE_NS. */
#include <pvisor/errno.h>

#include "kernel/printk.h"
#include "kernel/time.h"
#include "lib/kstring.h"
#include "net/net.h"

#define ARP_LEN        28
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY   2
#define NET_ARP_AGE_NS (300ull * 1000000000ull)
#define ARP_RETRY_NS   (200ull * 1000000ull)

struct arp_entry {
	uint32_t ip;
	uint8_t mac[6];
	uint64_t seen_ns; /* 0 = free */
};

static struct arp_entry arp_cache[ARP_CACHE_SIZE];
static uint8_t arp_frame[NET_ETH_HLEN + ARP_LEN + 18]; /* padded to 60 */
static const uint8_t arp_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static struct arp_entry *arp_find(uint32_t ip)
{
	for (unsigned i = 0; i < ARP_CACHE_SIZE; i++)
		if (arp_cache[i].seen_ns && arp_cache[i].ip == ip)
			return &arp_cache[i];
	return NULL;
}

static void arp_learn(uint32_t ip, const uint8_t mac[6])
{
	struct arp_entry *e = arp_find(ip), *oldest = &arp_cache[0];

	if (!e) {
		for (unsigned i = 0; i < ARP_CACHE_SIZE && !e; i++) {
			if (!arp_cache[i].seen_ns)
				e = &arp_cache[i];
			else if (arp_cache[i].seen_ns < oldest->seen_ns)
				oldest = &arp_cache[i];
		}
		if (!e)
			e = oldest;
	}
	e->ip = ip;
	memcpy(e->mac, mac, 6);
	e->seen_ns = monotonic_ns() | 1;
}

int arp_lookup(uint32_t ip, uint8_t mac[6])
{
	struct arp_entry *e = arp_find(ip);

	if (!e || monotonic_ns() - e->seen_ns > NET_ARP_AGE_NS)
		return -PV_ENOENT;
	memcpy(mac, e->mac, 6);
	return 0;
}

static int arp_send(uint16_t op, const uint8_t *eth_dst, const uint8_t *tha, uint32_t tpa)
{
	uint8_t *a = arp_frame + NET_ETH_HLEN, mac[6];

	net_mac(mac);
	memset(arp_frame, 0, sizeof(arp_frame));
	net_put16(a, 1); /* Ethernet */
	net_put16(a + 2, NET_ETH_IP);
	a[4] = 6;
	a[5] = 4;
	net_put16(a + 6, op);
	memcpy(a + 8, mac, 6);
	net_put32(a + 14, net_addr());
	memcpy(a + 18, tha, 6);
	net_put32(a + 24, tpa);
	net_stats_g.arp_tx++;
	return net_eth_send(arp_frame, eth_dst, NET_ETH_ARP, sizeof(arp_frame));
}

void arp_input(const uint8_t *frame, uint32_t len)
{
	const uint8_t *a = frame + NET_ETH_HLEN;
	uint32_t spa, tpa;
	uint16_t op;

	if (len < NET_ETH_HLEN + ARP_LEN || net_get16(a) != 1 || net_get16(a + 2) != NET_ETH_IP ||
	    a[4] != 6 || a[5] != 4)
		return;
	net_stats_g.arp_rx++;
	op = net_get16(a + 6);
	spa = net_get32(a + 14);
	tpa = net_get32(a + 24);
	if (a[8] & 1)
		return; /* a multicast sender address is nonsense */
	if (tpa == net_addr() || arp_find(spa))
		arp_learn(spa, a + 8);
	if (op == ARP_OP_REQUEST && tpa == net_addr()) {
		uint8_t sha[6];

		memcpy(sha, a + 8, 6);
		arp_send(ARP_OP_REPLY, sha, sha, spa);
	}
}

int arp_resolve(uint32_t ip, uint8_t mac[6], uint64_t timeout_ns)
{
	static const uint8_t zero[6];
	uint64_t now = monotonic_ns(), end = now + timeout_ns;

	if (ip == 0xffffffffu ||
	    (net_prefix() < 31 && (ip | ~(~0u << (32 - net_prefix()))) == ip)) {
		memcpy(mac, arp_bcast, 6); /* limited or subnet broadcast */
		return 0;
	}
	while (arp_lookup(ip, mac)) {
		if (now >= end)
			return -PV_ETIMEDOUT;
		arp_send(ARP_OP_REQUEST, arp_bcast, zero, ip);
		uint64_t next = now + ARP_RETRY_NS < end ? now + ARP_RETRY_NS : end;

		while (arp_lookup(ip, mac) && monotonic_ns() < next)
			net_wait(next);
		now = monotonic_ns();
	}
	return 0;
}

void arp_flush(void)
{
	memset(arp_cache, 0, sizeof(arp_cache));
}

unsigned arp_count(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < ARP_CACHE_SIZE; i++)
		n += arp_cache[i].seen_ns != 0;
	return n;
}

void arp_print(void)
{
	uint64_t now = monotonic_ns();

	printk("arp: %-15s  %-17s  %s\n", "Address", "HWaddress", "Age(s)");
	for (unsigned i = 0; i < ARP_CACHE_SIZE; i++) {
		const struct arp_entry *e = &arp_cache[i];
		char ip[16];

		if (!e->seen_ns)
			continue;
		net_format_ip(e->ip, ip);
		printk("arp: %-15s  %02x:%02x:%02x:%02x:%02x:%02x  %llu\n", ip, e->mac[0],
		       e->mac[1], e->mac[2], e->mac[3], e->mac[4], e->mac[5],
		       (unsigned long long)((now - e->seen_ns) / 1000000000ull));
	}
}

int arp_announce(void)
{
	static const uint8_t zero[6];

	return arp_send(ARP_OP_REQUEST, arp_bcast, zero, net_addr());
}
