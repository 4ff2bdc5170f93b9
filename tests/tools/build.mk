# Test tools that act as dom0 peers of guests in integration tests and benchmarks.
HOST_PROGS += evtchn_peer
evtchn_peer_SRCS += tests/tools/evtchn_peer.c tests/tools/dmesg_wait.c
evtchn_peer_LIBS += pvctrl pvcommon

HOST_PROGS += gnt_peer
gnt_peer_SRCS += tests/tools/gnt_peer.c
gnt_peer_LIBS += pvctrl pvcommon

HOST_PROGS += blkpattern
blkpattern_SRCS += tests/tools/blkpattern.c
blkpattern_LIBS += pvcommon

HOST_PROGS += vcpuctx
vcpuctx_SRCS += tests/tools/vcpuctx.c
vcpuctx_LIBS += pvctrl pvcommon

HOST_PROGS += fd_abuse
fd_abuse_SRCS += tests/tools/fd_abuse.c
fd_abuse_LIBS += pvctrl pvcommon

HOST_PROGS += dirtylog
dirtylog_SRCS += tests/tools/dirtylog.c
dirtylog_LIBS += pvctrl pvcommon

# dirtyprobe: the host kernel's ways of tracking writes, measured (docs/NOTES-migrate.md)
HOST_PROGS += dirtyprobe
dirtyprobe_SRCS += tests/tools/dirtyprobe.c
dirtyprobe_LDLIBS += -lpthread

# pvctrl_batch: pipelined requests with failures in the middle (t_create_console.sh)
HOST_PROGS += pvctrl_batch
pvctrl_batch_SRCS += tests/tools/pvctrl_batch.c
pvctrl_batch_LIBS += pvctrl pvcommon
