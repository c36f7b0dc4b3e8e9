#!/usr/bin/env bash
# --share GROUP: vm-sub workers of one share group split the events between
# them, each event handled by exactly one worker, with --exec as a fleet's
# hook runners would use it; a plain vm-sub beside them still sees all.
# Also: --share is refused with --list and with a name a share cannot have.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/lib.sh"

start_broker
start_libvirtd
H=hv-share
CYCLES=100   # 200 lifecycle events

"$VM_PUB" -c "$LIBVIRT_URI" -b "$BROKER_URL" --host-name "$H" >"$H_DIR/vm-pub.log" 2>&1 &
track $!
mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -t "libvirt/$H/status" -C 1 -W 20 >/dev/null \
  || fail "vm-pub published no status"

# Each worker records the seq of every event it handles, through --exec.
RECORD='printf "%s\n" "$VM_EVENT_SEQ" >>"$0"'
for w in 1 2 3; do
  start_sub "w$w" --host "$H" --share hooks --exec sh -c "$RECORD" "$H_DIR/w$w.seqs"
done
start_sub all -o json --host "$H"

"$VM_STORM" -c "$LIBVIRT_URI" cycles "$CYCLES" --name shared >/dev/null

# handled: seqs handled by the three workers so far.
handled() { cat "$H_DIR"/w[123].seqs 2>/dev/null | wc -l; }
all_seen() { [ "$(line_count "$H_DIR/all.out")" -ge $((2 * CYCLES)) ]; }
all_handled() { [ "$(handled)" -ge $((2 * CYCLES)) ]; }
wait_for 30 all_seen || fail "the plain subscriber saw $(line_count "$H_DIR/all.out") of $((2 * CYCLES)) events"
wait_for 30 all_handled || fail "the workers handled $(handled) of $((2 * CYCLES)) events"
sleep 0.5  # pause: a duplicate delivered late would show up here

expected=$(jq -r 'select(.domain.name == "shared") | .seq' "$H_DIR/all.out" | sort -n)
expect_eq "plain subscriber's event count" $((2 * CYCLES)) "$(wc -l <<<"$expected" | tr -d ' ')"
got=$(cat "$H_DIR"/w[123].seqs | sort -n)
expect_eq "union of the workers' events (each exactly once)" "$expected" "$got"
for w in 1 2 3; do
  n=$(line_count "$H_DIR/w$w.seqs" 2>/dev/null || echo 0)
  [ "$n" -gt 0 ] || fail "worker $w handled no event: the broker did not share"
  grep -q 'gap' "$H_DIR/w$w.err" && fail "worker $w reported a gap: $(cat "$H_DIR/w$w.err")"
  log "worker $w handled $n events"
done

# --- usage errors: one line, exit 2
rc=0; err=$("$VM_SUB" -b "$BROKER_URL" --share hooks --list 2>&1) || rc=$?
expect_eq "--share --list exit" 2 "$rc"
[[ $err == "vm-sub: --list and --share exclude each other"* ]] || fail "--share --list: $err"
rc=0; err=$("$VM_SUB" -b "$BROKER_URL" --share 'a/b' 2>&1) || rc=$?
expect_eq "--share a/b exit" 2 "$rc"
[[ $err == "vm-sub: --share: use only letters"* ]] || fail "--share a/b: $err"
log "ok"
