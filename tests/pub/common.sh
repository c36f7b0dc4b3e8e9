# Helpers shared by the vm-pub integration tests (sourced after the harness).

PUB_HOST=${PUB_HOST:-testhost}
PREFIX=${PREFIX:-libvirt}

msub() { mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" "$@"; }
mpub() { mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" "$@"; }

# start_event_sub FILE [mosquitto_sub options...]: every event message as one
# JSON line ({"topic":..,"payload":{..}}), subscribed before it returns.
start_event_sub() {
  local file=$1; shift
  stdbuf -oL mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -F '%J' "$@" \
    -t "$PREFIX/$PUB_HOST/+/event/#" -t "$PREFIX/probe" >>"$file" 2>>"$H_DIR/sub.err.log" &
  track $!
  # Readiness: a probe published now must come back through the subscription.
  local deadline=$((SECONDS + 10))
  until grep -q '"topic":"'"$PREFIX"'/probe"' "$file" 2>/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] || fail "subscriber did not start"
    mpub -t "$PREFIX/probe" -m '{"probe":1}'
    sleep 0.1  # poll: until the probe comes back (10 s deadline)
  done
}

# start_pub [options...]: vm-pub against the harness, stderr in $H_DIR/vm-pub.log.
start_pub() {
  "$VM_PUB" -c "$LIBVIRT_URI" -b "$BROKER_URL" --host-name "$PUB_HOST" --prefix "$PREFIX" "$@" \
    2>>"$H_DIR/vm-pub.log" &
  PUB_PID=$!
  track "$PUB_PID"
}

# retained TOPIC: the retained payload of TOPIC ("" when none).
retained() { msub -C 1 -W 1 -t "$1" 2>/dev/null || true; }

status_is() { [ "$(retained "$PREFIX/$PUB_HOST/status" | jq -r .status 2>/dev/null)" = "$1" ]; }

wait_online() { wait_for 20 status_is online || fail "vm-pub did not publish online"; }

# events FILE: the event payloads only, one JSON line each.
events() { jq -c 'select(.topic != "'"$PREFIX"'/probe") | .payload' "$1"; }

# event_count FILE JQ-FILTER: how many events match.
event_count() { events "$1" | jq -c "select($2)" | wc -l; }

# wait_events SECONDS FILE N JQ-FILTER: until at least N events match.
wait_events() {
  local limit=$1 file=$2 n=$3 filter=$4
  local deadline=$((SECONDS + limit))
  until [ "$(event_count "$file" "$filter")" -ge "$n" ]; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.1  # poll: until N events match (deadline SECONDS)
  done
}

# check_seq_contiguous FILE: the seqs of one boot are 1..N with no gap or duplicate.
check_seq_contiguous() {
  local bad
  bad=$(events "$1" | jq -s 'map(.seq) as $s | [range(0; $s|length)] | map(select($s[.] != . + $s[0])) | length')
  [ "$bad" = 0 ] || fail "seq not contiguous: $(events "$1" | jq -c .seq | tr '\n' ' ' | head -c 400)"
}

state_topic_of() { printf '%s/%s/%s/state' "$PREFIX" "$PUB_HOST" "$1"; }

# stop_pub: SIGTERM, and vm-pub must exit 0 by itself within 15 s.
stop_pub() {
  kill -TERM "$PUB_PID"
  local i rc
  for i in $(seq 1 150); do kill -0 "$PUB_PID" 2>/dev/null || break; sleep 0.1; done  # poll: vm-pub's exit, at most 15 s
  kill -0 "$PUB_PID" 2>/dev/null && fail "vm-pub did not exit within 15 s of SIGTERM"
  rc=0; wait "$PUB_PID" || rc=$?
  [ "$rc" = 0 ] || fail "vm-pub exited with $rc after SIGTERM"
}

# cycles N NAME: N start/destroy cycles of the persistent VM NAME in one virsh run.
cycles() {
  local n=$1 name=$2 i cmds=""
  for ((i = 0; i < n; i++)); do cmds+="start $name; destroy $name; "; done
  vsh "$cmds" >/dev/null
}

# start_rig: broker, libvirtd, an independent QoS 1 event subscriber writing
# to $EV, and vm-pub, ready (online published) when it returns.
start_rig() {
  start_broker
  start_libvirtd
  EV=$H_DIR/events.jsonl
  start_event_sub "$EV" -q 1
  start_pub
  wait_online
}
