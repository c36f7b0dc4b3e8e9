#!/usr/bin/env bash
# The command line: --stdout JSON lines, the classic --topic/--payload text
# line, usage errors (exit 2, one line), the password kept off the command
# line (and the broker accepting it from the file).
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/common.sh"

# --- usage errors: exit 2, exactly one line on stderr
usage_error() {
  local rc=0 out
  out=$("$VM_PUB" "$@" 2>&1 >/dev/null) || rc=$?
  [ "$rc" = 2 ] || fail "'$*': exit $rc, want 2"
  [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] || fail "'$*': more than one line: $out"
  [[ "$out" == vm-pub:* ]] || fail "'$*': not prefixed: $out"
  printf '%s\n' "$out"
}
usage_error --no-such-option >/dev/null
usage_error --qos 3 >/dev/null
usage_error --events lifecycle,nonsense | grep -q nonsense || fail "unknown kind not named"
usage_error --prefix 'a/#' >/dev/null
usage_error -b 'mqtt://user:secret@127.0.0.1' | grep -q -- --password-file \
  || fail "password in URL: no pointer to --password-file"
usage_error -b 'mqtt://user@127.0.0.1' --password-file "$H_DIR/does-not-exist" >/dev/null
printf 'qos = 7\n' >"$H_DIR/bad.toml"
usage_error --config "$H_DIR/bad.toml" | grep -q qos || fail "a bad value in --config not reported"
"$VM_PUB" --help | grep -q -- --drain-timeout || fail "--help lacks options"
"$VM_PUB" --version | grep -q '^vm-pub ' || fail "--version"
log "ok: usage errors"

start_libvirtd

# --- --stdout: every line is vm-events/1 JSON, no broker needed
# (options from a --config file, as a service unit would give them)
printf 'host-name = "cfghost"\nstdout = true\n' >"$H_DIR/pub.toml"
"$VM_PUB" -c "$LIBVIRT_URI" --config "$H_DIR/pub.toml" >"$H_DIR/stdout.jsonl" 2>>"$H_DIR/vm-pub.log" &
SP=$!
track $SP
wait_for 10 grep -q "connected to libvirt" "$H_DIR/vm-pub.log" || fail "--stdout: no libvirt connection"
define_vm so1
vsh start so1 >/dev/null
vsh destroy so1 >/dev/null
three() { [ "$(wc -l <"$H_DIR/stdout.jsonl")" -ge 3 ]; }
wait_for 10 three || fail "--stdout: fewer than 3 lines"
kill -TERM $SP
wait $SP || fail "--stdout: exit status $? after SIGTERM"
jq_e -s 'length >= 3 and all(.[]; type == "object")' <"$H_DIR/stdout.jsonl" || fail "--stdout: a line is not a JSON object"
[ "$(jq -r 'select(.domain.name == "so1") | .event' "$H_DIR/stdout.jsonl" | tr '\n' ' ')" = "defined started stopped " ] \
  || fail "--stdout: wrong events: $(cat "$H_DIR/stdout.jsonl")"
[ "$(jq -r .schema "$H_DIR/stdout.jsonl" | sort -u)" = vm-events/1 ] || fail "--stdout: schema"
[ "$(jq -r .host "$H_DIR/stdout.jsonl" | sort -u)" = cfghost ] || fail "--config: host-name not taken from the file"
log "ok: --stdout"

# --- password from a file: broker requires it; never on the command line
printf 'secret-pw-123\n' >"$H_DIR/pw"
chmod 600 "$H_DIR/pw"
mosquitto_passwd -b -c "$H_DIR/passwd" vmuser secret-pw-123 2>/dev/null
BROKER_EXTRA_CONF="password_file $H_DIR/passwd
allow_anonymous false"
start_broker
"$VM_PUB" -c "$LIBVIRT_URI" -b "mqtt://vmuser@127.0.0.1:$BROKER_PORT" --password-file "$H_DIR/pw" \
  --host-name "$PUB_HOST" --topic classic/events --payload text 2>>"$H_DIR/vm-pub.log" &
PUB_PID=$!
track $PUB_PID
authed_online() { mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -u vmuser -P secret-pw-123 -C 1 -W 1 \
  -t "$PREFIX/$PUB_HOST/status" 2>/dev/null | jq_e '.status == "online"'; }
wait_for 20 authed_online || fail "vm-pub did not get in with the password file"
if tr '\0' ' ' <"/proc/$PUB_PID/cmdline" | grep -q secret-pw-123; then fail "password on the command line"; fi
grep -q secret-pw-123 "$H_DIR/vm-pub.log" && fail "password in the log"

# --- the classic line: "Y/M/D h:m:s event(N) occurred in the domain = < NAME >.\n" plus its NUL
mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -u vmuser -P secret-pw-123 -t classic/events -F '%x' -C 1 -W 15 \
  >"$H_DIR/classic.hex" &
CS=$!
wait_for 10 subscribed classic/events || fail "mosquitto_sub did not subscribe to classic/events"
got_line() { [ -s "$H_DIR/classic.hex" ]; }
for i in 1 2 3 4 5 6 7 8 9 10; do
  vsh destroy test >/dev/null 2>&1 || vsh start test >/dev/null
  wait_for 1 got_line && break
done
wait $CS || fail "no classic message"
hex=$(head -n 1 "$H_DIR/classic.hex")
[[ "$hex" == *0a00 ]] || fail "classic payload does not end with newline + NUL: $hex"
line=$(printf '%s' "${hex%00}" | xxd -r -p)
[[ "$line" =~ ^[0-9]{4}/[0-9]{1,2}/[0-9]{1,2}\ [0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}\ event\([0-9]\)\ occurred\ in\ the\ domain\ =\ \<\ test\ \>\.$ ]] \
  || fail "classic line: '$line'"
stop_pub
log "ok: password file, classic line '$line'"

# --- a password file others can read gives a warning
chmod 644 "$H_DIR/pw"
"$VM_PUB" -c "$LIBVIRT_URI" -b "mqtt://vmuser@127.0.0.1:$BROKER_PORT" --password-file "$H_DIR/pw" \
  --host-name warnhost >/dev/null 2>"$H_DIR/warn.log" &
WP=$!
track $WP
wait_for 10 grep -q "readable by group or others" "$H_DIR/warn.log" || fail "no warning for a readable password file"
kill -TERM $WP
wait $WP || true
log "ok"
