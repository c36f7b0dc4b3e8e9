#!/usr/bin/env bash
# Bad WHENs and option combinations: exit 2 with one line. Malformed,
# oversized and spoofed journals (and spoofed entries) are reported and
# skipped; the good journal next to them still prints.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/lib.sh"

start_broker

# usage ARGS... EXPECTED-TEXT: exit 2, exactly one stderr line containing the text.
usage() {
  local want=${*: -1} rc=0
  "$VM_SUB" -b "$BROKER_URL" "${@:1:$#-1}" >"$H_DIR/u.out" 2>"$H_DIR/u.err" || rc=$?
  [ "$rc" -eq 2 ] || fail "${*:1:$#-1}: exit $rc, expected 2: $(cat "$H_DIR/u.err")"
  [ "$(wc -l <"$H_DIR/u.err")" -eq 1 ] || fail "${*:1:$#-1}: not one line: $(cat "$H_DIR/u.err")"
  grep -qF -- "$want" "$H_DIR/u.err" || fail "${*:1:$#-1}: expected '$want' in: $(cat "$H_DIR/u.err")"
  [ ! -s "$H_DIR/u.out" ] || fail "${*:1:$#-1}: printed on stdout"
}
usage --since yesterday 'vm-sub: --since: "yesterday" is neither a duration'
usage --since 10x 'neither a duration'
usage --since 2026-02-30T10:00:00Z 'neither a duration'
usage --since 2999-01-01T00:00:00Z 'is in the future'
usage --since 10m --until 20m 'is before --since'
usage --since 1h --until nonsense 'vm-sub: --until:'
usage --until 10m '--until needs --since'
usage --since 10m --list '--since and --list exclude each other'
usage --since 10m -t 'x/#' '--since and -t exclude each other'
usage --since 10m --share g '--since and --share exclude each other'

# Journals: one good, one spoofed (host in payload != host in topic), one
# malformed, one oversized, one good journal with a spoofed entry.
good() {  # good HOST SEQ VM
  jq -cn --arg h "$1" --argjson s "$2" --arg vm "$3" --arg t "$(date -u +%Y-%m-%dT%H:%M:%S.000Z)" \
    '{schema:"vm-events/1", seq:$s, boot:"b1", time:$t, host:$h, domain:{name:$vm}, kind:"lifecycle", event:"started"}'
}
journal_of() {  # journal_of HOST ENTRY...
  local host=$1; shift
  printf '%s\n' "$@" | jq -cs --arg h "$host" '{schema:"vm-events/1", type:"journal", host:$h, events:map(tojson)}'
}
mpub -r -q 1 -t "$PREFIX/hv-good/journal" -m "$(journal_of hv-good "$(good hv-good 1 ok1)")"
mpub -r -q 1 -t "$PREFIX/hv-liar/journal" -m "$(journal_of hv-good "$(good hv-good 2 fake1)")"
mpub -r -q 1 -t "$PREFIX/hv-broken/journal" -m '{"schema":"vm-events/1","type":"journal","host":"hv-broken","events":[1,2]'
head -c 1100000 /dev/zero | tr '\0' a | jq -Rc --arg h hv-big '{schema:"vm-events/1", type:"journal", host:$h, events:[.]}' >"$H_DIR/big.json"
mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -r -q 1 -t "$PREFIX/hv-big/journal" -f "$H_DIR/big.json"
mpub -r -q 1 -t "$PREFIX/hv-mixed/journal" -m "$(journal_of hv-mixed "$(good hv-good 3 fake2)" "$(good hv-mixed 1 ok2)")"

"$VM_SUB" -b "$BROKER_URL" --since 10m --until 0s -o json --no-roll-call >"$H_DIR/j.out" 2>"$H_DIR/j.err" \
  || fail "exit $?: $(cat "$H_DIR/j.err")"
[ "$(jq -r .domain.name "$H_DIR/j.out" | sort | tr '\n' ' ')" = "ok1 ok2 " ] || fail "printed: $(cat "$H_DIR/j.out")"
grep -q 'hv-liar/journal: journal names host .hv-good., not the topic.s; skipped' "$H_DIR/j.err" || fail "spoofed journal: $(cat "$H_DIR/j.err")"
grep -q 'hv-broken/journal: undecodable journal' "$H_DIR/j.err" || fail "malformed journal: $(cat "$H_DIR/j.err")"
grep -q 'hv-big/journal: undecodable journal: payload too large' "$H_DIR/j.err" || fail "oversized journal: $(cat "$H_DIR/j.err")"
grep -q "hv-mixed/fake2/event/lifecycle: payload names host 'hv-good'" "$H_DIR/j.err" || fail "spoofed entry: $(cat "$H_DIR/j.err")"
log "ok"
