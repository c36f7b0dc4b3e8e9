#!/usr/bin/env bash
# checks.sh against trees made here: one with a `jq -e` check and a bare
# `sleep` (and the other forms it must catch) fails and names each by
# FILE:LINE; one with only allowed forms passes.
set -euo pipefail
checks=$(cd "$(dirname "$0")" && pwd)/checks.sh
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vme-lint.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { printf 'lint-selftest: FAIL: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- bad tree
bad=$tmp/bad
mkdir -p "$bad/tests/sub" "$bad/tests/lib" "$bad/scripts" "$bad/bench"
cat >"$bad/tests/sub/bad.sh" <<'SH'
#!/usr/bin/env bash
jq -e '.status == "online"' "$H_DIR/status.json" >/dev/null || fail "status"
sleep 1
SH
cat >"$bad/tests/lib/more.sh" <<'SH'
x=$(jq -se 'length > 0' "$f")
retained t | jq --exit-status .a
jq -r '.a | .b' -e "$f"
jq -c \
  -e '.x' "$f"
  sleep 0.5   # the event is surely there by now
sh -c 'sleep 2; exit 0' &
SH
cat >"$bad/scripts/tool" <<'SH'
#!/bin/sh
jq --arg a b -e '.a' file
SH
cat >"$bad/bench/run.sh" <<'SH'
if jq -e . "$out" >/dev/null; then :; fi
SH

rc=0
out=$(bash "$checks" "$bad" 2>&1) || rc=$?
[ "$rc" -eq 1 ] || fail "bad tree: exit $rc, want 1: $out"
for want in \
  'tests/sub/bad.sh:2: jq -e' \
  'tests/sub/bad.sh:3: sleep' \
  'tests/lib/more.sh:1: jq -e' \
  'tests/lib/more.sh:2: jq -e' \
  'tests/lib/more.sh:3: jq -e' \
  'tests/lib/more.sh:4: jq -e' \
  'tests/lib/more.sh:6: sleep' \
  'tests/lib/more.sh:7: sleep' \
  'scripts/tool:2: jq -e' \
  'bench/run.sh:1: jq -e'; do
  grep -qF -- "$want" <<<"$out" || fail "bad tree: no line '$want' in: $out"
done
n=$(grep -c '^[a-z].*:[0-9]*: ' <<<"$out" || true)
[ "$n" -eq 10 ] || fail "bad tree: $n problems reported, want 10: $out"

# ---------------------------------------------------------------- clean tree
good=$tmp/good
mkdir -p "$good/tests/lib" "$good/tests/sub" "$good/scripts"
cat >"$good/tests/lib/harness.sh" <<'SH'
# jq_e FILTER: unlike `jq -e FILTER`, false on empty input.
jq_e() {
  jq -e -n "${@:1:$#-1}" "[inputs | (${*: -1})] | length > 0 and last" | grep -qx true
}
wait_for() {
  until "$@"; do
    sleep 0.05  # poll: until the deadline
  done
}
SH
cat >"$good/tests/sub/good.sh" <<'SH'
#!/usr/bin/env bash
jq_e '.status == "online"' <"$H_DIR/status.json" || fail "status"
[ "$(jq -r .status "$H_DIR/status.json")" = online ] || fail "status"
[ "$(jq -s length "$f" | wc -l)" -eq 1 ] || fail "-eq after jq is not jq's"
n=$(jq -r '.events | length' "$f")
sleep 10  # pause: the 10 s outage
# a comment about sleep 1 and jq -e is not code
wait_for 10 subscribed "a/#" || fail "not subscribed: no sleep needed"
SH
cat >"$good/scripts/tool.sh" <<'SH'
jq -r '.name' "$log" | sort
SH

rc=0
out=$(bash "$checks" "$good" 2>&1) || rc=$?
[ "$rc" -eq 0 ] || fail "clean tree: exit $rc, want 0: $out"

# The default root is $SOURCE_ROOT.
rc=0
out=$(SOURCE_ROOT=$bad bash "$checks" 2>&1) || rc=$?
[ "$rc" -eq 1 ] && grep -qF 'tests/sub/bad.sh:3: sleep' <<<"$out" || fail "SOURCE_ROOT not used as the default root: exit $rc: $out"
echo "lint-selftest: ok"
