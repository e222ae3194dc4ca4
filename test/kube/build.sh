#!/usr/bin/env bash
# Builds the binaries of the test Kubernetes control plane from the Go modules
# pinned in test/kube/tools/ (no prebuilt binaries, no container images):
#
#   kube-apiserver kube-controller-manager kube-scheduler kubectl  (tools/kubernetes)
#   etcd                                                           (tools/etcd)
#   kwok kwokctl                                                   (tools/kwok)
#
# They land in a cache outside the work tree, one directory per pinned set:
#
#   ${AIGC_KUBE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/aigc-gateway/kube}/<k8s version>-<hash>/bin
#
# where <hash> covers the wrapper modules' go.mod and go.sum files and the
# build recipe below. When every binary is there nothing is built. A build
# fills a staging directory first and renames it into place when complete, so
# an interrupted build never leaves a half-filled cache entry (the next run
# picks up the binaries the staging directory already holds).
#
# The build runs at the lowest CPU priority (nice -n 19) with one package
# build at a time (go build -p 1; AIGC_KUBE_BUILD_JOBS overrides), so the
# rest of the machine stays usable. It uses the Go toolchain found on PATH (or
# /usr/local/go/bin) and its default module and build caches (GOMODCACHE,
# GOCACHE), never fetching another toolchain.
#
# The last line on stdout is the bin directory; progress goes to stderr.
# Per-component wall time and peak memory go to build-report.tsv beside bin/.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tools="$here/tools"

# Bump when the way the binaries are built changes (flags, ldflags), so that
# a changed recipe gets a new cache entry.
recipe=1

log() { printf 'build.sh: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# The version a wrapper module pins for MODULE, read from its go.mod.
pinned() {
  awk -v m="$2" '$1 == m && $2 ~ /^v/ { print $2; exit }' "$tools/$1/go.mod"
}

kube_version="$(pinned kubernetes k8s.io/kubernetes)"
etcd_version="$(pinned etcd go.etcd.io/etcd/server/v3)"
kwok_version="$(pinned kwok sigs.k8s.io/kwok)"
if [ -z "$kube_version" ] || [ -z "$etcd_version" ] || [ -z "$kwok_version" ]; then
  die "could not read the pinned versions from $tools/*/go.mod"
fi

hash="$(
  cd "$tools"
  {
    echo "recipe $recipe"
    for f in kubernetes/go.mod kubernetes/go.sum etcd/go.mod etcd/go.sum kwok/go.mod kwok/go.sum; do
      echo "== $f"
      cat "$f"
    done
  } | sha256sum | cut -c1-12
)"

cache_root="${AIGC_KUBE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/aigc-gateway/kube}"
key="$kube_version-$hash"
dest="$cache_root/$key"
bin="$dest/bin"

binaries=(kube-apiserver kube-controller-manager kube-scheduler kubectl etcd kwok kwokctl)

complete() {
  local b
  for b in "${binaries[@]}"; do
    [ -x "$1/$b" ] || return 1
  done
}

if complete "$bin"; then
  echo "$bin"
  exit 0
fi

# ---- cold path: build ------------------------------------------------------

if ! command -v go >/dev/null 2>&1; then
  [ -x /usr/local/go/bin/go ] || die "no Go toolchain on PATH or in /usr/local/go/bin"
  PATH="/usr/local/go/bin:$PATH"
fi

mkdir -p "$cache_root"
# One build at a time per cache root.
exec 9>"$cache_root/.lock"
if ! flock -n 9; then
  log "another build holds $cache_root/.lock; waiting"
  flock 9
fi
if complete "$bin"; then
  echo "$bin"
  exit 0
fi

staging="$cache_root/.staging-$key"
# Staging directories of other pinned sets are leftovers of interrupted
# builds; only the current one is worth resuming.
for old in "$cache_root"/.staging-*; do
  [ -e "$old" ] && [ "$old" != "$staging" ] && rm -rf "$old"
done
mkdir -p "$staging/bin"

export GOTOOLCHAIN=local CGO_ENABLED=0
jobs="${AIGC_KUBE_BUILD_JOBS:-1}"
report="$staging/build-report.tsv"
[ -f "$report" ] || printf 'component\tseconds\tmax_rss_kib\n' >"$report"

# The commit and date of a release, from the module proxy's record of it.
origin_field() { # module-dir module@version field
  (cd "$tools/$1" && go mod download -json "$2") |
    sed -n "s/.*\"$3\": *\"\\([^\"]*\\)\".*/\\1/p" | head -n1
}

kube_commit="$(origin_field kubernetes "k8s.io/kubernetes@$kube_version" Hash)"
kube_date="$(origin_field kubernetes "k8s.io/kubernetes@$kube_version" Time)"
kube_minor="${kube_version#v1.}"
kube_minor="${kube_minor%%.*}"
kube_ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  kube_ldflags+=" -X $pkg.gitVersion=$kube_version"
  kube_ldflags+=" -X $pkg.gitMajor=1 -X $pkg.gitMinor=$kube_minor"
  kube_ldflags+=" -X $pkg.gitTreeState=archive"
  [ -n "$kube_commit" ] && kube_ldflags+=" -X $pkg.gitCommit=$kube_commit"
  [ -n "$kube_date" ] && kube_ldflags+=" -X $pkg.buildDate=$kube_date"
done
etcd_ldflags="-s -w"
kwok_ldflags="-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${kwok_version#v}"
kwok_ldflags+=" -X sigs.k8s.io/kwok/pkg/consts.KubeVersion=${kube_version#v}"

timer=()
[ -x /usr/bin/time ] && timer=(/usr/bin/time -v -o "$staging/.time")

build() { # name module-dir package ldflags
  local name="$1" dir="$2" pkg="$3" ldflags="$4" start secs rss
  if [ -x "$staging/bin/$name" ]; then
    log "$name: already built in $staging"
    return
  fi
  log "$name: building $pkg (go build -p $jobs, nice 19)"
  start="$(date +%s)"
  rm -f "$staging/.time"
  (
    cd "$tools/$dir"
    nice -n 19 "${timer[@]}" go build -p "$jobs" -mod=readonly -trimpath -buildvcs=false \
      -ldflags "$ldflags" -o "$staging/bin/.$name.tmp" "$pkg"
  ) || {
    [ -f "$staging/.time" ] && cat "$staging/.time" >&2
    die "$name: build failed"
  }
  mv -f "$staging/bin/.$name.tmp" "$staging/bin/$name"
  secs=$(($(date +%s) - start))
  rss="$(sed -n 's/.*Maximum resident set size (kbytes): *//p' "$staging/.time" 2>/dev/null || true)"
  printf '%s\t%s\t%s\n' "$name" "$secs" "${rss:-unknown}" >>"$report"
  log "$name: done in ${secs}s, peak RSS ${rss:-unknown} KiB"
}

log "building into $dest (Kubernetes $kube_version, etcd $etcd_version, kwok $kwok_version)"
build kube-apiserver kubernetes k8s.io/kubernetes/cmd/kube-apiserver "$kube_ldflags"
build kube-controller-manager kubernetes k8s.io/kubernetes/cmd/kube-controller-manager "$kube_ldflags"
build kube-scheduler kubernetes k8s.io/kubernetes/cmd/kube-scheduler "$kube_ldflags"
build kubectl kubernetes k8s.io/kubernetes/cmd/kubectl "$kube_ldflags"
build etcd etcd go.etcd.io/etcd/server/v3 "$etcd_ldflags"
build kwok kwok sigs.k8s.io/kwok/cmd/kwok "$kwok_ldflags"
build kwokctl kwok sigs.k8s.io/kwok/cmd/kwokctl "$kwok_ldflags"
rm -f "$staging/.time"

cat >"$staging/versions.txt" <<EOF
kubernetes $kube_version ${kube_commit:-}
etcd $etcd_version
kwok $kwok_version
go $(go env GOVERSION)
EOF

complete "$staging/bin" || die "staging directory $staging is incomplete"
mv -T "$staging" "$dest"
log "done: $bin"
echo "$bin"
