# Unit tests of the reference kernel: its freestanding library built for the host
# (test_klib) and the whole kernel booted under a fake in-process hypervisor
UNIT_TESTS += test_klib
test_klib_SRCS := tests/unit/test_klib.c frontends/kernel/lib/format.c \
	frontends/kernel/lib/cmdline.c frontends/kernel/lib/sort.c \
	frontends/kernel/lib/pvclock.c
test_klib_LDLIBS := -lcunit


UNIT_TESTS += test_kernel_boot
test_kernel_boot_SRCS := tests/unit/test_kernel_boot.c tests/unit/kboot_fakehv.c
test_kernel_boot_LDLIBS := -lcunit
# The test boots the built image: build it first.
$(B)/tests/test_kernel_boot: | $(B)/guest/pvkernel
