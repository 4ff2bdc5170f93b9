/* ICMP echo for the small stack: answer echo requests, and send our own and
 * time the replies (net_ping, behind the ping app and shell command). */
#include <pvisor/errno.h>

#include "kernel/printk.h"
#include "kernel/time.h"
#include "lib/kstring.h"
#include "net/net.h"

#define IP_PROTO_ICMP     1
#define ICMP_ECHO_REPLY   0
#define ICMP_ECHO_REQUEST 8
#define PING_ID           0x7076 /* "pv" */
#define PING_MAX          1472

static uint8_t icmp_frame[NET_ETH_HLEN + NET_IP_HLEN + 8 + PING_MAX];
static uint8_t ping_frame[NET_ETH_HLEN + NET_IP_HLEN + 8 + PING_MAX];

static struct {
	uint16_t seq; /* the request we wait for */
	uint32_t dst;
	int got;
	uint64_t sent_ns, rtt_ns;
} ping_wait;

static void icmp_echo_reply(uint32_t src, const uint8_t *icmp, uint32_t len)
{
	uint8_t *out = icmp_frame + NET_ETH_HLEN + NET_IP_HLEN;

	if (len > 8 + PING_MAX)
		return;
	memcpy(out, icmp, len);
	out[0] = ICMP_ECHO_REPLY;
	net_put16(out + 2, 0);
	net_put16(out + 2, net_csum(out, len, 0));
	net_stats_g.icmp_tx++;
	ipv4_send(icmp_frame, src, IP_PROTO_ICMP, len);
}

void icmp_input(uint32_t src, const uint8_t *icmp, uint32_t len)
{
	if (len < 8 || net_csum(icmp, len, 0) != 0) {
		net_stats_g.ip_bad++;
		return;
	}
	net_stats_g.icmp_rx++;
	if (icmp[0] == ICMP_ECHO_REQUEST && icmp[1] == 0) {
		icmp_echo_reply(src, icmp, len);
	} else if (icmp[0] == ICMP_ECHO_REPLY && net_get16(icmp + 4) == PING_ID &&
		   net_get16(icmp + 6) == ping_wait.seq && src == ping_wait.dst &&
		   !ping_wait.got) {
		ping_wait.got = 1;
		ping_wait.rtt_ns = monotonic_ns() - ping_wait.sent_ns;
	}
}

static int ping_send(uint32_t dst, uint16_t seq, unsigned size)
{
	uint8_t *p = ping_frame + NET_ETH_HLEN + NET_IP_HLEN;

	p[0] = ICMP_ECHO_REQUEST;
	p[1] = 0;
	net_put16(p + 2, 0);
	net_put16(p + 4, PING_ID);
	net_put16(p + 6, seq);
	for (unsigned i = 0; i < size; i++)
		p[8 + i] = (uint8_t)(i + seq);
	net_put16(p + 2, net_csum(p, 8 + size, 0));
	ping_wait.seq = seq;
	ping_wait.dst = dst;
	ping_wait.got = 0;
	ping_wait.sent_ns = monotonic_ns();
	net_stats_g.icmp_tx++;
	return ipv4_send(ping_frame, dst, IP_PROTO_ICMP, 8 + size);
}

static void ping_account(struct ping_result *res, uint64_t rtt)
{
	res->received++;
	res->sum_ns += rtt;
	if (!res->min_ns || rtt < res->min_ns)
		res->min_ns = rtt;
	if (rtt > res->max_ns)
		res->max_ns = rtt;
}

int net_ping(uint32_t dst, unsigned count, unsigned size, uint64_t interval_ns,
	     uint64_t timeout_ns, int verbose, struct ping_result *res)
{
	static uint16_t seq;
	char a[16];

	memset(res, 0, sizeof(*res));
	if (size > PING_MAX)
		size = PING_MAX;
	net_format_ip(dst, a);
	for (unsigned i = 0; i < count; i++) {
		uint64_t start = monotonic_ns(), end = start + timeout_ns;
		int rc = ping_send(dst, ++seq, size);

		if (rc && verbose)
			printk("ping: %s: cannot send (%d%s)\n", a, rc,
			       rc == -PV_ETIMEDOUT ? ": no ARP reply" : "");
		res->sent++;
		while (!rc && !ping_wait.got && monotonic_ns() < end)
			net_wait(end);
		if (ping_wait.got) {
			ping_account(res, ping_wait.rtt_ns);
			if (verbose)
				printk("ping: %u bytes from %s: seq=%u time=%llu us\n", size + 8,
				       a, seq, (unsigned long long)(ping_wait.rtt_ns / 1000));
		} else if (verbose && !rc) {
			printk("ping: %s: seq=%u no reply\n", a, seq);
		}
		ping_wait.dst = 0;
		if (i + 1 < count && interval_ns)
			net_run_until(start + interval_ns);
	}
	return res->received ? 0 : -PV_ETIMEDOUT;
}
