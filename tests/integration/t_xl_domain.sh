#!/usr/bin/env bash
# The xl verbs that look at and rename domains, on real guests: rename (the
# hypervisor, the store, the saved config: a reboot keeps the new name),
# config-update (the next reboot boots the new config, same uuid), uptime (-s,
# --json), list -v -Z -c -n and --json, info -n / FIELD / --json, top -b (and
# --json), console -t / -n, create --dryrun and the global -N, -v and help.
. "$(dirname "$0")/lib.sh"
export XENSTORED_PATH=$PVISOR_RUNDIR/xenstored.sock

"$PVX" create -q "$(mkcfg d1 'cmdline = "app=mem mib=1"' 'uuid = "5a0b8c1e-0000-4000-8000-0000000000d1"')" ||
	fail "create d1"
"$PVX" create -q "$(mkcfg d2 'cmdline = "app=mem mib=1"')" || fail "create d2"
wait_for 20 console_has d1 "mem: touched" || fail "d1 did not start"
id=$("$PVX" domid d1)
"$PVX" rename d1 renamed || fail "rename d1 renamed"
[ "$("$PVX" domid renamed)" = "$id" ] || fail "renamed has another id"
[ "$(xenstore-read /local/domain/$id/name)" = renamed ] || fail "store name not renamed"
[ "$(xenstore-read /vm/5a0b8c1e-0000-4000-8000-0000000000d1/name)" = renamed ] || fail "/vm name"
out=$("$PVX" rename renamed d2 2>&1) && fail "rename onto d2 succeeded"
grep -q "a domain named 'd2' already exists" <<<"$out" || fail "rename onto d2: $out"
timeout 60 "$PVX" reboot -w renamed 2>/dev/null || fail "reboot renamed"
wait_for 20 sh -c "'$PVX' domid renamed >/dev/null && [ \"\$('$PVX' domid renamed)\" != $id ]" ||
	fail "renamed did not come back as renamed: $("$PVX" list)"
ok "rename: hypervisor, store, /vm; a reboot keeps the new name"

id=$("$PVX" domid renamed)
cat >"$CFGDIR/new.cfg" <<CFG
name = "renamed"
kernel = "$KERNEL"
memory = 24
cmdline = "app=mem mib=2"
CFG
"$PVX" -N config-update renamed "$CFGDIR/new.cfg" >"$PVISOR_RUNDIR/cu.json" || fail "-N config-update"
grep -q '"target_memkb": 24576' "$PVISOR_RUNDIR/cu.json" || fail "-N config-update printed no config"
"$PVX" config-update renamed "$CFGDIR/new.cfg" 2>/dev/null || fail "config-update"
timeout 60 "$PVX" reboot -w renamed 2>/dev/null || fail "reboot after config-update"
wait_for 20 sh -c "'$PVX' list renamed | awk '\$1 == \"renamed\" { print \$3 }' | grep -qx 24" ||
	fail "the new config was not booted: $("$PVX" list)"
wait_for 20 console_has renamed 'cmdline "app=mem mib=2"' || fail "new cmdline not booted"
"$PVX" list -l renamed | grep -q '"uuid": "5a0b8c1e-0000-4000-8000-0000000000d1"' ||
	fail "config-update lost the uuid"
ok "config-update: the next reboot boots the new config, same uuid"

sleep 1
up=$("$PVX" uptime d2 | awk '$1 == "d2" { print $3 }')
[[ $up =~ ^[0-9]+:[0-9][0-9]:[0-9][0-9]$ ]] || fail "uptime d2: '$up'"
"$PVX" uptime -s d2 | grep -Eq '^ [0-9:]{8} up +[0-9]+:[0-9]{2}, d2 \([0-9]+\)$' || fail "uptime -s"
"$PVX" uptime --json | python3 -c '
import json, sys
u = {d["name"]: d for d in json.load(sys.stdin)}
assert u["Domain-0"]["domid"] == 0 and u["d2"]["uptime"] >= 1, u' || fail "uptime --json"
ok "uptime: table, -s, --json"

"$PVX" list -v d2 | awk 'NR == 2 { exit !(length($7) == 36 && $8 == "-" && $9 == "-") }' ||
	fail "list -v: $("$PVX" list -v d2)"
[ "$("$PVX" list -c -n -Z d2 | awk 'NR == 2 { print $7, $8, $9 }')" = "- Pool-0 all" ] ||
	fail "list -Z -c -n: $("$PVX" list -Z -c -n d2)"
"$PVX" list --json d2 | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert len(d) == 1 and d[0]["config"]["c_info"]["name"] == "d2", d' || fail "list --json"
ok "list -v -Z -c -n and --json"

"$PVX" info -n | grep -q '^cpu_topology' && "$PVX" info -n | grep -q '^numa_info' ||
	fail "info -n has no topology"
[ "$("$PVX" info xen_major)" = 4 ] || fail "info xen_major"
"$PVX" info --json -n | python3 -c '
import json, sys
i = json.load(sys.stdin)
assert i["xen_major"] == 4 and i["nr_cpus"] >= 1 and len(i["cpu_topology"]) == i["nr_cpus"], i' ||
	fail "info --json"
ok "info -n, FIELD, --json"

out=$("$PVX" top -b -i 2 -d 1 d2) || fail "top -b"
[ "$(grep -c '^ *NAME  STATE' <<<"$out")" = 2 ] && [ "$(grep -c ' d2 ' <<<"$out")" = 2 ] ||
	fail "top -b -i 2: $out"
"$PVX" top -b -i 2 -d 1 --json | python3 -c '
import json, sys
rows = [json.loads(l) for l in sys.stdin]
assert len(rows) == 2 and {"Domain-0", "d2", "renamed"} <= {d["name"] for d in rows[1]["domains"]}, rows' ||
	fail "top --json"
python3 - "$PVX" <<'PY' || fail "top on a terminal"
import os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], "top", "-d", "1"])
def until(text, secs=15):
    seen, end = b"", time.time() + secs
    while time.time() < end and text not in seen:
        if select.select([fd], [], [], 0.1)[0]:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
    return text in seen
assert until(b"pvx top - ") and until(b"domains:"), "no summary on the terminal"
os.write(fd, b"s")
assert until(b"sort (now CPU(sec))"), "s did not sort by CPU(sec)"
os.write(fd, b"q")
for _ in range(100):
    done, st = os.waitpid(pid, os.WNOHANG)
    if done:
        sys.exit(os.waitstatus_to_exitcode(st))
    time.sleep(0.05)
os.kill(pid, 9)
sys.exit("q did not quit")
PY
ok "top -b -i N -d S, --json; on a terminal: summary, s sorts, q quits"

out=$("$PVX" console -t serial d2 2>&1) && fail "console -t serial succeeded"
grep -q "emulates no serial port" <<<"$out" || fail "console -t serial: $out"
out=$("$PVX" console -n 1 d2 2>&1) && fail "console -n 1 succeeded"
echo help | timeout 20 "$PVX" console -t pv -n 0 d2 >/dev/null || fail "console -t pv -n 0"
ok "console -t pv|serial -n N"

"$PVX" create --dryrun "$CFGDIR/new.cfg" | grep -q '"domid": null' || fail "create --dryrun"
"$PVX" -N create "$CFGDIR/new.cfg" | grep -q '"domid": null' || fail "-N create"
out=$("$PVX" -N list 2>&1) && fail "-N list succeeded"
grep -q "list does not implement -N" <<<"$out" || fail "-N list: $out"
"$PVX" -v mem-set d2 12 2>&1 | grep -q "memory/target is 12288 KiB" || fail "-v said nothing"
"$PVX" -f list >/dev/null || fail "-f list"
for v in mem-set mem-max vcpu-list vcpu-set vcpu-pin sched-credit uptime top info list rename \
	sysrq config-update shutdown reboot destroy console create help; do
	[ "$("$PVX" help | grep -c "^  $v ")" = 1 ] || fail "pvx help lacks $v"
done
"$PVX" help | awk 'NR > 2 && /^  [a-z]/ && length($0) > 80 { exit 1 }' || fail "a help line is too long"
ok "create --dryrun, global -N -v -f, help lists every verb on one line"
