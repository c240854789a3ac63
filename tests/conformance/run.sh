#!/usr/bin/env bash
# The official SDK against `skm sandbox serve`: creates the venv when needed,
# builds skm unless SKM_BIN points at one, runs pytest and prints its summary.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$root/tests/.venv"
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
stamp="$venv/.conformance-requirements"
if ! cmp -s "$here/requirements.txt" "$stamp" 2>/dev/null; then
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$here/requirements.txt"
  cp "$here/requirements.txt" "$stamp"
fi
if [ -z "${SKM_BIN:-}" ]; then
  (cd "$root" && cargo build -q --no-default-features --bin skm)
  export SKM_BIN="$root/target/debug/skm"
fi
cd "$here"
exec "$venv/bin/python" -m pytest -q -p no:cacheprovider "$@"
