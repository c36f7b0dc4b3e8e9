#!/usr/bin/env bash
# Issue 5, item 3: a network cut without a close. The broker process is
# stopped with SIGSTOP (its kernel keeps the TCP connection open, nothing
# answers). vm-pub must notice within about 1.5 x keepalive, keep queueing
# the events that happen during the cut, and deliver them all after it.
# The moment vm-pub gives up its connection is read from the kernel (ss),
# not from vm-pub's log.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/lib.sh"

KEEPALIVE=5            # libmosquitto's minimum
CUT=14                 # seconds the broker stays frozen
CYCLES=200
R_FAULT="broker frozen (SIGSTOP) ${CUT}s: connection silent, not closed; keepalive ${KEEPALIVE}s"
R_REPS=1

start_broker
start_libvirtd
msub_start all -t "$PREFIX/#"
pub_start pub --keepalive "$KEEPALIVE"
wait_online
port=$(pub_broker_port "$PUB_PID")
[ -n "$port" ] || fail "cannot find vm-pub's broker connection"

freeze_broker
t0=$(now_ms)
storm cycles "$CYCLES" --name storm03 2>"$H_DIR/storm.log" || fail "vm-storm failed: $(tail -n 1 "$H_DIR/storm.log")"
detected=""
while [ $(( $(now_ms) - t0 )) -lt $((CUT * 1000)) ]; do
  if [ -z "$detected" ] && ! still_on_port "$PUB_PID" "$port"; then
    detected=$(( $(now_ms) - t0 ))
  fi
  sleep 0.1  # poll: vm-pub's connection, until CUT seconds are over
done
alive "$PUB_PID" || fail "vm-pub exited during the cut"
thaw_broker
wait_for 30 eval '[ $(libvirt_lifecycle_count storm03) -ge $((2 * CYCLES)) ]' || true
sent=$(libvirt_lifecycle_count storm03)
R_SENT=$sent

[ -n "$detected" ] || fail "vm-pub did not drop its dead connection within ${CUT}s (keepalive ${KEEPALIVE}s)"
note "vm-pub dropped the silent connection after $(awk -v m="$detected" 'BEGIN {printf "%.1f", m / 1000}') s (keepalive ${KEEPALIVE} s)"
# 1.5 x keepalive, plus 1.5 s for the poll granularity of the two sides.
limit=$((KEEPALIVE * 1500 + 1500))
[ "$detected" -le "$limit" ] || fail "noticed the cut after ${detected} ms, more than 1.5 x keepalive (+1.5 s)"

await_delivery "$sent"
[ "$F_EXTRA" -eq 0 ] || fail "$F_EXTRA events with a seq outside 1..$sent"
[ "$F_MISSING" -eq 0 ] || fail "$F_MISSING of $sent events made during the cut never arrived"
status_is online || fail "retained status is not online after the cut"
pass
