#!/usr/bin/env bash
# Filters, -C, -F and --exec apply to the history as to live events; two
# hosts' histories are merged in time order; a host whose journal starts
# after --since gets one notice.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/lib.sh"

start_broker
start_libvirtd
hpub_start pub1 hv-p1
hpub_start pub2 hv-p2
vm_cycles x 3                         # both hosts see the same libvirt: 6 events each
wait_for 10 journal_has hv-p1 6 || fail "journal hv-p1: $(journal hv-p1)"
wait_for 10 journal_has hv-p2 6 || fail "journal hv-p2: $(journal hv-p2)"

# Both hosts, merged in time order.
"$VM_SUB" -b "$BROKER_URL" --since 10m --until 0s -o json >"$H_DIR/all.json" 2>"$H_DIR/all.err" || fail "$(cat "$H_DIR/all.err")"
[ "$(wc -l <"$H_DIR/all.json")" -eq 12 ] || fail "two hosts: $(cat "$H_DIR/all.json")"
jq_e -s '[.[].time] == ([.[].time] | sort)' <"$H_DIR/all.json" || fail "not in time order"
[ "$(grep -c 'history starts at' "$H_DIR/all.err")" -eq 2 ] || fail "notices: $(cat "$H_DIR/all.err")"
grep -q '^vm-sub: hv-p1: history starts at 20' "$H_DIR/all.err" || fail "notice: $(cat "$H_DIR/all.err")"

# --host, --domain, --event and -F.
"$VM_SUB" -b "$BROKER_URL" --since 10m --until 0s --host hv-p2 --domain x2 --event started -F '{host} {domain} {event}' \
  >"$H_DIR/f.out" 2>"$H_DIR/f.err" || fail "$(cat "$H_DIR/f.err")"
[ "$(cat "$H_DIR/f.out")" = "hv-p2 x2 started" ] || fail "filters: $(cat "$H_DIR/f.out")"

# -C stops within the history (exit 0), then --exec runs once per history event.
"$VM_SUB" -b "$BROKER_URL" --since 10m -C 2 -o json --host hv-p1 -W 30 >"$H_DIR/c.json" 2>"$H_DIR/c.err" || fail "-C: $(cat "$H_DIR/c.err")"
expect_contiguous "$H_DIR/c.json" 1 2
"$VM_SUB" -b "$BROKER_URL" --since 10m --until 0s --host hv-p1 --exec sh -c 'echo "$VM_EVENT_SEQ $VM_EVENT_DOMAIN" >>"$0"' "$H_DIR/exec.out" \
  2>"$H_DIR/exec.err" || fail "--exec: $(cat "$H_DIR/exec.err")"
[ "$(tr '\n' ' ' <"$H_DIR/exec.out")" = "1 x1 2 x1 3 x2 4 x2 5 x3 6 x3 " ] || fail "--exec: $(cat "$H_DIR/exec.out")"

# -W applies too: --since with live following ends at -W with 124.
rc=0
"$VM_SUB" -b "$BROKER_URL" --since 10m -W 3 --host hv-p1 -o json >"$H_DIR/w.json" 2>/dev/null || rc=$?
[ "$rc" -eq 124 ] || fail "-W: exit $rc"
[ "$(wc -l <"$H_DIR/w.json")" -eq 6 ] || fail "-W: $(cat "$H_DIR/w.json")"
# --until in the future: history, then live events until then, exit 0.
# (-v: vm-sub says "subscribed" once the live events reach it.)
until=$(date -u -d '+4 seconds' +%Y-%m-%dT%H:%M:%SZ)
"$VM_SUB" -b "$BROKER_URL" --since 10m --until "$until" --host hv-p1 -o json -v >"$H_DIR/u.json" 2>"$H_DIR/u.err" &
U=$!
track "$U"
wait_for 3 grep -q 'subscribed' "$H_DIR/u.err" || fail "--until in the future: vm-sub did not subscribe: $(cat "$H_DIR/u.err")"
vm_cycles y 1                         # seq 7, 8: live, before --until
wait_for 20 exited "$U" || fail "--until in the future: still running"
rc=0; wait "$U" || rc=$?
[ "$rc" -eq 0 ] || fail "--until in the future: exit $rc: $(cat "$H_DIR/u.err")"
expect_contiguous "$H_DIR/u.json" 1 8
log "ok"
