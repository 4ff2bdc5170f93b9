/* netbad: a misbehaving network frontend for tests. With peer=A it checks that
 * A answers a ping, then puts malformed tx requests on its ring (oversize and
 * runt packets, grant refs that are reserved, out of range or never granted,
 * offsets past the page, unknown flags, GSO it was not offered, a chain with
 * more fragments than allowed), checks that each was answered with an error
 * and that A still answers; last it sends a chain that never ends, which makes
 * netback stop serving this vif (as Linux's netback does). */
#include <pvisor/errno.h>
#include <pvisor/io/netif.h>
#include <pvisor/sched.h>

#include "apps/app.h"
#include "kernel/netfront.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/time.h"
#include "lib/kstring.h"
#include "net/net.h"

#define SEC    1000000000ull
#define BAD_ID 1000 /* ids the driver does not use */

static unsigned bad_build(struct pv_netif_tx_request *r)
{
	uint32_t ref = netfront_tx_ref(0);
	unsigned n = 0;
	struct pv_netif_extra_info gso = { .type = PV_NETIF_EXTRA_TYPE_GSO };

	r[n++] = (struct pv_netif_tx_request){ ref, 0, 0, BAD_ID + 0, 65535 }; /* oversize */
	r[n++] = (struct pv_netif_tx_request){ ref, 0, 0, BAD_ID + 1, 5 };     /* runt */
	r[n++] = (struct pv_netif_tx_request){ 3, 0, 0, BAD_ID + 2, 60 };      /* reserved */
	r[n++] = (struct pv_netif_tx_request){ 0xfffffff0u, 0, 0, BAD_ID + 3, 60 };
	r[n++] = (struct pv_netif_tx_request){ 30000, 0, 0, BAD_ID + 4, 60 };   /* not granted */
	r[n++] = (struct pv_netif_tx_request){ ref, 4000, 0, BAD_ID + 5, 200 }; /* crosses */
	r[n++] = (struct pv_netif_tx_request){ ref, 0, 0x80, BAD_ID + 6, 60 };  /* flags */
	r[n++] = (struct pv_netif_tx_request){ ref, 0, PV_NETTXF_extra_info, BAD_ID + 7, 60 };
	memcpy(&r[n++], &gso, sizeof(gso));
	for (unsigned i = 0; i < 19; i++) /* one fragment more than a packet may have */
		r[n++] = (struct pv_netif_tx_request){ ref, 0, i < 18 ? PV_NETTXF_more_data : 0,
						       (uint16_t)(BAD_ID + 8 + i), i ? 1 : 60 };
	return n;
}

static int bad_errors_counted(void *arg)
{
	struct netfront_stats st;

	net_poll(64);
	netfront_get_stats(&st);
	return st.tx_errors >= *(uint64_t *)arg;
}

int app_netbad_run(const struct app_env *env)
{
	static struct pv_netif_tx_request r[64];
	struct netfront_stats st;
	struct ping_result pr;
	const char *s = cmdline_get(env->cmdline, "peer");
	uint32_t peer;
	uint64_t want;
	unsigned n;

	if (!net_up() || !s || net_parse_ip(s, &peer, NULL)) {
		printk("netbad: needs ip= and a vif, and peer=a.b.c.d\n");
		return PV_SHUTDOWN_crash;
	}
	if (net_ping(peer, 3, 56, 0, SEC, 0, &pr)) {
		printk("netbad: peer does not answer before the attack\n");
		return PV_SHUTDOWN_crash;
	}
	n = bad_build(r);
	netfront_get_stats(&st);
	/* every data slot is answered with an error: all but the GSO extra slot */
	want = st.tx_errors + n - 1;
	if (netfront_send_raw(r, n) != (int)n) {
		printk("netbad: no room on the ring\n");
		return PV_SHUTDOWN_crash;
	}
	if (sched_wait_until(bad_errors_counted, &want, 5 * SEC)) {
		netfront_get_stats(&st);
		printk("netbad: only %llu error responses, wanted %llu\n",
		       (unsigned long long)st.tx_errors, (unsigned long long)want);
		return PV_SHUTDOWN_crash;
	}
	printk("netbad: %u bad requests answered with errors\n", n);
	if (net_ping(peer, 3, 56, 0, SEC, 0, &pr)) {
		printk("netbad: peer does not answer after the attack\n");
		return PV_SHUTDOWN_crash;
	}
	printk("netbad: peer still answers\n");
	for (unsigned i = 0; i < 40; i++) /* a chain that never ends */
		r[i] = (struct pv_netif_tx_request){ netfront_tx_ref(0), 0, PV_NETTXF_more_data,
						     (uint16_t)(BAD_ID + i), 100 };
	netfront_send_raw(r, 40);
	net_run_until(monotonic_ns() + SEC / 2);
	printk("netbad: done\n");
	return PV_SHUTDOWN_poweroff;
}
