# shellcheck shell=bash
# The local runtime runs every engine under bubblewrap (Debian's package
# `bubblewrap`). Installs it where it is missing and this user may, and
# checks that it can make a sandbox here.
aigc_ensure_bubblewrap() {
  if ! command -v bwrap >/dev/null; then
    local sudo=
    [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
    if command -v apt-get >/dev/null && $sudo true 2>/dev/null; then
      echo "aigc: installing bubblewrap (Debian package bubblewrap)" >&2
      $sudo apt-get update -qq >&2 &&
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq bubblewrap >&2
    else
      echo "aigc: the local runtime needs bubblewrap: install the package bubblewrap, or set aigcGateway.runtime.local.sandbox.mode: none" >&2
      return 1
    fi
  fi
  if ! bwrap --unshare-all --ro-bind / / true 2>/dev/null; then
    echo "aigc: bwrap cannot make namespaces here (are unprivileged user namespaces allowed?)" >&2
    return 1
  fi
}
