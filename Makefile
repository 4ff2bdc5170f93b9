# pvisor top-level build: one Makefile, per-component fragments (any *.mk below the top,
# e.g. dom0-tools/libpvx/build.mk, tests/unit/cfg.mk) that declare what they build; this
# file turns the declarations into rules. Fragments only ever append (+=) to the lists
# and to a library's _SRCS, so several fragments can add to one library.
#
# A fragment appends to these lists:
#   HOST_LIBS   += name        with name_SRCS            -> build/lib/libname.a
#   HOST_PROGS  += name        with name_SRCS, name_LIBS -> build/bin/name
#                               (name_LIBS: our libs by name; name_LDLIBS: -l flags;
#                               name_PROG_SRCS instead of name_SRCS when a library
#                               has the same name, as program and library `xs`)
#   UNIT_TESTS  += name        same variables as HOST_PROGS -> build/tests/name
#   FUZZERS     += name        with name_SRCS, name_LIBS -> build/fuzz/name (clang only)
#   EXTRA_ALL   += file        anything else `make all` must produce
# Guest (freestanding) code has its own rules in frontends/kernel/build.mk.

.DEFAULT_GOAL := all
SHELL := /bin/bash

B        := build
CC       ?= cc
HOST_CC  := $(CC)
WARN     := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Werror
HOST_CFLAGS := -std=c11 -O2 -g -D_GNU_SOURCE -fno-strict-aliasing $(WARN) \
               -Iinclude -Icommon -Idom0-tools -Ibackends -MMD -MP $(EXTRA_CFLAGS)
HOST_LDFLAGS := $(EXTRA_LDFLAGS)

ifeq ($(V),1)
Q :=
else
Q := @
endif

HOST_LIBS  :=
HOST_PROGS :=
UNIT_TESTS :=
FUZZERS    :=
EXTRA_ALL  :=

FRAGMENTS := $(sort $(wildcard */*.mk */*/*.mk */*/*/*.mk))
include $(FRAGMENTS)

obj = $(patsubst %.S,$(B)/obj/%.o,$(patsubst %.c,$(B)/obj/%.o,$(1)))
libfiles = $(foreach l,$(1),$(B)/lib/lib$(l).a)

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -c -o $@ $<

$(B)/obj/%.o: %.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(HOST_CC) -c -o $@ $<

define lib_rule
$(B)/lib/lib$(1).a: $(call obj,$($(1)_SRCS))
	@mkdir -p $$(dir $$@)
	@$(if $(Q),echo "  AR      $$@")
	$(Q)rm -f $$@ && ar rcs $$@ $$^
endef

prog_srcs = $(if $($(1)_PROG_SRCS),$($(1)_PROG_SRCS),$($(1)_SRCS))
define prog_rule
$(2)/$(1): $(call obj,$(call prog_srcs,$(1))) $(call libfiles,$($(1)_LIBS))
	@mkdir -p $$(dir $$@)
	@$(if $(Q),echo "  LD      $$@")
	$(Q)$(HOST_CC) $(HOST_LDFLAGS) -o $$@ $(call obj,$(call prog_srcs,$(1))) $(call libfiles,$($(1)_LIBS)) $($(1)_LDLIBS) -lpthread
endef

$(foreach l,$(HOST_LIBS),$(eval $(call lib_rule,$(l))))
$(foreach p,$(HOST_PROGS),$(eval $(call prog_rule,$(p),$(B)/bin)))
$(foreach p,$(UNIT_TESTS),$(eval $(call prog_rule,$(p),$(B)/tests)))

# Fuzzers: built with clang's libFuzzer when clang is present, from separate objects.
CLANG := $(shell command -v clang 2>/dev/null)
FUZZ_CFLAGS := -std=c11 -g -O1 -D_GNU_SOURCE -fno-strict-aliasing -Iinclude -Icommon \
               -Idom0-tools -Ibackends -Ihypervisor -fsanitize=fuzzer,address,undefined \
               -DPV_FUZZING
define fuzz_rule
$(B)/fuzz/$(1): $($(1)_SRCS)
	@mkdir -p $$(dir $$@)
	@$(if $(Q),echo "  FUZZ    $$@")
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -o $$@ $($(1)_SRCS) $($(1)_LDLIBS)
endef
ifneq ($(CLANG),)
$(foreach f,$(FUZZERS),$(eval $(call fuzz_rule,$(f))))
FUZZ_BINS := $(foreach f,$(FUZZERS),$(B)/fuzz/$(f))
endif

ALL_LIBS  := $(foreach l,$(HOST_LIBS),$(B)/lib/lib$(l).a)
ALL_PROGS := $(foreach p,$(HOST_PROGS),$(B)/bin/$(p))
ALL_TESTS := $(foreach p,$(UNIT_TESTS),$(B)/tests/$(p))

.PHONY: all deps run test test-asan bench lint clean fuzz build-tests
all: $(ALL_LIBS) $(ALL_PROGS) $(EXTRA_ALL)
build-tests: all $(ALL_TESTS)
fuzz: $(FUZZ_BINS)

deps:
	@tests/tools/deps.sh

run: deps all
	@tests/tools/run-demo.sh

test: deps build-tests fuzz
	@tests/run.sh

# The tree again in build-asan/ with AddressSanitizer and UndefinedBehaviorSanitizer
# (host code only: the guest kernel and the launcher are freestanding), then the
# tests that feed it bad input (tests/run-asan.sh says which and why).
ASAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer
test-asan: deps
	@$(MAKE) --no-print-directory B=build-asan EXTRA_CFLAGS="$(ASAN_FLAGS)" \
		EXTRA_LDFLAGS="$(ASAN_FLAGS)" build-tests fuzz
	@tests/run-asan.sh

bench: deps all
	@tests/bench/run.sh

lint:
	@tests/tools/lint.sh

clean:
	rm -rf $(B) build-asan

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)
