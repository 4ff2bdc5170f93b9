# frontends/privguest/: a tiny guest that asks for ring 0 (supervisor_mode_kernel) and
# uses it -- own page tables, GDT and IDT, cli/sti, exceptions through its IDT: runs
# under the hvm engine, is killed as crashed under pv. Built with the guest kernel's
# flags (frontends/kernel/build.mk); output build/guest/privguest.
# What this folder may include (DESIGN.md section 2; see the top Makefile).
$(eval $(call component,frontends/privguest,include))

PRIVGUEST_DIR  := frontends/privguest
PRIVGUEST_OBJS := $(GUEST_OBJ)/privguest/entry.o $(GUEST_OBJ)/privguest/privguest.o

$(GUEST_OBJ)/privguest/%.o: $(PRIVGUEST_DIR)/%.c | $(DEPS_FIRST)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) -c -o $@ $<

$(GUEST_OBJ)/privguest/%.o: $(PRIVGUEST_DIR)/%.S | $(DEPS_FIRST)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(GUEST_CC) $(GUEST_ASFLAGS) -c -o $@ $<

$(B)/guest/privguest: $(PRIVGUEST_OBJS) $(PRIVGUEST_DIR)/privguest.lds
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(GUEST_CC) -nostdlib -static -no-pie -Wl,--build-id=none \
		-Wl,-z,max-page-size=4096 -Wl,-z,noexecstack \
		-Wl,-T,$(PRIVGUEST_DIR)/privguest.lds -o $@ $(PRIVGUEST_OBJS)

EXTRA_ALL += $(B)/guest/privguest
