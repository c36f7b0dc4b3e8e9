#!/usr/bin/env bash
# End to end with the real vm-pub and a real libvirtd (test driver):
# --list shows the retained states vm-pub publishes (defined VMs appear,
# undefined ones vanish); lifecycle events arrive in order without gap
# warnings; "wait until e2e1 stops" works; the host's offline status shows
# up in human mode when vm-pub stops.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/lib.sh"

start_broker
start_libvirtd
H=hv-e2e

"$VM_PUB" -c "$LIBVIRT_URI" -b "$BROKER_URL" --host-name "$H" >"$H_DIR/vm-pub.log" 2>&1 &
PUB_PID=$!; track "$PUB_PID"
mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -t "libvirt/$H/status" -C 1 -W 20 >"$H_DIR/status.json" \
  || fail "vm-pub published no status"
jq_e '.status == "online"' <"$H_DIR/status.json" || fail "status: $(cat "$H_DIR/status.json")"

# list_has PATTERN: --list (squeezed) has a line matching PATTERN.
list_out() { "$VM_SUB" -b "$BROKER_URL" --list --list-wait 300 --host "$H" | sed -E 's/ +/ /g'; }
list_has() { list_out | grep -qE "$1"; }
list_lacks() { ! list_out | grep -qE "$1"; }

wait_for 10 list_has "^$H test running [^ ]+ [0-9]+ online$" || fail "--list: $(list_out)"

# Events: human (gap check on, nothing narrowed), json, and a waiting script.
start_sub human --host "$H"
start_sub json -o json --host "$H" -C 2 -W 30
JSON_PID=$SUB_PID
start_sub wait -F '{domain} {event} {detail}' --domain e2e1 --event stopped -C 1 -W 30
WAIT_PID=$SUB_PID
define_vm e2e1
wait_for 10 list_has "^$H e2e1 shutoff [^ ]+ - online$" || fail "--list after define: $(list_out)"
vsh start e2e1 >/dev/null
vsh destroy e2e1 >/dev/null
sub_wait "$WAIT_PID"
expect_eq "wait-for-stop exit" 0 "$RC"
expect_eq "wait-for-stop line" "e2e1 stopped destroyed" "$(cat "$H_DIR/wait.out")"

vsh undefine e2e1 >/dev/null
wait_for 10 list_lacks e2e1 || fail "--list still shows the undefined VM: $(list_out)"
jq_lines=$("$VM_SUB" -b "$BROKER_URL" --list --list-wait 300 --host "$H" -o json)
jq_e -s 'length >= 1 and all(.[]; .host == "'"$H"'" and .type == "state")' <<<"$jq_lines" \
  || fail "--list -o json: $jq_lines"

# json: define, started (the first two e2e1 events), valid and consecutive.
wait_for 10 test "$(line_count "$H_DIR/json.out")" -ge 2 || fail "json: $(cat "$H_DIR/json.out")"
sub_wait "$JSON_PID"
expect_eq "json -C 2 exit" 0 "$RC"
jq_e -s '.[0].seq + 1 == .[1].seq and all(.[]; .host == "'"$H"'" and .domain.name == "e2e1")' <"$H_DIR/json.out" \
  || fail "json events: $(cat "$H_DIR/json.out")"

# human: the lifecycle texts, no gap reported, then host offline when vm-pub stops.
wait_for 10 grep -q 'e2e1.*Stopped Destroyed' "$H_DIR/human.out" || fail "human: $(cat "$H_DIR/human.out")"
grep -q 'e2e1.*Started Booted' "$H_DIR/human.out" || fail "human: no Started Booted: $(cat "$H_DIR/human.out")"
kill -TERM "$PUB_PID"
wait_for 15 grep -q "$H.*host offline" "$H_DIR/human.out" || fail "no host offline line: $(cat "$H_DIR/human.out")"
if grep -qE 'gap|duplicate|out of order' "$H_DIR/human.err"; then fail "sequence warnings: $(cat "$H_DIR/human.err")"; fi
log "ok"
