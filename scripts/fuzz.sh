#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (AddressSanitizer + UBSan) and runs
# each for SECONDS (default 60) from the seed corpus in tests/fuzz/corpus/.
# New inputs found go to build-fuzz/corpus/, never into the source tree.
# Usage: scripts/fuzz.sh [SECONDS]        e.g. scripts/fuzz.sh 3600 for a long run
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}

if [ ! -f build-fuzz/build.ninja ]; then
  CXX=clang++ meson setup build-fuzz -Dfuzz=true -Dtests=disabled -Db_lundef=false >/dev/null
fi
meson compile -C build-fuzz fuzz-payload fuzz-topic >/dev/null

status=0
for target in payload topic; do
  corpus=build-fuzz/corpus/$target
  mkdir -p "$corpus"
  echo "fuzz: $target for ${seconds}s"
  if ./build-fuzz/tests/fuzz/fuzz-$target -max_total_time="$seconds" -max_len=65536 \
       -print_final_stats=1 "$corpus" "tests/fuzz/corpus/$target" >build-fuzz/fuzz-$target.log 2>&1; then
    echo "fuzz: $target ok ($(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' build-fuzz/fuzz-$target.log | grep -o '[0-9]*$') runs)"
  else
    echo "fuzz: $target FAILED; see build-fuzz/fuzz-$target.log"
    tail -n 30 build-fuzz/fuzz-$target.log
    status=1
  fi
done
exit "$status"
