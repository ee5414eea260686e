#!/usr/bin/env bash
# Create .venv and install observatory with its pinned dependencies (requirements.lock).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null || PYTHON=python3
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
echo "installed: $(.venv/bin/observatory --help >/dev/null && echo observatory CLI ready)"
