#!/usr/bin/env bash
# The broker stopped and restarted in the middle of a burst at QoS 1: every
# seq reaches a subscriber with a persistent session.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/common.sh"

N=${BURST_CYCLES:-1000}
# The subscriber's session (and what is queued for it) must survive the restart.
BROKER_EXTRA_CONF="persistence true
persistence_location $H_DIR/"
start_broker
start_libvirtd
define_vm storm1
EV=$H_DIR/events.jsonl
start_event_sub "$EV" -q 1 -c -i pub-restart-sub
start_pub -q 1
wait_online

cycles "$N" storm1 &
STORM=$!
# Restart once some events went through, while the burst is still running.
wait_events 30 "$EV" 200 '.domain.name == "storm1"' || fail "burst did not start"
stop_broker
sleep 1  # pause: the broker stays down for a second in the middle of the burst
restart_broker
wait "$STORM" || fail "virsh burst failed"

total=$((2 * N))
have_all() { [ "$(events "$EV" | jq -r 'select(.domain.name == "storm1") | .seq' | sort -un | wc -l)" -ge "$total" ]; }
wait_for 60 have_all || fail "only $(events "$EV" | jq -r 'select(.domain.name == "storm1") | .seq' | sort -un | wc -l) of $total distinct events arrived"
# Every seq of the run, from the first to the last, is there (duplicates allowed).
missing=$(events "$EV" | jq -s '[.[].seq] | unique as $u | ($u[-1] - $u[0] + 1) - ($u | length)')
[ "$missing" = 0 ] || fail "$missing seq missing"
dups=$(($(events "$EV" | wc -l) - $(events "$EV" | jq -r .seq | sort -un | wc -l)))
grep -q "broker .*retrying" "$H_DIR/vm-pub.log" || fail "vm-pub did not notice the broker going away"
stop_pub
log "ok: $total events, none missing, $dups duplicates"
