#!/bin/sh
# Installs Debian's chromium for the browser tests when it is missing (apt caches the package).
# Needs root (CI runs as root) and the Debian package mirror. Prints the browser's version.
set -eu
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then
    echo "install_chromium: chromium is missing; run this script as root (it uses apt-get)" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  # An empty or stale package list knows no chromium: refresh it once, then install.
  if ! apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core >/dev/null 2>&1; then
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core >/dev/null
  fi
fi
chromium --version
