# tests/fuzz/: libFuzzer harnesses, one per parser of untrusted input, built with clang
# (make fuzz; tests/run.sh runs each on its seeds in tests/fuzz/corpus/NAME).

# Fuzzer for the xl.cfg parser, domcfg and its JSON; seeds in tests/fuzz/corpus/fuzz_cfg.
FUZZERS += fuzz_cfg
fuzz_cfg_SRCS := tests/fuzz/fuzz_cfg.c dom0-tools/libpvx/cfg.c dom0-tools/libpvx/cfg_lex.c \
                 dom0-tools/libpvx/pvx_err.c \
                 dom0-tools/libpvx/domcfg.c dom0-tools/libpvx/domcfg_check.c \
                 dom0-tools/libpvx/domcfg_keys.c dom0-tools/libpvx/domcfg_xlkeys.c \
                 dom0-tools/libpvx/domcfg_json.c dom0-tools/libpvx/diskspec.c \
                 dom0-tools/libpvx/vifspec.c common/util.c \
                 common/netaddr.c
fuzz_cfg_LDLIBS := -lyajl

# Fuzzer for the libpvx kernel image loader; seeds come from
# `build/tests/test_elfimg --write-corpus tests/fuzz/corpus/fuzz_elfimg`.
FUZZERS += fuzz_elfimg
fuzz_elfimg_SRCS := tests/fuzz/fuzz_elfimg.c dom0-tools/libpvx/elfimg.c \
                    dom0-tools/libpvx/elfimg_place.c dom0-tools/libpvx/elfimg_notes.c \
                    dom0-tools/libpvx/elfimg_legacy.c dom0-tools/libpvx/elfimg_gzip.c \
                    common/util.c dom0-tools/libpvx/pvx_err.c
fuzz_elfimg_LDLIBS := -lz

# libFuzzer harness for the console ring (both halves).
FUZZERS += fuzz_console_ring
fuzz_console_ring_SRCS += tests/fuzz/fuzz_console_ring.c frontends/kernel/lib/consring.c \
	dom0-tools/pvconsoled/cring.c

# libFuzzer harnesses for the store daemon's message core.
FUZZERS += fuzz_xsd_msg
fuzz_xsd_msg_SRCS += tests/fuzz/fuzz_xsd_msg.c common/log.c common/util.c \
	$(xsdcore_SRCS)
FUZZERS += fuzz_xsd_journal
fuzz_xsd_journal_SRCS += tests/fuzz/fuzz_xsd_journal.c common/log.c common/util.c \
	$(xsdcore_SRCS)
FUZZERS += fuzz_xsd_ring
fuzz_xsd_ring_SRCS += tests/fuzz/fuzz_xsd_ring.c common/log.c common/util.c \
	$(xsdcore_SRCS)

# Fuzzer for blkback's request validation; seeds in tests/fuzz/corpus/fuzz_blkreq.
FUZZERS += fuzz_blkreq
fuzz_blkreq_SRCS := tests/fuzz/fuzz_blkreq.c backends/blkback/blk_req.c
# Fuzzer for qemu-img info's JSON parser (backing file names come from image files).
FUZZERS += fuzz_image
fuzz_image_SRCS := tests/fuzz/fuzz_image.c dom0-tools/libpvx/image.c dom0-tools/libpvx/pvx_err.c
fuzz_image_LDLIBS := -lyajl

# Fuzzers of the network pieces: netback's tx validation and rx planning, and the
# vif spec parser.
FUZZERS += fuzz_netback_tx
fuzz_netback_tx_SRCS := tests/fuzz/fuzz_netback_tx.c backends/netback/nb_tx.c backends/netback/nb_rx.c
FUZZERS += fuzz_vifspec
fuzz_vifspec_SRCS := tests/fuzz/fuzz_vifspec.c dom0-tools/libpvx/vifspec.c common/util.c \
                     dom0-tools/libpvx/pvx_err.c \
                     common/netaddr.c

# Fuzzers of the hypervisor's untrusted input: privcmd messages from dom0 and guest
# hypercall arguments, each against the real core (every pvcore source, with the
# hypervisor's include root as its unit tests have it).
FUZZERS += fuzz_privcmd
fuzz_privcmd_SRCS := tests/fuzz/fuzz_privcmd.c $(pvcore_SRCS) $(pvcommon_SRCS)
fuzz_privcmd_CFLAGS := -Ihypervisor
FUZZERS += fuzz_hypercall
fuzz_hypercall_SRCS := tests/fuzz/fuzz_hypercall.c $(pvcore_SRCS) $(pvcommon_SRCS)
fuzz_hypercall_CFLAGS := -Ihypervisor
# Fuzzer for the save-image reader (restore, the lazy pager, migration's receiver);
# seeds from tests/fuzz/make_sr_seeds.py in tests/fuzz/corpus/fuzz_sr_image.
FUZZERS += fuzz_sr_image
fuzz_sr_image_SRCS := tests/fuzz/fuzz_sr_image.c dom0-tools/libpvx/sr_io.c \
	dom0-tools/libpvx/sr_stream.c dom0-tools/libpvx/sr_pages.c dom0-tools/libpvx/sr_image.c \
	dom0-tools/libpvx/sr_state.c dom0-tools/libpvx/sr_config.c dom0-tools/libpvx/pvx_err.c \
	dom0-tools/libpvx/cfg.c dom0-tools/libpvx/cfg_lex.c dom0-tools/libpvx/cfg_format.c \
	dom0-tools/libpvx/domcfg.c dom0-tools/libpvx/domcfg_check.c \
	dom0-tools/libpvx/domcfg_keys.c dom0-tools/libpvx/domcfg_xlkeys.c \
	dom0-tools/libpvx/domcfg_json.c dom0-tools/libpvx/diskspec.c \
	dom0-tools/libpvx/vifspec.c common/util.c common/netaddr.c
fuzz_sr_image_LDLIBS := -lyajl -lz

# Fuzzer for pvxweb's request checks (paths, routes, bodies) and the backends'
# status lines; seeds in tests/fuzz/corpus/fuzz_pvxweb_req.
FUZZERS += fuzz_pvxweb_req
fuzz_pvxweb_req_SRCS := tests/fuzz/fuzz_pvxweb_req.c dom0-tools/pvxweb/api_route.c \
	dom0-tools/pvxweb/api_json.c dom0-tools/libpvx/bkstat.c common/util.c common/rundir.c
fuzz_pvxweb_req_LDLIBS := -lyajl
