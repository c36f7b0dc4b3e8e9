# Helpers for the --watch tests (sourced after ../lib/harness.sh and
# ../sub/lib.sh): vm-sub --watch runs in a pane of a private tmux server,
# read back with capture-pane.

TMUX_SOCK=$H_DIR/tmux.sock

# tm ARGS...: tmux on the test's own server (no user config).
tm() { tmux -S "$TMUX_SOCK" -f /dev/null "$@"; }

# start_pane COLS ROWS: a pane running a plain bash with prompt "$ " (and
# the sanitizers' options of a sanitized build); the tmux server is stopped
# at exit.
start_pane() {
  tm new-session -d -s w -x "$1" -y "$2" \
    "env -i PATH='$PATH' HOME='$H_DIR' TERM=tmux-256color LANG=C.UTF-8 PS1='$ ' \
       ASAN_OPTIONS='${ASAN_OPTIONS:-}' UBSAN_OPTIONS='${UBSAN_OPTIONS:-}' LSAN_OPTIONS='${LSAN_OPTIONS:-}' \
       bash --norc --noprofile"
  tm set-option -g status off
  tm set-option -g allow-rename off
  track "$(tm display-message -p '#{pid}')"
  wait_for 10 screen_has '^\$( |$)' || fail "the pane's shell did not start"
}

# screen: the pane's text now.
screen() { tm capture-pane -p -t w; }

# screen_attr: the pane's text with its attributes as SGR sequences.
screen_attr() { tm capture-pane -p -e -t w; }

# screen_has ERE: the pane shows a line matching ERE.
screen_has() { screen | grep -qE -- "$1"; }
screen_lacks() { ! screen | grep -qE -- "$1"; }

# expect_screen SECONDS ERE WHAT: waits until the pane shows ERE.
expect_screen() {
  wait_for "$1" screen_has "$2" || fail "$3: no line matching [$2] on the screen:
$(screen)"
}

# expect_gone SECONDS ERE WHAT: waits until no line matches ERE.
expect_gone() {
  wait_for "$1" screen_lacks "$2" || fail "$3: [$2] still on the screen:
$(screen)"
}

# run_watch ARGS...: types `vm-sub --watch ARGS; echo EXIT=$?` into the pane.
run_watch() {
  tm send-keys -t w "$VM_SUB -b $BROKER_URL --watch $* 2>$H_DIR/watch.err; echo EXIT=\$?" Enter
  expect_screen 15 '^vm-sub --watch' "the watch screen did not appear"
}

# keys KEY...: tmux key names or text, sent to the pane.
keys() { tm send-keys -t w "$@"; }

# start_pub_host NAME: a vm-pub for NAME against the harness's libvirtd; sets PUB_PID.
start_pub_host() {
  "$VM_PUB" -c "$LIBVIRT_URI" -b "$BROKER_URL" --host-name "$1" >>"$H_DIR/vm-pub-$1.log" 2>&1 &
  PUB_PID=$!
  track "$PUB_PID"
  mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -t "libvirt/$1/status" -C 1 -W 20 >"$H_DIR/status-$1.json" \
    || fail "vm-pub $1 published no status"
}
