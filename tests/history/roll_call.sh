#!/usr/bin/env bash
# The roll call on mosquitto: a live vm-pub answers a request with its
# status, inventory and journal under the requester's reply topic, not
# retained; 100 requests in a second get at most two answers; malformed
# requests are dropped with a warning; vm-sub --list finds a host whose
# retained messages are gone (a broker without retained messages).
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/lib.sh"

start_broker
start_libvirtd
H=hv-rc
hpub_start pub "$H"
vm_cycles r 2
wait_for 10 journal_has "$H" 4 || fail "journal: $(journal "$H")"

request() {  # request REPLY-ID [SINCE]
  jq -cn --arg r "$1" --arg s "${2:-}" '{schema:"vm-events/1", type:"roll-call", reply:$r, spread_ms:200}
    + (if $s == "" then {} else {since:$s} end)'
}

# One request: status, inventory and (asked since) journal, none retained.
stdbuf -oL mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -v -t "$PREFIX/reply/one/#" -F '%r %t %p' >"$H_DIR/one.out" &
track $!
wait_for 10 subscribed "$PREFIX/reply/one/#" || fail "mosquitto_sub did not subscribe to reply/one"
mpub -q 1 -t "$PREFIX/roll-call" -m "$(request one 2000-01-01T00:00:00Z)"
wait_for 10 grep -q "reply/one/$H/journal" "$H_DIR/one.out" || fail "no journal answer: $(cut -c1-120 "$H_DIR/one.out")"
grep -q "^0 $PREFIX/reply/one/$H/status {" "$H_DIR/one.out" || fail "status answer: $(cut -c1-120 "$H_DIR/one.out")"
grep -q "^0 $PREFIX/reply/one/$H/inventory {" "$H_DIR/one.out" || fail "inventory answer: $(cut -c1-120 "$H_DIR/one.out")"
grep "reply/one/$H/journal" "$H_DIR/one.out" | cut -d' ' -f3- | jq_e '.events | length == 4' >/dev/null \
  || fail "journal answer: $(grep journal "$H_DIR/one.out" | cut -c1-200)"

# A request for other hosts only: no answer from this one. The request for
# this host sent right after it is answered, so both have been read.
stdbuf -oL mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -v -t "$PREFIX/reply/other/#" >"$H_DIR/other.out" &
track $!
stdbuf -oL mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -v -t "$PREFIX/reply/mine/#" >"$H_DIR/mine.out" &
track $!
wait_for 10 subscribed "$PREFIX/reply/other/#" || fail "mosquitto_sub did not subscribe to reply/other"
wait_for 10 subscribed "$PREFIX/reply/mine/#" || fail "mosquitto_sub did not subscribe to reply/mine"
mpub -q 1 -t "$PREFIX/roll-call" -m "$(jq -cn '{schema:"vm-events/1", type:"roll-call", reply:"other", spread_ms:0, hosts:["hv-x*", "db1"]}')"
mpub -q 1 -t "$PREFIX/roll-call" -m "$(jq -cn '{schema:"vm-events/1", type:"roll-call", reply:"mine", spread_ms:0, hosts:["hv-r*"]}')"
wait_for 10 grep -q "reply/mine/$H/inventory" "$H_DIR/mine.out" || fail "no answer to a request for hv-r*: $(cut -c1-100 "$H_DIR/mine.out")"
sleep 1  # pause: an answer to the other hosts' request would come with this round
[ ! -s "$H_DIR/other.out" ] || fail "answered a request for other hosts: $(cut -c1-100 "$H_DIR/other.out")"

# 100 requests within a second: at most two answer rounds.
stdbuf -oL mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -v -t "$PREFIX/reply/many/#" >"$H_DIR/many.out" &
track $!
wait_for 10 subscribed "$PREFIX/reply/many/#" || fail "mosquitto_sub did not subscribe to reply/many"
sleep 1.2  # pause: the previous round is more than a second ago, so the first request is answered at once
one_request=$(request many)
for i in $(seq 1 100); do printf '%s\n' "$one_request"; done >"$H_DIR/requests"
start=$(date +%s%N)
mpub -q 1 -t "$PREFIX/roll-call" -l <"$H_DIR/requests"
sent_ms=$((($(date +%s%N) - start) / 1000000))
wait_for 10 grep -q "reply/many/$H/status" "$H_DIR/many.out" || fail "no answer to the 100 requests"
sleep 3  # pause: time for the second round (rate-limited to one a second) and a third, which must not come
answers=$(grep -c "reply/many/$H/status" "$H_DIR/many.out" || true)
log "100 requests sent in $sent_ms ms: $answers answers"
[ "$sent_ms" -le 1000 ] || fail "the 100 requests took $sent_ms ms to send"
[ "$answers" -ge 1 ] && [ "$answers" -le 2 ] || fail "expected 1 or 2 answers, got $answers"

# Malformed and oversized requests: dropped, one warning line, vm-pub fine.
mpub -q 1 -t "$PREFIX/roll-call" -m 'not json'
mpub -q 1 -t "$PREFIX/roll-call" -m "$(jq -cn '{schema:"vm-events/1", type:"roll-call", reply:"../../x"}')"
head -c 5000 /dev/zero | tr '\0' x | mpub -q 1 -t "$PREFIX/roll-call" -s
wait_for 10 grep -q 'roll call: request dropped' "$H_DIR/pub.log" || fail "no warning: $(cat "$H_DIR/pub.log")"
[ "$(grep -c 'roll call: request dropped' "$H_DIR/pub.log")" -eq 1 ] || fail "warnings not rate-limited: $(grep 'roll call' "$H_DIR/pub.log")"
running "$PUB_PID" || fail "vm-pub died"

# --list without any retained message of the host: the roll call finds it.
for t in status inventory test/state r1/state r2/state journal; do mpub -r -n -q 1 -t "$PREFIX/$H/$t"; done
[ -z "$(msub -C 1 -W 1 -t "$PREFIX/$H/status" 2>/dev/null)" ] || fail "status still retained"
"$VM_SUB" -b "$BROKER_URL" --list --list-wait 300 >"$H_DIR/list.out" 2>"$H_DIR/list.err" || fail "--list: $(cat "$H_DIR/list.err")"
grep -qE "^$H +r2 +running .* online$" "$H_DIR/list.out" || fail "--list via roll call: $(cat "$H_DIR/list.out")"
"$VM_SUB" -b "$BROKER_URL" --list --list-wait 300 --no-roll-call >"$H_DIR/noroll.out" 2>&1 || true
grep -q "$H" "$H_DIR/noroll.out" && fail "--no-roll-call still listed the host: $(cat "$H_DIR/noroll.out")"
# --since through the roll call alone (the retained journal is gone too).
"$VM_SUB" -b "$BROKER_URL" --since 10m --until 0s -o json --host "$H" >"$H_DIR/since.json" 2>"$H_DIR/since.err" \
  || fail "--since: $(cat "$H_DIR/since.err")"
expect_contiguous "$H_DIR/since.json" 1 4
log "ok"
