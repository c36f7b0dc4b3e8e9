#!/usr/bin/env bash
# Every man page renders cleanly: `mandoc -Tlint -W warning` and
# `groff -man -Tutf8 -ww -z` must print nothing and succeed, and each page
# must have the sections a reader looks for.
set -euo pipefail

src=${SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
failures=0
bad() { printf 'man_lint: FAIL: %s\n' "$*" >&2; failures=$((failures + 1)); }

pages=("$src"/man/*.[1-8])
[ "${#pages[@]}" -eq 3 ] || bad "expected 3 pages in man/, found ${#pages[@]}"

for page in "${pages[@]}"; do
  name=$(basename "$page")
  out=$(mandoc -Tlint -W warning "$page" 2>&1) || bad "$name: mandoc exit $?"
  [ -z "$out" ] || bad "$name: mandoc: $out"
  out=$(groff -man -Tutf8 -ww -z "$page" 2>&1) || bad "$name: groff exit $?"
  [ -z "$out" ] || bad "$name: groff: $out"
  # Rendering must produce text (catches a page that is silently empty).
  lines=$(MANWIDTH=80 mandoc -Tutf8 "$page" | wc -l)
  [ "$lines" -gt 50 ] || bad "$name: renders to only $lines lines"
done

# need PAGE SECTION...: the page has each section heading.
need() {
  local page=$1; shift
  local s
  for s in "$@"; do
    grep -q "^\.SH \"\?$s\"\?\$" "$src/man/$page" || bad "$page: no section '$s'"
  done
}
need vm-pub.1 NAME SYNOPSIS DESCRIPTION OPTIONS SIGNALS ENVIRONMENT FILES "EXIT STATUS" EXAMPLES "SEE ALSO"
need vm-sub.1 NAME SYNOPSIS DESCRIPTION OPTIONS TEMPLATES ENVIRONMENT FILES "EXIT STATUS" EXAMPLES "SEE ALSO"
need vm-events.7 NAME DESCRIPTION TOPICS PAYLOADS KINDS "LIFECYCLE TOKENS" "STATE TOKENS" \
  "RETAINED MESSAGES AND THE LAST WILL" "SEQUENCE NUMBERS" COMPATIBILITY "BROKER REQUIREMENTS" "SEE ALSO"

# The documented exit statuses of vm-sub are the ones in subscriber/options.h.
if [ -f "$src/subscriber/options.h" ]; then
  for code in $(grep -o 'kExit[A-Za-z]* = [0-9]*' "$src/subscriber/options.h" | awk '{print $3}'); do
    grep -q "^\.B $code\$" "$src/man/vm-sub.1" || bad "vm-sub.1: exit status $code not documented"
  done
fi

if [ "$failures" -ne 0 ]; then
  echo "man_lint: $failures failure(s)" >&2
  exit 1
fi
echo "man_lint: ok (${#pages[@]} pages)"
