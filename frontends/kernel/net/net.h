/* The reference kernel's small network stack over netfront: Ethernet, ARP (a
 * cache, requests and replies), IPv4 (no fragments, no options sent), ICMP echo
 * (replies, and requests through net_ping) and UDP (bind a port, send).
 * Addresses are host-order uint32_t. The stack is polled: nothing happens
 * unless someone calls net_poll / net_wait (apps do; see apps/app_net.c), so a
 * guest answers ARP and pings while an app runs. One vCPU, no locks. */
#ifndef KERNEL_NET_NET_H
#define KERNEL_NET_NET_H

#include <stddef.h>
#include <stdint.h>

#include "lib/cmdline.h"

#define NET_ETH_HLEN 14
#define NET_IP_HLEN  20
#define NET_UDP_HLEN 8
#define NET_UDP_MAX  1472 /* payload in one 1500-byte IP packet */
#define NET_ETH_ARP  0x0806
#define NET_ETH_IP   0x0800

struct net_stats {
	uint64_t arp_rx, arp_tx, ip_rx, ip_bad, icmp_rx, icmp_tx, udp_rx, udp_tx, udp_noport,
		unknown;
};

/* Bring up the vif (device/vif/0) with ip=ADDR[/PREFIX] from the command line
 * (prefix 24 when none). 0, -PV_EINVAL (no or bad ip=), or netfront's error.
 * The reason is printed. Later calls return 0. */
int net_init(const struct cmdline *cl);
int net_up(void);
/* The lowest device id under device/vif: 0 or -PV_ENOENT. */
int net_first_vif(unsigned *devid);
/* Take the interface down (netfront_disconnect) and forget the ARP cache. */
void net_down(void);
uint32_t net_addr(void);
unsigned net_prefix(void);
void net_mac(uint8_t mac[6]);
void net_get_stats(struct net_stats *st);
extern struct net_stats net_stats_g; /* the modules count here */

/* Receive and handle up to budget frames; returns how many. */
unsigned net_poll(unsigned budget);
/* Handle frames until deadline_ns of system time, sleeping between. */
void net_run_until(uint64_t deadline_ns);
/* Sleep until a frame may be there or deadline_ns; then handle what came. */
void net_wait(uint64_t deadline_ns);

/* "a.b.c.d" or "a.b.c.d/p". prefix may be NULL (then a /p is refused); it is
 * left alone when the text has none. 0 or -PV_EINVAL. */
int net_parse_ip(const char *s, uint32_t *ip, unsigned *prefix);
/* "a.b.c.d" into out (16 bytes). */
void net_format_ip(uint32_t ip, char out[16]);
/* 1 when ip is on our subnet. */
int net_on_link(uint32_t ip);

/* Internet checksum of len bytes, folded, starting from sum. */
uint16_t net_csum(const void *data, size_t len, uint32_t sum);
/* Bulk senders: with defer set, sends only queue frames and the caller pushes
 * them with net_flush (one notification per burst instead of per frame). */
void net_tx_defer(int defer);
void net_flush(void);
/* Send an Ethernet frame whose payload (after the 14-byte header we fill) is
 * already at frame + 14. 0 or netfront's error after retrying a full ring. */
int net_eth_send(uint8_t *frame, const uint8_t dst[6], uint16_t type, uint32_t len);

/* ---- ARP (net/arp.c) ---- */
#define ARP_CACHE_SIZE 128
void arp_input(const uint8_t *frame, uint32_t len);
/* The MAC of ip from the cache: 0 or -PV_ENOENT. */
int arp_lookup(uint32_t ip, uint8_t mac[6]);
/* From the cache, else ask (a request every 200 ms) until timeout_ns: 0 or
 * -PV_ETIMEDOUT. Keeps handling frames meanwhile. */
int arp_resolve(uint32_t ip, uint8_t mac[6], uint64_t timeout_ns);
/* Print the cache (the shell's arp). */
void arp_print(void);
unsigned arp_count(void);
void arp_flush(void);
/* A gratuitous ARP (a broadcast request for our own address): here we are. */
int arp_announce(void);

/* ---- IPv4 and ICMP (net/ipv4.c) ---- */
void ipv4_input(const uint8_t *frame, uint32_t len);
/* Fill the IPv4 header at frame + 14 for payload_len bytes of proto to dst,
 * resolve dst and send. 0 or -errno. */
int ipv4_send(uint8_t *frame, uint32_t dst, uint8_t proto, uint32_t payload_len);

/* ---- UDP (net/udp.c) ---- */
typedef void (*udp_rx_fn)(uint32_t src, uint16_t sport, const uint8_t *data, uint32_t len,
			  void *arg);
/* Deliver datagrams for port to fn. 0, -PV_EBUSY (bound), -PV_ENOSPC. */
int udp_bind(uint16_t port, udp_rx_fn fn, void *arg);
void udp_unbind(uint16_t port);
/* Send len (<= NET_UDP_MAX) bytes. 0 or -errno (-PV_ETIMEDOUT: no ARP answer). */
int udp_send(uint32_t dst, uint16_t sport, uint16_t dport, const void *data, uint32_t len);
void udp_input(uint32_t src, const uint8_t *udp, uint32_t len);

/* ---- ICMP echo (net/ping.c) ---- */
void icmp_input(uint32_t src, const uint8_t *icmp, uint32_t len);
struct ping_result {
	unsigned sent, received;
	uint64_t min_ns, max_ns, sum_ns;
};
/* Send count echo requests of size payload bytes to dst, interval_ns apart,
 * waiting up to timeout_ns for each reply; prints a line per reply when
 * verbose. 0 when at least one reply came, else -PV_ETIMEDOUT (or ARP's
 * error). */
int net_ping(uint32_t dst, unsigned count, unsigned size, uint64_t interval_ns,
	     uint64_t timeout_ns, int verbose, struct ping_result *res);

/* internal: byte order */
static inline uint16_t net_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}
static inline uint32_t net_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline void net_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}
static inline void net_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

#endif
