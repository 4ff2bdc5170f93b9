/* libpvx internals: the domain builder's hypervisor calls, queued in the batch
 * (one round trip) that pvx_domain_create also fills with its own calls. */
#ifndef PV_LIBPVX_BUILD_PRIV_H
#define PV_LIBPVX_BUILD_PRIV_H

#include "libpvx/pvx.h"

struct build_layout {
	uint64_t ramdisk, ramdisk_len; /* guest-physical */
	uint64_t start_info, store, console, stack_top, end;
};

/* One build: its layout, vCPU 0's context (sent from here) and the answers. */
struct build_calls {
	struct pv_vcpu_guest_context ctx;
	struct pv_privcmd_memory mi;
	struct build_layout bl;
	int memfd, ramdisk_fd;
	int rc_maxmem, rc_store_port, rc_console_port, rc_mem, rc_hcall, rc_ctx;
};

/* Lay the domain out (the ramdisk's size is read here) and queue on b: maxmem, the
 * store and console ports, the memory fd, the hypercall page and vCPU 0's context
 * (every one of them knowable before guest memory is written). 0, or -errno
 * with err (nothing queued, nothing to undo but build_calls_fini). */
int build_queue(struct pvctrl_batch *b, struct build_calls *c, pv_domid_t domid,
		const struct domcfg *dc, const struct elf_image *img, struct pvx_err *err);
/* After the batch ran: check the answers, write the kernel, the ramdisk and
 * start_info into the memory fd, fill bp. 0 or -errno with err. */
int build_finish(struct build_calls *c, const struct domcfg *dc, const struct elf_image *img,
		 struct pvx_boot_ports *bp, struct pvx_err *err);
/* Close what build_queue and the batch opened (safe to call more than once). */
void build_calls_fini(struct build_calls *c);

#endif
