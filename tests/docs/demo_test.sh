#!/usr/bin/env bash
# The README's demo (scripts/demo.sh) runs without a terminal, with the
# built binaries, and shows what it promises: each VM change as a vm-sub
# line, the fleet list at the end, no colour when stdout is not a tty; it
# exits 0 and leaves no process behind.
set -euo pipefail
src=${SOURCE_ROOT:?}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
fail() { printf 'demo: FAIL: %s\n' "$*" >&2; echo "----- demo output" >&2; cat "$out" >&2; exit 1; }

start=$SECONDS
rc=0
PAUSE=0.3 VM_PUB=$VM_PUB VM_SUB=$VM_SUB bash "$src/scripts/demo.sh" >"$out" 2>&1 </dev/null || rc=$?
echo "demo: ran in $((SECONDS - start)) s"
[ "$rc" -eq 0 ] || fail "scripts/demo.sh exited $rc"

# expect REGEX: a line of the demo's output matches.
expect() { grep -qE "$1" "$out" || fail "no line matching: $1"; }
expect 'hv1 +web1 +lifecycle +Defined Added'
expect 'hv1 +db1 +lifecycle +Defined Added'
expect 'hv1 +web1 +lifecycle +Started Booted'
expect 'hv1 +web1 +lifecycle +Suspended Paused'
expect 'hv1 +web1 +lifecycle +Resumed Unpaused'
expect 'hv1 +scratch +lifecycle +Started Booted'
expect 'hv1 +scratch +lifecycle +Stopped Destroyed'
expect 'hv1 +db1 +lifecycle +Stopped Shutdown'
expect 'hv1 +web1 +lifecycle +Stopped Destroyed'
expect 'hv1 +db1 +lifecycle +Undefined Removed'
# The list after the events: web1 shut off, the test driver's own VM running,
# db1 (undefined) and scratch (transient, gone) absent.
list=$(sed -n '/vm-sub --list/,$p' "$out")
grep -qE 'web1.*shutoff|web1.*shut off' <<<"$list" || fail "--list does not show web1 shut off"
grep -qE '\btest\b.*running' <<<"$list" || fail "--list does not show the VM 'test' running"
if grep -qE '\bdb1\b|\bscratch\b' <<<"$list"; then fail "--list shows a VM that no longer exists"; fi
if grep -q $'\x1b' "$out"; then fail "escape sequences in the output without a terminal"; fi

# Nothing left running from this demo: every service it started had its
# private directory on the command line.
dir=$(grep -o 'logs in /[^ ]*' "$out" | head -n 1 | cut -d' ' -f3)
[ -n "$dir" ] || fail "the demo did not say where its logs are"
# What it stopped on its way out may take a moment to end: up to 5 s.
for _ in $(seq 1 50); do
  pgrep -f -- "$dir" >/dev/null || break
  sleep 0.1  # poll: the demo's processes ending (at most 5 s)
done
if pgrep -f -- "$dir" >/dev/null; then fail "still running 5 s after the demo: $(pgrep -af -- "$dir")"; fi
echo "demo: ok"
