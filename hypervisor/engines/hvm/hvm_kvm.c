/* The hvm engine's use of /dev/kvm: is it there and usable (probed once, the reason
 * kept in words for pvx), one VM per domain with its two memory slots, one vCPU fd
 * per vCPU with its run area, CPUID and TSC. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hvm.h"
#include "log.h"
#include "pv_errno.h"
#include "pvisor/errno.h"

#ifndef KVM_VCPU_TSC_CTRL
#define KVM_VCPU_TSC_CTRL   0
#define KVM_VCPU_TSC_OFFSET 0
#endif

#define HVM_SLOT_RAM    0
#define HVM_SLOT_PRIV   1
#define HVM_VMX_TSS_GPA 0xfffbd000u /* where kvmtool and Firecracker put it too */

/* What KVM offers a guest's CPUID, asked once (it costs ~0.5 ms a time here): the
 * header and its entries in one allocation, as KVM_GET_SUPPORTED_CPUID wants them. */
#define HVM_CPUID_MAX 256

static int kvm_fd = -1;
static int kvm_run_size;
static int kvm_fsgsbase; /* KVM offers the guest rd/wrfsbase: CR4.FSGSBASE may be set */
static struct kvm_cpuid2 *kvm_cpuid;
static char kvm_why[160] = "not probed";

const char *hvm_kvm_why(void)
{
	return kvm_why;
}

uint64_t hvm_kvm_cr4_extra(void)
{
	return kvm_fsgsbase ? 0x10000ull : 0;
}

/* The CPUID KVM supports for guests; FSGSBASE is leaf 7's EBX bit 0. */
static int hvm_kvm_probe_cpuid(int fd)
{
	kvm_cpuid = calloc(1, sizeof(*kvm_cpuid) + HVM_CPUID_MAX * sizeof(kvm_cpuid->entries[0]));
	if (!kvm_cpuid)
		return -PV_ENOMEM;
	kvm_cpuid->nent = HVM_CPUID_MAX;
	if (ioctl(fd, KVM_GET_SUPPORTED_CPUID, kvm_cpuid) < 0) {
		snprintf(kvm_why, sizeof(kvm_why), "/dev/kvm: KVM_GET_SUPPORTED_CPUID: %s",
			 strerror(errno));
		return -PV_ENODEV;
	}
	for (unsigned i = 0; i < kvm_cpuid->nent; i++)
		if (kvm_cpuid->entries[i].function == 7 && kvm_cpuid->entries[i].index == 0)
			kvm_fsgsbase = kvm_cpuid->entries[i].ebx & 1;
	return 0;
}

/* What the engine needs of KVM beyond the basics: registers with every exit, and a
 * way to take a vCPU out of KVM_RUN without a race. */
static int hvm_kvm_check_caps(int fd)
{
	static const struct {
		int cap;
		const char *name;
	} need[] = {
		{ KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY" },
		{ KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT" },
		{ KVM_CAP_SYNC_REGS, "KVM_CAP_SYNC_REGS" },
		{ KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID" },
	};

	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (ioctl(fd, KVM_CHECK_EXTENSION, need[i].cap) <= 0) {
			snprintf(kvm_why, sizeof(kvm_why), "/dev/kvm lacks %s", need[i].name);
			return -PV_ENODEV;
		}
	return 0;
}

int hvm_kvm_probe(void)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC), vm, rc;

	if (fd < 0) {
		snprintf(kvm_why, sizeof(kvm_why), "/dev/kvm: %s", strerror(errno));
		return -PV_ENODEV;
	}
	rc = ioctl(fd, KVM_GET_API_VERSION, 0);
	if (rc != KVM_API_VERSION) {
		snprintf(kvm_why, sizeof(kvm_why), "/dev/kvm: API version %d, not %d", rc,
			 KVM_API_VERSION);
		close(fd);
		return -PV_ENODEV;
	}
	rc = hvm_kvm_check_caps(fd);
	vm = rc ? -1 : ioctl(fd, KVM_CREATE_VM, 0);
	kvm_run_size = ioctl(fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (rc == 0 && (vm < 0 || kvm_run_size < (int)sizeof(struct kvm_run))) {
		snprintf(kvm_why, sizeof(kvm_why), "/dev/kvm cannot create a VM: %s",
			 strerror(vm < 0 ? errno : EINVAL));
		rc = -PV_ENODEV;
	}
	if (vm >= 0)
		close(vm);
	if (rc == 0)
		rc = hvm_kvm_probe_cpuid(fd);
	if (rc) {
		close(fd);
		return rc;
	}
	kvm_fd = fd;
	kvm_why[0] = 0;
	return 0;
}

static int hvm_kvm_slot(int vm, uint32_t slot, uint64_t gpa, void *host, uint64_t size)
{
	struct kvm_userspace_memory_region reg = {
		.slot = slot,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uint64_t)(uintptr_t)host,
	};

	return ioctl(vm, KVM_SET_USER_MEMORY_REGION, &reg) < 0 ? pv_errno_last() : 0;
}

/* The VM with the domain's RAM (and special pages) at GPA 0 and our private region at
 * PV_HVM_PRIV_GPA; the trap page between them has no memory. */
int hvm_kvm_vm_create(struct domain *d)
{
	struct hvm_dom *h = hvm_dom(d);
	int rc;

	if (kvm_fd < 0)
		return -PV_ENODEV;
	if (d->mem_size > PV_HVM_TRAP_GPA)
		return -PV_E2BIG;
	h->priv_size = hvm_pt_size(d);
	h->priv = mmap(NULL, h->priv_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	if (h->priv == MAP_FAILED) {
		h->priv = NULL;
		return pv_errno_last();
	}
	h->vm = ioctl(kvm_fd, KVM_CREATE_VM, 0);
	if (h->vm < 0)
		return pv_errno_last();
	h->run_size = (size_t)kvm_run_size;
	/* VT-x wants 3 pages of guest-physical space below 4 GiB for its real-mode TSS
	 * even for a guest that starts in long mode; nothing of ours is there. */
	if (d->mem_size <= HVM_VMX_TSS_GPA &&
	    ioctl(h->vm, KVM_SET_TSS_ADDR, (unsigned long)HVM_VMX_TSS_GPA) < 0)
		log_debug("dom%u: KVM_SET_TSS_ADDR: %s", d->domid, strerror(errno));
	hvm_pt_build(d);
	rc = hvm_kvm_slot(h->vm, HVM_SLOT_RAM, 0, d->mem, d->mem_size);
	if (rc == 0)
		rc = hvm_kvm_slot(h->vm, HVM_SLOT_PRIV, PV_HVM_PRIV_GPA, h->priv, h->priv_size);
	return rc;
}

/* The host's CPUID as KVM can offer it: what the guest sees (at CPL 3 on PVM the
 * instruction runs natively anyway). */
static int hvm_kvm_cpuid(int vcpu)
{
	return ioctl(vcpu, KVM_SET_CPUID2, kvm_cpuid) < 0 ? pv_errno_last() : 0;
}

/* Guest TSC = host TSC: vcpu_time_info is computed from the host's. KVM gives a new
 * vCPU an offset that starts it near 0; PVM shares the host's counter already. */
static void hvm_kvm_tsc(struct domain *d, int vcpu)
{
	uint64_t offset = 0;
	struct kvm_device_attr a = { .group = KVM_VCPU_TSC_CTRL,
				     .attr = KVM_VCPU_TSC_OFFSET,
				     .addr = (uint64_t)(uintptr_t)&offset };

	if (ioctl(vcpu, KVM_HAS_DEVICE_ATTR, &a) == 0 &&
	    ioctl(vcpu, KVM_SET_DEVICE_ATTR, &a) == 0)
		return;
	log_debug("dom%u: cannot set the guest TSC offset to 0: %s", d->domid, strerror(errno));
}

int hvm_kvm_vcpu_create(struct domain *d, struct vcpu *v)
{
	struct hvm_dom *h = hvm_dom(d);
	struct hvm_vcpu *hv = hvm_vcpu(d, v);
	int rc;

	hv->fd = ioctl(h->vm, KVM_CREATE_VCPU, (unsigned long)v->id);
	if (hv->fd < 0)
		return pv_errno_last();
	hv->run = mmap(NULL, h->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, hv->fd, 0);
	if (hv->run == MAP_FAILED) {
		hv->run = NULL;
		return pv_errno_last();
	}
	rc = hvm_kvm_cpuid(hv->fd);
	if (rc == 0)
		hvm_kvm_tsc(d, hv->fd);
	hv->run->kvm_valid_regs = KVM_SYNC_X86_REGS;
	return rc;
}

/* Dirty logging of the RAM slot: KVM marks every page the guest writes through the
 * VM (not what the hypervisor or dom0 write through their own mappings). */
static int hvm_kvm_ram_flags(struct domain *d, uint32_t flags)
{
	struct kvm_userspace_memory_region reg = {
		.slot = HVM_SLOT_RAM,
		.flags = flags,
		.memory_size = d->mem_size,
		.userspace_addr = (uint64_t)(uintptr_t)d->mem,
	};

	if (hvm_dom(d)->vm < 0)
		return -PV_EINVAL;
	return ioctl(hvm_dom(d)->vm, KVM_SET_USER_MEMORY_REGION, &reg) < 0 ? pv_errno_last() : 0;
}

int hvm_dirty_log_start(struct domain *d)
{
	return hvm_kvm_ram_flags(d, KVM_MEM_LOG_DIRTY_PAGES);
}

int hvm_dirty_log_collect(struct domain *d, uint64_t *bitmap)
{
	struct kvm_dirty_log log = { .slot = HVM_SLOT_RAM, .dirty_bitmap = bitmap };

	if (hvm_dom(d)->vm < 0)
		return -PV_EINVAL;
	return ioctl(hvm_dom(d)->vm, KVM_GET_DIRTY_LOG, &log) < 0 ? pv_errno_last() : 0;
}

void hvm_dirty_log_stop(struct domain *d)
{
	hvm_kvm_ram_flags(d, 0);
}

void hvm_kvm_vm_close(struct domain *d)
{
	struct hvm_dom *h = hvm_dom(d);

	for (unsigned i = 0; i < h->nr_vcpus; i++) {
		struct hvm_vcpu *hv = &h->vcpus[i];

		if (hv->run)
			munmap(hv->run, h->run_size);
		if (hv->fd >= 0)
			close(hv->fd);
		hv->run = NULL;
		hv->fd = -1;
	}
	if (h->vm >= 0)
		close(h->vm);
	if (h->priv)
		munmap(h->priv, h->priv_size);
	h->vm = -1;
	h->priv = NULL;
}
