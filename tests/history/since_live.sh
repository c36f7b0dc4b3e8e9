#!/usr/bin/env bash
# vm-sub --since: the events made before it started come first, in order,
# then the live ones, with no gap and no duplicate at the seam, also when
# events keep coming while vm-sub reads the history.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/lib.sh"

start_broker
start_libvirtd
H=hv-since
hpub_start pub "$H"
vm_cycles a 5                      # seq 1..10
wait_for 10 journal_has "$H" 10 || fail "journal: $(journal "$H")"

# Events go on while vm-sub starts: some land in the journal only, some are
# live only, some in both (the seam).
( for i in $(seq 1 10); do define_vm b$i; vsh start b$i >/dev/null; sleep 0.1; done ) &  # pause: spreads the events over vm-sub's start
MAKER=$!
"$VM_SUB" -b "$BROKER_URL" --since 10m -o json --host "$H" -C 40 -W 60 >"$H_DIR/out.json" 2>"$H_DIR/sub.err" &
SUB=$!
track "$SUB"
wait "$MAKER"
vm_cycles c 5                      # seq 31..40, live
wait_for 60 exited "$SUB" || fail "vm-sub did not reach -C 40: $(wc -l <"$H_DIR/out.json") lines; $(cat "$H_DIR/sub.err")"
rc=0; wait "$SUB" || rc=$?
[ "$rc" -eq 0 ] || fail "vm-sub exit $rc: $(cat "$H_DIR/sub.err")"
expect_contiguous "$H_DIR/out.json" 1 40
jq_e -s '.[0].domain.name == "a1" and .[39].domain.name == "c5"' <"$H_DIR/out.json" \
  || fail "order: $(jq -c '[.seq,.domain.name]' "$H_DIR/out.json" | tr '\n' ' ')"
if grep -qE 'gap|duplicate|out of order' "$H_DIR/sub.err"; then fail "sequence warnings: $(cat "$H_DIR/sub.err")"; fi

# Human output of the same history: one line per event, time-ordered.
"$VM_SUB" -b "$BROKER_URL" --since 1h --until 0s --host "$H" --color never >"$H_DIR/human.out" 2>"$H_DIR/human.err" \
  || fail "--until 0s: $(cat "$H_DIR/human.err")"
[ "$(grep -c "$H" "$H_DIR/human.out")" -eq 40 ] || fail "human: $(cat "$H_DIR/human.out")"
grep -q "a1.*Defined" "$H_DIR/human.out" || fail "human: no a1 Defined line: $(head -3 "$H_DIR/human.out")"
log "ok"
