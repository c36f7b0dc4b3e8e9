#!/usr/bin/env bash
# The history of a host whose vm-pub is down now (kill -9), and across a
# vm-pub restart (the journal is restored from the broker's retained copy):
# --until in the past prints the history only and exits 0.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/lib.sh"

start_broker
start_libvirtd
H=hv-dead
hpub_start pub1 "$H"
vm_cycles a 3                       # boot 1, seq 1..6
wait_for 10 journal_has "$H" 6 || fail "journal: $(journal "$H")"
kill -KILL "$PUB_PID"
wait "$PUB_PID" 2>/dev/null || true

rc=0
"$VM_SUB" -b "$BROKER_URL" --since 10m --until 0s -o json --host "$H" >"$H_DIR/dead.json" 2>"$H_DIR/dead.err" || rc=$?
[ "$rc" -eq 0 ] || fail "dead host: exit $rc: $(cat "$H_DIR/dead.err")"
expect_contiguous "$H_DIR/dead.json" 1 6

# A new run takes the old entries over: boot 1 seq 1..6, then boot 2.
hpub_start pub2 "$H"
wait_for 10 grep -q 'history: restored' "$H_DIR/pub2.log" || true
grep -q 'history: restored 6 events from the broker' "$H_DIR/pub2.log" || fail "no restore: $(cat "$H_DIR/pub2.log")"
vm_cycles b 2                       # boot 2, seq 1..4
wait_for 10 journal_has "$H" 10 || fail "journal after restart: $(journal "$H")"
kill -TERM "$PUB_PID"
wait "$PUB_PID" 2>/dev/null || true
"$VM_SUB" -b "$BROKER_URL" --since 10m --until 0s -o json --host "$H" >"$H_DIR/both.json" 2>"$H_DIR/both.err" \
  || fail "after restart: $(cat "$H_DIR/both.err")"
got=$(jq -r '"\(.domain.name):\(.seq)"' "$H_DIR/both.json" | tr '\n' ' ')
want="a1:1 a1:2 a2:3 a2:4 a3:5 a3:6 b1:1 b1:2 b2:3 b2:4 "
[ "$got" = "$want" ] || fail "after restart: expected [$want], got [$got]"
[ "$(jq -r .boot "$H_DIR/both.json" | uniq | wc -l)" -eq 2 ] || fail "expected two boots in order"

# --until between the runs: the first run's events only.
until=$(jq -r 'select(.domain.name == "a3" and .seq == 6) | .time' "$H_DIR/both.json")
"$VM_SUB" -b "$BROKER_URL" --since 10m --until "$until" -o json --host "$H" >"$H_DIR/until.json" 2>"$H_DIR/until.err" \
  || fail "--until $until: $(cat "$H_DIR/until.err")"
expect_contiguous "$H_DIR/until.json" 1 6
log "ok"
