# Helpers for the vm-sub integration tests (sourced after ../lib/harness.sh).

BOOT=${BOOT:-b00t1d}
UUID0=00000000-0000-4000-8000-000000000001

# pub TOPIC PAYLOAD [mosquitto_pub args...]: one QoS 1 message.
pub() {
  local topic=$1 payload=$2; shift 2
  mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -q 1 -t "$topic" -m "$payload" "$@"
}

# pub_file TOPIC FILE [args...]: the file's bytes as the payload.
pub_file() {
  local topic=$1 file=$2; shift 2
  mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -q 1 -t "$topic" -f "$file" "$@"
}

# event_json HOST VM EVENT SEQ [DETAIL] [KIND]: a vm-events/1 event payload.
event_json() {
  local host=$1 vm=$2 event=$3 seq=$4 detail=${5:-booted} kind=${6:-lifecycle}
  jq -cn --arg host "$host" --arg vm "$vm" --arg ev "$event" --argjson seq "$seq" \
    --arg detail "$detail" --arg kind "$kind" --arg boot "$BOOT" --arg uuid "$UUID0" \
    '{schema:"vm-events/1", seq:$seq, boot:$boot, time:"2026-11-26T02:21:24.457Z",
      host:$host, uri:"test:///default", domain:{name:$vm, uuid:$uuid, id:3},
      kind:$kind, event:$ev, detail:$detail, event_code:2, detail_code:0,
      text:(($ev|ascii_downcase) + " " + $detail)}
     | if $detail == "" then del(.detail, .detail_code) | .text = $ev else . end'
}

# pub_event HOST VM EVENT SEQ [DETAIL] [KIND]: publishes an event on its topic
# (HOST and VM must need no topic escaping).
pub_event() {
  local kind=${6:-lifecycle}
  pub "libvirt/$1/$2/event/$kind" "$(event_json "$@")"
}

# state_json HOST VM STATE REASON ID: a vm-events/1 state payload.
state_json() {
  jq -cn --arg host "$1" --arg vm "$2" --arg st "$3" --arg rs "$4" --argjson id "$5" --arg uuid "$UUID0" \
    '{schema:"vm-events/1", type:"state", time:"2026-11-26T02:21:24.457Z", host:$host,
      domain:{name:$vm, uuid:$uuid, id:(if $id < 0 then null else $id end)},
      state:$st, reason:$rs, state_code:1, reason_code:1, persistent:true, boot:"b00t1d"}'
}

# status_json HOST online|offline
status_json() {
  jq -cn --arg host "$1" --arg st "$2" \
    '{schema:"vm-events/1", type:"status", status:$st, time:"2026-11-26T02:21:24.457Z",
      host:$host, version:"0.1.0", boot:"b00t1d", dropped:0, uri:"test:///default"}'
}

# start_sub NAME [vm-sub args...]: starts vm-sub in the background with -v,
# stdout in $H_DIR/NAME.out, stderr in $H_DIR/NAME.err; waits until it has
# subscribed. Sets SUB_PID.
start_sub() {
  local name=$1; shift
  "$VM_SUB" -b "$BROKER_URL" -v "$@" >"$H_DIR/$name.out" 2>"$H_DIR/$name.err" &
  SUB_PID=$!
  track "$SUB_PID"
  wait_for 15 grep -q 'subscribed' "$H_DIR/$name.err" || fail "$name: vm-sub did not subscribe: $(cat "$H_DIR/$name.err")"
}

# sub_wait PID: waits for the process (at most 30 s) and sets RC to its exit
# status ("still-running" when it did not end). Not for $(...): a subshell
# cannot wait for its parent's children.
sub_wait() {
  local pid=$1
  RC=0
  wait_for 30 exited "$pid" || { kill -TERM "$pid"; RC=still-running; return 0; }
  wait "$pid" || RC=$?
}

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() { [ "$2" = "$3" ] || fail "$1: expected [$2], got [$3]"; }

# line_count FILE
line_count() { wc -l <"$1" | tr -d ' '; }
