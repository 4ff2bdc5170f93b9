/* evtchn_peer: the dom0 side of the evtping app (frontends/kernel/apps).
 *   evtchn_peer pair DOMID_A DOMID_B [rounds=N] [mode=block|poll]
 *     allocate an unbound port in A for B, make A listen on it and B connect to it;
 *   evtchn_peer dom0 DOMID [rounds=N] [mode=block|poll]
 *     make the guest listen on a port for dom0, connect to it from an event-channel
 *     handle here and time the round trips:
 *     "evtchn_peer: N round trips (MODE): median X ns, p99 Y ns, min Z ns".
 * Each guest announces its mailbox page with console_io ("evtping: mailbox gfn=0x..."),
 * which lands in the hypervisor log (`pvx dmesg`): read from there. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "dmesg_wait.h"
#include "libpvctrl/pvctrl.h"
#include "util.h"
#include "pvisor/event_channel.h"
#include "../../frontends/kernel/apps/evtping_mailbox.h"

static uint32_t rounds = 1000, mode = EVTPING_BLOCK;

/* The mailbox gfn the guest announced with console_io, from the hypervisor log,
 * waiting up to 10 s for the line. */
static int find_mailbox(struct pvctrl *h, pv_domid_t dom, uint64_t *gfn)
{
	static const char key[] = "evtping: mailbox gfn=0x";
	char line[256];
	int rc = dmesg_wait_line(h, dom, key, 0, 10000, line, sizeof(line));

	if (rc == 0)
		*gfn = strtoull(strstr(line, key) + strlen(key), NULL, 16);
	return rc;
}

static int post(struct pvctrl *h, pv_domid_t dom, uint32_t role, uint32_t peer, uint32_t port)
{
	struct pv_privcmd_memory mi;
	struct evtping_mailbox *mb;
	uint64_t gfn = 0;
	void *mem;
	int rc = find_mailbox(h, dom, &gfn);

	if (rc < 0) {
		fprintf(stderr,
			"evtchn_peer: dom%u: no evtping mailbox in the hypervisor log: %s\n", dom,
			strerror(-rc));
		return rc;
	}
	rc = pvctrl_map_foreign(h, dom, &mem, &mi);
	if (rc < 0)
		return rc;
	if (gfn >= mi.ram_bytes / 4096) {
		munmap(mem, mi.size);
		return -EINVAL;
	}
	mb = (struct evtping_mailbox *)((uint8_t *)mem + gfn * 4096);
	mb->role = role;
	mb->peer_dom = peer;
	mb->port = port;
	mb->rounds = rounds;
	mb->mode = mode;
	__atomic_store_n(&mb->magic, EVTPING_MAGIC, __ATOMIC_SEQ_CST);
	munmap(mem, mi.size);
	return 0;
}

static int cmd_pair(struct pvctrl *h, pv_domid_t a, pv_domid_t b)
{
	int port = pvctrl_evtchn_alloc_unbound(h, a, b);

	if (port < 0) {
		fprintf(stderr, "evtchn_peer: alloc_unbound in dom%u: %s\n", a, strerror(-port));
		return 1;
	}
	if (post(h, a, EVTPING_LISTEN, b, (uint32_t)port) < 0 ||
	    post(h, b, EVTPING_CONNECT, a, (uint32_t)port) < 0)
		return 1;
	printf("evtchn_peer: dom%u port %d <-> dom%u\n", a, port, b);
	return 0;
}

static int wait_port(struct pvctrl_evtchn *x)
{
	int port;

	if (mode == EVTPING_BLOCK)
		return pvctrl_evtchn_wait(x, 5000);
	while ((port = pvctrl_evtchn_pending(x)) == -EAGAIN)
		__asm__ volatile("pause");
	return port;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int cmd_dom0(struct pvctrl *h, pv_domid_t dom)
{
	struct pvctrl_evtchn *x;
	uint64_t *rtt = calloc(rounds, sizeof(*rtt));
	int gport = pvctrl_evtchn_alloc_unbound(h, dom, 0), lport, rc;

	if (!rtt || gport < 0 || (rc = pvctrl_evtchn_open(&x)) < 0) {
		fprintf(stderr, "evtchn_peer: set-up failed\n");
		return 1;
	}
	if (post(h, dom, EVTPING_LISTEN, 0, (uint32_t)gport) < 0)
		return 1;
	lport = pvctrl_evtchn_bind_interdomain(x, dom, (uint32_t)gport);
	if (lport < 0) {
		fprintf(stderr, "evtchn_peer: bind to dom%u port %d: %s\n", dom, gport,
			strerror(-lport));
		return 1;
	}
	/* the bind raises our port once: not a pong */
	if (pvctrl_evtchn_pending(x) == lport)
		pvctrl_evtchn_unmask(x, (uint32_t)lport);
	for (uint32_t i = 0; i < rounds; i++) {
		uint64_t t0 = util_now_ns();

		if ((rc = pvctrl_evtchn_notify(x, (uint32_t)lport)) < 0 ||
		    (rc = wait_port(x)) < 0) {
			fprintf(stderr, "evtchn_peer: round %u: %s\n", i, strerror(-rc));
			return 1;
		}
		rtt[i] = util_now_ns() - t0;
		pvctrl_evtchn_unmask(x, (uint32_t)rc);
	}
	qsort(rtt, rounds, sizeof(*rtt), cmp_u64);
	printf("evtchn_peer: %u round trips (%s): median %llu ns, p99 %llu ns, min %llu ns\n",
	       rounds, mode == EVTPING_POLL ? "poll" : "block",
	       (unsigned long long)rtt[rounds / 2],
	       (unsigned long long)rtt[(uint64_t)rounds * 99 / 100], (unsigned long long)rtt[0]);
	pvctrl_evtchn_close(x);
	free(rtt);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: evtchn_peer pair DOMID_A DOMID_B [rounds=N] [mode=block|poll]\n"
			"       evtchn_peer dom0 DOMID [rounds=N] [mode=block|poll]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct pvctrl *h;
	int nids = 0, rc;
	pv_domid_t ids[2];

	if (argc < 3)
		usage();
	for (int i = 2; i < argc; i++) {
		if (strncmp(argv[i], "rounds=", 7) == 0)
			rounds = (uint32_t)strtoul(argv[i] + 7, NULL, 10);
		else if (strcmp(argv[i], "mode=poll") == 0)
			mode = EVTPING_POLL;
		else if (strcmp(argv[i], "mode=block") == 0)
			mode = EVTPING_BLOCK;
		else if (nids < 2)
			ids[nids++] = (pv_domid_t)strtoul(argv[i], NULL, 10);
		else
			usage();
	}
	if (rounds == 0 || rounds > 100000)
		usage();
	if ((rc = pvctrl_open(&h)) < 0) {
		fprintf(stderr, "evtchn_peer: cannot reach pvisor: %s\n", strerror(-rc));
		return 1;
	}
	if (strcmp(argv[1], "pair") == 0 && nids == 2)
		rc = cmd_pair(h, ids[0], ids[1]);
	else if (strcmp(argv[1], "dom0") == 0 && nids == 1)
		rc = cmd_dom0(h, ids[0]);
	else
		usage();
	pvctrl_close(h);
	return rc;
}
