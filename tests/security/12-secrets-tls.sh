#!/usr/bin/env bash
# Issue 5, item 12: secrets and TLS.
# - The broker password (from --password-file or VM_EVENTS_PASSWORD) is never
#   in /proc/<pid>/cmdline of vm-pub or vm-sub, nor in any log line (vm-pub -v,
#   vm-sub, the broker); it is really used (a wrong one is refused).
# - A password file readable by others gives a warning.
# - TLS against mosquitto TLS listeners with certificates made here by
#   openssl: the right CA connects (control); a certificate for another host
#   name, an unknown CA and an empty CA file all refuse to connect and send
#   nothing (a subscriber on the plain listener of the same broker sees
#   nothing from those runs, the broker logs no connection of their client id).
# - --insecure prints a warning.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/../faults/lib.sh"

R_FAULT="password exposure; TLS: wrong host name, unknown CA, empty CA file, --insecure"
WAIT=4                  # seconds a refused client is given to misbehave
PASSWORD="S3cr3t-faults-$$-pw"
C=$H_DIR/certs
mkdir -p "$C"

# ---------------------------------------------------------------- certificates
ossl() { openssl "$@" >>"$H_DIR/openssl.log" 2>&1 || fail "openssl $1 failed (see openssl.log)"; }
make_ca() {  # make_ca NAME
  ossl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=vm-events test CA $1" \
    -keyout "$C/$1.key" -out "$C/$1.pem"
}
make_server() {  # make_server NAME CN SAN (signed by ca)
  ossl req -newkey rsa:2048 -nodes -subj "/CN=$2" -keyout "$C/$1.key" -out "$C/$1.csr"
  printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$3" >"$C/$1.ext"
  ossl x509 -req -in "$C/$1.csr" -CA "$C/ca.pem" -CAkey "$C/ca.key" -CAcreateserial -days 2 \
    -extfile "$C/$1.ext" -out "$C/$1.pem"
}
make_ca ca
make_ca other
make_server server localhost 'DNS:localhost,IP:127.0.0.1'
make_server wrong wrong.example 'DNS:wrong.example'
: >"$C/empty.pem"
chmod 644 "$C"/*.key   # mosquitto may drop privileges

free_port() {
  local p
  while :; do p=$((20000 + RANDOM % 30000)); port_open "$p" || { echo "$p"; return; }; done
}
TLS_PORT=$(free_port)
WRONG_PORT=$(free_port)
[ "$TLS_PORT" != "$WRONG_PORT" ] || WRONG_PORT=$(free_port)
# Hashed in place (-U), so the password is on no command line, not even here.
printf 'alice:%s\n' "$PASSWORD" >"$H_DIR/passwd"
mosquitto_passwd -U "$H_DIR/passwd" >/dev/null 2>&1 || fail "mosquitto_passwd failed"

BROKER_EXTRA_CONF="password_file $H_DIR/passwd
listener $TLS_PORT 127.0.0.1
cafile $C/ca.pem
certfile $C/server.pem
keyfile $C/server.key
listener $WRONG_PORT 127.0.0.1
cafile $C/ca.pem
certfile $C/wrong.pem
keyfile $C/wrong.key"
start_broker
start_libvirtd
wait_for 5 port_open "$TLS_PORT" || fail "the TLS listener did not open"
msub_start all -t "$PREFIX/#"

published_by() { grep -q "^$PREFIX/$1/" "$H_DIR/all.sub"; }
connected_as() { grep -q "New client connected.* as $1 " "$H_DIR/mosquitto.log"; }
online_as() { status_for "$1" online; }
status_for() { grep "^$PREFIX/$1/status" "$H_DIR/all.sub" | cut -f2- | jq_e -s --arg s "$2" 'any(.[]; .status == $s)' 2>/dev/null; }

# run_pub NAME [options]: vm-pub as host NAME, client id NAME.
run_pub() {
  local name=$1; shift
  PUB_HOST=$name pub_start "$name" --client-id "$name" "$@"
}

# refused NAME WHAT: vm-pub NAME must have sent nothing after $WAIT s.
refused() {
  sleep "$WAIT"  # pause: the time a refused client is given to misbehave
  published_by "$1" && fail "$2: vm-pub published on the broker anyway"
  connected_as "$1" && fail "$2: the broker accepted a connection from vm-pub"
  local why
  why=$(grep -i 'broker' "$H_DIR/$1.log" | head -n 1 || true)
  [ -n "$why" ] || why=$(grep -v '^$' "$H_DIR/$1.log" | tail -n 1)
  [ -n "$why" ] || fail "$2: vm-pub refused silently (no log line)"
  note "$2: refused, '$(sanitize_note "$why")'"
  kill "$PUB_PID" 2>/dev/null || true
}
sanitize_note() { printf '%s' "${1:0:120}" | tr -c '[:print:]' '?'; }

no_password_in() {  # no_password_in WHAT FILE...
  local f
  for f in "${@:2}"; do
    [ -e "$f" ] || continue
    grep -qaF -- "$PASSWORD" "$f" && fail "$1: the password appears in $(basename "$f")"
  done
  return 0
}

checks=0
# ---------------------------------------------------------------- passwords
umask 077
printf '%s\n' "$PASSWORD" >"$H_DIR/pw"
run_pub sec-pwfile -b "mqtt://alice@127.0.0.1:$BROKER_PORT" --password-file "$H_DIR/pw" -v
pw_pid=$PUB_PID
wait_for 20 online_as sec-pwfile || fail "password file: vm-pub never came online"
no_password_in "vm-pub --password-file cmdline" "/proc/$pw_pid/cmdline"
grep -qi 'warn' "$H_DIR/sec-pwfile.log" && fail "a private (0600) password file gave a warning: $(grep -i warn "$H_DIR/sec-pwfile.log" | head -n 1)"
checks=$((checks + 1))

VM_EVENTS_PASSWORD=$PASSWORD run_pub sec-pwenv -b "mqtt://alice@127.0.0.1:$BROKER_PORT" -v
env_pid=$PUB_PID
wait_for 20 online_as sec-pwenv || fail "password in VM_EVENTS_PASSWORD: vm-pub never came online"
no_password_in "vm-pub with VM_EVENTS_PASSWORD cmdline" "/proc/$env_pid/cmdline"
checks=$((checks + 1))

vmsub_start vmsub -b "mqtt://alice@127.0.0.1:$BROKER_PORT" --password-file "$H_DIR/pw" -o json -v
# -v: vm-sub says "subscribed" once the broker took its password and subscription.
wait_for 10 grep -q 'subscribed' "$H_DIR/vmsub.log" || fail "vm-sub with a password file did not subscribe: $(tail -n 1 "$H_DIR/vmsub.log")"
alive "$VMSUB_PID" || fail "vm-sub with a password file exited: $(tail -n 1 "$H_DIR/vmsub.log")"
no_password_in "vm-sub --password-file cmdline" "/proc/$VMSUB_PID/cmdline"
wait_for 10 grep -q 'New client connected.*alice' "$H_DIR/mosquitto.log" || fail "no client authenticated as alice"
checks=$((checks + 1))

# The password is really checked: a wrong one is refused.
printf 'not-the-password\n' >"$H_DIR/badpw"
run_pub sec-badpw -b "mqtt://alice@127.0.0.1:$BROKER_PORT" --password-file "$H_DIR/badpw"
refused sec-badpw "wrong password"
checks=$((checks + 1))

# A password file others can read: a warning (the run itself still works).
cp "$H_DIR/pw" "$H_DIR/pw-open"
chmod 644 "$H_DIR/pw-open"
run_pub sec-pwopen -b "mqtt://alice@127.0.0.1:$BROKER_PORT" --password-file "$H_DIR/pw-open"
wait_for 10 grep -qi 'warn' "$H_DIR/sec-pwopen.log" || fail "a password file readable by others gave no warning"
note "world-readable password file: '$(sanitize_note "$(grep -i warn "$H_DIR/sec-pwopen.log" | head -n 1)")'"
kill "$PUB_PID" 2>/dev/null || true
checks=$((checks + 1))

# A password inside the URL is refused (it would be visible through ps).
rc=0
"$VM_PUB" -c "$LIBVIRT_URI" -b "mqtt://alice:$PASSWORD@127.0.0.1:$BROKER_PORT" --host-name sec-url \
  >"$H_DIR/sec-url.out" 2>"$H_DIR/sec-url.log" & url_pid=$!
track "$url_pid"
wait_exit "$url_pid" 10 || fail "vm-pub with a password in the URL kept running"
rc=$W_RC
[ "$rc" -eq 2 ] || fail "a password in the URL: exit $rc, expected 2"
grep -q -- '--password-file' "$H_DIR/sec-url.log" || fail "the error for a password in the URL does not point to --password-file"
checks=$((checks + 1))

kill "$pw_pid" "$env_pid" "$VMSUB_PID" 2>/dev/null || true
for p in "$pw_pid" "$env_pid" "$VMSUB_PID"; do
  wait_for 10 exited "$p" || fail "process $p did not end on SIGTERM"
done
no_password_in "log lines" "$H_DIR"/*.log "$H_DIR"/*.out "$H_DIR/all.sub"
checks=$((checks + 1))

# ---------------------------------------------------------------- TLS
run_pub sec-tls -b "mqtts://127.0.0.1:$TLS_PORT" --cafile "$C/ca.pem"
wait_for 20 online_as sec-tls || fail "TLS with the right CA: vm-pub never came online (control failed): $(tail -n 1 "$H_DIR/sec-tls.log")"
kill "$PUB_PID" 2>/dev/null || true
checks=$((checks + 1))

run_pub sec-wronghost -b "mqtts://127.0.0.1:$WRONG_PORT" --cafile "$C/ca.pem"
refused sec-wronghost "certificate for another host name"
checks=$((checks + 1))

run_pub sec-unknownca -b "mqtts://127.0.0.1:$TLS_PORT" --cafile "$C/other.pem"
refused sec-unknownca "unknown CA"
checks=$((checks + 1))

run_pub sec-emptyca -b "mqtts://127.0.0.1:$TLS_PORT" --cafile "$C/empty.pem"
refused sec-emptyca "empty CA file"
checks=$((checks + 1))

run_pub sec-insecure -b "mqtts://127.0.0.1:$WRONG_PORT" --cafile "$C/ca.pem" --insecure
wait_for 10 grep -qi 'insecure' "$H_DIR/sec-insecure.log" || fail "--insecure printed no warning"
note "--insecure: '$(sanitize_note "$(grep -i insecure "$H_DIR/sec-insecure.log" | head -n 1)")'"
kill "$PUB_PID" 2>/dev/null || true
checks=$((checks + 1))

R_REPS=$checks
pass
