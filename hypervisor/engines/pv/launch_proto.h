/* The message that turns a waiting pvisor-launch into a domain: sent by the
 * hypervisor on the launcher's control socket (fd 4) with the domain's memory fd
 * attached (SCM_RIGHTS). Private to the pv engine and its launcher. */
#ifndef PV_LAUNCH_PROTO_H
#define PV_LAUNCH_PROTO_H

#include <stdint.h>

#define LAUNCH_FD_CTRL   4
#define LAUNCH_MAX_VCPUS 128

/* Where pvisor-launch's code lives (its link address, build.mk's -Ttext-segment,
 * and an upper bound on its size): below the guest's physmap, so the hypervisor can
 * tell a hypercall made by launcher code from one made by guest code. */
#define LAUNCH_TEXT_BASE 0x10000000ull
#define LAUNCH_TEXT_END  0x10100000ull

/* A lazy restore: register guest RAM (the memory fd's first special_off bytes)
 * with a userfaultfd before any guest code runs, and send it after the listener
 * (one SCM_RIGHTS message with both). */
#define LAUNCH_LAZY 1u

struct launch_go {
	uint64_t nr_vcpus;    /* vCPU threads to run */
	uint64_t special_off; /* offset of the special pages in the memory fd */
	uint64_t total;       /* bytes of the memory fd to map at PV_PHYSMAP_BASE */
	uint64_t flags;       /* LAUNCH_* */
	uint64_t rlim_as;     /* RLIMIT_AS to set once mapped (0: leave it) */
	uint64_t rlim_nproc;  /* RLIMIT_NPROC to set (0: leave it; only for a uid of its own) */
};

#endif
