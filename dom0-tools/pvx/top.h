/* pvx top: what one sample holds (top_sample.c) and its views (cmd_top.c). */
#ifndef PV_PVX_TOP_H
#define PV_PVX_TOP_H

#include <stdint.h>
#include <time.h>

#include "pvx_cli.h"

#define TOP_NO_LIMIT UINT64_MAX

/* One domain: xentop's fields. counters: the traffic fields below are known (the
 * backends' status does not carry them on every build: '-' then, as xentop). */
struct top_dom {
	unsigned domid;
	char name[64];
	char state[7]; /* d s b c p r, '-' where not */
	uint64_t cpu_ns;
	uint64_t mem_kb, maxmem_kb; /* maxmem TOP_NO_LIMIT for Domain-0 */
	unsigned vcpus, nets, vbds;
	int counters;
	uint64_t net_tx, net_rx; /* bytes */
	uint64_t vbd_oo, vbd_rd, vbd_wr, vbd_rsect, vbd_wsect;
};

struct top_sample {
	struct timespec when; /* CLOCK_MONOTONIC: CPU(%) over the interval */
	time_t wall;
	struct pv_sysctl_physinfo pi;
	struct top_dom *doms;
	int n;
};

/* The domains named (all with Domain-0 when argc is 0) now. 0 or -1. */
int top_sample(struct pvctrl *h, struct xs_handle *xs, int argc, char **argv,
	       struct top_sample *s);
void top_sample_free(struct top_sample *s);
/* t's CPU use since prev (its entry there), in percent of one CPU; 0 without one. */
double top_cpu_pct(const struct top_sample *cur, const struct top_sample *prev,
		   const struct top_dom *t);
#endif
