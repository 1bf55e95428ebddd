#!/usr/bin/env bash
# Times a cold build of the local fleet's binaries: empty Go module cache, empty Go build cache,
# empty fleet cache (all in a temporary directory, removed afterwards). The machine's own caches
# are left alone. Takes a long time on purpose: it is what a fresh machine (or CI) pays once.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d /tmp/flotilla-cold-build-XXXXXX)"
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
export GOMODCACHE="$tmp/gomod" GOCACHE="$tmp/gocache" FLOTILLA_CACHE_DIR="$tmp/fleet"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(go version)"
start=$(date +%s)
bash "$here/../test/fleet/build.sh" >/dev/null
end=$(date +%s)
echo "cold build of the fleet binaries: $((end - start)) s"
du -sh "$GOMODCACHE" "$GOCACHE" "$FLOTILLA_CACHE_DIR" | sed 's/^/size: /'
