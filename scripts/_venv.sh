# Sourced by run.sh and test.sh: makes .venv from the project's own pinned files, once per change.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
REQS="$1"  # requirements.txt or requirements-dev.txt
stamp=".venv/.installed-$(cat "$REQS" requirements.txt constraints.txt | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "[setup] installing $REQS into .venv (first run takes a few minutes)"
  [ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -r "$REQS" -c constraints.txt
  touch "$stamp"
fi
export PATH="$ROOT/.venv/bin:$PATH"
