# Fuzzers of the hypervisor's untrusted input: privcmd messages from dom0 and guest
# hypercall arguments, each against the real core (every pvcore source).
FUZZERS += fuzz_privcmd
fuzz_privcmd_SRCS := tests/fuzz/fuzz_privcmd.c $(pvcore_SRCS) $(pvcommon_SRCS)
FUZZERS += fuzz_hypercall
fuzz_hypercall_SRCS := tests/fuzz/fuzz_hypercall.c $(pvcore_SRCS) $(pvcommon_SRCS)
