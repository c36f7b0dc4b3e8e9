#!/usr/bin/env bash
# --watch refuses what it cannot do, with one line and exit status 2:
# standard output that is not a terminal (use --list or -o json), and the
# options that print or run per event. Ctrl-C, SIGTERM and SIGHUP end it
# with the terminal given back (exit 0), and so does a broker that refuses
# the connection (exit 69, the reason on stderr). Colour follows NO_COLOR
# and --color.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/../sub/lib.sh"
source "$(dirname "$0")/lib.sh"

start_broker

# Not a terminal: `| cat`.
set +e
"$VM_SUB" -b "$BROKER_URL" --watch 2>"$H_DIR/pipe.err" | cat >"$H_DIR/pipe.out"
rc=${PIPESTATUS[0]}
set -e
expect_eq "--watch | cat: exit" 2 "$rc"
expect_eq "--watch | cat: stderr" \
  "vm-sub: --watch needs a terminal on standard output (for a pipe or a file use --list or -o json)" \
  "$(cat "$H_DIR/pipe.err")"
[ ! -s "$H_DIR/pipe.out" ] || fail "--watch | cat wrote to stdout: $(cat -v "$H_DIR/pipe.out")"

# Options that do not go with --watch: one line each, exit 2.
check_refused() {
  local want=$1; shift
  local rc=0
  "$VM_SUB" -b "$BROKER_URL" --watch "$@" >"$H_DIR/opt.out" 2>"$H_DIR/opt.err" </dev/null || rc=$?
  expect_eq "--watch $*: exit" 2 "$rc"
  expect_eq "--watch $*: lines" 1 "$(line_count "$H_DIR/opt.err")"
  grep -q "^vm-sub: .*$want" "$H_DIR/opt.err" || fail "--watch $*: $(cat "$H_DIR/opt.err")"
}
check_refused '--watch and -C exclude each other' -C 1
check_refused '--watch and --exec exclude each other' --exec true
check_refused '-o json' -o json
check_refused '-F' -F '{host}'
check_refused '--watch and --list exclude each other' --list
check_refused '--watch and -t exclude each other' -t 'x/#'
check_refused '--watch and --since exclude each other' --since 1h

# Ctrl-C, SIGTERM and SIGHUP: the terminal is given back, exit 0.
start_pane 80 24
for sig in INT TERM HUP; do
  tm send-keys -t w clear Enter
  run_watch
  if [ "$sig" = INT ]; then
    keys C-c
  else
    kill -"$sig" "$(pgrep -n -f -- "$VM_SUB -b $BROKER_URL --watch")"
  fi
  expect_screen 5 '^EXIT=0$' "SIG$sig: exit status"
  screen_lacks '^vm-sub --watch' || fail "SIG$sig: the watch screen is still shown: $(screen)"
done

# Colour: the running state in green (SGR 32) on a terminal, none with
# NO_COLOR, and --color always wins over NO_COLOR.
pub libvirt/hv1/web1/state "$(state_json hv1 web1 running booted 3)" -r
green_running() { screen_attr | grep -qE $'\x1b\\[([0-9;]*;)?32(;[0-9;]*)?mrunning'; }
colour_check() {  # colour_check yes|no WHAT [env/args...]
  local want=$1 what=$2; shift 2
  tm send-keys -t w clear Enter
  tm send-keys -t w "$* $VM_SUB -b $BROKER_URL --watch ${COLOR_ARGS:-}; echo EXIT=\$?" Enter
  expect_screen 10 '^. +hv1 +web1 +running' "$what: the row"
  if [ "$want" = yes ]; then
    wait_for 3 green_running || fail "$what: running is not green: $(screen_attr | grep web1 | cat -v)"
  else
    ! green_running || fail "$what: coloured: $(screen_attr | grep web1 | cat -v)"
    ! screen_attr | grep -qE $'\x1b\\[([0-9;]*;)?3[0-7](;[0-9;]*)?m' || fail "$what: colour codes: $(screen_attr | cat -v)"
  fi
  keys q
  expect_screen 5 '^EXIT=0$' "$what: q"
}
colour_check yes "default colour"
colour_check no "NO_COLOR" NO_COLOR=1
COLOR_ARGS="--color always" colour_check yes "NO_COLOR and --color always" NO_COLOR=1
COLOR_ARGS="--color never" colour_check no "--color never"

# A broker that refuses the connection: the screen goes, the reason stays on stderr.
tm send-keys -t w clear Enter
tm send-keys -t w "$VM_SUB -b mqtt://127.0.0.1:1 --retries 1 --watch 2>$H_DIR/refused.err; echo EXIT=\$?" Enter
expect_screen 10 '^EXIT=69$' "refused: exit status"
screen_lacks '^vm-sub --watch' || fail "refused: the watch screen is still shown: $(screen)"
grep -q '^vm-sub: cannot connect to mqtt://127.0.0.1:1: .*gave up after 1 attempts' "$H_DIR/refused.err" \
  || fail "refused: $(cat "$H_DIR/refused.err")"
log "ok"
