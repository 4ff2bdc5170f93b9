/* The network stack's core: configuration from the command line, Ethernet
 * input dispatch and output, the poll loop, address helpers, checksums. */
#include "net/net.h"

#include <pvisor/errno.h>

#include "kernel/netfront.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "kernel/xenbus.h"
#include "lib/format.h"
#include "lib/kstring.h"

#define NET_CONNECT_NS    (10ull * 1000000000ull)
#define NET_SEND_RETRY_NS (1000000000ull)

static struct {
	int up;
	uint32_t addr, mask;
	unsigned prefix;
	uint8_t mac[6];
	int defer;
	unsigned announced; /* netfront_connects() when we last told the wire where we are */
} net;

struct net_stats net_stats_g;

int net_parse_ip(const char *s, uint32_t *ip, unsigned *prefix)
{
	uint32_t v = 0, part = 0;
	unsigned parts = 0, digits = 0;

	for (; *s && *s != '/'; s++) {
		if (*s >= '0' && *s <= '9') {
			part = part * 10 + (uint32_t)(*s - '0');
			if (++digits > 3 || part > 255)
				return -PV_EINVAL;
		} else if (*s == '.' && digits && parts < 3) {
			v = v << 8 | part;
			parts++;
			part = digits = 0;
		} else {
			return -PV_EINVAL;
		}
	}
	if (parts != 3 || !digits)
		return -PV_EINVAL;
	v = v << 8 | part;
	if (*s == '/') {
		uint64_t p;

		if (!prefix || cmdline_parse_u64(s + 1, &p) || p > 32)
			return -PV_EINVAL;
		*prefix = (unsigned)p;
	}
	*ip = v;
	return 0;
}

void net_format_ip(uint32_t ip, char out[16])
{
	ksnprintf(out, 16, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
}

int net_first_vif(unsigned *devid)
{
	char names[256];
	int n = xenbus_directory(XBT_NIL, "device/vif", names, sizeof(names));
	uint64_t best = ~0ull;
	const char *p = names;

	for (int i = 0; i < n; i++, p += strlen(p) + 1) {
		uint64_t v;

		if (cmdline_parse_u64(p, &v) == 0 && v < best)
			best = v;
	}
	if (best > 65535)
		return -PV_ENOENT;
	*devid = (unsigned)best;
	return 0;
}

int net_init(const struct cmdline *cl)
{
	const char *s = cmdline_get(cl, "ip");
	uint64_t queues, persist;
	unsigned devid;
	char a[16];
	int rc;

	if (net.up)
		return 0;
	net.prefix = 24;
	if (!s || net_parse_ip(s, &net.addr, &net.prefix)) {
		printk("net: give the address as ip=ADDR[/PREFIX] on the command line\n");
		return -PV_EINVAL;
	}
	net.mask = net.prefix ? ~0u << (32 - net.prefix) : 0;
	rc = net_first_vif(&devid);
	if (rc) {
		printk("net: no vif (device/vif is empty): attach one with pvx network-attach\n");
		return rc;
	}
	if (cmdline_get_u64(cl, "net_queues", 1, &queues) || queues < 1 ||
	    queues > NETFRONT_MAX_QUEUES) {
		printk("net: net_queues= is 1..%d\n", NETFRONT_MAX_QUEUES);
		return -PV_EINVAL;
	}
	if (cmdline_get_u64(cl, "net_persistent", 1, &persist) || persist > 1) {
		printk("net: net_persistent= is 0 or 1\n");
		return -PV_EINVAL;
	}
	netfront_set_persistent((int)persist);
	rc = netfront_connect(devid, (unsigned)queues, NET_CONNECT_NS);
	if (rc)
		return rc;
	netfront_mac(net.mac);
	net.announced = netfront_connects();
	net.up = 1;
	net_format_ip(net.addr, a);
	printk("net: eth0 %02x:%02x:%02x:%02x:%02x:%02x %s/%u up, %u queue(s)\n", net.mac[0],
	       net.mac[1], net.mac[2], net.mac[3], net.mac[4], net.mac[5], a, net.prefix,
	       netfront_queues());
	return 0;
}

void net_down(void)
{
	if (!net.up)
		return;
	netfront_disconnect();
	arp_flush();
	net.up = 0;
}

int net_up(void)
{
	return net.up;
}

uint32_t net_addr(void)
{
	return net.addr;
}

unsigned net_prefix(void)
{
	return net.prefix;
}

void net_mac(uint8_t mac[6])
{
	memcpy(mac, net.mac, 6);
}

int net_on_link(uint32_t ip)
{
	return (ip & net.mask) == (net.addr & net.mask);
}

void net_get_stats(struct net_stats *st)
{
	*st = net_stats_g;
}

static uint64_t fold64(uint64_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

/* The one's complement sum does not care about byte order as long as it is
 * the same throughout: add the data as little-endian 32-bit words (a load per
 * 4 bytes), fold, then swap the 16-bit result to network order. */
uint16_t net_csum(const void *data, size_t len, uint32_t sum)
{
	const uint8_t *p = data;
	uint64_t s = 0;
	uint32_t w;

	for (; len >= 4; len -= 4, p += 4) {
		__builtin_memcpy(&w, p, 4);
		s += w;
	}
	if (len >= 2) {
		s += (uint32_t)(p[0] | p[1] << 8);
		p += 2;
		len -= 2;
	}
	if (len)
		s += p[0];
	s = fold64(s);
	s = ((s & 0xff) << 8 | s >> 8) + sum;
	return (uint16_t)~fold64(s);
}

static void net_rx(const uint8_t *frame, uint32_t len, void *arg)
{
	(void)arg;
	if (len < NET_ETH_HLEN)
		return;
	if (memcmp(frame, net.mac, 6) != 0 && !(frame[0] & 1))
		return; /* not for us (flooded unicast) */
	switch (net_get16(frame + 12)) {
	case NET_ETH_ARP:
		arp_input(frame, len);
		break;
	case NET_ETH_IP:
		ipv4_input(frame, len);
		break;
	default:
		net_stats_g.unknown++;
		break;
	}
}

/* netfront connected again (a restore, a live migration: the vif is on another
 * host's switch now): a gratuitous ARP, as Linux's netfront sends after resume,
 * so that switches and bridges learn the port our MAC is behind now and peers
 * refresh their caches. */
static void net_announce_check(void)
{
	unsigned n = netfront_connects();

	if (net.up && n != net.announced) {
		net.announced = n;
		arp_announce();
	}
}

unsigned net_poll(unsigned budget)
{
	unsigned n = net.up ? netfront_poll(net_rx, NULL, budget) : 0;

	net_announce_check();
	return n;
}

void net_wait(uint64_t deadline_ns)
{
	if (net_poll(64))
		return;
	netfront_wait(deadline_ns);
	net_poll(64);
}

void net_run_until(uint64_t deadline_ns)
{
	while (monotonic_ns() < deadline_ns)
		net_wait(deadline_ns);
}

void net_tx_defer(int defer)
{
	net.defer = defer;
	if (!defer)
		netfront_flush();
}

void net_flush(void)
{
	netfront_flush();
}

int net_eth_send(uint8_t *frame, const uint8_t dst[6], uint16_t type, uint32_t len)
{
	uint64_t end = 0;
	int rc;

	memcpy(frame, dst, 6);
	memcpy(frame + 6, net.mac, 6);
	net_put16(frame + 12, type);
	while ((rc = netfront_send(frame, len)) == -PV_EAGAIN) {
		uint64_t now = monotonic_ns();

		if (!end)
			end = now + NET_SEND_RETRY_NS;
		if (now >= end)
			break;
		/* Take tx completions only: handling frames here could send
		 * (ARP, echo replies) from inside a send. */
		netfront_poll(net_rx, NULL, 0);
		netfront_wait(now + 1000000);
	}
	if (rc == 0 && !net.defer)
		netfront_flush();
	return rc;
}
