#!/usr/bin/env bash
# ABI headers stand alone: every include/pvisor header compiles by itself as
# freestanding C11 and GNU11 (-pedantic, -Werror), twice (include guards), with no
# include path but the compiler's own <stdint.h>, so a header that pulls in
# anything outside include/pvisor fails here.
set -u
cd "$(dirname "$0")/../.."
cc=${CC:-cc}
gccinc=$("$cc" -print-file-name=include)
if [ ! -f "$gccinc/stdint.h" ]; then
	echo "t_abi_headers: compiler has no freestanding stdint.h in $gccinc"
	exit 77
fi
fail=0; n=0
while IFS= read -r h; do
	rel=${h#include/}
	n=$((n + 1))
	for std in c11 gnu11; do
		if ! printf '#include <%s>\n#include <%s>\nint pv_abi_header_probe;\n' "$rel" "$rel" |
			"$cc" -x c -std=$std -pedantic -ffreestanding -nostdinc -isystem "$gccinc" \
				-Iinclude -Wall -Wextra -Wshadow -Wstrict-prototypes \
				-Wmissing-prototypes -Werror -fsyntax-only - 2>"${TMPDIR:-/tmp}/t_abi_hdr.$$"; then
			echo "FAIL $rel (-std=$std):"; sed 's/^/  /' "${TMPDIR:-/tmp}/t_abi_hdr.$$"
			fail=$((fail + 1))
		fi
	done
	bad=$(grep -E '^[[:space:]]*#[[:space:]]*include' "$h" |
		grep -vE '#[[:space:]]*include[[:space:]]*(<stdint\.h>|"[^"]+\.h")' || true)
	if [ -n "$bad" ]; then
		echo "FAIL $rel: includes something other than <stdint.h> or pvisor headers: $bad"
		fail=$((fail + 1))
	fi
	first=$(grep -m1 -v '^[[:space:]]*$' "$h")
	case $first in
	'/*'*) ;;
	*) echo "FAIL $rel: first line is not a comment saying what the file is for"; fail=$((fail + 1)) ;;
	esac
done < <(find include/pvisor -name '*.h' | sort)
rm -f "${TMPDIR:-/tmp}/t_abi_hdr.$$"
echo "t_abi_headers: $n headers, $fail failures"
[ "$n" -gt 0 ] && [ "$fail" -eq 0 ]
