#!/usr/bin/env bash
# Events across the cluster: vm-pub publishes to node 1, vm-sub -o json reads
# from node 2; a series of lifecycle events of several VMs arrives complete
# and in order (seq 1..N, each VM's tokens in order), at QoS 1 and at QoS 0.
# And what vm-events(7) says of MQTT 5 there: the broker closes the connection.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/../lib/rabbitmq.sh"
source "$(dirname "$0")/lib.sh"

start_rabbitmq_cluster
start_libvirtd
rsub_start sub2 "$RMQ_URL2" -o json

# QoS 1: 4 VMs, 24 events.
rpub_start pub-q1 "$RMQ_URL1" hq1 -q 1
run_series a1 a2 a3 a4
expect_series "$H_DIR/sub2.out" hq1 a1 a2 a3 a4
rpub_stop
grep -q 'retrying' "$H_DIR/pub-q1.log" && fail "QoS 1: vm-pub lost its connection: $(cat "$H_DIR/pub-q1.log")"

# QoS 0: the same with another publisher run.
rpub_start pub-q0 "$RMQ_URL1" hq0 -q 0
run_series b1 b2 b3 b4
expect_series "$H_DIR/sub2.out" hq0 b1 b2 b3 b4
rpub_stop
grep -q 'retrying' "$H_DIR/pub-q0.log" && fail "QoS 0: vm-pub lost its connection: $(cat "$H_DIR/pub-q0.log")"
running "$SUB_PID" || fail "vm-sub exited: $(tail -n 5 "$H_DIR/sub2.err")"

rc=0
timeout 60 "$VM_SUB" -b "$RMQ_URL2" -V 5 --retries 1 --list >/dev/null 2>"$H_DIR/v5.err" || rc=$?
if [ "$rc" -ne 69 ] || ! grep -q 'cannot connect' "$H_DIR/v5.err"; then
  fail "MQTT 5: expected the connection to fail (exit 69), got exit $rc: $(cat "$H_DIR/v5.err")"
fi
log "ok"
