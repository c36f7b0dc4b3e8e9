#!/usr/bin/env bash
# Every one-shot vm-sub command (--list, --since ... --until ...) ends on its
# own when no broker answers: exit 69 within --connect-timeout (default 5 s)
# plus one second, the cause in its last line on stderr; a cause retrying
# cannot fix (a name under .invalid, a certificate from another CA) ends it
# at the first attempt. The causes are real: a closed port, a name that
# never resolves, a mosquitto TLS listener with a certificate the client's
# CA did not sign, and a mosquitto stopped with SIGSTOP (the kernel accepts
# the TCP connection, nothing answers the CONNECT).
# The long-running stream keeps retrying by default (-W ends it, 124),
# gives up with 69 when --connect-timeout is given, and with the broker
# stopped for 10 s and started again still receives events afterwards.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/lib.sh"

# ------------------------------------------------------------ a TLS listener
C=$H_DIR/certs
mkdir -p "$C"
ossl() { openssl "$@" >>"$H_DIR/openssl.log" 2>&1 || fail "openssl $1 failed: $(tail -n 3 "$H_DIR/openssl.log")"; }
for ca in ca other; do
  ossl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=vm-events deadline CA $ca" \
    -keyout "$C/$ca.key" -out "$C/$ca.pem"
done
ossl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost" \
  -keyout "$C/server.key" -out "$C/server.csr"
ossl x509 -req -in "$C/server.csr" -CA "$C/ca.pem" -CAkey "$C/ca.key" -CAcreateserial -days 2 \
  -copy_extensions copy -out "$C/server.pem"
chmod 644 "$C"/*.key  # mosquitto may drop privileges

free_port() {  # free_port VAR: a port nothing listens on
  local p
  while :; do
    p=$((20000 + RANDOM % 30000))
    port_open "$p" || { printf -v "$1" '%s' "$p"; return; }
  done
}
free_port TLS_PORT
BROKER_EXTRA_CONF="listener $TLS_PORT 127.0.0.1
cafile $C/ca.pem
certfile $C/server.pem
keyfile $C/server.key"
start_broker
wait_for 5 port_open "$TLS_PORT" || fail "the TLS listener on $TLS_PORT did not open"
free_port CLOSED_PORT

# ------------------------------------------------------------ the cases
# run_case WHAT LIMIT_MS CAUSE_ERE vm-sub-args...: vm-sub must exit 69
# within LIMIT_MS, print nothing on stdout, and end stderr with a line
# naming the cause.
checks=0
run_case() {
  local what=$1 limit=$2 cause=$3; shift 3
  local start end rc=0
  start=$(date +%s%3N)
  timeout 30 "$VM_SUB" "$@" >"$H_DIR/case.out" 2>"$H_DIR/case.err" </dev/null || rc=$?
  end=$(date +%s%3N)
  local took=$((end - start)) last
  last=$(tail -n 1 "$H_DIR/case.err")
  [ "$rc" -eq 69 ] || fail "$what: exit $rc, want 69 (no broker): $(cat "$H_DIR/case.err")"
  [ "$took" -le "$limit" ] || fail "$what: took $took ms, want at most $limit ms"
  [[ $last == "vm-sub: cannot connect to "* ]] || fail "$what: last line is not the connection failure: $last"
  grep -Eq -- "$cause" <<<"$last" || fail "$what: the last line does not name the cause [$cause]: $last"
  [ ! -s "$H_DIR/case.out" ] || fail "$what: wrote to stdout: $(head -c 200 "$H_DIR/case.out")"
  log "$what: exit 69 after $took ms: $last"
  checks=$((checks + 1))
}

REFUSED="TCP connection to 127\\.0\\.0\\.1:$CLOSED_PORT: Connection refused.*no connection within"
NODNS='cannot resolve host name vm-events-deadline\.invalid: .*retrying cannot fix this'
BADCA='certificate verify failed: (unable to get local issuer certificate|self-signed certificate in certificate chain).*retrying cannot fix this'
SILENT="127\\.0\\.0\\.1:$BROKER_PORT accepted the connection but did not answer the MQTT CONNECT.*no connection within 2 s"

modes=("--list" "--since 10m --until 0s")
for mode in "${modes[@]}"; do
  # shellcheck disable=SC2086  # $mode holds whole options
  {
    # The default deadline, 5 s, for transient causes.
    run_case "$mode, closed port, default deadline" 6000 "$REFUSED 5 s" \
      -b "mqtt://127.0.0.1:$CLOSED_PORT" $mode
    run_case "$mode, closed port, --connect-timeout 2" 3000 "$REFUSED 2 s" \
      -b "mqtt://127.0.0.1:$CLOSED_PORT" --connect-timeout 2 $mode
    # Permanent causes: at the first attempt, well before the deadline.
    run_case "$mode, name under .invalid" 2000 "$NODNS" \
      -b "mqtt://vm-events-deadline.invalid:$BROKER_PORT" $mode
    run_case "$mode, TLS with the wrong CA" 2000 "$BADCA" \
      -b "mqtts://localhost:$TLS_PORT" --cafile "$C/other.pem" $mode
  }
done

# The long-running stream: keeps retrying without the option (-W ends it
# after the one-shot default has passed), gives up with it.
rc=0
timeout 30 "$VM_SUB" -b "mqtt://127.0.0.1:$CLOSED_PORT" -W 6 >/dev/null 2>"$H_DIR/stream.err" || rc=$?
expect_eq "stream, closed port, no --connect-timeout: still retrying at -W 6" 124 "$rc"
grep -q 'Connection refused; retrying' "$H_DIR/stream.err" || fail "stream: no retry notice: $(cat "$H_DIR/stream.err")"
expect_eq "stream: the cause said once" 1 "$(grep -c 'Connection refused' "$H_DIR/stream.err")"
run_case "stream, closed port, --connect-timeout 1.5" 2500 "$REFUSED 1\\.5 s" \
  -b "mqtt://127.0.0.1:$CLOSED_PORT" --connect-timeout 1.5

# A broker that accepts TCP and never answers: mosquitto stopped.
freeze_broker
for mode in "${modes[@]}"; do
  # shellcheck disable=SC2086
  run_case "$mode, broker accepts TCP but never answers" 3000 "$SILENT" \
    -b "$BROKER_URL" --connect-timeout 2 $mode
done
thaw_broker
wait_for 10 mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -t x -W 1 -E || fail "mosquitto did not come back after SIGCONT"

# The stream across 10 s of broker downtime: events after the restart arrive.
start_sub stream -o json
stop_broker
wait_for 15 grep -q 'lost' "$H_DIR/stream.err" || fail "stream: the loss was not reported: $(cat "$H_DIR/stream.err")"
sleep 10  # pause: the issue's 10 s outage, not a readiness wait
running "$SUB_PID" || fail "stream: vm-sub exited while the broker was down: $(cat "$H_DIR/stream.err")"
restart_broker
wait_for 30 eval "[ \"\$(grep -c subscribed \"$H_DIR/stream.err\")\" -ge 2 ]" \
  || fail "stream: vm-sub did not subscribe again: $(cat "$H_DIR/stream.err")"
pub_event hv1 after-outage started 1
wait_for 15 grep -q after-outage "$H_DIR/stream.out" || fail "stream: no event after the outage: $(cat "$H_DIR/stream.err")"
expect_eq "stream: the event after the outage" after-outage \
  "$(jq -r 'select(.event == "started") | .domain.name' "$H_DIR/stream.out")"
checks=$((checks + 1))

log "ok: $checks checks"
