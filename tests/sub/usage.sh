#!/usr/bin/env bash
# Usage errors exit 2 with one line "vm-sub: ..."; an unreachable broker
# with --retries gives up with 69 and a clear message; --help and --version
# exit 0; the per-user defaults file and --config are read.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/lib.sh"

# usage_error PATTERN ARGS...: exit 2, nothing on stdout, one stderr line matching PATTERN.
usage_error() {
  local pattern=$1; shift
  local rc=0
  "$VM_SUB" "$@" >"$H_DIR/u.out" 2>"$H_DIR/u.err" </dev/null || rc=$?
  expect_eq "exit of: $*" 2 "$rc"
  expect_eq "stdout of: $*" "" "$(cat "$H_DIR/u.out")"
  expect_eq "stderr lines of: $*" 1 "$(line_count "$H_DIR/u.err")"
  grep -qE "^vm-sub: .*$pattern" "$H_DIR/u.err" || fail "stderr of $*: $(cat "$H_DIR/u.err")"
}

usage_error 'not expected' --bogus
usage_error 'unknown kind .nope.*lifecycle' --kind nope
usage_error 'output' -o yaml
usage_error 'needs -F' -o template
usage_error 'unknown field' -F '{nope}'
usage_error 'implies -o template' -F '{host}' -o json
usage_error 'color' --color sometimes
usage_error 'count|-C' -C 0
usage_error 'timeout|-W' -W abc
usage_error 'timeout|-W' -W -1
usage_error 'prefix' --prefix 'a/#'
usage_error 'exclude' --session x --client-id y
usage_error 'session' --session 'bad name'
usage_error 'exclude|apply' --list --kind lifecycle
usage_error 'exclude' --list -C 1
usage_error 'needs a COMMAND' --exec
usage_error 'password' -b 'mqtt://user:secret@localhost'
usage_error 'not readable|missing|config' --config /nonexistent/vm-sub.conf
usage_error 'qos|QoS' -q 3

rc=0; "$VM_SUB" --help >"$H_DIR/help.out" || rc=$?
expect_eq "--help exit" 0 "$rc"
grep -q -- '--exec' "$H_DIR/help.out" || fail "--help does not mention --exec"
grep -q '124' "$H_DIR/help.out" || fail "--help does not document the exit statuses"
rc=0; "$VM_SUB" --version >"$H_DIR/version.out" || rc=$?
expect_eq "--version exit" 0 "$rc"
grep -qE '^vm-sub [0-9]+\.[0-9]+' "$H_DIR/version.out" || fail "--version: $(cat "$H_DIR/version.out")"

# Unreachable broker: --retries 2 gives up with 69 (no broker) and says why.
start_broker
dead_port=$BROKER_PORT
stop_broker
rc=0; "$VM_SUB" -b "mqtt://127.0.0.1:$dead_port" --retries 2 -W 30 >"$H_DIR/dead.out" 2>"$H_DIR/dead.err" || rc=$?
expect_eq "unreachable broker exit" 69 "$rc"
grep -q "vm-sub: cannot connect to mqtt://127.0.0.1:$dead_port.*gave up after 2 attempts" "$H_DIR/dead.err" \
  || fail "unclear message: $(cat "$H_DIR/dead.err")"
expect_eq "unreachable: stdout" "" "$(cat "$H_DIR/dead.out")"
# Without --retries vm-sub keeps trying with a notice (here until -W).
rc=0; "$VM_SUB" -b "mqtt://127.0.0.1:$dead_port" -W 1.5 >/dev/null 2>"$H_DIR/retry.err" || rc=$?
expect_eq "keeps retrying until -W" 124 "$rc"
grep -q 'retrying' "$H_DIR/retry.err" || fail "no retry notice: $(cat "$H_DIR/retry.err")"

# The per-user defaults file, and --config in its place.
restart_broker
mkdir -p "$H_DIR/xdg/vm-events"
printf 'broker = "%s"\nformat = "{domain}|{event}"\n' "$BROKER_URL" >"$H_DIR/xdg/vm-events/vm-sub.conf"
XDG_CONFIG_HOME=$H_DIR/xdg "$VM_SUB" -v -C 1 -W 20 >"$H_DIR/conf.out" 2>"$H_DIR/conf.err" &
pid=$!; track "$pid"
wait_for 15 grep -q subscribed "$H_DIR/conf.err" || fail "vm-sub with the defaults file did not subscribe: $(cat "$H_DIR/conf.err")"
pub_event hv1 web1 started 1
sub_wait "$pid"
expect_eq "defaults file exit" 0 "$RC"
expect_eq "defaults file used" "web1|started" "$(cat "$H_DIR/conf.out")"
printf 'broker = "%s"\noutput = "json"\n' "$BROKER_URL" >"$H_DIR/other.conf"
XDG_CONFIG_HOME=$H_DIR/xdg "$VM_SUB" --config "$H_DIR/other.conf" -v -C 1 -W 20 >"$H_DIR/conf2.out" 2>"$H_DIR/conf2.err" &
pid=$!; track "$pid"
wait_for 15 grep -q subscribed "$H_DIR/conf2.err" || fail "vm-sub with --config did not subscribe"
pub_event hv1 web1 stopped 2
sub_wait "$pid"
expect_eq "--config exit" 0 "$RC"
jq_e '.event == "stopped"' <"$H_DIR/conf2.out" || fail "--config not used instead of the defaults file: $(cat "$H_DIR/conf2.out")"
log "ok"
