#!/usr/bin/env bash
# CloudEvents 1.0, checked by the CloudEvents SDK for JavaScript (npm
# `cloudevents`, with `mqtt` for MQTT 5 user properties):
#  - binary content mode (vm-pub -V 5): over a 1,000-event storm the SDK's
#    MQTT binding parses every message and validate() passes, ids are
#    unique, the attributes match the payload; vm-sub -o cloudevents lines
#    pass the SDK's strict validation and carry the same ids;
#  - structured content mode (--payload cloudevents) over MQTT 5 and 3.1.1;
#  - vm-sub -o json prints the same line for the three wire forms of one
#    event (vm-events/1, binary mode, structured mode).
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/../pub/common.sh"
source "$(dirname "$0")/../sub/lib.sh"
source "$(dirname "$0")/lib.sh"

N=${CE_STORM_EVENTS:-1000}
start_broker
start_libvirtd
ce_install
define_vm web1
SOURCE_URI="vm-events://$PUB_HOST/$(jq -rn --arg u "$LIBVIRT_URI" '$u | @uri')"

# check_attributes FILE MODE: every event's attributes follow from its data.
check_attributes() {
  local bad
  bad=$(jq -c --arg mode "$2" --arg src "$SOURCE_URI" 'select(
      .mode != $mode or .specversion != "1.0"
      or .id != "\(.data.boot)-\(.data.seq)" or .time != .data.time
      or .type != "org.libvirt.domain.\(.data.kind).\(.data.event)"
      or .subject != .data.domain.name or .source != $src
      or .data.schema != "vm-events/1")' "$1" | head -n 3)
  [ -z "$bad" ] || fail "$1: attributes do not follow the payload: $bad"
}

# ---- binary content mode, a storm
ce_listen bin 5 "$PREFIX/$PUB_HOST/storm/event/#" "$N"
start_sub cej -V 5 -o cloudevents -C "$N" --domain storm
SUB_CEJ=$SUB_PID
start_pub -V 5
wait_online
"$VM_STORM" -c "$LIBVIRT_URI" cycles --name storm $((N / 2)) >/dev/null
ce_wait "$CE_PID" bin
[ "$(line_count "$H_DIR/bin.ce")" = "$N" ] || fail "SDK parsed $(line_count "$H_DIR/bin.ce") events, want $N"
check_attributes "$H_DIR/bin.ce" binary
[ "$(jq -r .content_type "$H_DIR/bin.ce" | sort -u)" = application/json ] || fail "binary mode Content Type is not application/json"
dups=$(jq -r .id "$H_DIR/bin.ce" | sort | uniq -d | wc -l)
[ "$dups" = 0 ] || fail "$dups ids repeated among $N events"
sub_wait "$SUB_CEJ"
[ "$RC" = 0 ] || fail "vm-sub -o cloudevents exited $RC"
ce lines "$H_DIR/cej.out" >"$H_DIR/cej.check" 2>&1 || fail "vm-sub -o cloudevents: $(tail -n 3 "$H_DIR/cej.check")"
diff <(jq -r .id "$H_DIR/bin.ce" | sort) <(jq -r .id "$H_DIR/cej.out" | sort) >/dev/null \
  || fail "vm-sub -o cloudevents ids differ from the binary-mode ids"
stop_pub
log "ok: $N binary-mode events valid, ids unique; vm-sub -o cloudevents strict-valid, same ids"

# ---- structured content mode, received over MQTT 5 and 3.1.1
ce_listen st5 5 "$PREFIX/$PUB_HOST/web1/event/#" 2
CE5=$CE_PID
ce_listen st4 4 "$PREFIX/$PUB_HOST/web1/event/#" 2
CE4=$CE_PID
start_pub -V 5 --payload cloudevents
wait_online
vsh start web1 >/dev/null
vsh destroy web1 >/dev/null
ce_wait "$CE5" st5
ce_wait "$CE4" st4
for f in st5 st4; do
  check_attributes "$H_DIR/$f.ce" structured
  [ "$(jq -r .datacontenttype "$H_DIR/$f.ce" | sort -u)" = application/json ] || fail "$f: datacontenttype"
done
[ "$(jq -r .content_type "$H_DIR/st5.ce" | sort -u)" = application/cloudevents+json ] \
  || fail "structured mode over MQTT 5: Content Type is not application/cloudevents+json"
stop_pub
log "ok: structured mode valid over MQTT 5 and 3.1.1"

# ---- three wire forms of one event, one vm-sub -o json line
S=$(head -n 1 "$H_DIR/st4.ce" | jq -r .raw)
D=$(jq -c .data <<<"$S")
topic="$PREFIX/$PUB_HOST/web1/event/lifecycle"
start_sub forms -V 5 -o json --no-gap-check -C 3
FORMS=$SUB_PID
start_sub formsce -V 5 -o cloudevents --no-gap-check -C 3
FORMSCE=$SUB_PID
props=()
while IFS=$'\t' read -r name value; do
  props+=(-D publish user-property "$name" "$value")
done < <(jq -r 'del(.data, .datacontenttype) | to_entries[] | [.key, .value] | @tsv' <<<"$S")
mpub -q 1 -t "$topic" -m "$D"
mpub -q 1 -V 5 -t "$topic" -m "$D" -D publish content-type application/json "${props[@]}"
mpub -q 1 -V 5 -t "$topic" -m "$S" -D publish content-type application/cloudevents+json
sub_wait "$FORMS"
[ "$RC" = 0 ] || fail "vm-sub -o json did not get the 3 forms (exit $RC): $(cat "$H_DIR/forms.err")"
[ "$(line_count "$H_DIR/forms.out")" = 3 ] || fail "vm-sub printed $(line_count "$H_DIR/forms.out") lines"
[ "$(sort -u "$H_DIR/forms.out")" = "$D" ] || fail "vm-sub -o json lines differ between wire forms: $(cat "$H_DIR/forms.out")"
sub_wait "$FORMSCE"
[ "$(sort -u "$H_DIR/formsce.out" | wc -l)" = 1 ] || fail "vm-sub -o cloudevents lines differ between wire forms"
ce lines "$H_DIR/formsce.out" >/dev/null 2>&1 || fail "vm-sub -o cloudevents lines not valid"
[ "$(jq -c . "$H_DIR/formsce.out" | head -n 1)" = "$(jq -c . <<<"$S")" ] \
  || fail "vm-sub -o cloudevents differs from vm-pub's structured payload"
log "ok: the three wire forms give one vm-sub line"
