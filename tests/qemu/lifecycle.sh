#!/usr/bin/env bash
# A real QEMU guest under libvirt's QEMU driver, end to end: define, start,
# suspend, resume, reset, destroy, undefine a firmware-only guest, then
# create and destroy a transient one. After every step vm-sub -o json shows
# the lifecycle event with libvirt's tokens, codes and text (checked against
# what `virsh event` reported for the same step), and the retained state
# message follows (state, reason and id as libvirt says; gone after
# undefine, and when the transient guest stops). At the end vm-sub has
# shown exactly the events libvirt reported, in order, seq 1..N.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/../lib/qemu.sh"

start_qemu_rig

G=qg-life

since "$G"
define_guest "$G"
expect_events "$G" "lifecycle defined added"
check_lifecycle "$G" "defined added" 0 0 "Defined Added"
expect_state "$G" shutoff unknown

# The QEMU driver may report "Resumed Unpaused" before "Started Booted" (it
# starts QEMU paused, then lets it run): only the final comparison with
# libvirt's list asks for it.
since "$G"
qvsh start "$G" >/dev/null
expect_events "$G" "lifecycle started booted"
check_lifecycle "$G" "started booted" 2 0 "Started Booted"
expect_state "$G" running booted

# The fleet view agrees (the retained state and status through vm-sub --list).
list_has_running() {
  "$VM_SUB" -b "$BROKER_URL" --list --list-wait 300 --host "$PUB_HOST" | sed -E 's/ +/ /g' |
    grep -qx "$PUB_HOST $G running booted $(qvsh domid "$G") online"
}
wait_for 30 list_has_running || fail "vm-sub --list: $("$VM_SUB" -b "$BROKER_URL" --list --list-wait 300)"
# And so does the inventory (at most a second behind).
inventory_has_running() {
  retained "$PREFIX/$PUB_HOST/inventory" |
    jq_e --arg n "$G" --argjson id "$(qvsh domid "$G")" \
      '.type == "inventory" and any(.domains[]; .name == $n and .state == "running" and .id == $id)'
}
wait_for 30 inventory_has_running || fail "inventory: $(retained "$PREFIX/$PUB_HOST/inventory")"

since "$G"
qvsh suspend "$G" >/dev/null
expect_events "$G" "lifecycle suspended paused"
check_lifecycle "$G" "suspended paused" 3 0 "Suspended Paused"
expect_state "$G" paused user

since "$G"
qvsh resume "$G" >/dev/null
expect_events "$G" "lifecycle resumed unpaused"
check_lifecycle "$G" "resumed unpaused" 4 0 "Resumed Unpaused"
expect_state "$G" running unpaused

# A hard reset is a reboot event, not a lifecycle one; the state stays.
# (`virsh reboot` and `virsh shutdown` need ACPI or a guest agent, and a
# guest that is only firmware has neither: the QEMU driver reports nothing.)
since "$G"
qvsh reset "$G" >/dev/null
expect_events "$G" "reboot"
check_event "$G" reboot '.kind == "reboot" and .event == "reboot" and (has("detail") | not) and (has("event_code") | not)'
expect_state "$G" running unpaused

# destroy: libvirt first asks QEMU to quit (SIGTERM), which it may report
# as "Shutdown Finished after host request" before "Stopped Destroyed".
since "$G"
qvsh destroy "$G" >/dev/null
expect_events "$G" "lifecycle stopped destroyed"
check_lifecycle "$G" "stopped destroyed" 5 1 "Stopped Destroyed"
expect_state "$G" shutoff destroyed

since "$G"
qvsh undefine "$G" >/dev/null
expect_events "$G" "lifecycle undefined removed"
# (domid and domuuid of an undefined guest fail: no check_lifecycle here)
check_event_gone() {
  local ev
  ev=$(last_event "$G" "lifecycle undefined removed")
  jq_e '.kind == "lifecycle" and .event_code == 1 and .detail_code == 0 and .text == "Undefined Removed"
         and .domain.id == null and (.domain.uuid | length) == 36' <<<"$ev" ||
    fail "undefined event wrong: $ev"
}
check_event_gone
wait_for 30 state_gone "$G" || fail "$G: retained state not removed after undefine: $(retained_state "$G")"
expect_all_events "$G"

# A transient guest: created running, gone when destroyed (state removed).
T=qg-transient
guest_xml "$T" >"$H_DIR/$T.xml"
since "$T"
qvsh create "$H_DIR/$T.xml" >/dev/null
expect_events "$T" "lifecycle started booted"
check_lifecycle "$T" "started booted" 2 0 "Started Booted"
expect_state "$T" running booted
retained "$PREFIX/$PUB_HOST/$T/state" | jq_e '.persistent == false' >/dev/null ||
  fail "$T: retained state not marked transient: $(retained "$PREFIX/$PUB_HOST/$T/state")"
since "$T"
qvsh destroy "$T" >/dev/null
expect_events "$T" "lifecycle stopped destroyed"
wait_for 30 state_gone "$T" || fail "$T: retained state not removed after it stopped: $(retained_state "$T")"
expect_all_events "$T"

check_seqs
stop_pub
wait_for 15 status_is offline || fail "vm-pub's status is not offline after it stopped"
log "ok"
