#!/usr/bin/env bash
# The bash completions of vm-pub and vm-sub, run through bash-completion
# itself: options, option values, comma lists, template fields, --exec, and
# the kind list against the library's own table (KIND_LIST: a program that
# prints vme::all_kind_names(), one per line).
# No `set -eu`: bash-completion's functions are not written for it.
set -o pipefail

src=${SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
failures=0
bad() { printf 'completion: FAIL: %s\n' "$*" >&2; failures=$((failures + 1)); }

# shellcheck disable=SC1091
source /usr/share/bash-completion/bash_completion
# shellcheck disable=SC1091
source "$src/dist/completions/vm-pub"
# shellcheck disable=SC1091
source "$src/dist/completions/vm-sub"
# Outside a real completion the builtin compopt refuses to run.
compopt() { return 0; }

# complete_line FUNC WORD...: COMPREPLY for the command line WORD... with the
# cursor at the end of the last word (an empty last word = after a space).
complete_line() {
  local func=$1; shift
  COMP_WORDS=("$@")
  COMP_CWORD=$(($# - 1))
  COMP_LINE="$*"
  COMP_POINT=${#COMP_LINE}
  COMPREPLY=()
  "$func" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
}

# expect_exact "WANTED WORDS, C-SORTED" FUNC WORD...: COMPREPLY must be exactly these.
expect_exact() {
  local want=$1; shift
  complete_line "$@"
  local got
  got=$(printf '%s\n' "${COMPREPLY[@]}" | LC_ALL=C sort | paste -sd' ')
  [ "$got" = "$want" ] || bad "'${*:2}': got '$got', want '$want'"
}

# expect_has WORD FUNC WORD...: COMPREPLY must contain WORD.
expect_has() {
  local want=$1; shift
  complete_line "$@"
  local w
  for w in "${COMPREPLY[@]}"; do [ "$w" = "$want" ] && return 0; done
  bad "'${*:2}': '$want' not among: ${COMPREPLY[*]:-nothing}"
}

# expect_lacks WORD FUNC WORD...: COMPREPLY must not contain WORD.
expect_lacks() {
  local unwanted=$1; shift
  complete_line "$@"
  local w
  for w in "${COMPREPLY[@]}"; do [ "$w" != "$unwanted" ] || bad "'${*:2}': '$unwanted' offered"; done
}

# --- the functions are registered for the commands
complete -p vm-pub | grep -q -- '-F _vm_pub' || bad "vm-pub has no completion function"
complete -p vm-sub | grep -q -- '-F _vm_sub' || bad "vm-sub has no completion function"

# --- options
expect_exact "--output" _vm_sub vm-sub --out
expect_exact "--color --config --connect-timeout --count" _vm_sub vm-sub --co
expect_has "--list-wait" _vm_sub vm-sub --li
expect_has "--no-gap-check" _vm_sub vm-sub --no
expect_exact "--watch" _vm_sub vm-sub --wa
expect_lacks "--watch" _vm_pub vm-pub --
expect_exact "--drain-timeout" _vm_pub vm-pub --dr
expect_has "--stdout" _vm_pub vm-pub --st
expect_lacks "--list" _vm_pub vm-pub --
expect_lacks "--stdout" _vm_sub vm-sub --

# --- option values
expect_exact "cloudevents human json template" _vm_sub vm-sub -o ""
expect_exact "json" _vm_sub vm-sub --output j
expect_exact "always auto never" _vm_sub vm-sub --color ""
expect_exact "3.1.1 5" _vm_sub vm-sub -V ""
expect_exact "3.1.1 5" _vm_pub vm-pub --mqtt-version ""
expect_exact "0 1 2" _vm_pub vm-pub -q ""
expect_exact "cloudevents json text" _vm_pub vm-pub --payload ""
expect_exact "mqtt:// mqtts://" _vm_pub vm-pub -b mq
expect_exact "tray-change tunable" _vm_sub vm-sub --kind t
expect_exact "block-job block-job-2 block-threshold" _vm_sub vm-sub --kind bl
expect_exact "shutdown started stopped suspended" _vm_sub vm-sub --event s
# `--opt=value`: bash splits the word at '=', bash-completion joins it again.
COMP_WORDS=(vm-sub --output "=" j); COMP_CWORD=3; COMP_LINE="vm-sub --output=j"; COMP_POINT=${#COMP_LINE}
COMPREPLY=(); _vm_sub vm-sub j =
[ "${COMPREPLY[*]}" = "json" ] || bad "'vm-sub --output=j': got '${COMPREPLY[*]}', want 'json'"

# --- a comma-separated kind list completes its last item only
expect_exact "lifecycle,reboot lifecycle,rtc-change" _vm_pub vm-pub --events lifecycle,r
expect_exact "watchdog" _vm_pub vm-pub --events wa

# --- template fields
expect_exact "{localtime}" _vm_sub vm-sub -F "{loc"
expect_exact "{host} {detail_code} {host} {detail}" _vm_sub vm-sub -F "{host} {det"
expect_exact "{fields." _vm_sub vm-sub --format "{fie"

# --- files for file options
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
touch "$tmp/ca.pem" "$tmp/client.key"
mkdir "$tmp/certs"
expect_has "$tmp/ca.pem" _vm_pub vm-pub --cafile "$tmp/c"
expect_has "$tmp/client.key" _vm_sub vm-sub --key "$tmp/cl"
expect_exact "$tmp/certs" _vm_pub vm-pub --capath "$tmp/c"

# --- after --exec, commands and their own arguments
expect_has "true" _vm_sub vm-sub --event stopped --exec tru
expect_lacks "--output" _vm_sub vm-sub --exec ls --out

# --- the kind list is the library's, and the man page's
if [ -n "${KIND_LIST:-}" ]; then
  want=$("$KIND_LIST" | xargs)
  [ -n "$want" ] || bad "kind list program printed nothing"
  # shellcheck disable=SC2154
  for v in "$_vm_pub_kinds" "$_vm_sub_kinds"; do
    # shellcheck disable=SC2086  # split the list into words
    got=$(printf '%s\n' $v | xargs)
    [ "$got" = "$want" ] || bad "completion kinds '$got' != library kinds '$want'"
  done
  # The list of .B lines after "in this order:" in KINDS.
  man_kinds=$(awk '/^\.SH KINDS/ { k = 1 } k && /in this order:/ { o = 1; next }
                   o && /^\.PP/ { n++; if (n == 2) exit; next } o && /^\.B / { print }' "$src/man/vm-events.7" |
              sed 's/^\.B //; s/\\-/-/g' | xargs)
  [ "$man_kinds" = "$want" ] || bad "vm-events(7) kinds '$man_kinds' != library kinds '$want'"
fi

if [ "$failures" -ne 0 ]; then
  echo "completion: $failures failure(s)" >&2
  exit 1
fi
echo "completion: ok"
