# shellcheck shell=bash
# The browser tests drive Debian's Chromium; browser downloads are not used.
aigc_ensure_chromium() {
  if [ ! -x /usr/bin/chromium ]; then
    echo "aigc: installing Chromium (Debian package chromium)" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
  fi
  export AIGC_CHROMIUM=/usr/bin/chromium
}
