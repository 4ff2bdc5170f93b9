#!/usr/bin/env bash
# Install the Debian packages pvisor needs to build, test and benchmark, when missing.
set -euo pipefail
# Checked against the tree: every system header and library of the C code, every
# command of the scripts (tests/, .ci/). Essential packages (coreutils, util-linux,
# findutils, ...) are on every Debian system and not listed.
pkgs=(gcc libc6-dev make gzip git                # build (gzip: pvkernel.gz; git: lint)
      libyajl-dev zlib1g-dev liburing-dev        # libpvx (JSON, gzip kernels), blkback
      libnbd-dev                                 # blkback's NBD client (qcow2 & co, network disks)
      libcunit1-dev libxen-dev                   # unit tests, ABI tests (Xen's headers)
      clang libclang-rt-14-dev                   # fuzzers (libFuzzer runtime)
      cppcheck clang-format python3              # make lint (and the tests' helpers)
      xenstore-utils iproute2 procps bc          # tests: xenstore-*, ip, pgrep/ps, timing
      user-mode-linux busybox-static cpio file   # bench: the UML peer, its initramfs (file: is busybox static?)
      gdb criu                                   # tests: dump-core; bench: CRIU beside save/restore
      python3-matplotlib                         # bench: the scale section's curve; pvx trace report's PNG
      qemu-utils nbdkit tmux                     # qemu-nbd/qemu-img (disk images), tests: nbdkit; consoles
      qemu-system-common                         # qemu-storage-daemon (vhost-user-blk disk server)
      libwebsockets-dev nodejs                   # pvxweb (HTTP, WebSocket), its page (npm)
      chromium python3-websocket)                # tests: the page in a browser, the API's streams
# npm comes with nodejs from NodeSource; Debian's nodejs needs its npm package
command -v npm >/dev/null 2>&1 || pkgs+=(npm)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "pvx deps: missing packages: ${missing[*]}" >&2
  echo "pvx deps: run 'sudo make deps' (or apt-get install them) and try again" >&2
  exit 1
fi
echo "  DEPS    installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
