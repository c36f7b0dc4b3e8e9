# A private two-node RabbitMQ cluster with the MQTT plugin, for the
# tests/rabbitmq suite. Source after tests/lib/harness.sh (and after any
# other library that sets an EXIT trap: ours runs first, then theirs):
#
#   source "$(dirname "$0")/../lib/harness.sh"
#   source "$(dirname "$0")/../lib/rabbitmq.sh"
#   start_rabbitmq_cluster
#
# Both nodes run as this user from Debian's rabbitmq-server (not the system
# service: nothing under /var/lib/rabbitmq or /etc/rabbitmq is read or
# written), on this machine, with
#   - node names vme1-PID@localhost and vme2-PID@localhost (short names),
#   - free random loopback ports for AMQP, Erlang distribution, MQTT, the
#     CLI tools' own distribution and a PRIVATE epmd (ERL_EPMD_PORT; the
#     nodes are told not to start one of their own, so nothing uses 4369),
#   - data, logs, configuration, enabled plugins and HOME (with the shared
#     Erlang cookie, mode 400) under $H_DIR/rabbitmq,
#   - rabbitmq_mqtt enabled, anonymous MQTT allowed (the guest user, which
#     RabbitMQ only accepts over loopback).
# Both nodes boot at once, node 2 without the MQTT plugin (so that the
# plugin's client-id tracker, a Raft cluster over all nodes, does not first
# form one of its own there); node 2 then joins node 1 with the documented
# `rabbitmqctl stop_app / join_cluster / start_app` and gets the plugin for
# that second start. Readiness is polled every 50 ms on the listeners'
# ports, which a node opens at the end of its boot (`rabbitmqctl
# await_startup` would do too, but 3.10's looks only every 10 s), and the
# rabbitmqctl steps wait for what they do; nothing is slept. On a 2-core
# machine the cluster is up in 10-15 s: mostly the two boots, 3-6 s of it
# node 1's client-id tracker waiting alone for peers before it elects
# itself (rabbitmq_mqtt's mqtt_node: 11-20 times 300 ms).
#
# Every process (both nodes with their helper processes, epmd) runs in a
# process group of its own and is killed at exit, whatever happens.
#
# Provides: RMQ_NODE1, RMQ_NODE2, RMQ_MQTT_PORT1, RMQ_MQTT_PORT2,
# RMQ_URL1, RMQ_URL2 (mqtt:// URLs), RMQ_STARTUP_S (how long the cluster
# took to start), rmqctl N ARGS (rabbitmqctl against node N), and the
# functions below.

RMQ_DIR="$H_DIR/rabbitmq"
RMQ_BIN=${RMQ_BIN:-/usr/lib/rabbitmq/bin}
RMQ_NODE1=""
RMQ_NODE2=""
RMQ_MQTT_PORT1=""
RMQ_MQTT_PORT2=""
RMQ_URL1=""
RMQ_URL2=""
RMQ_EPMD_PORT=""
RMQ_CTL_PORT=""
RMQ_STARTUP_S=""
RMQ_GROUPS=()          # process group ids to kill at exit (epmd, node 1, node 2)
RMQ_USED_PORTS=" "

# rmq_free_port VAR [RANGE]: sets VAR to a random loopback port nothing
# listens on and that this library has not handed out yet (RANGE
# consecutive free ports when given, for the CLI tools' distribution range).
# Below the kernel's ephemeral range (32768 and up), so no outgoing
# connection can hold it as its local port when the node comes to bind it.
# It sets a variable rather than print, so that it runs in this shell and
# RMQ_USED_PORTS keeps what was handed out: from a $(...) subshell two
# calls could hand out the same port (a node's AMQP port inside the
# rabbitmqctl range once made node 1 fail to listen, and node 2 wait 300 s
# for its tables).
rmq_free_port() {
  local var=$1 range=${2:-1} port i ok
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % (32768 - 20000 - range)))
    ok=1
    for ((i = 0; i < range; i++)); do
      if [[ $RMQ_USED_PORTS == *" $((port + i)) "* ]] || port_open $((port + i)); then ok=0; break; fi
    done
    [ "$ok" -eq 1 ] || continue
    for ((i = 0; i < range; i++)); do RMQ_USED_PORTS+="$((port + i)) "; done
    printf -v "$var" '%s' "$port"
    return 0
  done
  fail "no free port for RabbitMQ"
}

# rmq_env N: the environment of node N (and of the CLI tools talking to it),
# as NAME=VALUE words for env(1).
rmq_env() {
  local n=$1 d="$RMQ_DIR/node$1"
  local name amqp dist
  eval "name=\$RMQ_NODE$n amqp=\$RMQ_AMQP_PORT$n dist=\$RMQ_DIST_PORT$n"
  printf '%s\n' \
    "HOME=$RMQ_DIR/home" \
    "ERL_EPMD_PORT=$RMQ_EPMD_PORT" \
    "ERL_EPMD_ADDRESS=127.0.0.1" \
    "ERL_CRASH_DUMP=$d/erl_crash.dump" \
    "RABBITMQ_CONF_ENV_FILE=$RMQ_DIR/rabbitmq-env.conf" \
    "RABBITMQ_NODENAME=$name" \
    "RABBITMQ_USE_LONGNAME=false" \
    "RABBITMQ_NODE_IP_ADDRESS=127.0.0.1" \
    "RABBITMQ_NODE_PORT=$amqp" \
    "RABBITMQ_DIST_PORT=$dist" \
    "RABBITMQ_MNESIA_BASE=$d/mnesia" \
    "RABBITMQ_LOG_BASE=$d/log" \
    "RABBITMQ_LOGS=$H_DIR/rabbit$n.log" \
    "RABBITMQ_PID_FILE=$d/pid" \
    "RABBITMQ_CONFIG_FILE=$d/rabbitmq.conf" \
    "RABBITMQ_ADVANCED_CONFIG_FILE=$d/advanced.config" \
    "RABBITMQ_ENABLED_PLUGINS_FILE=$d/enabled_plugins" \
    "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=-start_epmd false -kernel inet_dist_use_interface {127,0,0,1}" \
    "RABBITMQ_CTL_ERL_ARGS=-start_epmd false" \
    "RABBITMQ_CTL_DIST_PORT_MIN=$RMQ_CTL_PORT" \
    "RABBITMQ_CTL_DIST_PORT_MAX=$((RMQ_CTL_PORT + 9))"
}

# rmqctl N ARGS...: rabbitmqctl against node N (output on stdout/stderr).
rmqctl() {
  local n=$1; shift
  local -a envs
  mapfile -t envs < <(rmq_env "$n")
  local name
  eval "name=\$RMQ_NODE$n"
  env "${envs[@]}" "$RMQ_BIN/rabbitmqctl" -n "$name" "$@"
}

# rmq_write_files N: the configuration of node N.
rmq_write_files() {
  local n=$1 d="$RMQ_DIR/node$1" mqtt
  eval "mqtt=\$RMQ_MQTT_PORT$n"
  mkdir -p "$d/mnesia" "$d/log"
  cat >"$d/rabbitmq.conf" <<CONF
listeners.tcp.1 = 127.0.0.1:$(eval "echo \$RMQ_AMQP_PORT$n")
mqtt.listeners.tcp.1 = 127.0.0.1:$mqtt
mqtt.allow_anonymous = true
mqtt.vhost = /
mqtt.exchange = amq.topic
log.file.level = info
log.console = false
CONF
}

# rmq_launch N [VAR=VALUE...]: starts node N in its own process group.
rmq_launch() {
  local n=$1; shift
  local -a envs
  mapfile -t envs < <(rmq_env "$n")
  setsid env "${envs[@]}" "$@" "$RMQ_BIN/rabbitmq-server" \
    </dev/null >>"$H_DIR/rabbit$n.out.log" 2>&1 &
  RMQ_GROUPS+=("$!")
  eval "RMQ_PID$n=\$!"
}

# rmq_await_port N PORT WHAT: waits (at most 180 s) until node N listens on
# PORT; fails at once when the node's start script is gone (boot failed).
rmq_await_port() {
  local n=$1 port=$2 what=$3 pid
  eval "pid=\$RMQ_PID$n"
  node_up() { port_open "$port" || { running_pid "$pid" || return 2; return 1; }; }
  local deadline=$((SECONDS + 180)) rc
  while :; do
    rc=0; node_up || rc=$?
    [ "$rc" -eq 0 ] && return 0
    [ "$rc" -eq 2 ] && fail "RabbitMQ node $n exited before $what was up (see rabbit$n.log)"
    [ "$SECONDS" -lt "$deadline" ] || fail "RabbitMQ node $n: no $what (port $port) after 180 s"
    sleep 0.05  # poll: until the port opens (180 s deadline)
  done
}
running_pid() { [ -r "/proc/$1/stat" ] && ! grep -q '^[0-9]* ([^)]*) Z' "/proc/$1/stat"; }

# rmq_ctl_step N ARGS...: one rabbitmqctl step of the start-up, logged with its duration.
rmq_ctl_step() {
  local n=$1 t0; shift
  t0=$(date +%s%N)
  rmqctl "$n" "$@" >>"$H_DIR/rabbitctl.log" 2>&1 || fail "rabbitmqctl $* on node $n failed: $(tail -n 5 "$H_DIR/rabbitctl.log" | tr '\n' ' ')"
  log "rabbitmqctl $* (node $n): $(( ($(date +%s%N) - t0) / 1000000 )) ms"
}

# start_rabbitmq_cluster: the two-node cluster, MQTT listening on both.
start_rabbitmq_cluster() {
  local t0ms
  t0ms=$(date +%s%N)
  [ -x "$RMQ_BIN/rabbitmq-server" ] && command -v epmd >/dev/null ||
    fail "RabbitMQ is not installed ($RMQ_BIN/rabbitmq-server; scripts/setup.sh --tests installs it)"
  mkdir -p "$RMQ_DIR/home"
  # The shared cookie: 32 random hex digits, readable only by us.
  od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >"$RMQ_DIR/home/.erlang.cookie"
  chmod 400 "$RMQ_DIR/home/.erlang.cookie"
  : >"$RMQ_DIR/rabbitmq-env.conf"
  RMQ_NODE1="vme1-$$@localhost"
  RMQ_NODE2="vme2-$$@localhost"
  rmq_free_port RMQ_EPMD_PORT
  rmq_free_port RMQ_CTL_PORT 10
  local n
  for n in 1 2; do
    rmq_free_port "RMQ_AMQP_PORT$n"
    rmq_free_port "RMQ_DIST_PORT$n"
    rmq_free_port "RMQ_MQTT_PORT$n"
    rmq_write_files "$n"
  done
  RMQ_URL1="mqtt://127.0.0.1:$RMQ_MQTT_PORT1"
  RMQ_URL2="mqtt://127.0.0.1:$RMQ_MQTT_PORT2"

  setsid epmd -port "$RMQ_EPMD_PORT" -address 127.0.0.1 >>"$H_DIR/epmd.log" 2>&1 &
  RMQ_GROUPS+=("$!")
  wait_for 10 port_open "$RMQ_EPMD_PORT" || fail "epmd did not start on port $RMQ_EPMD_PORT"

  # Both nodes boot at once. Node 2 boots without the MQTT plugin: its
  # client-id tracker (a Raft cluster over all nodes) must not form on its
  # own before the join; it starts with the plugin after joining.
  echo '[rabbitmq_mqtt].' >"$RMQ_DIR/node1/enabled_plugins"
  echo '[].' >"$RMQ_DIR/node2/enabled_plugins"
  rmq_launch 1
  rmq_launch 2
  # The listeners open at the end of a node's boot.
  rmq_await_port 2 "$RMQ_AMQP_PORT2" "AMQP listener"
  rmq_ctl_step 2 stop_app
  rmq_await_port 1 "$RMQ_MQTT_PORT1" "MQTT listener"
  rmq_ctl_step 2 join_cluster "$RMQ_NODE1"
  echo '[rabbitmq_mqtt].' >"$RMQ_DIR/node2/enabled_plugins"
  rmq_ctl_step 2 start_app
  rmq_await_port 2 "$RMQ_MQTT_PORT2" "MQTT listener"
  RMQ_STARTUP_S=$(( ($(date +%s%N) - t0ms) / 1000000 ))
  RMQ_STARTUP_S=$(printf '%d.%01d' $((RMQ_STARTUP_S / 1000)) $((RMQ_STARTUP_S % 1000 / 100)))
  log "RabbitMQ cluster $RMQ_NODE1 + $RMQ_NODE2 up in ${RMQ_STARTUP_S} s (MQTT on $RMQ_MQTT_PORT1, $RMQ_MQTT_PORT2)"
}

rmq_group_list() { local IFS=,; echo "${RMQ_GROUPS[*]}"; }
rmq_groups_gone() { ! pgrep -g "$(rmq_group_list)" >/dev/null; }

# rmq_stop_all: kills both nodes (with their helper processes) and epmd.
rmq_stop_all() {
  local g
  [ "${#RMQ_GROUPS[@]}" -gt 0 ] || return 0
  # (the pid too: a launch interrupted before setsid() ran has no group yet)
  for g in "${RMQ_GROUPS[@]}"; do kill -KILL -- "-$g" "$g" 2>/dev/null || true; done
  for g in "${RMQ_GROUPS[@]}"; do wait "$g" 2>/dev/null || true; done
  # The VMs were orphaned by their killed wrapper script: let init reap them.
  wait_for 10 rmq_groups_gone || log "RabbitMQ processes still present after SIGKILL: $(pgrep -g "$(rmq_group_list)" -a)"
  RMQ_GROUPS=()
}

# Chain our cleanup in front of the EXIT trap already set (the harness's,
# or a library's wrapping it), keeping the exit status.
RMQ_PREV_EXIT_TRAP=$(trap -p EXIT | sed -E "s/^trap -- '(.*)' EXIT\$/\\1/")
rmq_exit_hook() {
  local rc=$1
  set +e
  rmq_stop_all
  (exit "$rc")
  eval "$RMQ_PREV_EXIT_TRAP"
}
trap 'rmq_exit_hook $?' EXIT
