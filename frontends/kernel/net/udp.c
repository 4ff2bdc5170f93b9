/* UDP for the small stack: a few bound ports with callbacks, checksummed
 * sends (the checksum is checked on receive when the sender gave one). */
#include <pvisor/errno.h>

#include "lib/kstring.h"
#include "net/net.h"

#define UDP_PORTS    8
#define IP_PROTO_UDP 17

static struct {
	uint16_t port;
	udp_rx_fn fn;
	void *arg;
} udp_ports[UDP_PORTS];

static uint8_t udp_frame[NET_ETH_HLEN + NET_IP_HLEN + NET_UDP_HLEN + NET_UDP_MAX];

int udp_bind(uint16_t port, udp_rx_fn fn, void *arg)
{
	int free_slot = -1;

	for (int i = 0; i < UDP_PORTS; i++) {
		if (udp_ports[i].fn && udp_ports[i].port == port)
			return -PV_EBUSY;
		if (!udp_ports[i].fn && free_slot < 0)
			free_slot = i;
	}
	if (free_slot < 0)
		return -PV_ENOSPC;
	udp_ports[free_slot].port = port;
	udp_ports[free_slot].fn = fn;
	udp_ports[free_slot].arg = arg;
	return 0;
}

void udp_unbind(uint16_t port)
{
	for (int i = 0; i < UDP_PORTS; i++)
		if (udp_ports[i].fn && udp_ports[i].port == port)
			udp_ports[i].fn = NULL;
}

static uint32_t udp_pseudo_sum(uint32_t src, uint32_t dst, uint32_t len)
{
	return (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + IP_PROTO_UDP + len;
}

void udp_input(uint32_t src, const uint8_t *udp, uint32_t len)
{
	uint32_t ulen;
	uint16_t dport;

	if (len < NET_UDP_HLEN)
		goto bad;
	ulen = net_get16(udp + 4);
	if (ulen < NET_UDP_HLEN || ulen > len)
		goto bad;
	if (net_get16(udp + 6) && net_csum(udp, ulen, udp_pseudo_sum(src, net_addr(), ulen)))
		goto bad;
	net_stats_g.udp_rx++;
	dport = net_get16(udp + 2);
	for (int i = 0; i < UDP_PORTS; i++) {
		if (udp_ports[i].fn && udp_ports[i].port == dport) {
			udp_ports[i].fn(src, net_get16(udp), udp + NET_UDP_HLEN,
					ulen - NET_UDP_HLEN, udp_ports[i].arg);
			return;
		}
	}
	net_stats_g.udp_noport++;
	return;
bad:
	net_stats_g.ip_bad++;
}

int udp_send(uint32_t dst, uint16_t sport, uint16_t dport, const void *data, uint32_t len)
{
	uint8_t *u = udp_frame + NET_ETH_HLEN + NET_IP_HLEN;
	uint32_t ulen = NET_UDP_HLEN + len;
	uint16_t sum;

	if (len > NET_UDP_MAX)
		return -PV_EINVAL;
	net_put16(u, sport);
	net_put16(u + 2, dport);
	net_put16(u + 4, (uint16_t)ulen);
	net_put16(u + 6, 0);
	memcpy(u + NET_UDP_HLEN, data, len);
	sum = net_csum(u, ulen, udp_pseudo_sum(net_addr(), dst, ulen));
	net_put16(u + 6, sum ? sum : 0xffff);
	net_stats_g.udp_tx++;
	return ipv4_send(udp_frame, dst, IP_PROTO_UDP, ulen);
}
