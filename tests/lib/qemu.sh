# QEMU additions to the integration harness (tests/qemu/), sourced after
# tests/lib/harness.sh:
#
#   source "$(dirname "$0")/../lib/harness.sh"
#   source "$(dirname "$0")/../lib/qemu.sh"
#
# start_qemu_libvirtd runs a real libvirtd with libvirt's QEMU driver, and the
# virtlogd that driver sends guest output to, as root on a private socket,
# inside private mount, PID and network namespaces:
#   - /etc/libvirt, /run/libvirt, /var/lib/libvirt, /var/cache/libvirt and
#     /var/log/libvirt are directories of $H_DIR/root there, so nothing of
#     the machine's libvirt is read or written, and nothing (not even the
#     capability cache) leaks from one run to the next;
#   - qemu.conf runs QEMU as root with no security driver, no cgroups and no
#     private /dev, so no user, cgroup or device node of the machine changes;
#   - a copy of /etc/passwd and /etc/group with libvirt-qemu added (when the
#     machine has none) is mounted over the real ones: the QEMU driver
#     resolves that compiled-in user before it reads qemu.conf;
#   - the new PID namespace guarantees the cleanup: when its init dies, the
#     kernel kills libvirtd, virtlogd and every QEMU process in it; the init
#     is killed at exit (q_exit), and dies with `unshare` (--kill-child),
#     which dies with the test's shell (setpriv --pdeathsig), even when
#     that one is killed with SIGKILL (meson's timeout).
# Unlike the harness's start_libvirtd, LIBVIRT_DRIVER_DIR is left alone:
# the QEMU driver is a loadable module.
#
# Provides: LIBVIRT_URI (qemu+unix:///system?socket=...), PUB_HOST, PREFIX,
# and the functions below. Every virsh runs with LC_ALL=C: the keeper's log
# is compared with what vm-pub publishes, word for word.

export LC_ALL=C
PREFIX=libvirt
PUB_HOST=${PUB_HOST:-qh1}
Q_ROOT=$H_DIR/root
Q_UNSHARE_PID=""
Q_INIT_PID=""
Q_PIDNS=""

# qvsh ARGS: virsh on the private libvirtd; a hung libvirtd fails the test
# instead of blocking it until meson's timeout.
qvsh() { timeout 120 virsh -q -c "$LIBVIRT_URI" "$@"; }

# ---------------------------------------------------------------- libvirtd

# q_ns_replace SRC DST: (in the namespace) SRC takes the place of DST; when
# DST does not exist, an empty tmpfs covers its parent first, so the
# machine's directory is never created.
q_ns_replace() {
  if [ ! -d "$2" ]; then
    mount -t tmpfs -o mode=0755 tmpfs "$(dirname "$2")"
    mkdir "$2"
  fi
  mount --bind "$1" "$2"
}

# q_ns_init HDIR: the init of the private namespaces: mounts the private
# directories and the user database, then runs virtlogd and libvirtd and
# stays, reaping (as PID 1 must) the daemonized QEMU processes.
q_ns_init() {
  set -eu
  local h=$1 f
  q_ns_replace "$h/root/run" /run/libvirt
  q_ns_replace "$h/root/etc" /etc/libvirt
  q_ns_replace "$h/root/lib" /var/lib/libvirt
  q_ns_replace "$h/root/cache" /var/cache/libvirt
  q_ns_replace "$h/root/log" /var/log/libvirt
  for f in passwd group; do
    if ! grep -q '^libvirt-qemu:' "/etc/$f"; then
      cp "/etc/$f" "$h/$f"
      case $f in
        passwd) echo 'libvirt-qemu:x:64055:64055:Libvirt Qemu:/var/lib/libvirt:/usr/sbin/nologin' >>"$h/$f" ;;
        group) echo 'libvirt-qemu:x:64055:' >>"$h/$f" ;;
      esac
      mount --bind "$h/$f" "/etc/$f"
    fi
  done
  cp "$h/qemu.conf" /etc/libvirt/qemu.conf
  # Both with their own pid files: the defaults are in the machine's /run.
  virtlogd -p "$h/virtlogd.pid" >>"$h/virtlogd.log" 2>&1 &
  libvirtd -f "$h/libvirtd.conf" -p "$h/libvirtd.pid" &
  wait
}

# q_write_conf: libvirtd.conf (private socket, no auth, warnings and errors
# to its log) and qemu.conf.
q_write_conf() {
  mkdir -p "$H_DIR/libvirt" "$Q_ROOT"/{run,etc,lib,cache,log}
  cat >"$H_DIR/libvirtd.conf" <<CONF
unix_sock_dir = "$H_DIR/libvirt"
auth_unix_rw = "none"
auth_unix_ro = "none"
unix_sock_rw_perms = "0770"
log_outputs = "3:stderr"
CONF
  # root: no libvirt-qemu user needs to own anything; no security driver
  # (none is set up here), no cgroups (the machine's hierarchy stays as it
  # is), no private /dev (namespaces), no ownership xattrs.
  cat >"$H_DIR/qemu.conf" <<CONF
user = "root"
group = "root"
security_driver = "none"
namespaces = []
cgroup_controllers = []
remember_owner = 0
CONF
}

# q_ns_alive: true while the namespace's init runs.
q_ns_alive() { [ -n "$Q_INIT_PID" ] && [ -d "/proc/$Q_INIT_PID" ] && ! grep -q '^State:.*Z' "/proc/$Q_INIT_PID/status" 2>/dev/null; }

# q_qemu_ready: true once the QEMU driver answers with probed domain
# capabilities.
q_qemu_ready() {
  virsh -q -c "$LIBVIRT_URI" domcapabilities --virttype qemu --arch x86_64 2>/dev/null | grep -q '<domain>qemu</domain>'
}

# q_wait_ready SECONDS: waits for q_qemu_ready like wait_for, but fails at
# once, with libvirtd's last words, when the namespace died.
q_wait_ready() {
  local deadline=$((SECONDS + $1))
  until q_qemu_ready; do
    q_ns_alive || fail "libvirtd's namespace died at start: $(tail -n 5 "$H_DIR/libvirtd.log" | tr '\n' ' ')"
    [ "$SECONDS" -lt "$deadline" ] || fail "the QEMU driver was not ready within $1 s"
    sleep 0.2  # poll: until the QEMU driver is ready (deadline $1 s)
  done
}

# q_find_init: sets Q_INIT_PID (the namespace's init, unshare's child) and
# Q_PIDNS (its PID namespace).
q_find_init() {
  Q_INIT_PID=$(pgrep -P "$Q_UNSHARE_PID" | head -n 1)
  [ -n "$Q_INIT_PID" ] || return 1
  Q_PIDNS=$(readlink "/proc/$Q_INIT_PID/ns/pid") && [ -n "$Q_PIDNS" ]
}

# start_qemu_libvirtd: the QEMU libvirtd in its namespaces, ready (the
# first start probes QEMU's capabilities: up to 180 s on a loaded machine),
# and the keeper recording libvirt's own view of every event.
start_qemu_libvirtd() {
  q_write_conf
  LIBVIRT_URI="qemu+unix:///system?socket=$H_DIR/libvirt/libvirt-sock"
  # setpriv: unshare dies with this shell, even by SIGKILL, and its child,
  # the namespace's init, with unshare (--kill-child).
  setpriv --pdeathsig KILL \
    unshare --mount --propagation private --pid --fork --kill-child --mount-proc --net \
    bash -c "$(declare -f q_ns_replace q_ns_init); q_ns_init \"\$1\"" q-ns-init "$H_DIR" \
    >>"$H_DIR/libvirtd.log" 2>&1 &
  Q_UNSHARE_PID=$!
  track "$Q_UNSHARE_PID"
  wait_for 10 q_find_init || fail "unshare started no namespace: $(cat "$H_DIR/libvirtd.log")"
  local t0=$SECONDS
  q_wait_ready 180
  log "QEMU driver ready after $((SECONDS - t0)) s"
  q_start_keeper
}

# q_ns_members: host PIDs of the processes left in the namespace.
q_ns_members() {
  local p
  [ -n "$Q_PIDNS" ] || return 0
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/ns/pid" 2>/dev/null)" = "$Q_PIDNS" ] && echo "${p#/proc/}"
  done
  return 0
}
q_ns_empty() { [ -z "$(q_ns_members)" ]; }

# q_stop_namespace: kills the namespace's init, so the kernel kills all in
# it; true when nothing of it is left within 10 s.
q_stop_namespace() {
  [ -n "$Q_INIT_PID" ] || return 0
  kill -KILL "$Q_INIT_PID" 2>/dev/null || true
  wait_for 10 q_ns_empty
}

# q_exit: at exit, whatever happened: the namespace goes first (QEMU with
# it); processes that survive it fail the test. On failure the guests'
# QEMU logs are shown too. Then the harness's cleanup.
q_exit() {
  local rc=$? f left
  set +e
  if ! q_stop_namespace; then
    left=$(q_ns_members | while read -r p; do tr '\0' ' ' <"/proc/$p/cmdline"; echo; done)
    printf '%s: FAIL: processes of the libvirt namespace still run: %s\n' "$H_NAME" "$left" >&2
    [ "$rc" -ne 0 ] || rc=1
  fi
  if [ "$rc" -ne 0 ]; then
    for f in "$Q_ROOT"/log/qemu/*.log; do
      [ -f "$f" ] || continue
      echo "----- $f (last 15 lines)" >&2
      tail -n 15 "$f" >&2
    done
  fi
  (exit "$rc")
  h_cleanup
}
trap q_exit EXIT

# ---------------------------------------------------------------- guests

# guest_xml NAME [DEVICES]: the tiny guest: TCG (type 'qemu': no KVM
# needed), 32 MiB, no disk, no network, no graphics, a pty serial console.
# SeaBIOS finds nothing to boot and waits; rebootTimeout -1 keeps it from
# rebooting by itself after 60 s (that would be an unasked reboot event).
# DEVICES: more children of <devices>.
guest_xml() {
  cat <<XML
<domain type='qemu'>
  <name>$1</name>
  <memory unit='MiB'>32</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <bios rebootTimeout='-1'/>
  </os>
  <devices>
    <serial type='pty'/>
    <console type='pty'/>
    <memballoon model='none'/>
    ${2:-}
  </devices>
</domain>
XML
}

# define_guest NAME [DEVICES]: defines the guest (persistent).
define_guest() {
  guest_xml "$@" >"$H_DIR/$1.xml"
  qvsh define "$H_DIR/$1.xml" >/dev/null
}

# ---------------------------------------------------------------- keeper

# q_start_keeper: `virsh event --all --loop` records every event libvirt
# reports into $H_DIR/libvirt-events.log (the harness's keeper, without its
# blind sleep: q_wait_chain proves it listens).
q_start_keeper() {
  stdbuf -oL virsh -q -c "$LIBVIRT_URI" event --all --loop >>"$H_DIR/libvirt-events.log" 2>&1 &
  track $!
}

# libvirt_keys NAME: every event libvirt reported for guest NAME so far,
# one normalized line each (see event_key), from the keeper's log. The
# lifecycle tokens come from virsh's own words through this table, not
# from vm-pub: it is the check of vm-pub's names.
libvirt_keys() {
  perl -e '
    my %life = (
      "Defined Added" => "defined added", "Defined Updated" => "defined updated",
      "Defined Renamed" => "defined renamed", "Defined Snapshot" => "defined from-snapshot",
      "Undefined Removed" => "undefined removed", "Undefined Renamed" => "undefined renamed",
      "Started Booted" => "started booted", "Started Migrated" => "started migrated",
      "Started Restored" => "started restored", "Started Snapshot" => "started from-snapshot",
      "Started Event wakeup" => "started wakeup",
      "Suspended Paused" => "suspended paused", "Suspended Migrated" => "suspended migrated",
      "Suspended I/O Error" => "suspended ioerror", "Suspended Watchdog" => "suspended watchdog",
      "Suspended Restored" => "suspended restored", "Suspended Snapshot" => "suspended from-snapshot",
      "Suspended API error" => "suspended api-error", "Suspended Post-copy" => "suspended postcopy",
      "Suspended Post-copy Error" => "suspended postcopy-failed",
      "Resumed Unpaused" => "resumed unpaused", "Resumed Migrated" => "resumed migrated",
      "Resumed Snapshot" => "resumed from-snapshot", "Resumed Post-copy" => "resumed postcopy",
      "Resumed Post-copy Error" => "resumed postcopy-failed",
      "Stopped Shutdown" => "stopped shutdown", "Stopped Destroyed" => "stopped destroyed",
      "Stopped Crashed" => "stopped crashed", "Stopped Migrated" => "stopped migrated",
      "Stopped Saved" => "stopped saved", "Stopped Failed" => "stopped failed",
      "Stopped Snapshot" => "stopped from-snapshot",
      "Shutdown Finished" => "shutdown finished",
      "Shutdown Finished after guest request" => "shutdown guest",
      "Shutdown Finished after host request" => "shutdown host",
      "PMSuspended Memory" => "pmsuspended memory", "PMSuspended Disk" => "pmsuspended disk",
      "Crashed Panicked" => "crashed panicked", "Crashed Crashloaded" => "crashed crashloaded",
    );
    my $want = shift;
    my ($kind, $rest, @params);
    sub flush {
      return unless defined $kind;
      my $k = $kind;
      if ($kind eq "lifecycle") { $k = "lifecycle " . ($life{$rest} // "UNMAPPED($rest)") }
      elsif ($kind eq "metadata-change" && $rest =~ /^type (\S+), uri (.*)$/) {
        $k = "metadata-change $1 " . ($2 eq "<null>" ? "null" : $2) }
      elsif ($kind eq "tunable" || $kind eq "job-completed") { $k = join " ", $kind, sort @params }
      elsif ($kind =~ /^device-/) { $k = "$kind $rest" }
      elsif ($kind eq "tray-change" && $rest =~ /^disk (\S+): (open|clos)ed$/) {
        $k = "tray-change $1 " . ($2 eq "open" ? "open" : "close") }
      elsif ($kind eq "agent-lifecycle" && $rest =~ /^state: .(\w+). reason: .([\w ]+).$/) {
        (my $r = $2) =~ tr/ /-/; $k = "agent-lifecycle $1 $r" }
      elsif ($kind eq "migration-iteration" && $rest =~ /^iteration: .(\d+).$/) { $k = "migration-iteration $1" }
      print "$k\n";
      undef $kind;
    }
    while (<STDIN>) {
      chomp;
      if (/^event \x27([\w-]+)\x27 for domain \x27(.*?)\x27(?::? ?)(.*)$/) {
        my ($k, $d, $r) = ($1, $2, $3);
        flush();
        next unless $d eq $want;
        ($kind, $rest, @params) = ($k, $r);
      } elsif (defined $kind && /^\t([^:]+): (.*)$/) {
        push @params, "$1=$2";
      }
    }
    flush();' "$1" <"$H_DIR/libvirt-events.log"
}

# event_key: jq function turning one vm-events/1 event into the line
# libvirt_keys makes of the same event.
EVENT_KEY='
  def event_key:
    if .kind == "lifecycle" then "lifecycle \(.event) \(.detail // "-")"
    elif .kind == "metadata-change" then "metadata-change \(.type) \(.nsuri // "null")"
    elif .kind == "tunable" or .kind == "job-completed" then
      ([.kind] + (.params | to_entries | map("\(.key)=\(.value)") | sort)) | join(" ")
    elif (.kind | startswith("device-")) then "\(.kind) \(.dev_alias)"
    elif .kind == "tray-change" then "tray-change \(.dev_alias) \(.event)"
    elif .kind == "agent-lifecycle" then "agent-lifecycle \(.event) \(.detail)"
    elif .kind == "migration-iteration" then "migration-iteration \(.iteration)"
    else .kind end;'

# sub_events NAME: guest NAME's events in vm-sub's JSON output, in order.
sub_events() { jq -c --arg d "$1" 'select(.domain.name == $d)' "$SUB_OUT"; }

# sub_keys NAME: the same as normalized lines (libvirt_keys's format).
sub_keys() { jq -r --arg d "$1" "$EVENT_KEY"' select(.domain.name == $d) | event_key' "$SUB_OUT"; }

# keys_match NAME: vm-sub printed exactly the events libvirt reported for
# NAME, in the same order.
keys_match() { [ "$(sub_keys "$1")" = "$(libvirt_keys "$1")" ]; }

# keys_diff NAME: both lists side by side, for a failure message.
keys_diff() { diff <(libvirt_keys "$1") <(sub_keys "$1") | tr '\n' '|' || true; }

# has_key NAME KEY: both libvirt and vm-sub have reported KEY for NAME at
# least (or, with a third argument N, N times).
has_key() {
  local n=${3:-1}
  [ "$(libvirt_keys "$1" | grep -cxF -- "$2")" -ge "$n" ] && [ "$(sub_keys "$1" | grep -cxF -- "$2")" -ge "$n" ]
}

# ---------------------------------------------------------------- vm-pub / vm-sub

SUB_OUT=$H_DIR/vm-sub.out
PUB_PID=""
SUB_PID=""

# retained TOPIC: the retained payload of TOPIC now (empty when none).
retained() {
  mosquitto_sub -h 127.0.0.1 -p "$BROKER_PORT" -t "$1" --retained-only -C 1 -W 1 2>/dev/null || true
}
status_is() { retained "$PREFIX/$PUB_HOST/status" | jq_e --arg s "$1" '.status == $s' >/dev/null 2>&1; }

# start_pub_sub: vm-pub on the private libvirtd and broker (host $PUB_HOST),
# online; vm-sub -o json for that host, subscribed, into $SUB_OUT; then
# q_wait_chain.
start_pub_sub() {
  "$VM_PUB" -c "$LIBVIRT_URI" -b "$BROKER_URL" --host-name "$PUB_HOST" -v \
    >"$H_DIR/vm-pub.out" 2>"$H_DIR/vm-pub.log" &
  PUB_PID=$!
  track "$PUB_PID"
  wait_for 30 status_is online || fail "vm-pub published no status online"
  "$VM_SUB" -b "$BROKER_URL" -o json --host "$PUB_HOST" -v >"$SUB_OUT" 2>"$H_DIR/vm-sub.log" &
  SUB_PID=$!
  track "$SUB_PID"
  wait_for 30 grep -q 'subscribed' "$H_DIR/vm-sub.log" || fail "vm-sub did not subscribe: $(cat "$H_DIR/vm-sub.log")"
  q_wait_chain
}

# q_wait_chain: defines and undefines a probe guest until the keeper and
# vm-sub both show its events: from then on neither can miss one (vm-pub's
# callbacks, the broker and vm-sub's subscription are all live).
q_wait_chain() {
  guest_xml q-probe >"$H_DIR/q-probe.xml"
  qvsh define "$H_DIR/q-probe.xml" >/dev/null
  wait_for 30 has_key q-probe "lifecycle defined added" || fail "probe: defined event not seen: $(keys_diff q-probe)"
  qvsh undefine q-probe >/dev/null
  wait_for 30 has_key q-probe "lifecycle undefined removed" || fail "probe: undefined event not seen: $(keys_diff q-probe)"
}

# stop_pub: SIGTERM; vm-pub must exit 0 within 15 s.
stop_pub() {
  kill -TERM "$PUB_PID"
  wait_for 15 eval "! kill -0 $PUB_PID 2>/dev/null" || fail "vm-pub did not exit within 15 s of SIGTERM"
  local rc=0
  wait "$PUB_PID" || rc=$?
  [ "$rc" = 0 ] || fail "vm-pub exited with $rc after SIGTERM"
}

# ---------------------------------------------------------------- states

# retained_state NAME: "state reason id" of NAME's retained state message
# now (id "-" when null), empty when there is none.
retained_state() {
  retained "$PREFIX/$PUB_HOST/$1/state" | jq -r '"\(.state) \(.reason) \(.domain.id // "-")"' 2>/dev/null || true
}

# libvirt_state NAME: the same as libvirt says it (virsh domstate --reason
# and domid), in vm-events tokens.
libvirt_state() {
  local s st reason id
  s=$(qvsh domstate --reason "$1") || return 1
  st=${s% (*}
  reason=${s##*(}
  reason=${reason%)}
  case $st in
    "shut off") st=shutoff ;;
    "in shutdown") st=shutdown ;;
    "idle"|"no state") st=nostate ;;
  esac
  case $reason in
    "I/O error") reason=ioerror ;;
    migrating) reason=migration ;;
    saving) reason=save ;;
    dumping) reason=dump ;;
    "creating snapshot") reason=snapshot ;;
    "event wakeup") reason=wakeup ;;
    post-copy) reason=postcopy ;;
    "post-copy failed") reason=postcopy-failed ;;
    *) reason=${reason// /-} ;;
  esac
  id=$(qvsh domid "$1") || return 1
  printf '%s %s %s\n' "$st" "$reason" "$id"
}

# state_is NAME EXPECTED: the retained state of NAME is EXPECTED ("state
# reason id"; id may be "+" for "any number").
state_is() {
  local got
  got=$(retained_state "$1")
  if [ "${2##* }" = "+" ]; then
    [[ $got =~ ^${2% *}\ [0-9]+$ ]]
  else
    [ "$got" = "$2" ]
  fi
}

# expect_state NAME STATE REASON: waits (30 s) until NAME's retained state
# is STATE/REASON and agrees with libvirt (state, reason and id).
expect_state() {
  local want="$2 $3"
  if [ "$2" = shutoff ]; then want+=" -"; else want+=" +"; fi
  wait_for 30 state_is "$1" "$want" || fail "$1: retained state [$(retained_state "$1")], want [$2 $3]"
  local lv
  lv=$(libvirt_state "$1")
  [ "$(retained_state "$1")" = "$lv" ] || fail "$1: retained state [$(retained_state "$1")] but libvirt says [$lv]"
}

# state_gone NAME: true when NAME has no retained state.
state_gone() { [ -z "$(retained "$PREFIX/$PUB_HOST/$1/state")" ]; }

# ---------------------------------------------------------------- steps

S0=0
L0=0

# since NAME: remembers how many events of NAME vm-sub and libvirt have
# shown so far; expect_events looks only at what comes after.
since() {
  S0=$(sub_keys "$1" | wc -l)
  L0=$(libvirt_keys "$1" | wc -l)
}

# in_order LINES PATTERN...: true when LINES (one key a line) contain lines
# matching the glob PATTERNs in this order (other lines may come between).
in_order() {
  local lines=$1 line
  shift
  while IFS= read -r line; do
    [ $# -gt 0 ] || break
    # shellcheck disable=SC2053 # the pattern is a glob on purpose
    [[ $line == $1 ]] && shift
  done <<<"$lines"
  [ $# -eq 0 ]
}

# new_events_have NAME PATTERN...: both libvirt (virsh event) and vm-sub
# showed, since the last `since`, events of NAME matching the PATTERNs in order.
new_events_have() {
  local name=$1
  shift
  in_order "$(libvirt_keys "$name" | tail -n +$((L0 + 1)))" "$@" &&
    in_order "$(sub_keys "$name" | tail -n +$((S0 + 1)))" "$@"
}

# expect_events NAME PATTERN...: waits (60 s) for new_events_have.
expect_events() {
  local name=$1
  shift
  wait_for 60 new_events_have "$name" "$@" ||
    fail "$name: wanted [$*] since event $S0; libvirt: [$(libvirt_keys "$name" | tail -n +$((L0 + 1)) | paste -sd,)] vm-sub: [$(sub_keys "$name" | tail -n +$((S0 + 1)) | paste -sd,)]"
}

# last_event NAME KEY: vm-sub's last JSON event of NAME whose key is KEY.
last_event() {
  jq -c --arg d "$1" --arg k "$2" "$EVENT_KEY"' select(.domain.name == $d and event_key == $k)' "$SUB_OUT" | tail -n 1
}

# check_event NAME KEY JQ-CONDITION: vm-sub's last event KEY of NAME has
# the common vm-events/1 fields right (schema, host, uri, the guest's uuid,
# boot, time) and satisfies JQ-CONDITION.
check_event() {
  local ev uuid
  ev=$(last_event "$1" "$2")
  [ -n "$ev" ] || fail "$1: no event [$2] in vm-sub's output"
  uuid=$(qvsh domuuid "$1")
  jq_e --arg h "$PUB_HOST" --arg uri "$LIBVIRT_URI" --arg uuid "$uuid" --arg n "$1" '
    .schema == "vm-events/1" and .host == $h and .uri == $uri
    and .domain.name == $n and .domain.uuid == $uuid
    and (.boot | test("^[0-9a-f]{32}$")) and (.time | test("^[0-9-]{10}T[0-9:.]{12}Z$"))
    and (.seq | type) == "number" and ('"$3"')' <<<"$ev" ||
    fail "$1: event [$2] wrong: $ev (wanted $3)"
}

# check_lifecycle NAME "EVENT DETAIL" EVENT_CODE DETAIL_CODE TEXT: the last
# such lifecycle event: libvirt's codes, virsh's text, and the id libvirt
# gives the guest now ("-" for none, then null).
check_lifecycle() {
  local id
  id=$(qvsh domid "$1")
  [ "$id" = "-" ] && id=null
  check_event "$1" "lifecycle $2" ".kind == \"lifecycle\" and .event_code == $3 and .detail_code == $4
    and .text == \"$5\" and .domain.id == $id"
}

# check_seqs: vm-sub's events (all of $PUB_HOST) come from one vm-pub run
# with seq 1, 2, 3, ... (nothing lost, doubled or reordered), and vm-sub
# warned of no gap.
check_seqs() {
  jq_e -s --arg h "$PUB_HOST" 'map(select(.host == $h)) as $e
    | ($e | length) > 0 and ($e | map(.boot) | unique | length) == 1
    and ($e | map(.seq)) == [range(1; ($e | length) + 1)]' <"$SUB_OUT" ||
    fail "seqs not 1..N of one boot: $(jq -c '[.boot[0:6], .seq]' "$SUB_OUT" | paste -sd' ')"
  if grep -Eqi 'gap|duplicate|out of order' "$H_DIR/vm-sub.log"; then
    fail "vm-sub warned: $(grep -Ei 'gap|duplicate|out of order' "$H_DIR/vm-sub.log")"
  fi
}

# expect_all_events NAME: once libvirt reported NAME's undefinition (its
# last event), vm-sub printed exactly libvirt's events for NAME, in order.
expect_all_events() {
  wait_for 60 keys_match "$1" || fail "$1: vm-sub's events differ from libvirt's (diff libvirt vm-sub): $(keys_diff "$1")"
  log "$1: vm-sub showed all $(sub_keys "$1" | wc -l) events libvirt reported: $(sub_keys "$1" | awk '{print $1}' | sort | uniq -c | awk '{print $2 "x" $1}' | paste -sd' ')"
}

# require_qemu: the packages of this suite (scripts/setup.sh --tests).
require_qemu() {
  command -v qemu-system-x86_64 >/dev/null || fail "qemu-system-x86_64 is missing: run scripts/setup.sh --tests"
  [ -n "$(find /usr/lib -name libvirt_driver_qemu.so -print -quit 2>/dev/null)" ] ||
    fail "libvirt's QEMU driver is missing: run scripts/setup.sh --tests"
  [ "$(id -u)" -eq 0 ] || fail "needs root (namespaces, libvirtd's system mode)"
}

# finish_guest NAME: destroys and undefines the running guest NAME, checking
# the events and that its retained state goes; then vm-sub must have shown
# exactly libvirt's events, seq without gaps, and vm-pub stops.
finish_guest() {
  local g=$1
  since "$g"
  qvsh destroy "$g" >/dev/null
  expect_events "$g" "lifecycle stopped destroyed"
  expect_state "$g" shutoff destroyed
  qvsh undefine "$g" >/dev/null
  expect_events "$g" "lifecycle undefined removed"
  wait_for 30 state_gone "$g" || fail "$g: retained state not removed after undefine"
  expect_all_events "$g"
  check_seqs
  stop_pub
}

# start_qemu_rig: what every test of the suite starts with: the packages
# checked, a private mosquitto, libvirtd with the QEMU driver, vm-pub and
# the vm-sub that records the events.
start_qemu_rig() {
  require_qemu
  start_broker
  start_qemu_libvirtd
  start_pub_sub
}
