#!/usr/bin/env bash
# vm-pub --qos 2: RabbitMQ 3.10 takes QoS 0 and 1 only (it answers a QoS 2
# PUBLISH with a PUBACK, which libmosquitto takes for a protocol error: a
# reconnect loop). vm-pub learns the grant from a probe subscription and
# publishes at QoS 1: one notice, one connection, every event delivered,
# also after the broker closed the connection (the probe runs again, the
# notice is not repeated). Against mosquitto, which grants 2, nothing
# changes: no notice, events at QoS 2; a mosquitto with max_qos 1 is
# handled like RabbitMQ.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/../lib/rabbitmq.sh"
source "$(dirname "$0")/lib.sh"

NOTICE='vm-pub: the broker grants QoS 1 at most; publishing at QoS 1 instead of 2'
count() { grep -cF -- "$1" "$2" || true; }

start_broker
start_rabbitmq_cluster
start_libvirtd

# mosquitto_case NAME HOST QOS: vm-pub -q 2 to the mosquitto running now;
# a series of one VM must arrive at QoS QOS (a QoS 2 subscriber receives
# each message at the lower of the published and the subscribed QoS),
# over one connection.
mosquitto_case() {
  local name=$1 host=$2 qos=$3 got
  stdbuf -oL mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -q 2 -F '%q %t' -t "$PREFIX/$host/#" -t "ready/$name" \
    >"$H_DIR/$name.sub" 2>"$H_DIR/$name.sub.log" &
  track $!
  marker_seen() {
    mosquitto_pub -h 127.0.0.1 -p "$BROKER_PORT" -t "ready/$name" -m x && sleep 0.1 && grep -q " ready/$name\$" "$H_DIR/$name.sub"  # poll: one try of the wait_for below
  }
  wait_for 15 marker_seen || fail "$name: mosquitto_sub did not subscribe"
  rpub_start "$name" "$BROKER_URL" "$host" -q 2
  run_series "$host-vm"
  mosq_events() { grep " $PREFIX/$host/$host-vm/event/" "$H_DIR/$name.sub" || true; }
  wait_for 30 eval '[ "$(mosq_events | grep -c .)" -ge "$SERIES_LEN" ]' ||
    fail "$name: $(mosq_events | grep -c .) of $SERIES_LEN events arrived"
  got=$(mosq_events | awk '{print $1}' | sort -u | tr '\n' ' ')
  [ "$got" = "$qos " ] || fail "$name: events arrived at QoS [$got], expected $qos: $(mosq_events | tr '\n' '|')"
  [ "$(count 'connected to broker' "$H_DIR/$name.log")" -eq 1 ] && [ "$(count 'retrying' "$H_DIR/$name.log")" -eq 0 ] ||
    fail "$name: vm-pub did not keep one connection: $(cat "$H_DIR/$name.log")"
  rpub_stop
}

# ---- mosquitto grants 2: nothing changes, no word about QoS.
mosquitto_case mosq hm 2
grep -q 'QoS' "$H_DIR/mosq.log" && fail "mosquitto: vm-pub said something about QoS: $(cat "$H_DIR/mosq.log")"

# ---- mosquitto with max_qos 1 (MQTT 3.1.1 clients get disconnected for a
# QoS 2 publish) grants 1: downgraded, one notice.
stop_broker
BROKER_EXTRA_CONF="max_qos 1" restart_broker
mosquitto_case mosq-max1 hn 1
[ "$(count "$NOTICE" "$H_DIR/mosq-max1.log")" -eq 1 ] || fail "max_qos 1: no notice (once): $(cat "$H_DIR/mosq-max1.log")"

# ---- RabbitMQ: downgraded to 1, one notice, one connection.
rsub_start sub2 "$RMQ_URL2" -o json
cid="vme-q2-$$"
rpub_start pub-q2 "$RMQ_URL1" h2 -q 2 --client-id "$cid"
wait_for 15 grep -qF -- "$NOTICE" "$H_DIR/pub-q2.log" || fail "no downgrade notice: $(cat "$H_DIR/pub-q2.log")"
port=$(pub_local_port "$PUB_PID" "$RMQ_MQTT_PORT1")
[ -n "$port" ] || fail "vm-pub has no connection to node 1"
run_series c1 c2 c3
expect_series "$H_DIR/sub2.out" h2 c1 c2 c3
[ "$(pub_local_port "$PUB_PID" "$RMQ_MQTT_PORT1")" = "$port" ] ||
  fail "vm-pub's connection changed (local port $port, now '$(pub_local_port "$PUB_PID" "$RMQ_MQTT_PORT1")')"
[ "$(count 'connected to broker' "$H_DIR/pub-q2.log")" -eq 1 ] || fail "vm-pub connected more than once: $(cat "$H_DIR/pub-q2.log")"
[ "$(count 'retrying' "$H_DIR/pub-q2.log")" -eq 0 ] || fail "vm-pub lost its connection: $(cat "$H_DIR/pub-q2.log")"
[ "$(count "$NOTICE" "$H_DIR/pub-q2.log")" -eq 1 ] || fail "the notice is not there exactly once: $(cat "$H_DIR/pub-q2.log")"
[ "$(accepted_connections 1 "$cid")" -eq 1 ] || fail "node 1 accepted $(accepted_connections 1 "$cid") connections from vm-pub"
conns=$(rmqctl 1 list_mqtt_connections client_id --quiet --no-table-headers 2>>"$H_DIR/rabbitctl.log" | grep -cx -- "$cid" || true)
[ "$conns" -eq 1 ] || fail "node 1 lists $conns MQTT connections of vm-pub"

# The broker closes the connection: vm-pub reconnects once, probes again
# (no QoS 2 publish, so no loop), says nothing new, and delivers.
rmqctl 1 eval 'rabbit_mqtt:close_all_client_connections("vm-events test").' >>"$H_DIR/rabbitctl.log" 2>&1 ||
  fail "could not close the MQTT connections of node 1"
wait_for 30 eval '[ "$(count "connected to broker" "$H_DIR/pub-q2.log")" -ge 2 ]' ||
  fail "vm-pub did not reconnect: $(cat "$H_DIR/pub-q2.log")"
run_series c4
expect_series "$H_DIR/sub2.out" h2 c1 c2 c3 c4
[ "$(count 'connected to broker' "$H_DIR/pub-q2.log")" -eq 2 ] || fail "vm-pub reconnected more than once: $(cat "$H_DIR/pub-q2.log")"
[ "$(count "$NOTICE" "$H_DIR/pub-q2.log")" -eq 1 ] || fail "the notice was repeated: $(cat "$H_DIR/pub-q2.log")"
[ "$(accepted_connections 1 "$cid")" -eq 2 ] || fail "node 1 accepted $(accepted_connections 1 "$cid") connections from vm-pub (expected 2)"
rpub_stop
log "ok"
