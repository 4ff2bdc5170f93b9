/* libFuzzer harness for the privcmd server's message decoding: each input is a
 * sequence of requests -- u32 op, u16 payload length, payload -- run on one
 * connection exactly as the server runs them (privcmd_dispatch), against the real
 * core with two fresh domains per input (one with memory and vCPU 0's context, one
 * bare; neither ever runs). What a fuzzer must not do is left out: a domctl that
 * would start a domain's host context (unpausedomain), and waiting (WAIT_DOMAIN and
 * QUIESCE get 0 ms). Checks: every result is >= 0 or a PV errno; a reply's bytes lie
 * in its buffer (ASan reads them all); descriptors are closed, handles released and
 * every domain destroyed after each input.
 * Seeds: tests/fuzz/corpus/fuzz_privcmd (tests/fuzz/privcmd_seeds.py writes them). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/hv.h"
#include "evtchn/evtchn.h"
#include "gnttab/gnttab.h"
#include "hypercall/hypercall.h"
#include "privcmd/privcmd_ops.h"
#include "pv_errno.h"
#include "pvisor/domctl.h"
#include "pvisor/errno.h"
#include "pvisor/privcmd.h"

#define FZ_MAX_PAYLOAD 8192

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The domctl command a hypercall payload carries, wherever a[0] points (arg or buf). */
static uint32_t fz_domctl_cmd(const uint8_t *p, uint32_t len)
{
	struct pv_privcmd_hypercall hc;
	uint64_t at;
	const uint8_t *base;
	uint32_t room, cmd = 0;

	if (len < sizeof(hc))
		return 0;
	memcpy(&hc, p, sizeof(hc));
	if (hc.nr != PV_HYPERCALL_domctl)
		return 0;
	at = hc.a[0];
	if (at >= PV_PRIVCMD_BUF_ADDR) {
		at -= PV_PRIVCMD_BUF_ADDR;
		base = p + sizeof(hc) + hc.arg_len;
		room = hc.buf_len;
	} else {
		at -= PV_PRIVCMD_ARG_ADDR;
		base = p + sizeof(hc);
		room = hc.arg_len;
	}
	if ((uint64_t)sizeof(hc) + hc.arg_len + hc.buf_len <= len && at + 4 <= room)
		memcpy(&cmd, base + at, 4);
	return cmd;
}

/* Payload edits that keep the fuzzer from starting domains or sleeping. */
static int fz_allowed(uint32_t op, uint8_t *p, uint32_t len)
{
	if (op == PV_PRIVCMD_OP_HYPERCALL)
		return fz_domctl_cmd(p, len) != PV_DOMCTL_unpausedomain;
	if ((op == PV_PRIVCMD_OP_WAIT_DOMAIN || op == PV_PRIVCMD_OP_QUIESCE) &&
	    len >= sizeof(struct pv_privcmd_wait))
		memset(p + offsetof(struct pv_privcmd_wait, timeout_ms), 0, 4);
	return 1;
}

static void fz_request(struct pconn *c, uint32_t op, const uint8_t *src, uint32_t len)
{
	struct privcmd_reply rep = { .fd = -1 };
	uint8_t *p = malloc(len ? len : 1);
	volatile uint8_t sink = 0;
	int32_t ret;

	if (!p)
		return;
	memcpy(p, src, len);
	if (fz_allowed(op, p, len)) {
		ret = privcmd_dispatch(c, op, p, len, &rep);
		if (ret < 0 && (ret < -4095 || !pv_errno_is_pv(-ret)))
			abort(); /* a host errno, or garbage, crossed the boundary */
		for (uint32_t i = 0; i < rep.len; i++)
			sink ^= rep.data[i];
		if (rep.fd >= 0)
			close(rep.fd);
		if (rep.owned)
			free(rep.data);
	}
	(void)sink;
	free(p);
}

static void fz_domains(void)
{
	struct pv_vcpu_guest_context g = { .user_regs.rip = PV_KERNEL_LINK_ADDR };
	pv_domid_t built, bare;
	struct domain *d;

	if (domain_create(0, 2, NULL, &built) || domain_create(0, 1, NULL, &bare))
		abort();
	pthread_mutex_lock(&hv_lock);
	d = domain_lookup_locked(built);
	if (domain_set_max_mem(d, 1024) == 0)
		vcpu_context_set_locked(d, &d->vcpus[0], &g);
	pthread_mutex_unlock(&hv_lock);
}

static void fz_destroy_all(void)
{
	for (;;) {
		struct domain *d;

		pthread_mutex_lock(&hv_lock);
		d = domain_next_locked(-1);
		if (d)
			d->refcnt++;
		pthread_mutex_unlock(&hv_lock);
		if (!d)
			return;
		domain_destroy(d);
		domain_put(d);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pconn c = { .fd = -1 };

	fz_domains();
	while (size >= 6) {
		uint32_t op, len;
		uint16_t l16;

		memcpy(&op, data, 4);
		memcpy(&l16, data + 4, 2);
		data += 6;
		size -= 6;
		len = l16 < size ? l16 : (uint32_t)size;
		if (len > FZ_MAX_PAYLOAD)
			len = FZ_MAX_PAYLOAD;
		fz_request(&c, op, data, len);
		data += len;
		size -= len;
	}
	evtchn_handle_close(&c);
	gnttab_handle_close(&c);
	fz_destroy_all();
	return 0;
}
