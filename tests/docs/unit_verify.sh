#!/usr/bin/env bash
# The installed systemd unit passes `systemd-analyze verify` with no
# output at all (a warning about our unit fails the test): the unit and the
# binary come from a `meson install --destdir` of this build; ExecStart is
# pointed at the installed binary inside the destdir (verify insists that
# it exists), and MANPATH at the installed man pages (verify checks that
# Documentation=man:... pages exist). The unit's settings that the operator
# relies on are checked too.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/docs/lib.sh
source "$here/lib.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vme-unit.XXXXXX")
trap 'rm -rf "$tmp" "$tmp.log"' EXIT
fail() { printf 'unit_verify: FAIL: %s\n' "$*" >&2; exit 1; }

install_tree "$tmp/root"
bindir=$(under_prefix "$(opt bindir)")
sysconfdir=$(under_prefix "$(opt sysconfdir)")
mandir=$(under_prefix "$(opt mandir)")
unit=$tmp/root$(opt prefix)/lib/systemd/system/vm-pub.service
[ -f "$unit" ] || fail "no unit installed at ${unit#"$tmp/root"}"
[ -x "$tmp/root$bindir/vm-pub" ] || fail "no vm-pub installed in $bindir"

# The settings the brief of the unit promises, as installed.
need() { grep -qxF -- "$1" "$unit" || fail "unit lacks the line: $1"; }
need "ExecStart=$bindir/vm-pub --config $sysconfdir/vm-events/vm-pub.conf --password-file \${CREDENTIALS_DIRECTORY}/mqtt-password"
need "LoadCredential=mqtt-password:$sysconfdir/vm-events/mqtt-password"
need "Type=notify"
need "Restart=on-failure"
# shellcheck disable=SC2016  # $MAINPID is systemd's, literally
need 'ExecReload=/bin/kill -HUP $MAINPID'
need "ProtectSystem=strict"
need "ProtectHome=yes"
need "NoNewPrivileges=yes"
need "DynamicUser=yes"
need "ConditionPathExists=$sysconfdir/vm-events/vm-pub.conf"
grep -q '^After=.*libvirtd.service' "$unit" || fail "unit not ordered after libvirtd.service"
grep -q '^Wants=.*libvirtd.service' "$unit" || fail "unit does not want libvirtd.service"
grep -q '^RestrictAddressFamilies=.*AF_UNIX.*AF_INET .*AF_INET6' "$unit" || fail "unit restricts away a needed address family"
grep -q '^WatchdogSec=' "$unit" || fail "no WatchdogSec="
if grep -q '@[a-z]*@' "$unit"; then fail "unsubstituted @var@ left in the unit"; fi

mkdir "$tmp/check"
sed "s|^ExecStart=$bindir/|ExecStart=$tmp/root$bindir/|" "$unit" >"$tmp/check/vm-pub.service"
out=$(MANPATH="$tmp/root$mandir" SYSTEMD_LOG_COLOR=0 systemd-analyze verify "$tmp/check/vm-pub.service" 2>&1) \
  || fail "systemd-analyze verify exit status $?: $out"
[ -z "$out" ] || fail "systemd-analyze verify: $out"

echo "unit_verify: ok"
