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

export STUDIO_KEYS_APP="$app"
export E2E_ARTIFACTS="${E2E_ARTIFACTS:-$root/artifacts/e2e}"
mkdir -p "$E2E_ARTIFACTS"
"$driver" --port 4444 --native-port 4445 --native-driver "$native" >"$E2E_ARTIFACTS/tauri-driver.log" 2>&1 &
driver_pid=$!
trap 'kill $driver_pid 2>/dev/null || true; wait $driver_pid 2>/dev/null || true' EXIT

# tauri-driver listens before WebKitWebDriver does: wait for both ports.
"$root/tests/.venv/bin/python" - <<'PY' || die "tauri-driver did not open ports 4444/4445 (see artifacts/e2e/tauri-driver.log)"
import socket, time
deadline = time.time() + 30
for port in (4444, 4445):
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.time() > deadline:
                raise SystemExit(1)
            time.sleep(0.2)
PY
"$root/tests/.venv/bin/python" -m pytest -q -p no:cacheprovider "$root/tests/e2e" "$@"
