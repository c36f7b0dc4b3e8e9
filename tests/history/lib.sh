# Helpers for the history suite (vm-pub --history, vm-sub --since/--until,
# the roll call); sourced after ../lib/harness.sh.

PREFIX=libvirt

msub() { mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" "$@"; }
mpub() { mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" "$@"; }

# hpub_start NAME HOST [vm-pub options...]: vm-pub for HOST, stderr in
# $H_DIR/NAME.log; sets PUB_PID and waits until HOST's journal is retained
# (published once restoring from the broker is over).
hpub_start() {
  local name=$1 host=$2; shift 2
  "$VM_PUB" -c "$LIBVIRT_URI" -b "$BROKER_URL" --host-name "$host" "$@" 2>>"$H_DIR/$name.log" &
  PUB_PID=$!
  track "$PUB_PID"
  wait_for 20 journal_has "$host" 0 || fail "$name: no retained journal: $(cat "$H_DIR/$name.log")"
}

# journal HOST: the retained journal of HOST ("" when none).
journal() { msub -C 1 -W 1 -t "$PREFIX/$1/journal" 2>/dev/null || true; }

# journal_events HOST: the retained journal's entries, one event JSON per line.
journal_events() { journal "$1" | jq -c '.events[] | fromjson'; }

# journal_has HOST N: the retained journal holds at least N entries.
journal_has() { [ "$(journal "$1" | jq '.events | length' 2>/dev/null)" -ge "$2" ]; }

# seqs FILE: "boot:seq" of every JSON event line in FILE, in order.
seqs() { jq -r '"\(.boot):\(.seq)"' "$1"; }

# expect_contiguous FILE FIRST LAST: FILE's events are exactly seq FIRST..LAST
# of one boot, in order, once each.
expect_contiguous() {
  local got want
  got=$(jq -r .seq "$1" | tr '\n' ' ')
  want=$(seq "$2" "$3" | tr '\n' ' ')
  [ "$got" = "$want" ] || fail "$1: expected seq $2..$3, got: $got"
  [ "$(jq -r .boot "$1" | sort -u | wc -l)" -eq 1 ] || fail "$1: more than one boot"
}

# vm_cycles PREFIX N: defines and starts N VMs (two events each).
vm_cycles() {
  local i
  for i in $(seq 1 "$2"); do define_vm "$1$i"; vsh start "$1$i" >/dev/null; done
}
