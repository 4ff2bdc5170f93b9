/* IPv4 for the small stack: check and dispatch incoming packets (ICMP, UDP),
 * build headers and send through ARP. No fragments (dropped), no options sent,
 * no routing beyond the local subnet. */
#include <pvisor/errno.h>

#include "lib/kstring.h"
#include "net/net.h"

#define IP_PROTO_ICMP 1
#define IP_PROTO_UDP  17
#define ARP_WAIT_NS   (1000000000ull)

static uint16_t ip_ident;

void ipv4_input(const uint8_t *frame, uint32_t len)
{
	const uint8_t *ip = frame + NET_ETH_HLEN;
	uint32_t hl, tot, dst;

	net_stats_g.ip_rx++;
	if (len < NET_ETH_HLEN + NET_IP_HLEN || (ip[0] >> 4) != 4)
		goto bad;
	hl = (uint32_t)(ip[0] & 15) * 4;
	tot = net_get16(ip + 2);
	if (hl < NET_IP_HLEN || tot < hl || NET_ETH_HLEN + tot > len || net_csum(ip, hl, 0) != 0)
		goto bad;
	if ((net_get16(ip + 6) & 0x3fff) != 0)
		goto bad; /* a fragment: not reassembled */
	dst = net_get32(ip + 16);
	if (dst != net_addr() && dst != 0xffffffffu)
		return;
	switch (ip[9]) {
	case IP_PROTO_ICMP:
		icmp_input(net_get32(ip + 12), ip + hl, tot - hl);
		return;
	case IP_PROTO_UDP:
		udp_input(net_get32(ip + 12), ip + hl, tot - hl);
		return;
	default:
		return;
	}
bad:
	net_stats_g.ip_bad++;
}

int ipv4_send(uint8_t *frame, uint32_t dst, uint8_t proto, uint32_t payload_len)
{
	uint8_t *ip = frame + NET_ETH_HLEN, mac[6];
	uint32_t tot = NET_IP_HLEN + payload_len;
	int rc;

	if (tot > 1500)
		return -PV_EINVAL;
	if (!net_on_link(dst) && dst != 0xffffffffu)
		return -PV_EINVAL; /* off-link: no router support */
	rc = arp_lookup(dst, mac);
	if (rc)
		rc = arp_resolve(dst, mac, ARP_WAIT_NS);
	if (rc)
		return rc;
	ip[0] = 0x45;
	ip[1] = 0;
	net_put16(ip + 2, (uint16_t)tot);
	net_put16(ip + 4, ip_ident++);
	net_put16(ip + 6, 0x4000); /* don't fragment */
	ip[8] = 64;
	ip[9] = proto;
	net_put16(ip + 10, 0);
	net_put32(ip + 12, net_addr());
	net_put32(ip + 16, dst);
	net_put16(ip + 10, net_csum(ip, NET_IP_HLEN, 0));
	tot += NET_ETH_HLEN;
	return net_eth_send(frame, mac, NET_ETH_IP, tot < 60 ? 60 : tot);
}
