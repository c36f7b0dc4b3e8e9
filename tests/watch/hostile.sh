#!/usr/bin/env bash
# Hostile VM names on the --watch screen: one with an OSC title sequence
# (ESC ]0;PWNED BEL), one with a bidi override, one with CJK characters and
# one too long for its column. The pane's title stays as it was, the names
# show in their escaped form, and the wide and long names keep the columns
# aligned (cut with an ellipsis, never wrapped). A host whose status says
# its libvirt is unreachable is counted and its rows marked.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/../sub/lib.sh"
source "$(dirname "$0")/lib.sh"

start_broker
pub libvirt/hv1/status "$(status_json hv1 online)" -r
pub 'libvirt/hv1/evil%1B]0;PWNED%07/state' "$(state_json hv1 $'evil\x1b]0;PWNED\x07' running booted 1)" -r
pub $'libvirt/hv1/bidi\xe2\x80\xaegpj.exe/state' "$(state_json hv1 $'bidi\xe2\x80\xaegpj.exe' paused user 2)" -r
pub 'libvirt/hv1/数据库服务器/state' "$(state_json hv1 '数据库服务器' running booted 3)" -r
LONG=vm-with-a-name-much-too-long-for-any-column-of-the-screen-0123456789
pub "libvirt/hv1/$LONG/state" "$(state_json hv1 "$LONG" shutoff shutdown -1)" -r

pub libvirt/hv2/status "$(status_json hv2 online | jq -c '.libvirt = "unreachable"')" -r
pub libvirt/hv2/app1/state "$(state_json hv2 app1 running booted 4)" -r

start_pane 100 20
title_before=$(tm display-message -p -t w '#{pane_title}')
run_watch
expect_screen 10 'VMs: 3 running, 1 paused, 1 shut off' "the five VMs"
expect_screen 3 '^hosts: 2 online, 0 offline, 1 libvirt unreachable' "libvirt unreachable: counted"
expect_screen 3 '^! +hv2 +app1 +running +booted .* libvirt unreachable$' "libvirt unreachable: the row marked"
expect_screen 3 '^. +hv1 +evil\\x1b\]0;PWNED\\x07 +running ' "the OSC name, escaped"
expect_screen 3 '^. +hv1 +bidi\\u202egpj\.exe +paused ' "the bidi name, escaped"
title_after=$(tm display-message -p -t w '#{pane_title}')
expect_eq "pane title" "$title_before" "$title_after"
screen | grep -q PWNED$ && fail "a name ran to the line's end: $(screen)"

# Every row's STATE starts in the column of the STATE title (CJK is 2 columns a character).
state_col=$(screen | grep -E '^ +HOST +VM +STATE' | awk '{ print index($0, "STATE") }')
for st in running paused shutoff; do
  screen | grep -E "^. +hv1 " | grep -E " $st " | while IFS= read -r line; do
    # Display columns before the state word (wide characters count two).
    prefix=${line%% $st *}
    cols=$(printf '%s' "$prefix" | LC_ALL=C.UTF-8 wc -L)
    [ $((cols + 2)) = "$state_col" ] || fail "misaligned ($((cols + 2)) vs $state_col): $line"
  done
done
# The long name is cut with an ellipsis; nothing wraps.
expect_screen 3 '^. +hv1 +vm-with-a-name-much[^ ]*… +shutoff ' "the long name cut with …"
[ "$(screen | wc -l)" = 20 ] || fail "the screen wrapped: $(screen)"
keys q
expect_screen 5 '^EXIT=0$' "q"
log "ok"
