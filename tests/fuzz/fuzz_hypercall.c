/* libFuzzer harness for the hypercall argument checks: a guest's hypercall run by
 * hypercall_dispatch as vCPU 0 of a domain that never runs, as the service thread
 * runs one. Input: u8 number, five u64 arguments, then bytes written at the start
 * of the guest's memory. An argument with its top bit set becomes a pointer into
 * that memory (PV_PHYSMAP_BASE + its low 20 bits), so structures the fuzzer writes
 * are reached; others are passed as given (stray pointers must be refused). A
 * deferred call (block, poll) stays deferred; the domain is destroyed after each
 * input. Checks: the result is >= 0 or a PV errno; ASan and UBSan watch the rest.
 * Seeds: tests/fuzz/corpus/fuzz_hypercall (tests/fuzz/hypercall_seeds.py). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/hv.h"
#include "hypercall/hypercall.h"
#include "pv_errno.h"
#include "pvisor/pvisor.h"

#define FZ_MEM_KB 1024 /* the domain's memory: 1 MiB */
#define FZ_HDR    (1 + 5 * 8)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t fz_arg(uint64_t v)
{
	return (v >> 63) ? PV_PHYSMAP_BASE + (v & 0xfffff) : v;
}

static struct domain *fz_domain(void)
{
	pv_domid_t id;
	struct domain *d;

	if (domain_create(0, 2, NULL, &id))
		abort();
	d = domain_get(id);
	pthread_mutex_lock(&hv_lock);
	if (domain_set_max_mem(d, FZ_MEM_KB))
		abort();
	pthread_mutex_unlock(&hv_lock);
	return d;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hc_ctx ctx = { 0 };
	uint64_t a[5];
	struct domain *d;
	unsigned nr;
	long ret;

	if (size < FZ_HDR)
		return 0;
	nr = data[0];
	for (int i = 0; i < 5; i++) {
		memcpy(&a[i], data + 1 + 8 * i, 8);
		a[i] = fz_arg(a[i]);
	}
	d = fz_domain();
	size -= FZ_HDR;
	memcpy(d->mem, data + FZ_HDR, size < (FZ_MEM_KB << 10) ? size : (FZ_MEM_KB << 10));
	ctx.d = d;
	ctx.v = &d->vcpus[0];
	/* the launcher's own calls are the engine's, never the core table's */
	if (nr < PV_HYPERCALL_pvisor_vcpu_wait) {
		ret = hypercall_dispatch(&ctx, nr, a);
		if (ret < 0 && (ret < -4095 || !pv_errno_is_pv((int)-ret)))
			abort(); /* a host errno, or garbage, went back to the guest */
	}
	domain_destroy(d);
	domain_put(d);
	return 0;
}
