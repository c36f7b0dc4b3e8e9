#!/usr/bin/env bash
# --session NAME: a persistent session (fixed client id, clean session off,
# QoS 1; with -V 5 a session-expiry interval). Events published at QoS 1
# while vm-sub is down are printed when it comes back; a clean session
# gets nothing (the control that makes the first check mean something).
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/lib.sh"

start_broker

for version in 3.1.1 5; do
  name=s${version//./}
  start_sub "$name-a" -V "$version" --session "$name"
  kill -TERM "$SUB_PID"
  sub_wait "$SUB_PID"
  expect_eq "$version: first run exit" 0 "$RC"
  grep -q "vm-sub-$name" "$H_DIR/mosquitto.log" || fail "client id vm-sub-$name not used"

  for seq in 1 2 3; do pub_event "hv$name" web1 started "$seq"; done

  # A clean subscriber started now sees none of them.
  rc=0; "$VM_SUB" -b "$BROKER_URL" -V "$version" --host "hv$name" -C 1 -W 1 >"$H_DIR/$name-clean.out" 2>&1 || rc=$?
  expect_eq "$version: clean session exit" 124 "$rc"

  # The persistent session gets what it missed, in order.
  rc=0; "$VM_SUB" -b "$BROKER_URL" -V "$version" --session "$name" -F '{host} {seq}' -C 3 -W 20 \
    >"$H_DIR/$name-b.out" 2>"$H_DIR/$name-b.err" || rc=$?
  expect_eq "$version: resumed exit" 0 "$rc"
  expect_eq "$version: missed events" "hv$name 1
hv$name 2
hv$name 3" "$(cat "$H_DIR/$name-b.out")"
done
log "ok"
