#!/usr/bin/env bash
# vm-sub --watch in a tmux pane against two real vm-pub (hosts hv-a and
# hv-b on one libvirtd): the first screen has both hosts' VMs and the right
# counts; start/suspend/destroy change a row and undefine removes it; a
# vm-pub killed with -9 shows its host offline (marked, dimmed); s, /web*,
# Enter (the VM's events), Esc and q work; q leaves the alternate screen
# with exit status 0; the layout holds at 80x24 and 200x50.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/../sub/lib.sh"
source "$(dirname "$0")/lib.sh"

start_broker
start_libvirtd
define_vm web1
define_vm web2
define_vm db1
vsh start web2 >/dev/null
start_pub_host hv-a
start_pub_host hv-b
PUB_B=$PUB_PID

start_pane 120 30
run_watch

# --- the first screen: both hosts, every VM (the test driver's "test" too).
for h in hv-a hv-b; do
  expect_screen 10 "^. +$h +web1 +shutoff " "first screen: $h web1"
  expect_screen 5 "^. +$h +web2 +running +booted " "first screen: $h web2"
  expect_screen 5 "^. +$h +db1 +shutoff " "first screen: $h db1"
  expect_screen 5 "^. +$h +test +running " "first screen: $h test"
done
expect_screen 5 'hosts: 2 online, 0 offline' "host counts"
expect_screen 5 'VMs: 4 running, 0 paused, 4 shut off, 0 crashed, 0 other' "VM counts"
screen_has '^ +HOST +VM +STATE +REASON +AGE +LAST EVENT' || fail "no column titles: $(screen)"
screen_has 'q quit .* s sort:host .* / filter .* Enter events .* \? help' || fail "no footer: $(screen)"

# --- live changes: each row follows (the wait is generous; bench/ measures the latency).
vsh start web1 >/dev/null
expect_screen 5 "^. +hv-a +web1 +running +booted +[0-9]+s +Started Booted" "after virsh start"
expect_screen 5 'VMs: 6 running, 0 paused, 2 shut off' "counts after start"
vsh suspend web1 >/dev/null
expect_screen 5 "^. +hv-b +web1 +paused +user +[0-9]+s +Suspended Paused" "after virsh suspend"
expect_screen 5 'VMs: 4 running, 2 paused, 2 shut off' "counts after suspend"
vsh destroy web1 >/dev/null
expect_screen 5 "^. +hv-a +web1 +shutoff +destroyed +[0-9]+s +Stopped Destroyed" "after virsh destroy"
vsh undefine db1 >/dev/null
expect_gone 5 " db1 " "after virsh undefine"
expect_screen 5 'VMs: 4 running, 0 paused, 2 shut off' "counts after undefine"

# --- keys: s cycles the sort (name: hv-a and hv-b rows of one VM side by side).
keys s
expect_screen 3 'sort: name' "s: sort by name"
vm_column() { screen | awk '{ for (i = 1; i < NF; i++) if ($i ~ /^hv-[ab]$/) { print $(i + 1); break } }' | paste -sd' '; }
[ "$(vm_column)" = "test test web1 web1 web2 web2" ] \
  || fail "sort by name: $(screen)"
keys s s s
expect_screen 3 'sort: host' "s cycles back to host"

# / edits a glob over VM names, live.
keys / 'web*'
expect_screen 3 '^filter: web\*_' "the filter being typed"
keys Enter
expect_screen 3 'filter: web\*' "the kept filter in the header"
expect_gone 3 ' test ' "/web*: other VMs hidden"
[ "$(screen | grep -cE '^. +hv-[ab] +web[12] ')" = 4 ] || fail "/web*: not the four web rows: $(screen)"

# Enter on the selected (first) row: hv-a web1 and the events this vm-sub received, newest first.
keys Enter
expect_screen 3 '^VM web1 on hv-a: shutoff \(destroyed\)' "Enter: the detail view"
expect_screen 3 'Recent events received by this vm-sub, newest first' "detail: title"
screen | grep -E '  lifecycle  ' | awk '{print $4}' | tr '\n' ' ' | grep -q '^Stopped Suspended Started $' \
  || fail "detail: events not newest first: $(screen)"
keys Escape
expect_screen 3 '^. +hv-a +web1 ' "Esc: back to the list"
keys Escape
expect_screen 3 ' test ' "Esc clears the filter"
keys '?'
expect_screen 3 'sort by host\+name, name, state, age' "?: help"
keys x
expect_screen 3 '^ +HOST +VM' "a key leaves the help"

# --- resize: the header, the column titles and the footer stay whole.
check_layout() {
  local cols=$1 lines=$2
  tm resize-window -t w -x "$cols" -y "$lines"
  # Redrawn for the new size: the clock ends the first line, the keys are on the last.
  redrawn() { [ "$(screen | head -n 1 | wc -m)" = $((cols + 1)) ] && screen | tail -n 1 | grep -q '^q quit'; }
  wait_for 5 redrawn || fail "${cols}x${lines}: not redrawn for the new size: $(screen)"
  expect_screen 5 "^vm-sub --watch .* [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}$" "${cols}x${lines}: title and clock"
  expect_screen 3 '^hosts: 2 online' "${cols}x${lines}: host counts"
  expect_screen 3 '^VMs: 4 running, 0 paused, 2 shut off, 0 crashed, 0 other +sort: host$' "${cols}x${lines}: VM counts"
  expect_screen 3 '^ +HOST +VM +STATE +REASON +AGE +LAST EVENT' "${cols}x${lines}: column titles"
  expect_screen 3 '^. +hv-b +web2 +running +booted ' "${cols}x${lines}: rows"
  local n
  n=$(screen | wc -l)
  [ "$n" = "$lines" ] || fail "${cols}x${lines}: $n lines on the screen"
  local too_wide
  too_wide=$(screen | awk -v c="$cols" 'length($0) > c' | head -1)
  [ -z "$too_wide" ] || fail "${cols}x${lines}: a line wider than the pane: $too_wide"
}
check_layout 80 24
check_layout 200 50

# --- vm-pub hv-b killed: its last will marks the host offline, rows kept, dimmed.
kill -KILL "$PUB_B"
expect_screen 10 'hosts: 1 online, 1 offline' "after kill -9: counts"
expect_screen 5 '^X +hv-b +web2 +running +booted +[0-9smhd]+ +host offline [0-9]+s' "after kill -9: hv-b's rows marked"
screen_attr | grep -E 'hv-b' | grep -qE $'\x1b\\[([0-9;]*;)?2(;[0-9;]*)?m' || fail "hv-b's rows are not dimmed: $(screen_attr | grep hv-b | cat -v)"
screen_has '^ +hv-a +web2 +running' || fail "hv-a's rows changed: $(screen)"

# --- q: exit 0, the alternate screen left (the shell's own lines are back).
keys q
expect_screen 5 '^EXIT=0$' "q: exit status"
screen_lacks '^vm-sub --watch' || fail "q: the watch screen is still shown: $(screen)"
screen_has "^\\$ .*vm-sub .*--watch" || fail "q: the shell's command line is not back: $(screen)"
log "ok"
