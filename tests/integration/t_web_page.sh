#!/usr/bin/env bash
# The browser console in Debian's chromium (headless, tests/browser/page_test.cjs):
# it lists two running guests, pauses one through its button and the confirmation
# dialog and shows the change, answers `echo` typed into the other's console, and
# shows a create the toolstack refuses in pvx's words. Screenshots:
# build/test-logs/web-*.png.
. "$(dirname "$0")/lib.sh"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
NPM_DIR=$TOP/build/npm/browser
[ -x "$BIN/pvxweb" ] || skip "pvxweb not built (it needs libwebsockets-dev: make deps)"
[ -x "$CHROMIUM" ] || skip "no chromium at $CHROMIUM (make deps installs Debian's)"
command -v node >/dev/null || skip "no node (make deps installs nodejs)"
[ "$(node -p 'process.versions.node.split(".")[0]')" -ge 18 ] ||
	skip "node $(node --version) is older than 18, which playwright-core needs"
[ -d "$NPM_DIR/node_modules/playwright-core" ] ||
	skip "playwright-core not installed in $NPM_DIR (npm ci failed? see $NPM_DIR/npm.log)"
"$PVX" create -q "$(mkcfg pa 'cmdline = "app=shell"')" || fail "create pa"
"$PVX" create -q "$(mkcfg pb 'cmdline = "app=shell"')" || fail "create pb"
wait_for 20 console_has pa "pvk>" || fail "pa: no prompt"
wait_for 20 console_has pb "pvk>" || fail "pb: no prompt"
url=$("$PVX" web --listen 127.0.0.1:0 2>/dev/null) || fail "pvx web"
mkdir -p "$TOP/build/test-logs"
PVX_URL=$url GUEST_A=pa GUEST_B=pb SHOTS=$TOP/build/test-logs NPM_DIR=$NPM_DIR CHROMIUM=$CHROMIUM \
	timeout 150 node "$TOP/tests/browser/page_test.cjs" || fail "the page test (pvxweb.log: $(tail -3 "$PVISOR_RUNDIR/pvxweb.log"))"
[ "$(state_letters pa)" = "--p---" ] || fail "pvx list shows pa as $(state_letters pa), not paused"
ok "pvx list agrees: pa is --p---"
grep -q "hello-from-chromium" "$PVISOR_RUNDIR/console/pb.log" || fail "pb's console log lacks the echo"
ok "pb's console log holds what was typed in the page"
