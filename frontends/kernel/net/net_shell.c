/* Shell commands of the network stack: ifconfig, ping, arp. */
#include <pvisor/errno.h>

#include "apps/shell_cmd.h"
#include "kernel/netfront.h"
#include "kernel/printk.h"
#include "lib/cmdline.h"
#include "net/net.h"

static int net_need_up(const char *cmd)
{
	if (net_up())
		return 0;
	printk("%s: the network is down (boot with ip=ADDR[/PREFIX] and a vif)\n", cmd);
	return 1;
}

static int cmd_ifconfig(int argc, char **argv)
{
	struct netfront_stats st;
	uint8_t mac[6];
	char a[16];

	(void)argc;
	if (net_need_up(argv[0]))
		return 1;
	net_mac(mac);
	net_format_ip(net_addr(), a);
	netfront_get_stats(&st);
	printk("eth0: inet %s/%u ether %02x:%02x:%02x:%02x:%02x:%02x mtu %d\n", a, net_prefix(),
	       mac[0], mac[1], mac[2], mac[3], mac[4], mac[5], NETFRONT_MTU);
	printk("eth0: rx %llu packets %llu bytes %llu errors\n", (unsigned long long)st.rx_frames,
	       (unsigned long long)st.rx_bytes, (unsigned long long)st.rx_errors);
	printk("eth0: tx %llu packets %llu bytes %llu errors\n", (unsigned long long)st.tx_frames,
	       (unsigned long long)st.tx_bytes, (unsigned long long)st.tx_errors);
	return 0;
}
SHELL_COMMAND("ifconfig", cmd_ifconfig, "ifconfig: the vif's address, MAC and counters");

static int cmd_ping(int argc, char **argv)
{
	struct ping_result r;
	uint64_t count = 4;
	uint32_t dst;

	if (net_need_up(argv[0]))
		return 1;
	if (argc < 2 || net_parse_ip(argv[1], &dst, NULL) ||
	    (argc > 2 && (cmdline_parse_u64(argv[2], &count) || count == 0 || count > 1000))) {
		printk("usage: ping ADDR [COUNT]\n");
		return 1;
	}
	net_ping(dst, (unsigned)count, 56, 1000000000ull, 1000000000ull, 1, &r);
	printk("ping: %u sent, %u received\n", r.sent, r.received);
	return r.received ? 0 : 1;
}
SHELL_COMMAND("ping", cmd_ping, "ping ADDR [COUNT]: ICMP echo, one a second (4)");

static int cmd_arp(int argc, char **argv)
{
	(void)argc;
	if (net_need_up(argv[0]))
		return 1;
	arp_print();
	return 0;
}
SHELL_COMMAND("arp", cmd_arp, "arp: the ARP cache");
