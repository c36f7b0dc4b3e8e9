#!/usr/bin/env bash
# -C, -W and the exit statuses: 0 after N events, 124 when -W elapses first,
# 130 on SIGINT before -C is reached, 0 on SIGTERM without -C; and the
# scripting idiom "wait until web1 stops" ignores every other event.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/lib.sh"

start_broker

# -C 2: exactly two lines, exit 0, although three events come.
start_sub count -F '{domain} {seq}' -C 2
pub_event hv1 a started 1
pub_event hv1 b started 2
pub_event hv1 c started 3
sub_wait "$SUB_PID"
expect_eq "-C 2 exit" 0 "$RC"
expect_eq "-C 2 lines" "a 1
b 2" "$(cat "$H_DIR/count.out")"

# -W 1 without events: 124, not before the time given.
start=$(date +%s%N)
rc=0; "$VM_SUB" -b "$BROKER_URL" -C 1 -W 1 >"$H_DIR/w.out" 2>"$H_DIR/w.err" || rc=$?
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
expect_eq "-W 1 exit" 124 "$rc"
[ "$elapsed_ms" -ge 1000 ] || fail "-W 1 returned after only $elapsed_ms ms"
log "-W 1 returned after $elapsed_ms ms"
expect_eq "-W output" "" "$(cat "$H_DIR/w.out")"

# A decimal timeout, and -W without -C.
rc=0; "$VM_SUB" -b "$BROKER_URL" -W 0.3 >/dev/null 2>&1 || rc=$?
expect_eq "-W 0.3 exit" 124 "$rc"

# Wait until web1 stops: every other event is ignored.
start_sub wait -F '{host} {domain} {event}' --domain web1 --event stopped -C 1 -W 20
pub_event hv1 web1 started 10
pub_event hv1 web2 stopped 11 destroyed
pub_event hv1 web10 stopped 12 destroyed
pub_event hv1 web1 suspended 13 paused
pub_event hv1 web1 stopped 14 destroyed
sub_wait "$SUB_PID"
expect_eq "wait-for-stop exit" 0 "$RC"
expect_eq "wait-for-stop line" "hv1 web1 stopped" "$(cat "$H_DIR/wait.out")"

# SIGINT before -C is reached: 130. SIGTERM without -C: 0.
start_sub int -C 5
pub_event hv1 a started 20
wait_for 10 grep -q ' a ' "$H_DIR/int.out" || fail "event not printed before SIGINT"
kill -INT "$SUB_PID"
sub_wait "$SUB_PID"
expect_eq "SIGINT before -C" 130 "$RC"
start_sub term
kill -TERM "$SUB_PID"
sub_wait "$SUB_PID"
expect_eq "SIGTERM without -C" 0 "$RC"

# EPIPE: a reader that goes away after one line ends vm-sub quietly with 0.
mkfifo "$H_DIR/fifo"
( "$VM_SUB" -b "$BROKER_URL" -v -o json >"$H_DIR/fifo" 2>"$H_DIR/epipe.err"; echo $? >"$H_DIR/epipe.rc" ) &
track $!
head -n 1 "$H_DIR/fifo" >"$H_DIR/epipe.out" &
head_pid=$!
wait_for 15 grep -q subscribed "$H_DIR/epipe.err" || fail "epipe: vm-sub did not subscribe"
pub_event hv1 a started 30
wait "$head_pid"
for seq in 31 32 33; do pub_event hv1 a started "$seq"; done
wait_for 15 test -s "$H_DIR/epipe.rc" || fail "vm-sub did not exit when its reader went away"
expect_eq "EPIPE exit" 0 "$(cat "$H_DIR/epipe.rc")"
jq_e '.seq == 30' <"$H_DIR/epipe.out" || fail "head did not get the first event"
if grep -qiE 'sanitizer|runtime error|abort' "$H_DIR/epipe.err"; then fail "EPIPE: $(cat "$H_DIR/epipe.err")"; fi
log "ok"
