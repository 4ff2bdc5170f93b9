# hypervisor/engines/pv: pvisor-launch, a freestanding static binary, the first code of
# every pv domain process. (The engine itself, pv.c and hcpage_tail.S, is in library
# pvcore: hypervisor/build.mk.)
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
