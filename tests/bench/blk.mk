# Disk benchmark helper: the host's side of b_75_blk (a static psync-only build of
# the same file runs inside User-Mode Linux; tests/tools/uml-peer.sh builds it).
HOST_PROGS += bench_blkhost
bench_blkhost_SRCS += tests/bench/bench_blkhost.c
bench_blkhost_LDLIBS += -luring
