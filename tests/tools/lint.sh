#!/usr/bin/env bash
# make lint: cppcheck over host and guest C, clang-format check of changed files.
set -u
cd "$(dirname "$0")/../.."
rc=0
if command -v cppcheck >/dev/null; then
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
		--suppress=missingIncludeSystem --inline-suppr -D__x86_64__ \
		-Iinclude -Icommon -Idom0-tools -Ibackends \
		hypervisor common dom0-tools backends frontends || rc=1
fi
# the engine seam and the one error space (docs/DESIGN-NOTES.md)
tests/tools/check_seam.py || rc=1
if command -v clang-format >/dev/null && [ -f .clang-format ]; then
	files=$(git ls-files '*.c' '*.h')
	for f in $files; do
		clang-format --dry-run --Werror "$f" 2>/dev/null || { echo "format: $f"; rc=1; }
	done
fi
exit $rc
