#!/usr/bin/env bash
# Runs the whole test suite from a fresh clone: installs what is missing,
# builds twice (plain, and with AddressSanitizer + UBSan), runs every meson
# test suite in both builds (each test starts and stops its own private
# mosquitto and libvirtd) except "package" (the Debian packages are built
# from the sources, not from either build: once is enough), and prints one
# closing line "tests: N passed, N failed, N skipped". A skipped test (exit
# 77, meson's SKIP) is named on its own line and counted as skipped, never
# as passed; skips alone do not make the run fail.
# Usage: scripts/test.sh            (as root, or with sudo available)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh --tests

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -E "$@"; fi; }

configure() {  # configure DIR [meson options...]
  local dir=$1; shift
  if [ -f "$dir/build.ninja" ]; then
    meson configure "$dir" "$@" >/dev/null
  else
    meson setup "$dir" "$@" >/dev/null
  fi
}

passed=0
failed=0
skipped=0
run_suites() {  # run_suites DIR LABEL [meson test options...]
  local dir=$1 label=$2
  shift 2
  echo "=== $label: build"
  meson compile -C "$dir"
  echo "=== $label: test"
  # Only this run's results are counted: a log left by an earlier run is removed first.
  local log=$dir/meson-logs/testlog.json
  as_root rm -f "$log"
  local rc=0
  as_root meson test -C "$dir" --print-errorlogs --num-processes 2 "$@" || rc=$?
  local p=0 f=0 s=0 name
  if [ -f "$log" ] && jq -s . "$log" >/dev/null 2>&1; then
    # meson's results: OK, EXPECTEDFAIL (passed), SKIP (skipped), anything
    # else (FAIL, TIMEOUT, UNEXPECTEDPASS, ERROR, ...) failed.
    p=$(jq -s '[.[] | select(.result == "OK" or .result == "EXPECTEDFAIL")] | length' "$log")
    f=$(jq -s '[.[] | select(.result != "OK" and .result != "EXPECTEDFAIL" and .result != "SKIP")] | length' "$log")
    s=$(jq -s '[.[] | select(.result == "SKIP")] | length' "$log")
    while IFS= read -r name; do
      echo "skipped: $label: $name"
    done < <(jq -r 'select(.result == "SKIP") | .name | sub("^.* / "; "")' "$log")
  else
    echo "=== $label: meson test wrote no readable $log"
    f=1
  fi
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
  [ "$rc" -eq 0 ] || [ "$f" -gt 0 ] || failed=$((failed + 1))
}

configure build -Dwerror=true
run_suites build "plain build"

configure build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug -Dwerror=true
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp:print_suppressions=0 \
  run_suites build-asan "sanitized build (address,undefined)" --no-suite package

echo "=== fuzz: libFuzzer targets, 60 s each (clang, address,undefined)"
fuzz_out=$(scripts/fuzz.sh 60 2>&1) || true
echo "$fuzz_out"
ok=$(grep -c '^fuzz: .* ok' <<<"$fuzz_out" || true)
bad=$(grep -c 'FAILED' <<<"$fuzz_out" || true)
passed=$((passed + ok)); failed=$((failed + bad))
[ $((ok + bad)) -gt 0 ] || failed=$((failed + 1))

echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
