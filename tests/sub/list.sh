#!/usr/bin/env bash
# --list: the retained state, status and inventory messages become a table
# sorted by host then VM (or JSON lines); removed VMs (empty retained
# payload) are absent; filters narrow it; exit 0.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/lib.sh"

start_broker

pub libvirt/hv1/web1/state "$(state_json hv1 web1 running booted 3)" -r
pub libvirt/hv1/db1/state "$(state_json hv1 db1 shutoff shutdown -1)" -r
pub libvirt/hv1/gone/state "$(state_json hv1 gone running booted 9)" -r
pub libvirt/hv1/gone/state "" -r   # removed: an empty retained payload
pub libvirt/hv2/app1/state "$(state_json hv2 app1 paused user 2)" -r
pub libvirt/hv1/status "$(status_json hv1 online)" -r
pub libvirt/hv2/status "$(status_json hv2 offline)" -r
pub libvirt/hv3/status "$(status_json hv3 online)" -r
# hv4 has only an inventory (as if its states had not been delivered).
pub libvirt/hv4/inventory "$(jq -cn --arg uuid "$UUID0" '{schema:"vm-events/1", type:"inventory",
  time:"2026-11-26T02:21:24.457Z", host:"hv4",
  domains:[{name:"inv1", uuid:$uuid, id:7, state:"running", reason:"booted"}]}')" -r
# A state whose payload names another host than its topic: skipped.
pub libvirt/hv5/liar/state "$(state_json hv1 liar running booted 1)" -r

# squeeze FILE: the table with runs of spaces squeezed, for comparing content.
squeeze() { sed -E 's/ +/ /g' "$1"; }

# columns_aligned FILE: every line has its fields (separated by 2+ spaces)
# starting at the same columns as the header's.
columns_aligned() {
  awk '{
    line = $0; pos = 1; n = 0; starts = "";
    while (match(line, /[^ ]+( [^ ]+)*/)) {
      n++; starts = starts " " (pos + RSTART - 1);
      pos += RSTART + RLENGTH - 1; line = substr(line, RSTART + RLENGTH);
    }
    if (NR == 1) header = starts; else if (starts != header) { print "misaligned: " $0; bad = 1 }
  } END { exit bad }' "$1"
}

rc=0; "$VM_SUB" -b "$BROKER_URL" --list --list-wait 300 >"$H_DIR/table.out" 2>"$H_DIR/table.err" || rc=$?
expect_eq "--list exit" 0 "$rc"
expect_eq "--list table" "HOST VM STATE REASON ID HOST-STATUS
hv1 db1 shutoff shutdown - online
hv1 web1 running booted 3 online
hv2 app1 paused user 2 offline
hv3 - - - - online
hv4 inv1 running booted 7 -" "$(squeeze "$H_DIR/table.out")"
columns_aligned "$H_DIR/table.out" || fail "table columns not aligned: $(cat "$H_DIR/table.out")"
grep -q 'liar' "$H_DIR/table.out" && fail "a state on another host's topic was listed"
grep -q 'names another host' "$H_DIR/table.err" || fail "no warning for the inconsistent state: $(cat "$H_DIR/table.err")"

# JSON lines: one state object per VM, as published.
rc=0; "$VM_SUB" -b "$BROKER_URL" --list --list-wait 300 -o json >"$H_DIR/json.out" 2>/dev/null || rc=$?
expect_eq "--list -o json exit" 0 "$rc"
expect_eq "--list json VMs" "hv1 db1 shutoff
hv1 web1 running
hv2 app1 paused
hv4 inv1 running" "$(jq -r '"\(.host) \(.domain.name) \(.state)"' "$H_DIR/json.out")"
expect_eq "published object kept" "$(state_json hv1 web1 running booted 3 | jq -cS .)" \
  "$(grep '"web1"' "$H_DIR/json.out" | jq -cS .)"

# Filters: --host (exact: its inventory topic is subscribed exactly), --domain glob.
"$VM_SUB" -b "$BROKER_URL" --list --list-wait 300 --host hv2 --host hv4 >"$H_DIR/hosts.out"
expect_eq "--list --host" "HOST VM STATE REASON ID HOST-STATUS
hv2 app1 paused user 2 offline
hv4 inv1 running booted 7 -" "$(squeeze "$H_DIR/hosts.out")"
"$VM_SUB" -b "$BROKER_URL" --list --list-wait 300 --domain 'web*' >"$H_DIR/domain.out"
expect_eq "--list --domain" "HOST VM STATE REASON ID HOST-STATUS
hv1 web1 running booted 3 online" "$(squeeze "$H_DIR/domain.out")"

# An empty broker: just the header, exit 0.
rc=0; "$VM_SUB" -b "$BROKER_URL" --list --list-wait 100 --prefix empty >"$H_DIR/empty.out" || rc=$?
expect_eq "--list empty exit" 0 "$rc"
expect_eq "--list empty" "HOST VM STATE REASON ID HOST-STATUS" "$(squeeze "$H_DIR/empty.out")"
log "ok"
