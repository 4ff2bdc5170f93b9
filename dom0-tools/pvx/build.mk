# pvx: the xl-style command line. Its sources are pvx_PROG_SRCS: pvx_SRCS is the
# library libpvx (same name), which must hold library code only.

# What this folder may include (DESIGN.md section 2; see the top Makefile).
$(eval $(call component,dom0-tools/pvx,include common libpvx=dom0-tools/libpvx libxs=dom0-tools/libxs \
	libpvctrl=dom0-tools/libpvctrl pvstart=dom0-tools/pvstart))

HOST_PROGS += pvx
pvx_PROG_SRCS += dom0-tools/pvx/main.c dom0-tools/pvx/cli_table.c dom0-tools/pvx/cli_domain_op.c \
	dom0-tools/pvx/cmd_create.c dom0-tools/pvx/cmd_list.c dom0-tools/pvx/cmd_destroy.c \
	dom0-tools/pvx/cmd_pause.c dom0-tools/pvx/cmd_unpause.c dom0-tools/pvx/cmd_shutdown.c \
	dom0-tools/pvx/cmd_info.c dom0-tools/pvx/cmd_dmesg.c dom0-tools/pvx/cmd_domid.c \
	dom0-tools/pvx/cmd_domname.c dom0-tools/pvx/cmd_daemons.c \
	dom0-tools/pvx/cmd_console.c
pvx_LIBS += pvstart pvx xs pvctrl pvcommon
pvx_LDLIBS += -lyajl -lz
pvx_PROG_SRCS += dom0-tools/pvx/cmd_block_attach.c dom0-tools/pvx/cmd_block_detach.c \
	dom0-tools/pvx/cmd_block_list.c dom0-tools/pvx/cmd_image.c
pvx_PROG_SRCS += dom0-tools/pvx/cmd_network.c
pvx_PROG_SRCS += dom0-tools/pvx/cli_mem.c dom0-tools/pvx/cmd_mem_set.c dom0-tools/pvx/cmd_mem_max.c
pvx_PROG_SRCS += dom0-tools/pvx/cli_json.c
pvx_PROG_SRCS += dom0-tools/pvx/cli_domset.c
pvx_PROG_SRCS += dom0-tools/pvx/cmd_uptime.c
pvx_PROG_SRCS += dom0-tools/pvx/cmd_rename.c dom0-tools/pvx/cmd_sysrq.c
pvx_PROG_SRCS += dom0-tools/pvx/cli_config.c dom0-tools/pvx/cmd_config_update.c
pvx_PROG_SRCS += dom0-tools/pvx/cmd_vcpu_set.c
pvx_PROG_SRCS += dom0-tools/pvx/cmd_vcpu_list.c dom0-tools/pvx/cmd_vcpu_pin.c dom0-tools/pvx/cmd_sched_credit.c
pvx_PROG_SRCS += dom0-tools/pvx/cmd_top.c dom0-tools/pvx/top_sample.c
pvx_PROG_SRCS += dom0-tools/pvx/cmd_save.c dom0-tools/pvx/cmd_restore.c \
	dom0-tools/pvx/cli_progress.c dom0-tools/pvx/cmd_dump_core.c
pvx_PROG_SRCS += dom0-tools/pvx/cmd_migrate.c dom0-tools/pvx/cmd_migrate_receive.c
pvx_PROG_SRCS += dom0-tools/pvx/cmd_web.c
pvx_PROG_SRCS += dom0-tools/pvx/cmd_trace.c dom0-tools/pvx/trace_report.c
pvx_LDLIBS += -lm
# the PNG of pvx trace report is drawn by this script (python3-matplotlib)
EXTRA_ALL += $(B)/bin/pvx-trace-plot
$(B)/bin/pvx-trace-plot: dom0-tools/pvx/pvx-trace-plot.py
	@mkdir -p $(dir $@)
	$(Q)install -m 0755 $< $@
