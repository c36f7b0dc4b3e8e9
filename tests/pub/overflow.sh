#!/usr/bin/env bash
# Broker away while more events happen than --queue-limit holds: the
# oldest are dropped, logged once, counted in the next status message, and
# what is delivered afterwards is the newest part, in order, without gaps.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/common.sh"

BROKER_EXTRA_CONF="persistence true
persistence_location $H_DIR/"
start_broker
start_libvirtd
define_vm of1
EV=$H_DIR/events.jsonl
start_event_sub "$EV" -q 1 -c -i pub-overflow-sub
start_pub --queue-limit 50
wait_online
stop_broker

N=100   # 200 lifecycle events + their 200 state messages, far over 50
cycles "$N" of1
have_all_local() { grep -q "queue full (50 messages)" "$H_DIR/vm-pub.log"; }
wait_for 20 have_all_local || fail "no log line about the full queue"
restart_broker

dropped_reported() { retained "$PREFIX/$PUB_HOST/status" | jq_e '.status == "online" and .dropped > 0'; }
wait_for 30 dropped_reported || fail "status does not report dropped messages: $(retained "$PREFIX/$PUB_HOST/status")"
# of1 was defined before vm-pub started: the burst is seq 1..2N.
last_seq() { [ "$(events "$EV" | jq -s 'map(.seq) | max')" = $((2 * N)) ]; }
wait_for 30 last_seq || fail "the newest event did not arrive: max seq $(events "$EV" | jq -s 'map(.seq) | max')"
late=$(events "$EV" | jq -s '[.[].seq] | unique')
gaps=$(jq '(.[-1] - .[0] + 1) - length' <<<"$late")
[ "$gaps" = 0 ] || fail "the delivered tail has gaps: $late"
kept=$(jq length <<<"$late")
[ "$kept" -le 50 ] || fail "$kept events delivered after the outage, more than the queue holds"
[ "$(grep -c "queue full" "$H_DIR/vm-pub.log")" = 1 ] || fail "overflow logged more than once for one episode"
stop_pub
grep -q "dropped$" "$H_DIR/vm-pub.log" && last=$(tail -n 1 "$H_DIR/vm-pub.log")
[[ "$last" =~ [1-9][0-9]*\ dropped$ ]] || fail "last log line does not count the dropped: $last"
log "ok: $kept newest events delivered, '$last'"
