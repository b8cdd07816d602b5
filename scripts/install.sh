#!/usr/bin/env bash
# Install everything gaiko needs into ./.venv (idempotent): the package with its model and test
# extras; bubblewrap for sandboxed extractor runs; Debian's chromium and a CJK font for the browser
# tests (Playwright drives the system browser: it never downloads one).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v bwrap >/dev/null 2>&1 || need+=(bubblewrap)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -qi 'Noto Sans CJK' || need+=(fonts-noto-cjk)
if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "install.sh: missing system packages: ${need[*]}; install them with your package manager" >&2
    exit 1
  fi
fi

PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[models,test]'
# An editable install leaves the package's bytecode to be written on first import, which
# PYTHONDONTWRITEBYTECODE (set on some machines) prevents: every command would compile the sources
# again. Compile them once, as a regular `pip install` does (the caches are ignored by git).
.venv/bin/python -m compileall -q gaiko eval annotation baselines >/dev/null
