/* netback: a vif's way out to the host -- a TAP device (named like the vif) on
 * a Linux bridge (named by bridge=), made with ioctls. Root only. */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "netback/netback.h"

int nb_tap_available(void)
{
	return geteuid() == 0 && access("/dev/net/tun", R_OK | W_OK) == 0;
}

static int if_ioctl(int s, unsigned long req, struct ifreq *ifr)
{
	return ioctl(s, req, ifr) < 0 ? -errno : 0;
}

/* Bring name up (and set its MTU when mtu != 0). */
static int if_up(int s, const char *name, unsigned mtu)
{
	struct ifreq ifr;
	int rc;

	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
	if (mtu) {
		ifr.ifr_mtu = (int)mtu;
		if_ioctl(s, SIOCSIFMTU, &ifr); /* a bridge may refuse; not fatal */
	}
	rc = if_ioctl(s, SIOCGIFFLAGS, &ifr);
	if (rc)
		return rc;
	ifr.ifr_flags |= IFF_UP;
	return if_ioctl(s, SIOCSIFFLAGS, &ifr);
}

static int bridge_add_port(int s, const char *bridge, const char *ifname)
{
	struct ifreq ifr;
	char br[IFNAMSIZ];
	int rc;

	memset(br, 0, sizeof(br));
	strncpy(br, bridge, IFNAMSIZ - 1);
	if (ioctl(s, SIOCBRADDBR, br) < 0 && errno != EEXIST)
		return -errno;
	rc = if_up(s, bridge, 0);
	if (rc)
		return rc;
	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, bridge, IFNAMSIZ - 1);
	ifr.ifr_ifindex = (int)if_nametoindex(ifname);
	if (!ifr.ifr_ifindex)
		return -ENODEV;
	return if_ioctl(s, SIOCBRADDIF, &ifr);
}

int nb_tap_open(const char *ifname, const char *bridge, unsigned mtu)
{
	struct ifreq ifr;
	int fd, s, rc;

	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	rc = if_ioctl(fd, TUNSETIFF, &ifr);
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (!rc && s < 0)
		rc = -errno;
	if (!rc)
		rc = if_up(s, ifname, mtu);
	if (!rc)
		rc = bridge_add_port(s, bridge, ifname);
	if (s >= 0)
		close(s);
	if (rc) {
		log_warnx("netback: TAP %s on bridge %s: %s", ifname, bridge, strerror(-rc));
		close(fd);
		return rc;
	}
	return fd;
}

void nb_tap_close(int fd, const char *ifname, const char *bridge)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s >= 0) {
		memset(&ifr, 0, sizeof(ifr));
		strncpy(ifr.ifr_name, bridge, IFNAMSIZ - 1);
		ifr.ifr_ifindex = (int)if_nametoindex(ifname);
		if (ifr.ifr_ifindex)
			ioctl(s, SIOCBRDELIF, &ifr);
		close(s);
	}
	close(fd); /* the TAP goes with its last descriptor */
}
