#!/usr/bin/env bash
# Builds the binaries of the local test fleet from Go modules and caches them outside the
# repository, keyed by version:
#   $FLOTILLA_CACHE_DIR/kubernetes/<version>/{kube-apiserver,kube-controller-manager,kube-scheduler}
#   $FLOTILLA_CACHE_DIR/etcd/<version>/etcd
#   $FLOTILLA_CACHE_DIR/kwok/<version>/{kwok,stages.yaml}
#   $FLOTILLA_CACHE_DIR/toxiproxy/<version>/toxiproxy-server
# Versions come from the wrapper modules in test/fleet/go/*/go.mod: bump them there.
# A binary already in the cache is not rebuilt. Prints the paths as one JSON object on stdout;
# progress goes to stderr.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
cache="${FLOTILLA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/flotilla}"
mkdir -p "$cache"
export CGO_ENABLED=0

if ! command -v go >/dev/null 2>&1; then
  echo "flotilla fleet: the Go toolchain is needed to build the local member clusters (go not found on PATH)" >&2
  exit 1
fi

# One build at a time per cache, even when several test processes ask at once.
exec 9>"$cache/.build.lock"
flock 9

started=$(date +%s)
log() { printf '[fleet build +%3ss] %s\n' "$(( $(date +%s) - started ))" "$*" >&2; }

module_version() { (cd "$here/go/$1" && go list -m -f '{{.Version}}' "$2"); }
module_dir() { (cd "$here/go/$1" && go list -m -f '{{.Dir}}' "$2"); }

# build <wrapper> <out-dir> <ldflags> <name=package>...
build() {
  local wrapper=$1 out=$2 ldflags=$3; shift 3
  local missing=()
  for spec in "$@"; do [ -x "$out/${spec%%=*}" ] || missing+=("$spec"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  mkdir -p "$out"
  for spec in "${missing[@]}"; do
    local name=${spec%%=*} pkg=${spec#*=} t0
    t0=$(date +%s)
    log "building $name ($pkg) into $out; a cold build takes minutes"
    # go build -v names each package as it compiles it: count them for a progress line every
    # 250 packages, and pass everything else (compiler errors) through.
    (cd "$here/go/$wrapper" && go build -v -trimpath -tags selinux,notest -ldflags "-s -w $ldflags" -o "$out/.$name.tmp" "$pkg") 2>&1 |
      awk -v name="$name" -v t0="$started" '
        /^[A-Za-z0-9._~\/-]+$/ { n++; if (n % 250 == 0) { printf "[fleet build +%3ds] %s: %d packages compiled\n", systime() - t0, name, n > "/dev/stderr"; fflush("/dev/stderr") } next }
        { print > "/dev/stderr" }'
    mv "$out/.$name.tmp" "$out/$name"
    log "built $name in $(( $(date +%s) - t0 ))s"
  done
}

log "downloading Go modules (cached after the first run)"
(cd "$here/go/kubernetes" && go mod download)
(cd "$here/go/etcd" && go mod download)
(cd "$here/go/kwok" && go mod download)
(cd "$here/go/toxiproxy" && go mod download)

k8s=$(module_version kubernetes k8s.io/kubernetes)
etcd=$(module_version etcd go.etcd.io/etcd/server/v3)
kwok=$(module_version kwok sigs.k8s.io/kwok)
toxiproxy=$(module_version toxiproxy github.com/Shopify/toxiproxy/v2)

minor=${k8s#v}; major=${minor%%.*}; minor=${minor#*.}; minor=${minor%%.*}
k8s_ldflags="-X k8s.io/component-base/version.gitVersion=$k8s -X k8s.io/component-base/version.gitMajor=$major -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean"
build kubernetes "$cache/kubernetes/$k8s" "$k8s_ldflags" \
  kube-apiserver=k8s.io/kubernetes/cmd/kube-apiserver \
  kube-controller-manager=k8s.io/kubernetes/cmd/kube-controller-manager \
  kube-scheduler=k8s.io/kubernetes/cmd/kube-scheduler
build etcd "$cache/etcd/$etcd" "" etcd=go.etcd.io/etcd/server/v3
build kwok "$cache/kwok/$kwok" "-X sigs.k8s.io/kwok/pkg/consts.Version=${kwok#v}" kwok=sigs.k8s.io/kwok/cmd/kwok
build toxiproxy "$cache/toxiproxy/$toxiproxy" "" toxiproxy-server=github.com/Shopify/toxiproxy/v2/cmd/server

# KWOK v0.8 has no built-in stages: take the ones its module ships (node initialize and
# heartbeat, pod ready/complete/delete) into one config document.
stages="$cache/kwok/$kwok/stages.yaml"
if [ ! -s "$stages" ]; then
  src="$(module_dir kwok sigs.k8s.io/kwok)/kustomize/stage"
  for f in node/fast/node-initialize.yaml node/heartbeat/node-heartbeat.yaml \
    pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
    printf -- '---\n'; cat "$src/$f"
  done >"$stages.tmp"
  mv "$stages.tmp" "$stages"
fi

log "fleet binaries ready in $cache"
cat <<EOF
{"kubernetesVersion":"$k8s","etcdVersion":"$etcd","kwokVersion":"$kwok","toxiproxyVersion":"$toxiproxy",
"kubeApiserver":"$cache/kubernetes/$k8s/kube-apiserver","kubeControllerManager":"$cache/kubernetes/$k8s/kube-controller-manager",
"kubeScheduler":"$cache/kubernetes/$k8s/kube-scheduler","etcd":"$cache/etcd/$etcd/etcd","kwok":"$cache/kwok/$kwok/kwok",
"kwokStages":"$stages","toxiproxy":"$cache/toxiproxy/$toxiproxy/toxiproxy-server"}
EOF
