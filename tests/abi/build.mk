# ABI conformance: pvisor's include/pvisor headers against Debian's Xen headers
# (libxen-dev). Xen's domctl.h pulls in hvm/save.h, which needs GNU C, hence gnu11.
UNIT_TESTS += abi_core
abi_core_SRCS := tests/abi/abi_core.c

$(B)/obj/tests/abi/%.o: HOST_CFLAGS += -std=gnu11
UNIT_TESTS += abi_ops
abi_ops_SRCS := tests/abi/abi_ops.c
UNIT_TESTS += abi_ctl
abi_ctl_SRCS := tests/abi/abi_ctl.c
UNIT_TESTS += abi_evgnt
abi_evgnt_SRCS := tests/abi/abi_evgnt.c
UNIT_TESTS += abi_io
abi_io_SRCS := tests/abi/abi_io.c
UNIT_TESTS += abi_ring
abi_ring_SRCS := tests/abi/abi_ring.c

# The store ABI check (io/xs_wire.h, io/xenbus.h vs Debian's Xen headers).
UNIT_TESTS += abi_xs
abi_xs_SRCS += tests/abi/abi_xs.c
