# Shared by the docs tests: an installed copy of the build.
# Needs BUILD_ROOT (set by meson) and jq.

# opt NAME: the value of the build's meson option NAME (prefix, bindir, ...).
opt() {
  meson introspect --buildoptions "$BUILD_ROOT" | jq -r --arg n "$1" '.[] | select(.name == $n) | .value'
}

# under_prefix DIR: DIR made absolute under the prefix (meson's rule:
# an absolute DIR, like sysconfdir /etc for prefix /usr, stays as it is).
under_prefix() {
  case $1 in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s/%s\n' "$(opt prefix)" "$1" ;;
  esac
}

# install_tree DESTDIR: `meson install --destdir` of the finished build
# (--no-rebuild: the tests run while the build tree must not change).
install_tree() {
  meson install -C "$BUILD_ROOT" --no-rebuild --quiet --destdir "$1" >"$1.log" 2>&1 || {
    cat "$1.log" >&2
    return 1
  }
}
