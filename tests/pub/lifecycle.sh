#!/usr/bin/env bash
# Define, start, suspend, resume, destroy, undefine a VM: the right JSON on
# the right topics, seq without gaps, the retained state after every step,
# and the state removed after undefine.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/common.sh"

start_rig

# The default test VM "test" is running: its retained state exists at start.
test_running() { retained "$(state_topic_of test)" | jq_e '.state == "running"'; }
wait_for 10 test_running \
  || fail "no retained state for the default VM"

state_of() { retained "$(state_topic_of lc1)" | jq -r '.state + "/" + .reason'; }

# step VIRSH-ARGS EVENT DETAIL STATE: one action and everything it must cause.
n=0
step() {
  local event=$2 detail=$3 want=$4
  n=$((n + 1))
  eval "$1"
  wait_events 10 "$EV" "$n" '.domain.name == "lc1"' || fail "no event after '$1'"
  local last
  last=$(events "$EV" | jq -c 'select(.domain.name == "lc1")' | tail -n 1)
  [ "$(jq -r .event <<<"$last")" = "$event" ] || fail "after '$1': event $(jq -r .event <<<"$last"), want $event"
  [ "$(jq -r .detail <<<"$last")" = "$detail" ] || fail "after '$1': detail $(jq -r .detail <<<"$last"), want $detail"
  jq_e '.schema == "vm-events/1" and .kind == "lifecycle" and .host == "'"$PUB_HOST"'"
         and (.uuid // .domain.uuid | length) == 36 and (.text | length) > 0
         and (.boot | test("^[0-9a-f]{32}$")) and (.time | endswith("Z"))' <<<"$last" \
    || fail "bad payload: $last"
  state_is() { [ "$(state_of)" = "$want" ]; }
  wait_for 10 state_is || fail "after '$1': retained state '$(state_of)', want $want"
  log "ok: $1 -> $event/$detail, state $want"
}

step "define_vm lc1" defined added shutoff/unknown
step "vsh start lc1 >/dev/null" started booted running/booted
step "vsh suspend lc1 >/dev/null" suspended paused paused/user
step "vsh resume lc1 >/dev/null" resumed unpaused running/unpaused
step "vsh destroy lc1 >/dev/null" stopped destroyed shutoff/destroyed

vsh undefine lc1 >/dev/null
wait_events 10 "$EV" 6 '.domain.name == "lc1"' || fail "no undefined event"
[ "$(events "$EV" | jq -r 'select(.domain.name == "lc1") | .event' | tail -n 1)" = undefined ] \
  || fail "last event is not undefined"
state_gone() { [ -z "$(retained "$(state_topic_of lc1)")" ]; }
wait_for 10 state_gone || fail "retained state not removed after undefine"

# Every event went to <prefix>/<host>/<vm>/event/<kind>.
bad=$(jq -r 'select(.topic != "'"$PREFIX"'/probe") | select(.topic != "'"$PREFIX/$PUB_HOST"'/" + .payload.domain.name + "/event/" + .payload.kind) | .topic' "$EV")
[ -z "$bad" ] || fail "events on wrong topics: $bad"
check_seq_contiguous "$EV"
stop_pub
log "ok: $(events "$EV" | wc -l) events, seq contiguous"
