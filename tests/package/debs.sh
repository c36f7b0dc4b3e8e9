#!/usr/bin/env bash
# The Debian packages, as scripts/package.sh builds them from a clean copy
# of the tree (DEB_BUILD_OPTIONS=nocheck: the unit tests run in the other
# suites):
# - both .debs are built, debian/changelog's version is the project's;
# - lintian reports no error and no warning (overrides carry a reason);
# - each package holds exactly its files (dpkg-deb -c), vm-pub's unit and
#   the /etc examples are the ones in dist/, vm-sub depends on no libvirt
#   library, vm-pub on libvirt0 and recommends the libvirt daemon;
# - the packaged unit runs vm-pub unprivileged (DynamicUser=), is skipped
#   without a configuration, and its `systemd-analyze security` exposure is
#   below 5.0 and the figure README.md reports;
# - as root (it changes the machine): `apt-get install ./*.deb`,
#   vm-pub --version, man -w vm-sub, systemd-analyze verify of the installed
#   unit, the unit left disabled, and `apt-get purge` leaves none of the
#   packages' files. Not as root the test ends there with exit 77, which
#   meson reports as SKIP: the install step did not run, so it did not pass.
set -euo pipefail
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vme-debs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { printf 'package: FAIL: %s\n' "$*" >&2; exit 1; }
log() { printf 'package: %s\n' "$*" >&2; }

# ------------------------------------------------------------ build
changelog_version=$(cd "$SOURCE_ROOT" && dpkg-parsechangelog -S Version)
[ "$changelog_version" = "$VME_VERSION" ] \
  || fail "debian/changelog is at $changelog_version, meson.build at $VME_VERSION"
t0=$SECONDS
DEB_BUILD_OPTIONS="nocheck noddebs parallel=$(nproc)" "$SOURCE_ROOT/scripts/package.sh" "$tmp/out" >"$tmp/package.log" 2>&1 \
  || { cat "$tmp/package.log" >&2; fail "scripts/package.sh failed"; }
log "built in $((SECONDS - t0)) s"
arch=$(dpkg --print-architecture)
pub_deb=$tmp/out/vm-pub_${VME_VERSION}_$arch.deb
sub_deb=$tmp/out/vm-sub_${VME_VERSION}_$arch.deb
for d in "$pub_deb" "$sub_deb"; do [ -f "$d" ] || fail "no ${d##*/} (got: $(ls "$tmp/out"))"; done

# ------------------------------------------------------------ lintian
lintian "$tmp/out"/vm-events_*.changes >"$tmp/lintian.log" 2>&1 || true
if grep -E '^[EW]: ' "$tmp/lintian.log" >&2; then fail "lintian reports errors or warnings (above)"; fi
grep -qE '^[EW]: |^[IN]: |^$|root privileges' -v "$tmp/lintian.log" \
  && { cat "$tmp/lintian.log" >&2; fail "lintian printed something unexpected"; }
for o in "$SOURCE_ROOT"/debian/*lintian-overrides "$SOURCE_ROOT"/debian/source/lintian-overrides; do
  [ -f "$o" ] || continue
  # An override is preceded by a comment line: its reason.
  awk '!/^#/ && NF && prev !~ /^#/ {bad=1; print FILENAME ": " $0} {prev=$0} END {exit bad}' "$o" >&2 \
    || fail "an override without a reason (a '#' line just before it)"
done

# ------------------------------------------------------------ contents
files_of() { dpkg-deb -c "$1" | awk '$1 !~ /^d/ {print $6}' | sed 's|^\./|/|' | LC_ALL=C sort; }
expect() { LC_ALL=C sort; }
pub_expected=$(expect <<'LIST'
/etc/vm-events/vm-pub.conf.example
/usr/bin/vm-pub
/usr/lib/systemd/system/vm-pub.service
/usr/share/bash-completion/completions/vm-pub
/usr/share/doc/vm-pub/changelog.gz
/usr/share/doc/vm-pub/copyright
/usr/share/man/man1/vm-pub.1.gz
LIST
)
sub_expected=$(expect <<'LIST'
/etc/vm-events/vm-sub.conf.example
/usr/bin/vm-sub
/usr/share/bash-completion/completions/vm-sub
/usr/share/doc/vm-sub/changelog.gz
/usr/share/doc/vm-sub/copyright
/usr/share/man/man1/vm-sub.1.gz
/usr/share/man/man7/vm-events.7.gz
LIST
)
check_files() {  # check_files DEB EXPECTED
  local actual
  actual=$(files_of "$1")
  if [ "$actual" != "$2" ]; then
    diff <(echo "$2") <(echo "$actual") >&2 || true
    fail "${1##*/} holds other files than expected (< expected, > in the package)"
  fi
}
check_files "$pub_deb" "$pub_expected"
check_files "$sub_deb" "$sub_expected"

field() { dpkg-deb -f "$1" "$2"; }
sub_depends=$(field "$sub_deb" Depends)
[ -n "$sub_depends" ] || fail "vm-sub has no Depends (shlibs not computed?)"
if grep -qi 'libvirt' <<<"$sub_depends"; then fail "vm-sub depends on libvirt: $sub_depends"; fi
grep -q 'libmosquitto1' <<<"$sub_depends" || fail "vm-sub does not depend on libmosquitto1: $sub_depends"
pub_depends=$(field "$pub_deb" Depends)
grep -q 'libvirt0' <<<"$pub_depends" || fail "vm-pub does not depend on libvirt0: $pub_depends"
grep -q 'libmosquitto1' <<<"$pub_depends" || fail "vm-pub does not depend on libmosquitto1: $pub_depends"
grep -q 'libvirt-daemon' <<<"$(field "$pub_deb" Recommends)" || fail "vm-pub does not recommend the libvirt daemon"
for p in "$pub_deb" "$sub_deb"; do
  [ "$(field "$p" Version)" = "$VME_VERSION" ] || fail "${p##*/} has version $(field "$p" Version)"
done

# What the files are: the binaries run, the examples and man pages are
# dist/'s and man/'s, the unit is dist/'s with the paths filled in.
x=$tmp/x
dpkg-deb -x "$pub_deb" "$x"
dpkg-deb -x "$sub_deb" "$x"
for b in vm-pub vm-sub; do
  v=$("$x/usr/bin/$b" --version 2>&1) || fail "packaged $b --version failed: $v"
  grep -qF "$VME_VERSION" <<<"$v" || fail "packaged $b --version does not say $VME_VERSION: $v"
done
for f in vm-pub.conf.example vm-sub.conf.example; do
  cmp -s "$x/etc/vm-events/$f" "$SOURCE_ROOT/dist/$f" || fail "packaged $f differs from dist/$f"
done
for m in man1/vm-pub.1 man1/vm-sub.1 man7/vm-events.7; do
  zcat "$x/usr/share/man/$m.gz" | cmp -s - "$SOURCE_ROOT/man/${m#*/}" || fail "packaged $m differs from man/${m#*/}"
done
unit=$x/usr/lib/systemd/system/vm-pub.service
sed 's|@bindir@|/usr/bin|g; s|@sysconfdir@|/etc|g' "$SOURCE_ROOT/dist/vm-pub.service.in" | cmp -s - "$unit" \
  || fail "packaged unit is not dist/vm-pub.service.in for /usr and /etc"
grep -qx 'DynamicUser=yes' "$unit" || fail "packaged unit does not run vm-pub as a dynamic user"
if grep -qE '^User=root|^DynamicUser=no' "$unit"; then fail "packaged unit runs vm-pub as root"; fi
grep -qx 'ConditionPathExists=/etc/vm-events/vm-pub.conf' "$unit" \
  || fail "packaged unit would start (and fail) without /etc/vm-events/vm-pub.conf"
security=$(systemd-analyze security --offline=true --no-pager "$unit" 2>&1) || fail "systemd-analyze security: $security"
exposure=$(sed -n 's/.*Overall exposure level for vm-pub.service: \([0-9.]*\).*/\1/p' <<<"$security")
[ -n "$exposure" ] || fail "no exposure level in: $(tail -n 3 <<<"$security")"
awk -v e="$exposure" 'BEGIN {exit !(e < 5.0)}' || fail "exposure level $exposure is not below 5.0"
grep -qF "exposure level $exposure" "$SOURCE_ROOT/README.md" \
  || fail "README.md does not report the measured exposure level $exposure"
log "exposure level $exposure"

# ------------------------------------------------------------ install
if [ "$(id -u)" -ne 0 ]; then
  log "SKIP: installing the .debs needs root (running as uid $(id -u)); the checks above passed"
  exit 77
fi
for p in vm-pub vm-sub; do
  if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'installed'; then
    fail "$p is already installed on this machine; not touching it"
  fi
done
purge() { DEBIAN_FRONTEND=noninteractive apt-get purge -y -q vm-pub vm-sub >>"$tmp/apt.log" 2>&1; }
trap 'purge || true; rm -rf "$tmp"' EXIT
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$pub_deb" "$sub_deb" \
  >"$tmp/apt.log" 2>&1 || { cat "$tmp/apt.log" >&2; fail "apt-get install of the .debs failed"; }
installed=$(dpkg -L vm-pub vm-sub | LC_ALL=C sort -u)

v=$(vm-pub --version 2>&1) || fail "installed vm-pub --version failed: $v"
grep -qF "$VME_VERSION" <<<"$v" || fail "installed vm-pub --version: $v"
[ "$(command -v vm-pub)" = /usr/bin/vm-pub ] || fail "vm-pub on PATH is $(command -v vm-pub)"
page=$(man -w vm-sub) || fail "man -w vm-sub finds no page"
[ "$page" = /usr/share/man/man1/vm-sub.1.gz ] || fail "man -w vm-sub: $page"
man -w 7 vm-events >/dev/null || fail "man -w 7 vm-events finds no page"
out=$(SYSTEMD_LOG_COLOR=0 systemd-analyze verify /usr/lib/systemd/system/vm-pub.service 2>&1) \
  || fail "systemd-analyze verify of the installed unit: $out"
[ -z "$out" ] || fail "systemd-analyze verify of the installed unit: $out"
state=$(systemctl is-enabled vm-pub.service 2>&1 || true)
[ "$state" = disabled ] || fail "the installed unit is '$state', not disabled until configured"

purge || { cat "$tmp/apt.log" >&2; fail "apt-get purge failed"; }
for p in vm-pub vm-sub; do
  st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  case $st in ""|"unknown ok not-installed"|"purge ok not-installed") ;; *) fail "$p after purge: $st" ;; esac
done
left=()
while IFS= read -r f; do
  [ -n "$f" ] || continue
  if [ -d "$f" ] && [ ! -L "$f" ]; then continue; fi   # shared directories (/usr/bin, ...)
  if [ -e "$f" ] || [ -L "$f" ]; then left+=("$f"); fi
done <<<"$installed"
for d in /etc/vm-events /usr/share/doc/vm-pub /usr/share/doc/vm-sub; do
  if [ -e "$d" ]; then left+=("$d"); fi
done
[ ${#left[@]} -eq 0 ] || fail "purge left behind: ${left[*]}"
log "ok (installed, used and purged; $(wc -l <<<"$installed") paths)"
