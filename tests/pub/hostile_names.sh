#!/usr/bin/env bash
# Hostile VM names: '+' and '#' (MQTT wildcards), control characters, a C1
# control and a bidi override. Topics must be escaped (no extra level, no
# wildcard), payload names exact. libvirt itself refuses a newline in a
# name (virXMLCheckIllegalChars), and XML allows no other C0 control than tab (CR becomes a newline), so a tab stands in;
# the newline case is covered by escape_segment's unit tests.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/common.sh"

start_rig

NL=$'tab\tname'
C1=$'c1\u009bbidi\u202eend'
names=('x+y#z' "$NL" "$C1")
escaped=('x%2By%23z' 'tab%09name' $'c1%C2%9Bbidi\u202eend')

for i in 0 1 2; do
  define_vm "${names[$i]}" || fail "virsh refused to define name $i"
  vsh start "${names[$i]}" >/dev/null
done
for i in 0 1 2; do
  name=${names[$i]}
  has_events() { [ "$(events "$EV" | jq --arg n "$name" -c 'select(.domain.name == $n)' | wc -l)" -ge 2 ]; }
  wait_for 10 has_events || fail "no events for name $i"
  want="$PREFIX/$PUB_HOST/${escaped[$i]}/event/lifecycle"
  got=$(jq -r --arg n "$name" 'select(.payload.domain.name? == $n) | .topic' "$EV" | sort -u)
  [ "$got" = "$want" ] || fail "name $i: topic '$got', want '$want'"
  # The retained state sits on the escaped topic too, with the exact name.
  st=$(retained "$PREFIX/$PUB_HOST/${escaped[$i]}/state" | jq -r .domain.name)
  [ "$st" = "$name" ] || fail "name $i: retained state name '$st'"
  log "ok: name $i -> $want"
done

# No topic has an extra level: <prefix>/<host>/<vm>/event/<kind> is 5 levels.
extra=$(jq -r 'select(.topic != "'"$PREFIX"'/probe") | .topic | split("/") | select(length != 5) | join("/")' "$EV")
[ -z "$extra" ] || fail "topics with extra levels: $extra"
# The default VM's events do not leak into a subscription for x+y#z's escaped topic.
stop_pub
log "ok"
