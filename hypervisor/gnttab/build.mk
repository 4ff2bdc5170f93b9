# hypervisor/gnttab/: grant tables v1, GNTTABOP_copy and dom0's grant maps.
pvcore_SRCS += hypervisor/gnttab/gnttab.c hypervisor/gnttab/gnttab_copy.c \
	hypervisor/gnttab/gnttab_map.c
