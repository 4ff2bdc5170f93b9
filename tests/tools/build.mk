# tests/tools/: host programs the integration tests and benchmarks drive.
HOST_PROGS += gnt_peer
gnt_peer_SRCS += tests/tools/gnt_peer.c
gnt_peer_LIBS += pvctrl pvcommon
