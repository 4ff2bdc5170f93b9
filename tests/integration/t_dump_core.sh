#!/usr/bin/env bash
# pvx dump-core: a running guest's memory and registers as an ELF core that gdb opens
# with the kernel's symbols -- the counter it keeps in memory reads back as a value
# it printed, the backtrace runs through the kernel's own functions -- and the guest
# runs on; a guest that powered off (preserved) dumps too.
. "$(dirname "$0")/lib.sh"
command -v gdb >/dev/null || skip "gdb not installed (make deps)"
export PVISOR_NET_TAP=0
core=$PVISOR_RUNDIR/core
last_count() { sed -n 's/^count: \([0-9][0-9]*\)$/\1/p' "$PVISOR_RUNDIR/console/$1.log" | tail -n 1; }
counted() { [ "$(last_count "$1")" -ge "$2" ] 2>/dev/null; }
gdb_print() { gdb -batch -ex "$2" "$KERNEL" "$1" 2>&1; }

"$PVX" create -q "$(mkcfg dc 'cmdline = "app=count ms=20"')" || fail "create"
wait_for 10 counted dc 10 || fail "guest does not count"
"$PVX" dump-core dc "$core" || fail "dump-core"
v=$(gdb_print "$core" 'print count_value' | sed -n 's/^\$1 = //p')
[ -n "$v" ] || fail "gdb could not read count_value: $(gdb_print "$core" 'print count_value')"
grep -qx "count: $v" "$PVISOR_RUNDIR/console/dc.log" || fail "count_value $v was never printed"
bt=$(gdb_print "$core" bt)
grep -q "app_count_run" <<<"$bt" || fail "no kernel backtrace: $bt"
wait_for 10 counted dc $((v + 10)) || fail "the guest stopped after the dump"
ok "gdb reads count_value = $v and a backtrace through app_count_run from the core; the guest runs on"

"$PVX" create -q "$(mkcfg off 'cmdline = "app=count ms=5 n=30"' 'on_poweroff = "preserve"')" ||
	fail "create off"
wait_for 10 console_has off "count: done at 30" || fail "off did not finish"
wait_for 10 sh -c "'$PVX' list off | grep -q -- '---s--'" || fail "off is not shut down"
"$PVX" dump-core off "$core.off" || fail "dump-core of a stopped guest"
[ "$(gdb_print "$core.off" 'print count_value' | sed -n 's/^\$1 = //p')" = 30 ] ||
	fail "count_value of the stopped guest is not 30"
ok "a guest that powered off (preserved) dumps too: count_value = 30"
