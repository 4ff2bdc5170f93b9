# hypervisor/core/: domains and vCPUs, the console_io buffers and the hypervisor's
# log ring, guest time, timers, ballooning, the instruments (counters, trace).
pvcore_SRCS += hypervisor/core/domain.c hypervisor/core/domain_table.c \
	hypervisor/core/domain_quiesce.c hypervisor/core/domain_suspend.c \
	hypervisor/core/domain_sr.c hypervisor/core/domain_lazy.c hypervisor/core/domain_dirty.c \
	hypervisor/core/domain_mem.c \
	hypervisor/core/console.c hypervisor/core/hvlog.c \
	hypervisor/core/timeinfo.c hypervisor/core/timer.c hypervisor/core/balloon.c \
	hypervisor/core/dcg.c \
	hypervisor/core/instr.c
