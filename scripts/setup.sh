#!/usr/bin/env bash
# Installs every Debian package the build, the tests and the demo need.
# Idempotent: packages already installed are skipped, and `apt-get update`
# runs (once) only when something is missing.
# Usage: scripts/setup.sh [extra-package ...]
set -euo pipefail

packages=(
  # build
  meson ninja-build g++ pkg-config cmake
  libvirt-dev libmosquitto-dev libcli11-dev nlohmann-json3-dev doctest-dev libsystemd-dev
  # the real services the tests and the demo run
  libvirt-daemon libvirt-clients mosquitto mosquitto-clients
  # test tools
  jq util-linux procps iproute2 openssl mandoc groff-base man-db bash-completion systemd
  clang libclang-rt-14-dev
)
packages+=("$@")

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
as_root apt-get update -qq
as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
