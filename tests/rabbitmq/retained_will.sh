#!/usr/bin/env bash
# Retained messages and the last will on a RabbitMQ 3.10 cluster, asserting
# what RabbitMQ actually does (the --list checks of the retained store use
# --no-roll-call: with the roll call, live hosts answer whatever the
# retained store holds, which tests/rabbitmq/roll_call.sh checks):
#  - retained messages reach only subscriptions to the exact topic, so
#    `vm-sub --list --host NAME` (exact status and inventory topics) lists
#    the host's VMs, while `vm-sub --list` (wildcards only) lists nothing;
#  - the retained store is per node: on node 1, where vm-pub publishes,
#    --list works; on node 2 nothing retained is there;
#  - the last will: vm-pub killed with SIGKILL, the broker publishes
#    "offline", which a live subscriber on node 2 receives, and which node
#    1 keeps retained (--list shows the host offline there);
#  - the will after a silent loss: vm-pub frozen (SIGSTOP) with a 5 s
#    keepalive, node 1 gives up on it and node 2's subscriber sees the
#    host offline; thawed, vm-pub reconnects by itself and is online again.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/../lib/rabbitmq.sh"
source "$(dirname "$0")/lib.sh"

H=hr
start_rabbitmq_cluster
start_libvirtd
define_vm r1
define_vm r2
vsh start r2 >/dev/null

msub_start status2 "$RMQ_MQTT_PORT2" "$PREFIX/$H/status"
rpub_start pub "$RMQ_URL1" "$H" -q 1

# The online status, live through the cluster to node 2.
status_line() { grep "^$PREFIX/$H/status " "$H_DIR/status2.sub" | grep "\"status\":\"$1\"" | head -n 1 | cut -d' ' -f2-; }
wait_for 30 eval '[ -n "$(status_line online)" ]' || fail "node 2 got no online status: $(cat "$H_DIR/status2.sub")"
boot=$(status_line online | jq -r .boot)

# --list --host on node 1: every VM libvirt has, with its state, host online.
expected=$(virsh_states | tr '\t' ' ' | sed "s/^/$H /")
[ "$(echo "$expected" | grep -c .)" -eq 3 ] || fail "libvirt does not have the 3 expected VMs: $expected"
list_matches() { [ "$(list_json "$RMQ_URL1" --host "$H")" = "$expected" ]; }
wait_for 30 list_matches || fail "node 1: --list --host $H gives [$(list_json "$RMQ_URL1" --host "$H" | tr '\n' '|')], libvirt has [$(echo "$expected" | tr '\n' '|')]"
"$VM_SUB" -b "$RMQ_URL1" --list --host "$H" >"$H_DIR/table1.out" 2>>"$H_DIR/list.err"
[ "$(grep -c . "$H_DIR/table1.out")" -eq 4 ] || fail "node 1: table is not a header and 3 VMs: $(cat "$H_DIR/table1.out")"
[ "$(tail -n +2 "$H_DIR/table1.out" | awk '{print $NF}' | sort -u)" = online ] ||
  fail "node 1: host not online in the table: $(cat "$H_DIR/table1.out")"

# Wildcard subscriptions get no retained message, even on node 1.
out=$(list_json "$RMQ_URL1" --no-roll-call) || fail "node 1: vm-sub --list failed: $(tail -n 3 "$H_DIR/list.err")"
[ -z "$out" ] || fail "node 1: --list without --host (wildcards) listed something: $out"

# Node 2 has no retained message of the host at all.
out=$(list_json "$RMQ_URL2" --host "$H" --no-roll-call) || fail "node 2: vm-sub --list failed: $(tail -n 3 "$H_DIR/list.err")"
[ -z "$out" ] || fail "node 2: --list --host $H listed something (retained store shared after all?): $out"
"$VM_SUB" -b "$RMQ_URL2" --list --host "$H" --no-roll-call >"$H_DIR/table2.out" 2>>"$H_DIR/list.err"
[ "$(grep -c . "$H_DIR/table2.out")" -eq 1 ] || fail "node 2: table is more than its header: $(cat "$H_DIR/table2.out")"

# SIGKILL: the last will, live on node 2 ...
kill -KILL "$PUB_PID"
wait_for 30 eval '[ -n "$(status_line offline)" ]' || fail "node 2 got no offline status (last will): $(cat "$H_DIR/status2.sub")"
will=$(status_line offline)
[ "$(jq -r '"\(.host) \(.boot) \(has("time"))"' <<<"$will")" = "$H $boot false" ] ||
  fail "the offline status is not vm-pub's last will: $will"
# ... and retained on node 1, next to the VMs.
offline_listed() {
  "$VM_SUB" -b "$RMQ_URL1" --list --host "$H" >"$H_DIR/table1b.out" 2>>"$H_DIR/list.err" &&
    [ "$(tail -n +2 "$H_DIR/table1b.out" | awk '{print $NF}' | sort -u)" = offline ]
}
wait_for 30 offline_listed || fail "node 1: --list --host $H does not show the host offline: $(cat "$H_DIR/table1b.out")"
[ "$(grep -c . "$H_DIR/table1b.out")" -eq 4 ] || fail "node 1: VMs gone after the will: $(cat "$H_DIR/table1b.out")"
out=$(list_json "$RMQ_URL2" --host "$H" --no-roll-call) || fail "node 2: vm-sub --list failed: $(tail -n 3 "$H_DIR/list.err")"
[ -z "$out" ] || fail "node 2: --list --host $H listed something after the will: $out"

# A silent loss (no FIN, no DISCONNECT): the broker must notice through the
# keepalive (1.5 x 5 s) and publish the will; vm-pub must come back alone.
K=hk
msub_start status3 "$RMQ_MQTT_PORT2" "$PREFIX/$K/status"
rpub_start frozen "$RMQ_URL1" "$K" -q 1 --keepalive 5
# statuses HOST FILE: the host's status values seen so far, one per line.
statuses() { grep "^$PREFIX/$1/status " "$2" | cut -d' ' -f2- | jq -r .status; }
wait_for 30 eval '[ "$(statuses "$K" "$H_DIR/status3.sub" | tr "\n" " ")" = "online " ]' ||
  fail "node 2 did not see $K online: $(cat "$H_DIR/status3.sub")"
kill -STOP "$PUB_PID"
t0=$SECONDS
wait_for 40 eval '[ "$(statuses "$K" "$H_DIR/status3.sub" | tr "\n" " ")" = "online offline " ]' ||
  { kill -CONT "$PUB_PID"; fail "no will on node 2 after vm-pub froze: $(cat "$H_DIR/status3.sub")"; }
log "will for a frozen vm-pub (keepalive 5 s) on node 2 after about $((SECONDS - t0)) s"
kill -CONT "$PUB_PID"
wait_for 60 eval '[ "$(statuses "$K" "$H_DIR/status3.sub" | tr "\n" " ")" = "online offline online " ]' ||
  fail "vm-pub did not come back online after the thaw: $(cat "$H_DIR/status3.sub"); $(tail -n 5 "$H_DIR/frozen.log")"
rpub_stop
log "ok"
