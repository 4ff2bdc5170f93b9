# hypervisor/evtchn/: event channels (2-level ABI) and dom0's event-channel handles.
pvcore_SRCS += hypervisor/evtchn/evtchn.c hypervisor/evtchn/evtchn_ops.c
