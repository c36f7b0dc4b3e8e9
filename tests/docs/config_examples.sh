#!/usr/bin/env bash
# The example configurations (dist/*.conf.example) use only option names
# the programs accept, and the programs really read them: with the example
# lines uncommented (all but those naming files that do not exist here),
# neither tool reports a usage error (exit 2).
set -uo pipefail

src=${SOURCE_ROOT:?}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vme-conf.XXXXXX")
pid=""
trap '[ -z "$pid" ] || kill -KILL "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
failures=0
bad() { printf 'config_examples: FAIL: %s\n' "$*" >&2; failures=$((failures + 1)); }

# keys FILE: the option names of the "#key = value" example lines.
keys() { sed -n 's/^#\([a-z][a-z0-9-]*\) = .*/\1/p' "$1" | sort -u; }

# uncommented FILE SKIP-REGEX: the example with its option lines switched
# on, except the keys matching SKIP-REGEX; the broker made unreachable.
uncommented() {
  sed -n 's/^#\([a-z][a-z0-9-]* = .*\)/\1/p' "$1" | grep -Ev "^($2) = " |
    sed 's|^broker = .*|broker = mqtt://127.0.0.1:1|'
}

for tool in vm-pub vm-sub; do
  case $tool in vm-pub) bin=${VM_PUB:?} ;; vm-sub) bin=${VM_SUB:?} ;; esac
  example=$src/dist/$tool.conf.example
  n=$(keys "$example" | wc -l)
  [ "$n" -ge 10 ] || bad "$tool.conf.example shows only $n options"
  help=$("$bin" --help)
  for k in $(keys "$example"); do
    grep -qE -- "(^|[ ,])--$k([ =]|\$)" <<<"$help" || bad "$tool.conf.example: '$k' is not an option of $tool"
  done
done

# vm-sub: a usage error exits 2 at once; a readable config leads to the
# connection attempt, which fails (exit 69, no broker) after --retries 1.
uncommented "$src/dist/vm-sub.conf.example" 'password-file|cafile|capath|cert|key|insecure|format' >"$tmp/vm-sub.conf"
rc=0
XDG_CONFIG_HOME=$tmp/none "$VM_SUB" --config "$tmp/vm-sub.conf" --list --retries 1 -W 20 >"$tmp/out" 2>"$tmp/err" || rc=$?
[ "$rc" -eq 69 ] || bad "vm-sub with the example config: exit $rc, want 69 (broker unreachable): $(cat "$tmp/err")"
grep -q 'vm-sub: cannot connect' "$tmp/err" || bad "vm-sub did not try the broker: $(cat "$tmp/err")"

# vm-pub: with a readable config it keeps running (retrying the broker)
# until SIGTERM, then exits 0.
uncommented "$src/dist/vm-pub.conf.example" 'password-file|cafile|capath|cert|key|insecure|topic|payload|connect' >"$tmp/vm-pub.conf"
echo "drain-timeout = 1" >>"$tmp/vm-pub.conf"
"$VM_PUB" --config "$tmp/vm-pub.conf" -c test:///default >"$tmp/out" 2>"$tmp/err" &
pid=$!
# It has read the config once it tries the broker ("broker ...: ... (retrying)");
# at most 10 s, or until it exits.
for _ in $(seq 1 100); do
  grep -q 'broker .*(retrying)' "$tmp/err" 2>/dev/null && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1  # poll: vm-pub's first broker attempt (at most 10 s)
done
grep -q 'broker .*(retrying)' "$tmp/err" || bad "vm-pub with the example config did not try the broker: $(cat "$tmp/err")"
if kill -0 "$pid" 2>/dev/null; then
  kill -TERM "$pid"
  rc=0; wait "$pid" || rc=$?; pid=""
  [ "$rc" -eq 0 ] || bad "vm-pub with the example config: exit $rc after SIGTERM, want 0: $(cat "$tmp/err")"
else
  rc=0; wait "$pid" || rc=$?; pid=""
  bad "vm-pub with the example config exited at once ($rc): $(cat "$tmp/err")"
fi

if [ "$failures" -ne 0 ]; then
  echo "config_examples: $failures failure(s)" >&2
  exit 1
fi
echo "config_examples: ok"
