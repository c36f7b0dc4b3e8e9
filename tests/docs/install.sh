#!/usr/bin/env bash
# `meson install --destdir` installs exactly the expected files, where a
# Debian host looks for them: binaries, man pages (man1, man7), the systemd
# unit, bash completions (named after the commands, so bash-completion
# loads them on demand) and the example configurations.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/docs/lib.sh
source "$here/lib.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vme-install.XXXXXX")
trap 'rm -rf "$tmp" "$tmp.log"' EXIT
fail() { printf 'install: FAIL: %s\n' "$*" >&2; exit 1; }

install_tree "$tmp/root"

prefix=$(opt prefix)
bindir=$(under_prefix "$(opt bindir)")
mandir=$(under_prefix "$(opt mandir)")
datadir=$(under_prefix "$(opt datadir)")
sysconfdir=$(under_prefix "$(opt sysconfdir)")

expected=$(LC_ALL=C sort <<LIST
$bindir/vm-pub
$bindir/vm-sub
$mandir/man1/vm-pub.1
$mandir/man1/vm-sub.1
$mandir/man7/vm-events.7
$prefix/lib/systemd/system/vm-pub.service
$datadir/bash-completion/completions/vm-pub
$datadir/bash-completion/completions/vm-sub
$datadir/doc/vm-events/examples/vm-pub.conf.example
$datadir/doc/vm-events/examples/vm-sub.conf.example
$sysconfdir/vm-events/vm-pub.conf.example
$sysconfdir/vm-events/vm-sub.conf.example
LIST
)
actual=$(cd "$tmp/root" && find . -type f -o -type l | sed 's|^\.||' | LC_ALL=C sort)
if [ "$actual" != "$expected" ]; then
  diff <(echo "$expected") <(echo "$actual") >&2 || true
  fail "installed files differ from the expected list (< expected, > installed)"
fi

root=$tmp/root
for b in vm-pub vm-sub; do
  [ -x "$root$bindir/$b" ] || fail "$b is not executable"
  # The installed binary runs and knows its name (no build-tree rpath needed).
  "$root$bindir/$b" --version >"$tmp/version" 2>&1 || fail "$b --version failed: $(cat "$tmp/version")"
  grep -q '[0-9]\.[0-9]' "$tmp/version" || fail "$b --version printed no version: $(cat "$tmp/version")"
done
for f in vm-pub.conf.example vm-sub.conf.example; do
  cmp -s "$root$datadir/doc/vm-events/examples/$f" "$SOURCE_ROOT/dist/$f" || fail "$f differs from dist/$f"
done
# The installed man pages are the ones in man/ and render.
for p in man1/vm-pub.1 man1/vm-sub.1 man7/vm-events.7; do
  cmp -s "$root$mandir/$p" "$SOURCE_ROOT/man/${p#*/}" || fail "$p differs from man/${p#*/}"
  MANWIDTH=80 man -l "$root$mandir/$p" 2>&1 | grep -q '^NAME' || fail "man -l $p shows no NAME section"
done
# The installed completions register their functions.
for c in vm-pub vm-sub; do
  bash -c 'source /usr/share/bash-completion/bash_completion; source "$1"; complete -p "$2"' \
    _ "$root$datadir/bash-completion/completions/$c" "$c" >/dev/null 2>&1 \
    || fail "installed completion $c does not register for $c"
done

echo "install: ok ($(echo "$actual" | wc -l) files)"
