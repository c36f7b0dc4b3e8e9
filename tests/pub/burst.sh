#!/usr/bin/env bash
# 2,000 start/destroy cycles: all 4,000 lifecycle events arrive, in order,
# with contiguous seq, over one single connection from vm-pub.
# Usage: burst.sh [QOS]   (default 1; meson runs it at QoS 0 too, where
# libmosquitto completes a publish before mosquitto_publish returns)
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/common.sh"

N=${BURST_CYCLES:-2000}
QOS=${1:-1}
start_broker
start_libvirtd
define_vm burst1
EV=$H_DIR/events.jsonl
start_event_sub "$EV" -q 1
start_pub -q "$QOS"
wait_online

cycles "$N" burst1
wait_events 60 "$EV" $((2 * N)) '.domain.name == "burst1"' \
  || fail "only $(event_count "$EV" '.domain.name == "burst1"') of $((2 * N)) events arrived"
order=$(events "$EV" | jq -r 'select(.domain.name == "burst1") | .event' | uniq -c | awk '$1 != 1' | wc -l)
[ "$order" = 0 ] || fail "events out of order (started/stopped do not alternate)"
[ "$(events "$EV" | jq -r 'select(.domain.name == "burst1") | .event' | head -n 1)" = started ] || fail "first is not started"
check_seq_contiguous "$EV"
conns=$(grep -c "New client connected .* as vm-pub-" "$H_DIR/mosquitto.log" || true)
[ "$conns" = 1 ] || fail "vm-pub connected $conns times, want 1"
stop_pub
log "ok: $((2 * N)) events at QoS $QOS in order, seq contiguous, 1 connection"
