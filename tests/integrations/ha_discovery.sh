#!/usr/bin/env bash
# Home Assistant MQTT discovery (vm-pub --ha-discovery): every config has
# the keys HA's schema requires and only documented ones, points at
# retained topics, and its templates, rendered by Jinja2, give the right
# values for a running and a shut-off VM, also when names are hostile;
# undefining a VM removes its configs; HA's birth message makes vm-pub
# republish every config; the config-file key sets another prefix; after
# vm-pub stops, the VM entities are unavailable.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/../pub/common.sh"
source "$(dirname "$0")/lib.sh"

HA=homeassistant
start_broker
start_libvirtd

# "test" (the test driver's own VM) runs; web1 runs; db1 and the hostile
# names stay shut off.
hostile=('x+y#z' $'tab\tname' $'c1\u009bbidi\u202eend' '"q" %41 {{ 7 * 7 }}' 'ünï cödé')
define_vm web1
define_vm db1
vsh start web1 >/dev/null
for name in "${hostile[@]}"; do define_vm "$name" || fail "virsh refused to define '$name'"; done
vms=(test web1 db1 "${hostile[@]}")

# expect AVAILABLE HOST_ON [NAME STATE]...: ha_check.py's expectations.
expect() {
  local available=$1 host=$2; shift 2
  local args=() filter='{}' i=0
  while [ $# -gt 0 ]; do
    args+=(--arg "n$i" "$1" --arg "s$i" "$2")
    filter+=" | .[\$n$i] = \$s$i"
    shift 2; i=$((i + 1))
  done
  jq -cn "${args[@]}" --arg av "$available" --arg host "$host" "{vms: ($filter), available: \$av, host_online: \$host}"
}

# dump FILE: every retained message now, one JSON line each.
dump() { msub -t '#' --retained-only -W 1 -F '%J' >"$1" 2>/dev/null || true; }

# config_count PREFIX: how many retained configs PREFIX holds.
config_count() {
  dump "$H_DIR/count.jsonl"
  jq -r --arg p "$1/" 'select(.topic | startswith($p)) | select(.topic | endswith("/config")) | .topic' \
    "$H_DIR/count.jsonl" | wc -l
}
configs_are() { [ "$(config_count "$1")" = "$2" ]; }

start_pub --ha-discovery
wait_online
want=$((1 + 2 * ${#vms[@]}))
wait_for 20 configs_are "$HA" "$want" || fail "$(config_count "$HA") configs, want $want"
dump "$H_DIR/retained.jsonl"
states=(test running web1 running db1 shutoff)
for name in "${hostile[@]}"; do states+=("$name" shutoff); done
python3 "$SOURCE_ROOT/tests/integrations/ha_check.py" "$H_DIR/retained.jsonl" "$HA" \
  "$(expect online ON "${states[@]}")" || fail "configs not valid (running and shut-off VMs, hostile names)"
log "ok: $want configs valid for ${#vms[@]} VMs"

# Undefine: db1's configs go (empty retained payloads), the others stay.
vsh undefine db1 >/dev/null
want=$((want - 2))
wait_for 20 configs_are "$HA" "$want" || fail "db1's configs not removed: $(config_count "$HA") configs"
dump "$H_DIR/after-undefine.jsonl"
left=$(jq -r 'select(.topic | endswith("/config")) | .payload.device.name' "$H_DIR/after-undefine.jsonl" | grep -cx db1 || true)
[ "$left" = 0 ] || fail "db1 still has $left configs"
log "ok: undefine removed db1's configs"

# HA's birth message: every config again (as new messages, not only retained).
stdbuf -oL mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -R -t "$HA/#" -F '%t' >"$H_DIR/birth.txt" 2>/dev/null &
track $!
wait_for 10 subscribed "$HA/#" || fail "mosquitto_sub did not subscribe to $HA/#"
mpub -t "$HA/status" -m online
republished() { [ "$(grep -c '/config$' "$H_DIR/birth.txt")" -ge "$want" ]; }
wait_for 20 republished || fail "after the birth message: $(grep -c '/config$' "$H_DIR/birth.txt") configs, want $want"
log "ok: birth message republished $want configs"

# vm-pub gone: the host sensor is off and every VM entity unavailable.
stop_pub
wait_for 20 status_is offline || fail "status not offline"
dump "$H_DIR/offline.jsonl"
states=(test running web1 running)
for name in "${hostile[@]}"; do states+=("$name" shutoff); done
python3 "$SOURCE_ROOT/tests/integrations/ha_check.py" "$H_DIR/offline.jsonl" "$HA" \
  "$(expect offline OFF "${states[@]}")" || fail "configs after vm-pub stopped"
log "ok: offline host makes the VM entities unavailable"

# The config-file key, with another prefix.
printf 'ha-discovery = ha/custom\n' >"$H_DIR/vm-pub.conf"
start_pub --config "$H_DIR/vm-pub.conf"
wait_for 20 configs_are ha/custom "$want" || fail "config file key: $(config_count ha/custom) configs under ha/custom"
stop_pub
log "ok"
