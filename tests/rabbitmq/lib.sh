# Helpers for the tests/rabbitmq suite, sourced after ../lib/harness.sh and
# ../lib/rabbitmq.sh. vm-pub publishes to node 1 ($RMQ_URL1), vm-sub and
# the other observers read from node 2 ($RMQ_URL2) unless a test says
# otherwise; the default prefix "libvirt" throughout.

PREFIX=libvirt
PUB_PID=""
SUB_PID=""

# rpub_start NAME URL HOST [vm-pub options...]: vm-pub -v on $LIBVIRT_URI,
# publishing to URL as host HOST; stdout -> $H_DIR/NAME.out, stderr ->
# $H_DIR/NAME.log. Returns once it is connected to libvirt and the broker
# (so no event of what the test does next can be missed). Sets PUB_PID.
rpub_start() {
  local name=$1 url=$2 host=$3; shift 3
  "$VM_PUB" -c "$LIBVIRT_URI" -b "$url" --host-name "$host" -v "$@" \
    >"$H_DIR/$name.out" 2>"$H_DIR/$name.log" &
  PUB_PID=$!
  track "$PUB_PID"
  wait_for 30 grep -q '^vm-pub: connected to libvirt' "$H_DIR/$name.log" ||
    fail "$name: vm-pub did not connect to libvirt: $(tail -n 5 "$H_DIR/$name.log")"
  wait_for 30 grep -q '^vm-pub: connected to broker' "$H_DIR/$name.log" ||
    fail "$name: vm-pub did not connect to $url: $(tail -n 5 "$H_DIR/$name.log")"
}

# rpub_stop: SIGTERM to vm-pub, which must exit 0 within 15 s.
rpub_stop() {
  local rc=0
  kill -TERM "$PUB_PID"
  wait_for 15 exited "$PUB_PID" || fail "vm-pub still runs 15 s after SIGTERM"
  wait "$PUB_PID" || rc=$?
  [ "$rc" -eq 0 ] || fail "vm-pub exited $rc after SIGTERM"
}

# rsub_start NAME URL [vm-sub options...]: vm-sub -v reading URL; stdout ->
# $H_DIR/NAME.out, stderr -> $H_DIR/NAME.err. Returns once the broker has
# acknowledged its subscriptions. Sets SUB_PID.
rsub_start() {
  local name=$1 url=$2; shift 2
  "$VM_SUB" -b "$url" -v "$@" >"$H_DIR/$name.out" 2>"$H_DIR/$name.err" &
  SUB_PID=$!
  track "$SUB_PID"
  wait_for 30 grep -q 'subscribed' "$H_DIR/$name.err" ||
    fail "$name: vm-sub did not subscribe: $(tail -n 5 "$H_DIR/$name.err")"
}

# ------------------------------------------------------------ events
# The lifecycle series every VM goes through, and the "event detail" tokens
# each step gives (vm-events(7), LIFECYCLE TOKENS).
SERIES_TOKENS="defined added
started booted
suspended paused
resumed unpaused
stopped destroyed
undefined removed"
SERIES_LEN=6

# run_series NAME...: defines, starts, pauses, resumes, destroys and
# undefines each VM, one after the other, as fast as virsh goes.
run_series() {
  local vm
  for vm in "$@"; do
    define_vm "$vm"
    vsh start "$vm" >/dev/null
    vsh suspend "$vm" >/dev/null
    vsh resume "$vm" >/dev/null
    vsh destroy "$vm" >/dev/null
    vsh undefine "$vm" >/dev/null
  done
}

# events_of FILE HOST: "seq name event detail" of every event of HOST in
# vm-sub -o json output, in arrival order.
events_of() {
  jq -r --arg h "$2" 'select(.host == $h and has("seq")) | "\(.seq) \(.domain.name) \(.event) \(.detail)"' "$1" 2>/dev/null
}

# count_events FILE HOST: how many events of HOST the file holds.
count_events() { events_of "$1" "$2" | grep -c . || true; }

# expect_series FILE HOST VM...: waits (at most 60 s) until vm-sub's output
# FILE holds as many events of HOST as the VMs' series make, then checks
# that they are complete and in order: seq 1, 2, 3, ... in arrival order,
# no duplicate, and each VM's tokens are the series' in order.
expect_series() {
  local file=$1 host=$2; shift 2
  local n=$(( $# * SERIES_LEN )) got vm expected actual
  enough() { [ "$(count_events "$file" "$host")" -ge "$n" ]; }
  wait_for 60 enough || true
  got=$(count_events "$file" "$host")
  [ "$got" -eq "$n" ] || fail "$host: vm-sub got $got events, expected $n: $(events_of "$file" "$host" | tr '\n' '|')"
  expected=$(seq 1 "$n")
  actual=$(events_of "$file" "$host" | awk '{print $1}')
  [ "$actual" = "$expected" ] || fail "$host: seq numbers not 1..$n in order: $(echo "$actual" | tr '\n' ' ')"
  for vm in "$@"; do
    actual=$(events_of "$file" "$host" | awk -v vm="$vm" '$2 == vm {print $3, $4}')
    [ "$actual" = "$SERIES_TOKENS" ] || fail "$host/$vm: events [$(echo "$actual" | tr '\n' '|')], expected [$(echo "$SERIES_TOKENS" | tr '\n' '|')]"
  done
  log "$host: $n events complete and in order"
}

# ------------------------------------------------------------ connections
# pub_local_port PID PORT: local port of PID's established TCP connection
# to 127.0.0.1:PORT (empty when it has none).
pub_local_port() {
  ss -tnpH state established "( dport = :$2 )" 2>/dev/null |
    grep "pid=$1," | awk '{n = split($3, a, ":"); print a[n]; exit}'
}

# accepted_connections NODE CLIENT_ID: how many MQTT connections node N has
# accepted from that client id so far (from its log).
accepted_connections() {
  grep -c "accepting MQTT connection .*client id: $2)" "$H_DIR/rabbit$1.log" || true
}

# ------------------------------------------------------------ states
# list_json URL [vm-sub options...]: `vm-sub --list -o json` against URL,
# as "host name state" lines, sorted.
list_json() {
  local url=$1; shift
  "$VM_SUB" -b "$url" --list -o json "$@" 2>>"$H_DIR/list.err" |
    jq -r '"\(.host) \(.domain.name) \(.state)"' | LC_ALL=C sort
}

# msub_start NAME PORT TOPIC...: mosquitto_sub on 127.0.0.1:PORT writing
# "topic payload" lines to $H_DIR/NAME.sub; returns once its subscriptions
# are live (it also subscribes to ready/NAME and waits for a marker there).
msub_start() {
  local name=$1 port=$2; shift 2
  local -a topics=()
  local t
  for t in "$@"; do topics+=(-t "$t"); done
  stdbuf -oL mosquitto_sub -h 127.0.0.1 -p "$port" -q 1 -F '%t %p' -t "ready/$name" "${topics[@]}" \
    >"$H_DIR/$name.sub" 2>"$H_DIR/$name.sub.log" &
  track $!
  wait_for 15 msub_marker "$name" "$port" || fail "mosquitto_sub $name did not subscribe"
}
msub_marker() {
  mosquitto_pub -h 127.0.0.1 -p "$2" -t "ready/$1" -m ready 2>/dev/null || return 1
  sleep 0.1  # poll: one try of the wait_for above (the marker's way back)
  grep -q "^ready/$1 " "$H_DIR/$1.sub"
}
