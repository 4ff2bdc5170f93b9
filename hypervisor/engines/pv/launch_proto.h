/* The message that turns a waiting pvisor-launch into a domain: sent by the
 * hypervisor on the launcher's control socket (fd 4) with the domain's memory fd
 * attached (SCM_RIGHTS). Private to the pv engine and its launcher. */
#ifndef PV_LAUNCH_PROTO_H
#define PV_LAUNCH_PROTO_H

#include <stdint.h>

#define LAUNCH_FD_CTRL 4

/* A lazy restore: register guest RAM (the memory fd's first special_off bytes)
 * with a userfaultfd before any guest code runs, and send it after the listener
 * (one SCM_RIGHTS message with both). */
#define LAUNCH_LAZY 1u

struct launch_go {
	uint64_t nr_vcpus;    /* vCPU threads to run */
	uint64_t special_off; /* offset of the special pages in the memory fd */
	uint64_t total;       /* bytes of the memory fd to map at PV_PHYSMAP_BASE */
	uint64_t flags;       /* LAUNCH_* */
};

#endif
