#!/usr/bin/env bash
# The man pages and the bash completions name exactly the options that the
# programs accept: the long (and short) options in `vm-pub --help` and
# `vm-sub --help` are compared, both ways, with the options documented in
# the OPTIONS section of vm-pub(1) / vm-sub(1) and with what the completion
# offers for "--" and "-".
set -uo pipefail

src=${SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
failures=0
bad() { printf 'options_sync: FAIL: %s\n' "$*" >&2; failures=$((failures + 1)); }

# shellcheck disable=SC1091
source /usr/share/bash-completion/bash_completion
compopt() { return 0; }

# help_options BINARY: every option of its --help, one per line, sorted.
help_options() {
  "$1" --help 2>&1 | grep -oE '(^|[ ,])--?[a-zA-Z][a-zA-Z0-9-]*' | sed 's/^[ ,]*//' | LC_ALL=C sort -u
}

# man_options PAGE: options in the headings (.TP lines) of the OPTIONS section.
man_options() {
  sed -n '/^\.SH OPTIONS/,/^\.SH [^O]/p' "$1" |
    awk 'prev == ".TP" { print } { prev = $0 }' |
    grep -oE '\\-\\?-?[a-zA-Z][a-zA-Z0-9\\-]*' | sed 's/\\//g' | grep '^-' | LC_ALL=C sort -u
}

# completion_options FILE FUNC CMD: what the completion offers for "--" and "-".
completion_options() {
  # shellcheck disable=SC1090
  source "$1"
  local word all=()
  for word in -- -; do
    COMP_WORDS=("$3" "$word"); COMP_CWORD=1; COMP_LINE="$3 $word"; COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    "$2" "$3" "$word" "$3"
    all+=("${COMPREPLY[@]}")
  done
  printf '%s\n' "${all[@]}" | LC_ALL=C sort -u
}

# compare WHAT A_NAME A B_NAME B: reports the differences of two sorted lists.
compare() {
  local what=$1 an=$2 a=$3 bn=$4 b=$5 only
  only=$(LC_ALL=C comm -23 <(echo "$a") <(echo "$b") | paste -sd' ')
  [ -z "$only" ] || bad "$what: in $an but not in $bn: $only"
  only=$(LC_ALL=C comm -13 <(echo "$a") <(echo "$b") | paste -sd' ')
  [ -z "$only" ] || bad "$what: in $bn but not in $an: $only"
}

for tool in vm-pub vm-sub; do
  case $tool in
    vm-pub) bin=${VM_PUB:?VM_PUB not set}; func=_vm_pub ;;
    vm-sub) bin=${VM_SUB:?VM_SUB not set}; func=_vm_sub ;;
  esac
  help=$(help_options "$bin")
  [ "$(echo "$help" | grep -c -- '^--')" -gt 10 ] || bad "$tool --help lists too few options: $help"
  compare "$tool" "--help" "$help" "$tool.1" "$(man_options "$src/man/$tool.1")"
  compare "$tool" "--help" "$help" "its completion" "$(completion_options "$src/dist/completions/$tool" "$func" "$tool")"
done

if [ "$failures" -ne 0 ]; then
  echo "options_sync: $failures failure(s)" >&2
  exit 1
fi
echo "options_sync: ok"
