#!/usr/bin/env bash
# Checks a running test cluster (test/kube/cluster.sh start) the way AIGC
# Gateway uses it: the eight GPU nodes are Ready with their GPU allocatable,
# a claim of class aigc-test binds, a one-GPU pod on the rtx3090 pool runs,
# and a fifth one-GPU pod on that four-GPU pool stays Pending with
# "Insufficient nvidia.com/gpu". Works in a namespace of its own and deletes
# it at the end. Prints one line per check and a closing
# "N passed, N failed"; exits non-zero when a check failed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
eval "$("$here/cluster.sh" env)"
ns="aigc-smoke-$$"
passed=0
failed=0

check() { # description command...
  local what="$1"
  shift
  if "$@"; then
    passed=$((passed + 1))
    echo "ok    $what"
  else
    failed=$((failed + 1))
    echo "FAIL  $what"
  fi
}

# Runs CMD until its output matches PATTERN, for at most SECONDS.
eventually() { # seconds pattern cmd...
  local deadline=$((SECONDS + $1)) pattern="$2" out
  shift 2
  while :; do
    out="$("$@" 2>/dev/null || true)"
    if grep -Eq -- "$pattern" <<<"$out"; then
      return 0
    fi
    ((SECONDS < deadline)) || {
      printf '      last output: %s\n' "$out"
      return 1
    }
    sleep 1
  done
}

gpu_pod() { # name
  cat <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: $1
  namespace: $ns
spec:
  nodeSelector:
    aigc-gateway.io/pool: rtx3090
  containers:
    - name: engine
      image: example.invalid/aigc-engine:test
      resources:
        limits:
          nvidia.com/gpu: 1
EOF
}

cleanup() { kubectl delete namespace "$ns" --wait=false >/dev/null 2>&1 || true; }
trap cleanup EXIT

kubectl create namespace "$ns" >/dev/null
eventually 60 '^default$' kubectl get serviceaccount default -n "$ns" -o 'jsonpath={.metadata.name}' >/dev/null

ready_gpus() {
  kubectl get nodes -l type=kwok -o \
    'jsonpath={range .items[*]}{.metadata.name} {.status.conditions[?(@.type=="Ready")].status} {.status.allocatable.nvidia\.com/gpu} {.status.allocatable.aigc-gateway\.io/gpu-memory-gib}{"\n"}{end}'
}
nodes="$(ready_gpus)"
check "8 kwok nodes, all Ready" test "$(grep -c ' True ' <<<"$nodes")" -eq 8
check "a100 nodes allocate 8 nvidia.com/gpu each" test "$(grep -Ec '^aigc-a100-[0-9]+ True 8 $' <<<"$nodes")" -eq 2
check "rtx3090 nodes allocate 1 nvidia.com/gpu each" test "$(grep -Ec '^aigc-rtx3090-[0-9]+ True 1 $' <<<"$nodes")" -eq 4
check "shared nodes allocate 48 aigc-gateway.io/gpu-memory-gib each" test "$(grep -Ec '^aigc-shared-[0-9]+ True  48$' <<<"$nodes")" -eq 2

kubectl apply -f - >/dev/null <<EOF
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: model-cache
  namespace: $ns
spec:
  storageClassName: aigc-test
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 20Gi
EOF
check "claim of class aigc-test is Bound" \
  eventually 60 '^Bound$' kubectl get pvc model-cache -n "$ns" -o 'jsonpath={.status.phase}'

for i in 1 2 3 4; do gpu_pod "engine-$i" | kubectl apply -f - >/dev/null; done
for i in 1 2 3 4; do
  check "engine-$i (1 nvidia.com/gpu, pool rtx3090) is Running" \
    eventually 60 '^Running$' kubectl get pod "engine-$i" -n "$ns" -o 'jsonpath={.status.phase}'
done
gpu_pod engine-5 | kubectl apply -f - >/dev/null
check "engine-5 gets FailedScheduling: Insufficient nvidia.com/gpu" \
  eventually 60 'Insufficient nvidia\.com/gpu' kubectl get events -n "$ns" \
  --field-selector involvedObject.name=engine-5,reason=FailedScheduling -o 'jsonpath={.items[*].message}'
check "engine-5 is Pending" \
  eventually 10 '^Pending$' kubectl get pod engine-5 -n "$ns" -o 'jsonpath={.status.phase}'

# The claim's volume is Released once the namespace is gone; hand it out again.
pv="$(kubectl get pvc model-cache -n "$ns" -o 'jsonpath={.spec.volumeName}' 2>/dev/null || true)"
kubectl delete namespace "$ns" --timeout=120s >/dev/null
trap - EXIT
if [ -n "$pv" ]; then
  eventually 60 '^(Released|Available)$' kubectl get pv "$pv" -o 'jsonpath={.status.phase}' >/dev/null || true
  "$here/cluster.sh" reclaim 2>/dev/null
  check "volume $pv is Available again after reclaim" \
    eventually 30 '^Available$' kubectl get pv "$pv" -o 'jsonpath={.status.phase}'
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
