#!/usr/bin/env bash
# Runs a command inside a throw-away desktop session, the way the tests need it:
#   - an Xvfb display (for the WebKit window and the clipboard),
#   - a private D-Bus session with a real gnome-keyring Secret Service, unlocked,
#   - a temporary HOME and XDG dirs, so nothing touches the real user's data.
# Fails loudly (never hangs) when a piece is missing.
set -euo pipefail

die() { echo "test-session: $*" >&2; exit 1; }

if [ "${1:-}" != "--inside" ]; then
  command -v Xvfb >/dev/null || die "Xvfb is missing (apt-get install xvfb); run 'make test', which installs it"
  command -v dbus-run-session >/dev/null || die "dbus-run-session is missing (apt-get install dbus)"
  command -v gnome-keyring-daemon >/dev/null || die "gnome-keyring-daemon is missing (apt-get install gnome-keyring)"

  # Keep the toolchains where they are before HOME moves.
  export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
  export PATH="$CARGO_HOME/bin:$PATH"
  session="$(mktemp -d -t studio-keys-session.XXXXXX)"
  export HOME="$session/home" XDG_CONFIG_HOME="$session/config" XDG_DATA_HOME="$session/data" \
         XDG_CACHE_HOME="$session/cache" XDG_STATE_HOME="$session/state" XDG_RUNTIME_DIR="$session/run"
  mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_STATE_HOME" "$XDG_RUNTIME_DIR"
  chmod 700 "$XDG_RUNTIME_DIR"
  export STUDIO_KEYS_SESSION_DIR="$session"

  # A free display number.
  display=""
  for n in $(seq 90 140); do
    if [ ! -e "/tmp/.X11-unix/X$n" ] && [ ! -e "/tmp/.X$n-lock" ]; then display=":$n"; break; fi
  done
  [ -n "$display" ] || die "no free X display number"
  Xvfb "$display" -screen 0 1400x1000x24 -nolisten tcp >"$session/xvfb.log" 2>&1 &
  xvfb_pid=$!
  cleanup() { kill "$xvfb_pid" 2>/dev/null || true; wait "$xvfb_pid" 2>/dev/null || true; rm -rf "$session"; }
  trap cleanup EXIT
  for _ in $(seq 1 100); do [ -e "/tmp/.X11-unix/X${display#:}" ] && break; sleep 0.1; done
  [ -e "/tmp/.X11-unix/X${display#:}" ] || die "Xvfb did not start: $(cat "$session/xvfb.log")"
  export DISPLAY="$display"
  unset WAYLAND_DISPLAY DBUS_SESSION_BUS_ADDRESS
  # The private bus never starts a Secret Service by itself: one started on
  # demand (while the one below restarts after a crash) comes up locked or
  # prompting, and a caller then waits on its prompt for ever. A call in that
  # gap fails at once instead ("keychain unavailable"). Our service file is
  # found before the system's (the first directory listed wins).
  mkdir -p "$session/dbus-services"
  printf '[D-BUS Service]\nName=org.freedesktop.secrets\nExec=/bin/false\n' \
    >"$session/dbus-services/org.freedesktop.secrets.service"
  sed "s|<standard_session_servicedirs */>|<servicedir>$session/dbus-services</servicedir><standard_session_servicedirs />|" \
    /usr/share/dbus-1/session.conf >"$session/dbus-session.conf"
  grep -q "$session/dbus-services" "$session/dbus-session.conf" \
    || die "could not write the private bus's configuration from /usr/share/dbus-1/session.conf"
  dbus-run-session --config-file="$session/dbus-session.conf" -- "$0" --inside "$@"
  exit $?
fi

shift
# Inside the private bus: start the Secret Service unlocked with a throw-away password.
# In the foreground, as our child: a daemonised one that dies is silently replaced
# by D-Bus activation with a locked keyring, and tests then hang on an unlock prompt.
keyring_env="$(mktemp -t studio-keys-keyring.XXXXXX)"
# The keychain-locked test locks the keyring and unlocks it again at the prompt,
# as a person would, with this throw-away password.
export STUDIO_KEYS_KEYRING_PASSWORD=studio-keys-tests
# gnome-keyring-daemon can crash when a client is killed in the middle of a
# call (the e2e suite SIGKILLs each app it is done with): it is started again at
# once, unlocked with the same password, replacing any locked one D-Bus may
# have activated meanwhile, so one crash does not fail every test after it.
keep_keyring() {
  local first=1
  while :; do
    if [ "$first" = 1 ]; then flags=(); else flags=(--replace); fi
    printf '%s' "$STUDIO_KEYS_KEYRING_PASSWORD" | gnome-keyring-daemon --foreground --unlock --components=secrets \
      "${flags[@]}" >"$keyring_env.new" 2>>"$keyring_env.log" || true
    first=0
    echo "test-session: gnome-keyring-daemon exited; starting it again" >>"$keyring_env.log"
    echo "test-session: gnome-keyring-daemon exited; starting it again" >&2
    sleep 0.2
  done
}
: >"$keyring_env.new"
keep_keyring &
keyring_pid=$!
stop_keyring() {
  local daemon
  daemon="$(pgrep -P "$keyring_pid" 2>/dev/null || true)"
  kill "$keyring_pid" 2>/dev/null || true
  [ -z "$daemon" ] || kill $daemon 2>/dev/null || true
  rm -f "$keyring_env" "$keyring_env.new" "$keyring_env.log"
}
trap stop_keyring EXIT
# Ready when it owns the Secret Service name (asking the service itself earlier
# would make D-Bus start a second, locked daemon).
secrets_owned() {
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'
}
for _ in $(seq 1 200); do secrets_owned && break; kill -0 "$keyring_pid" 2>/dev/null || break; sleep 0.1; done
secrets_owned || die "gnome-keyring-daemon could not start on the private D-Bus: $(cat "$keyring_env.log")"
cp "$keyring_env.new" "$keyring_env"
eval "$(cat "$keyring_env")"
export GNOME_KEYRING_CONTROL SSH_AUTH_SOCK 2>/dev/null || true
# Prove the Secret Service answers before any test relies on it.
printf probe | timeout 20 secret-tool store --label=probe studio-keys-probe ok >/dev/null 2>&1 \
  || die "the Secret Service on the private D-Bus does not accept writes"
[ "$(timeout 20 secret-tool lookup studio-keys-probe ok)" = probe ] \
  || die "the Secret Service on the private D-Bus does not return what was written"
timeout 20 secret-tool clear studio-keys-probe ok || true
status=0
"$@" || status=$?
if grep -q "starting it again" "$keyring_env.log" 2>/dev/null; then
  echo "test-session: gnome-keyring-daemon was restarted during the run: $(cat "$keyring_env.log")" >&2
fi
exit "$status"
