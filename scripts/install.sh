#!/usr/bin/env bash
# Install everything gaiko needs into ./.venv (idempotent): the package with its model and test
# extras, and bubblewrap for sandboxed extractor runs.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v bwrap >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq bubblewrap >/dev/null
  else
    echo "install.sh: bubblewrap (bwrap) is missing; install it with your package manager" >&2
    exit 1
  fi
fi

PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[models,test]'
