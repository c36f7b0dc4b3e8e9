#!/usr/bin/env bash
# Builds the Debian packages vm-pub and vm-sub (debian/) from a clean copy
# of this tree and leaves them in one directory (default: build-deb/ at the
# top of the tree):
#   build-deb/vm-pub_VERSION_ARCH.deb  build-deb/vm-sub_VERSION_ARCH.deb
# (plus the .buildinfo and .changes of the build, and its log, build.log).
#
# Build dependencies: what debian/control's Build-Depends lists and is
# missing is installed first with `apt-get build-dep` (as root, or through
# sudo), after dpkg-checkbuilddeps has printed the list.
# The copy holds the files git tracks plus new, not ignored ones (so no
# build directory), or, outside a git checkout, everything but build*/.
# Usage: scripts/package.sh [OUTDIR]
#   DEB_BUILD_OPTIONS is passed on (default: "noddebs parallel=NPROC", no
#   debug symbol packages and one compile job per CPU; add "nocheck" to
#   skip the unit tests).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/build-deb}
mkdir -p "$out"
out=$(cd "$out" && pwd)

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
say() { printf 'package: %s\n' "$*"; }

export DEBIAN_FRONTEND=noninteractive
if ! command -v dpkg-checkbuilddeps >/dev/null; then
  say "installing dpkg-dev"
  as_root apt-get update -qq
  as_root apt-get install -y -qq --no-install-recommends dpkg-dev >/dev/null
fi
if ! (cd "$top" && dpkg-checkbuilddeps); then
  say "installing the missing build dependencies (apt-get build-dep)"
  as_root apt-get update -qq
  as_root apt-get build-dep -y -qq --no-install-recommends "$top" >/dev/null
fi

version=$(cd "$top" && dpkg-parsechangelog -S Version)
work=$(mktemp -d "${TMPDIR:-/tmp}/vme-package.XXXXXX")
trap 'rm -rf "$work"' EXIT
src=$work/vm-events-$version
mkdir "$src"

# The clean copy.
if git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  (cd "$top" && git ls-files -z --cached --others --exclude-standard) |
    (cd "$top" && tar --null --files-from=- --ignore-failed-read -cf - 2>/dev/null) |
    tar -xf - -C "$src"
else
  tar -C "$top" --exclude='./build*' --exclude=./.bench -cf - . | tar -xf - -C "$src"
fi

say "building vm-events $version in $src"
(cd "$src" && DEB_BUILD_OPTIONS=${DEB_BUILD_OPTIONS-noddebs parallel=$(nproc)} \
  dpkg-buildpackage -us -uc -b >"$out/build.log" 2>&1) || {
  tail -n 60 "$out/build.log" >&2
  say "dpkg-buildpackage failed (the last lines of its log are above)" >&2
  exit 1
}

# Only the files of this build, named by the .changes file.
changes=$(ls "$work"/vm-events_"$version"_*.changes)
files=("$changes")
while read -r f; do files+=("$work/$f"); done < <(
  sed -n '/^Files:/,/^[^ ]/{/^ /p}' "$changes" | awk '{print $5}')
cp "${files[@]}" "$out"/
for f in "${files[@]}"; do
  case $f in *.deb) say "$out/$(basename "$f")" ;; esac
done
