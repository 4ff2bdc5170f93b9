# Test tools that act as dom0 peers of guests in integration tests and benchmarks.
HOST_PROGS += pv-evtchn-peer
pv-evtchn-peer_SRCS += tests/tools/evtchn_peer.c
pv-evtchn-peer_LIBS += pvctrl pvcommon
