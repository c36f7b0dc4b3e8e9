#!/usr/bin/env bash
# The broker's password changes: vm-pub keeps retrying (auth failures are
# not fatal), queues the events meanwhile, and after SIGHUP re-reads its
# password file, gets in and delivers everything (seq contiguous).
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/common.sh"

start_libvirtd
mosquitto_passwd -b -c "$H_DIR/passwd" vmuser old-pw 2>/dev/null
mosquitto_passwd -b "$H_DIR/passwd" watcher watch-pw 2>/dev/null
BROKER_EXTRA_CONF="password_file $H_DIR/passwd
allow_anonymous false"
start_broker
printf 'old-pw\n' >"$H_DIR/pw"
chmod 600 "$H_DIR/pw"

EV=$H_DIR/events.jsonl
stdbuf -oL mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -u watcher -P watch-pw -F '%J' -q 1 \
  -t "$PREFIX/$PUB_HOST/+/event/#" >>"$EV" 2>>"$H_DIR/sub.err.log" &
track $!
"$VM_PUB" -c "$LIBVIRT_URI" -b "mqtt://vmuser@127.0.0.1:$BROKER_PORT" --password-file "$H_DIR/pw" \
  --host-name "$PUB_HOST" 2>>"$H_DIR/vm-pub.log" &
PUB_PID=$!
track $PUB_PID
online() { mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -u watcher -P watch-pw -C 1 -W 1 \
  -t "$PREFIX/$PUB_HOST/status" 2>/dev/null | jq_e '.status == "online"'; }
wait_for 20 online || fail "vm-pub did not connect with the old password"
vsh destroy test >/dev/null
wait_events 10 "$EV" 1 '.event == "stopped"' || fail "no event before the change"

# New password on the broker: vm-pub's connection is refused from now on.
mosquitto_passwd -b "$H_DIR/passwd" vmuser new-pw 2>/dev/null
stop_broker
restart_broker
refused() { grep -q "refused" "$H_DIR/vm-pub.log"; }
wait_for 20 refused || fail "no log line about the refused connection"
# A fresh subscriber (the broker forgot the first one's subscription).
EV2=$H_DIR/events2.jsonl
stdbuf -oL mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -u watcher -P watch-pw -F '%J' -q 1 \
  -t "$PREFIX/$PUB_HOST/+/event/#" -t "$PREFIX/probe" >>"$EV2" 2>>"$H_DIR/sub.err.log" &
track $!
probed() { mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -u watcher -P watch-pw -t "$PREFIX/probe" -m '{}'; grep -q probe "$EV2"; }
wait_for 10 probed || fail "second subscriber did not start"
vsh start test >/dev/null
vsh destroy test >/dev/null

# The operator fixes the file and sends SIGHUP.
printf 'new-pw\n' >"$H_DIR/pw"
kill -HUP "$PUB_PID"
wait_events 20 "$EV2" 2 '.domain.name == "test"' || fail "queued events not delivered after SIGHUP"
kill -0 "$PUB_PID" || fail "vm-pub died"
# The two events made while vm-pub could not get in: seq 2 and 3, in order.
[ "$(events "$EV2" | jq -r 'select(.domain.name == "test") | "\(.seq) \(.event)"' | tr '\n' ',')" = "2 started,3 stopped," ] \
  || fail "after reload: $(events "$EV2" | jq -c '[.seq, .event]' | tr '\n' ' ')"
stop_pub
log "ok: events queued during the auth failure delivered in order after SIGHUP"
