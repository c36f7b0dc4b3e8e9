#!/usr/bin/env bash
# Issue 5, item 1: the broker is stopped and restarted 10 times during a
# 2,000-event storm at QoS 1. Every (boot, seq) must reach a vm-sub with a
# persistent session; duplicates are allowed but must be reported by vm-sub.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/lib.sh"

RESTARTS=10
CYCLES=1000            # 2 lifecycle events each
R_FAULT="broker stopped (SIGTERM) and restarted during a storm, QoS 1"

# The broker keeps sessions across its own restarts (as a production broker
# with persistence would), so what it accepted survives a clean stop.
BROKER_EXTRA_CONF="persistence true
persistence_location $H_DIR/"
start_broker
start_libvirtd

vmsub_start sub --session faults-01 -o json
vmsub_wait_ready sub
pub_start pub
wait_online

storm cycles "$CYCLES" --rate 150 --name storm01 2>"$H_DIR/storm.log" &
storm_pid=$!
track "$storm_pid"

mid=0
for i in $(seq 1 "$RESTARTS"); do
  sleep 0.5  # pause: the storm runs half a second between two restarts
  alive "$storm_pid" && mid=$((mid + 1))
  stop_broker
  sleep 0.2  # pause: the broker stays down a moment
  restart_broker
done
R_REPS=$RESTARTS
note "$mid of $RESTARTS restarts while the storm was running"
wait "$storm_pid" || fail "vm-storm failed: $(tail -n 1 "$H_DIR/storm.log")"

wait_for 30 eval '[ $(libvirt_lifecycle_count storm01) -ge $((2 * CYCLES)) ]' || true
sent=$(libvirt_lifecycle_count storm01)
R_SENT=$sent
[ "$sent" -eq $((2 * CYCLES)) ] || note "libvirt reported $sent lifecycle events for $CYCLES cycles"

delivered_all() { [ "$(json_event_seqs "$H_DIR/sub.out" | sort -u | wc -l)" -ge "$sent" ]; }
wait_for 90 delivered_all || true

count_figures "$sent" < <(json_event_seqs "$H_DIR/sub.out")
R_DELIVERED=$F_UNIQUE
# Duplicates: those vm-sub skipped (a repeat of the newest seq, reported as
# "duplicate") plus those it printed again (an older seq redelivered).
dup_out=$((F_TOTAL - F_UNIQUE))
dup_err=$(grep -ci 'duplicate' "$H_DIR/sub.log" || true)
R_DUP=$((dup_out + dup_err))
R_LOST=$F_MISSING
alive "$VMSUB_PID" || fail "vm-sub exited during the restarts"
alive "$PUB_PID" || fail "vm-pub exited during the restarts"
[ "$F_BOOTS" -eq 1 ] || fail "events from $F_BOOTS boots (expected one vm-pub run)"
[ "$F_EXTRA" -eq 0 ] || fail "$F_EXTRA events with a seq outside 1..$sent"
[ "$F_MISSING" -eq 0 ] || fail "$F_MISSING of $sent events never reached vm-sub"
gaps=$(grep -ci 'gap' "$H_DIR/sub.log" || true)
late=$(grep -ci 'out of order' "$H_DIR/sub.log" || true)
# A redelivered older message is printed again (as "out of order"), not
# skipped; it must at least be reported on stderr.
if [ "$dup_out" -gt 0 ] && [ $((dup_err + late)) -eq 0 ]; then
  fail "vm-sub printed $dup_out duplicates and reported none"
fi
note "vm-sub stderr (rate-limited): $dup_err duplicate (skipped), $gaps gap, $late out-of-order warnings; $dup_out duplicates printed on stdout"
[ "$gaps" -eq 0 ] || note "the $gaps gap warnings were false alarms: every event arrived, some late (redelivery after a broker restart)"
connects=$(grep -c "New client connected.*" "$H_DIR/mosquitto.log" || true)
note "broker saw $connects client connections in total"
pass
