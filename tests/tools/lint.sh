#!/usr/bin/env bash
# make lint: the rules the tree checks itself, each one a step that must pass:
#   cppcheck   host and guest C (warnings and portability)
#   format     clang-format (.clang-format) over the covered files (tests/tools/format.sh)
#   layers     which folder may include which (DESIGN.md section 2; tests/tools/layers.py)
#   seam       the hypervisor core names no engine and no host errno (tests/tools/check_seam.py)
# A missing tool fails the step: `make deps` installs them.
set -u
cd "$(dirname "$0")/../.." || exit 1
rc=0
step() { # name command...
	local name=$1; shift
	if "$@"; then
		echo "  LINT    $name: ok"
	else
		echo "  LINT    $name: FAILED"
		rc=1
	fi
}
need() { command -v "$1" >/dev/null || { echo "lint: $1 not installed (make deps)"; return 1; }; }

run_cppcheck() {
	need cppcheck || return 1
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
		--suppress=missingIncludeSystem --inline-suppr -D__x86_64__ \
		-Iinclude -Icommon -Idom0-tools -Ibackends \
		hypervisor common dom0-tools backends frontends
}
step cppcheck run_cppcheck
step format tests/tools/format.sh
step layers tests/tools/layers.py
step seam tests/tools/check_seam.py
exit $rc
