#!/usr/bin/env bash
# Installs the built backend into a folder the way packages/backend/Dockerfile
# builds its image: the skeleton and lockfile, production dependencies only,
# then the bundle, the configs and the metrics exporter. Run `yarn build:all`
# first.  test/production/install.sh <folder>
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/../../scripts/lib/toolchain.sh"
dest="${1:?usage: install.sh <folder>}"
dist="$AIGC_ROOT/packages/backend/dist"
[ -f "$dist/bundle.tar.gz" ] || {
  echo "install.sh: no backend bundle; run yarn build:all" >&2
  exit 1
}

rm -rf "$dest"
mkdir -p "$dest"
cd "$AIGC_ROOT"
mkdir -p "$dest/.yarn"
cp -r .yarn/releases "$dest/.yarn/"
cp .yarnrc.yml backstage.json yarn.lock package.json "$dest/"
tar xzf "$dist/skeleton.tar.gz" -C "$dest"
(cd "$dest" && NODE_ENV=production yarn workspaces focus --all --production >&2)
cp -r examples "$dest/"
cp app-config*.yaml catalog-info.yaml packages/backend/src/instrumentation.js "$dest/"
tar xzf "$dist/bundle.tar.gz" -C "$dest"
