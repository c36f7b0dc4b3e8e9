#!/usr/bin/env bash
# --exec: the command runs without a shell, once per matching event, one at
# a time and in order, with the event in VM_EVENT_* and as JSON on stdin; a
# failing or missing command is reported on stderr and vm-sub goes on; with
# -C, vm-sub exits only after the last command has finished.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/lib.sh"

start_broker

HOOK=$H_DIR/hook.sh
cat >"$HOOK" <<'HOOK'
#!/bin/bash
# hook.sh DIR [FAIL_SEQ]: records the environment and stdin of each run;
# a lock directory catches two runs at once.
dir=$1
mkdir "$dir/lock" 2>/dev/null || echo "overlap at $VM_EVENT_SEQ" >>"$dir/overlap"
env | grep '^VM_EVENT_' | sort >"$dir/env.$VM_EVENT_SEQ"
cat >"$dir/stdin.$VM_EVENT_SEQ"
sleep "0.0$((RANDOM % 5))"  # pause: the hook takes a little while, so two runs at once would overlap
echo "$VM_EVENT_SEQ" >>"$dir/order"
rmdir "$dir/lock"
[ "${2:-}" != "$VM_EVENT_SEQ" ] || exit 3
HOOK
chmod +x "$HOOK"

# --- environment and stdin, exact values (not sanitized: not a terminal)
mkdir "$H_DIR/one"
start_sub one -C 1 --exec "$HOOK" "$H_DIR/one"
payload=$(event_json hv1 'web 1' stopped 7 destroyed | jq -c '.text = "Stopped \"Destroyed\" $HOME `x`"')
pub "libvirt/hv1/web 1/event/lifecycle" "$payload"
sub_wait "$SUB_PID"
expect_eq "exec -C 1 exit" 0 "$RC"
[ -f "$H_DIR/one/order" ] || fail "vm-sub exited before its command finished"
expect_eq "stdout without -o" "" "$(cat "$H_DIR/one.out")"
expect_eq "environment" "VM_EVENT_BOOT=$BOOT
VM_EVENT_DETAIL=destroyed
VM_EVENT_DOMAIN=web 1
VM_EVENT_EVENT=stopped
VM_EVENT_HOST=hv1
VM_EVENT_ID=3
VM_EVENT_JSON=$payload
VM_EVENT_KIND=lifecycle
VM_EVENT_SEQ=7
VM_EVENT_TEXT=Stopped \"Destroyed\" \$HOME \`x\`
VM_EVENT_TIME=2026-11-26T02:21:24.457Z
VM_EVENT_UUID=$UUID0" "$(cat "$H_DIR/one/env.7")"
expect_eq "stdin" "$payload" "$(cat "$H_DIR/one/stdin.7")"

# --- 20 quick events: one at a time, in order; -o json still prints them
mkdir "$H_DIR/many"
start_sub many -C 20 -o json --exec "$HOOK" "$H_DIR/many"
for seq in $(seq 1 20); do pub_event hv1 web1 started "$seq"; done
sub_wait "$SUB_PID"
expect_eq "exec -C 20 exit" 0 "$RC"
expect_eq "order" "$(seq 1 20)" "$(cat "$H_DIR/many/order")"
[ ! -e "$H_DIR/many/overlap" ] || fail "commands overlapped: $(cat "$H_DIR/many/overlap")"
expect_eq "json lines with --exec -o json" 20 "$(line_count "$H_DIR/many.out")"

# --- a failing command is reported; vm-sub continues with the next event
mkdir "$H_DIR/fail"
start_sub fail -C 3 --exec "$HOOK" "$H_DIR/fail" 2
for seq in 1 2 3; do pub_event hv1 web1 started "$seq"; done
sub_wait "$SUB_PID"
expect_eq "failing command: exit" 0 "$RC"
expect_eq "failing command: all ran" "1 2 3" "$(tr '\n' ' ' <"$H_DIR/fail/order" | sed 's/ $//')"
grep -q "exited with status 3" "$H_DIR/fail.err" || fail "no report of the failure: $(cat "$H_DIR/fail.err")"
expect_eq "one report line" 1 "$(grep -c 'exec' "$H_DIR/fail.err")"

# --- a command that does not exist: reported per event, vm-sub goes on
start_sub missing -C 2 --exec "$H_DIR/no-such-command" arg
pub_event hv1 web1 started 1
pub_event hv1 web1 started 2
sub_wait "$SUB_PID"
expect_eq "missing command: exit" 0 "$RC"
expect_eq "missing command: reports" 2 "$(grep -c 'cannot run.*No such file' "$H_DIR/missing.err")"

# --- no shell: metacharacters in arguments reach the command verbatim
start_sub noshell -C 1 --exec /bin/sh -c 'printf "%s|" "$0" "$1" >"$1/noshell"' '$(echo no) ; x' "$H_DIR"
pub_event hv1 web1 started 1
sub_wait "$SUB_PID"
expect_eq "noshell exit" 0 "$RC"
expect_eq "arguments verbatim" '$(echo no) ; x|'"$H_DIR|" "$(cat "$H_DIR/noshell")"
# --- the command inherits stdin/stdout/stderr only (not the MQTT socket)
# (ls is forked by the shell, so it lists the shell's descriptors)
start_sub fds -C 1 --exec /bin/sh -c 'ls -l /proc/$$/fd/ >"$0/fds"; true' "$H_DIR"
pub_event hv1 web1 started 1
sub_wait "$SUB_PID"
expect_eq "fds exit" 0 "$RC"
# Every descriptor is stdin (the memfd), the shell's redirection, or vm-sub's
# stdout/stderr (dash keeps a copy of stdout on fd 10 while redirecting).
others=$(awk 'NF > 8 { print $11 }' "$H_DIR/fds" | grep -vE '^/memfd:vm-sub-event|/fds(\.out|\.err)?$' || true)
expect_eq "unexpected inherited descriptors" "" "$others"
log "ok"
