#!/usr/bin/env bash
# vm-sub's three output modes against a real broker: human lines aligned and
# without ESC when stdout is not a terminal (with ESC under --color always),
# json lines equal to the published objects, templates with several fields.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/lib.sh"

start_broker

# --- human, not a tty: aligned columns, no ESC byte, status changes shown
start_sub human -C 2
pub "libvirt/hv1/status" "$(status_json hv1 online)"
pub_event hv1 database-primary started 1
pub_event hv1 web1 stopped 2 destroyed
sub_wait "$SUB_PID"
expect_eq "human exit status" 0 "$RC"
out=$H_DIR/human.out
grep -q 'hv1.*host online' "$out" || fail "no host-online line: $(cat "$out")"
expect_eq "human event lines" 2 "$(grep -c lifecycle "$out")"
if LC_ALL=C grep -q $'\x1b' "$out"; then fail "ESC written although stdout is a file"; fi
cols=$(grep lifecycle "$out" | awk '{ print index($0, "lifecycle") }' | sort -u | wc -l)
expect_eq "lifecycle column positions" 1 "$cols"
grep -q 'web1 .*stopped destroyed' "$out" || fail "event text missing: $(cat "$out")"

# --- human with --color always: ESC present
start_sub color -C 1 --color always
pub_event hv1 web1 started 3
sub_wait "$SUB_PID"
expect_eq "color exit status" 0 "$RC"
LC_ALL=C grep -q $'\x1b\[' "$H_DIR/color.out" || fail "--color always wrote no SGR sequence"

# --- NO_COLOR vetoes auto colour even on a terminal; auto colours a terminal
NO_COLOR=1 script -qfec "'$VM_SUB' -b $BROKER_URL -v -C 1" /dev/null >"$H_DIR/pty-nocolor.out" 2>&1 &
pid=$!; track "$pid"
wait_for 15 grep -q subscribed "$H_DIR/pty-nocolor.out" || fail "pty vm-sub did not subscribe"
pub_event hv1 web1 resumed 4
sub_wait "$pid"
expect_eq "pty exit" 0 "$RC"
grep -q 'web1' "$H_DIR/pty-nocolor.out" || fail "no event on the pty"
if LC_ALL=C grep -q $'\x1b\[[0-9;]*m' "$H_DIR/pty-nocolor.out"; then fail "colour although NO_COLOR=1"; fi
script -qfec "'$VM_SUB' -b $BROKER_URL -v -C 1" /dev/null >"$H_DIR/pty-color.out" 2>&1 &
pid=$!; track "$pid"
wait_for 15 grep -q subscribed "$H_DIR/pty-color.out" || fail "pty vm-sub did not subscribe"
pub_event hv1 web1 suspended 5 paused
sub_wait "$pid"
expect_eq "pty exit" 0 "$RC"
LC_ALL=C grep -q $'\x1b\[[0-9;]*m' "$H_DIR/pty-color.out" || fail "no colour on a terminal with --color auto"

# --- json: one object per line, equal to what was published, nothing else
start_sub json -o json -C 3
for i in 1 2 3; do
  event_json hv1 "vm$i" started "$((10 + i))" >>"$H_DIR/json.in"
  pub "libvirt/hv1/vm$i/event/lifecycle" "$(tail -n 1 "$H_DIR/json.in")"
done
pub "libvirt/hv1/status" "$(status_json hv1 offline)"
sub_wait "$SUB_PID"
expect_eq "json exit status" 0 "$RC"
expect_eq "json line count" 3 "$(line_count "$H_DIR/json.out")"
while IFS= read -r line; do
  jq_e 'type == "object"' <<<"$line" || fail "invalid JSON line: $line"
done <"$H_DIR/json.out"
diff <(jq -cS . "$H_DIR/json.in") <(jq -cS . "$H_DIR/json.out") || fail "json output differs from input"
# Keys in the documented order, compact: byte for byte what jq -c made.
diff "$H_DIR/json.in" "$H_DIR/json.out" || fail "json output not byte-identical to the compact input"

# --- template with several fields
start_sub tmpl -F '{host}|{domain}|{uuid}|{kind}|{event}|{detail}|{seq}|{text}' -C 1
pub_event hv1 web1 stopped 21 destroyed
sub_wait "$SUB_PID"
expect_eq "template exit status" 0 "$RC"
expect_eq "template line" "hv1|web1|$UUID0|lifecycle|stopped|destroyed|21|stopped destroyed" "$(cat "$H_DIR/tmpl.out")"

# --- -t raw mode: foreign payloads shown raw but sanitized in human output
# (and counted by -C), skipped with a warning in json output; vm-events/1
# events on -t topics are still decoded and checked.
start_sub raw -t 'foreign/#' -t 'libvirt/#' -C 2
pub foreign/x $'2026/11/26 3:21:24 event(2) occurred in the domain = < web1 \x1b[2J>.'
pub_event hv1 web1 started 30
sub_wait "$SUB_PID"
expect_eq "raw exit" 0 "$RC"
grep -qF 'foreign/x  2026/11/26 3:21:24 event(2) occurred in the domain = < web1 \x1b[2J>.' "$H_DIR/raw.out" \
  || fail "raw line: $(cat "$H_DIR/raw.out")"
grep -q 'web1  lifecycle' "$H_DIR/raw.out" || fail "event under -t not decoded: $(cat "$H_DIR/raw.out")"
if LC_ALL=C grep -q $'\x1b' "$H_DIR/raw.out"; then fail "ESC from a raw payload reached stdout"; fi
start_sub rawjson -t 'foreign/#' -t 'libvirt/#' -o json -C 1
pub foreign/x 'not an event'
pub_event hv1 web1 stopped 31 destroyed
sub_wait "$SUB_PID"
expect_eq "raw json exit" 0 "$RC"
jq_e '.seq == 31' <"$H_DIR/rawjson.out" || fail "json -t output: $(cat "$H_DIR/rawjson.out")"
grep -q 'foreign/x: not a vm-events/1 event; skipped' "$H_DIR/rawjson.err" || fail "no skip warning: $(cat "$H_DIR/rawjson.err")"

log "ok"
