#!/usr/bin/env bash
# Issue 5, item 5: the broker is unreachable when vm-pub starts - first its
# host name does not resolve, then it resolves but nothing listens - and
# vm-pub must keep retrying (not exit, not give up) and connect once the
# broker is there. vm-pub runs in a private mount namespace whose
# /etc/hosts and /etc/resolv.conf the test controls (a resolver that fails
# at once), so the name resolves only when the test says so.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/lib.sh"

NAME=broker.faults-05.test
PHASE=5                # seconds in each failing phase
R_FAULT="broker host name unresolvable ${PHASE}s, then port closed ${PHASE}s, at vm-pub start"
R_REPS=1

start_libvirtd
# A free port for the broker, not started yet.
for try in $(seq 1 20); do
  BROKER_PORT=$((20000 + RANDOM % 30000))
  port_open "$BROKER_PORT" || break
done
BROKER_URL="mqtt://127.0.0.1:$BROKER_PORT"

printf '127.0.0.1 localhost\n' >"$H_DIR/hosts"
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"$H_DIR/resolv.conf"
unshare -m --propagation private sh -c \
  'mount --bind "$1" /etc/hosts && mount --bind "$2" /etc/resolv.conf && shift 2 && exec "$@"' sh \
  "$H_DIR/hosts" "$H_DIR/resolv.conf" \
  "$VM_PUB" -c "$LIBVIRT_URI" -b "mqtt://$NAME:$BROKER_PORT" --host-name "$PUB_HOST" -q 1 \
  >"$H_DIR/pub.out" 2>"$H_DIR/pub.log" &
PUB_PID=$!
track "$PUB_PID"

sleep "$PHASE"  # pause: the phase in which the broker name does not resolve
alive "$PUB_PID" || fail "vm-pub exited while the broker name did not resolve: $(tail -n 2 "$H_DIR/pub.log" | tr '\n' ' ')"
tries_dns=$(grep -c . "$H_DIR/pub.log" || true)
[ "$tries_dns" -gt 0 ] || fail "vm-pub said nothing while the broker name did not resolve"
note "$tries_dns log lines while unresolvable, e.g. '$(head -n 1 "$H_DIR/pub.log")'"

# In place (same inode), so the bind mount sees it.
printf '127.0.0.1 localhost\n127.0.0.1 %s\n' "$NAME" >"$H_DIR/hosts"
sleep "$PHASE"  # pause: the phase in which the name resolves but nothing listens
alive "$PUB_PID" || fail "vm-pub exited while the broker was down: $(tail -n 2 "$H_DIR/pub.log" | tr '\n' ' ')"

t0=$(now_ms)
launch_broker || fail "mosquitto did not start on port $BROKER_PORT"
wait_online 30
note "online $(( ($(now_ms) - t0) / 1000 )) s after the broker started"
lines=$(grep -c . "$H_DIR/pub.log" || true)
note "vm-pub wrote $lines log lines in the $((2 * PHASE)) s outage"
[ "$lines" -le 200 ] || fail "vm-pub floods its log while retrying ($lines lines in $((2 * PHASE)) s)"

# And it works: an event made now arrives.
msub_start all -t "$PREFIX/#"
vsh destroy test >/dev/null
wait_for 20 grep -q '"event":"stopped"' "$H_DIR/all.sub" || fail "no event published after the late connection"
R_SENT=1
R_DELIVERED=1
R_DUP=0
R_LOST=0
pass
