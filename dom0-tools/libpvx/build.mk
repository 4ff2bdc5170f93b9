# libpvx: the toolstack library under pvx.

# What this folder may include (DESIGN.md section 2; see the top Makefile).
$(eval $(call component,dom0-tools/libpvx,include common libpvx=dom0-tools/libpvx libxs=dom0-tools/libxs \
	libpvctrl=dom0-tools/libpvctrl))

HOST_LIBS += pvx
pvx_SRCS += dom0-tools/libpvx/pvx_err.c
pvx_SRCS += dom0-tools/libpvx/cfg.c
pvx_SRCS += dom0-tools/libpvx/cfg_lex.c dom0-tools/libpvx/cfg_format.c
pvx_SRCS += dom0-tools/libpvx/domcfg.c
pvx_SRCS += dom0-tools/libpvx/domcfg_check.c dom0-tools/libpvx/domcfg_xlkeys.c dom0-tools/libpvx/domcfg_keys.c
pvx_SRCS += dom0-tools/libpvx/domcfg_json.c
pvx_SRCS += dom0-tools/libpvx/build.c
pvx_SRCS += dom0-tools/libpvx/create.c dom0-tools/libpvx/domview.c
pvx_SRCS += dom0-tools/libpvx/store.c dom0-tools/libpvx/device.c
pvx_SRCS += dom0-tools/libpvx/diskspec.c dom0-tools/libpvx/disk.c dom0-tools/libpvx/image.c \
	dom0-tools/libpvx/image_users.c
pvx_SRCS += dom0-tools/libpvx/vifspec.c
pvx_SRCS += dom0-tools/libpvx/vif.c
# save images and migration streams: transport, records, page batches
pvx_SRCS += dom0-tools/libpvx/sr_io.c dom0-tools/libpvx/sr_stream.c dom0-tools/libpvx/sr_pages.c
pvx_SRCS += dom0-tools/libpvx/sr_image.c dom0-tools/libpvx/sr_config.c \
	dom0-tools/libpvx/sr_store.c dom0-tools/libpvx/sr_state.c \
	dom0-tools/libpvx/sr_suspend.c dom0-tools/libpvx/sr_save.c dom0-tools/libpvx/save.c \
	dom0-tools/libpvx/restore.c \
	dom0-tools/libpvx/sr_lazy.c dom0-tools/libpvx/dumpcore.c
# live migration: the channel and its lines, pre-copy rounds, the sender, the receiver
pvx_SRCS += dom0-tools/libpvx/mig_proto.c dom0-tools/libpvx/mig_precopy.c \
	dom0-tools/libpvx/mig_disk.c dom0-tools/libpvx/mig_send.c dom0-tools/libpvx/mig_recv.c
# The kernel image loader: ELF64 PV kernels with Xen notes, gzip through zlib.
pvx_SRCS += dom0-tools/libpvx/elfimg.c dom0-tools/libpvx/elfimg_place.c \
            dom0-tools/libpvx/elfimg_notes.c dom0-tools/libpvx/elfimg_legacy.c \
            dom0-tools/libpvx/elfimg_gzip.c
# xl's verbs: control keys, memory, rename, the saved config, host topology, CPU
# maps, scheduling.
pvx_SRCS += dom0-tools/libpvx/control.c dom0-tools/libpvx/mem.c dom0-tools/libpvx/rename.c \
            dom0-tools/libpvx/snapshot.c dom0-tools/libpvx/hostinfo.c \
            dom0-tools/libpvx/cpumap.c dom0-tools/libpvx/sched.c
pvx_SRCS += dom0-tools/libpvx/hcnames.c dom0-tools/libpvx/tracefile.c dom0-tools/libpvx/bkstat.c
