#!/usr/bin/env bash
# --watch holds a roll call: a live host whose retained messages the broker
# does not have (a clustered broker keeps them on another node; here they
# are cleared) still appears, from its answer. With --no-roll-call it does
# not, which shows the row came from the answer.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/../sub/lib.sh"
source "$(dirname "$0")/lib.sh"

start_broker
start_libvirtd
define_vm rc1
start_pub_host hvr
wait_for 10 eval "mosquitto_sub -h 127.0.0.1 -p $BROKER_PORT -t libvirt/hvr/inventory -C 1 -W 2 | grep -q rc1" ||
  fail "vm-pub did not publish its inventory"
for t in status inventory journal rc1/state test/state; do
  mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -t "libvirt/hvr/$t" -r -n -q 1 || fail "could not clear libvirt/hvr/$t"
done

# Every roll-call request on the broker, to show --no-roll-call sends none.
stdbuf -oL mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -v -t libvirt/roll-call >"$H_DIR/requests.out" 2>&1 &
track $!
wait_for 10 subscribed libvirt/roll-call || fail "mosquitto_sub did not subscribe to libvirt/roll-call"

start_pane 100 20
run_watch --no-roll-call
expect_screen 5 '^VMs: 0 running' "no retained messages, no roll call: an empty fleet"
# --watch sends its roll call 500 ms after subscribing; answers come within 100 ms.
sleep 2  # pause: the time in which a roll call and its answer would have come
screen_lacks ' hvr +rc1 ' || fail "--no-roll-call: hvr's VM appeared without a roll call:
$(screen)"
[ ! -s "$H_DIR/requests.out" ] || fail "--no-roll-call: vm-sub sent a roll call: $(cat "$H_DIR/requests.out")"
keys q
expect_screen 5 '^EXIT=0' "q did not end --watch"

run_watch
expect_screen 10 ' hvr +rc1 +shut ?off' "the roll call's answer did not bring hvr's VM"
grep -q '^libvirt/roll-call ' "$H_DIR/requests.out" || fail "the row came without a roll call on the broker"
expect_screen 3 '^hosts: 1 online' "the answering host is not counted online"
keys q
expect_screen 5 '^EXIT=0' "q did not end --watch"
log "ok"
