# pvisor top-level build: one Makefile, and one build.mk per folder (e.g.
# dom0-tools/libpvx/build.mk, tests/unit/build.mk) that declares what the folder builds;
# this file turns the declarations into rules. A build.mk only ever appends (+=) to the
# lists and to a library's _SRCS, so several folders can add to one library.
#
# A build.mk appends to these lists:
#   HOST_LIBS   += name        with name_SRCS            -> build/lib/libname.a
#   HOST_PROGS  += name        with name_SRCS, name_LIBS -> build/bin/name
#                               (name_LIBS: our libs by name; name_LDLIBS: -l flags;
#                               name_PROG_SRCS instead of name_SRCS when a library
#                               has the same name, as program and library `xs`)
#   UNIT_TESTS  += name        same variables as HOST_PROGS -> build/tests/name
#   FUZZERS     += name        with name_SRCS, name_LIBS -> build/fuzz/name (clang only)
#   EXTRA_ALL   += file        anything else `make all` must produce
# and declares, once per folder of C code, what that folder may include:
#   $(eval $(call component,FOLDER,ROOTS))
# ROOTS are folders searched as they are (`include common` for "log.h") and NAME=FOLDER
# pairs reached by name ("libxs/xs.h" with libxs=dom0-tools/libxs). The pairs become
# links in build/inc/FOLDER/, so a folder that is not declared cannot be included: the
# compiler says "No such file". tests/tools/layers.py (make lint) checks every
# declaration against the layer rules of DESIGN.md and every #include against them.
# Guest (freestanding) code has its own rules in frontends/kernel/build.mk.

.DEFAULT_GOAL := all
SHELL := /bin/bash

B        := build
CC       ?= cc
HOST_CC  := $(CC)
WARN     := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Werror
HOST_CFLAGS := -std=c11 -O2 -g -D_GNU_SOURCE -fno-strict-aliasing $(WARN) \
               -MMD -MP $(EXTRA_CFLAGS)
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
COMPONENTS :=
VIEWS      :=

# component FOLDER,ROOTS: see the top of this file. The view (links for NAME=FOLDER
# roots) is rebuilt when the build.mk that declares it changes.
root_is_named = $(findstring =,$(1))
roots_cflags = $(foreach r,$($(1)_ROOTS),$(if $(call root_is_named,$(r)),,-I$(r))) \
	$(if $(call root_is_named,$($(1)_ROOTS)),-I$(B)/inc/$(1))
define component
COMPONENTS += $(1)
$(1)_ROOTS := $(2)
$(B)/obj/$(1)/%.o: HOST_CFLAGS += $$(call roots_cflags,$(1))
$(if $(call root_is_named,$(2)),$(call component_view,$(1),$(lastword $(MAKEFILE_LIST))))
endef
define component_view
VIEWS += $(B)/inc/$(1)/.view
$(B)/inc/$(1)/.view: $(2)
	$(Q)rm -rf $$(dir $$@) && mkdir -p $$(dir $$@)
	$(Q)$$(foreach r,$$($(1)_ROOTS),$$(if $$(call root_is_named,$$(r)),\
		ln -srn $$(word 2,$$(subst =, ,$$(r))) $$(dir $$@)$$(word 1,$$(subst =, ,$$(r))) &&)) \
		touch $$@
endef

# When a goal that installs packages (deps, run, test, bench, lint) is on the command line,
# every compile waits for tests/tools/deps.sh (order-only prerequisite `| $(DEPS_FIRST)`
# on each rule that runs a compiler, here and in the fragments).
DEPS_GOALS := deps run test bench lint
DEPS_FIRST := $(if $(filter $(DEPS_GOALS),$(MAKECMDGOALS)),deps)

MAKEFILES_BELOW := $(wildcard */*.mk */*/*.mk */*/*/*.mk */*/*/*/*.mk)
FRAGMENTS := $(sort $(filter %/build.mk,$(MAKEFILES_BELOW)))
ifneq ($(filter-out %/build.mk,$(MAKEFILES_BELOW)),)
$(error one build.mk per folder: fold $(filter-out %/build.mk,$(MAKEFILES_BELOW)) into the build.mk beside it)
endif
include $(FRAGMENTS)

obj = $(patsubst %.S,$(B)/obj/%.o,$(patsubst %.c,$(B)/obj/%.o,$(1)))
libfiles = $(foreach l,$(1),$(B)/lib/lib$(l).a)

# Nothing compiles before the include views exist (and deps, see DEPS_FIRST).
BEFORE_CC := $(VIEWS) $(DEPS_FIRST)

$(B)/obj/%.o: %.c | $(BEFORE_CC)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -c -o $@ $<

$(B)/obj/%.o: %.S | $(BEFORE_CC)
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
# Fuzzers are tests: they compile sources of any component with the tests' include path
# (plus name_CFLAGS: a fuzzer of the hypervisor's adds -Ihypervisor, as its unit tests).
FUZZ_CFLAGS := -std=c11 -g -O1 -D_GNU_SOURCE -fno-strict-aliasing $(call roots_cflags,tests) \
               -fsanitize=fuzzer,address,undefined -DPV_FUZZING
define fuzz_rule
$(B)/fuzz/$(1): $($(1)_SRCS) | $(BEFORE_CC)
	@mkdir -p $$(dir $$@)
	@$(if $(Q),echo "  FUZZ    $$@")
	$(Q)$(CLANG) $(FUZZ_CFLAGS) $($(1)_CFLAGS) -o $$@ $($(1)_SRCS) $($(1)_LDLIBS)
endef
ifneq ($(CLANG),)
$(foreach f,$(FUZZERS),$(eval $(call fuzz_rule,$(f))))
FUZZ_BINS := $(foreach f,$(FUZZERS),$(B)/fuzz/$(f))
endif

ALL_LIBS  := $(foreach l,$(HOST_LIBS),$(B)/lib/lib$(l).a)
ALL_PROGS := $(foreach p,$(HOST_PROGS),$(B)/bin/$(p))
ALL_TESTS := $(foreach p,$(UNIT_TESTS),$(B)/tests/$(p))

.PHONY: all deps run test test-asan bench lint layers clean fuzz build-tests
# (The empty recipes keep the second make of run/test/bench from saying "Nothing to be
# done" when everything is built.)
all: $(ALL_LIBS) $(ALL_PROGS) $(EXTRA_ALL)
	@:
build-tests: all $(ALL_TESTS)
	@:
fuzz: $(FUZZ_BINS)
	@:

deps:
	@tests/tools/deps.sh

# run, test and bench build in a second make that starts once deps has finished: it
# sees what deps installed (clang for the fuzzers, headers), whatever -j says.
run: deps
	@$(MAKE) --no-print-directory all
	@tests/tools/run-demo.sh

test: deps
	@$(MAKE) --no-print-directory build-tests fuzz
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

bench: deps
	@$(MAKE) --no-print-directory all
	@tests/bench/run.sh

lint: deps
	@tests/tools/lint.sh

# What each component may include, one line per component (read by tests/tools/layers.py).
layers:
	@$(foreach c,$(COMPONENTS),echo '$(c): $(strip $($(c)_ROOTS))';)

clean:
	rm -rf $(B) build-asan

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)
