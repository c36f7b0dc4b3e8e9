#!/usr/bin/env bash
# The demo: vm-pub publishes the events of a private libvirtd (test driver)
# to a private mosquitto while vm-sub prints them; the script defines,
# starts, suspends, resumes, shuts down, destroys and undefines a few VMs,
# shows the fleet view (vm-sub --list), and cleans everything up.
#
# Usage: scripts/demo.sh        (as root, or with sudo available)
#
# Idempotent: installs what is missing (scripts/setup.sh), builds in build/
# (configured on first use), and leaves nothing running. Works without a
# terminal too (no colour then). Environment: PAUSE (seconds between steps,
# default 1.5); VM_PUB and VM_SUB (use these binaries; no set-up, no build).
set -euo pipefail
cd "$(dirname "$0")/.."

PAUSE=${PAUSE:-1.5}

# --- set-up and build (skipped when the binaries are given)
if [ -z "${VM_PUB:-}" ] || [ -z "${VM_SUB:-}" ]; then
  scripts/setup.sh
  echo "demo: building vm-pub and vm-sub in build/ (the first time takes a few minutes)"
  build_log=$(mktemp "${TMPDIR:-/tmp}/vm-events-build.XXXXXX")
  if ! { [ -f build/build.ninja ] || meson setup build -Dwerror=true; } >"$build_log" 2>&1 ||
     ! meson compile -C build vm-pub vm-sub >>"$build_log" 2>&1; then
    cat "$build_log" >&2
    echo "demo: the build failed (log above, also in $build_log)" >&2
    exit 1
  fi
  rm -f "$build_log"
  VM_PUB=$PWD/build/publisher/vm-pub
  VM_SUB=$PWD/build/subscriber/vm-sub
fi

# The private libvirtd runs in its own mount namespace, which needs root.
if [ "$(id -u)" -ne 0 ]; then
  exec sudo VM_PUB="$VM_PUB" VM_SUB="$VM_SUB" PAUSE="$PAUSE" bash "$0" "$@"
fi

# --- the services (stopped by the harness's exit trap, whatever happens)
# shellcheck source=tests/lib/harness.sh
source tests/lib/harness.sh

# A closed terminal ends the demo like Ctrl-C: the harness's trap cleans up.
trap 'exit 129' HUP

color=never
[ -t 1 ] && color=always

# say TEXT: a narration line, set apart from vm-sub's output.
say() {
  if [ "$color" = always ]; then
    printf '\n\033[1m%s\033[0m\n' "$*"
  else
    printf '\n%s\n' "$*"
  fi
}

# step TEXT COMMAND...: narrates, runs the command, lets the events arrive.
# (virsh's chatter, such as its polkit notice on a terminal, goes to a log.)
step() {
  say "\$ $1"
  shift
  "$@" </dev/null >>"$H_DIR/virsh.log" 2>&1
  sleep "$PAUSE"
}

say "Starting a private mosquitto and a private libvirtd (test driver) ..."
start_broker
start_libvirtd
log "broker $BROKER_URL, libvirt $LIBVIRT_URI, logs in $H_DIR"

"$VM_PUB" -c "$LIBVIRT_URI" -b "$BROKER_URL" --host-name hv1 >"$H_DIR/vm-pub.out.log" 2>"$H_DIR/vm-pub.log" &
track $!
# host_online: vm-pub's retained status on the broker says "online".
host_online() {
  mosquitto_sub -p "$BROKER_PORT" -h 127.0.0.1 -t libvirt/hv1/status -C 1 -W 1 2>/dev/null | grep -q '"online"'
}
wait_for 15 host_online || fail "vm-pub did not come online"

say "vm-sub prints every event it receives (vm-sub -b $BROKER_URL --color $color):"
# (-v: its progress goes to the log, where we see when it has subscribed.)
"$VM_SUB" -b "$BROKER_URL" --color "$color" -v > >(tee "$H_DIR/vm-sub.out") 2>"$H_DIR/vm-sub.log" &
SUB_PID=$!
track "$SUB_PID"
wait_for 15 grep -q 'subscribed' "$H_DIR/vm-sub.log" || fail "vm-sub did not subscribe"
sleep "$PAUSE"

step "virsh define web1.xml; virsh define db1.xml" eval 'define_vm web1; define_vm db1'
step "virsh start web1" vsh start web1
step "virsh start db1" vsh start db1
step "virsh suspend web1" vsh suspend web1
step "virsh resume web1" vsh resume web1
step "virsh create scratch.xml   (a transient VM)" create_vm scratch
step "virsh destroy scratch" vsh destroy scratch
step "virsh shutdown db1" vsh shutdown db1
step "virsh destroy web1" vsh destroy web1
say "\$ virsh undefine db1"
vsh undefine db1 </dev/null >>"$H_DIR/virsh.log" 2>&1
wait_for 10 grep -q 'Undefined' "$H_DIR/vm-sub.out" || fail "vm-sub did not print the last event"
kill -TERM "$SUB_PID" 2>/dev/null || true
wait "$SUB_PID" 2>/dev/null || true

say "\$ vm-sub --list      (the current state of every VM on every host)"
"$VM_SUB" -b "$BROKER_URL" --list --color "$color" 2>>"$H_DIR/vm-sub.log"

say "Done: stopping vm-pub, libvirtd and mosquitto."
