# Helpers for the integration suite (sourced after ../lib/harness.sh and
# ../pub/common.sh): the independent CloudEvents implementation and
# Home Assistant's template engine.

# The CloudEvents SDK for JavaScript and the mqtt client, at fixed
# versions; npm's download cache lives outside the test's directory, keyed
# by those versions, so only the first run on a machine downloads them.
CE_SDK_VERSION=10.0.0
MQTT_JS_VERSION=5.16.0
NPM_CACHE=${VME_NPM_CACHE:-/var/cache/vm-events-tests/npm-cloudevents-$CE_SDK_VERSION-mqtt-$MQTT_JS_VERSION}

# ce_install: installs both packages with npm into $H_DIR/node (never into
# the source tree) and sets NODE_PATH for ce_check.js.
ce_install() {
  command -v node >/dev/null || fail "node is not installed (scripts/setup.sh --tests)"
  command -v npm >/dev/null || fail "npm is not installed (scripts/setup.sh --tests)"
  mkdir -p "$H_DIR/node"
  # Not root (no /var/cache): a cache under the temporary directory's parent.
  mkdir -p "$NPM_CACHE" 2>/dev/null || { NPM_CACHE=${TMPDIR:-/tmp}/${NPM_CACHE##*/}; mkdir -p "$NPM_CACHE"; }
  printf '{"private":true}\n' >"$H_DIR/node/package.json"
  npm install --prefix "$H_DIR/node" --cache "$NPM_CACHE" --prefer-offline --no-audit --no-fund \
      --no-package-lock --loglevel=error "cloudevents@$CE_SDK_VERSION" "mqtt@$MQTT_JS_VERSION" \
      >"$H_DIR/npm.log" 2>&1 || fail "npm install failed: $(tail -n 5 "$H_DIR/npm.log")"
  export NODE_PATH="$H_DIR/node/node_modules"
}

# ce NODE-ARGS...: runs tests/integrations/ce_check.js.
ce() { node "$SOURCE_ROOT/tests/integrations/ce_check.js" "$@"; }

# ce_listen NAME VERSION TOPIC COUNT [3.1.1-as-structured]: starts ce_check.js
# listening (MQTT VERSION 5 or 4) in the background; every message it
# parsed and validated becomes one JSON line in $H_DIR/NAME.ce; waits until
# it has subscribed. Sets CE_PID.
ce_listen() {
  local name=$1 version=$2 topic=$3 count=$4
  ce listen "mqtt://127.0.0.1:$BROKER_PORT" "$version" "$topic" "$count" "$H_DIR/$name.ce" \
    >"$H_DIR/$name.ce.log" 2>&1 &
  CE_PID=$!
  track "$CE_PID"
  wait_for 20 grep -q '^subscribed' "$H_DIR/$name.ce.log" || fail "ce_check did not subscribe: $(cat "$H_DIR/$name.ce.log")"
}

# ce_wait PID NAME: waits (60 s at most) for ce_check.js to end and fails
# unless it ended with 0.
ce_wait() {
  local pid=$1 name=$2 rc=0
  wait_for 60 exited "$pid" || fail "$name: ce_check.js still waiting: $(tail -n 3 "$H_DIR/$name.ce.log")"
  wait "$pid" || rc=$?
  [ "$rc" = 0 ] || fail "$name: ce_check.js failed ($rc): $(tail -n 5 "$H_DIR/$name.ce.log")"
}
