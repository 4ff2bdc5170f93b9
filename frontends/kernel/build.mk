# frontends/kernel/: the reference PV guest kernel, built freestanding with its own
# rules (the top-level rules are for host code). Outputs build/guest/pvkernel (ELF)
# and build/guest/pvkernel.gz. Add a source file by appending to KERNEL_SRCS (.c or .S,
# relative to frontends/kernel/); a new app also needs an entry in apps/apps.c.

# What this folder may include (DESIGN.md section 2; see the top Makefile).
$(eval $(call component,frontends/kernel,include frontends/kernel))

KERNEL_DIR  := frontends/kernel
GUEST_OBJ   := $(B)/guest/obj
GUEST_CC    ?= gcc
GUEST_CFLAGS := -std=c11 -ffreestanding -fno-pic -fno-pie -fno-stack-protector \
		-mno-red-zone -mgeneral-regs-only -mcmodel=small -O2 -g \
		-fno-asynchronous-unwind-tables -fno-strict-aliasing $(WARN) \
		$(call roots_cflags,frontends/kernel) -MMD -MP
GUEST_ASFLAGS := -D__ASSEMBLY__ -g $(call roots_cflags,frontends/kernel) -MMD -MP
GUEST_LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none \
		 -Wl,-z,max-page-size=4096 -Wl,-z,noexecstack \
		 -Wl,-T,$(KERNEL_DIR)/kernel.lds

KERNEL_SRCS := arch/x86_64/entry.S arch/x86_64/notes.S \
	lib/kstring.c lib/format.c lib/cmdline.c lib/sort.c lib/pvclock.c lib/consring.c \
	kernel/main.c kernel/console.c kernel/printk.c kernel/time.c kernel/sched.c \
	kernel/mm.c kernel/smp.c kernel/evtchn.c kernel/timer.c kernel/balloon.c \
	kernel/gnttab.c lib/grant_entry.c kernel/xenbus.c kernel/console_ring.c kernel/suspend.c \
	kernel/ctl.c kernel/power.c kernel/vcpuhp.c \
	apps/apps.c apps/app_hello.c apps/app_spin.c apps/app_die.c apps/app_hcbench.c \
	apps/app_mem.c apps/app_sleep.c apps/app_smp.c apps/app_evtping.c apps/app_balloon.c \
	apps/app_grant.c apps/app_gcopy.c apps/app_xstest.c apps/app_shell.c apps/shell_cmds.c \
	apps/app_flood.c apps/app_dualcons.c apps/app_count.c apps/app_dirty.c
# blkfront: the virtual disk driver, its shell commands and apps
KERNEL_SRCS += kernel/blkfront.c kernel/blkfront_io.c apps/app_blkcheck.c apps/app_blkbad.c \
	apps/app_blkhot.c kernel/blkfront_cmds.c apps/tar_cmds.c lib/ustar.c apps/app_cmds.c \
	apps/app_blkbench.c
# network: netfront, the small IPv4 stack, its shell commands and apps
KERNEL_SRCS += kernel/netfront.c net/net.c net/arp.c net/ipv4.c net/udp.c net/ping.c \
	net/net_shell.c apps/app_net.c apps/app_netbad.c
KERNEL_OBJS := $(patsubst %,$(GUEST_OBJ)/%.o,$(basename $(KERNEL_SRCS)))

$(GUEST_OBJ)/%.o: $(KERNEL_DIR)/%.c | $(DEPS_FIRST)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) -c -o $@ $<

$(GUEST_OBJ)/%.o: $(KERNEL_DIR)/%.S | $(DEPS_FIRST)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(GUEST_CC) $(GUEST_ASFLAGS) -c -o $@ $<

# lib/kstring.c is what gcc calls for memcpy/memset: keep gcc from turning its own
# loops back into calls to itself.
$(GUEST_OBJ)/lib/kstring.o: GUEST_CFLAGS += -fno-tree-loop-distribute-patterns

$(B)/guest/pvkernel: $(KERNEL_OBJS) $(KERNEL_DIR)/kernel.lds
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(GUEST_CC) $(GUEST_LDFLAGS) -o $@ $(KERNEL_OBJS)

$(B)/guest/pvkernel.gz: $(B)/guest/pvkernel
	@$(if $(Q),echo "  GZIP    $@")
	$(Q)gzip -9n -c $< > $@.tmp && mv $@.tmp $@

EXTRA_ALL += $(B)/guest/pvkernel $(B)/guest/pvkernel.gz

-include $(shell find $(GUEST_OBJ) -name '*.d' 2>/dev/null)
