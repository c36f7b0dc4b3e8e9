#!/usr/bin/env bash
# kill -9 of vm-pub: the broker publishes the last will (offline).
# SIGTERM: vm-pub publishes offline itself, exits 0, and says what it sent.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/common.sh"

start_broker
start_libvirtd
STATUS_LOG=$H_DIR/status.log
stdbuf -oL mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -q 1 -t "$PREFIX/$PUB_HOST/status" >>"$STATUS_LOG" 2>&1 &
track $!

start_pub --keepalive 5
wait_online
boot1=$(retained "$PREFIX/$PUB_HOST/status" | jq -r .boot)
kill -KILL "$PUB_PID"
wait "$PUB_PID" 2>/dev/null || true
# The will: offline, same boot, no time (unknown when it was written).
will_arrived() { retained "$PREFIX/$PUB_HOST/status" | jq_e --arg b "$boot1" '.status == "offline" and .boot == $b'; }
wait_for 20 will_arrived || fail "no last-will offline after kill -9"
log "ok: last will after kill -9"

start_pub
wait_online
boot2=$(retained "$PREFIX/$PUB_HOST/status" | jq -r .boot)
[ "$boot2" != "$boot1" ] || fail "a new run has the same boot id"
vsh destroy test >/dev/null
stop_pub
st=$(retained "$PREFIX/$PUB_HOST/status")
jq_e --arg b "$boot2" '.status == "offline" and .boot == $b and (.time | length) > 0' <<<"$st" \
  || fail "no offline status from vm-pub itself: $st"
# A clean disconnect: the broker did not publish the will for this run.
grep -q "disconnected" "$H_DIR/mosquitto.log" || fail "no clean disconnect in the broker log"
last=$(tail -n 1 "$H_DIR/vm-pub.log")
[[ "$last" =~ ^vm-pub:\ stopped:\ [0-9]+\ published,\ 0\ unsent,\ 0\ dropped$ ]] || fail "last log line: $last"
log "ok: SIGTERM -> offline, exit 0, '$last'"

# Broker gone at SIGTERM: the drain is bounded by --drain-timeout and the
# undelivered messages are counted, not hidden.
start_pub --drain-timeout 1
wait_online
stop_broker
vsh start test >/dev/null
vsh destroy test >/dev/null
t0=$SECONDS
stop_pub
# Generous bound (10x the timeout) so a slow machine does not fail it.
[ $((SECONDS - t0)) -le 10 ] || fail "drain with the broker away took $((SECONDS - t0)) s (--drain-timeout 1)"
last=$(tail -n 1 "$H_DIR/vm-pub.log")
[[ "$last" =~ ^vm-pub:\ stopped:\ [0-9]+\ published,\ [1-9][0-9]*\ unsent,\ 0\ dropped$ ]] || fail "last log line: $last"
log "ok: bounded drain, '$last'"
