#!/usr/bin/env bash
# Lint of the test and helper scripts. Fails, naming FILE:LINE, on
#  (a) `jq -e` / `jq --exit-status` (also combined, as in `jq -se`, or after
#      the filter) in tests/, scripts/ and bench/: jq 1.6 -e exits 0 when
#      there is no input at all, so such a check passes on an empty file.
#      Use jq_e (tests/lib/harness.sh) with the JSON on stdin, or compare a
#      value: [ "$(jq -r .x FILE)" = "expected" ]. The jq_e definition
#      itself is not checked.
#  (b) a `sleep` in tests/**/*.sh without "# pause: <why>" (a deliberate
#      wait: an outage, time for a timer to fire, proving that something
#      does not happen) or "# poll: <why>" (the sleep of a polling loop with
#      a deadline) on the same line. A fixed sleep is no readiness check:
#      wait_for the condition instead.
# Comments are not checked, nor tests/lint/ (its scripts hold both patterns
# as test data). Shell scripts are the *.sh files and the files whose first
# line names sh or bash.
# Usage: checks.sh [ROOT]   (default: $SOURCE_ROOT, the source tree)
set -euo pipefail
root=${1:-${SOURCE_ROOT:?checks.sh: give the source root as an argument or in SOURCE_ROOT}}
[ -d "$root" ] || { echo "lint: no directory $root" >&2; exit 2; }
cd "$root"

# shell_files DIR...: the shell scripts under DIR (relative paths, sorted).
shell_files() {
  local d f
  for d in "$@"; do
    [ -d "$d" ] || continue
    find "$d" -type f ! -path '*/corpus/*' ! -path 'tests/lint/*' -print
  done | LC_ALL=C sort | while IFS= read -r f; do
    case $f in
      *.sh) printf '%s\n' "$f" ;;
      *.*) ;;
      *) head -n 1 "$f" 2>/dev/null | grep -qE '^#!.*\b(ba)?sh\b' && printf '%s\n' "$f" || true ;;
    esac
  done
}

jq_files=$(shell_files tests scripts bench)
sleep_files=$(shell_files tests | grep '\.sh$' || true)

out=$(JQ_FILES=$jq_files SLEEP_FILES=$sleep_files perl -e '
use strict; use warnings;
my @problems;

# code_of LINE: the line without its comment (a "#" at the start or after
# blank space, outside quotes).
sub code_of {
  my ($line) = @_;
  my ($q, $out, $prev) = ("", "", " ");
  for my $c (split //, $line) {
    if ($q) { $q = "" if $c eq $q; }
    elsif ($c eq "\x27" || $c eq "\"") { $q = $c; }
    elsif ($c eq "#" && $prev =~ /\s/) { last; }
    $out .= $c; $prev = $c;
  }
  return $out;
}

# jq_exit_status CODE: true when CODE runs jq with -e / --exit-status.
sub jq_exit_status {
  my ($code) = @_;
  while ($code =~ /(?:^|[\s|;&(`])jq(?=\s)/g) {
    my $rest = substr($code, pos($code));
    # The words of this jq command, up to an unquoted | ; & ) < > or backtick.
    my (@words, $w, $q, $inword) = ((), "", "", 0);
    for my $c (split //, $rest) {
      if ($q) { if ($c eq $q) { $q = "" } else { $w .= $c } next; }
      if ($c eq "\x27" || $c eq "\"") { $q = $c; $inword = 1; next; }
      if ($c =~ /[|;&)<>`]/) { last; }
      if ($c =~ /\s/) { push @words, $w if $inword; $w = ""; $inword = 0; next; }
      $w .= $c; $inword = 1;
    }
    push @words, $w if $inword;
    for my $word (@words) {
      return 1 if $word eq "--exit-status" || $word =~ /^-[a-zA-Z]*e[a-zA-Z]*$/;
    }
  }
  return 0;
}

for my $file (split /\n/, $ENV{JQ_FILES}) {
  open my $fh, "<", $file or die "$file: $!";
  my ($logical, $start, $in_def) = ("", 0, 0);
  while (my $line = <$fh>) {
    chomp $line;
    # The jq_e definition: from "jq_e() {" to its closing "}".
    if (!$in_def && $line =~ /^\s*jq_e\s*\(\)/) { $in_def = ($line =~ /\}\s*$/) ? 0 : 1; next; }
    if ($in_def) { $in_def = 0 if $line =~ /^\s*\}/; next; }
    my $code = code_of($line);
    $start = $. if $logical eq "";
    if ($code =~ s/\\$//) { $logical .= $code . " "; next; }   # continued on the next line
    $logical .= $code;
    push @problems, "$file:$start: jq -e / --exit-status (passes on empty input): use jq_e FILTER <FILE, or compare a value"
      if jq_exit_status($logical);
    $logical = "";
  }
  close $fh;
}

for my $file (split /\n/, $ENV{SLEEP_FILES}) {
  open my $fh, "<", $file or die "$file: $!";
  while (my $line = <$fh>) {
    chomp $line;
    my $code = code_of($line);
    # sleep as a command: followed by a duration (a number, a $ expansion or infinity).
    next unless $code =~ /(?:^|[\s;&|(`{"\x27])sleep\s+["\x27]?(?:[0-9.]|\$|infinity)/;
    next if $line =~ /#\s*(?:pause|poll):\s*\S/;
    push @problems, "$file:$.: sleep without \"# pause: <why>\" or \"# poll: <why>\": wait_for the condition it waits for, or say why it is a pause";
  }
  close $fh;
}

print "$_\n" for @problems;
') || { echo "lint: the checker failed" >&2; exit 2; }

if [ -n "$out" ]; then
  printf '%s\n' "$out" >&2
  echo "lint: $(grep -c . <<<"$out") problem(s) in $root" >&2
  exit 1
fi
echo "lint: ok ($(grep -c . <<<"$jq_files") scripts checked for jq -e, $(grep -c . <<<"$sleep_files") for sleeps)"
