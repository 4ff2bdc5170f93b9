# Unit tests of the virtual disk pieces: blkback's request validation and libpvx's
# disk spec parser.
UNIT_TESTS += test_blkreq
test_blkreq_SRCS := tests/unit/test_blkreq.c
test_blkreq_LIBS := blkreq
test_blkreq_LDLIBS := -lcunit
UNIT_TESTS += test_diskspec
test_diskspec_SRCS := tests/unit/test_diskspec.c
test_diskspec_LIBS := pvx pvcommon
test_diskspec_LDLIBS := -lcunit
UNIT_TESTS += test_ustar
test_ustar_SRCS := tests/unit/test_ustar.c frontends/kernel/lib/ustar.c
test_ustar_LDLIBS := -lcunit
$(B)/obj/tests/unit/test_ustar.o: HOST_CFLAGS += -Ifrontends/kernel
$(B)/obj/frontends/kernel/lib/ustar.o: HOST_CFLAGS += -Ifrontends/kernel
UNIT_TESTS += test_image
test_image_SRCS := tests/unit/test_image.c
test_image_LIBS := pvx xs pvctrl pvcommon
test_image_LDLIBS := -lcunit -lyajl
