# Test tools that act as dom0 peers of guests in integration tests and benchmarks.
HOST_PROGS += pv-evtchn-peer
pv-evtchn-peer_SRCS += tests/tools/evtchn_peer.c
pv-evtchn-peer_LIBS += pvctrl pvcommon

HOST_PROGS += gnt_peer
gnt_peer_SRCS += tests/tools/gnt_peer.c
gnt_peer_LIBS += pvctrl pvcommon
