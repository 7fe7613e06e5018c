#!/usr/bin/env bash
# Debian's chromium for the browser tests (Playwright drives it; it never downloads a browser here).
# Installs it when it is missing and this user can (root, apt-get); else says how, and fails.
# `CHROMIUM=/path/to/chromium` uses another binary.
set -euo pipefail

chromium="${CHROMIUM:-/usr/bin/chromium}"
if [ -x "$chromium" ]; then
    exit 0
fi
if [ -n "${CHROMIUM:-}" ]; then
    echo "CHROMIUM=$CHROMIUM is not an executable file" >&2
    exit 1
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's chromium for the browser tests…"
    export DEBIAN_FRONTEND=noninteractive
    # Update the package lists only when they are missing or too old to find chromium.
    if ! apt-cache show chromium >/dev/null 2>&1; then
        apt-get update -qq
    fi
    apt-get install -y -qq --no-install-recommends chromium >/dev/null
    /usr/bin/chromium --version
    exit 0
fi
echo "The browser tests need Debian's chromium: sudo apt-get install -y chromium (or set CHROMIUM)." >&2
exit 1
