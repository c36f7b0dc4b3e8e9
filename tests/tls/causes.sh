#!/usr/bin/env bash
# Every failure to reach the broker names its cause in one line, once.
# A real mosquitto with a password file, TLS listeners with certificates
# made here (a private CA, a certificate for "localhost" only, one that
# expired in 2020) and a plain listener. vm-pub and vm-sub try each broken
# setting; all runs of one tool go at once, since the causes that retrying
# cannot fix wait the longest backoff (10 s) before the second attempt.
# - right CA and password: vm-pub's events reach the broker and vm-sub.
# - wrong CA, 127.0.0.1 against a certificate for localhost, an expired
#   certificate, a plain port behind mqtts://, a TLS port behind mqtt://
#   (vm-sub), a name under .invalid, a closed port, a wrong password: vm-pub publishes
#   nothing and says the cause (its words, checked) exactly once although
#   the broker saw it attempt at least twice; vm-sub --retries 2 exits 69
#   with the cause in its last line.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/../faults/lib.sh"

R_FAULT="connection failure causes: TLS verification, host name, expiry, protocol mismatch, DNS, password"
C=$H_DIR/certs
mkdir -p "$C"

# ---------------------------------------------------------------- certificates
ossl() { openssl "$@" >>"$H_DIR/openssl.log" 2>&1 || fail "openssl $1 failed (see openssl.log)"; }
for ca in ca other; do
  ossl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=vm-events test CA $ca" \
    -keyout "$C/$ca.key" -out "$C/$ca.pem"
done
# The server's certificate names localhost only, so 127.0.0.1 mismatches.
ossl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$C/server.key" -out "$C/server.csr"
printf 'subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n' >"$C/server.ext"
ossl x509 -req -in "$C/server.csr" -CA "$C/ca.pem" -CAkey "$C/ca.key" -CAcreateserial -days 2 \
  -extfile "$C/server.ext" -out "$C/server.pem"
# An expired one: `openssl x509 -days` cannot go back in time, `openssl ca` can.
cat >"$C/ca.cnf" <<CNF
[ca]
default_ca = test_ca
[test_ca]
database = $C/index.txt
new_certs_dir = $C
serial = $C/serial
default_md = sha256
policy = any
copy_extensions = copy
[any]
commonName = supplied
CNF
: >"$C/index.txt"
echo 1000 >"$C/serial"
ossl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost" \
  -keyout "$C/expired.key" -out "$C/expired.csr"
ossl ca -batch -config "$C/ca.cnf" -cert "$C/ca.pem" -keyfile "$C/ca.key" -in "$C/expired.csr" \
  -out "$C/expired.pem" -startdate 20200101000000Z -enddate 20200201000000Z
chmod 644 "$C"/*.key   # mosquitto may drop privileges

# ---------------------------------------------------------------- broker
# One listener per case, so the broker's log counts each case's attempts.
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 30000))
    port_open "$p" || [[ " ${USED_PORTS:-} " == *" $p "* ]] || { echo "$p"; return; }
  done
}
USED_PORTS=""
for v in P_OK P_CA P_HOST P_PW P_TLSPLAIN P_EXP P_PLAIN P_CLOSED; do
  p=$(free_port); USED_PORTS="$USED_PORTS $p"; printf -v "$v" '%s' "$p"
done
tls_listener() {  # tls_listener PORT CERT
  printf 'listener %s 127.0.0.1\ncafile %s\ncertfile %s\nkeyfile %s\n' "$1" "$C/ca.pem" "$C/$2.pem" "$C/$2.key"
}
PASSWORD="tls-causes-$$"
printf 'alice:%s\n' "$PASSWORD" >"$H_DIR/passwd"
mosquitto_passwd -U "$H_DIR/passwd" >/dev/null 2>&1 || fail "mosquitto_passwd failed"
umask 077
printf '%s\n' "$PASSWORD" >"$H_DIR/pw"
printf 'not-the-password\n' >"$H_DIR/badpw"

BROKER_EXTRA_CONF="password_file $H_DIR/passwd
$(tls_listener "$P_OK" server)
$(tls_listener "$P_CA" server)
$(tls_listener "$P_HOST" server)
$(tls_listener "$P_PW" server)
$(tls_listener "$P_TLSPLAIN" server)
$(tls_listener "$P_EXP" expired)
listener $P_PLAIN 127.0.0.1"
start_broker
start_libvirtd
for p in $P_OK $P_EXP $P_PLAIN; do wait_for 5 port_open "$p" || fail "listener $p did not open"; done
msub_start all -t "$PREFIX/#"

published_by() { grep -q "^$PREFIX/$1/" "$H_DIR/all.sub"; }
# attempts_on CASE: connections the broker saw for CASE. mosquitto logs a
# TLS connection whose handshake fails at once as "Client connection from
# ... failed: <alert>" (no port), so those count by the alert only CASE causes.
attempts_on() {
  local n m=0
  n=$(grep -c "New connection from .* on port ${PORT[$1]}\." "$H_DIR/mosquitto.log" || true)
  [ -z "${ALERT[$1]:-}" ] || m=$(grep -c "Client connection from .* failed: .*${ALERT[$1]}" "$H_DIR/mosquitto.log" || true)
  echo $((n + m))
}
at_least() { [ "$(attempts_on "$1")" -ge "$2" ]; }

checks=0
# ---------------------------------------------------------------- right settings
OK_URL="mqtts://alice@localhost:$P_OK"
vmsub_start ok -b "$OK_URL" --cafile "$C/ca.pem" --password-file "$H_DIR/pw" --host tls-ok -C 1 -o json -v
wait_for 20 grep -q 'subscribed' "$H_DIR/ok.log" || fail "right CA and password: vm-sub never subscribed: $(tail -n 1 "$H_DIR/ok.log")"
ok_sub=$VMSUB_PID
PUB_HOST=tls-ok pub_start ok-pub -b "$OK_URL" --cafile "$C/ca.pem" --password-file "$H_DIR/pw"
wait_for 20 published_by tls-ok || fail "right CA and password: vm-pub published nothing: $(tail -n 1 "$H_DIR/ok-pub.log")"
define_vm tls-vm
wait_exit "$ok_sub" 20 || fail "right CA and password: vm-sub got no event from vm-pub"
[ "$W_RC" -eq 0 ] || fail "right CA and password: vm-sub exited $W_RC"
jq_e 'select(.domain.name == "tls-vm")' <"$H_DIR/ok.out" || fail "vm-sub's event is not tls-vm's: $(head -c 300 "$H_DIR/ok.out")"
kill "$PUB_PID" 2>/dev/null || true
checks=$((checks + 1))

# ---------------------------------------------------------------- broken settings
# case NAME URL [extra options]: the broken settings; CAUSE_NAME: the words.
declare -A URL OPTS WORDS
add_case() { URL[$1]=$2; WORDS[$1]=$3; OPTS[$1]=${4:-}; }
add_case wrongca "mqtts://localhost:$P_CA" \
  'certificate verify failed: (unable to get local issuer certificate|self-signed certificate in certificate chain)' \
  "--cafile $C/other.pem"
add_case wronghost "mqtts://127.0.0.1:$P_HOST" \
  'certificate verify failed: hostname mismatch: checked 127\.0\.0\.1, the certificate is for localhost' \
  "--cafile $C/ca.pem"
add_case expired "mqtts://localhost:$P_EXP" \
  'certificate verify failed: certificate has expired \(not valid after 2020-02-01' "--cafile $C/ca.pem"
add_case plain "mqtts://localhost:$P_PLAIN" 'does not speak TLS.*plain MQTT port' "--cafile $C/ca.pem"
add_case nodns "mqtt://vm-events-test.invalid:1883" \
  'cannot resolve host name vm-events-test\.invalid: [A-Z]'
add_case badpw "mqtts://alice@localhost:$P_PW" 'refused the connection: not authorised \(CONNACK return code 5\)' \
  "--cafile $C/ca.pem --password-file $H_DIR/badpw"
add_case refused "mqtt://localhost:$P_CLOSED" "TCP connection to 127\\.0\\.0\\.1:$P_CLOSED: Connection refused"
# vm-sub only
add_case tlsplain "mqtt://localhost:$P_TLSPLAIN" 'without answering the MQTT CONNECT.*TLS port'
declare -A PORT=([wrongca]=$P_CA [wronghost]=$P_HOST [expired]=$P_EXP [plain]=$P_PLAIN [badpw]=$P_PW)
declare -A ALERT=([wrongca]='alert unknown ca' [wronghost]='alert bad certificate' [expired]='alert certificate expired')

declare -A SUBPID
for name in "${!URL[@]}"; do
  # shellcheck disable=SC2086  # OPTS holds whole options (no spaces inside)
  vmsub_start "sub-$name" -b "${URL[$name]}" ${OPTS[$name]} --retries 2
  SUBPID[$name]=$VMSUB_PID
done
declare -A PUBPID
for name in wrongca wronghost expired plain nodns refused badpw; do
  # shellcheck disable=SC2086
  PUB_HOST="tls-$name" pub_start "pub-$name" -b "${URL[$name]}" ${OPTS[$name]}
  PUBPID[$name]=$PUB_PID
done

# vm-sub --retries 2: exit 69 (no broker), the cause in the last line.
for name in "${!SUBPID[@]}"; do
  wait_exit "${SUBPID[$name]}" 40 || fail "$name: vm-sub --retries 2 still runs after 40 s"
  [ "$W_RC" -eq 69 ] || fail "$name: vm-sub --retries 2 exited $W_RC, expected 69: $(tail -n 1 "$H_DIR/sub-$name.log")"
  last=$(tail -n 1 "$H_DIR/sub-$name.log")
  grep -Eq -- "${WORDS[$name]}" <<<"$last" || fail "$name: vm-sub's last line does not name the cause: $last"
  note "vm-sub $name: '$last'"
  checks=$((checks + 1))
done

# vm-pub: at least two attempts (the broker saw vm-sub's two, which has
# exited, and two more), the cause said once, nothing published.
for name in "${!PUBPID[@]}"; do
  if [ -n "${PORT[$name]:-}" ]; then
    wait_for 40 at_least "$name" 4 || fail "$name: vm-pub did not try twice ($(attempts_on "$name") attempts with vm-sub's 2)"
    sleep 0.5  # pause: the second failure's line, if any, is written (the cause must be said once)
  fi
  alive "${PUBPID[$name]}" || fail "$name: vm-pub exited: $(tail -n 1 "$H_DIR/pub-$name.log")"
  n=$(grep -Ec -- "${WORDS[$name]}" "$H_DIR/pub-$name.log" || true)
  [ "$n" -eq 1 ] || fail "$name: vm-pub said the cause $n times, expected once: $(grep -v '^$' "$H_DIR/pub-$name.log" | tail -n 3 | tr '\n' '|')"
  published_by "tls-$name" && fail "$name: vm-pub published on the broker anyway"
  [ -z "${PORT[$name]:-}" ] || note "vm-pub $name: $(attempts_on "$name") attempts seen by the broker (vm-sub's 2 included), 1 line"
  checks=$((checks + 1))
done

R_REPS=$checks
pass
