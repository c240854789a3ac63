#!/usr/bin/env bash
# End-to-end suite: the real app binary in a real WebKitGTK window, driven by
# tauri-driver + WebKitWebDriver. Run inside scripts/test-session.sh (Xvfb,
# private D-Bus, unlocked gnome-keyring, throw-away HOME); `make test-e2e` does.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
die() { echo "e2e: $*" >&2; exit 1; }

[ -n "${DISPLAY:-}" ] || die "no DISPLAY: run through scripts/test-session.sh (make test-e2e)"
[ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] || die "no private D-Bus session: run through scripts/test-session.sh"
app="${STUDIO_KEYS_APP:-$root/target/debug/studio-keys}"
[ -x "$app" ] || die "app binary $app is missing: make app"
driver="$(command -v tauri-driver || echo "${CARGO_HOME:-$HOME/.cargo}/bin/tauri-driver")"
[ -x "$driver" ] || die "tauri-driver is missing: cargo install tauri-driver --locked"
native="$(command -v WebKitWebDriver || true)"
[ -n "$native" ] || die "WebKitWebDriver is missing: apt-get install webkit2gtk-driver"

export STUDIO_KEYS_APP="$app" TAURI_DRIVER="$driver" WEBKIT_DRIVER="$native"
export E2E_ARTIFACTS="${E2E_ARTIFACTS:-$root/artifacts/e2e}"
# Without a GPU the app paints its page as one surface (app.rs), and
# WebKitWebDriver's screenshots then never answer (WebKitGTK 2.50): the suite
# takes them, so its app composites. `make bench` runs the shipped setting.
export WEBKIT_DISABLE_COMPOSITING_MODE="${WEBKIT_DISABLE_COMPOSITING_MODE:-0}"
mkdir -p "$E2E_ARTIFACTS"
# Each test starts its own tauri-driver (conftest.py), so that the app it launches
# inherits that test's fresh HOME/XDG dirs and language.
# A run cut short (the per-test timeout ends pytest at once) must not leave a driver
# behind on the ports: the next run would talk to it.
export E2E_DRIVER_PORT="${E2E_DRIVER_PORT:-4444}"
trap 'pkill -f "^$driver --port $E2E_DRIVER_PORT " 2>/dev/null || true' EXIT
# Arguments name the tests to run (the install test runs the smoke journey); default: all.
# installed/ needs the app installed from its package (tests/install/run.sh).
[ $# -gt 0 ] || set -- "$root/tests/e2e" --ignore="$root/tests/e2e/installed"
"$root/tests/.venv/bin/python" -m pytest -q -p no:cacheprovider "$@"
