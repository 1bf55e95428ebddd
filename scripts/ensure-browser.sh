#!/bin/sh
# Installs Debian's Chromium (package chromium, /usr/bin/chromium) when it is missing, for the
# console's browser tests (playwright-core drives it; no test tool ever downloads a browser).
set -e
if [ ! -x /usr/bin/chromium ]; then
  echo "flotilla: installing Debian's chromium (apt-get)..." >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >&2
fi
