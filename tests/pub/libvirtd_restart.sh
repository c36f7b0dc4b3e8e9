#!/usr/bin/env bash
# libvirtd killed (-9) and restarted: vm-pub reconnects by itself, keeps
# publishing, sends a synthetic event for a VM whose state changed, and
# removes the retained state of a VM that vanished. (The test driver
# starts again from its default: only "test", running.)
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/common.sh"

start_rig

define_vm gone1
vsh suspend test >/dev/null
wait_events 10 "$EV" 1 '.domain.name == "test" and .event == "suspended"' || fail "no suspended event"
gone_state() { [ -n "$(retained "$(state_topic_of gone1)")" ]; }
wait_for 10 gone_state || fail "no retained state for gone1"

kill9_libvirtd
restart_libvirtd

# "test" is running again: a synthetic lifecycle event says so.
wait_events 30 "$EV" 1 '.domain.name == "test" and .synthetic == true and .event == "started" or .domain.name == "test" and .synthetic == true and .event == "resumed"' \
  || fail "no synthetic event for test; vm-pub log: $(tail -n 5 "$H_DIR/vm-pub.log")"
wait_events 10 "$EV" 1 '.domain.name == "gone1" and .synthetic == true and .event == "undefined"' \
  || fail "no synthetic undefined event for gone1"
gone_removed() { [ -z "$(retained "$(state_topic_of gone1)")" ]; }
wait_for 10 gone_removed || fail "retained state of vanished gone1 not removed"
test_running() { retained "$(state_topic_of test)" | jq_e '.state == "running"'; }
wait_for 10 test_running || fail "retained state of test is not running"

# And it keeps publishing on the new connection.
define_vm after1
wait_events 10 "$EV" 1 '.domain.name == "after1" and .event == "defined" and (.synthetic | not)' \
  || fail "no event after the reconnect"
grep -q "libvirt connection lost" "$H_DIR/vm-pub.log" || fail "no log line about the lost connection"
check_seq_contiguous "$EV"
stop_pub
log "ok"
