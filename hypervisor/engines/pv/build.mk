# hypervisor/engines/pv/: the pv engine (a domain is a sandboxed host process) and
# pvisor-launch, the freestanding first code of every such process.
pvcore_SRCS += hypervisor/engines/pv/pv.c hypervisor/engines/pv/pv_spawn.c \
	hypervisor/engines/pv/pv_service.c hypervisor/engines/pv/pv_launcher.c \
	hypervisor/engines/pv/pv_vcpu.c hypervisor/engines/pv/pv_hcpage.c \
	hypervisor/engines/pv/pv_reaper.c hypervisor/engines/pv/pv_sandbox.c \
	hypervisor/engines/pv/pv_sched.c hypervisor/engines/pv/pv_dirty.c

# pvisor-launch: freestanding static binary, first code of every pv domain process.
LAUNCH_CFLAGS := -std=c11 -O2 -g -ffreestanding -fno-stack-protector -fno-pic -fno-pie \
	-mgeneral-regs-only -fno-asynchronous-unwind-tables -Iinclude $(WARN) -MMD -MP
LAUNCH_OBJ := $(B)/obj/hypervisor/engines/pv/launch.lo
EXTRA_ALL += $(B)/bin/pvisor-launch

$(LAUNCH_OBJ): hypervisor/engines/pv/launch.c hypervisor/engines/pv/launch_proto.h | $(DEPS_FIRST)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(HOST_CC) $(LAUNCH_CFLAGS) -c -o $@ $<

$(B)/bin/pvisor-launch: $(LAUNCH_OBJ)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(HOST_CC) -static -nostdlib -no-pie -Wl,--build-id=none -Wl,-z,noexecstack \
		-Wl,-Ttext-segment=0x10000000 -o $@ $^
