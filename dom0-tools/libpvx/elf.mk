# libpvx kernel image loader: ELF64 PV kernels with Xen notes, gzip through zlib.
pvx_SRCS += dom0-tools/libpvx/elfimg.c dom0-tools/libpvx/elfimg_place.c \
            dom0-tools/libpvx/elfimg_notes.c dom0-tools/libpvx/elfimg_legacy.c \
            dom0-tools/libpvx/elfimg_gzip.c
