# Fuzzer for pvxweb's request checks (paths, routes, bodies) and the backends'
# status lines; seeds in tests/fuzz/corpus/fuzz_pvxweb_req.
FUZZERS += fuzz_pvxweb_req
fuzz_pvxweb_req_SRCS := tests/fuzz/fuzz_pvxweb_req.c dom0-tools/pvxweb/api_route.c \
	dom0-tools/pvxweb/api_json.c dom0-tools/libpvx/bkstat.c common/util.c common/rundir.c
fuzz_pvxweb_req_LDLIBS := -lyajl
