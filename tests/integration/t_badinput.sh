#!/usr/bin/env bash
# Bad input gets one clear line naming the problem, and leaves nothing behind.
. "$(dirname "$0")/lib.sh"
"$PVX" daemons start || fail "daemons"

expect_error() { # expected-regex command...
	local re=$1; shift
	local out
	out=$("$@" 2>&1) && fail "succeeded: $*"
	out=$(grep -v '^Parsing config from' <<<"$out")
	[ "$(wc -l <<<"$out")" -eq 1 ] || fail "not one line: $out"
	grep -Eq "$re" <<<"$out" || fail "message '$out' does not match '$re'"
	ok "$out"
}

cfg=$(mkcfg nokernel "kernel = \"$PVISOR_RUNDIR/missing-kernel\"")
expect_error "^pvx: nokernel: kernel '.*missing-kernel': .*No such file" "$PVX" create "$cfg"

echo "this is not an ELF file" >"$PVISOR_RUNDIR/notelf"
cfg=$(mkcfg notelf "kernel = \"$PVISOR_RUNDIR/notelf\"")
expect_error "^pvx: notelf: kernel '.*notelf': not an ELF file" "$PVX" create "$cfg"

cfg=$(mkcfg huge 'memory = 1000000')
expect_error "^pvx: huge: memory 1000000 MiB is more than the host's [0-9]+ MiB" "$PVX" create "$cfg"

cfg=$(mkcfg dup 'cmdline = "app=spin"')
"$PVX" create -q "$cfg" || fail "first dup"
expect_error "^pvx: dup: a domain named 'dup' already exists \(id [0-9]+\)" "$PVX" create "$cfg"
"$PVX" destroy dup

expect_error "^pvx: nosuch: no such domain" "$PVX" destroy nosuch
expect_error "^pvx: 12345: no such domain" "$PVX" pause 12345

cfg=$(mkcfg unknownkey 'cmdline = "app=hello"' 'frobnicate = 7')
out=$("$PVX" create -c "$cfg" 2>&1) || fail "unknown key made create fail: $out"
grep -q "unknownkey.cfg:[0-9]*: warning: unknown key 'frobnicate' ignored" <<<"$out" ||
	fail "no warning naming the key: $out"
ok "unknown key: warning naming it, guest still boots"

cfg=$(mkcfg badmem 'memory = "lots"')
expect_error "^pvx: .*badmem.cfg:[0-9]+: memory: " "$PVX" create "$cfg"

# nothing was left behind by the failures
n=$("$PVX" list | tail -n +3 | wc -l)
[ "$n" -eq 0 ] || fail "$n domains left after failed creates: $("$PVX" list)"
[ "$(domain_procs)" -eq 0 ] || fail "domain processes left"
ok "no domains or processes left behind"
