#!/usr/bin/env bash
# Creates, once, the Python venv the interchange tests read exports with:
# networkx in ${ORGNET_CACHE:-$HOME/.cache/orgnet}/nxvenv. Idempotent: a venv
# that already imports networkx >= 3.4 is kept. Prints the venv's python on
# standard output; everything else goes to standard error. Exits non-zero
# when Python, venv or pip cannot be had.
set -euo pipefail

venv="${ORGNET_CACHE:-$HOME/.cache/orgnet}/nxvenv"
py="$venv/bin/python"
python="${PYTHON:-python3}"

ready() {
  [ -x "$py" ] && "$py" - <<'PY' 2>/dev/null
import sys
import networkx
major, minor = (int(x) for x in networkx.__version__.split(".")[:2])
sys.exit(0 if (major, minor) >= (3, 4) else 1)
PY
}

if ready; then
  echo "$py"
  exit 0
fi

mkdir -p "$(dirname "$venv")"
if command -v flock >/dev/null; then # one setup at a time (go test runs packages in parallel)
  exec 9>"$venv.lock"
  flock 9
  if ready; then
    echo "$py"
    exit 0
  fi
fi

command -v "$python" >/dev/null || { echo "nxcheck: $python not found" >&2; exit 1; }
echo "nxcheck: creating $venv with networkx" >&2
rm -rf "$venv"
"$python" -m venv "$venv" >&2
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check 'networkx>=3.4' >&2
ready || { echo "nxcheck: networkx does not import in $venv" >&2; exit 1; }
echo "$py"
