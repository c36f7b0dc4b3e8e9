#!/usr/bin/env bash
# Issue 12: libvirtd frozen (SIGSTOP) for 60 s under vm-pub with an MQTT
# keepalive of 5 s. The host must never look offline: vm-pub keeps its MQTT
# connection (libvirt runs on its own thread), says in its status that
# libvirt is unreachable within libvirt's keepalive window, and after
# SIGCONT says connected again and publishes new events. A second vm-pub,
# sent SIGTERM during the freeze, exits 0 within --drain-timeout + 1 s.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/lib.sh"

FREEZE=60
DRAIN=2
R_FAULT="libvirtd SIGSTOP for ${FREEZE} s; SIGTERM of a second vm-pub during it"
R_REPS=1

start_broker
start_libvirtd
define_vm hang09
msub_start status -t "$PREFIX/+/status"
msub_start events -t "$PREFIX/+/+/event/#"
PUB_HOST=h1
pub_start pub1 --keepalive 5
PUB1=$PUB_PID
PUB_HOST=h2
pub_start pub2 --keepalive 5 --drain-timeout "$DRAIN"
PUB2=$PUB_PID
PUB_HOST=h1
wait_for 20 libvirt_is h1 connected || fail "h1 never said libvirt connected: $(retained "$PREFIX/h1/status")"
wait_for 20 libvirt_is h2 connected || fail "h2 never said libvirt connected: $(retained "$PREFIX/h2/status")"
vmsub_start human --host h1
VMSUB_HUMAN=$VMSUB_PID

kill -STOP "$LIBVIRTD_PID"
t0=$(now_ms)
# Libvirt's keepalive (5 s, 3 misses) closes the connection within about
# 20 s; allow for a slow machine.
wait_for 40 libvirt_is h1 unreachable || fail "no 'libvirt unreachable' status within 40 s: $(retained "$PREFIX/h1/status")"
took=$(( $(now_ms) - t0 ))
note "SIGSTOP to 'libvirt unreachable' status: $(awk -v m="$took" 'BEGIN {printf "%.1f", m / 1000}') s"
# vm-sub says so in a line, and --list's host column shows it.
wait_for 5 grep -q "h1  libvirt unreachable" "$H_DIR/human.out" || fail "vm-sub printed no 'libvirt unreachable' line: $(cat "$H_DIR/human.out")"
vmsub_start list --list --host h1
wait_exit "$VMSUB_PID" 20 || fail "vm-sub --list did not finish during the freeze"
grep -q "hang09 .*online,libvirt-unreachable" "$H_DIR/list.out" || fail "vm-sub --list does not show libvirt unreachable: $(cat "$H_DIR/list.out")"

# SIGTERM during the freeze: the drain and the goodbye do not wait for libvirt.
t1=$(now_ms)
kill -TERM "$PUB2"
wait_exit "$PUB2" $((DRAIN + 5)) || fail "vm-pub still running $((DRAIN + 5)) s after SIGTERM with libvirtd frozen"
stop_took=$(( $(now_ms) - t1 ))
[ "$W_RC" = 0 ] || fail "vm-pub exited $W_RC after SIGTERM with libvirtd frozen: $(tail -n 3 "$H_DIR/pub2.log")"
# --drain-timeout + 1 s, and 1 s for this shell's polling.
[ "$stop_took" -le $(( (DRAIN + 2) * 1000 )) ] || fail "SIGTERM took $stop_took ms with --drain-timeout $DRAIN"
grep '"h2"' "$H_DIR/status.sub" | tail -n 1 | grep -q '"offline"' || fail "h2 did not say offline on SIGTERM"
note "SIGTERM during the freeze: exit 0 after $stop_took ms (--drain-timeout $DRAIN)"

left=$(( FREEZE * 1000 - ($(now_ms) - t0) ))
[ "$left" -le 0 ] || sleep "$(awk -v m="$left" 'BEGIN {printf "%.3f", m / 1000}')"  # pause: the rest of the FREEZE s libvirtd hangs
alive "$PUB1" || fail "vm-pub exited during the freeze: $(tail -n 3 "$H_DIR/pub1.log")"
kill -CONT "$LIBVIRTD_PID"

# Never offline, in any status h1 published (the will would say so).
if grep "^$PREFIX/h1/status" "$H_DIR/status.sub" | grep -q '"offline"'; then
  fail "h1 looked offline during the freeze: $(grep "^$PREFIX/h1/status" "$H_DIR/status.sub" | grep '"offline"' | head -n 1)"
fi
wait_for 30 libvirt_is h1 connected || fail "h1 did not say libvirt connected after SIGCONT: $(retained "$PREFIX/h1/status")"
vsh start hang09 >/dev/null
got_start() { grep "^$PREFIX/h1/hang09/event/lifecycle" "$H_DIR/events.sub" | grep -q '"event":"started"'; }
wait_for 15 got_start || fail "no event for a VM started after SIGCONT"
wait_for 10 states_match || fail "retained states differ from virsh after SIGCONT: $(states_diff)"
wait_for 5 grep -q "h1  libvirt connected" "$H_DIR/human.out" || fail "vm-sub printed no 'libvirt connected' line: $(cat "$H_DIR/human.out")"
alive "$VMSUB_HUMAN" || fail "vm-sub exited"
pass
