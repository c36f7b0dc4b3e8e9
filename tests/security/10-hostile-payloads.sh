#!/usr/bin/env bash
# Issue 5, item 10 (what it adds to the vm-sub helper's corpus test in
# tests/sub): payloads with ESC sequences (ED "\e[2J", OSC 52 clipboard
# write), BEL, CR, C1, bidi controls, a newline in a VM name, invalid UTF-8,
# raw control bytes, 10,000-deep nesting, wrong field types and a 10 MB
# payload, published with mosquitto_pub. vm-sub in human mode runs in a real
# pseudo-terminal (script): its output must hold no byte < 0x20 but newline,
# no DEL, no raw C1 or bidi control, and it must print the valid event that
# follows the corpus. In json mode every stdout line must be valid JSON (the
# valid hostile events round-trip exactly), the rest skipped with a warning.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/../faults/lib.sh"

R_FAULT="hostile payloads (ESC, OSC 52, BEL, CR, C1, bidi, bad UTF-8, 10k nesting, wrong types, 10 MB)"
HOST=hx
BOOT=hostile10

start_broker
vmsub_start json -o json
vmsub_wait_ready json
json_pid=$VMSUB_PID
printf '%s\n' "stty -onlcr; exec env NO_COLOR=1 \"\$VM_SUB\" -b \"$BROKER_URL\"" >"$H_DIR/vmsub.cmd"
VM_SUB=$VM_SUB script -qfec "bash $H_DIR/vmsub.cmd" "$H_DIR/tty.out" >/dev/null 2>"$H_DIR/tty.err" </dev/null &
tty_pid=$!
track "$tty_pid"
vmsub_wait_ready tty "$H_DIR/tty.out" "$tty_pid"

seq=0
sent=0
nvalid=0
# pub_raw VM FILE: publishes FILE's bytes on VM's lifecycle event topic.
pub_raw() {
  mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -q 1 -t "$PREFIX/$HOST/$(esc_segment "$1")/event/lifecycle" -f "$2" ||
    fail "mosquitto_pub refused a payload"
  sent=$((sent + 1))
}
# pub_valid VM TEXT: a valid event whose name and text carry hostile bytes
# (JSON-escaped, as any encoder would); kept in valid.jsonl for the check.
pub_valid() {
  seq=$((seq + 1))
  fake_event "$HOST" "$1" "$seq" "$BOOT" "$2" >"$H_DIR/p.json"
  cat "$H_DIR/p.json" >>"$H_DIR/valid.jsonl"
  nvalid=$((nvalid + 1))
  pub_raw "$1" "$H_DIR/p.json"
}
# pub_bad MODE: a valid event made invalid by MODE (see mangle below).
pub_bad() {
  seq=$((seq + 1))
  fake_event "$HOST" vm1 "$seq" "$BOOT" x | MODE=$1 perl -e '
    local $/; my $s = <STDIN>; chomp $s; my $m = $ENV{MODE};
    if ($m eq "raw-controls") { $s =~ s/"x"/"raw \x1b[2J esc \x07 bel"/ }
    elsif ($m eq "bad-utf8") { $s =~ s/"x"/"bad \xff\xfe utf8 \xc0\xaf overlong \xed\xa0\x80 surrogate"/ }
    elsif ($m eq "deep-field") { $s =~ s/\}$/,"deep":/; $s .= "[" x 10000 . "]" x 10000 . "}" }
    elsif ($m eq "deep-array") { $s = "[" x 10000 . "]" x 10000 }
    elsif ($m eq "deep-object") { $s = "{\"a\":" x 10000 . "1" . "}" x 10000 }
    elsif ($m eq "wrong-types") { $s =~ s/"seq":\d+/"seq":"\\u001b[2J"/; $s =~ s/"domain":\{[^}]*\}/"domain":[1,2]/ }
    elsif ($m eq "text-object") { $s =~ s/"text":"x"/"text":{"a":[true]}/ }
    elsif ($m eq "huge") { my $big = "\\u001b[2J" x (10 * 1024 * 1024 / 9 + 1); $s =~ s/"x"/"$big"/ }
    elsif ($m eq "garbage") { $s = "\x1b[2J\x1b]0;pwned title\x07\x1b]52;c;cHduZWQ=\x07 plain garbage \x9b\xff\r\n" }
    print $s;' >"$H_DIR/p.bin"
  pub_raw vm1 "$H_DIR/p.bin"
}

pub_valid vm1 $'\e[2J\e[Hcleared the screen'
pub_valid vm1 $'\e]52;c;ZXZpbCBjbGlwYm9hcmQ=\a clipboard write'
pub_valid vm1 $'bell\a\a and cr\roverwritten'
pub_valid $'c1\xc2\x9bname' $'c1 csi \xc2\x9b31m red \xc2\x9d osc'
pub_valid $'bidi\xe2\x80\xaename' $'text \xe2\x80\xae desrever \xe2\x81\xa6 isolate'
pub_valid $'nl\nname\rcr' $'a name with a newline'
pub_valid vm1 $'del\x7f and \x01\x02\x03 low controls'
for mode in raw-controls bad-utf8 deep-field deep-array deep-object wrong-types text-object huge garbage; do
  pub_bad "$mode"
done
pub_valid vm1 'SENTINEL-valid-after-the-corpus'
R_SENT=$sent

wait_for 60 grep -q 'SENTINEL-valid-after-the-corpus' "$H_DIR/json.out" || fail "json mode: the valid event after the corpus was never printed"
wait_for 60 grep -q 'SENTINEL-valid-after-the-corpus' "$H_DIR/tty.out" || fail "human mode (tty): the valid event after the corpus was never printed"
alive "$json_pid" || fail "vm-sub -o json exited"
alive "$tty_pid" || fail "vm-sub in the terminal exited"
kill "$tty_pid" 2>/dev/null || true
kill "$json_pid" 2>/dev/null || true
wait_for 10 exited "$tty_pid" || fail "vm-sub's terminal (script) did not end on SIGTERM"
wait_for 10 exited "$json_pid" || fail "vm-sub -o json did not end on SIGTERM"

# Human mode, in a terminal.
nbad=$(bad_bytes "$H_DIR/tty.out")
[ "$nbad" -eq 0 ] || fail "human mode wrote $nbad raw control/C1/bidi characters to the terminal"
grep -qF '\x1b' "$H_DIR/tty.out" || fail "human mode: ESC is not shown as \\x1b"
grep -qF '\u009b' "$H_DIR/tty.out" || fail "human mode: C1 CSI is not shown as \\u009b"
grep -qF '\u202e' "$H_DIR/tty.out" || fail "human mode: the bidi override is not shown as \\u202e"

# json mode: every line is one valid JSON object; every valid event is there
# with its strings exactly as published.
n=0
while IFS= read -r line; do
  n=$((n + 1))
  jq_e 'type == "object"' <<<"$line" 2>/dev/null || fail "json mode: line $n is not a JSON object: ${line:0:80}"
done <"$H_DIR/json.out"
got=0
while IFS= read -r want; do
  jq_e -s --argjson w "$want" \
    'any(.[]; .host == $w.host and .seq == $w.seq and .domain.name == $w.domain.name and .text == $w.text)' \
    <"$H_DIR/json.out" 2>/dev/null || fail "json mode: valid event $(jq .seq <<<"$want") missing or altered"
  got=$((got + 1))
done <"$H_DIR/valid.jsonl"
R_DELIVERED=$got
warnings=$(grep -c . "$H_DIR/json.log" || true)
[ "$warnings" -ge 1 ] || fail "json mode skipped the invalid payloads without a warning on stderr"
bad_json=$(( sent - nvalid ))
note "$sent payloads ($bad_json invalid); json mode: $got valid events printed exactly, $warnings stderr lines; tty: 0 control bytes in $(wc -c <"$H_DIR/tty.out") bytes"
R_DUP=0
R_LOST=0
pass
