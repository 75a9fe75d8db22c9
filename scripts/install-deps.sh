#!/usr/bin/env bash
# Installs what building, packaging and testing need on Debian 12 / Ubuntu 22.04+.
# Idempotent: does nothing when everything is there already.
set -euo pipefail
packages=(
  build-essential g++ cmake pkg-config git bc curl ca-certificates
  libsystemd-dev libacl1-dev libboost-dev nlohmann-json3-dev libcurl4-openssl-dev
  libgtest-dev libgmock-dev
  debhelper fakeroot lintian man-db clang-format clang-tidy
  systemd systemd-container dbus acl
  podman runc busybox-static uidmap jq
  clang
)
# libFuzzer and the sanitizers' runtimes for clang (fuzz/): a package of their own on
# Debian 12; where apt knows no such package, clang's own packages carry them.
if dpkg-query -W libclang-rt-dev >/dev/null 2>&1 || apt-cache show libclang-rt-dev >/dev/null 2>&1; then
  packages+=(libclang-rt-dev)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: everything is installed"
  exit 0
fi
[ "$(id -u)" = 0 ] || { echo "install-deps: run as root to install: ${missing[*]}" >&2; exit 1; }
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
