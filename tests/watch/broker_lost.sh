#!/usr/bin/env bash
# --watch says where the broker connection is, instead of an empty fleet
# that looks like "no VMs": started with the broker down, its header says
# "connecting..." with the cause and the hosts line says none is known yet;
# the fleet appears once the broker is up. With the broker stopped, the
# header says "broker lost, reconnecting: <cause>"; started again, the header clears and
# the fleet is back (vm-pub republishes, --watch subscribes again).
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/../sub/lib.sh"
source "$(dirname "$0")/lib.sh"

start_broker
start_libvirtd
define_vm bl1
stop_broker  # the port stays known: the broker comes back on it

start_pane 140 20
run_watch
expect_screen 10 '^vm-sub --watch .*connecting\.\.\. \(TCP connection to 127\.0\.0\.1:[0-9]+: Connection refused\)' \
  "broker down at the start: the header does not say connecting with the cause"
expect_screen 3 '^hosts: none known yet: not connected to the broker' \
  "broker down at the start: the hosts line does not say that nothing is known yet"
running "$(tm display-message -p '#{pane_pid}')" || fail "the pane is gone"

restart_broker
start_pub_host hvl
expect_screen 20 ' hvl +bl1 +shut ?off' "the broker came up: hvl's VM did not appear"
expect_gone 5 'connecting\.\.\.' "connected: the header still says connecting"
expect_screen 3 '^hosts: 1 online' "connected: the host is not counted online"

stop_broker
expect_screen 15 '^vm-sub --watch .*broker lost, reconnecting: ' "broker stopped: the header does not say it is lost"
expect_screen 3 ' hvl +bl1 ' "broker lost: the fleet known so far is no longer shown"

restart_broker
expect_gone 30 'broker lost' "broker back: the header still says it is lost"
expect_screen 20 ' hvl +bl1 +shut ?off' "broker back: hvl's VM is not shown"
keys q
expect_screen 5 '^EXIT=0' "q did not end --watch"
[ ! -s "$H_DIR/watch.err" ] || log "stderr: $(tr '\n' '|' <"$H_DIR/watch.err")"
log "ok"
