#!/usr/bin/env bash
# Installs what Studio Keys needs to build (`run`) or to test (`test`).
# Idempotent: installs only what is missing. Works as root or through sudo.
# On machines without apt (macOS, Windows) it says what to install and goes on.
set -euo pipefail
what="${1:-run}"
root="$(cd "$(dirname "$0")/.." && pwd)"

if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi

build_pkgs=(libwebkit2gtk-4.1-dev libgtk-3-dev libsoup-3.0-dev librsvg2-dev libdbus-1-dev
            pkg-config build-essential libssl-dev file
            # The tray icon (src-tauri/src/tray.rs) loads the library at run
            # time; the bundler finds it through pkg-config, and the .deb
            # then depends on it.
            libayatana-appindicator3-dev)
# Xvfb + a real Secret Service + the WebKit WebDriver + clipboard tools for the tests.
test_pkgs=(xvfb xauth dbus dbus-x11 gnome-keyring libsecret-tools webkit2gtk-driver xclip
           python3-venv imagemagick fonts-noto-cjk xdotool
           desktop-file-utils appstream
           # The update installed for real: setuid pkexec asking polkitd (tests/install).
           pkexec polkitd)

apt_install() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

if command -v apt-get >/dev/null 2>&1; then
  apt_install "${build_pkgs[@]}"
  [ "$what" = test ] && apt_install "${test_pkgs[@]}"
else
  cat <<'MSG'
deps: no apt-get here. Install the Tauri 2 prerequisites yourself, then re-run:
  macOS:   Xcode Command Line Tools (xcode-select --install), Rust (rustup), Node.js 20+.
  Windows: Microsoft C++ Build Tools ("Desktop development with C++"), WebView2 runtime
           (preinstalled on Windows 10 1803+ and 11), Rust (rustup, MSVC toolchain), Node.js 20+.
  Other Linux: the WebKitGTK 4.1, GTK 3, libsoup 3, librsvg and D-Bus development packages.
Continuing with what is installed.
MSG
fi

command -v cargo >/dev/null || { echo "deps: Rust is missing: install it from rustup.rs" >&2; exit 1; }
command -v npm >/dev/null || { echo "deps: Node.js 20+ and npm are missing" >&2; exit 1; }

# UI dependencies: reinstall only when the lock file changed since the last install.
stamp="$root/ui/node_modules/.studio-keys-lock"
if ! cmp -s "$root/ui/package-lock.json" "$stamp" 2>/dev/null; then
  (cd "$root/ui" && npm ci --no-audit --no-fund)
  cp "$root/ui/package-lock.json" "$stamp"
fi

if [ "$what" = test ] && command -v apt-get >/dev/null 2>&1; then
  # The end-to-end journeys run the app in English, Simplified and Traditional
  # Chinese and Japanese, which WebKit takes from the process locale: each must
  # exist on the machine.
  apt_install locales
  missing_locales=()
  for l in en_US zh_CN zh_TW ja_JP; do
    locale -a 2>/dev/null | grep -qi "^${l}\.utf-\?8$" || missing_locales+=("$l")
  done
  if [ ${#missing_locales[@]} -gt 0 ]; then
    for l in "${missing_locales[@]}"; do
      $SUDO sed -i "s/^# *\(${l}\.UTF-8 UTF-8\)/\1/" /etc/locale.gen
      grep -q "^${l}.UTF-8 UTF-8" /etc/locale.gen || echo "${l}.UTF-8 UTF-8" | $SUDO tee -a /etc/locale.gen >/dev/null
    done
    $SUDO locale-gen >/dev/null
  fi
fi

if [ "$what" = test ]; then
  # tauri-driver (2.x) bridges WebDriver to WebKitWebDriver for the end-to-end suite.
  if ! command -v tauri-driver >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
    cargo install tauri-driver --locked --version '^2'
  fi
  # One Python venv for the SDK conformance suite and the WebDriver client.
  venv="$root/tests/.venv"
  if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
  wanted="$(cat "$root"/tests/*/requirements.txt)"
  if [ "$wanted" != "$(cat "$venv/.requirements" 2>/dev/null)" ]; then
    for r in "$root"/tests/*/requirements.txt; do
      "$venv/bin/pip" install -q --disable-pip-version-check -r "$r"
    done
    printf '%s' "$wanted" > "$venv/.requirements"
  fi
fi
