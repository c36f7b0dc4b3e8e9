# Integration-test harness (sourced by the tests in tests/integration/).
#
# Starts, in a private temporary directory, a real mosquitto on a free
# loopback port and a real libvirtd serving the test driver on a private
# socket, and stops both on exit, whatever happens. libvirtd runs in its
# own mount namespace with a tmpfs over /run/libvirt, so parallel tests
# (and a system libvirtd) never collide on pid files.
#
# Provides: H_DIR, BROKER_PORT, BROKER_URL, LIBVIRT_URI (LIBVIRT_RO_URI: the
# read-only socket), and the functions
# below. Binaries come from the environment meson sets: VM_PUB, VM_SUB, VM_STORM.

set -euo pipefail

H_DIR=$(mktemp -d "${TMPDIR:-/tmp}/vme-test.XXXXXX")
H_PIDS=()
H_NAME=$(basename "${0%.sh}")

log() { printf '%s: %s\n' "$H_NAME" "$*" >&2; }
fail() { printf '%s: FAIL: %s\n' "$H_NAME" "$*" >&2; exit 1; }

h_cleanup() {
  local rc=$?
  local pid
  for pid in "${H_PIDS[@]}"; do
    kill -CONT "$pid" 2>/dev/null || true
    kill -TERM "$pid" 2>/dev/null || true
  done
  # Up to 2 s for them to end on SIGTERM, then SIGKILL for what is left.
  local i left
  for i in $(seq 1 40); do
    left=0
    for pid in "${H_PIDS[@]}"; do running "$pid" && left=1 && break; done
    [ "$left" -eq 1 ] || break
    sleep 0.05  # poll: the tracked processes ending on SIGTERM (at most 2 s)
  done
  for pid in "${H_PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "$rc" -ne 0 ]; then
    log "exit $rc; logs kept in $H_DIR"
    for f in "$H_DIR"/*.log; do
      [ -f "$f" ] || continue
      echo "----- $f (last 40 lines)" >&2
      tail -n 40 "$f" >&2 || true
    done
  else
    rm -rf "$H_DIR"
  fi
  exit "$rc"
}
trap h_cleanup EXIT
trap 'exit 130' INT TERM

# track PID: kill it at exit
track() { H_PIDS+=("$1"); }

# wait_for SECONDS COMMAND...: polls COMMAND every 50 ms until it succeeds.
wait_for() {
  local limit=$1; shift
  local deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.05  # poll: wait_for's deadline is SECONDS
  done
}

# jq_e [jq options...] FILTER: reads JSON from stdin (no file argument) and
# is true only when FILTER, run over every input, gave at least one output
# and the last output is neither false nor null. Unlike `jq -e FILTER` it is
# false on empty input (jq 1.6 -e succeeds when there is no output at all,
# so a check of a retained message that has not arrived yet would pass) and
# on input that is not JSON. With -s, FILTER gets all inputs as one array.
jq_e() {
  jq -n "${@:1:$#-1}" "[inputs | (${*: -1})] | length > 0 and (last | . != null and . != false)" | grep -qx true
}

# running PID: true while the process exists and is not a zombie; exited: the opposite.
running() { [ -r "/proc/$1/stat" ] && ! grep -q '^[0-9]* ([^)]*) Z' "/proc/$1/stat" 2>/dev/null; }
exited() { ! running "$1"; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# subscriptions TOPIC: how many subscriptions to exactly TOPIC the harness's
# mosquitto has logged so far (its lines "CLIENT-ID QOS TOPIC", log_type
# subscribe). The broker logs a subscription once it holds it, so a message
# published after that reaches the subscriber.
subscriptions() {
  awk -v t="$1" '$NF == t && $(NF - 1) ~ /^[0-2]$/ {n++} END {print n + 0}' "$H_DIR/mosquitto.log" 2>/dev/null || echo 0
}

# subscribed TOPIC [N]: at least N (default 1) subscriptions to TOPIC logged.
subscribed() { [ "$(subscriptions "$1")" -ge "${2:-1}" ]; }

# ---------------------------------------------------------------- mosquitto
BROKER_PORT=""
BROKER_URL=""
BROKER_PID=""

# h_write_mosquitto_conf PORT: the broker config (extra lines from $BROKER_EXTRA_CONF).
h_write_mosquitto_conf() {
  cat >"$H_DIR/mosquitto.conf" <<CONF
user root
listener $1 127.0.0.1
allow_anonymous true
persistence false
max_queued_messages 100000
connection_messages true
log_dest file $H_DIR/mosquitto.log
log_type error
log_type warning
log_type notice
log_type information
log_type subscribe
${BROKER_EXTRA_CONF:-}
CONF
}

# start_broker: picks a free port and starts mosquitto on it.
start_broker() {
  local try port
  for try in 1 2 3 4 5 6 7 8 9 10; do
    port=$((20000 + RANDOM % 30000))
    port_open "$port" && continue
    BROKER_PORT=$port
    if launch_broker; then
      BROKER_URL="mqtt://127.0.0.1:$BROKER_PORT"
      return 0
    fi
  done
  fail "could not start mosquitto"
}

# launch_broker: (re)starts mosquitto on $BROKER_PORT.
launch_broker() {
  h_write_mosquitto_conf "$BROKER_PORT"
  mosquitto -c "$H_DIR/mosquitto.conf" >>"$H_DIR/mosquitto.out.log" 2>&1 &
  BROKER_PID=$!
  track "$BROKER_PID"
  if wait_for 5 port_open "$BROKER_PORT"; then return 0; fi
  kill "$BROKER_PID" 2>/dev/null || true
  return 1
}

stop_broker() { kill -TERM "$BROKER_PID" 2>/dev/null || true; wait "$BROKER_PID" 2>/dev/null || true; }
kill9_broker() { kill -KILL "$BROKER_PID" 2>/dev/null || true; wait "$BROKER_PID" 2>/dev/null || true; }
restart_broker() { launch_broker || fail "mosquitto did not restart on port $BROKER_PORT"; }
freeze_broker() { kill -STOP "$BROKER_PID"; }
thaw_broker() { kill -CONT "$BROKER_PID"; }

# ---------------------------------------------------------------- libvirtd
LIBVIRT_URI=""
LIBVIRT_RO_URI=""
LIBVIRTD_PID=""
KEEPER_PID=""

# start_libvirtd: libvirtd with only the built-in test driver (the driver
# module directory is empty), on a private socket, in its own mount namespace
# (extra libvirtd.conf lines from $LIBVIRTD_EXTRA_CONF).
# Opt-in LIBVIRTD_HOST_PERMS=1: the sockets' permissions of a real host
# instead: the read-write socket root-only (0700), the read-only socket
# (LIBVIRT_RO_URI) usable by every local user, its directories searchable.
start_libvirtd() {
  mkdir -p "$H_DIR/libvirt" "$H_DIR/no-drivers" /run/libvirt
  local rw_perms=0770
  if [ "${LIBVIRTD_HOST_PERMS:-0}" = 1 ]; then
    rw_perms=0700   # the read-only socket keeps libvirt's default, 0777
    chmod 0711 "$H_DIR" "$H_DIR/libvirt"
  fi
  cat >"$H_DIR/libvirtd.conf" <<CONF
unix_sock_dir = "$H_DIR/libvirt"
auth_unix_rw = "none"
auth_unix_ro = "none"
unix_sock_rw_perms = "$rw_perms"
${LIBVIRTD_EXTRA_CONF:-}
CONF
  LIBVIRT_URI="test+unix:///default?socket=$H_DIR/libvirt/libvirt-sock"
  LIBVIRT_RO_URI="test+unix:///default?socket=$H_DIR/libvirt/libvirt-sock-ro"
  launch_libvirtd
}

launch_libvirtd() {
  rm -f "$H_DIR/libvirt/libvirt-sock"
  LIBVIRT_DRIVER_DIR="$H_DIR/no-drivers" unshare -m --propagation private \
    sh -c 'mount -t tmpfs tmpfs /run/libvirt && exec libvirtd -f "$1" -p "$2"' sh "$H_DIR/libvirtd.conf" "$H_DIR/libvirtd.pid" \
    >>"$H_DIR/libvirtd.log" 2>&1 &
  LIBVIRTD_PID=$!
  track "$LIBVIRTD_PID"
  wait_for 15 virsh -q -c "$LIBVIRT_URI" version || fail "libvirtd did not start"
  start_keeper
}

# start_keeper: one client that holds a connection for as long as the test
# runs (the test driver keeps its hypervisor only while one is open); it
# also records the libvirt-side events in $H_DIR/libvirt-events.log.
start_keeper() {
  stdbuf -oL virsh -q -c "$LIBVIRT_URI" event --all --loop >>"$H_DIR/libvirt-events.log" 2>&1 &
  KEEPER_PID=$!
  track "$KEEPER_PID"
  # Until it holds its connection, a client that disconnects takes the test
  # driver's state with it: wait for libvirtd to list a client.
  wait_for 10 keeper_connected || fail "virsh event did not connect to libvirtd"
}

keeper_connected() {
  [ "$(virt-admin -q -c "libvirtd:///system?socket=$H_DIR/libvirt/libvirt-admin-sock" \
        srv-clients-list libvirtd 2>/dev/null | grep -c '[0-9]')" -ge 1 ]
}

kill9_libvirtd() {
  kill -KILL "$LIBVIRTD_PID" 2>/dev/null || true
  wait "$LIBVIRTD_PID" 2>/dev/null || true
  kill "$KEEPER_PID" 2>/dev/null || true
  wait "$KEEPER_PID" 2>/dev/null || true
}
restart_libvirtd() { launch_libvirtd; }

vsh() { virsh -q -c "$LIBVIRT_URI" "$@"; }

# vm_xml NAME: a minimal test-driver domain definition (name XML-escaped).
vm_xml() {
  local name=$1
  name=${name//&/&amp;}; name=${name//</&lt;}; name=${name//>/&gt;}
  printf "<domain type='test'><name>%s</name><memory unit='MiB'>64</memory><os><type>hvm</type></os></domain>\n" "$name"
}

# define_vm NAME: defines a persistent VM.
define_vm() { vm_xml "$1" >"$H_DIR/vm.xml"; vsh define "$H_DIR/vm.xml" >/dev/null; }

# create_vm NAME: starts a transient VM.
create_vm() { vm_xml "$1" >"$H_DIR/vm.xml"; vsh create "$H_DIR/vm.xml" >/dev/null; }

# virsh_states: "name<TAB>state" for every VM libvirt knows, state as a
# vm-events token (running, paused, shutoff, ...), sorted.
virsh_states() {
  local name st
  vsh list --all --name | while IFS= read -r name; do
    [ -n "$name" ] || continue
    st=$(vsh domstate -- "$name" 2>/dev/null) || continue
    case $st in
      "shut off") st=shutoff ;;
      "in shutdown") st=shutdown ;;
      "pmsuspended") st=pmsuspended ;;
      "idle"|"no state") st=nostate ;;
    esac
    printf '%s\t%s\n' "$name" "$st"
  done | LC_ALL=C sort
}
