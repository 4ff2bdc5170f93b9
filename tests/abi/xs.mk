# tests/abi/xs.mk: the store ABI check (io/xs_wire.h, io/xenbus.h vs Debian's Xen headers).
UNIT_TESTS += abi_xs
abi_xs_SRCS += tests/abi/abi_xs.c
