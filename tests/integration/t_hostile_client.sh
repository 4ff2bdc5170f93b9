#!/usr/bin/env bash
# A hostile dom0 client (tests/tools/fd_abuse) takes every descriptor privcmd hands
# out -- a domain's memory, the event-channel handle's page and eventfds, the
# grant-copy buffer -- and tries to shrink or grow each, also through a read-write
# reopen in /proc/self/fd, then makes pvisor touch the page and the buffer. pvisor
# and a bystander guest must carry on: no memory file changes size.
. "$(dirname "$0")/lib.sh"
ABUSE=$BIN/fd_abuse
[ -x "$ABUSE" ] || fail "build first (missing $ABUSE)"
"$PVX" daemons start >/dev/null || fail "daemons start"

"$PVX" create -q "$(mkcfg bystander 'cmdline = "app=shell"')" || fail "create bystander"
"$PVX" create -q "$(mkcfg victim 'cmdline = "app=spin"')" || fail "create victim"
wait_for 10 console_has bystander "pvk>" || fail "no shell prompt"
hv=$(pvisor_pid)
out=$("$ABUSE" "$("$PVX" domid victim)" 2>&1) || fail "fd_abuse: $out"
echo "$out"
for what in "guest memory" "event-channel page" "grant-copy buffer"; do
	grep "^fd_abuse: $what: " <<<"$out" | grep -q DONE && fail "$what changed size: $out"
done
grep -q '^fd_abuse: changed 0 sizes$' <<<"$out" || fail "some size changed: $out"
ok "no descriptor pvisor hands out changes size"

kill -0 "$hv" 2>/dev/null || fail "pvisor died"
"$PVX" list victim >/dev/null || fail "pvisor does not answer"
answer=$( (printf 'echo still here 77\n'; sleep 1; printf '\035') | timeout 20 "$PVX" console bystander)
grep -q 'still here 77' <<<"$(tr -d '\r' <<<"$answer")" || fail "bystander does not answer: $answer"
case $(state_letters victim) in *r*|*b*) ;; *) fail "victim stopped: $(state_letters victim)";; esac
ok "pvisor, the bystander and the victim carry on"
