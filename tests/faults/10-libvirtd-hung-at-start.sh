#!/usr/bin/env bash
# Issue 12: libvirtd frozen (SIGSTOP) before vm-pub starts. vm-pub must come
# online on MQTT at once, report libvirt unreachable (its first connection
# attempt hangs: no keepalive exists yet, so a watchdog on the main thread
# decides), and catch up when libvirtd continues: connected, every VM's
# retained state published, new events.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/lib.sh"

R_FAULT="libvirtd SIGSTOPped before vm-pub starts"
R_REPS=1

start_broker
start_libvirtd
define_vm early10
vsh start early10 >/dev/null
msub_start events -t "$PREFIX/+/+/event/#"

kill -STOP "$LIBVIRTD_PID"
t0=$(now_ms)
pub_start pub --keepalive 5
wait_online 10
online_ms=$(( $(now_ms) - t0 ))
wait_for 40 libvirt_is "$PUB_HOST" unreachable || fail "no 'libvirt unreachable' status within 40 s: $(retained "$PREFIX/$PUB_HOST/status")"
took=$(( $(now_ms) - t0 ))
retained "$PREFIX/$PUB_HOST/status" | jq_e '.libvirt_error | test("no answer")' >/dev/null ||
  fail "the status does not say why: $(retained "$PREFIX/$PUB_HOST/status")"
note "online after $online_ms ms; 'libvirt unreachable' after $(awk -v m="$took" 'BEGIN {printf "%.1f", m / 1000}') s"

kill -CONT "$LIBVIRTD_PID"
wait_for 30 libvirt_is "$PUB_HOST" connected || fail "no 'libvirt connected' after SIGCONT: $(retained "$PREFIX/$PUB_HOST/status")"
wait_for 10 states_match || fail "retained states differ from virsh after SIGCONT: $(states_diff)"
vsh suspend early10 >/dev/null
got_suspend() { grep "^$PREFIX/$PUB_HOST/early10/event/lifecycle" "$H_DIR/events.sub" | grep -q '"event":"suspended"'; }
wait_for 15 got_suspend || fail "no event after SIGCONT"
pass
