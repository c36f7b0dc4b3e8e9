#!/usr/bin/env bash
# Issue 5, item 7: SIGTERM mid-storm - vm-pub exits 0 within a bounded time,
# every event is either acknowledged by the broker or counted as unsent in its
# last log line, and it publishes "offline" itself. The same with the broker
# frozen (nothing can be acknowledged: the drain timeout bounds the exit).
# SIGKILL: the broker publishes the last will "offline".
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/lib.sh"

DRAIN=5
R_FAULT="SIGTERM mid-storm; SIGTERM with broker frozen; SIGKILL"
R_REPS=3

start_broker
start_libvirtd
msub_start all -t "$PREFIX/#"

# summary FILE: sets S_PUB S_UNSENT S_DROP from vm-pub's last log line.
summary() {
  local last
  last=$(tail -n 1 "$1")
  [[ $last =~ ^vm-pub:\ stopped:\ ([0-9]+)\ published,\ ([0-9]+)\ unsent,\ ([0-9]+)\ dropped ]] ||
    fail "last log line of vm-pub is not its summary: '$last'"
  S_PUB=${BASH_REMATCH[1]} S_UNSENT=${BASH_REMATCH[2]} S_DROP=${BASH_REMATCH[3]}
}

# vm-pub's counters are per message (events, retained states, status,
# inventory); with -v it logs "event <seq> ..." for every event it takes.
taken_events() { grep -c "^vm-pub: event [0-9]* ${2:-}" "$1" || true; }
# msgs_from HOST: messages of HOST the subscriber got, but the final
# "offline" status (vm-pub does not count that one).
msgs_from() {
  local all off
  all=$(grep -c "^$PREFIX/$1/" "$H_DIR/all.sub" || true)
  off=$(grep "^$PREFIX/$1/status" "$H_DIR/all.sub" | grep -c '"offline"' || true)
  echo $((all - off))
}

# 1. SIGTERM in the middle of a storm.
PUB_HOST=h1
pub_start pub1 --drain-timeout "$DRAIN" -v
wait_online
storm cycles 100000 --rate 1000 --name storm07 2>"$H_DIR/storm.log" &
storm_pid=$!
track "$storm_pid"
# SIGTERM once vm-pub is in the thick of the storm: 2000 of its events taken (about 2 s).
storm_taken() { [ "$(taken_events "$H_DIR/pub1.log" storm07)" -ge 2000 ]; }
wait_for 20 storm_taken || fail "vm-pub took $(taken_events "$H_DIR/pub1.log" storm07) storm events, not 2000, within 20 s"
t0=$(now_ms)
kill -TERM "$PUB_PID"
wait_exit "$PUB_PID" $((DRAIN + 5)) || fail "vm-pub still running $((DRAIN + 5)) s after SIGTERM"
rc=$W_RC
took=$(( $(now_ms) - t0 ))
kill "$storm_pid" 2>/dev/null || true
[ "$rc" -eq 0 ] || fail "vm-pub exited $rc after SIGTERM"
summary "$H_DIR/pub1.log"
wait_for 10 status_is offline || fail "no retained offline status after SIGTERM"
# vm-pub's "offline" is its last message: once the subscriber has it, it has
# every message vm-pub got acknowledged.
h1_offline_seen() { grep "^$PREFIX/h1/status" "$H_DIR/all.sub" | grep -q '"offline"'; }
wait_for 10 h1_offline_seen || fail "the subscriber never got h1's offline status"
taken=$(taken_events "$H_DIR/pub1.log")
count_figures "$taken" < <(event_seqs "$H_DIR/all.sub" h1)
msgs=$(msgs_from h1)
note "mid-storm SIGTERM: exit 0 after $took ms; $taken events taken; messages: $S_PUB published, $S_UNSENT unsent, $S_DROP dropped, $msgs arrived"
[ "$taken" -gt 0 ] || fail "vm-pub -v logged no event lines (cannot account)"
[ "$F_EXTRA" -eq 0 ] || fail "subscriber got $F_EXTRA events vm-pub never logged as taken"
[ "$msgs" -ge "$S_PUB" ] || fail "vm-pub counts $S_PUB messages published (acknowledged) but only $msgs arrived"
[ "$msgs" -le $((S_PUB + S_UNSENT)) ] || fail "more messages arrived ($msgs) than published + unsent ($((S_PUB + S_UNSENT)))"
[ "$F_MISSING" -le "$((S_UNSENT + S_DROP))" ] || fail "$F_MISSING of $taken events missing but only $((S_UNSENT + S_DROP)) messages counted as unsent or dropped"
sent=$taken; delivered=$F_UNIQUE; dup=$((F_TOTAL - F_UNIQUE)); lost=$(( F_MISSING > S_UNSENT + S_DROP ? F_MISSING - S_UNSENT - S_DROP : 0 ))

# 2. SIGTERM while the broker is frozen: nothing can be acknowledged.
PUB_HOST=h2
pub_start pub2 --drain-timeout "$DRAIN" -v
wait_online
freeze_broker
storm cycles 50 --name storm07b 2>>"$H_DIR/storm.log" || { thaw_broker; fail "vm-storm failed"; }
wait_for 10 eval '[ "$(libvirt_lifecycle_count storm07b)" -ge 100 ]' || true
made=$(libvirt_lifecycle_count storm07b)
wait_for 10 eval '[ "$(taken_events "$H_DIR/pub2.log" storm07b)" -ge "$made" ]' || true
t0=$(now_ms)
kill -TERM "$PUB_PID"
wait_exit "$PUB_PID" $((DRAIN + 10)) || { thaw_broker; fail "vm-pub (broker frozen) still running $((DRAIN + 10)) s after SIGTERM"; }
rc=$W_RC
took=$(( $(now_ms) - t0 ))
thaw_broker
[ "$rc" -eq 0 ] || fail "vm-pub exited $rc after SIGTERM with the broker frozen"
summary "$H_DIR/pub2.log"
taken=$(taken_events "$H_DIR/pub2.log" storm07b)
note "frozen-broker SIGTERM: exit 0 after $took ms (drain timeout $DRAIN s); $taken of $made events taken; messages: $S_PUB published, $S_UNSENT unsent, $S_DROP dropped"
[ "$took" -le $(( (DRAIN + 5) * 1000 )) ] || fail "exit took $took ms with a $DRAIN s drain timeout"
[ "$taken" -eq "$made" ] || fail "vm-pub took $taken events, libvirt made $made"
[ "$S_UNSENT" -ge "$made" ] || fail "broker frozen during $made events, yet vm-pub counts only $S_UNSENT messages unsent"

# 3. SIGKILL: the broker's last will.
PUB_HOST=h3
pub_start pub3
wait_online
kill -KILL "$PUB_PID"
wait_for 10 status_is offline || fail "no last-will offline status after SIGKILL"
note "SIGKILL: last will offline delivered"

# The figures are those of the mid-storm SIGTERM (run 1).
R_SENT=$sent
R_DELIVERED=$delivered
R_DUP=$dup
R_LOST=$lost
R_COUNTED=$(( F_MISSING - lost ))
pass
