#!/usr/bin/env bash
# bench/run.sh [--quick]: the benchmark suite of issue 6, in one command.
#
# Installs what it needs (scripts/setup.sh), builds a release build in
# build-bench, starts a private mosquitto and libvirtd (tests/lib/harness.sh),
# measures every figure over several runs, prints them, and writes
# docs/benchmarks.md and docs/latency.png. It prints figures; it never fails
# on speed. A figure whose tool is missing or broken is reported as
# "not measured", with the reason under "Notes from this run".
#
# --quick: fewer and smaller runs (about 3 minutes instead of about 15).
# --only STEP: run one step (a function below, e.g. watch_load) and print
# its records, without writing docs/benchmarks.md.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
QUICK=0
ONLY=""
case "${1:-}" in
  --quick) QUICK=1 ;;
  --only) ONLY=${2:?--only needs a step name} ;;
  "") ;;
  *) echo "usage: bench/run.sh [--quick | --only STEP]" >&2; exit 2 ;;
esac

# ---------------------------------------------------------------- sizes
if [ "$QUICK" = 1 ]; then
  RUNS=3 CYCLES=1000 CLASSIC_CYCLES=250 TLS_RUNS=2 TLS_CLASSIC_CYCLES=25
  LAT_RUNS=2 LAT100_EVENTS=300 LAT1000_EVENTS=2000 STREAM=50000 STREAM_RUNS=2 PROFILE_EVENTS=5000
  SCALES="1000" SCALE_RUNS=1 IDLE_SECONDS=10
  WATCH_VMS=1000 WATCH_STORM_SECONDS=5 WATCH_PROBES=10
else
  RUNS=5 CYCLES=5000 CLASSIC_CYCLES=1000 TLS_RUNS=3 TLS_CLASSIC_CYCLES=100
  LAT_RUNS=3 LAT100_EVENTS=1000 LAT1000_EVENTS=10000 STREAM=200000 STREAM_RUNS=3 PROFILE_EVENTS=20000
  SCALES="1000 10000" SCALE_RUNS=2 IDLE_SECONDS=10
  WATCH_VMS=10000 WATCH_STORM_SECONDS=10 WATCH_PROBES=30
fi
WATCH_STORM_RATE=5000

# ---------------------------------------------------------------- build
"$ROOT/scripts/setup.sh" gnuplot-nox hyperfine time strace
BUILD="$ROOT/build-bench"
if [ ! -f "$BUILD/build.ninja" ]; then
  meson setup "$BUILD" "$ROOT" --buildtype=release >/dev/null
fi
# Each target on its own, so one that does not build does not stop the others.
for t in vm-storm classic-pub stamp-lines count-events vm-pub vm-sub; do
  meson compile -C "$BUILD" "$t" >/dev/null 2>"$BUILD/bench-build-$t.log" ||
    echo "run: building $t failed (see $BUILD/bench-build-$t.log)" >&2
done
export VM_PUB="$BUILD/publisher/vm-pub" VM_SUB="$BUILD/subscriber/vm-sub" VM_STORM="$BUILD/bench/vm-storm"
CLASSIC="$BUILD/bench/classic-pub" STAMP="$BUILD/bench/stamp-lines" ANALYZE="$ROOT/bench/analyze.py"
COUNT_EVENTS="$BUILD/bench/count-events"
for b in "$VM_STORM" "$CLASSIC" "$STAMP"; do
  [ -x "$b" ] || { echo "run: $b did not build; nothing can be measured" >&2; exit 1; }
done

source "$ROOT/tests/lib/harness.sh"

set +e  # a failed measurement is reported, never the end of the run
CLK_TCK=$(getconf CLK_TCK)
RES="$H_DIR/results.txt"
NOTES=()
: >"$RES"

# ---------------------------------------------------------------- helpers
record() { echo "$1 $2" >>"$RES"; printf 'bench: %-24s %s\n' "$1" "$2" >&2; }
note() { NOTES+=("$*"); log "note: $*"; }
now_ns() { date +%s%N; }
# calc EXPR: floating-point arithmetic.
calc() { python3 -c "print($1)"; }
# field JSON NAME: one field of analyze.py's output ("" when null/absent).
field() { jq -r ".$2 // empty" <<<"$1"; }
# status_kib PID FIELD: VmRSS / VmHWM of a process, in MiB.
status_mib() { awk -v f="$2:" '$1 == f { printf "%.2f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null; }
# pss_mib PID: proportional set size (shared pages divided among the
# processes that map them) from smaps_rollup, in MiB.
pss_mib() { awk '$1 == "Pss:" { printf "%.2f", $2 / 1024 }' "/proc/$1/smaps_rollup" 2>/dev/null; }
# cpu_ticks PID: user+system time so far, in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null; }
# sys_ticks PID: system time so far, in clock ticks.
sys_ticks() { awk '{ print $15 }' "/proc/$1/stat" 2>/dev/null; }
# ctx_switches PID: voluntary + involuntary context switches over all threads.
ctx_switches() { cat /proc/"$1"/task/*/status 2>/dev/null | awk '/ctxt_switches/ { n += $2 } END { print n + 0 }'; }
# kill_tree PID: kills a child and its own children (/usr/bin/time does not
# pass a signal on to the program it runs).
kill_tree() {
  local c
  for c in $(pgrep -P "$1"); do kill "$c" 2>/dev/null; done
  kill "$1" 2>/dev/null
}
# wait_exit PID SECONDS: waits for a child to exit; kills it after SECONDS.
wait_exit() {
  local deadline=$((SECONDS + $2))
  while kill -0 "$1" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.05; done
  kill_tree "$1" && log "timeout: killed pid $1"
  wait "$1" 2>/dev/null
}
stop() { local p; for p in "$@"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; return 0; }

works() { [ -x "$1" ] && "$1" --version >/dev/null 2>&1; }
HAVE_PUB=0 HAVE_SUB=0
works "$VM_PUB" && HAVE_PUB=1 || note "vm-pub is not built or does not run: items 1, 2 (vm-pub side), 4, 6 (vm-pub), 7 not measured"
works "$VM_SUB" && HAVE_SUB=1 || note "vm-sub is not built or does not run: mosquitto_sub is the subscriber instead; item 5 and vm-sub figures not measured"

# ---------------------------------------------------------------- TLS material
make_tls() {
  local d="$H_DIR/tls"
  mkdir -p "$d"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/ca.key" -out "$d/ca.crt" -days 2 -subj /CN=bench-ca 2>/dev/null &&
    openssl req -newkey rsa:2048 -nodes -keyout "$d/srv.key" -out "$d/srv.csr" -subj /CN=127.0.0.1 2>/dev/null &&
    printf 'subjectAltName=IP:127.0.0.1\n' >"$d/ext" &&
    openssl x509 -req -in "$d/srv.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial \
      -out "$d/srv.crt" -days 2 -extfile "$d/ext" 2>/dev/null
}
make_tls || note "openssl failed: no TLS figures"
CAFILE="$H_DIR/tls/ca.crt"
TLS_PORT=$((20000 + RANDOM % 30000))
while port_open "$TLS_PORT"; do TLS_PORT=$((20000 + RANDOM % 30000)); done
BROKER_EXTRA_CONF="listener $TLS_PORT 127.0.0.1
cafile $CAFILE
certfile $H_DIR/tls/srv.crt
keyfile $H_DIR/tls/srv.key
max_queued_messages 0"
start_broker
start_libvirtd

# The harness's keeper is `virsh event --all --loop`, a listener that would
# take every event of every storm and write it to a log. The benchmark holds
# the test driver's state with a client that listens to nothing instead (an
# interactive virsh reading a FIFO it holds open itself, so it waits
# forever), so each step has exactly the listeners it starts.
libvirt_clients() {
  virt-admin -q -c "libvirtd:///system?socket=$H_DIR/libvirt/libvirt-admin-sock" srv-clients-list libvirtd 2>/dev/null |
    grep -c '[0-9]'
}
two_clients() { [ "$(libvirt_clients)" -ge 2 ]; }
quiet_keeper() {
  local fifo=$H_DIR/keeper.fifo pid
  mkfifo "$fifo"
  virsh -q -c "$LIBVIRT_URI" 0<>"$fifo" >/dev/null 2>&1 &
  pid=$!
  track "$pid"
  # Its connection must be up before the old keeper's goes, or the test
  # driver's state would go with it.
  if ! wait_for 10 two_clients; then
    note "the quiet libvirt keeper did not connect: virsh event --all --loop listened throughout"
    stop "$pid"
    return
  fi
  stop "$KEEPER_PID"
  KEEPER_PID=$pid
}
quiet_keeper
TLS_URL="mqtts://127.0.0.1:$TLS_PORT"

# ---------------------------------------------------------------- processes
PUB_PID=""
# start_pub HOST QOS [extra vm-pub options]: vm-pub, ready once its status is online.
start_pub() {
  local host=$1 qos=$2; shift 2
  "$VM_PUB" -c "$LIBVIRT_URI" -b "$BROKER_URL" --host-name "$host" -q "$qos" --queue-limit 1000000 "$@" \
    2>>"$H_DIR/vm-pub-$host.log" &
  PUB_PID=$!
  track "$PUB_PID"
  timeout 30 mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -t "libvirt/$host/status" -C 1 2>/dev/null | grep -q online
}

CLASSIC_PID=""
# start_classic HOST PORT [--cafile F]: the per-event-connection baseline.
start_classic() {
  local host=$1 port=$2; shift 2
  "$CLASSIC" -c "$LIBVIRT_URI" -p "$port" -q 1 --host-name "$host" "$@" 2>>"$H_DIR/classic-$host.log" &
  CLASSIC_PID=$!
  track "$CLASSIC_PID"
  wait_for 10 grep -q ready "$H_DIR/classic-$host.log"
}

SUB_PID="" STAMP_PID=""
# start_sub OUT VM COUNT: a subscriber for VM's lifecycle events, printing
# JSON lines through stamp-lines into OUT, ready once it has subscribed.
# vm-sub runs under /usr/bin/time, which writes its peak RSS and CPU to OUT.time.
start_sub() {
  local out=$1 vm=$2 count=$3 fifo="$H_DIR/fifo.$RANDOM"
  mkfifo "$fifo"
  "$STAMP" <"$fifo" >"$out" &
  STAMP_PID=$!
  track "$STAMP_PID"
  if [ "$HAVE_SUB" = 1 ]; then
    /usr/bin/time -f '%M %U %S' -o "$out.time" "$VM_SUB" -b "$BROKER_URL" -o json --domain "$vm" --kind lifecycle \
      -C "$count" -W 300 -v --no-gap-check >"$fifo" 2>"$out.err" &
    SUB_PID=$!
    track "$SUB_PID"
    wait_for 15 grep -q subscribed "$out.err"
  else
    mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -q 1 -t "libvirt/+/$vm/event/lifecycle" -C "$count" -W 300 >"$fifo" &
    SUB_PID=$!
    track "$SUB_PID"
    sleep 0.5
  fi
  rm -f "$fifo"
}

# storm NAME CYCLES [vm-storm options]: the generator, timestamps in $H_DIR/NAME.times.
# Its CPU time (user and system seconds) goes to $H_DIR/NAME.storm-time.
storm() {
  local name=$1 cycles=$2; shift 2
  /usr/bin/time -f '%U %S' -o "$H_DIR/$name.storm-time" \
    "$VM_STORM" -c "$LIBVIRT_URI" cycles "$cycles" --name "$name" --times "$H_DIR/$name.times" "$@" 2>>"$H_DIR/storm.log"
}
# cpu_us_per_event TIMEFILE EVENTS: user+sys of a '%U %S' /usr/bin/time file, per event, in µs.
cpu_us_per_event() { awk -v n="$2" 'NF == 2 { printf "%.2f", ($1 + $2) * 1e6 / n }' "$1" 2>/dev/null; }

# wait_quiet PID FILE SECONDS: waits for a subscriber to exit; kills it once
# FILE has not grown for 10 s (a stalled pipeline) or after SECONDS.
wait_quiet() {
  local deadline=$((SECONDS + $3)) size=-1 quiet_since=$SECONDS now_size
  while kill -0 "$1" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do
    now_size=$(stat -c %s "$2" 2>/dev/null || echo 0)
    if [ "$now_size" != "$size" ]; then size=$now_size quiet_since=$SECONDS; fi
    [ $((SECONDS - quiet_since)) -ge 10 ] && break
    sleep 0.1
  done
  kill_tree "$1" && log "no progress: stopped the subscriber (pid $1)"
  wait "$1" 2>/dev/null
}

# pipeline NAME CYCLES WAIT [vm-storm options]: subscriber up, storm, wait for
# every line (at most WAIT seconds, at most 10 s without a new line); prints
# analyze.py's JSON.
pipeline() {
  local name=$1 cycles=$2 wait=$3; shift 3
  start_sub "$H_DIR/$name.out" "$name" $((2 * cycles))
  storm "$name" "$cycles" "$@"
  wait_quiet "$SUB_PID" "$H_DIR/$name.out" "$wait"
  wait_exit "$STAMP_PID" 5
  python3 "$ANALYZE" latency --times "$H_DIR/$name.times" --stamped "$H_DIR/$name.out" --name "$name"
}

# sub_time_fields OUT: "peakMiB cpuSeconds" of the vm-sub behind OUT (from /usr/bin/time).
sub_time_fields() { awk 'NF == 3 { printf "%.2f %.3f", $1 / 1024, $2 + $3 }' "$1.time" 2>/dev/null; }

# ---------------------------------------------------------------- 1, 4 (max), 6 (storm)
VMPUB_RATE_Q1=()
throughput() {
  local q r name json events t0 t1
  for q in 0 2 1; do
    start_pub "bq$q" "$q" || { note "vm-pub did not come online (QoS $q)"; stop "$PUB_PID"; continue; }
    sleep 1
    record pub_rss_idle "$(status_mib "$PUB_PID" VmRSS)"
    record pub_rss_anon_idle "$(status_mib "$PUB_PID" RssAnon)"
    record pub_rss_file_idle "$(status_mib "$PUB_PID" RssFile)"
    for r in $(seq "$RUNS"); do
      name="tp-q$q-r$r"
      t0=$(cpu_ticks "$PUB_PID") b0=$(cpu_ticks "$BROKER_PID")
      json=$(pipeline "$name" "$CYCLES" 120)
      t1=$(cpu_ticks "$PUB_PID") b1=$(cpu_ticks "$BROKER_PID")
      log "QoS $q run $r: $json"
      events=$(field "$json" generated)
      record gen_rate "$(field "$json" emit_rate)"
      record "tp_ratio_q$q" "$(field "$json" ratio)"
      record "tp_rate_q$q" "$(field "$json" delivered_rate)"
      [ "$(field "$json" mismatch)" = 0 ] || note "QoS $q run $r: $(field "$json" mismatch) events out of order"
      record "tp_lost_q$q" $((events - $(field "$json" received)))
      if [ "$q" = 1 ]; then
        VMPUB_RATE_Q1+=("$(field "$json" delivered_rate)")
        record latmax_p50 "$(field "$json" p50)"
        record latmax_p95 "$(field "$json" p95)"
        record latmax_p99 "$(field "$json" p99)"
        record pub_cpu_us_per_event "$(calc "($t1 - $t0) * 1e6 / $CLK_TCK / $events")"
        record broker_cpu_us_per_event_vmpub "$(calc "($b1 - $b0) * 1e6 / $CLK_TCK / $events")"
        if [ "$HAVE_SUB" = 1 ]; then
          read -r hwm cpu < <(sub_time_fields "$H_DIR/$name.out")
          record sub_hwm_storm "$hwm"
        fi
      fi
      if [ "$(field "$json" received)" != "$events" ]; then
        note "QoS $q run $r: vm-pub delivered $(field "$json" received) of $events events, then nothing for 10 s; further QoS $q runs skipped"
        break
      fi
    done
    [ "$q" = 1 ] && record pub_hwm_storm "$(status_mib "$PUB_PID" VmHWM)"
    [ "$q" = 1 ] || stop "$PUB_PID"
  done
}

# ---------------------------------------------------------------- 4 (paced)
latency_paced() {
  local rate events r json
  for rate in 100 1000; do
    events=$LAT100_EVENTS
    [ "$rate" = 1000 ] && events=$LAT1000_EVENTS
    for r in $(seq "$LAT_RUNS"); do
      json=$(pipeline "lat$rate-r$r" $((events / 2)) 60 --rate "$rate")
      log "paced $rate/s run $r: $json"
      record "lat${rate}_p50" "$(field "$json" p50)"
      record "lat${rate}_p95" "$(field "$json" p95)"
      record "lat${rate}_p99" "$(field "$json" p99)"
    done
  done
  stop "$PUB_PID"  # the QoS 1 vm-pub of throughput(); later steps start their own
}

# ---------------------------------------------------------------- 2
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

classic() {
  local r json rate ref vmpub_tls=()
  ref=$(median "${VMPUB_RATE_Q1[@]}")
  for r in $(seq "$RUNS"); do
    start_classic "classic" "$BROKER_PORT" || { note "classic-pub did not start"; return; }
    local c0 c1 b0 b1
    c0=$(cpu_ticks "$CLASSIC_PID") b0=$(cpu_ticks "$BROKER_PID")
    json=$(pipeline "cl-r$r" "$CLASSIC_CYCLES" 120)
    c1=$(cpu_ticks "$CLASSIC_PID") b1=$(cpu_ticks "$BROKER_PID")
    stop "$CLASSIC_PID"
    record classic_cpu_us_per_event "$(calc "($c1 - $c0) * 1e6 / $CLK_TCK / $(field "$json" generated)")"
    record broker_cpu_us_per_event_classic "$(calc "($b1 - $b0) * 1e6 / $CLK_TCK / $(field "$json" generated)")"
    log "classic run $r: $json"
    rate=$(field "$json" delivered_rate)
    record classic_gen_rate "$(field "$json" emit_rate)"
    record classic_ratio_q1 "$(field "$json" ratio)"
    record classic_rate_q1 "$rate"
    [ -n "$ref" ] && [ -n "$rate" ] && record gain_q1 "$(calc "$ref / $rate")"
  done
  [ -f "$CAFILE" ] || return
  if [ "$HAVE_PUB" = 1 ]; then
    "$VM_PUB" -c "$LIBVIRT_URI" -b "$TLS_URL" --cafile "$CAFILE" --host-name tls -q 1 2>>"$H_DIR/vm-pub-tls.log" &
    PUB_PID=$!
    track "$PUB_PID"
    if timeout 30 mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -t libvirt/tls/status -C 1 | grep -q online; then
      for r in $(seq "$TLS_RUNS"); do
        json=$(pipeline "tlsp-r$r" "$CYCLES" 120)
        log "vm-pub TLS run $r: $json"
        record vmpub_tls_rate_q1 "$(field "$json" delivered_rate)"
        vmpub_tls+=("$(field "$json" delivered_rate)")
      done
    else
      note "vm-pub did not come online over TLS"
    fi
    stop "$PUB_PID"
  fi
  ref=$(median "${vmpub_tls[@]}")
  for r in $(seq "$TLS_RUNS"); do
    start_classic "classic-tls" "$TLS_PORT" --cafile "$CAFILE" || { note "classic-pub (TLS) did not start"; return; }
    json=$(pipeline "cltls-r$r" "$TLS_CLASSIC_CYCLES" 180)
    stop "$CLASSIC_PID"
    log "classic TLS run $r: $json"
    rate=$(field "$json" delivered_rate)
    record classic_tls_rate_q1 "$rate"
    [ -n "$ref" ] && [ -n "$rate" ] && record gain_tls_q1 "$(calc "$ref / $rate")"
  done
}

# ---------------------------------------------------------------- 3
virsh_baseline() {
  local r name json fifo virsh_pid
  for r in $(seq "$RUNS"); do
    name="vs-r$r" fifo="$H_DIR/vfifo-$r"
    mkfifo "$fifo"
    "$STAMP" <"$fifo" >"$H_DIR/$name.out" &
    STAMP_PID=$!
    stdbuf -oL virsh -q -c "$LIBVIRT_URI" event --all --loop >"$fifo" 2>/dev/null &
    virsh_pid=$!
    track "$virsh_pid"
    # The FIFO stays until the run is over: removed before both ends had
    # opened it, a loaded machine made virsh write a plain file of that name.
    # virsh prints nothing when it is ready: wait for its connection, then
    # give it time to register.
    wait_for 10 two_clients || note "virsh run $r: virsh did not connect within 10 s"
    sleep 0.5
    storm "$name" "$CYCLES"
    local deadline=$((SECONDS + 60))
    while [ "$(grep -c "'$name'" "$H_DIR/$name.out")" -lt $((2 * CYCLES)) ] && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
    stop "$virsh_pid"
    wait_exit "$STAMP_PID" 5
    rm -f "$fifo"
    json=$(python3 "$ANALYZE" latency --format virsh --times "$H_DIR/$name.times" --stamped "$H_DIR/$name.out" --name "$name")
    log "virsh run $r: $json"
    record virsh_gen_rate "$(field "$json" emit_rate)"
    record virsh_ratio "$(field "$json" ratio)"
    record virsh_p50 "$(field "$json" p50)"
    record virsh_p99 "$(field "$json" p99)"
  done
}

# ---------------------------------------------------------------- 3a
# End to end against the cheapest consumer, on storms of CYCLES cycles,
# alternating RUNS times: (a) only bench/count-events listens to libvirtd;
# (b) only the pipeline: a fresh vm-pub (QoS 1, as in throughput()) →
# mosquitto → vm-sub -o json (start_sub). Storm start is the generator's
# first --times stamp (the first event-generating call returned), the same
# instant for both; figure = storm events / (storm start → the consumer saw
# the last event | the subscriber's last line was read). vm-pub's, vm-sub's
# and mosquitto's CPU compete with libvirtd and the generator for the same
# CPUs, which is what this figure exposes: the CPU each process took per
# event and the emission rate of each storm are recorded beside it.
# e2e_record SIDE JSON NAME LIBVIRTD_TICKS EVENTS: what both halves of a pair
# record (SIDE: consumer or pipeline), from analyze.py's JSON of storm NAME
# and the clock ticks libvirtd spent during it.
e2e_record() {
  local side=$1 json=$2 name=$3 ticks=$4 events=$5
  record "e2e_${side}_rate" "$(field "$json" end_rate)"
  record "e2e_${side}_gen_rate" "$(field "$json" emit_rate)"
  record "e2e_${side}_tail_ms" "$(field "$json" tail_ms)"
  record "e2e_libvirtd_cpu_$side" "$(calc "$ticks * 1e6 / $CLK_TCK / $events")"
  record "e2e_storm_cpu_$side" "$(cpu_us_per_event "$H_DIR/$name.storm-time" "$events")"
}
end_to_end() {
  local r name json pid l0 l1 p0 p1 b0 b1 consumer pipe cpu events=$((2 * CYCLES))
  [ -x "$COUNT_EVENTS" ] || { note "count-events did not build: end to end not measured"; return; }
  for r in $(seq "$RUNS"); do
    # (a) the cheapest consumer alone.
    name="e2e-c-r$r"
    /usr/bin/time -f '%U %S' -o "$H_DIR/$name.time" "$COUNT_EVENTS" -c "$LIBVIRT_URI" -C "$events" --name "$name" -W 300 \
      >"$H_DIR/$name.tally" 2>"$H_DIR/$name.err" &
    pid=$!
    track "$pid"
    wait_for 15 grep -q ready "$H_DIR/$name.err" || { note "count-events did not start (run $r)"; stop "$pid"; return; }
    l0=$(cpu_ticks "$LIBVIRTD_PID")
    storm "$name" "$CYCLES"
    wait_exit "$pid" 60
    l1=$(cpu_ticks "$LIBVIRTD_PID")
    json=$(python3 "$ANALYZE" count --times "$H_DIR/$name.times" --tally "$H_DIR/$name.tally")
    log "end to end, count-events run $r: $json"
    consumer=$(field "$json" end_rate)
    [ -n "$consumer" ] || note "end to end run $r: count-events saw $(field "$json" received) of $events events"
    e2e_record consumer "$json" "$name" $((l1 - l0)) "$events"
    record e2e_consumer_cpu "$(cpu_us_per_event "$H_DIR/$name.time" "$events")"

    # (b) the pipeline alone.
    name="e2e-p-r$r"
    start_pub "$name" 1 || { note "vm-pub did not come online (end to end, run $r)"; stop "$PUB_PID"; return; }
    sleep 1
    l0=$(cpu_ticks "$LIBVIRTD_PID") p0=$(cpu_ticks "$PUB_PID") b0=$(cpu_ticks "$BROKER_PID")
    json=$(pipeline "$name" "$CYCLES" 120)
    l1=$(cpu_ticks "$LIBVIRTD_PID") p1=$(cpu_ticks "$PUB_PID") b1=$(cpu_ticks "$BROKER_PID")
    stop "$PUB_PID"
    log "end to end, pipeline run $r: $json"
    pipe=$(field "$json" end_rate)
    [ -n "$pipe" ] || note "end to end run $r: the pipeline delivered $(field "$json" received) of $events events"
    e2e_record pipeline "$json" "$name" $((l1 - l0)) "$events"
    record e2e_pub_cpu "$(calc "($p1 - $p0) * 1e6 / $CLK_TCK / $events")"
    record e2e_broker_cpu "$(calc "($b1 - $b0) * 1e6 / $CLK_TCK / $events")"
    if [ "$HAVE_SUB" = 1 ]; then
      read -r _ cpu < <(sub_time_fields "$H_DIR/$name.out")
      [ -n "$cpu" ] && record e2e_sub_cpu "$(calc "$cpu * 1e6 / $events")"
    fi
    [ -n "$consumer" ] && [ -n "$pipe" ] && record e2e_ratio "$(calc "$pipe / $consumer")"
  done
}

# ---------------------------------------------------------------- 5
# The stream: STREAM vm-events/1 lifecycle messages on one VM's topic.
make_stream() {
  python3 - "$STREAM" >"$H_DIR/stream.txt" <<'PY'
import json, sys
base = {"schema": "vm-events/1", "seq": 0, "boot": "bench-stream", "time": "2026-11-26T02:21:24.457Z",
        "host": "hv1", "uri": "qemu:///system",
        "domain": {"name": "web1", "uuid": "6695eb01-f6a4-8304-79aa-97f2502e193f", "id": 3},
        "kind": "lifecycle", "event": "stopped", "detail": "destroyed",
        "event_code": 5, "detail_code": 1, "text": "Stopped Destroyed"}
for i in range(1, int(sys.argv[1]) + 1):
    base["seq"] = i
    print(json.dumps(base, separators=(",", ":")))
PY
}

# Every consumer subscribes and is stopped (SIGSTOP); the stream is published
# once (QoS 1, the broker queues it for each); then each consumer in turn is
# continued and timed until it has printed the whole stream (-C).
sub_alone() {
  local r mode pids=() names=() i pid t0 t1 secs rates
  make_stream
  declare -A REF=()
  for r in $(seq "$STREAM_RUNS"); do
    pids=() names=()
    /usr/bin/time -f '%M %U %S' -o "$H_DIR/s-mosquitto_sub.out.time" \
      mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -k 900 -q 1 -t "libvirt/hv1/#" -v -C "$STREAM" \
      >"$H_DIR/s-mosquitto_sub.out" 2>/dev/null &
    pids+=("$!") names+=(mosquitto_sub)
    for mode in human json template; do
      local args=(-o "$mode")
      [ "$mode" = template ] && args=(-F '{time} {host} {domain} {kind} {event} {detail} {text} {seq}')
      /usr/bin/time -f '%M %U %S' -o "$H_DIR/s-$mode.out.time" \
        "$VM_SUB" -b "$BROKER_URL" --keepalive 900 --host hv1 "${args[@]}" -C "$STREAM" -v \
        >"$H_DIR/s-$mode.out" 2>"$H_DIR/s-$mode.err" &
      pids+=("$!") names+=("$mode")
    done
    for i in "${!pids[@]}"; do track "${pids[$i]}"; done
    sleep 1
    for mode in human json template; do
      wait_for 15 grep -q subscribed "$H_DIR/s-$mode.err" || note "vm-sub -o $mode did not subscribe"
    done
    # /usr/bin/time's child is the consumer: stop and continue the real one.
    local targets=()
    for i in "${!pids[@]}"; do
      pid=$(pgrep -P "${pids[$i]}" | head -n 1)
      targets+=("$pid")
      kill -STOP "$pid"
    done
    mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -q 0 -l -t libvirt/hv1/web1/event/lifecycle <"$H_DIR/stream.txt" ||
      note "stream publish failed in run $r"
    sleep 1
    for i in "${!pids[@]}"; do
      t0=$(now_ns)
      kill -CONT "${targets[$i]}"
      wait_exit "${pids[$i]}" 300
      t1=$(now_ns)
      local lines
      lines=$(wc -l <"$H_DIR/s-${names[$i]}.out")
      secs=$(calc "($t1 - $t0) / 1e9")
      log "stream run $r: ${names[$i]}: $lines lines in $secs s"
      [ "$lines" -ge "$STREAM" ] || { note "${names[$i]} printed $lines of $STREAM lines (run $r)"; continue; }
      record "sub_rate_${names[$i]}" "$(calc "$STREAM / $secs")"
      REF[${names[$i]}]=$(calc "$STREAM / $secs")
      read -r hwm cpu < <(sub_time_fields "$H_DIR/s-${names[$i]}.out")
      if [ "${names[$i]}" = json ]; then
        record sub_hwm_stream "$hwm"
        record sub_cpu_us_per_event "$(calc "$cpu * 1e6 / $STREAM")"
      else
        record "sub_cpu_us_${names[$i]}" "$(calc "$cpu * 1e6 / $STREAM")"
      fi
    done
    for mode in human json template; do
      [ -n "${REF[$mode]:-}" ] && [ -n "${REF[mosquitto_sub]:-}" ] &&
        record "sub_ratio_$mode" "$(calc "${REF[$mode]} / ${REF[mosquitto_sub]}")"
    done
    REF=()
  done
}

# Where vm-sub's CPU goes in json mode: callgrind counts instructions (the
# same for the same binary and input, however loaded the machine is) over
# PROFILE_EVENTS messages of the stream, in total and inside the decoder
# and the encoder, per message.
sub_profile() {
  local n=$PROFILE_EVENTS out=$H_DIR/callgrind.out pid
  command -v valgrind >/dev/null || { note "valgrind missing: vm-sub not profiled"; return; }
  [ -f "$H_DIR/stream.txt" ] || make_stream
  valgrind --tool=callgrind --callgrind-out-file="$out" \
    "$VM_SUB" -b "$BROKER_URL" --keepalive 900 --host hv1 -o json -C "$n" -v \
    >"$H_DIR/profile.out" 2>"$H_DIR/profile.err" &
  pid=$!
  track "$pid"
  wait_for 60 grep -q subscribed "$H_DIR/profile.err" || { note "vm-sub under callgrind did not subscribe"; stop "$pid"; return; }
  head -n "$n" "$H_DIR/stream.txt" |
    mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -q 1 -l -t libvirt/hv1/web1/event/lifecycle
  wait_exit "$pid" 300
  [ "$(wc -l <"$H_DIR/profile.out")" -ge "$n" ] || { note "vm-sub under callgrind printed too few lines"; return; }
  callgrind_annotate --inclusive=yes "$out" >"$H_DIR/callgrind.txt" 2>/dev/null
  # per_event PATTERN: inclusive instructions of the first matching line, per message.
  per_event() { awk -v pat="$1" -v n="$n" 'index($0, pat) { gsub(",", "", $1); printf "%.0f", $1 / n; exit }' "$H_DIR/callgrind.txt"; }
  record sub_instr_total "$(per_event 'PROGRAM TOTALS')"
  record sub_instr_decode "$(per_event 'vme::decode_any_event(')"
  record sub_instr_encode "$(per_event 'vme::encode_event')"
}

# ---------------------------------------------------------------- 6 (idle)
idle_cost() {
  local sub_pid a0 a1 b0 b1
  start_pub idle 1 || { note "vm-pub did not come online (idle)"; stop "$PUB_PID"; return; }
  "$VM_SUB" -b "$BROKER_URL" --host idle -o json -v >/dev/null 2>"$H_DIR/idle-sub.err" &
  sub_pid=$!
  track "$sub_pid"
  wait_for 15 grep -q subscribed "$H_DIR/idle-sub.err"
  sleep 2
  record sub_rss_idle "$(status_mib "$sub_pid" VmRSS)"
  record sub_anon_idle "$(status_mib "$sub_pid" RssAnon)"
  record sub_pss_idle "$(pss_mib "$sub_pid")"
  a0=$(ctx_switches "$PUB_PID") b0=$(ctx_switches "$sub_pid")
  sleep "$IDLE_SECONDS"
  a1=$(ctx_switches "$PUB_PID") b1=$(ctx_switches "$sub_pid")
  record pub_wakeups_idle "$(calc "($a1 - $a0) / $IDLE_SECONDS")"
  record sub_wakeups_idle "$(calc "($b1 - $b0) / $IDLE_SECONDS")"
  if command -v strace >/dev/null; then
    timeout -s INT 10 strace -c -f -p "$PUB_PID" -o "$H_DIR/strace-pub.txt" 2>/dev/null
    note "vm-pub system calls over 10 s idle (strace -c -f): $(awk '/total/ { print $4 }' "$H_DIR/strace-pub.txt") calls"
  fi
  stop "$sub_pid" "$PUB_PID"
}

# ---------------------------------------------------------------- 6 (private memory)
# What a host pays for each tool: RssAnon (anonymous resident memory: heap,
# stacks; nobody shares it) and PSS. vm-pub idle, then after a storm of
# MEMORY_CYCLES start/destroy cycles once every event has reached the
# subscriber and the last acknowledgements and the inventory had time to
# arrive (the queue drained). vm-sub's are measured by idle_cost.
MEMORY_CYCLES=5000
memory() {
  local json
  start_pub mem 1 || { note "vm-pub did not come online (memory)"; stop "$PUB_PID"; return; }
  sleep 1
  record pub_anon_idle "$(status_mib "$PUB_PID" RssAnon)"
  record pub_pss_idle "$(pss_mib "$PUB_PID")"
  local t0 t1 s0 s1
  t0=$(cpu_ticks "$PUB_PID") s0=$(sys_ticks "$PUB_PID")
  json=$(pipeline mem-storm "$MEMORY_CYCLES" 300)
  t1=$(cpu_ticks "$PUB_PID") s1=$(sys_ticks "$PUB_PID")
  log "memory storm: $json"
  if [ "$(field "$json" received)" = "$((2 * MEMORY_CYCLES))" ]; then
    # The same figure as throughput()'s, over a storm long enough for the
    # 10 ms clock ticks to matter less (with --quick too).
    record pub_cpu_us_per_event "$(calc "($t1 - $t0) * 1e6 / $CLK_TCK / $(field "$json" generated)")"
    record pub_sys_us_per_event "$(calc "($s1 - $s0) * 1e6 / $CLK_TCK / $(field "$json" generated)")"
    sleep 2
    record pub_anon_storm "$(status_mib "$PUB_PID" RssAnon)"
    record pub_pss_storm "$(pss_mib "$PUB_PID")"
  else
    note "memory: the storm was not delivered whole ($(field "$json" received) of $((2 * MEMORY_CYCLES)) events): vm-pub's memory after it not measured"
  fi
  stop "$PUB_PID"
}

# ---------------------------------------------------------------- 6 (vm-pub system calls)
# System calls per event (strace -c -f, both threads) over a storm of
# SYSCALL_CYCLES cycles: the kernel's share of vm-pub's CPU time, which
# callgrind does not see. strace slows vm-pub down; only counts are kept.
SYSCALL_CYCLES=1000
pub_syscalls() {
  local json st events
  command -v strace >/dev/null || { note "strace missing: vm-pub's system calls not counted"; return; }
  start_pub sys 1 || { note "vm-pub did not come online (system calls)"; stop "$PUB_PID"; return; }
  strace -c -f -p "$PUB_PID" -o "$H_DIR/strace-storm.txt" 2>/dev/null &
  st=$!
  sleep 1
  json=$(pipeline sys-storm "$SYSCALL_CYCLES" 120)
  kill -INT "$st"
  wait "$st"
  stop "$PUB_PID"
  events=$(field "$json" generated)
  [ -n "$events" ] || { note "system calls: the storm did not run"; return; }
  per() { awk -v s="$1" -v n="$events" '$NF == s { printf "%.2f", $4 / n; exit }' "$H_DIR/strace-storm.txt"; }
  record pub_syscalls_per_event "$(per total)"
  record pub_reads_per_event "$(per read)"
  record pub_writes_per_event "$(per write)"
  record pub_polls_per_event "$(per poll)"
}

# ---------------------------------------------------------------- 6 (vm-pub profile)
# vm-pub under callgrind through two storms (PUB_PROFILE_SMALL and
# PUB_PROFILE_BIG cycles, QoS 1, a mosquitto_sub consumer): instructions
# counted are the same however loaded the machine is. Per event = the
# difference between the two runs over the extra events, so start-up and
# shutdown cancel out; per stage = the same difference of a function's
# inclusive count. Batching (events per wake-up) varies between runs, so a
# stage moves by a few hundred instructions from one run to the next.
PUB_PROFILE_SMALL=500 PUB_PROFILE_BIG=1500
pub_profile() {
  local c pid sub_pid host
  command -v valgrind >/dev/null || { note "valgrind missing: vm-pub not profiled"; return; }
  for c in "$PUB_PROFILE_SMALL" "$PUB_PROFILE_BIG"; do
    host="pp$c"
    valgrind --tool=callgrind --callgrind-out-file="$H_DIR/pub-$c.cg" \
      "$VM_PUB" -c "$LIBVIRT_URI" -b "$BROKER_URL" --host-name "$host" -q 1 --queue-limit 1000000 \
      2>>"$H_DIR/vm-pub-$host.log" &
    pid=$!
    track "$pid"
    timeout 120 mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -t "libvirt/$host/status" -C 1 2>/dev/null | grep -q online ||
      { note "vm-pub under callgrind did not come online"; stop "$pid"; return; }
    mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -q 1 -t "libvirt/$host/+/event/lifecycle" -C $((2 * c)) -W 600 >/dev/null &
    sub_pid=$!
    track "$sub_pid"
    sleep 1
    storm "$host" "$c"
    wait "$sub_pid" || { note "vm-pub under callgrind: not every event arrived"; stop "$pid"; return; }
    sleep 2
    kill -TERM "$pid"
    wait_exit "$pid" 120
    callgrind_annotate --inclusive=yes "$H_DIR/pub-$c.cg" >"$H_DIR/pub-$c.txt" 2>/dev/null
  done
  # stage KEY PATTERN...: summed inclusive instructions of the first line
  # matching each pattern, (big run - small run) per extra event.
  stage() {
    local key=$1 total=0 pat a b
    shift
    for pat in "$@"; do
      a=$(awk -v pat="$pat" 'index($0, pat) { gsub(",", "", $1); print $1; exit }' "$H_DIR/pub-$PUB_PROFILE_SMALL.txt")
      b=$(awk -v pat="$pat" 'index($0, pat) { gsub(",", "", $1); print $1; exit }' "$H_DIR/pub-$PUB_PROFILE_BIG.txt")
      total=$(calc "$total + ${b:-0} - ${a:-0}")
    done
    record "$key" "$(calc "round($total / (2 * ($PUB_PROFILE_BIG - $PUB_PROFILE_SMALL)))")"
  }
  stage pub_instr_total 'PROGRAM TOTALS'
  stage pub_instr_libvirt 'virEventRunDefaultImpl'
  stage pub_instr_callback 'on_lifecycle(_virConnect'
  stage pub_instr_domain_ref 'vme::pub::domain_ref('
  stage pub_instr_main 'vme::pub::Publisher::on_inbox()'
  stage pub_instr_state 'vme::StateTracker::apply_lifecycle('
  stage pub_instr_encode 'vme::encode_event[' 'vme::encode_state['
  stage pub_instr_publish 'mosquitto_publish_v5 '
  stage pub_instr_inventory 'MqttSink::inventory_message()'
  stage pub_instr_socket 'mosquitto_loop_read ' 'mosquitto_loop_write '
}

# ---------------------------------------------------------------- 7
scale() {
  local n r host t0 t1 sub_pid
  for n in $SCALES; do
    "$VM_STORM" -c "$LIBVIRT_URI" define "$n" --name "sc$n" 2>>"$H_DIR/storm.log" || { note "defining $n VMs failed"; continue; }
    for r in $(seq "$SCALE_RUNS"); do
      host="sc$n-r$r"
      # Every VM of the hypervisor: the N defined ones, the default "test" one
      # and any left from earlier steps; count them as vm-pub will.
      local total
      total=$(virsh -q -c "$LIBVIRT_URI" list --all --name | grep -c .)
      mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -t "libvirt/$host/+/state" -C "$total" -W 300 >/dev/null &
      sub_pid=$!
      track "$sub_pid"
      sleep 0.5
      t0=$(now_ns)
      "$VM_PUB" -c "$LIBVIRT_URI" -b "$BROKER_URL" --host-name "$host" -q 1 2>>"$H_DIR/vm-pub-$host.log" &
      PUB_PID=$!
      track "$PUB_PID"
      wait "$sub_pid"
      local rc=$?
      t1=$(now_ns)
      if [ "$rc" = 0 ]; then
        record "scale${n}_startup" "$(calc "($t1 - $t0) / 1e9")"
      else
        note "vm-pub with $n VMs: not every state arrived within 300 s"
      fi
      stop "$PUB_PID"
      if [ "$HAVE_SUB" = 1 ]; then
        hyperfine -N --runs 3 --export-json "$H_DIR/list-$host.json" \
          "$VM_SUB -b $BROKER_URL --host $host --list" >/dev/null 2>&1 &&
          record "scale${n}_list" "$(jq '.results[0].median' "$H_DIR/list-$host.json")"
        [ "$(timeout 60 "$VM_SUB" -b "$BROKER_URL" --host "$host" --list -o json | grep -c "\"sc$n-[0-9]*\"")" = "$n" ] ||
          note "vm-sub --list over $n states did not list all $n VMs"
      fi
    done
    "$VM_STORM" -c "$LIBVIRT_URI" undefine "$n" --name "sc$n" 2>>"$H_DIR/storm.log"
  done
}

# ---------------------------------------------------------------- 8
# vm-sub --watch in a 200x50 tmux pane over WATCH_VMS retained states (a
# vm-pub over that many defined VMs): time to the full first screen, RSS;
# then a storm of WATCH_STORM_RATE events/s on one VM's topic for
# WATCH_STORM_SECONDS (each event's text differs, so every redraw writes):
# redraws per second (write(2) calls to the terminal, traced with strace,
# grouped when less than 20 ms apart), CPU, RSS; then,
# at one event a second, the time from publishing an event to its text on
# the screen (capture-pane polled; includes mosquitto_pub's start-up).
watch_load() {
  local n=$WATCH_VMS host=wl tm_sock=$H_DIR/bench-tmux.sock pid t0 t1 i
  command -v tmux >/dev/null || { note "tmux missing: --watch not measured"; return; }
  command -v strace >/dev/null || { note "strace missing: --watch not measured"; return; }
  tmw() { tmux -S "$tm_sock" -f /dev/null "$@"; }
  "$VM_STORM" -c "$LIBVIRT_URI" define "$n" --name "$host" 2>>"$H_DIR/storm.log" || { note "defining $n VMs failed"; return; }
  local total
  total=$(virsh -q -c "$LIBVIRT_URI" list --all --name | grep -c .)
  mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -t "libvirt/$host/+/state" -C "$total" -W 300 >/dev/null &
  local ready=$!
  track "$ready"
  sleep 0.5
  "$VM_PUB" -c "$LIBVIRT_URI" -b "$BROKER_URL" --host-name "$host" -q 1 2>>"$H_DIR/vm-pub-$host.log" &
  PUB_PID=$!
  track "$PUB_PID"
  wait "$ready" || { note "--watch: not every retained state arrived"; stop "$PUB_PID"; return; }

  tmw new-session -d -s bench -x 200 -y 50 "env -i PATH='$PATH' TERM=tmux-256color LANG=C.UTF-8 bash --norc --noprofile"
  track "$(tmw display-message -p '#{pid}')"
  screen_now() { tmw capture-pane -p -t bench; }
  t0=$(now_ns)
  tmw send-keys -t bench "strace -f -qq --seccomp-bpf -e trace=write -e signal=none -ttt -o $H_DIR/watch.strace $VM_SUB -b $BROKER_URL --host $host --watch 2>$H_DIR/watch.err" Enter
  until screen_now | grep -q "VMs: .*$n shut off"; do
    [ $(( ($(now_ns) - t0) / 1000000000 )) -lt 120 ] || { note "--watch did not show $n VMs within 120 s"; tmw kill-server; stop "$PUB_PID"; return; }
    sleep 0.02
  done
  t1=$(now_ns)
  record watch_first_screen "$(calc "($t1 - $t0) / 1e9")"
  pid=$(pgrep -f -x -- "$VM_SUB -b $BROKER_URL --host $host --watch")
  [ -n "$pid" ] || { note "--watch: no vm-sub process"; tmw kill-server; stop "$PUB_PID"; return; }
  sleep 2
  record watch_rss "$(status_mib "$pid" VmRSS)"
  record watch_rss_anon "$(status_mib "$pid" RssAnon)"
  record watch_pss "$(pss_mib "$pid")"

  # The storm: paced lines into one mosquitto_pub (QoS 0) on the first VM's event topic.
  local vm=${host}-0 c0 c1 w0 w1 secs=$WATCH_STORM_SECONDS rate=$WATCH_STORM_RATE
  python3 - "$rate" "$secs" "$host" "$vm" 2>"$H_DIR/watch-storm.pipe.log" <<'PY' |
import json, sys, time
rate, secs, host, vm = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
base = {"schema": "vm-events/1", "seq": 0, "boot": "bench-watch", "time": "2026-11-26T02:21:24.457Z",
        "host": host, "domain": {"name": vm, "id": 3}, "kind": "lifecycle",
        "event": "suspended", "detail": "paused", "text": "Suspended Paused"}
out = sys.stdout
step = 0.01
per_step = max(1, int(rate * step))
start = time.monotonic()
seq = 0
while True:
    now = time.monotonic() - start
    if now >= secs:
        break
    due = int(now * rate) + per_step
    while seq < due:
        seq += 1
        base["seq"] = seq
        base["text"] = "Suspended Paused %d" % seq  # every redraw has something new to show
        out.write(json.dumps(base, separators=(",", ":")) + "\n")
    out.flush()
    time.sleep(step)
print(seq, file=sys.stderr)
PY
    mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -q 0 -l -t "libvirt/$host/$vm/event/lifecycle" &
  local storm=$!
  sleep 1  # let the rate settle
  local line0 line1
  line0=$(wc -l <"$H_DIR/watch.strace")
  c0=$(cpu_ticks "$pid") w0=$(now_ns)
  sleep $((secs - 2))
  c1=$(cpu_ticks "$pid") w1=$(now_ns)
  line1=$(wc -l <"$H_DIR/watch.strace")
  wait "$storm"
  local sent
  sent=$(tail -n 1 "$H_DIR/watch-storm.pipe.log")
  record watch_storm_rate "$(calc "$sent / $secs")"
  local window
  window=$(calc "($w1 - $w0) / 1e9")
  record watch_storm_cpu "$(calc "100.0 * ($c1 - $c0) / $CLK_TCK / $window")"
  # Redraws: writes to the terminal (fd 1) in the window, a burst < 20 ms apart counting once.
  local redraws
  redraws=$(sed -n "$((line0 + 1)),${line1}p" "$H_DIR/watch.strace" |
    awk '$3 ~ /^write\(1,/ { t = $2 + 0; if (last == "" || t - last > 0.02) n++; last = t } END { print n + 0 }')
  record watch_storm_redraws "$(calc "$redraws / $window")"
  record watch_storm_hwm "$(status_mib "$pid" VmHWM)"
  record watch_storm_rss_anon "$(status_mib "$pid" RssAnon)"
  sleep 1

  # Latency at a normal rate: one event a second with its own text.
  local lats=() seq=1000000000 d
  for i in $(seq "$WATCH_PROBES"); do
    seq=$((seq + 1))
    local probe
    probe=$(jq -cn --arg host "$host" --arg vm "$vm" --argjson seq "$seq" --arg text "probe-$i" \
      '{schema:"vm-events/1", seq:$seq, boot:"bench-watch", time:"2026-11-26T02:21:24.457Z", host:$host,
        domain:{name:$vm, id:3}, kind:"lifecycle", event:"resumed", detail:"unpaused", text:$text}')
    t0=$(now_ns)
    mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -q 0 -t "libvirt/$host/$vm/event/lifecycle" -m "$probe"
    until screen_now | grep -q "probe-$i\b"; do
      [ $(( ($(now_ns) - t0) / 1000000000 )) -lt 10 ] || break
    done
    t1=$(now_ns)
    d=$(calc "($t1 - $t0) / 1e6")
    lats+=("$d")
    sleep 1
  done
  local sorted
  sorted=$(printf '%s\n' "${lats[@]}" | sort -g)
  record watch_latency_p50 "$(median "${lats[@]}")"
  record watch_latency_p95 "$(awk -v n="${#lats[@]}" 'NR == int(n * 0.95 + 0.999) { print; exit }' <<<"$sorted")"
  record watch_latency_max "$(tail -n 1 <<<"$sorted")"
  tmw send-keys -t bench q
  sleep 0.5
  tmw kill-server 2>/dev/null
  stop "$PUB_PID"
  "$VM_STORM" -c "$LIBVIRT_URI" undefine "$n" --name "$host" 2>>"$H_DIR/storm.log"
}

# ---------------------------------------------------------------- report
write_meta() {
  local notes_json method_json
  notes_json=$(printf '%s\n' "${NOTES[@]}" | jq -R . | jq -s 'map(select(length > 0))')
  method_json=$(jq -n --arg c "$CYCLES" --arg s "$STREAM" --arg runs "$RUNS" --arg sub "$([ "$HAVE_SUB" = 1 ] && echo "vm-sub -o json" || echo "mosquitto_sub")" '[
    "Private mosquitto and libvirtd (test driver) from tests/lib/harness.sh, on loopback, in one run of bench/run.sh.",
    ("Storm: bench/vm-storm, \($c) start/destroy cycles of a transient VM (\(($c | tonumber) * 2) lifecycle events) as fast as libvirtd takes them, or paced with --rate."),
    ("Subscriber for items 1-4: \($sub) filtered to the storm VM, its stdout piped through bench/stamp-lines."),
    "libvirtd keeps the test driver'"'"'s state while a client is connected: an interactive virsh that listens to no events holds it (the test harness'"'"'s own keeper, virsh event --all --loop, is stopped first), so every storm has only the listeners its step starts.",
    ("End to end (3a): \($runs) pairs of storms of \($c) cycles, alternating: one with only bench/count-events listening (read-only connection, libvirt'"'"'s default event loop, counts the storm VM'"'"'s lifecycle events, notes the CLOCK_REALTIME of the first and the last), then one with only the pipeline listening (a fresh vm-pub, QoS 1, → mosquitto → vm-sub -o json through stamp-lines, as in item 1). Storm start = the generator'"'"'s first --times stamp (its first virDomainCreateXML returned), the same instant for both; figure = storm events / seconds from storm start until count-events saw the last event, or until the last vm-sub line was read; ratio = pipeline / count-events of the same pair. CPU per event: libvirtd, vm-pub and mosquitto from /proc ticks over the storm; vm-storm, count-events and vm-sub from /usr/bin/time (whole process)."),
    "Latency: from the moment the generator call returned (vm-storm --times, CLOCK_REALTIME) to the moment the subscriber line was read by stamp-lines; events matched in order. A negative figure means the line was printed before the generator call returned (libvirtd sends the event before its reply).",
    "Delivery ratio: (emission window of the storm) / (first event generated → last line printed), only for storms delivered whole; 1.0 means the pipeline kept pace with libvirtd. Delivered rate = emission rate × ratio.",
    "The classic baseline (bench/classic-pub) connects, publishes (QoS 1, waiting for PUBACK), disconnects, per event, inside the libvirt callback; it sets TCP_NODELAY to give it its best case.",
    ("Item 5: \($s) messages published once (mosquitto_pub -l, QoS 0: a QoS 1 flood makes mosquitto 2.0.11 drop the publisher with \"out of memory\") while every consumer is subscribed and stopped (SIGSTOP); then each consumer is continued in turn and timed until it has printed all of them."),
    "RSS from /proc/PID/status (VmRSS, VmHWM) or /usr/bin/time (peak RSS of vm-sub); CPU from /proc/PID/stat or /usr/bin/time; idle wake-ups = context switches (all threads) over 10 s with no events.",
    "Private memory: RssAnon from /proc/PID/status (anonymous resident pages: heap, stacks; shared with nobody) and PSS from /proc/PID/smaps_rollup (shared pages divided among the processes mapping them). vm-pub after a storm: 5000 start/destroy cycles (10000 events, with --quick too), measured 2 s after the last event reached the subscriber (queue drained).",
    "vm-pub profile (6a): vm-pub under callgrind through a 500- and a 1500-cycle storm (QoS 1); per event = (inclusive instructions of the bigger run - the smaller) / 2000 extra events, so start-up and shutdown cancel out. System calls: strace -c -f on vm-pub through a 1000-cycle storm.",
    "Scale: N persistent VMs defined, then vm-pub started; time until a subscriber has seen a retained state for every VM. vm-sub --list timed by hyperfine (median of 3), includes its default 500 ms quiet period.",
    "--watch (item 8): vm-sub --watch in a 200x50 tmux pane, under strace (--seccomp-bpf, write(2) only), over the retained states of a vm-pub with N defined VMs; the storm is paced vm-events/1 lines through one mosquitto_pub -l (QoS 0) on one VM event topic; redraws = bursts of writes to the terminal less than 20 ms apart; latency = mosquitto_pub started → the event text read back with tmux capture-pane (polled), one event a second."
  ]')
  jq -n --arg date "$(date -u '+%Y-%m-%d %H:%M UTC')" --argjson quick "$QUICK" --arg runs "$RUNS" \
    --arg cpu "$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)" --arg nproc "$(nproc)" \
    --arg kernel "$(uname -srm)" --arg load "$(cut -d' ' -f1-3 /proc/loadavg) (1/5/15-min load average at the end of the run)" \
    --arg libvirt "$(libvirtd --version | head -n 1)" --arg mosquitto "$(mosquitto -h 2>/dev/null | head -n 1)" \
    --arg compiler "$(c++ --version | head -n 1)" --arg build "meson buildtype=release (build-bench)" \
    --argjson notes "$notes_json" --argjson method "$method_json" \
    '{date: $date, quick: ($quick == 1), runs: $runs, cpu: $cpu, nproc: $nproc, kernel: $kernel, load: $load,
      libvirt: $libvirt, mosquitto: $mosquitto, compiler: $compiler, build: $build, notes: $notes, method: $method}' \
    >"$H_DIR/meta.json"
}

log "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -n "$ONLY" ]; then
  declare -F "$ONLY" >/dev/null || { echo "run: no step named $ONLY" >&2; exit 2; }
  "$ONLY"
  cat "$RES"
  exit 0
fi
NOTES+=("load average at the start of the run: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs")
if [ "$HAVE_PUB" = 1 ]; then
  throughput
  latency_paced
fi
classic
virsh_baseline
[ "$HAVE_PUB" = 1 ] && end_to_end
[ "$HAVE_SUB" = 1 ] && sub_alone
[ "$HAVE_SUB" = 1 ] && sub_profile
[ "$HAVE_PUB" = 1 ] && [ "$HAVE_SUB" = 1 ] && idle_cost
[ "$HAVE_PUB" = 1 ] && memory
[ "$HAVE_PUB" = 1 ] && pub_syscalls
[ "$HAVE_PUB" = 1 ] && pub_profile
[ "$HAVE_PUB" = 1 ] && scale
[ "$HAVE_PUB" = 1 ] && [ "$HAVE_SUB" = 1 ] && watch_load
[ "$HAVE_PUB" = 1 ] && stop "$PUB_PID"
# A simulated fleet, its own section with its own broker and libvirtd
# (bench/fleet.sh; its figures go to docs/fleet.md by hand, with the
# extrapolation built on them).
if [ "$HAVE_PUB" = 1 ] && [ "$HAVE_SUB" = 1 ]; then
  FLEET_RESULTS="$H_DIR/fleet.txt" STAMP="$STAMP" "$ROOT/bench/fleet.sh" $([ "$QUICK" = 1 ] && echo 10x100) >&2 ||
    note "bench/fleet.sh failed"
fi

write_meta
mkdir -p "$ROOT/docs" "$BUILD/bench-results"
python3 "$ANALYZE" report --results "$RES" --meta "$H_DIR/meta.json" \
  --out "$ROOT/docs/benchmarks.md" --plot "$ROOT/docs/latency.png"
rm -f "$BUILD/bench-results/"*
cp "$RES" "$H_DIR/meta.json" "$H_DIR"/fleet.txt "$H_DIR"/*.log "$H_DIR"/*.err "$BUILD/bench-results/" 2>/dev/null
cat "$ROOT/docs/benchmarks.md"
log "wrote docs/benchmarks.md and docs/latency.png (raw figures in build-bench/bench-results/)"
exit 0
