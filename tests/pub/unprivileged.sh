#!/usr/bin/env bash
# vm-pub needs no privilege: run as nobody:nogroup with no supplementary
# group (setpriv) against a libvirtd whose read-write socket is root-only
# (0700) and whose read-only socket is open to every local user, as on a
# host, it connects read-only and publishes the states and events.
# - control: nobody cannot use the read-write socket, root can;
# - libvirtd itself reports vm-pub's connection as read-only and uid 65534
#   (virt-admin client-info);
# - defined, started and stopped web1 arrive, and vm-pub stops cleanly.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/common.sh"

export LIBVIRTD_HOST_PERMS=1
start_broker
start_libvirtd

sock=$H_DIR/libvirt/libvirt-sock
[ "$(stat -c %a "$sock")" = 700 ] || fail "read-write socket is mode $(stat -c %a "$sock"), not 700"
[ "$(stat -c %a "$sock-ro")" = 777 ] || fail "read-only socket is mode $(stat -c %a "$sock-ro"), not 777"

drop=(setpriv --reuid nobody --regid nogroup --clear-groups --)
as_nobody() { "${drop[@]}" "$@"; }
nobody_uid=$(id -u nobody)

# Control: the read-write socket is closed to nobody, the read-only one open.
if as_nobody virsh -q -c "$LIBVIRT_URI" version >"$H_DIR/virsh-rw.log" 2>&1; then
  fail "nobody could use the read-write socket (the test would prove nothing)"
fi
grep -qi 'permission denied' "$H_DIR/virsh-rw.log" \
  || fail "nobody on the read-write socket failed for another reason: $(cat "$H_DIR/virsh-rw.log")"
as_nobody virsh -q -r -c "$LIBVIRT_RO_URI" list --all >/dev/null 2>"$H_DIR/virsh-ro.log" \
  || fail "nobody cannot use the read-only socket: $(cat "$H_DIR/virsh-ro.log")"

define_vm before   # a VM that exists when vm-pub starts: its state is published
start_event_sub "$H_DIR/events.jsonl"
# setpriv execs vm-pub: $! is vm-pub itself.
"${drop[@]}" "$VM_PUB" -c "$LIBVIRT_RO_URI" -b "$BROKER_URL" --host-name "$PUB_HOST" --prefix "$PREFIX" \
  2>>"$H_DIR/vm-pub.log" &
PUB_PID=$!
track "$PUB_PID"
wait_online
uid=$(awk '/^Uid:/ {print $2}' "/proc/$PUB_PID/status")
[ "$uid" = "$nobody_uid" ] || fail "vm-pub runs as uid $uid, not nobody ($nobody_uid)"
wait_for 10 test -n "$(retained "$(state_topic_of before)")" || fail "no retained state for 'before'"

# libvirtd's own view of the connections: vm-pub's is read-only, as nobody.
admin=(virt-admin -c "libvirtd:///system?socket=$H_DIR/libvirt/libvirt-admin-sock")
pub_client=""
for id in $("${admin[@]}" client-list libvirtd | awk '$1 ~ /^[0-9]+$/ {print $1}'); do
  info=$("${admin[@]}" client-info libvirtd "$id" 2>/dev/null) || continue
  if grep -Eq "unix_user_id +: +$nobody_uid$" <<<"$info"; then pub_client=$info; fi
done
[ -n "$pub_client" ] || fail "libvirtd lists no client of uid $nobody_uid: $("${admin[@]}" client-list libvirtd 2>&1)"
grep -Eq '^readonly +: +yes$' <<<"$pub_client" || fail "vm-pub's libvirt connection is not read-only: $pub_client"

define_vm web1
vsh start web1 >/dev/null
vsh destroy web1 >/dev/null
wait_events 20 "$H_DIR/events.jsonl" 1 '.domain.name == "web1" and .event == "defined"' || fail "no defined event"
wait_events 20 "$H_DIR/events.jsonl" 1 '.domain.name == "web1" and .event == "started"' || fail "no started event"
wait_events 20 "$H_DIR/events.jsonl" 1 '.domain.name == "web1" and .event == "stopped"' || fail "no stopped event"
check_seq_contiguous "$H_DIR/events.jsonl"
if grep -qi 'permission denied\|read-only' "$H_DIR/vm-pub.log"; then
  fail "vm-pub logged a refused operation: $(grep -i 'permission denied\|read-only' "$H_DIR/vm-pub.log" | head -3)"
fi

stop_pub
status_is offline || fail "vm-pub did not publish offline when it stopped"
log "ok"
