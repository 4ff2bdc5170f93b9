#!/usr/bin/env bash
# Install the Debian packages pvisor needs to build, test and benchmark, when missing.
set -euo pipefail
pkgs=(gcc make clang libyajl-dev zlib1g-dev libcunit1-dev libxen-dev xenstore-utils
      liburing-dev user-mode-linux busybox-static qemu-utils cpio gzip
      iproute2 tmux python3 libclang-rt-14-dev cppcheck clang-format
      libwebsockets-dev nodejs chromium python3-websocket python3-matplotlib)
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
