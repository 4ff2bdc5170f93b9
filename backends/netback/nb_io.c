/* netback's data path: the packet pool in the grant-copy buffer, the tx path
 * (validate, copy in, rate limit, hand to the uplink) and the rx path (queue per
 * vif, copy out into posted rx pages). See netback.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "log.h"
#include "netback/nb_csum.h"
#include "netback/nb_rx.h"
#include "netback/netback.h"
#include "util.h"

struct nb_switches nb_switches;
int nb_use_tap;

static struct {
	struct xbe *be;
	struct pvctrl *h;
	uint8_t *base; /* the copy buffer */
	uint16_t refs[NB_POOL_SLOTS];
	uint16_t free[NB_POOL_SLOTS];
	unsigned nfree;
	int kick_fd, timer_fd;
	uint64_t timer_at;
	struct nb_vif *dirty; /* vifs with packets queued in this round */
} io;

/* ---- the pool ---- */

static int pool_get(void)
{
	if (!io.nfree)
		return -1;
	int s = io.free[--io.nfree];

	io.refs[s] = 1;
	return s;
}

static void pool_put(unsigned s)
{
	if (--io.refs[s] == 0)
		io.free[io.nfree++] = (uint16_t)s;
}

static uint8_t *pool_data(unsigned s)
{
	return io.base + (size_t)s * NB_SLOT_BYTES;
}

static unsigned pool_slot_of(const uint8_t *p)
{
	return (unsigned)((size_t)(p - io.base) / NB_SLOT_BYTES);
}

/* ---- rx: queue per vif ---- */

static void rxq_push(struct nb_vif *v, unsigned slot, uint32_t len)
{
	unsigned i;

	if (!v->connected || v->rxq_count == NB_RXQ_MAX) {
		v->rx_drops++;
		return;
	}
	i = (v->rxq_head + v->rxq_count) % NB_RXQ_MAX;
	v->rxq_slot[i] = (uint16_t)slot;
	v->rxq_len[i] = (uint16_t)len;
	v->rxq_count++;
	io.refs[slot]++;
	if (!v->dirty) {
		v->dirty = 1;
		v->next_dirty = io.dirty;
		io.dirty = v;
	}
}

static void rxq_pop(struct nb_vif *v)
{
	pool_put(v->rxq_slot[v->rxq_head]);
	v->rxq_head = (v->rxq_head + 1) % NB_RXQ_MAX;
	v->rxq_count--;
}

void nb_io_vif_flush(struct nb_vif *v)
{
	while (v->rxq_count)
		rxq_pop(v);
}

static void switch_deliver(struct nb_port *p, const uint8_t *frame, uint32_t len)
{
	rxq_push(p->priv, pool_slot_of(frame), len);
}

const struct nb_port_ops nb_vif_port_ops = { switch_deliver };

static void notify(struct nb_vif *v, uint32_t port)
{
	int rc = xbe_evtchn_notify(v->d, port);

	if (rc < 0)
		xbe_warnx(v->d, "notify port %u: %s", port, strerror(-rc));
}

/* The requests a len-byte packet needs (at most NB_RX_MAX_SLOTS), copied out of
 * the ring; returns how many were there. */
static unsigned rx_requests(struct nb_queue *q, struct pv_netif_rx_request *reqs, uint32_t len)
{
	unsigned avail = PV_RING_NR_UNCONSUMED_REQUESTS(&q->rx), n;
	unsigned need = len > 4096 ? (len + 4095) / 4096 : 1;

	if (need > NB_RX_MAX_SLOTS)
		need = NB_RX_MAX_SLOTS;
	n = avail < need ? avail : need;
	for (unsigned i = 0; i < n; i++)
		PV_RING_COPY_REQUEST(&q->rx, q->rx.req_cons + i, &reqs[i]);
	return n;
}

#define NB_RX_BATCH 32
static struct nb_rx_plan rx_plans[NB_RX_BATCH];
static struct pv_gnttab_copy rx_ops[NB_RX_BATCH * NB_RX_MAX_OPS];

/* Copy locally when the frontend's page is persistently mapped; 1 if done. */
static int rx_local(struct nb_vif *v, struct pv_gnttab_copy *op)
{
	uint8_t *dst;

	if (!v->persistent)
		return 0;
	dst = nb_pmap_get(&v->pmap, io.h, (uint16_t)v->d->domid, op->dest.u.ref, 1);
	if (!dst)
		return 0;
	memcpy(dst + op->dest.offset, io.base + op->source.u.gmfn * 4096u + op->source.offset,
	       op->len);
	op->status = PV_GNTST_okay;
	return 1;
}

static uint16_t rx_op_index[NB_RX_BATCH * NB_RX_MAX_OPS];

static void rx_publish(struct nb_vif *v, struct nb_queue *q, unsigned nplans)
{
	unsigned nops = 0;
	int notify_needed;

	for (unsigned i = 0; i < nplans; i++) {
		for (unsigned k = 0; k < rx_plans[i].nops; k++) {
			if (rx_local(v, &rx_plans[i].ops[k]))
				continue;
			rx_ops[nops] = rx_plans[i].ops[k];
			rx_op_index[nops++] = (uint16_t)(i * NB_RX_MAX_OPS + k);
		}
	}
	if (nops && pvctrl_gnttab_copy(io.h, rx_ops, nops) < 0)
		for (unsigned i = 0; i < nops; i++)
			rx_ops[i].status = PV_GNTST_general_error;
	for (unsigned i = 0; i < nops; i++)
		rx_plans[rx_op_index[i] / NB_RX_MAX_OPS]
			.ops[rx_op_index[i] % NB_RX_MAX_OPS]
			.status = rx_ops[i].status;
	for (unsigned i = 0; i < nplans; i++) {
		struct nb_rx_plan *pl = &rx_plans[i];

		if (nb_rx_plan_finish(pl))
			xbe_warnx(v->d, "rx copy into the guest failed (bad rx grant)");
		for (unsigned s = 0; s < pl->nslots; s++)
			*PV_RING_GET_RESPONSE(&q->rx, q->rx.rsp_prod_pvt++) = pl->rsp[s];
	}
	PV_RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&q->rx, notify_needed);
	if (notify_needed)
		notify(v, q->port_rx);
}

void nb_io_rx(struct nb_vif *v)
{
	struct pv_netif_rx_request reqs[NB_RX_MAX_SLOTS];
	struct nb_queue *q = NULL;
	unsigned nplans = 0;

	while (v->connected && v->rxq_count) {
		unsigned slot = v->rxq_slot[v->rxq_head], len = v->rxq_len[v->rxq_head];
		struct nb_queue *pq = &v->q[nb_rx_queue_of(pool_data(slot), len, v->nq)];
		unsigned n;
		int rc, more;

		if (pq != q && nplans) { /* a batch goes to one queue */
			rx_publish(v, q, nplans);
			nplans = 0;
		}
		q = pq;
		n = rx_requests(q, reqs, len);
		rc = nb_rx_plan_make(&rx_plans[nplans], reqs, n, len,
				     (uint64_t)slot * NB_SLOT_PAGES, 0, (pv_domid_t)v->d->domid,
				     v->lim.nr_grefs, v->fe_sg);
		if (rc == 0) {
			/* no rx pages posted: ask for a notification and look again */
			PV_RING_FINAL_CHECK_FOR_REQUESTS(&q->rx, more);
			if (!more)
				break;
			continue;
		}
		if (rc > 0) {
			q->rx.req_cons += rx_plans[nplans].nslots;
			v->rx_reqs += rx_plans[nplans].nslots;
			v->rx_pkts++;
			v->rx_bytes += len;
			nplans++;
		} else {
			v->rx_drops++;
		}
		rxq_pop(v); /* the copy reads the page before the slot is reused */
		if (nplans == NB_RX_BATCH) {
			rx_publish(v, q, nplans);
			nplans = 0;
		}
	}
	if (nplans)
		rx_publish(v, q, nplans);
}

static void rx_flush_dirty(void)
{
	while (io.dirty) {
		struct nb_vif *v = io.dirty;

		io.dirty = v->next_dirty;
		v->dirty = 0;
		nb_io_rx(v);
	}
}

/* ---- tx ---- */

struct tx_item {
	unsigned slot;
	struct nb_tx_packet pkt;
	unsigned first_op, nops;
};

static struct tx_item tx_items[NB_TX_BATCH];
static struct pv_gnttab_copy tx_ops[NB_TX_BATCH * (NB_TX_MAX_FRAGS + 2)];

static void tx_respond(struct nb_queue *q, const struct nb_tx_packet *pkt, int16_t status)
{
	struct pv_netif_tx_response rsp[NB_TX_MAX_SLOTS];

	nb_tx_responses(pkt, status, rsp);
	for (unsigned k = 0; k < pkt->nslots; k++)
		*PV_RING_GET_RESPONSE(&q->tx, q->tx.rsp_prod_pvt++) = rsp[k];
}

/* Copies for one good packet into its pool slot (split at the slot's page
 * boundary). Returns the number of ops added. */
static unsigned tx_plan(struct nb_vif *v, const struct nb_tx_packet *pkt, unsigned slot,
			struct pv_gnttab_copy *ops)
{
	uint32_t pos = 0;
	unsigned n = 0;

	for (unsigned f = 0; f < pkt->nfrags; f++) {
		uint32_t done = 0, len = pkt->frags[f].len;

		uint8_t *src = v->persistent ? nb_pmap_get(&v->pmap, io.h, (uint16_t)v->d->domid,
							   pkt->frags[f].gref, 0)
					     : NULL;

		if (src) { /* offsets were checked: the fragment is within its page */
			memcpy(pool_data(slot) + pos, src + pkt->frags[f].offset, len);
			pos += len;
			continue;
		}
		while (done < len) {
			uint32_t at = pos + done, doff = at % 4096u, chunk = 4096u - doff;
			struct pv_gnttab_copy *op = &ops[n++];

			if (chunk > len - done)
				chunk = len - done;
			memset(op, 0, sizeof(*op));
			op->source.u.ref = pkt->frags[f].gref;
			op->source.domid = (pv_domid_t)v->d->domid;
			op->source.offset = (uint16_t)(pkt->frags[f].offset + done);
			op->dest.u.gmfn = (uint64_t)slot * NB_SLOT_PAGES + at / 4096u;
			op->dest.domid = PV_DOMID_SELF;
			op->dest.offset = (uint16_t)doff;
			op->len = (uint16_t)chunk;
			op->flags = PV_GNTCOPY_source_gref;
			done += chunk;
		}
		pos += len;
	}
	return n;
}

static void tx_uplink(struct nb_vif *v, unsigned slot, uint32_t len, uint64_t now)
{
	v->tx_pkts++;
	v->tx_bytes += len;
	if (v->tap_fd >= 0) {
		if (write(v->tap_fd, pool_data(slot), len) < 0 && errno != EAGAIN)
			xbe_warnx(v->d, "write to %s: %s", v->ifname, strerror(errno));
		return;
	}
	nb_switch_input(&v->port, pool_data(slot), len, now);
}

static void timer_arm(uint64_t at_ns)
{
	struct itimerspec its = { 0 };

	if (io.timer_at && io.timer_at <= at_ns)
		return;
	io.timer_at = at_ns;
	its.it_value.tv_sec = (time_t)(at_ns / 1000000000ull);
	its.it_value.tv_nsec = (long)(at_ns % 1000000000ull);
	timerfd_settime(io.timer_fd, TFD_TIMER_ABSTIME, &its, NULL);
}

static void kick(void)
{
	uint64_t one = 1;

	if (write(io.kick_fd, &one, sizeof(one)) < 0)
		log_warn("netback: kick");
}

/* Take packets off the ring into tx_items until the batch is full, the ring is
 * empty, a chain is incomplete, the rate limit or the pool says stop. */
static unsigned tx_gather(struct nb_queue *q, unsigned *nops, uint64_t now)
{
	struct nb_vif *v = q->vif;
	struct pv_netif_tx_request slots[NB_TX_MAX_SLOTS];
	unsigned n = 0;

	while (n < NB_TX_BATCH) {
		unsigned avail = PV_RING_NR_UNCONSUMED_REQUESTS(&q->tx), take, used;
		struct tx_item *it = &tx_items[n];
		uint64_t retry;
		int slot;

		if (!avail)
			break;
		/* most packets are one slot: copy a few, the whole chain only if needed */
		take = avail < 4 ? avail : 4;
		for (unsigned i = 0; i < take; i++)
			PV_RING_COPY_REQUEST(&q->tx, q->tx.req_cons + i, &slots[i]);
		used = nb_tx_parse(slots, take, &v->lim, &it->pkt);
		if (used == 0 && take < avail) {
			unsigned all = avail < NB_TX_MAX_SLOTS ? avail : NB_TX_MAX_SLOTS;

			for (unsigned i = take; i < all; i++)
				PV_RING_COPY_REQUEST(&q->tx, q->tx.req_cons + i, &slots[i]);
			used = nb_tx_parse(slots, all, &v->lim, &it->pkt);
		}
		if (used == 0)
			break; /* the rest of the chain is not published yet */
		if (it->pkt.verdict != NB_TX_OK) {
			xbe_warnx(v->d, "tx: %s: %u slots dropped", it->pkt.why, used);
			v->tx_errors++;
			tx_respond(q, &it->pkt, PV_NETIF_RSP_ERROR);
			q->tx.req_cons += used;
			v->tx_reqs += used;
			if (it->pkt.verdict == NB_TX_FATAL) {
				xbe_warnx(v->d,
					  "tx: the frontend broke the protocol; its tx ring is "
					  "no longer served");
				q->tx_dead = 1;
				break;
			}
			continue;
		}
		if (!nb_rate_take(&v->rate, it->pkt.len, now, &retry)) {
			v->rate_retry_ns = retry;
			timer_arm(retry);
			break;
		}
		if ((slot = pool_get()) < 0) {
			q->tx_more = 1; /* the pool drains as guests take their rx */
			break;
		}
		it->slot = (unsigned)slot;
		it->first_op = *nops;
		it->nops = tx_plan(v, &it->pkt, it->slot, &tx_ops[*nops]);
		*nops += it->nops;
		q->tx.req_cons += used;
		v->tx_reqs += used;
		n++;
	}
	return n;
}

static int tx_round(struct nb_queue *q)
{
	struct nb_vif *v = q->vif;
	uint64_t now = util_now_ns();
	unsigned nops = 0, n = tx_gather(q, &nops, now);
	int notify_needed;

	if (nops && pvctrl_gnttab_copy(io.h, tx_ops, nops) < 0)
		for (unsigned i = 0; i < nops; i++)
			tx_ops[i].status = PV_GNTST_general_error;
	for (unsigned i = 0; i < n; i++) {
		struct tx_item *it = &tx_items[i];
		int ok = 1;

		for (unsigned k = 0; k < it->nops; k++)
			ok &= tx_ops[it->first_op + k].status == PV_GNTST_okay;
		if (ok && (it->pkt.flags & PV_NETTXF_csum_blank) &&
		    nb_csum_fill(pool_data(it->slot), it->pkt.len) < 0) {
			xbe_warnx(v->d, "tx: csum_blank packet with broken headers dropped");
			ok = 0;
		}
		tx_respond(q, &it->pkt, ok ? PV_NETIF_RSP_OKAY : PV_NETIF_RSP_ERROR);
		if (ok) {
			tx_uplink(v, it->slot, it->pkt.len, now);
		} else {
			v->tx_errors++;
			xbe_warnx(v->d, "tx: grant copy from the guest failed (status %d)",
				  tx_ops[it->first_op].status);
		}
		pool_put(it->slot);
	}
	PV_RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&q->tx, notify_needed);
	if (notify_needed)
		notify(v, q->port_tx);
	return (int)n;
}

void nb_io_tx(struct nb_queue *q)
{
	struct nb_vif *v = q->vif;
	unsigned rounds = 0;
	int more;

	q->tx_more = 0;
	if (!v->connected || q->tx_dead || (v->rate_retry_ns && util_now_ns() < v->rate_retry_ns))
		return;
	v->rate_retry_ns = 0;
	for (;;) {
		int n = tx_round(q);

		rx_flush_dirty();
		if (q->tx_dead || v->rate_retry_ns || q->tx_more)
			break;
		if (n == 0) {
			/* Requests published after the last look would not notify us:
			 * the event index is only moved on when nothing is left. */
			PV_RING_FINAL_CHECK_FOR_REQUESTS(&q->tx, more);
			if (!more)
				break;
		}
		if (++rounds == 16) { /* let other vifs in: come back through the loop */
			q->tx_more = 1;
			break;
		}
	}
	if (q->tx_more)
		kick();
}

/* ---- the loop's descriptors ---- */

static void for_each_vif(void (*fn)(struct nb_vif *v))
{
	for (struct nb_vif *v = nb_vifs, *next; v; v = next) {
		next = v->next;
		fn(v);
	}
}

static void vif_more(struct nb_vif *v)
{
	for (unsigned i = 0; i < v->nq; i++)
		if (v->q[i].tx_more)
			nb_io_tx(&v->q[i]);
	if (v->rxq_count)
		nb_io_rx(v);
}

static void on_kick(int fd, void *arg)
{
	uint64_t n;

	(void)arg;
	if (read(fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		log_warn("netback: kick read");
	for_each_vif(vif_more);
}

static void vif_rate_due(struct nb_vif *v)
{
	if (v->rate_retry_ns && v->rate_retry_ns <= util_now_ns() + 1000) {
		v->rate_retry_ns = 0;
		for (unsigned i = 0; i < v->nq; i++)
			nb_io_tx(&v->q[i]);
	} else if (v->rate_retry_ns) {
		timer_arm(v->rate_retry_ns);
	}
}

static void on_timer(int fd, void *arg)
{
	uint64_t n;

	(void)arg;
	if (read(fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		log_warn("netback: timer read");
	io.timer_at = 0;
	for_each_vif(vif_rate_due);
}

static void tap_read_one(struct nb_vif *v)
{
	int slot = pool_get();
	ssize_t n;

	if (slot < 0)
		return;
	n = read(v->tap_fd, pool_data((unsigned)slot), NB_SLOT_BYTES);
	if (n >= 14)
		rxq_push(v, (unsigned)slot, (uint32_t)n);
	pool_put((unsigned)slot);
}

void nb_io_from_tap(struct nb_vif *v)
{
	for (int i = 0; i < 64 && v->tap_fd >= 0; i++) {
		unsigned before = v->rxq_count + (unsigned)v->rx_drops;

		tap_read_one(v);
		if (v->rxq_count + (unsigned)v->rx_drops == before)
			break; /* nothing (more) to read */
	}
	rx_flush_dirty();
}

int nb_io_init(struct xbe *be, char *err, size_t errlen)
{
	void *addr;
	int rc;

	io.be = be;
	io.h = xbe_pvctrl(be);
	rc = pvctrl_gnttab_buffer(io.h, (uint64_t)NB_POOL_SLOTS * NB_SLOT_PAGES, &addr);
	if (rc < 0) {
		snprintf(err, errlen, "cannot get a grant-copy buffer: %s", strerror(-rc));
		return rc;
	}
	io.base = addr;
	for (unsigned i = 0; i < NB_POOL_SLOTS; i++)
		io.free[i] = (uint16_t)(NB_POOL_SLOTS - 1 - i);
	io.nfree = NB_POOL_SLOTS;
	io.kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	io.timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (io.kick_fd < 0 || io.timer_fd < 0 || xbe_fd_add(be, io.kick_fd, on_kick, NULL) < 0 ||
	    xbe_fd_add(be, io.timer_fd, on_timer, NULL) < 0) {
		snprintf(err, errlen, "cannot make the loop's eventfd and timerfd");
		return -EIO;
	}
	return 0;
}
