#!/usr/bin/env bash
# bench/fleet.sh [HxM | rabbitmq:HxM ...]: a simulated fleet on one machine. For each
# H x M (default: 50x200 and 200x50, 10,000 VMs each): one private
# mosquitto and one libvirtd test driver holding M persistent VMs
# (tests/lib/harness.sh), and H vm-pub processes against it, each with its
# own --host-name (so H hosts of M VMs each). Measures, and prints as
# "fleet <H>x<M> <figure> <value>" lines (also in $FLEET_RESULTS when set):
#   online_s          H vm-pubs started at once -> every host's status online
#   list_s, list_rows vm-sub --list (default quiet period and roll call)
#   storm_*           start/destroy cycles of one VM: every host publishes every
#                     event; one vm-sub -o json receives H messages per event:
#                     its rate, and p50/p99 latency from the event's vm-pub
#                     timestamp to the line read from vm-sub (stamp-lines)
#   broker_us_per_msg mosquitto CPU during the storm / event messages published
#   since_s, since_events  vm-sub --since 1h --until 0s over the full journals
#   rollcall_s        one request (spread 100 + H/5 ms) -> H status answers
#   pss_total_mib     summed PSS of the H vm-pub processes (smaps_rollup)
#   journal_bytes     one host's retained journal after the storm
# rabbitmq:HxM: the same against the two-node RabbitMQ cluster of
# tests/lib/rabbitmq.sh, odd hosts publishing to node 1 and even hosts to
# node 2, every subscriber on node 2; online_s is then "every vm-pub
# connected" (retained messages do not reach wildcard subscriptions there).
# Binaries from $VM_PUB, $VM_SUB, $VM_STORM and $STAMP (bench/run.sh sets
# them; by default the ones in build/). Never fails on a figure.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
: "${VM_PUB:=$ROOT/build/publisher/vm-pub}" "${VM_SUB:=$ROOT/build/subscriber/vm-sub}"
: "${VM_STORM:=$ROOT/build/bench/vm-storm}" "${STAMP:=$ROOT/build/bench/stamp-lines}"
SHAPES=("$@")
[ ${#SHAPES[@]} -gt 0 ] || SHAPES=(50x200 200x50)
CYCLES=${FLEET_CYCLES:-500}   # 1000 events per host: full default journals

source "$ROOT/tests/lib/harness.sh"
set +e

now_ns() { date +%s%N; }
secs() { python3 -c "print(round(($2 - $1) / 1e9, 3))"; }
record() {
  printf 'fleet %s %s %s\n' "$SHAPE" "$1" "$2"
  [ -n "${FLEET_RESULTS:-}" ] && printf 'fleet %s %s %s\n' "$SHAPE" "$1" "$2" >>"$FLEET_RESULTS"
}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null; }
# broker_ticks: CPU ticks of every broker process so far.
broker_ticks() { local p t=0; for p in "${BROKER_PIDS[@]}"; do t=$((t + $(cpu_ticks "$p"))); done; echo "$t"; }
# pub_url I: the broker URL host I publishes to.
pub_url() { if [ $(($1 % 2)) = 1 ]; then echo "$PUB_URL_ODD"; else echo "$PUB_URL_EVEN"; fi; }
online_hosts() {
  if [ "$RABBIT" = 1 ]; then grep -c '^vm-pub: connected to broker' "$H_DIR/pub-$SHAPE.log"; return; fi
  timeout 5 mosquitto_sub -h 127.0.0.1 -p "$SUB_PORT" -t 'libvirt/+/status' --retained-only -W 1 2>/dev/null |
    grep -c '"status":"online"'
}

run_shape() {
  local h=$1 m=$2 pids=() i
  "$VM_STORM" -c "$LIBVIRT_URI" define "$m" --name "f${SHAPE#rabbitmq:}-" >/dev/null 2>>"$H_DIR/storm.log"
  # Every vm-pub started at once.
  local t0; t0=$(now_ns)
  for i in $(seq 1 "$h"); do
    "$VM_PUB" -c "$LIBVIRT_URI" -b "$(pub_url "$i")" --host-name "fh$i" --queue-limit 1000000 2>>"$H_DIR/pub-$SHAPE.log" &
    pids+=($!); track $!
  done
  local deadline=$((SECONDS + 300))
  until [ "$(online_hosts)" -ge "$h" ] || [ "$SECONDS" -ge "$deadline" ]; do sleep 0.2; done
  record online_s "$(secs "$t0" "$(now_ns)")"
  sleep 3   # the states and inventories follow the status

  t0=$(now_ns)
  local rows; rows=$("$VM_SUB" -b "$SUB_URL" --list -o json 2>>"$H_DIR/list.err" | wc -l)
  record list_s "$(secs "$t0" "$(now_ns)")"
  record list_rows "$rows"

  # The storm: one transient VM started and destroyed CYCLES times; every
  # host publishes both events of each cycle.
  local expect=$((CYCLES * 2 * h)) fifo="$H_DIR/fifo-${SHAPE#rabbitmq:}"
  mkfifo "$fifo"
  "$STAMP" <"$fifo" >"$H_DIR/storm-$SHAPE.out" &
  local stamp=$!
  "$VM_SUB" -b "$SUB_URL" -o json --domain "storm${SHAPE#rabbitmq:}" -C "$expect" -W 600 --no-gap-check -v >"$fifo" 2>"$H_DIR/storm-sub.err" &
  local sub=$!
  track "$sub"
  wait_for 30 grep -q subscribed "$H_DIR/storm-sub.err"
  local b0; b0=$(broker_ticks)
  "$VM_STORM" -c "$LIBVIRT_URI" cycles "$CYCLES" --name "storm${SHAPE#rabbitmq:}" >/dev/null 2>>"$H_DIR/storm.log"
  local quiet=0 last=0 n
  while running "$sub" && [ "$quiet" -lt 100 ]; do
    n=$(wc -l <"$H_DIR/storm-$SHAPE.out")
    if [ "$n" = "$last" ]; then quiet=$((quiet + 1)); else quiet=0; last=$n; fi
    sleep 0.1
  done
  kill "$sub" 2>/dev/null; wait "$sub" 2>/dev/null; wait "$stamp" 2>/dev/null
  local b1; b1=$(broker_ticks)
  python3 - "$H_DIR/storm-$SHAPE.out" "$expect" "$b0" "$b1" "$(getconf CLK_TCK)" <<'PY' | while read -r k v; do record "$k" "$v"; done
import json, sys, datetime
path, expect, b0, b1, tck = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
stamps, lat = [], []
for line in open(path):
    ns, _, js = line.partition(" ")
    ev = json.loads(js)
    t = datetime.datetime.strptime(ev["time"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
    stamps.append(int(ns))
    lat.append(int(ns) / 1e6 - t.timestamp() * 1e3)
print("storm_messages_expected", expect)
print("storm_messages_received", len(stamps))
if len(stamps) > 1:
    span = (stamps[-1] - stamps[0]) / 1e9
    print("storm_rate_per_s", round(len(stamps) / span) if span > 0 else "n/a")
    lat.sort()
    print("storm_latency_p50_ms", round(lat[len(lat) // 2], 2))
    print("storm_latency_p99_ms", round(lat[int(len(lat) * 0.99)], 2))
# Each event message comes with the VM's retained state (and the journal and
# inventory, coalesced): broker CPU per published event message.
print("broker_us_per_msg", round((b1 - b0) / tck * 1e6 / expect, 1) if expect else "n/a")
PY
  sleep 2   # the last journals (at most one publish per second per host)
  record journal_bytes "$(timeout 5 mosquitto_sub -h 127.0.0.1 -p "$SUB_PORT" -t libvirt/fh1/journal -C 1 -W 3 | wc -c)"

  t0=$(now_ns)
  local since; since=$("$VM_SUB" -b "$SUB_URL" --since 1h --until 0s -o json 2>>"$H_DIR/since.err" | wc -l)
  record since_s "$(secs "$t0" "$(now_ns)")"
  record since_events "$since"

  # Roll call: one request, every host's status answer.
  local spread=$((100 + h / 5))
  t0=$(now_ns)
  timeout 60 mosquitto_sub -h 127.0.0.1 -p "$SUB_PORT" -t 'libvirt/reply/bench/+/status' -C "$h" -W 60 >"$H_DIR/answers" 2>/dev/null &
  local ms=$!
  sleep 0.3
  t0=$(now_ns)
  mosquitto_pub -h 127.0.0.1 -p "$SUB_PORT" -t libvirt/roll-call \
    -m "{\"schema\":\"vm-events/1\",\"type\":\"roll-call\",\"reply\":\"bench\",\"spread_ms\":$spread}"
  wait "$ms"
  record rollcall_spread_ms "$spread"
  record rollcall_s "$(secs "$t0" "$(now_ns)")"
  record rollcall_answers "$(wc -l <"$H_DIR/answers")"

  local pss=0 p
  for p in "${pids[@]}"; do
    pss=$((pss + $(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)))
  done
  record pss_total_mib "$(python3 -c "print(round($pss / 1024, 1))")"
  record pss_per_host_mib "$(python3 -c "print(round($pss / 1024 / $h, 2))")"
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
  "$VM_STORM" -c "$LIBVIRT_URI" undefine "$m" --name "f${SHAPE#rabbitmq:}-" >/dev/null 2>>"$H_DIR/storm.log"
}

for SHAPE in "${SHAPES[@]}"; do
  RABBIT=0
  if [[ $SHAPE == rabbitmq:* ]]; then
    RABBIT=1
    source "$ROOT/tests/lib/rabbitmq.sh"
    start_rabbitmq_cluster
    PUB_URL_ODD=$RMQ_URL1 PUB_URL_EVEN=$RMQ_URL2 SUB_URL=$RMQ_URL2 SUB_PORT=$RMQ_MQTT_PORT2
    BROKER_PIDS=("$(cat "$RMQ_DIR/node1/pid")" "$(cat "$RMQ_DIR/node2/pid")")
  else
    start_broker
    PUB_URL_ODD=$BROKER_URL PUB_URL_EVEN=$BROKER_URL SUB_URL=$BROKER_URL SUB_PORT=$BROKER_PORT BROKER_PIDS=("$BROKER_PID")
  fi
  start_libvirtd
  local_shape=${SHAPE#rabbitmq:}
  run_shape "${local_shape%x*}" "${local_shape#*x}"
  [ "$RABBIT" = 1 ] || stop_broker
  kill9_libvirtd
done
exit 0
