# tests/bench/: benchmark helpers run by tests/bench/run.sh (`make bench`).
HOST_PROGS += bench_seccomp_rt
bench_seccomp_rt_SRCS += tests/bench/seccomp_rt.c
bench_seccomp_rt_LIBS += pvcommon
HOST_PROGS += bench_firstline
bench_firstline_SRCS += tests/bench/firstline.c
bench_firstline_LIBS += pvcommon
HOST_PROGS += bench_kvm_floor
bench_kvm_floor_SRCS += tests/bench/kvm_floor.c
bench_kvm_floor_LIBS += pvcommon
HOST_PROGS += bench_pss
bench_pss_SRCS += tests/bench/pss.c
bench_pss_LIBS += pvcommon
HOST_PROGS += bench_create
bench_create_SRCS += tests/bench/create_banner.c tests/tools/dmesg_wait.c
bench_create_LIBS += pvx xs pvctrl pvcommon
bench_create_LDLIBS += -lyajl -lz

# The store benchmark client (run by tests/bench/store.sh).
HOST_PROGS += bench_xs
bench_xs_SRCS += tests/bench/xs_bench.c
bench_xs_LIBS += xs pvcommon

# Disk benchmark helper: the host's side of b_75_blk (a static psync-only build of
# the same file runs inside User-Mode Linux; tests/tools/uml-peer.sh builds it).
HOST_PROGS += bench_blkhost
bench_blkhost_SRCS += tests/bench/bench_blkhost.c
bench_blkhost_LDLIBS += -luring
