#!/usr/bin/env bash
# Prepare the browser tests: Playwright for Python in .venv and Debian's Chromium.
# Never runs `playwright install`: the tests drive /usr/bin/chromium (override with CHROMIUM).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

if ! "$BIN/python" -c "import playwright, pytest_playwright" 2>/dev/null; then
  echo "e2e: installing the e2e extra into .venv"
  "$BIN/pip" install --quiet -e '.[e2e]'
fi

if [ ! -x "$CHROMIUM" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "e2e: installing Debian's chromium"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends chromium fonts-dejavu-core
  else
    echo "e2e: $CHROMIUM is missing; install it with: sudo apt-get install chromium" >&2
    exit 1
  fi
fi

mkdir -p docs/screenshots
echo "e2e: ready ($("$CHROMIUM" --version 2>/dev/null | head -n1))"
