/* netback's xenbus_be ops for "vif": read the toolstack's keys and publish our
 * features (probe), map the frontend's rings and bind its event channels for
 * each queue (connect), and undo both. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "netaddr.h"
#include "netback/netback.h"
#include "util.h"

extern const struct nb_port_ops nb_vif_port_ops;

struct nb_vif *nb_vifs;

static void vif_tap_readable(int fd, void *arg)
{
	(void)fd;
	nb_io_from_tap(arg);
}

/* bridge, mtu, vifname, rate and mac as the toolstack wrote them. */
static int vif_read_keys(struct xbe_device *d, struct nb_vif *v)
{
	char *s;
	uint64_t mtu;
	unsigned long long bytes = 0;
	unsigned long usecs = 0;

	s = xbe_be_read_str(d, "mac", NULL);
	if (!s || netaddr_mac_parse(s, v->mac)) {
		xbe_device_error(d, -EINVAL, "backend mac is missing or not a unicast MAC");
		free(s);
		return -EINVAL;
	}
	free(s);
	s = xbe_be_read_str(d, "bridge", NULL);
	snprintf(v->bridge, sizeof(v->bridge), "%s", s ? s : NETADDR_BRIDGE_DEFAULT);
	if (s && !netaddr_ifname_ok(s)) {
		xbe_device_error(d, -EINVAL, "bridge '%s' is not a usable switch name", s);
		free(s);
		return -EINVAL;
	}
	free(s);
	v->mtu = xbe_be_read_u64(d, "mtu", NETADDR_MTU_MAX, &mtu) == 0 && mtu >= NETADDR_MTU_MIN
			 ? (unsigned)mtu
			 : NETADDR_MTU_DEFAULT;
	s = xbe_be_read_str(d, "vifname", NULL);
	if (s && netaddr_ifname_ok(s))
		snprintf(v->ifname, sizeof(v->ifname), "%s", s);
	else
		snprintf(v->ifname, sizeof(v->ifname), "vif%u.%u", d->domid, d->devid);
	free(s);
	s = xbe_be_read_str(d, "rate", NULL);
	if (s && (sscanf(s, "%llu,%lu", &bytes, &usecs) != 2 || usecs > UINT32_MAX)) {
		xbe_device_error(d, -EINVAL, "rate '%s' is not \"bytes,usecs\"", s);
		free(s);
		return -EINVAL;
	}
	free(s);
	nb_rate_init(&v->rate, bytes, (uint32_t)usecs, util_now_ns());
	return 0;
}

static int vif_probe_keys(struct xbe_device *d)
{
	struct nb_vif *v = calloc(1, sizeof(*v));
	int rc;

	if (!v)
		return -ENOMEM;
	v->d = d;
	v->tap_fd = -1;
	d->priv = v;
	v->next = nb_vifs;
	nb_vifs = v;
	rc = vif_read_keys(d, v);
	if (rc)
		return rc;
	v->lim.nr_grefs = PV_GNTTAB_MAX_FRAMES * (4096 / 8);
	v->lim.max_packet = v->mtu + 18 < NB_SLOT_BYTES ? v->mtu + 18 : NB_SLOT_BYTES;
	v->lim.sg = 1;
	v->port.ops = &nb_vif_port_ops;
	v->port.priv = v;
	if (nb_use_tap) {
		v->tap_fd = nb_tap_open(v->ifname, v->bridge, v->mtu);
		if (v->tap_fd < 0) {
			xbe_device_error(d, v->tap_fd, "cannot make TAP %s on bridge %s",
					 v->ifname, v->bridge);
			return v->tap_fd;
		}
		if (xbe_fd_add(d->be, v->tap_fd, vif_tap_readable, v) < 0)
			return -EIO;
	}
	rc = xbe_printf(d, "feature-sg", "1");
	if (!rc)
		rc = xbe_printf(d, "feature-rx-copy", "1");
	if (!rc)
		rc = xbe_printf(d, "feature-rx-flip", "0");
	if (!rc)
		rc = xbe_printf(d, "feature-split-event-channels", "1");
	if (!rc)
		rc = xbe_printf(d, "multi-queue-max-queues", "%d", NB_MAX_QUEUES);
	if (!rc)
		rc = xbe_printf(d, "feature-persistent", "1");
	return rc;
}

static void vif_remove(struct xbe_device *d);

/* xenbus_be calls remove only for probed devices: undo a failed probe here. */
static int vif_probe(struct xbe_device *d)
{
	int rc = vif_probe_keys(d);

	if (rc)
		vif_remove(d);
	return rc;
}

static int queue_key(char *buf, size_t len, const struct nb_vif *v, unsigned qi, const char *key)
{
	if (v->nq == 1)
		return snprintf(buf, len, "%s", key);
	return snprintf(buf, len, "queue-%u/%s", qi, key);
}

static int queue_bind(struct xbe_device *d, struct nb_vif *v, struct nb_queue *q)
{
	char k[64];
	uint64_t p_tx, p_rx;
	int rc;

	queue_key(k, sizeof(k), v, q->id, "event-channel");
	if (xbe_fe_read_u64(d, k, UINT32_MAX, &p_tx) == 0) {
		p_rx = p_tx;
	} else {
		queue_key(k, sizeof(k), v, q->id, "event-channel-tx");
		rc = xbe_fe_read_u64(d, k, UINT32_MAX, &p_tx);
		queue_key(k, sizeof(k), v, q->id, "event-channel-rx");
		if (rc || xbe_fe_read_u64(d, k, UINT32_MAX, &p_rx)) {
			xbe_device_error(d, -EINVAL, "queue %u: no event-channel key", q->id);
			return -EINVAL;
		}
	}
	rc = xbe_evtchn_bind(d, (uint32_t)p_tx);
	if (rc < 0)
		return rc;
	q->port_tx = q->port_rx = (uint32_t)rc;
	if (p_rx != p_tx) {
		rc = xbe_evtchn_bind(d, (uint32_t)p_rx);
		if (rc < 0)
			return rc;
		q->port_rx = (uint32_t)rc;
	}
	return 0;
}

static int queue_connect(struct xbe_device *d, struct nb_vif *v, struct nb_queue *q)
{
	char k[64];
	int rc;

	queue_key(k, sizeof(k), v, q->id, "tx-ring-ref");
	rc = xbe_ring_map(d, k, &q->tx_page, &q->tx_handle);
	if (rc) {
		xbe_device_error(d, rc, "queue %u: cannot map %s", q->id, k);
		return rc;
	}
	queue_key(k, sizeof(k), v, q->id, "rx-ring-ref");
	rc = xbe_ring_map(d, k, &q->rx_page, &q->rx_handle);
	if (rc) {
		xbe_device_error(d, rc, "queue %u: cannot map %s", q->id, k);
		return rc;
	}
	PV_BACK_RING_INIT(&q->tx, (struct pv_netif_tx_sring *)q->tx_page, 4096);
	PV_BACK_RING_INIT(&q->rx, (struct pv_netif_rx_sring *)q->rx_page, 4096);
	return queue_bind(d, v, q);
}

static int vif_connect(struct xbe_device *d)
{
	struct nb_vif *v = d->priv;
	uint64_t x = 0, nq = 1;
	int rc;

	if (xbe_fe_read_u64(d, "request-rx-copy", 1, &x) || x != 1) {
		xbe_device_error(d, -EOPNOTSUPP,
				 "the frontend must use rx-copy "
				 "(request-rx-copy = 1); page flipping is not supported");
		return -EOPNOTSUPP;
	}
	v->fe_sg = xbe_fe_read_u64(d, "feature-sg", 1, &x) == 0 && x == 1;
	v->persistent = xbe_fe_read_u64(d, "feature-persistent", 1, &x) == 0 && x == 1;
	if (xbe_fe_read_u64(d, "multi-queue-num-queues", NB_MAX_QUEUES, &nq) == -EINVAL ||
	    nq == 0) {
		xbe_device_error(d, -EINVAL, "multi-queue-num-queues must be 1..%d",
				 NB_MAX_QUEUES);
		return -EINVAL;
	}
	v->nq = (unsigned)nq;
	for (unsigned i = 0; i < v->nq; i++) {
		v->q[i].vif = v;
		v->q[i].id = i;
		rc = queue_connect(d, v, &v->q[i]);
		if (rc)
			return rc;
	}
	if (v->tap_fd < 0) {
		struct nb_switch *sw = nb_switch_get(&nb_switches, v->bridge, 1);

		if (!sw)
			return -ENOMEM;
		nb_switch_attach(sw, &v->port);
	}
	v->connected = 1;
	log_info("%s: connected: mac %02x:%02x:%02x:%02x:%02x:%02x on %s %s, %u queue(s)%s%s",
		 d->name, v->mac[0], v->mac[1], v->mac[2], v->mac[3], v->mac[4], v->mac[5],
		 v->tap_fd >= 0 ? "bridge" : "switch", v->bridge, v->nq,
		 v->rate.credit ? ", rate limited" : "",
		 v->persistent ? ", persistent grants" : "");
	return 0;
}

static void vif_disconnect(struct xbe_device *d)
{
	struct nb_vif *v = d->priv;

	if (!v)
		return;
	v->connected = 0;
	nb_switch_detach(&v->port);
	nb_io_vif_flush(v);
	nb_pmap_clear(&v->pmap, xbe_pvctrl(d->be));
	v->persistent = 0;
	for (unsigned i = 0; i < NB_MAX_QUEUES; i++) {
		struct nb_queue *q = &v->q[i];

		if (q->tx_page)
			xbe_ring_unmap(d, q->tx_page, q->tx_handle);
		if (q->rx_page)
			xbe_ring_unmap(d, q->rx_page, q->rx_handle);
		memset(q, 0, sizeof(*q));
	}
	v->nq = 0;
}

static void vif_remove(struct xbe_device *d)
{
	struct nb_vif *v = d->priv;

	if (!v)
		return;
	if (v->tap_fd >= 0) {
		xbe_fd_del(d->be, v->tap_fd);
		nb_tap_close(v->tap_fd, v->ifname, v->bridge);
	}
	for (struct nb_vif **pp = &nb_vifs; *pp; pp = &(*pp)->next) {
		if (*pp == v) {
			*pp = v->next;
			break;
		}
	}
	free(v);
	d->priv = NULL;
}

static void vif_event(struct xbe_device *d, uint32_t port)
{
	struct nb_vif *v = d->priv;

	if (!v || !v->connected)
		return;
	for (unsigned i = 0; i < v->nq; i++) {
		if (v->q[i].port_tx == port || v->q[i].port_rx == port)
			nb_io_tx(&v->q[i]);
	}
	nb_io_rx(v);
}

const struct xbe_ops netback_ops = {
	.type = "vif",
	.probe = vif_probe,
	.connect = vif_connect,
	.disconnect = vif_disconnect,
	.remove = vif_remove,
	.event = vif_event,
};
