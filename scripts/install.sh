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
# The dashboard's browser libraries (package.json, package-lock.json) from the npm registry, copied to
# src/observatory/serve/web/vendor/ (git-ignored), which the server serves under /static/vendor/.
if command -v npm >/dev/null; then
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
  vendor=src/observatory/serve/web/vendor
  rm -rf "$vendor" && mkdir -p "$vendor/leaflet" "$vendor/markercluster" "$vendor/echarts" "$vendor/datatables"
  cp -r node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css \
    node_modules/leaflet/dist/images node_modules/leaflet/LICENSE "$vendor/leaflet/"
  cp node_modules/leaflet.markercluster/dist/leaflet.markercluster.js \
    node_modules/leaflet.markercluster/dist/MarkerCluster.css \
    node_modules/leaflet.markercluster/dist/MarkerCluster.Default.css \
    node_modules/leaflet.markercluster/MIT-LICENCE.txt "$vendor/markercluster/"
  cp node_modules/echarts/dist/echarts.min.js node_modules/echarts/LICENSE "$vendor/echarts/"
  cp node_modules/datatables.net/js/dataTables.min.js node_modules/datatables.net/License.txt \
    node_modules/datatables.net-dt/css/dataTables.dataTables.min.css "$vendor/datatables/"
else
  echo "install.sh: npm not found: the dashboard needs node and npm for its browser libraries" >&2
  exit 1
fi
echo "installed: $(.venv/bin/observatory --help >/dev/null && echo observatory CLI ready)"
