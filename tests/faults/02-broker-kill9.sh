#!/usr/bin/env bash
# Issue 5, item 2: the broker is killed with SIGKILL in the middle of a storm
# (no persistence: it loses sessions and retained messages) and restarted.
# vm-pub must reconnect and keep publishing; vm-sub must report any gap on
# stderr; afterwards the retained states on the broker must match
# `virsh domstate` for every VM (so vm-pub must republish them).
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/lib.sh"

CYCLES=1000
R_FAULT="broker SIGKILL mid-storm (no broker persistence), restarted"
R_REPS=1

start_broker
start_libvirtd
# Some VMs the storm never touches, in each state, so a republish is needed.
define_vm idle02
define_vm paused02
vsh start paused02 >/dev/null
vsh suspend paused02 >/dev/null

vmsub_start sub --session faults-02 -o json
vmsub_wait_ready sub
pub_start pub
wait_online
wait_for 10 states_match || fail "retained states wrong before the fault: $(states_diff)"

storm cycles "$CYCLES" --rate 400 --name storm02 2>"$H_DIR/storm.log" &
storm_pid=$!
track "$storm_pid"
# The kill comes once the storm's events flow through to vm-sub (800 of its
# 2000 events: about 2 s of it at 400 a second).
storm_flowing() { [ "$(json_event_seqs "$H_DIR/sub.out" | wc -l)" -ge 800 ]; }
wait_for 20 storm_flowing || fail "vm-sub got $(json_event_seqs "$H_DIR/sub.out" | wc -l) storm events, not 800, within 20 s"
alive "$storm_pid" || fail "storm ended before the fault (too fast?)"
kill9_broker
sleep 1  # pause: the broker stays dead for a second
restart_broker
wait "$storm_pid" || fail "vm-storm failed: $(tail -n 1 "$H_DIR/storm.log")"
wait_for 30 eval '[ $(libvirt_lifecycle_count storm02) -ge $((2 * CYCLES)) ]' || true
sent=$(libvirt_lifecycle_count storm02)
R_SENT=$sent

# The last event of the storm must arrive: vm-pub reconnected on its own.
last_arrived() { json_event_seqs "$H_DIR/sub.out" | awk -v n="$sent" '$2 == n {f = 1} END {exit !f}'; }
wait_for 60 last_arrived || fail "the storm's last event (seq $sent) never arrived: vm-pub did not recover"

count_figures "$sent" < <(json_event_seqs "$H_DIR/sub.out")
R_DELIVERED=$F_UNIQUE
R_DUP=$(( F_TOTAL - F_UNIQUE + $(grep -ci 'duplicate' "$H_DIR/sub.log" || true) ))
R_LOST=$F_MISSING
alive "$VMSUB_PID" || fail "vm-sub exited"
alive "$PUB_PID" || fail "vm-pub exited"
[ "$F_EXTRA" -eq 0 ] || fail "$F_EXTRA events with a seq outside 1..$sent"
gap_lines=$(grep -ci 'gap' "$H_DIR/sub.log" || true)
if [ "$F_MISSING" -gt 0 ] && [ "$gap_lines" -eq 0 ]; then
  fail "$F_MISSING events lost in the kill but vm-sub reported no gap"
fi
note "vm-sub reported $gap_lines gap lines"
[ "$F_MISSING" -eq 0 ] || note "the $F_MISSING lost events died in the broker (SIGKILL, no persistence: acknowledged to vm-pub, not yet delivered, or published before vm-sub resubscribed); vm-sub reported them as a gap"

wait_for 10 states_match || fail "retained states differ from virsh after the restart: $(states_diff)"
status_is online || fail "retained status is not online after the restart"
note "retained states of $(virsh_states | wc -l) VMs match virsh domstate"
pass
