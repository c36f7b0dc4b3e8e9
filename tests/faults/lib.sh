# Helpers for the reliability and security suites (issue 5), sourced after
# tests/lib/harness.sh:
#
#   source "$(dirname "$0")/../lib/harness.sh"
#   source "$(dirname "$0")/../faults/lib.sh"
#
# Adds: the result line each test writes for docs/reliability.md, starting
# vm-pub / vm-sub / mosquitto_sub in the background with their output in
# $H_DIR, readers of what a subscriber received ((boot, seq) pairs, retained
# states), and comparisons against what libvirt itself says.
#
# Conventions: vm-pub runs with --host-name "$PUB_HOST" (default h1) and the
# default prefix "libvirt"; seq numbers of one vm-pub run start at 1.

PREFIX=libvirt
PUB_HOST=${PUB_HOST:-h1}

# ------------------------------------------------------------ result line
# Each test fills these and ends with `pass`; `fail` (overridden below)
# writes a FAIL line with whatever was measured so far. One TSV line goes to
# $RESULTS_FILE when set:
#   test  fault  repetitions  sent  delivered  duplicated  lost  counted  verdict  note
# (counted = events that did not arrive but vm-pub counted as dropped or
# unsent, i.e. reported, not silent).
R_FAULT=""
R_REPS=""
R_SENT=""
R_DELIVERED=""
R_DUP=""
R_LOST=""
R_COUNTED=""
R_NOTES=()
R_WRITTEN=0

# note TEXT: adds a measured fact to the result line (and the test log).
note() { R_NOTES+=("$*"); log "$*"; }

# result_write VERDICT: appends the result line once.
result_write() {
  [ "$R_WRITTEN" -eq 0 ] || return 0
  R_WRITTEN=1
  [ -n "${RESULTS_FILE:-}" ] || return 0
  local notes
  notes=$(printf '%s; ' "${R_NOTES[@]}")
  notes=${notes%; }
  notes=${notes//$'\t'/ }
  notes=${notes//$'\n'/ }
  notes=${notes//$H_DIR/\$TMPDIR}
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$H_NAME" "$R_FAULT" "${R_REPS:--}" \
    "${R_SENT:--}" "${R_DELIVERED:--}" "${R_DUP:--}" "${R_LOST:--}" "${R_COUNTED:--}" "$1" "$notes" >>"$RESULTS_FILE"
}

# fail MESSAGE: the harness's fail, recording a FAIL result line first.
fail() {
  R_NOTES+=("FAIL: $*")
  result_write FAIL
  printf '%s: FAIL: %s\n' "$H_NAME" "$*" >&2
  exit 1
}

# pass: records the PASS result line.
pass() { result_write PASS; log "ok"; }

# An unexpected exit (set -e) still leaves a line for the report.
f_exit_hook() {
  local rc=$1
  set +e
  if [ "$rc" -ne 0 ] && [ "$R_WRITTEN" -eq 0 ]; then
    R_NOTES+=("ERROR: exit status $rc")
    result_write FAIL
  fi
  (exit "$rc")
  h_cleanup
}
trap 'f_exit_hook $?' EXIT

# ------------------------------------------------------------ processes
PUB_PID=""
VMSUB_PID=""

# pub_start NAME [vm-pub options...]: starts vm-pub against $LIBVIRT_URI and
# $BROKER_URL (unless the options give -b), host name $PUB_HOST, QoS 1.
# stdout -> $H_DIR/NAME.out, stderr -> $H_DIR/NAME.log.
pub_start() {
  local name=$1; shift
  local broker=(-b "$BROKER_URL")
  local a
  for a in "$@"; do case $a in -b|--broker|--broker=*) broker=() ;; esac; done
  "$VM_PUB" -c "$LIBVIRT_URI" "${broker[@]}" --host-name "$PUB_HOST" -q 1 "$@" \
    >"$H_DIR/$name.out" 2>"$H_DIR/$name.log" &
  PUB_PID=$!
  track "$PUB_PID"
}

# vmsub_start NAME [vm-sub options...]: starts vm-sub on $BROKER_URL (unless
# the options give -b);
# stdout -> $H_DIR/NAME.out, stderr -> $H_DIR/NAME.log.
vmsub_start() {
  local name=$1; shift
  local broker=(-b "$BROKER_URL")
  local a
  for a in "$@"; do case $a in -b|--broker|--broker=*) broker=() ;; esac; done
  "$VM_SUB" "${broker[@]}" "$@" >"$H_DIR/$name.out" 2>"$H_DIR/$name.log" &
  VMSUB_PID=$!
  track "$VMSUB_PID"
}

# msub_start NAME [mosquitto_sub options...]: an independent subscriber
# writing "topic<TAB>payload" per message to $H_DIR/NAME.sub; returns once
# its subscriptions are live (it also subscribes to faults/ready/NAME).
msub_start() {
  local name=$1; shift
  stdbuf -oL mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -q 1 -F '%t\t%p' \
    -t "faults/ready/$name" "$@" >"$H_DIR/$name.sub" 2>"$H_DIR/$name.sub.log" &
  track $!
  wait_for 10 sub_saw_marker "$name" || fail "mosquitto_sub $name did not subscribe"
}

sub_saw_marker() {
  mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -t "faults/ready/$1" -m ready 2>/dev/null || return 1
  sleep 0.1  # poll: one try of msub_start's wait_for (the marker's way back)
  grep -q "^faults/ready/$1" "$H_DIR/$1.sub"
}

# alive PID: true while the process runs (and is not a zombie).
alive() { [ -d "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }

# wait_exit PID SECONDS: waits for PID (a child of this shell) to end and
# sets W_RC to its exit status; returns 1 when it still runs after SECONDS.
W_RC=""
wait_exit() {
  local pid=$1 limit=$2
  wait_for "$limit" eval "! alive $pid" || return 1
  W_RC=0
  wait "$pid" 2>/dev/null || W_RC=$?
}

# now_ms: a monotonic-enough wall clock in milliseconds.
now_ms() { date +%s%3N; }

# rss_kb PID: resident set size in KiB.
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

# sanitized_build: true when the binaries carry AddressSanitizer (memory
# figures mean nothing there: its quarantine holds freed memory).
# (ldd's whole output is read first: with pipefail, grep -q closing the pipe
# early could make ldd die of SIGPIPE and the check say no.)
sanitized_build() { [[ "$(ldd "$VM_PUB" 2>/dev/null)" == *libasan* ]]; }

# ------------------------------------------------------------ waiting on vm-pub
# retained TOPIC: the retained payload of TOPIC now (empty when none).
retained() {
  mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -t "$1" --retained-only -C 1 -W 1 2>/dev/null || true
}

status_is() { retained "$PREFIX/$PUB_HOST/status" | jq_e --arg s "$1" '.status == $s' >/dev/null 2>&1; }

# libvirt_is HOST STATE: HOST's retained status is online and says libvirt STATE.
libvirt_is() {
  local s
  s=$(retained "$PREFIX/$1/status")
  [ "$(jq -r '"\(.status) \(.libvirt // "-")"' <<<"$s" 2>/dev/null)" = "online $2" ]
}

# wait_online [SECONDS]: waits until vm-pub's retained status says online.
wait_online() { wait_for "${1:-20}" status_is online || fail "vm-pub never published status online"; }

# ------------------------------------------------------------ storms
# storm [vm-storm args...]: runs vm-storm against $LIBVIRT_URI.
storm() { "$VM_STORM" -c "$LIBVIRT_URI" "$@"; }

# libvirt_lifecycle_count [VM]: lifecycle events (of VM, default all) that
# libvirt itself reported so far (the harness keeper logs every event; a
# restarted libvirtd appends).
libvirt_lifecycle_count() {
  grep -cF "event 'lifecycle' for domain '${1:-}" "$H_DIR/libvirt-events.log" || true
}

# ------------------------------------------------------------ reading results
# event_seqs FILE [HOST]: "boot seq" of every event of HOST in a
# mosquitto_sub file ("topic<TAB>payload" lines).
event_seqs() {
  local host=${2:-$PUB_HOST}
  awk -F'\t' '$1 ~ /\/event\// {print $2}' "$1" |
    jq -r --arg h "$host" 'select(.host == $h) | "\(.boot) \(.seq)"' 2>/dev/null
}

# json_event_seqs FILE [HOST]: the same from vm-sub -o json output.
json_event_seqs() {
  local host=${2:-$PUB_HOST}
  jq -r --arg h "$host" 'select(.host == $h and has("seq")) | "\(.boot) \(.seq)"' "$1" 2>/dev/null
}

# await_delivery N: waits (up to 60 s) until events with seq 1..N have all
# reached $H_DIR/all.sub, then sets the report's R_DELIVERED, R_DUP and
# R_LOST and the F_* figures of count_figures.
await_delivery() {
  local n=$1
  all_arrived() { [ "$(event_seqs "$H_DIR/all.sub" | sort -u | wc -l)" -ge "$n" ]; }
  wait_for 60 all_arrived || true
  count_figures "$n" < <(event_seqs "$H_DIR/all.sub")
  R_DELIVERED=$F_UNIQUE
  R_DUP=$((F_TOTAL - F_UNIQUE))
  R_LOST=$F_MISSING
}

# count_figures N < "boot seq" lines: sets F_TOTAL (lines), F_UNIQUE
# (distinct pairs), F_BOOTS (distinct boots), F_MISSING (seqs of 1..N not
# seen), F_EXTRA (seqs outside 1..N), F_MAX (highest seq).
count_figures() {
  local n=$1 data
  data=$(cat)
  F_TOTAL=$(printf '%s' "$data" | grep -c . || true)
  F_UNIQUE=$(printf '%s\n' "$data" | grep . | sort -u | grep -c . || true)
  F_BOOTS=$(printf '%s\n' "$data" | awk 'NF {print $1}' | sort -u | grep -c . || true)
  F_MAX=$(printf '%s\n' "$data" | awk 'NF && $2 > m {m = $2} END {print m + 0}')
  F_MISSING=$(printf '%s\n' "$data" | awk -v n="$n" 'NF {seen[$2] = 1} END {c = 0; for (i = 1; i <= n; i++) if (!(i in seen)) c++; print c}')
  F_EXTRA=$(printf '%s\n' "$data" | awk -v n="$n" 'NF && ($2 < 1 || $2 > n) {c++} END {print c + 0}')
}

# ------------------------------------------------------------ states
# retained_states: "name<TAB>state" from the retained state messages of
# $PUB_HOST on the broker now, sorted.
retained_states() {
  mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -t "$PREFIX/$PUB_HOST/+/state" \
    --retained-only -W 1 -F '%p' 2>/dev/null |
    jq -r 'select(type == "object") | "\(.domain.name)\t\(.state)"' 2>/dev/null | LC_ALL=C sort || true
}

# states_match: true when the retained states equal libvirt's.
states_match() { [ "$(retained_states)" = "$(virsh_states)" ]; }

# states_diff: both views, for a failure message.
states_diff() {
  diff <(virsh_states) <(retained_states) | tr '\n\t' '| ' || true
}

# ------------------------------------------------------------ fake events
# fake_event HOST VM SEQ [BOOT] [TEXT]: a valid vm-events/1 lifecycle event.
fake_event() {
  jq -cn --arg h "$1" --arg v "$2" --argjson s "$3" --arg b "${4:-fakeboot}" \
    --arg t "${5:-Started Booted}" \
    '{schema: "vm-events/1", seq: $s, boot: $b, time: "2026-11-26T02:21:24.457Z",
      host: $h, uri: "test:///default",
      domain: {name: $v, uuid: "6695eb01-f6a4-8304-79aa-97f2502e193f", id: 1},
      kind: "lifecycle", event: "started", detail: "booted",
      event_code: 2, detail_code: 0, text: $t}'
}

# esc_segment RAW: the topic segment vm-events/1 makes of a name (percent-
# encoding of '/', '+', '#', '%', C0, DEL, C1, noncharacters, invalid UTF-8).
esc_segment() {
  printf '%s' "$1" | perl -e '
    local $/; my $s = <STDIN>; my $o = "";
    while (length $s) {
      if ($s =~ s/^([\xC2][\x80-\x9F])//) { $o .= join "", map { sprintf "%%%02X", ord } split //, $1; next }
      if ($s =~ s/^(\xEF\xB7[\x90-\xAF])//) { $o .= join "", map { sprintf "%%%02X", ord } split //, $1; next }
      if ($s =~ s/^([\xC2-\xDF][\x80-\xBF]|\xE0[\xA0-\xBF][\x80-\xBF]|[\xE1-\xEC\xEE\xEF][\x80-\xBF]{2}|\xED[\x80-\x9F][\x80-\xBF]|\xF0[\x90-\xBF][\x80-\xBF]{2}|[\xF1-\xF3][\x80-\xBF]{3}|\xF4[\x80-\x8F][\x80-\xBF]{2})//) {
        my $c = $1;
        if ($c =~ /^(?:\xEF\xBF[\xBE\xBF]|[\xF0-\xF4][\x8F\x9F\xAF\xBF]\xBF[\xBE\xBF])$/) {
          $o .= join "", map { sprintf "%%%02X", ord } split //, $c; next }
        $o .= $c; next }
      my $b = substr($s, 0, 1, "");
      if ($b =~ m{[/+#%\x00-\x1F\x7F\x80-\xFF]}) { $o .= sprintf "%%%02X", ord $b } else { $o .= $b }
    }
    print $o;'
}

# bad_bytes FILE: counts bytes a terminal must never get from vm-sub: C0
# controls other than newline, DEL, C1 controls as UTF-8 (U+0080..U+009F),
# bidi controls as UTF-8 (U+061C, U+200E/F, U+202A..E, U+2066..9).
bad_bytes() {
  perl -e '
    local $/; my $s = <STDIN>; my $n = 0;
    $n++ while $s =~ /[\x00-\x09\x0B-\x1F\x7F]/g;
    $n++ while $s =~ /\xC2[\x80-\x9F]/g;
    $n++ while $s =~ /\xD8\x9C|\xE2\x80[\x8E\x8F\xAA-\xAE]|\xE2\x81[\xA6-\xA9]/g;
    print $n, "\n";' <"$1"
}

# vmsub_wait_ready NAME [OUTPUT PID]: waits until the vm-sub started as NAME
# (or writing OUTPUT, process PID) prints events: publishes fake events of
# host "faults-ready" until one shows up, so its subscriptions are live.
VMSUB_READY_SEQ=0
vmsub_wait_ready() {
  local out=${2:-$H_DIR/$1.out} pid=${3:-$VMSUB_PID} i
  for i in $(seq 1 100); do
    VMSUB_READY_SEQ=$((VMSUB_READY_SEQ + 1))
    mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -q 1 -t "$PREFIX/faults-ready/ready/event/lifecycle" \
      -m "$(fake_event faults-ready ready "$VMSUB_READY_SEQ" "ready-$$")" 2>/dev/null || true
    sleep 0.2  # poll: one of at most 100 tries (20 s)
    grep -q 'faults-ready' "$out" 2>/dev/null && return 0
    alive "$pid" || fail "vm-sub $1 exited at start: $(tail -n 3 "$H_DIR/$1.log" 2>/dev/null | tr '\n' ' ')"
  done
  fail "vm-sub $1 never printed an event (not subscribed?)"
}

# pub_broker_port PID: local port of PID's established TCP connection to
# the broker (empty when it has none).
pub_broker_port() {
  ss -tnpH state established "( dport = :$BROKER_PORT )" 2>/dev/null |
    grep "pid=$1," | awk '{split($3, a, ":"); print a[length(a)]; exit}'
}

# still_on_port PID PORT: true while PID holds that established connection.
still_on_port() {
  ss -tnpH state established "( dport = :$BROKER_PORT and sport = :$2 )" 2>/dev/null | grep -q "pid=$1,"
}

# start_libvirtd_with LINES: start_libvirtd with extra libvirtd.conf lines.
start_libvirtd_with() { LIBVIRTD_EXTRA_CONF=$1 start_libvirtd; }

# vadm ARGS: virt-admin on the test's libvirtd.
vadm() { virt-admin -q -c "libvirtd:///system?socket=$H_DIR/libvirt/libvirt-admin-sock" "$@"; }

# libvirt_client_of PID: libvirtd's client id for the connection of process
# PID (empty when it has none).
libvirt_client_of() {
  local id
  for id in $(vadm srv-clients-list libvirtd 2>/dev/null | awk '$1 ~ /^[0-9]+$/ {print $1}'); do
    if vadm client-info libvirtd "$id" 2>/dev/null | grep -Eq "unix_process_id *: *$1\$"; then
      echo "$id"
    fi
  done
}
