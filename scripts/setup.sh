#!/usr/bin/env bash
# Installs every Debian package the build, the tests and the demo need.
# Idempotent: packages already installed are skipped, and `apt-get update`
# runs (once) only when something is missing.
# Package installs never start the system's own services (a policy-rc.d is
# put in place for the install when the machine has none): the tools, the
# tests and the demo run private ones on private ports and sockets.
# Usage: scripts/setup.sh [--tests] [extra-package ...]
#   --tests  also the real-world suites' packages (QEMU, RabbitMQ) and the
#            independent implementations tests/integrations checks against
#            (Jinja2, Node.js and npm for the CloudEvents SDK), Debian
#            packaging tools
set -euo pipefail

packages=(
  # build
  meson ninja-build g++ pkg-config cmake
  libvirt-dev libmosquitto-dev libssl-dev libcli11-dev nlohmann-json3-dev libsimdjson-dev doctest-dev libsystemd-dev libncurses-dev
  # the real services the tests and the demo run
  libvirt-daemon libvirt-clients mosquitto mosquitto-clients
  # test tools
  jq util-linux procps iproute2 openssl mandoc groff-base man-db bash-completion systemd tmux
  clang libclang-rt-14-dev
)
if [ "${1:-}" = "--tests" ]; then
  shift
  # tests/qemu: a real QEMU guest under libvirt's QEMU driver;
  # tests/rabbitmq: a two-node RabbitMQ cluster with its MQTT plugin.
  # tests/integrations: Jinja2 renders Home Assistant templates; node and
  # npm install and run the CloudEvents SDK for JavaScript.
  # tests/package: the Debian packages built (debian/control's
  # Build-Depends are the build list above) and linted.
  packages+=(libvirt-daemon-driver-qemu qemu-system-x86 rabbitmq-server python3-jinja2 nodejs
             dpkg-dev debhelper lintian)
  # A Node.js from elsewhere (NodeSource) brings its own npm.
  command -v npm >/dev/null || packages+=(npm)
fi
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
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  # exit status 101: "action not allowed" to invoke-rc.d and deb-systemd-invoke
  as_root sh -c "printf '#!/bin/sh\\nexit 101\\n' >$policy && chmod 755 $policy"
  trap 'as_root rm -f "$policy"' EXIT
fi
as_root apt-get update -qq
as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
