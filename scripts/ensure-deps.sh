#!/bin/sh
# Installs the project's npm dependencies (including its pinned Node.js) when node_modules is
# missing or older than package-lock.json, so that README's commands work from a clean clone.
set -e
cd "$(dirname "$0")/.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] || [ ! -x node_modules/.bin/node ]; then
  echo "flotilla: installing npm dependencies (npm ci)..." >&2
  npm ci --no-audit --no-fund >&2
fi
