/* Network names and addresses shared by the toolstack (vif specs) and netback:
 * MAC addresses in their text form, interface and switch names, and the vif
 * defaults both sides must agree on. */
#ifndef PV_COMMON_NETADDR_H
#define PV_COMMON_NETADDR_H

#include <stdint.h>

#define NETADDR_IFNAME_MAX     15       /* Linux IFNAMSIZ - 1: bridges and vifnames */
#define NETADDR_BRIDGE_DEFAULT "xenbr0" /* a vif's switch when none is named (Xen's) */
#define NETADDR_MTU_DEFAULT    1500
#define NETADDR_MTU_MIN        68
#define NETADDR_MTU_MAX        65535

/* "xx:xx:xx:xx:xx:xx" (hex, either case). Multicast addresses are refused: no NIC
 * may use one as its own. 0 or -EINVAL (mac untouched). */
int netaddr_mac_parse(const char *s, uint8_t mac[6]);
/* "00:16:3e:01:02:03" */
void netaddr_mac_format(const uint8_t mac[6], char out[18]);
/* 1 when s is a usable interface or switch name (1..15 of [A-Za-z0-9_.-]). */
int netaddr_ifname_ok(const char *s);

#endif
