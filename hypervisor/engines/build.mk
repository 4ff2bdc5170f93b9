# hypervisor/engines/: the engine seam (engine.h) and the registry of engines; one
# folder per engine below.
pvcore_SRCS += hypervisor/engines/engine.c hypervisor/engines/hcpage.c \
	hypervisor/engines/hcpage_tail.S
