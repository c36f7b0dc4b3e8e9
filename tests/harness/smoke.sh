#!/usr/bin/env bash
# The harness itself: broker and libvirtd start, a VM is started and
# destroyed, and both events are seen on the libvirt side.
source "$(dirname "$0")/../lib/harness.sh"

start_broker
start_libvirtd

mosquitto_pub -p "$BROKER_PORT" -h 127.0.0.1 -t smoke/ping -m hello -q 1 || fail "broker refused a publish"

define_vm smoke1
vsh start smoke1 >/dev/null
vsh destroy smoke1 >/dev/null

wait_for 5 grep -q "smoke1.*Started Booted" "$H_DIR/libvirt-events.log" || fail "no started event"
wait_for 5 grep -q "smoke1.*Stopped Destroyed" "$H_DIR/libvirt-events.log" || fail "no stopped event"
[ "$(vsh domstate smoke1)" = "shut off" ] || fail "domstate is not 'shut off'"
log "ok"
