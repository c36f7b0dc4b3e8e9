#!/usr/bin/env bash
# Save and restore of a real QEMU guest (its 32 MiB of memory to a file in
# the test's directory and back): the lifecycle events of both (the save
# pauses the guest, stops it as "saved"; the restore starts it as
# "restored"), the migration-iteration and job-completed events the QEMU
# driver reports for the save (QEMU migrates the guest into the file), with
# their fields, and the retained state after each; at the end vm-sub has
# shown exactly what `virsh event` reported, in order.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/../lib/qemu.sh"

start_qemu_rig

G=qg-save
since "$G"
define_guest "$G"
qvsh start "$G" >/dev/null
expect_events "$G" "lifecycle defined added" "lifecycle started booted"
expect_state "$G" running booted

since "$G"
qvsh save "$G" "$H_DIR/$G.sav" >/dev/null
expect_events "$G" "lifecycle suspended paused" "migration-iteration 1" "job-completed *" "lifecycle stopped saved"
check_lifecycle "$G" "stopped saved" 5 4 "Stopped Saved"
check_event "$G" "migration-iteration 1" '.kind == "migration-iteration" and .event == "migration-iteration" and .iteration == 1'
# job-completed: libvirt's statistics of the save job as typed parameters;
# operation 2 is VIR_DOMAIN_JOB_OPERATION_SAVE, and the whole guest memory
# (32 MiB and the firmware's) went into the file.
job=$(sub_keys "$G" | grep -m 1 '^job-completed ')
check_event "$G" "$job" '.kind == "job-completed" and .event == "job-completed"
  and .params.operation == 2 and .params.memory_total >= 33554432
  and (.params.time_elapsed | type) == "number" and .params.memory_remaining == 0'
expect_state "$G" shutoff saved
[ -s "$H_DIR/$G.sav" ] || fail "no save file"

since "$G"
qvsh restore "$H_DIR/$G.sav" >/dev/null
expect_events "$G" "lifecycle started restored"
check_lifecycle "$G" "started restored" 2 2 "Started Restored"
# The QEMU driver follows "Started Restored" with "Resumed Snapshot"
# (resumed/from-snapshot) while the guest's state reason stays "restored";
# vm-pub's retained state must say exactly what libvirt says.
restored_state() { [ "$(retained_state "$G")" = "$(libvirt_state "$G")" ]; }
wait_for 30 restored_state || fail "$G: retained state [$(retained_state "$G")] after restore; libvirt says [$(libvirt_state "$G")]"
log "$G: after restore: retained state [$(retained_state "$G")], libvirt [$(libvirt_state "$G")]"

finish_guest "$G"
log "ok"
