/* Network apps (the vif comes up at boot when the command line has ip=):
 * ping, pingall (reach every address of a range), netserve (answer ARP, pings
 * and UDP echo for a while), udpecho, udpsend/udprecv (throughput and packets
 * per second) and udprtt (echo round trips: median and p99). Each prints its
 * results on the console; the tests and tests/bench/b_80_net.sh read them. */
#include <pvisor/errno.h>
#include <pvisor/sched.h>

#include "apps/app.h"
#include "kernel/mm.h"
#include "kernel/printk.h"
#include "kernel/netfront.h"
#include "kernel/time.h"
#include "kernel/timer.h"
#include "kernel/xenbus.h"
#include "lib/format.h"
#include "lib/kstring.h"
#include "lib/sort.h"
#include "net/net.h"

#define MS  1000000ull
#define SEC 1000000000ull

static int net_need(const char *app)
{
	if (net_up())
		return 0;
	printk("%s: the network is down (boot with ip=ADDR[/PREFIX] and a vif)\n", app);
	return -1;
}

static int arg_u64(const struct app_env *env, const char *app, const char *key, uint64_t def,
		   uint64_t max, uint64_t *out)
{
	if (cmdline_get_u64(env->cmdline, key, def, out) || *out > max) {
		printk("%s: %s= must be a number up to %llu\n", app, key,
		       (unsigned long long)max);
		return -1;
	}
	return 0;
}

static int arg_ip(const struct app_env *env, const char *app, const char *key, uint32_t *ip)
{
	const char *s = cmdline_get(env->cmdline, key);

	if (!s || net_parse_ip(s, ip, NULL)) {
		printk("%s: give %s=a.b.c.d\n", app, key);
		return -1;
	}
	return 0;
}

int app_ping_run(const struct app_env *env)
{
	uint64_t count, size, interval;
	struct ping_result r;
	uint32_t dst;

	if (net_need("ping") || arg_ip(env, "ping", "dst", &dst) ||
	    arg_u64(env, "ping", "count", 4, 100000, &count) ||
	    arg_u64(env, "ping", "size", 56, 1472, &size) ||
	    arg_u64(env, "ping", "interval_ms", 1000, 60000, &interval))
		return PV_SHUTDOWN_crash;
	net_ping(dst, (unsigned)count, (unsigned)size, interval * MS, SEC, 1, &r);
	printk("ping: %u sent, %u received", r.sent, r.received);
	if (r.received)
		printk(", rtt min/avg/max %llu/%llu/%llu us", (unsigned long long)r.min_ns / 1000,
		       (unsigned long long)(r.sum_ns / r.received / 1000),
		       (unsigned long long)r.max_ns / 1000);
	printk("\n");
	arp_print();
	return r.received == r.sent ? PV_SHUTDOWN_poweroff : PV_SHUTDOWN_crash;
}

/* pingall base=A n=N ms=T linger_ms=L: ping A .. A+N-1 (not ourselves) round
 * robin until each answered once or T ms passed, then keep answering the
 * others for L ms (they may have started later). */
int app_pingall_run(const struct app_env *env)
{
	uint64_t n, ms, linger, end;
	static uint8_t done[1024];
	unsigned reached = 0, want = 0;
	uint32_t base;

	if (net_need("pingall") || arg_ip(env, "pingall", "base", &base) ||
	    arg_u64(env, "pingall", "n", 2, 1024, &n) ||
	    arg_u64(env, "pingall", "ms", 60000, 600000, &ms) ||
	    arg_u64(env, "pingall", "linger_ms", 5000, 600000, &linger))
		return PV_SHUTDOWN_crash;
	for (uint32_t i = 0; i < n; i++)
		want += base + i != net_addr();
	end = monotonic_ns() + ms * MS;
	while (reached < want && monotonic_ns() < end) {
		for (uint32_t i = 0; i < n; i++) {
			struct ping_result r;

			if (done[i] || base + i == net_addr())
				continue;
			if (net_ping(base + i, 1, 16, 0, SEC / 5, 0, &r) == 0) {
				done[i] = 1;
				reached++;
			}
		}
	}
	for (uint32_t i = 0; i < n; i++) {
		char a[16];

		if (!done[i] && base + i != net_addr()) {
			net_format_ip(base + i, a);
			printk("pingall: %s did not answer\n", a);
		}
	}
	printk("pingall: reached %u of %u, arp entries %u\n", reached, want, arp_count());
	net_run_until(monotonic_ns() + linger * MS);
	return reached == want ? PV_SHUTDOWN_poweroff : PV_SHUTDOWN_crash;
}

static void echo_rx(uint32_t src, uint16_t sport, const uint8_t *data, uint32_t len, void *arg)
{
	uint16_t port = (uint16_t)(uintptr_t)arg;

	udp_send(src, port, sport, data, len);
}

/* netserve ms=T (0 = forever) port=P: answer ARP and pings, echo UDP on P. */
int app_netserve_run(const struct app_env *env)
{
	uint64_t ms, port;

	if (net_need("netserve") || arg_u64(env, "netserve", "ms", 0, 86400000, &ms) ||
	    arg_u64(env, "netserve", "port", 7, 65535, &port))
		return PV_SHUTDOWN_crash;
	udp_bind((uint16_t)port, echo_rx, (void *)(uintptr_t)port);
	printk("netserve: ready (udp echo on %llu)\n", (unsigned long long)port);
	if (ms)
		net_run_until(monotonic_ns() + ms * MS);
	else
		for (;;)
			net_wait(0);
	printk("netserve: done\n");
	return PV_SHUTDOWN_poweroff;
}

static void report(const char *app, uint64_t pkts, uint64_t bytes, uint64_t ns)
{
	uint64_t us = ns / 1000 ? ns / 1000 : 1;

	/* Mbit/s = bytes * 8 / us; pps = pkts * 1e6 / us */
	printk("%s: %llu packets %llu bytes in %llu us: %llu Mbit/s %llu pps\n", app,
	       (unsigned long long)pkts, (unsigned long long)bytes, (unsigned long long)us,
	       (unsigned long long)(bytes * 8 / us), (unsigned long long)(pkts * 1000000 / us));
}

/* udpsend dst=A port=P size=S ms=T: send S-byte datagrams as fast as the ring
 * takes them for T ms. */
int app_udpsend_run(const struct app_env *env)
{
	uint64_t port, size, ms, pkts = 0, start, end;
	static uint8_t buf[NET_UDP_MAX];
	uint32_t dst;
	int rc;

	if (net_need("udpsend") || arg_ip(env, "udpsend", "dst", &dst) ||
	    arg_u64(env, "udpsend", "port", 9000, 65535, &port) ||
	    arg_u64(env, "udpsend", "size", 1472, NET_UDP_MAX, &size) ||
	    arg_u64(env, "udpsend", "ms", 2000, 600000, &ms))
		return PV_SHUTDOWN_crash;
	for (uint64_t i = 0; i < size; i++)
		buf[i] = (uint8_t)i;
	start = monotonic_ns();
	end = start + ms * MS;
	net_tx_defer(1);
	while (monotonic_ns() < end) {
		for (int k = 0; k < 32; k++) {
			rc = udp_send(dst, 9001, (uint16_t)port, buf, (uint32_t)size);
			if (rc) {
				printk("udpsend: send failed (%d)\n", rc);
				return PV_SHUTDOWN_crash;
			}
			pkts++;
		}
		net_flush();
		net_poll(64);
	}
	net_tx_defer(0);
	report("udpsend", pkts, pkts * size, monotonic_ns() - start);
	return PV_SHUTDOWN_poweroff;
}

struct recv_state {
	uint64_t pkts, bytes, first_ns, last_ns;
};

static void recv_rx(uint32_t src, uint16_t sport, const uint8_t *data, uint32_t len, void *arg)
{
	struct recv_state *st = arg;
	uint64_t now = monotonic_ns();

	(void)src;
	(void)sport;
	(void)data;
	if (!st->pkts)
		st->first_ns = now;
	st->last_ns = now;
	st->pkts++;
	st->bytes += len;
}

/* udprecv port=P ms=T idle_ms=I: count datagrams; report after I ms without
 * one (once some came) or after T ms. */
int app_udprecv_run(const struct app_env *env)
{
	static struct recv_state st;
	uint64_t port, ms, idle, end;

	if (net_need("udprecv") || arg_u64(env, "udprecv", "port", 9000, 65535, &port) ||
	    arg_u64(env, "udprecv", "ms", 60000, 600000, &ms) ||
	    arg_u64(env, "udprecv", "idle_ms", 1000, 60000, &idle))
		return PV_SHUTDOWN_crash;
	udp_bind((uint16_t)port, recv_rx, &st);
	printk("udprecv: ready on %llu\n", (unsigned long long)port);
	end = monotonic_ns() + ms * MS;
	for (;;) {
		uint64_t now = monotonic_ns();

		if (now >= end || (st.pkts && now - st.last_ns > idle * MS))
			break;
		net_wait(st.pkts ? st.last_ns + idle * MS : end);
	}
	report("udprecv", st.pkts, st.bytes, st.last_ns - st.first_ns);
	return st.pkts ? PV_SHUTDOWN_poweroff : PV_SHUTDOWN_crash;
}

struct rtt_state {
	int got;
};

static void rtt_rx(uint32_t src, uint16_t sport, const uint8_t *data, uint32_t len, void *arg)
{
	(void)src;
	(void)sport;
	(void)data;
	(void)len;
	((struct rtt_state *)arg)->got = 1;
}

/* udprtt dst=A port=P count=N size=S: N echo round trips, one at a time. */
int app_udprtt_run(const struct app_env *env)
{
	static uint8_t buf[NET_UDP_MAX];
	static struct rtt_state st;
	uint64_t port, count, size, *rtt, n = 0;
	uint32_t dst;

	if (net_need("udprtt") || arg_ip(env, "udprtt", "dst", &dst) ||
	    arg_u64(env, "udprtt", "port", 7, 65535, &port) ||
	    arg_u64(env, "udprtt", "count", 1000, 100000, &count) ||
	    arg_u64(env, "udprtt", "size", 64, NET_UDP_MAX, &size) || count == 0)
		return PV_SHUTDOWN_crash;
	rtt = mm_alloc_pages((count * 8 + PV_PAGE_SIZE - 1) / PV_PAGE_SIZE);
	if (!rtt || udp_bind(9002, rtt_rx, &st))
		return PV_SHUTDOWN_crash;
	for (uint64_t i = 0; i < count; i++) {
		uint64_t t0 = monotonic_ns(), end = t0 + SEC;

		st.got = 0;
		if (udp_send(dst, 9002, (uint16_t)port, buf, (uint32_t)size))
			continue;
		while (!st.got && monotonic_ns() < end)
			net_wait(end);
		if (st.got)
			rtt[n++] = monotonic_ns() - t0;
	}
	if (!n) {
		printk("udprtt: no replies\n");
		return PV_SHUTDOWN_crash;
	}
	sort_u64(rtt, n);
	printk("udprtt: %llu of %llu replies, size %llu: median %llu ns p99 %llu ns\n",
	       (unsigned long long)n, (unsigned long long)count, (unsigned long long)size,
	       (unsigned long long)sort_percentile_u64(rtt, n, 50),
	       (unsigned long long)sort_percentile_u64(rtt, n, 99));
	return PV_SHUTDOWN_poweroff;
}

/* nethot peer=A rounds=N: N times: wait for a vif to be attached, bring it
 * up, ping A, then wait for the toolstack to unplug it and go down cleanly. */
static int nethot_round(const struct app_env *env, uint32_t peer, uint64_t end)
{
	struct ping_result r;
	char path[48], path_val[96];
	unsigned devid;

	printk("nethot: waiting for a vif\n");
	while (!net_up() && monotonic_ns() < end) {
		if (net_first_vif(&devid) == 0 && net_init(env->cmdline) == 0)
			break;
		timer_sleep_ns(100 * MS);
	}
	if (!net_up() || net_ping(peer, 3, 56, 0, SEC, 0, &r)) {
		printk("nethot: no vif, or the peer does not answer\n");
		return -1;
	}
	printk("nethot: attached, peer answers\n");
	while (netfront_backend_state() < PV_XenbusStateClosing && monotonic_ns() < end)
		net_wait(monotonic_ns() + 100 * MS);
	net_down();
	printk("nethot: detached\n");
	/* the toolstack removes the directory once the backend closed */
	ksnprintf(path, sizeof(path), "device/vif/%u/backend", devid);
	while (xenbus_read(XBT_NIL, path, path_val, sizeof(path_val)) > 0 && monotonic_ns() < end)
		timer_sleep_ns(50 * MS);
	return 0;
}

int app_nethot_run(const struct app_env *env)
{
	uint64_t rounds, end = monotonic_ns() + 120 * SEC;
	uint32_t peer;

	if (arg_ip(env, "nethot", "peer", &peer) ||
	    arg_u64(env, "nethot", "rounds", 1, 100, &rounds))
		return PV_SHUTDOWN_crash;
	for (uint64_t i = 0; i < rounds; i++)
		if (nethot_round(env, peer, end))
			return PV_SHUTDOWN_crash;
	return PV_SHUTDOWN_poweroff;
}
