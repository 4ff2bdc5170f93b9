# backends/blkback: the block backend daemon. blkreq (request validation) is its own
# library so the unit test and the fuzzer link it alone.

# What this folder may include (DESIGN.md section 2; see the top Makefile).
$(eval $(call component,backends/blkback,include common blkback=backends/blkback common=backends/common \
	libxs=dom0-tools/libxs libpvctrl=dom0-tools/libpvctrl))

HOST_LIBS += blkreq
blkreq_SRCS += backends/blkback/blk_req.c
HOST_PROGS += blkback
blkback_SRCS += backends/blkback/main.c backends/blkback/blk_disk.c \
	backends/blkback/blk_ring.c backends/blkback/blk_io.c backends/blkback/blk_pgrant.c \
	backends/blkback/blk_uring.c backends/blkback/blk_nbd.c backends/blkback/blk_nbd_conn.c \
	backends/blkback/blk_vhost.c backends/blkback/blk_vhost_dev.c backends/blkback/blk_vu.c \
	backends/blkback/blk_vring.c
blkback_LIBS += blkreq xenbus_be xs pvctrl pvcommon
blkback_LDLIBS += -luring -lnbd
