/* The vif spec of xl.cfg (`vif = [ 'mac=...,bridge=...,rate=10Mb/s' ]`) and of
 * `pvx network-attach`: parse, validate and fill in the defaults. */
#ifndef PVX_VIFSPEC_H
#define PVX_VIFSPEC_H

#include <stddef.h>
#include <stdint.h>

#include "libpvx/pvx_err.h"
#include "netaddr.h" /* MACs, interface names, the bridge and MTU defaults */

#define VIFSPEC_IP_MAX              127    /* ip= text */
#define VIFSPEC_INTERVAL_DEFAULT_US 50000u /* Xen's rate interval when none given */
#define VIFSPEC_SCRIPT_MAX          255
#define VIFSPEC_SCRIPT_DIR          "/etc/xen/scripts" /* where xl finds script=vif-bridge */

struct vif_spec {
	uint8_t mac[6]; /* mac=, else a random 00:16:3e:xx:xx:xx */
	int mac_given;
	char bridge[NETADDR_IFNAME_MAX + 1];  /* switch name; bridge= or netdev= */
	char vifname[NETADDR_IFNAME_MAX + 1]; /* "" = default vif<domid>.<devid> */
	char ip[VIFSPEC_IP_MAX + 1];          /* space-separated IPv4 addresses, or "" */
	int devid;                            /* devid=, else -1 (next free) */
	unsigned mtu;
	uint64_t rate_bytes;                 /* credit per interval; 0 = no limit */
	uint32_t rate_usecs;                 /* interval, 0 when there is no limit */
	int trusted;                         /* 1 = trusted (default), 0 = untrusted */
	char script[VIFSPEC_SCRIPT_MAX + 1]; /* script=: a hotplug script to run (an
				 * absolute path; a bare name is in VIFSPEC_SCRIPT_DIR), or "" */
	char *text; /* the spec as written in a config (domcfg owns it), or NULL */
};

/* Parse one spec: comma-separated key=value items (all optional) as xl reads
 * them. Keys xl knows that pvisor does not use (model, type=ioemu, gatewaydev,
 * accel, forwarddev, ...) and unknown keys produce one warning each through
 * warn(ctx, "vif: ...") (warn may be NULL). Returns 0, -EINVAL
 * with "vif: <item>: <what>" in err, or -EIO when no random MAC could be
 * made (vs->text is left NULL). */
int vifspec_parse(const char *spec, struct vif_spec *vs, void (*warn)(void *ctx, const char *msg),
		  void *ctx, struct pvx_err *err);

/* Xen's rate syntax "RATE/s[@INTERVAL]": RATE an integer with an optional K, M
 * or G (powers of 1000) then B (bytes) or b (bits); INTERVAL an integer with
 * us, ms or s (default 50ms). The credit is rate * interval, in bytes per
 * interval ("1MB/s@20ms" = 20000 bytes per 20000 us). 0 or -EINVAL (bad
 * syntax, zero credit, overflow). */
int vifspec_parse_rate(const char *s, uint64_t *bytes, uint32_t *usecs);
/* A random locally chosen Xen address: 00:16:3e and three random bytes, the
 * top bit of the fourth clear as xl does. 0 or -EIO. */
int vifspec_random_mac(uint8_t mac[6]);

#endif
