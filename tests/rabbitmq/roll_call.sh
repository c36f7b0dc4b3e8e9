#!/usr/bin/env bash
# The roll call across the cluster: vm-pub publishes to node 1, where its
# retained messages stay; on node 2, vm-sub --list without --host lists the
# host's VMs (its roll-call answers cross the nodes), and vm-sub --since 10m
# prints the host's events (the journal comes as an answer too).
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/../lib/rabbitmq.sh"
source "$(dirname "$0")/lib.sh"

start_rabbitmq_cluster
start_libvirtd
rpub_start pub "$RMQ_URL1" hrc
for vm in rc1 rc2; do define_vm "$vm"; vsh start "$vm" >/dev/null; done
wait_for 10 grep -q 'event 4 rc2' "$H_DIR/pub.log" || fail "vm-pub did not see the events: $(cat "$H_DIR/pub.log")"
# The journal is published at most once a second: wait until node 1 holds
# the one with all four events.
journal_full() {
  [ "$(mosquitto_sub -h 127.0.0.1 -p "$RMQ_MQTT_PORT1" -t libvirt/hrc/journal -C 1 -W 1 2>/dev/null |
       jq '.events | length' 2>/dev/null)" -ge 4 ] 2>/dev/null
}
wait_for 10 journal_full || fail "node 1 holds no journal with the 4 events"

"$VM_SUB" -b "$RMQ_URL2" --list --list-wait 500 >"$H_DIR/list.out" 2>"$H_DIR/list.err" || fail "--list: $(cat "$H_DIR/list.err")"
grep -qE '^hrc +rc1 +running' "$H_DIR/list.out" || fail "--list on node 2: $(cat "$H_DIR/list.out") $(cat "$H_DIR/list.err")"
grep -qE '^hrc +rc2 +running .* online$' "$H_DIR/list.out" || fail "--list on node 2: $(cat "$H_DIR/list.out")"

"$VM_SUB" -b "$RMQ_URL2" --since 10m --until 0s -o json >"$H_DIR/since.json" 2>"$H_DIR/since.err" \
  || fail "--since: $(cat "$H_DIR/since.err")"
got=$(jq -r '"\(.domain.name):\(.event)"' "$H_DIR/since.json" | tr '\n' ' ')
[ "$got" = "rc1:defined rc1:started rc2:defined rc2:started " ] || fail "--since on node 2: [$got] $(cat "$H_DIR/since.err")"
rpub_stop
log "ok"
