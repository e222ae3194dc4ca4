#!/usr/bin/env bash
# A test Kubernetes cluster for AIGC Gateway: a real control plane (etcd,
# kube-apiserver, kube-controller-manager, kube-scheduler) run by kwokctl's
# binary runtime on 127.0.0.1, with fake GPU nodes that kwok keeps Ready and
# whose pods kwok marks Running. Nothing runs in containers; every binary
# comes from test/kube/build.sh.
#
#   cluster.sh start    build (or reuse) the binaries, replace any cluster of
#                       the same name, start it, create nodes, storage class
#                       and volumes; prints the `env` lines at the end
#   cluster.sh env      export lines for a shell: KUBECONFIG, the API server
#                       URL (AIGC_KUBE_APISERVER), kubectl's cache directory
#                       and PATH with kubectl first
#   cluster.sh status   the cluster's nodes and volumes
#   cluster.sh reclaim  make Released volumes Available again
#   cluster.sh stop     stop every process of the cluster and delete it
#
# Settings (environment):
#   AIGC_KUBE_CLUSTER         cluster name (aigc-test)
#   AIGC_KUBE_STATE           state directory, outside the work tree
#                             (${XDG_STATE_HOME:-$HOME/.local/state}/aigc-gateway/kube)
#   AIGC_KUBE_APISERVER_PORT  API server port (0: a free one)
#   AIGC_KUBE_PV_COUNT        volumes created for the storage class (50)
#   AIGC_KUBE_PV_SIZE         size of each volume (200Gi)
#   AIGC_KUBE_CACHE           binary cache, see build.sh
#
# Nodes (all with annotation kwok.x-k8s.io/node=fake and label type=kwok):
#   aigc-a100-0..1     8 nvidia.com/gpu   gpu-type A100-80G  pool a100
#   aigc-rtx3090-0..3  1 nvidia.com/gpu   gpu-type RTX-3090  pool rtx3090
#   aigc-shared-0..1   48 aigc-gateway.io/gpu-memory-gib (shared GPU)
#                                         gpu-type L40S-48G  pool shared
# (labels aigc-gateway.io/gpu-type and aigc-gateway.io/pool).
#
# Storage: StorageClass aigc-test (the default class; no provisioner,
# volumeBindingMode Immediate, reclaimPolicy Retain) with pre-created hostPath
# PersistentVolumes, so a claim binds at once. A deleted claim leaves its
# volume Released; `cluster.sh reclaim` hands such volumes out again.
#
# Snapshots: the VolumeSnapshot CRDs of the CSI snapshotter's module
# (tools/snapshotter) are installed, and a second kwok controller carries out
# volume-snapshot-stage.yaml, which marks each VolumeSnapshot ready to use, as
# kwok's pod stages mark pods Running and Job pods Succeeded.
#
# OpenKruiseGame: the GameServerSet and GameServer CRDs (game.kruise.io) of
# OpenKruiseGame's module (tools/kruise-game) are installed. No kruise
# controller runs, so the API server validates and stores GameServerSets but
# no GameServers or pods are made from them.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
name="${AIGC_KUBE_CLUSTER:-aigc-test}"
state="${AIGC_KUBE_STATE:-${XDG_STATE_HOME:-$HOME/.local/state}/aigc-gateway/kube}"
export KWOK_WORKDIR="$state/kwok"
cluster_dir="$KWOK_WORKDIR/clusters/$name"
kubeconfig="$cluster_dir/kubeconfig.yaml"
bin_record="$state/$name.bin"
# kubectl's discovery cache, here rather than in ~/.kube.
export KUBECACHEDIR="$state/$name.kubectl-cache"

log() { printf 'cluster.sh: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# The bin directory of the binaries this cluster was started with, else a
# (warm, instant) build.sh run.
bin_dir() {
  if [ -f "$bin_record" ] && [ -x "$(cat "$bin_record")/kwokctl" ]; then
    cat "$bin_record"
  else
    "$here/build.sh" | tail -n1
  fi
}

server_url() {
  sed -n 's/^ *server: *//p' "$kubeconfig" | head -n1
}

print_env() {
  [ -f "$kubeconfig" ] || die "cluster $name is not running (no $kubeconfig); run: $0 start"
  local bin
  bin="$(bin_dir)"
  echo "export KUBECONFIG='$kubeconfig'"
  echo "export AIGC_KUBE_APISERVER='$(server_url)'"
  echo "export KUBECACHEDIR='$KUBECACHEDIR'"
  echo "export PATH='$bin':\"\$PATH\""
}

# Stops the cluster's processes and deletes its directory. kwokctl stops the
# components it recorded; any process still alive after that is ended by
# the pid kwokctl wrote for it.
stop_cluster() {
  [ -d "$cluster_dir" ] || return 0
  local bin pids=() f pid
  bin="$(bin_dir)"
  for f in "$cluster_dir"/pids/*.pid; do
    [ -f "$f" ] && pids+=("$(cat "$f")")
  done
  log "deleting cluster $name"
  # --kubeconfig names the file to drop the cluster's context from; the
  # cluster's own kubeconfig keeps ~/.kube/config out of it.
  PATH="$bin:$PATH" "$bin/kwokctl" delete cluster --name "$name" --kubeconfig "$kubeconfig" >&2 ||
    log "kwokctl delete cluster failed; ending the cluster's processes by pid"
  for pid in "${pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      sleep 1
      if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
    fi
  done
  rm -rf "$cluster_dir"
}

# The folder of a Go module pinned by tools/<dir>/go.mod, from the module
# cache or downloaded (and checked against go.sum) through the module proxy.
module_dir() { # tools-dir module
  (cd "$here/tools/$1" && go mod download -json "$2") | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p'
}

# A second kwok controller that only carries out volume-snapshot-stage.yaml.
# kwok reads the API's schema once, when it starts: the cluster's own kwok
# started before the snapshot CRDs existed, so it cannot act on snapshots.
start_snapshot_stage() {
  local kubeconfig="$1" bin="$2" log="$cluster_dir/logs/kwok-snapshots.log"
  # The API server publishes a new CRD's schema a little after it is Established.
  retry 60 has_openapi_path "$kubeconfig" apis/snapshot.storage.k8s.io/v1 ||
    die "the API server did not publish the snapshot API's schema"
  nohup "$bin/kwok" --kubeconfig="$kubeconfig" --config="$here/volume-snapshot-stage.yaml" \
    --manage-nodes-with-label-selector=aigc-gateway.io/no-such-label=x \
    >"$log" 2>&1 9>&- &
  echo $! >"$cluster_dir/pids/kwok-snapshots.pid"
  retry 60 grep -q '"msg":"watching stages".*volumesnapshots' "$log" || die "the snapshot stage's kwok did not start: $(tail -n 3 "$log")"
}

has_openapi_path() { # kubeconfig path
  kubectl --kubeconfig "$1" get --raw /openapi/v3 | grep -q "\"$2\""
}

node_yaml() { # name pool gpu-type cpu memory extended-resources...
  local node="$1" pool="$2" gpu_type="$3" cpu="$4" memory="$5" r
  shift 5
  local resources="    cpu: \"$cpu\"
    memory: $memory
    pods: \"110\"
    ephemeral-storage: 1Ti"
  for r in "$@"; do
    resources+="
    ${r%%=*}: \"${r#*=}\""
  done
  cat <<EOF
---
apiVersion: v1
kind: Node
metadata:
  name: $node
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    type: kwok
    kubernetes.io/arch: amd64
    kubernetes.io/hostname: $node
    kubernetes.io/os: linux
    aigc-gateway.io/pool: $pool
    aigc-gateway.io/gpu-type: $gpu_type
spec: {}
status:
  capacity:
$resources
  allocatable:
$resources
EOF
}

objects_yaml() {
  local i count="${AIGC_KUBE_PV_COUNT:-50}" size="${AIGC_KUBE_PV_SIZE:-200Gi}"
  for i in 0 1; do
    node_yaml "aigc-a100-$i" a100 A100-80G 96 1024Gi nvidia.com/gpu=8
  done
  for i in 0 1 2 3; do
    node_yaml "aigc-rtx3090-$i" rtx3090 RTX-3090 16 64Gi nvidia.com/gpu=1
  done
  for i in 0 1; do
    node_yaml "aigc-shared-$i" shared L40S-48G 32 256Gi aigc-gateway.io/gpu-memory-gib=48
  done
  cat <<EOF
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: aigc-test
  annotations:
    storageclass.kubernetes.io/is-default-class: "true"
provisioner: kubernetes.io/no-provisioner
volumeBindingMode: Immediate
reclaimPolicy: Retain
EOF
  for ((i = 0; i < count; i++)); do
    cat <<EOF
---
apiVersion: v1
kind: PersistentVolume
metadata:
  name: aigc-test-pv-$(printf '%02d' "$i")
  labels:
    aigc-gateway.io/test-volume: "true"
spec:
  storageClassName: aigc-test
  capacity:
    storage: $size
  accessModes: [ReadWriteOnce, ReadOnlyMany, ReadWriteMany]
  persistentVolumeReclaimPolicy: Retain
  hostPath:
    path: $state/volumes/$name/pv-$(printf '%02d' "$i")
    type: DirectoryOrCreate
EOF
  done
}

# Runs CMD until it succeeds, for at most SECONDS.
retry() { # seconds cmd...
  local deadline=$((SECONDS + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 1
  done
}

# Waits until CRDs are Established. `kubectl wait` fails at once, instead of
# waiting, while a new CRD has no status conditions yet, so it is retried.
established() {
  retry 60 kubectl --kubeconfig "$kubeconfig" wait --for=condition=Established "$@" --timeout=5s ||
    die "CRDs not established within 60 s: $*"
}

start_cluster() {
  local bin
  bin="$("$here/build.sh" | tail -n1)"
  [ -x "$bin/kwokctl" ] || die "build.sh gave no usable bin directory"
  mkdir -p "$state"
  stop_cluster
  echo "$bin" >"$bin_record"
  export PATH="$bin:$PATH"

  local config="$state/$name.kwokctl.yaml"
  cat >"$config" <<EOF
apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokctlConfiguration
options:
  bindAddress: 127.0.0.1
# Room for a Service per instance at scale (the API server's default, a /24, holds 254).
componentsPatches:
  - name: kube-apiserver
    extraArgs:
      - key: service-cluster-ip-range
        value: 10.96.0.0/16
EOF

  log "starting cluster $name (kwokctl binary runtime, $bin)"
  # kwokctl picks its components' ports by probing downwards from 32767, so
  # clusters started at the same time would pick the same ones: one starts at a
  # time, and the next probes once the last one's components listen.
  exec 9>"$state/start.lock"
  flock 9
  if ! kwokctl create cluster \
    --name "$name" \
    --config "$config" \
    --runtime binary \
    --kubeconfig "" \
    --kube-apiserver-port "${AIGC_KUBE_APISERVER_PORT:-0}" \
    --etcd-binary "$bin/etcd" \
    --kube-apiserver-binary "$bin/kube-apiserver" \
    --kube-controller-manager-binary "$bin/kube-controller-manager" \
    --kube-scheduler-binary "$bin/kube-scheduler" \
    --kwok-controller-binary "$bin/kwok" \
    --timeout 5m \
    --wait 2m >&2 9>&-; then
    stop_cluster
    die "kwokctl create cluster failed"
  fi
  flock -u 9

  local kc=(kubectl --kubeconfig "$kubeconfig")
  log "creating nodes, storage class and volumes"
  objects_yaml | "${kc[@]}" apply -f - >/dev/null
  "${kc[@]}" wait --for=condition=Ready node -l type=kwok --timeout=120s >&2
  log "installing the VolumeSnapshot CRDs"
  local crds
  crds="$(module_dir snapshotter github.com/kubernetes-csi/external-snapshotter/client/v8)/config/crd"
  "${kc[@]}" apply -f "$crds/snapshot.storage.k8s.io_volumesnapshotclasses.yaml" \
    -f "$crds/snapshot.storage.k8s.io_volumesnapshotcontents.yaml" \
    -f "$crds/snapshot.storage.k8s.io_volumesnapshots.yaml" >/dev/null
  established crd/volumesnapshots.snapshot.storage.k8s.io
  start_snapshot_stage "$kubeconfig" "$bin"
  log "installing the OpenKruiseGame CRDs"
  crds="$(module_dir kruise-game github.com/openkruise/kruise-game)/config/crd/bases"
  "${kc[@]}" apply -f "$crds/game.kruise.io_gameserversets.yaml" \
    -f "$crds/game.kruise.io_gameservers.yaml" >/dev/null
  established crd/gameserversets.game.kruise.io crd/gameservers.game.kruise.io
  # Pods can be created once the default service account exists.
  retry 120 "${kc[@]}" get serviceaccount default -n default ||
    die "the default service account did not appear"
  log "cluster $name is ready at $(server_url)"
  print_env
}

case "${1:-}" in
  start) start_cluster ;;
  stop)
    stop_cluster
    rm -rf "$bin_record" "$state/$name.kwokctl.yaml" "$KUBECACHEDIR"
    ;;
  env) print_env ;;
  status)
    [ -f "$kubeconfig" ] || die "cluster $name is not running"
    PATH="$(bin_dir):$PATH" kubectl --kubeconfig "$kubeconfig" get nodes -o wide
    PATH="$(bin_dir):$PATH" kubectl --kubeconfig "$kubeconfig" get pv,pvc -A
    ;;
  reclaim)
    [ -f "$kubeconfig" ] || die "cluster $name is not running"
    PATH="$(bin_dir):$PATH"
    for pv in $(kubectl --kubeconfig "$kubeconfig" get pv -l aigc-gateway.io/test-volume=true \
      -o jsonpath='{range .items[?(@.status.phase=="Released")]}{.metadata.name}{"\n"}{end}'); do
      kubectl --kubeconfig "$kubeconfig" patch pv "$pv" --type json \
        -p '[{"op":"remove","path":"/spec/claimRef"}]' >&2
    done
    ;;
  *)
    echo "usage: $0 start|stop|env|status|reclaim" >&2
    exit 2
    ;;
esac
