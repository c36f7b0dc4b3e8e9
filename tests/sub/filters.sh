#!/usr/bin/env bash
# Filters: --host, --domain (glob), --kind, --event; the same option
# repeated is OR, different options are AND. Each vm-sub gets -C equal to
# the number of events it should accept: a wrongly accepted event ends it
# early with the wrong lines, a wrongly refused one makes it time out (124).
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/lib.sh"

start_broker

FMT='{host} {domain} {kind} {event}'
declare -A SUB_PIDS EXPECT

# sub NAME "EXPECTED LINES" ARGS...
sub() {
  local name=$1 expected=$2; shift 2
  EXPECT[$name]=$expected
  start_sub "$name" -F "$FMT" -C "$(printf '%s\n' "$expected" | wc -l)" -W 20 "$@"
  SUB_PIDS[$name]=$SUB_PID
}

sub host "hv1 web1 lifecycle started
hv1 db1 lifecycle stopped
hv1 web3 reboot reboot
hv1 db1 lifecycle started
hv1 web1 lifecycle stopped
hv1 web9 reboot reboot" --host hv1
sub domain_glob "hv1 web1 lifecycle started
hv2 web2 lifecycle stopped
hv1 web3 reboot reboot
hv2 web1 lifecycle suspended
hv1 web1 lifecycle stopped
hv1 web9 reboot reboot" --domain 'web*'
sub kind "hv2 db2 reboot reboot
hv1 web3 reboot reboot
hv1 web9 reboot reboot" --kind reboot
sub event_or "hv1 web1 lifecycle started
hv1 db1 lifecycle stopped
hv2 web2 lifecycle stopped
hv1 db1 lifecycle started
hv1 web1 lifecycle stopped" --event stopped --event started
sub host_and_event "hv1 db1 lifecycle stopped
hv1 web1 lifecycle stopped" --host hv1 --event stopped
sub mixed "hv1 db1 lifecycle stopped
hv2 web2 lifecycle stopped
hv1 web1 lifecycle stopped" --domain 'web*' --domain db1 --kind lifecycle --event stopped
sub host_glob "hv2 web2 lifecycle stopped
hv2 db2 reboot reboot
hv2 web1 lifecycle suspended" --host 'hv[2]'
sub exact_place "hv2 db2 reboot reboot" --host hv2 --domain db2

pub_event hv1 web1 started 1
pub_event hv1 db1 stopped 2
pub_event hv2 web2 stopped 1
pub_event hv2 db2 reboot 2 "" reboot
pub_event hv1 web3 reboot 3 "" reboot
pub_event hv2 web1 suspended 3 paused
pub_event hv1 db1 started 4
pub_event hv1 web1 stopped 5 destroyed
pub_event hv1 web9 reboot 6 "" reboot

for name in "${!SUB_PIDS[@]}"; do
  sub_wait "${SUB_PIDS[$name]}"
  expect_eq "$name: exit status" 0 "$RC"
  expect_eq "$name: lines" "${EXPECT[$name]}" "$(cat "$H_DIR/$name.out")"
done

# A filter that matches nothing times out with 124 and prints nothing.
start_sub none -F "$FMT" -C 1 -W 1 --host hv1 --kind reboot --event started
pub_event hv1 web1 started 7
sub_wait "$SUB_PID"
expect_eq "no match: exit status" 124 "$RC"
expect_eq "no match: output" "" "$(cat "$H_DIR/none.out")"
log "ok"
