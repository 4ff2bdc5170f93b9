# tests/unit/: CUnit tests, one test_<module>.c per module, grouped by area below.
# Add yours to its area's group.

# Tests may include anything: the whole tests/ tree gets the wide include path.
$(eval $(call component,tests,include common dom0-tools backends))

# Configuration: the xl.cfg parser, domcfg and its JSON.
UNIT_TESTS += test_cfg
test_cfg_SRCS := tests/unit/test_cfg.c
test_cfg_LIBS := pvx pvcommon
test_cfg_LDLIBS := -lcunit -lyajl
UNIT_TESTS += test_domcfg
test_domcfg_SRCS := tests/unit/test_domcfg.c
test_domcfg_LIBS := pvx pvcommon
test_domcfg_LDLIBS := -lcunit -lyajl
UNIT_TESTS += test_xlutil
test_xlutil_SRCS := tests/unit/test_xlutil.c
test_xlutil_LIBS := pvx xs pvctrl pvcommon
test_xlutil_LDLIBS := -lcunit -lyajl -lz
UNIT_TESTS += test_domcfg_golden
test_domcfg_golden_SRCS := tests/unit/test_domcfg_golden.c
test_domcfg_golden_LIBS := pvx pvcommon
test_domcfg_golden_LDLIBS := -lcunit -lyajl

# The console ring: pvconsoled's half and the reference kernel's.
UNIT_TESTS += test_console_ring
test_console_ring_SRCS := tests/unit/test_console_ring.c frontends/kernel/lib/consring.c
test_console_ring_LIBS := pvconsring pvcommon
test_console_ring_LDLIBS := -lcunit

# The hypervisor: one error space, the engine seam, hypercall handlers, event
# channels, grant tables.
UNIT_TESTS += test_errno
test_errno_SRCS := tests/unit/test_errno.c
test_errno_LIBS := pvcore pvcommon
test_errno_LDLIBS := -lcunit
$(B)/obj/tests/unit/test_errno.o: HOST_CFLAGS += -Ihypervisor

UNIT_TESTS += test_engine
test_engine_SRCS := tests/unit/test_engine.c
test_engine_LIBS := pvcore pvcommon
test_engine_LDLIBS := -lcunit
$(B)/obj/tests/unit/test_engine.o: HOST_CFLAGS += -Ihypervisor

# The save stream's record layer.
UNIT_TESTS += test_sr_stream
test_sr_stream_SRCS := tests/unit/test_sr_stream.c
test_sr_stream_LIBS := pvx pvcommon
test_sr_stream_LDLIBS := -lcunit -lz

# The hypervisor's side of save/restore: suspend, resumedomain, SR_SAVE/SR_RESTORE.
UNIT_TESTS += test_domain_sr
test_domain_sr_SRCS := tests/unit/test_domain_sr.c
test_domain_sr_LIBS := pvcore pvcommon
test_domain_sr_LDLIBS := -lcunit
$(B)/obj/tests/unit/test_domain_sr.o: HOST_CFLAGS += -Ihypervisor

UNIT_TESTS += test_domain_table
test_domain_table_SRCS := tests/unit/test_domain_table.c
test_domain_table_LIBS := pvcore pvcommon
test_domain_table_LDLIBS := -lcunit
$(B)/obj/tests/unit/test_domain_table.o: HOST_CFLAGS += -Ihypervisor

UNIT_TESTS += test_hypercall
test_hypercall_SRCS := tests/unit/test_hypercall.c
test_hypercall_LIBS := pvcore pvcommon
test_hypercall_LDLIBS := -lcunit
$(B)/obj/tests/unit/test_hypercall.o: HOST_CFLAGS += -Ihypervisor

UNIT_TESTS += test_evtchn
test_evtchn_SRCS := tests/unit/test_evtchn.c
test_evtchn_LIBS := pvcore pvcommon
test_evtchn_LDLIBS := -lcunit
$(B)/obj/tests/unit/test_evtchn.o: HOST_CFLAGS += -Ihypervisor

UNIT_TESTS += test_gnttab
test_gnttab_SRCS := tests/unit/test_gnttab.c frontends/kernel/lib/grant_entry.c
test_gnttab_LIBS := pvcore pvcommon
test_gnttab_LDLIBS := -lcunit
$(B)/obj/tests/unit/test_gnttab.o: HOST_CFLAGS += -Ihypervisor

# Unit tests of ballooning (hypervisor/hypercall/hc_memory.c, hypervisor/core/balloon.c).
UNIT_TESTS += test_memory
test_memory_SRCS := tests/unit/test_memory.c
test_memory_LIBS := pvcore pvcommon
test_memory_LDLIBS := -lcunit
$(B)/obj/tests/unit/test_memory.o: HOST_CFLAGS += -Ihypervisor

# Unit tests of the virtual disk pieces: blkback's request validation, its vhost-user
# client's check of the server, and libpvx's disk spec parser.
UNIT_TESTS += test_blkreq
test_blkreq_SRCS := tests/unit/test_blkreq.c
test_blkreq_LIBS := blkreq
test_blkreq_LDLIBS := -lcunit
UNIT_TESTS += test_blk_vu
test_blk_vu_SRCS := tests/unit/test_blk_vu.c backends/blkback/blk_vu.c
test_blk_vu_LDLIBS := -lcunit
UNIT_TESTS += test_diskspec
test_diskspec_SRCS := tests/unit/test_diskspec.c
test_diskspec_LIBS := pvx pvcommon
test_diskspec_LDLIBS := -lcunit
UNIT_TESTS += test_ustar
test_ustar_SRCS := tests/unit/test_ustar.c frontends/kernel/lib/ustar.c
test_ustar_LDLIBS := -lcunit
$(B)/obj/tests/unit/test_ustar.o: HOST_CFLAGS += -Ifrontends/kernel
UNIT_TESTS += test_image
test_image_SRCS := tests/unit/test_image.c
test_image_LIBS := pvx xs pvctrl pvcommon
test_image_LDLIBS := -lcunit -lyajl

# Unit tests of the network pieces: the vif spec parser (libpvx), MACs and
# interface names (common/netaddr.c) and netback's pure parts (tx validation,
# switch, rate limiter).
UNIT_TESTS += test_vifspec
test_vifspec_SRCS := tests/unit/test_vifspec.c
test_vifspec_LIBS := pvx pvcommon
test_vifspec_LDLIBS := -lcunit -lyajl
UNIT_TESTS += test_netback
test_netback_SRCS := tests/unit/test_netback.c
test_netback_LIBS := nbcore pvcommon
test_netback_LDLIBS := -lcunit
UNIT_TESTS += test_netaddr
test_netaddr_SRCS := tests/unit/test_netaddr.c
test_netaddr_LIBS := pvcommon
test_netaddr_LDLIBS := -lcunit

# Unit tests for the libpvx kernel image loader.
UNIT_TESTS += test_elfimg
test_elfimg_SRCS := tests/unit/test_elfimg.c tests/unit/elfimg_build.c
test_elfimg_LIBS := pvx pvcommon
test_elfimg_LDLIBS := -lcunit -lz

# Unit tests of the store (xsd core, libxs).
XSD_TEST_LIBS := xsdcore pvcommon
UNIT_TESTS += test_xsd_path
test_xsd_path_SRCS += tests/unit/test_xsd_path.c tests/unit/xsd_testlib.c
test_xsd_path_LIBS += $(XSD_TEST_LIBS)
test_xsd_path_LDLIBS += -lcunit
UNIT_TESTS += test_xsd_tree
test_xsd_tree_SRCS += tests/unit/test_xsd_tree.c tests/unit/xsd_testlib.c
test_xsd_tree_LIBS += $(XSD_TEST_LIBS)
test_xsd_tree_LDLIBS += -lcunit
UNIT_TESTS += test_xsd_tx
test_xsd_tx_SRCS += tests/unit/test_xsd_tx.c tests/unit/xsd_testlib.c
test_xsd_tx_LIBS += $(XSD_TEST_LIBS)
test_xsd_tx_LDLIBS += -lcunit
UNIT_TESTS += test_xsd_domain
test_xsd_domain_SRCS += tests/unit/test_xsd_domain.c tests/unit/xsd_testlib.c
test_xsd_domain_LIBS += $(XSD_TEST_LIBS)
test_xsd_domain_LDLIBS += -lcunit
UNIT_TESTS += test_xsd_msg
test_xsd_msg_SRCS += tests/unit/test_xsd_msg.c tests/unit/xsd_testlib.c
test_xsd_msg_LIBS += $(XSD_TEST_LIBS)
test_xsd_msg_LDLIBS += -lcunit
UNIT_TESTS += test_xsd_ring
test_xsd_ring_SRCS += tests/unit/test_xsd_ring.c tests/unit/xsd_testlib.c
test_xsd_ring_LIBS += $(XSD_TEST_LIBS)
test_xsd_ring_LDLIBS += -lcunit
UNIT_TESTS += test_xsd_journal
test_xsd_journal_SRCS += tests/unit/test_xsd_journal.c tests/unit/xsd_testlib.c
test_xsd_journal_LIBS += $(XSD_TEST_LIBS)
test_xsd_journal_LDLIBS += -lcunit
UNIT_TESTS += test_libxs
test_libxs_SRCS += tests/unit/test_libxs.c tests/unit/xsd_testlib.c
test_libxs_LIBS += xs xsdcore pvcommon
test_libxs_LDLIBS += -lcunit
UNIT_TESTS += test_xsd_sock
test_xsd_sock_SRCS += tests/unit/test_xsd_sock.c tests/unit/xsd_testlib.c
test_xsd_sock_LIBS += xs xsdcore pvcommon
test_xsd_sock_LDLIBS += -lcunit

# Unit tests of the reference kernel: its freestanding library built for the host
# (test_klib) and the whole kernel booted under a fake in-process hypervisor
# (test_kernel_boot).
UNIT_TESTS += test_klib
test_klib_SRCS := tests/unit/test_klib.c frontends/kernel/lib/format.c \
	frontends/kernel/lib/cmdline.c frontends/kernel/lib/sort.c \
	frontends/kernel/lib/pvclock.c
test_klib_LDLIBS := -lcunit

UNIT_TESTS += test_kernel_boot
test_kernel_boot_SRCS := tests/unit/test_kernel_boot.c tests/unit/kboot_fakehv.c
test_kernel_boot_LDLIBS := -lcunit
# The test boots the built image: build it first.
$(B)/tests/test_kernel_boot: | $(B)/guest/pvkernel

# The hvm engine's page tables, GDT and hypercall stubs, without /dev/kvm.
UNIT_TESTS += test_hvm
test_hvm_SRCS := tests/unit/test_hvm.c
test_hvm_LIBS := pvcore pvcommon
test_hvm_LDLIBS := -lcunit
$(B)/obj/tests/unit/test_hvm.o: HOST_CFLAGS += -Ihypervisor

# The hvm engine with a real VM (skipped without a usable /dev/kvm).
UNIT_TESTS += test_hvm_run
test_hvm_run_SRCS := tests/unit/test_hvm_run.c
test_hvm_run_LIBS := pvcore pvcommon
test_hvm_run_LDLIBS := -lcunit
$(B)/obj/tests/unit/test_hvm_run.o: HOST_CFLAGS += -Ihypervisor

UNIT_TESTS += test_pvxweb
test_pvxweb_SRCS := tests/unit/test_pvxweb.c
test_pvxweb_LIBS := pvxwebcore pvx pvcommon
test_pvxweb_LDLIBS := -lcunit -lyajl

UNIT_TESTS += test_instr
test_instr_SRCS := tests/unit/test_instr.c
test_instr_LIBS := pvcore pvctrl pvcommon
test_instr_LDLIBS := -lcunit
$(B)/obj/tests/unit/test_instr.o: HOST_CFLAGS += -Ihypervisor
