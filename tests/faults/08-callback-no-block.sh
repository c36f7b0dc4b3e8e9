#!/usr/bin/env bash
# Issue 5, item 8: a libvirt callback never waits for the broker. With the
# broker frozen (SIGSTOP) and events arriving, vm-pub must keep answering
# libvirtd's keepalive probes: libvirtd runs with a 1 s interval and a count
# of 2, so a client that stops reading for ~3 s is dropped. A control
# client (a stopped virsh) shows that the setting really drops clients.
# vm-pub's connection is identified by libvirtd's admin interface (client id
# and pid), before and after.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/lib.sh"

FREEZE=12
R_FAULT="broker frozen ${FREEZE}s with events arriving; libvirtd keepalive 1 s x 2"
R_REPS=1

start_broker
start_libvirtd_with "keepalive_interval = 1
keepalive_count = 2"
msub_start all -t "$PREFIX/#"
pub_start pub
wait_online
wait_for 10 eval '[ -n "$(libvirt_client_of "$PUB_PID")" ]' || fail "vm-pub has no libvirt connection (virt-admin)"
client=$(libvirt_client_of "$PUB_PID")

# The control: a client that stops reading is dropped by these settings.
virsh -q -c "$LIBVIRT_URI" event --all --loop >/dev/null 2>&1 &
control=$!
track "$control"
wait_for 10 eval '[ -n "$(libvirt_client_of "$control")" ]' || fail "control virsh did not connect"
kill -STOP "$control"

freeze_broker
storm cycles 200 --rate 100 --name storm08 2>"$H_DIR/storm.log" || { thaw_broker; fail "vm-storm failed"; }
sleep $((FREEZE - 4))  # pause: the broker stays frozen (FREEZE s in all, with the storm above)
now=$(libvirt_client_of "$PUB_PID")
control_now=$(libvirt_client_of "$control")
thaw_broker
kill -CONT "$control" 2>/dev/null || true
wait_for 30 eval '[ $(libvirt_lifecycle_count storm08) -ge 400 ]' || true
sent=$(libvirt_lifecycle_count storm08)
R_SENT=$sent

[ -z "$control_now" ] || fail "control: libvirtd did not drop a stopped client (keepalive not effective); cannot judge vm-pub"
note "control: libvirtd dropped a stopped virsh client"
[ "$now" = "$client" ] || fail "vm-pub's libvirt connection (client $client) was dropped during the broker freeze (now: '${now:-none}')"
alive "$PUB_PID" || fail "vm-pub exited"
note "vm-pub kept libvirt client $client through a ${FREEZE} s broker freeze with $sent events"

await_delivery "$sent"
[ "$F_MISSING" -eq 0 ] || fail "$F_MISSING of $sent events made during the freeze never arrived"
grep -qi synthetic "$H_DIR/all.sub" && fail "synthetic events published: vm-pub reconnected to libvirt" || true
pass
