#!/usr/bin/env bash
# The journal's bounds: more events than --history N keep the newest N;
# the byte cap (768 KiB) holds with N = 10000 and more events than fit;
# --history 0 publishes no journal.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/lib.sh"

start_broker
start_libvirtd

hpub_start small hv-small --history 5
vm_cycles s 6                                     # seq 1..12
wait_for 10 journal_has hv-small 5 || fail "journal: $(journal hv-small)"
small_seqs() { journal_events hv-small | jq -r .seq | tr '\n' ' '; }
small_is() { [ "$(small_seqs)" = "8 9 10 11 12 " ]; }
wait_for 10 small_is || fail "--history 5: $(small_seqs)"
journal hv-small | jq_e --arg t "$(journal hv-small | jq -r ".events[0] | fromjson | .time")" '.from == $t' >/dev/null \
  || fail "from should be the oldest entry's time: $(journal hv-small | jq -c '{from}')"
kill -TERM "$PUB_PID"; wait "$PUB_PID" 2>/dev/null || true

hpub_start big hv-big --history 10000
"$VM_STORM" -c "$LIBVIRT_URI" cycles 1100 --name storm >/dev/null      # 2200 events of ~500 bytes
last_seq_is() { [ "$(journal_events "$1" | tail -1 | jq -r .seq)" = "$2" ]; }
wait_for 60 last_seq_is hv-big 2200 || fail "last event not journaled: $(journal_events hv-big | tail -1)"
size=$(journal hv-big | wc -c)
count=$(journal hv-big | jq '.events | length')
log "journal with 2200 events made: $count kept, $size bytes"
[ "$size" -le $((768 * 1024)) ] || fail "byte cap: $size bytes"
[ "$count" -lt 2200 ] || fail "byte cap: nothing was dropped ($count entries)"
first=$(journal hv-big | jq -r ".events[0] | fromjson | .seq")
[ "$first" -eq $((2200 - count + 1)) ] || fail "not the newest entries: first seq $first of $count"
kill -TERM "$PUB_PID"; wait "$PUB_PID" 2>/dev/null || true

has_status() { [ -n "$(msub -C 1 -W 1 -t "$PREFIX/$1/status" 2>/dev/null)" ]; }
"$VM_PUB" -c "$LIBVIRT_URI" -b "$BROKER_URL" --host-name hv-none --history 0 2>"$H_DIR/none.log" &
PUB_PID=$!; track "$PUB_PID"
wait_for 20 has_status hv-none || fail "hv-none not online"
vm_cycles n 1
sleep 1.5  # pause: a journal is published within a second of an event; none may come
[ -z "$(journal hv-none)" ] || fail "--history 0 published a journal"
log "ok"
