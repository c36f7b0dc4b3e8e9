#!/usr/bin/env bash
# Issue 5, item 9: VM names with '+', '#', spaces, tab, CR, newline, a C1
# control (U+009B), a bidi override (U+202E), a leading '$' and 200+
# characters. For every name libvirt accepts: vm-pub publishes its state and
# events under exactly one topic level (no extra level, no wildcard), with
# the exact name in the payload, without a publish failure; vm-sub, in a real
# terminal (script), shows the names escaped and writes no control bytes.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/../faults/lib.sh"

R_FAULT="hostile VM names (+ # space tab CR LF C1 bidi \$ 200+ chars)"

long=$(printf 'L%.0s' $(seq 1 210))
names=('a+b#c' 'two  spaces' $'tab\there' $'cr\rhere' $'nl\nhere' $'c1\xc2\x9bhere'
       $'bidi\xe2\x80\xaeereh' '$dollar' "$long")

start_broker
start_libvirtd
msub_start all -t "$PREFIX/#"
# vm-sub in a real terminal (no colour: the check is about bytes).
printf '%s\n' "stty -onlcr; exec env NO_COLOR=1 \"\$VM_SUB\" -b \"$BROKER_URL\"" >"$H_DIR/vmsub.cmd"
VM_SUB=$VM_SUB script -qfec "bash $H_DIR/vmsub.cmd" "$H_DIR/tty.out" >/dev/null 2>"$H_DIR/tty.err" </dev/null &
tty_pid=$!
track "$tty_pid"
vmsub_wait_ready tty "$H_DIR/tty.out" "$tty_pid"
pub_start pub
wait_online

accepted=()
refused=()
for n in "${names[@]}"; do
  if define_vm "$n" 2>/dev/null && vsh start -- "$n" >/dev/null 2>&1; then
    accepted+=("$n")
  else
    refused+=("$(printf '%q' "$n")")
  fi
done
R_REPS=${#names[@]}
R_SENT=${#accepted[@]}
[ "${#refused[@]}" -eq 0 ] || note "refused by libvirt itself: ${refused[*]}"
[ "${#accepted[@]}" -ge 7 ] || fail "libvirt accepted only ${#accepted[@]} names"

# got_all EVENT: every accepted VM's EVENT arrived with its exact name.
got_all() {
  local n
  for n in "${accepted[@]}"; do
    awk -F'\t' '$1 ~ /\/event\/lifecycle$/ {print $2}' "$H_DIR/all.sub" |
      jq_e -s --arg n "$n" --arg e "$1" 'any(.[]; .domain.name == $n and .event == $e)' 2>/dev/null || return 1
  done
}
wait_for 20 got_all started || fail "not every hostile-named VM's started event arrived with its exact name"

# Every topic has exactly the levels of its shape and no wildcard; the VM
# segment decodes back to the payload's name.
bad=0
while IFS=$'\t' read -r topic payload; do
  case $topic in faults/*|'') continue ;; esac
  case $topic in *'+'*|*'#'*) log "wildcard in topic: $(printf %q "$topic")"; bad=$((bad + 1)); continue ;; esac
  IFS=/ read -ra lv <<<"$topic"
  case ${#lv[@]}:${lv[3]:-} in
    3:*) [ "${lv[2]}" = status ] || [ "${lv[2]}" = inventory ] || [ "${lv[2]}" = journal ] || { log "bad topic $topic"; bad=$((bad + 1)); } ;;
    4:state) ;;
    5:event) ;;
    *) log "topic with a wrong shape: $(printf %q "$topic")"; bad=$((bad + 1)); continue ;;
  esac
  [ -n "$payload" ] || continue
  name=$(jq -r '.domain.name // empty' <<<"$payload" 2>/dev/null) || continue
  [ -n "$name" ] || continue
  [ "${lv[2]}" = "$(esc_segment "$name")" ] || { log "segment ${lv[2]} is not the escaped name"; bad=$((bad + 1)); }
done <"$H_DIR/all.sub"
[ "$bad" -eq 0 ] || fail "$bad messages on malformed topics"
R_DELIVERED=${#accepted[@]}

grep -Eqi 'fail|error' "$H_DIR/pub.log" && fail "vm-pub logged a failure: $(grep -Ei 'fail|error' "$H_DIR/pub.log" | head -n 1)"

for n in "${accepted[@]}"; do vsh destroy -- "$n" >/dev/null; done
# The terminal's vm-sub shows each of those stopped events too.
wait_for 20 got_all stopped || fail "not every hostile-named VM's stopped event arrived"
tty_stopped() { [ "$(grep -c 'Stopped Destroyed' "$H_DIR/tty.out")" -ge "${#accepted[@]}" ]; }
wait_for 10 tty_stopped || fail "vm-sub in the terminal showed $(grep -c 'Stopped Destroyed' "$H_DIR/tty.out") of ${#accepted[@]} stopped events"
kill "$tty_pid" 2>/dev/null || true
wait_for 10 exited "$tty_pid" || fail "vm-sub's terminal (script) did not end on SIGTERM"
[ -s "$H_DIR/tty.out" ] || fail "vm-sub printed nothing in the terminal"
nbad=$(bad_bytes "$H_DIR/tty.out")
[ "$nbad" -eq 0 ] || fail "vm-sub wrote $nbad raw control/bidi characters to the terminal"
grep -qF '\t' "$H_DIR/tty.out" || fail "the tab in a VM name is not shown as \\t"
grep -qF '\u009b' "$H_DIR/tty.out" || fail "the C1 control in a VM name is not shown as \\u009b"
grep -qF '\u202e' "$H_DIR/tty.out" || fail "the bidi override in a VM name is not shown as \\u202e"
grep -qF 'a+b#c' "$H_DIR/tty.out" || fail "the VM a+b#c is not shown by name"
note "${#accepted[@]} names published on well-formed topics; vm-sub terminal output: 0 control bytes, escapes shown"
R_DUP=0
R_LOST=0
pass
