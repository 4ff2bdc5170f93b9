#!/usr/bin/env bash
# pvx list while a guest runs: xl's columns and state letters, JSON with -l,
# domid/domname lookups.
. "$(dirname "$0")/lib.sh"
cfg=$(mkcfg lister 'cmdline = "app=spin"' 'vcpus = 1' 'memory = 24')
"$PVX" create -q "$cfg" || fail "create"
wait_for 5 console_has lister "spin: spinning" || fail "guest did not start"
out=$("$PVX" list)
head -n 1 <<<"$out" | grep -qx 'Name                                        ID   Mem VCPUs      State   Time(s)' ||
	fail "header differs: $(head -n 1 <<<"$out")"
row=$(grep '^lister ' <<<"$out")
id=$("$PVX" domid lister)
python3 - "$row" "$id" <<'PY' || fail "row format: '$row'"
import re, sys
row, domid = sys.argv[1], int(sys.argv[2])
m = re.fullmatch(r"(.{40}) +(\d+) +(\d+) +(\d+)     ([-rbpscwSd]{6})  +(\d+\.\d)", row)
assert m, row
assert m.group(1).strip() == "lister" and int(m.group(2)) == domid
assert int(m.group(3)) == 24 and int(m.group(4)) == 1, row
assert m.group(5) == "r-----", m.group(5)
PY
grep -q '^Domain-0 ' <<<"$out" || fail "no Domain-0 row"
ok "table row: $row"
[ "$("$PVX" domname "$id")" = lister ] || fail "domname"
"$PVX" list -l lister | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert len(d) == 1 and d[0]["domid"] > 0
c = d[0]["config"]
assert c["c_info"]["name"] == "lister", c
assert c["b_info"]["target_memkb"] == 24 * 1024, c["b_info"]
assert d[0]["pvisor"]["state"] == "running"
' || fail "list -l JSON"
ok "list -l JSON, domid, domname"
"$PVX" destroy lister || fail "destroy"
