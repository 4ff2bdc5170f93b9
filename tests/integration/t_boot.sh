#!/usr/bin/env bash
# Boot the reference kernel, see its banner, and watch it power off cleanly.
. "$(dirname "$0")/lib.sh"
cfg=$(mkcfg boot 'cmdline = "app=hello"')
out=$("$PVX" create -c "$cfg" 2>&1) || fail "create -c failed: $out"
grep -q '^pvkernel 0.1: 16 MiB memory, cmdline "app=hello"$' <<<"$out" || fail "no banner: $out"
grep -q '^hello: done$' <<<"$out" || fail "hello did not finish: $out"
grep -q 'shutting down (poweroff)' <<<"$out" || fail "no poweroff: $out"
ok "banner and clean poweroff"
# on_poweroff = destroy (the default): the domain is gone
wait_for 5 bash -c "! '$PVX' list boot" || fail "domain still listed after poweroff"
console_has boot "hello: done" || fail "console log lacks the session"
"$PVX" dmesg | grep -q 'dom[0-9]* (boot): shut down, reason 0' || fail "dmesg lacks the shutdown"
ok "destroyed after poweroff; console log and dmesg kept"
# on_poweroff = preserve keeps it, in state s with reason -
cfg=$(mkcfg keep 'cmdline = "app=hello"' 'on_poweroff = "preserve"')
"$PVX" create -q -c "$cfg" >/dev/null || fail "create keep"
[ "$(state_letters keep)" = "---s--" ] || fail "preserved state is $(state_letters keep)"
cfg=$(mkcfg rb 'cmdline = "app=reboot"' 'on_reboot = "preserve"')
"$PVX" create -q -c "$cfg" >/dev/null || fail "create rb"
[ "$(state_letters rb)" = "---sr-" ] || fail "reboot state is $(state_letters rb)"
ok "preserved poweroff ---s-- and reboot ---sr-"
# gzip-compressed kernel
cfg=$(mkcfg gz 'cmdline = "app=hello"' "kernel = \"$KERNEL.gz\"")
"$PVX" create -c "$cfg" 2>&1 | grep -q '^hello: done$' || fail "gzip kernel did not boot"
ok "gzip kernel boots"
