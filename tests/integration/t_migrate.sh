#!/usr/bin/env bash
# Live migration between two pvisor hosts on this machine (two run directories, the
# second reached through tests/tools/host2.sh as ssh would reach it): a guest
# counting in memory migrates with --debug (every page checked on the receiver),
# keeps its name and counts on there with no value lost or repeated, its memory
# pattern intact, and is gone from the first host; it migrates back the same way;
# a shell guest migrates and pvx console reaches it on its new host. The arrived
# domain's process is walled as a created one is (docs/SECURITY.md).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/migrate_lib.sh"

"$PVX" create -q "$(mkcfg cnt 'memory = 32' 'cmdline = "app=count ms=10 mib=8"')" ||
	fail "create"
wait_for 20 console_has cnt "count: 20" || fail "the guest did not count"
out=$("$PVX" migrate --debug -s "$HOST2" cnt "$H2" 2>&1) || fail "migrate: $out"
echo "$out"
grep -q "^migration target: --debug: all [0-9]* pages match the sender's" <<<"$out" ||
	fail "the receiver did not check every page"
grep -Eq '^migration: [0-9]+ rounds, pages per round: [0-9 ]+ \(memory 8192 pages;' <<<"$out" ||
	fail "no report of the rounds"
! "$PVX" list cnt >/dev/null 2>&1 || fail "the domain is still on the first host"
pvx2 list cnt >/dev/null || fail "the domain is not on the second host"
ok "migrated under its own name, every page checked, gone from the first host"
pm=$(pvx2 list -l cnt | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["pvisor"]["pid"])')
walls_held "$pm" "$(cat "$H2/pvisor.pid")" "$(pvx2 domid cnt)" 1 32 ||
	fail "the migrated-in domain is not walled"
ok "the migrated-in domain (process $pm) is walled: not root, its own namespaces and cgroup"

log1=$PVISOR_RUNDIR/console/cnt.log log2=$H2/console/cnt.log
last=$(count_last "$log1")
want=$((last + 40))
wait_for 30 console2_has cnt "count: $want" || fail "it did not count on after the migration"
console2_has cnt "count: 8 MiB verified after restore 1" || fail "memory pattern lost"
n=$(count_seq "$log1" "$log2") || fail "values lost or repeated across the migration"
ok "counted on from $last on the new host, no value lost or repeated ($n values)"

out=$(pvx2 migrate -s "$HOST2" cnt "$PVISOR_RUNDIR" 2>&1) || fail "migrate back: $out"
! pvx2 list cnt >/dev/null 2>&1 || fail "still on the second host"
last=$(count_last "$log2")
wait_for 30 console_has cnt "count: $((last + 20))" || fail "no counting after coming back"
console_has cnt "count: 8 MiB verified after restore 2" || fail "memory pattern lost coming back"
python3 - "$log1" "$log2" <<'PY' || fail "values lost or repeated coming back"
import re, sys
# the first host's log holds the run before and after its stay on the second host
vals = []
for name in sys.argv[1:]:
    vals.append([int(m.group(1)) for m in re.finditer(r'^count: (\d+)$', open(name).read(), re.M)])
a, b = vals
i = a.index(b[0] - 1) + 1 if b[0] - 1 in a else None
seq = a[:i] + b + a[i:] if i is not None else []
sys.exit(0 if seq and all(y == x + 1 for x, y in zip(seq, seq[1:])) else 1)
PY
ok "migrated back, counting on with nothing lost"

"$PVX" create -q "$(mkcfg sh1 'cmdline = "app=shell"')" || fail "create shell"
wait_for 10 console_has sh1 "pvk>" || fail "no shell prompt"
out=$("$PVX" migrate -s "$HOST2" sh1 "$H2" 2>&1) || fail "migrate the shell: $out"
out=$( (printf 'echo moved answer 42\n'; sleep 1; printf '\035') | timeout 20 "$HOST2" "$H2" \
	pvx console sh1)
grep -qx 'moved answer 42' <<<"$(tr -d '\r' <<<"$out")" ||
	fail "pvx console on the new host got no answer: $out"
ok "pvx console reaches the migrated shell on its new host"
