#!/usr/bin/env bash
# A hostile-input corpus published with mosquitto_pub: control characters,
# escape sequences, C1, bidi, invalid UTF-8, 10,000-deep nesting, wrong
# types, a 10 MB payload, a payload that names another host than its topic,
# escaped and badly escaped topic segments, garbage. Checked byte for byte:
# human output (to a file and to a real pty) holds no control byte but
# newline (and SGR colour on the pty), no raw C1 or bidi control; json
# output is one valid object per line; stderr is sanitized too; vm-sub
# survives and prints the valid event that comes last.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/lib.sh"

start_broker
C=$H_DIR/corpus
mkdir "$C"
# add TOPIC: one corpus message, its payload from stdin (runs in a pipeline's
# subshell, so the number comes from the files already there).
add() {
  local i=$(( $(find "$C" -name '*.topic' | wc -l) + 1 ))
  cat >"$C/$i.payload"
  printf '%s' "$1" >"$C/$i.topic"
}

# event_named HOST VM TEXT: a valid event with these exact strings.
event_named() {
  event_json "$1" "$2" started 1 | jq -c --arg text "$3" '.text = $text'
}

# --- valid events with hostile strings (printed, made safe): 6 of them
event_named hv1 $'evil\x1b[2J' 'clear screen' | add 'libvirt/hv1/evil%1B[2J/event/lifecycle'
event_named hv1 osc $'\x1b]52;c;aGVsbG8=\x07 clipboard' | add 'libvirt/hv1/osc/event/lifecycle'
event_named hv1 belcr $'ring\x07\rover\x7f\x08' | add 'libvirt/hv1/belcr/event/lifecycle'
event_named hv1 $'c1\xc2\x9bx' 'c1 csi' | add 'libvirt/hv1/c1%C2%9Bx/event/lifecycle'
event_named hv1 $'bidi\xe2\x80\xaegpj.exe' 'bidi' | add $'libvirt/hv1/bidi\xe2\x80\xaegpj.exe/event/lifecycle'
event_named hv1 'a/b+c#d' 'escaped topic' | add 'libvirt/hv1/a%2Fb%2Bc%23d/event/lifecycle'
VALID=6

# --- invalid messages (each one warning on stderr, nothing on stdout)
event_json hv1 web1 started 1 | sed 's/"web1"/"x\xff\xfe"/' | add 'libvirt/hv1/x%FF%FE/event/lifecycle'
{ head -c 10000 /dev/zero | tr '\0' '['; head -c 10000 /dev/zero | tr '\0' ']'; } | add 'libvirt/hv1/deep/event/lifecycle'
event_json hv1 nest started 1 | jq -c '.extra = ([range(40)] | reduce .[] as $i ([]; [.]))' | add 'libvirt/hv1/nest/event/lifecycle'
event_json hv1 types started 1 | jq -c '.seq = "7" | .domain = 5' | add 'libvirt/hv1/types/event/lifecycle'
head -c 10485760 /dev/zero | tr '\0' A >"$H_DIR/big"
event_json hv1 huge started 1 | jq -c --rawfile big "$H_DIR/big" '.text = $big' | add 'libvirt/hv1/huge/event/lifecycle'
event_json hv1 web1 stopped 1 | add 'libvirt/hv2/web1/event/lifecycle'      # host disagrees with topic
event_json hv1 web1 stopped 1 | add 'libvirt/hv1/other/event/lifecycle'     # VM disagrees with topic
event_json hv1 web1 stopped 1 | add 'libvirt/hv1/bad%zz/event/lifecycle'    # bad escape
printf '\x1b[2J\x1b]0;pwned\x07not json' | add 'libvirt/hv1/garbage/event/lifecycle'
printf '' | add 'libvirt/hv1/empty/event/lifecycle'
printf '{"schema":"vm-events/1","type":"status","status":"online","host":"\x1b[31mhv1"}' | add 'libvirt/hv1/status'

event_json hv1 final stopped 99 destroyed | add 'libvirt/hv1/final/event/lifecycle'
TOTAL=$((VALID + 1))
n=$(find "$C" -name '*.topic' | wc -l)

# no_control FILE: no byte < 0x20 except newline, no DEL, no raw C1 or bidi control.
no_control() {
  ! LC_ALL=C grep -qP '[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\x8e\x8f\xaa-\xae]|\xe2\x81[\xa6-\xa9]|\xd8\x9c' "$1"
}

start_sub human -C "$TOTAL" -W 50 --no-gap-check
HUMAN_PID=$SUB_PID
start_sub json -o json -C "$TOTAL" -W 50 --no-gap-check
script -qfec "'$VM_SUB' -b $BROKER_URL -v -C $TOTAL -W 50 --no-gap-check" /dev/null >"$H_DIR/pty.out" 2>&1 &
pty_pid=$!; track "$pty_pid"
wait_for 15 grep -q subscribed "$H_DIR/pty.out" || fail "pty vm-sub did not subscribe"

for i in $(seq 1 "$n"); do
  mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -q 1 -t "$(cat "$C/$i.topic")" -f "$C/$i.payload" \
    || fail "mosquitto_pub refused corpus message $i"
done

sub_wait "$SUB_PID"; expect_eq "json exit" 0 "$RC"
sub_wait "$HUMAN_PID"; expect_eq "human exit" 0 "$RC"
sub_wait "$pty_pid"; expect_eq "pty exit" 0 "$RC"

# human, to a file: no escape of any kind, every valid event and the last one.
no_control "$H_DIR/human.out" || fail "control bytes on stdout: $(od -c "$H_DIR/human.out" | head -20)"
expect_eq "human lines" "$TOTAL" "$(line_count "$H_DIR/human.out")"
tail -n 1 "$H_DIR/human.out" | grep -q 'final' || fail "the last valid event was not printed"
grep -qF 'evil\x1b[2J' "$H_DIR/human.out" || fail "ESC not made visible: $(cat "$H_DIR/human.out")"
grep -qF '\u202e' "$H_DIR/human.out" || fail "bidi control not made visible"
grep -qF '\u009b' "$H_DIR/human.out" || fail "C1 control not made visible"
grep -qF 'a/b+c#d' "$H_DIR/human.out" || fail "escaped topic name not shown decoded"
# stderr (also a terminal, usually) is sanitized too, and reports every bad message.
no_control "$H_DIR/human.err" || fail "control bytes on stderr: $(od -c "$H_DIR/human.err" | head -20)"
warnings=$(grep -c 'warning' "$H_DIR/human.err" || true)
[ "$warnings" -ge 10 ] || fail "expected a warning per bad message, got $warnings: $(cat "$H_DIR/human.err")"
grep -q 'names host' "$H_DIR/human.err" || fail "no warning for the host that spoke for another"
[ "$(wc -c <"$H_DIR/human.err")" -lt 20000 ] || fail "stderr echoed a huge payload"

# json: every line valid, exactly the valid events.
expect_eq "json lines" "$TOTAL" "$(line_count "$H_DIR/json.out")"
while IFS= read -r line; do
  jq_e 'type == "object"' 2>/dev/null <<<"$line" || fail "invalid JSON line on stdout: $line"
done <"$H_DIR/json.out"
expect_eq "json names" "$(printf '%s\n' $'evil\x1b[2J' osc belcr $'c1\xc2\x9bx' $'bidi\xe2\x80\xaegpj.exe' 'a/b+c#d' final)" \
  "$(jq -r .domain.name "$H_DIR/json.out")"
expect_eq "json text kept exactly" $'ring\x07\rover\x7f\x08' "$(jq -r 'select(.domain.name == "belcr") | .text' "$H_DIR/json.out")"

# a real pty: the only escape sequences are vm-sub's own SGR colours.
sed -e 's/\r$//' -e 's/\x1b\[[0-9;]*m//g' "$H_DIR/pty.out" >"$H_DIR/pty.stripped"
no_control "$H_DIR/pty.stripped" || fail "control bytes on the pty: $(od -c "$H_DIR/pty.stripped" | head -20)"
grep -q 'final' "$H_DIR/pty.stripped" || fail "the last valid event did not reach the pty"
log "ok"
