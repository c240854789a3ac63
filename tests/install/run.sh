#!/usr/bin/env bash
# Install test: the Linux package as a person gets it. Builds the app as
# `make app` does, but trusting a throw-away update key and a loopback update
# server (given through TAURI_CONFIG, as `tauri build --config` does; a release
# build cannot change its key at run time), bundles it, installs the .deb with
# the system's package manager, checks what the desktop needs, opens the
# installed app (smoke journey, the refused update journeys, then a real
# 0.2.0 installed through pkexec and polkit as a throw-away user), runs the
# installed `skm`, then removes the package and checks nothing of it is left.
# Needs root (or sudo) for apt, useradd and polkit, and a session from
# scripts/test-session.sh for the window. No private key outlives the run.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
die() { echo "install test: $*" >&2; exit 1; }
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
# Without dpkg the test cannot run: on a Debian-family machine that is a
# broken machine, not another OS, and it fails; elsewhere (macOS, Windows,
# an rpm distribution) there is no .deb to install.
if ! command -v dpkg >/dev/null; then
  if [ -f /etc/debian_version ]; then
    echo "install test: this is a Debian-family machine but dpkg is missing: FAILED" >&2
    exit 1
  fi
  echo "install test: not a Debian-family OS (no dpkg); the .deb journey does not apply here" >&2
  exit 0
fi

package=studio-keys
if dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
  die "$package is already installed on this machine; the test installs and removes it, so it will not touch yours"
fi
version="$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/src-tauri/Cargo.toml" | head -1)"

tauri="$root/ui/node_modules/.bin/tauri"
work="$(mktemp -d)"
update_user="skm-update-$$"
polkit_rule="/etc/polkit-1/rules.d/00-studio-keys-install-test-$$.rules"
# A run killed before its clean-up (a cancelled CI job) left these: never
# let another run's rule or user authorise anything.
$SUDO rm -f /etc/polkit-1/rules.d/00-studio-keys-install-test-*.rules
for stale in $(getent passwd | cut -d: -f1 | grep '^skm-update-' || true); do
  $SUDO pkill -KILL -u "$stale" 2>/dev/null || true
  $SUDO userdel "$stale" 2>/dev/null || true
done
started_services=()
cleanup() {
  $SUDO rm -f "$polkit_rule"
  if id "$update_user" >/dev/null 2>&1; then
    $SUDO pkill -KILL -u "$update_user" 2>/dev/null || true
    $SUDO userdel "$update_user" 2>/dev/null || true
  fi
  for pid in "${started_services[@]}"; do $SUDO kill "$pid" 2>/dev/null || true; done
  [ -z "${user_root:-}" ] || $SUDO rm -rf "$user_root"
  $SUDO apt-get purge -y -qq "$package" >/dev/null 2>&1 || true
  # The test build trusts a throw-away key and a plain-http server: leave no
  # bundle of it behind (the next `make app` rebuilds the binary anyway).
  rm -rf "$work" "$root/target/debug/bundle"
}
trap cleanup EXIT
started=$(date +%s)

# 1. Throw-away update keys: the one the test build trusts, and another.
mkdir -p "$work/keys" "$work/fixtures"
"$tauri" signer generate -w "$work/keys/trusted.key" --ci -p '' >/dev/null
"$tauri" signer generate -w "$work/keys/other.key" --ci -p '' >/dev/null
update_port=18765
config="$(python3 - "$work/keys/trusted.key.pub" "$update_port" <<'PY'
import json, sys
print(json.dumps({
    "bundle": {"createUpdaterArtifacts": True},
    "plugins": {"updater": {
        "pubkey": open(sys.argv[1]).read().strip(),
        "endpoints": [f"http://127.0.0.1:{sys.argv[2]}/latest.json"],
        "dangerousInsecureTransportProtocol": True,
    }},
}))
PY
)"
# The bundler reads the key (a path here) to sign the update artifacts.
export TAURI_SIGNING_PRIVATE_KEY="$work/keys/trusted.key" TAURI_SIGNING_PRIVATE_KEY_PASSWORD=""

# 2. The test build (only this crate recompiles), bundled: .deb and .rpm. Both
# binaries are built with the `hardened` feature: a debug build that turns core
# dumps off first thing, as the release build does (checked on the installed
# programs in step 5).
(cd "$root/src-tauri" && TAURI_CONFIG="$config" cargo build --features tauri/custom-protocol,hardened --bin studio-keys)
(cd "$root/src-tauri" && cargo build --no-default-features --features hardened --bin skm)
(cd "$root/src-tauri" && "$tauri" bundle --debug --ci --bundles deb,rpm --config "$config")
bundles="$root/target/debug/bundle"
# File names hold spaces ("Studio Keys_…"): globs into arrays, no ls.
debs=("$bundles"/deb/*_"${version}"_*.deb) rpms=("$bundles"/rpm/*-"${version}"-*.rpm)
deb="${debs[0]}" rpm="${rpms[0]}"
[ -f "$deb" ] || die "no .deb for $version under $bundles/deb"
[ -f "$rpm" ] || die "no .rpm for $version under $bundles/rpm"
echo "install test: bundled in $(( $(date +%s) - started )) s: $(du -h "$deb" | cut -f1) .deb, $(du -h "$rpm" | cut -f1) .rpm"

# The package declares what a Debian user needs to run it.
fields="$(dpkg-deb -f "$deb" Package Version Depends Recommends Maintainer Homepage)"
echo "$fields"
# ca-certificates: the app's TLS checks servers against the system's store.
# pkexec: the updates' privileged step (packaging/linux/install-update);
# libayatana-appindicator3: the tray icon.
for want in "Version: $version" "libwebkit2gtk-4.1-0" "libgtk-3-0" "ca-certificates" "pkexec | policykit-1" "libayatana-appindicator3-1" "Recommends: gnome-keyring" "Maintainer: " "Homepage: "; do
  grep -q "$want" <<<"$fields" || die "the .deb lacks '$want'"
done

# The newer release the update journeys are offered: a real 0.2.0, built from
# a copy of this tree with only the version changed (its binaries say 0.2.0),
# in the same target dir (only this crate recompiles), bundled and signed by
# the trusted key. Then the same bytes signed by the other key, the trusted
# key's signature over other bytes (a tampered one), and the installed 0.1.0
# correctly signed as 0.1.0 (offered as newer, and as the latest).
v2="$work/v0.2.0"
mkdir -p "$v2/ui"
tar -C "$root" --exclude=target -cf - Cargo.toml Cargo.lock src-tauri icons packaging | tar -C "$v2" -xf -
[ ! -d "$root/.cargo" ] || cp -a "$root/.cargo" "$v2/"
cp -a "$root/ui/dist" "$v2/ui/"
sed -i "0,/^version = \"$version\"/s//version = \"0.2.0\"/" "$v2/src-tauri/Cargo.toml"
sed -i "s/\"version\": \"$version\"/\"version\": \"0.2.0\"/" "$v2/src-tauri/tauri.conf.json"
grep -q '^version = "0.2.0"' "$v2/src-tauri/Cargo.toml" || die "could not set the copy's version to 0.2.0"
v2_started=$(date +%s)
(cd "$v2/src-tauri" && export CARGO_TARGET_DIR="$root/target" \
  && TAURI_CONFIG="$config" cargo build --features tauri/custom-protocol,hardened --bin studio-keys \
  && cargo build --no-default-features --features hardened --bin skm \
  && "$tauri" bundle --debug --ci --bundles deb --config "$config")
"$root/target/debug/skm" --version | grep -q 0.2.0 || die "the 0.2.0 build's skm does not say 0.2.0"
echo "install test: built and bundled 0.2.0 in $(( $(date +%s) - v2_started )) s"
unset TAURI_SIGNING_PRIVATE_KEY TAURI_SIGNING_PRIVATE_KEY_PASSWORD
cp "$deb" "$work/fixtures/older.deb"
"$tauri" signer sign -f "$work/keys/trusted.key" -p '' --app-version "$version" "$work/fixtures/older.deb" >/dev/null
mv "$work/fixtures/older.deb.sig" "$work/fixtures/older.sig"
newers=("$bundles"/deb/*_0.2.0_*.deb)
newer="${newers[0]}"
[ -f "$newer" ] || die "the 0.2.0 bundle was not made"
cp "$newer" "$work/fixtures/update.deb"
cp "$newer.sig" "$work/fixtures/update.deb.sig"
cp "$newer" "$work/fixtures/other-key.deb"
"$tauri" signer sign -f "$work/keys/other.key" -p '' --app-version 0.2.0 "$work/fixtures/other-key.deb" >/dev/null
mv "$work/fixtures/other-key.deb.sig" "$work/fixtures/wrong-key.sig"
printf 'not the update' > "$work/fixtures/other-bytes"
"$tauri" signer sign -f "$work/keys/trusted.key" -p '' --app-version 0.2.0 "$work/fixtures/other-bytes" >/dev/null
mv "$work/fixtures/other-bytes.sig" "$work/fixtures/tampered.sig"
rm -rf "$bundles"/deb/*_0.2.0_* "$work/keys/trusted.key" "$work/keys/other.key"

# 3. Install it for real: apt resolves the dependencies from the package's own fields.
cp "$deb" "$work/$package.deb"
chmod 644 "$work/$package.deb"
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$work/$package.deb" >/dev/null
dpkg-query -L "$package" > "$work/files"
echo "install test: installed $(wc -l < "$work/files") paths"

# 4. Where the desktop looks.
for f in /usr/bin/studio-keys /usr/bin/skm; do [ -x "$f" ] || die "$f is not installed"; done
desktop="$(grep -m1 '^/usr/share/applications/.*\.desktop$' "$work/files" || true)"
[ -n "$desktop" ] || die "no desktop entry installed"
desktop-file-validate "$desktop" || die "the desktop entry is invalid"
grep -q '^Keywords\[zh_CN\]=' "$desktop" || die "the desktop entry has no Chinese keywords"
metainfo=/usr/share/metainfo/app.studiokeys.desktop.metainfo.xml
[ -f "$metainfo" ] || die "no AppStream metainfo installed"
appstreamcli validate --no-net "$metainfo" || die "the AppStream metainfo is invalid"
# The update helper: root's, run only through its polkit action.
[ "$(stat -c '%U %a' /usr/lib/studio-keys/install-update)" = "root 755" ] \
  || die "the update helper is not installed as root's, mode 755"
grep -q '/usr/lib/studio-keys/install-update' /usr/share/polkit-1/actions/app.studiokeys.desktop.install-update.policy \
  || die "no polkit action names the update helper"
for size in 16 24 32 48 64 128 256 512; do
  [ -f "/usr/share/icons/hicolor/${size}x${size}/apps/studio-keys.png" ] || die "no ${size}x${size} icon"
done

# 5. The installed programs run hardened as shipped: core dumps off (a crash
# leaves no core file with key values in it), even when the shell allows them.
core_limit() { awk '/^Max core file size/ {print $5, $6}' "/proc/$1/limits" 2>/dev/null || true; }
expect_no_core() { # name pid
  local limit=""
  for _ in $(seq 100); do
    limit="$(core_limit "$2")"
    [ "$limit" = "0 0" ] && { echo "install test: the installed $1 runs with core dumps off"; return 0; }
    kill -0 "$2" 2>/dev/null || break
    sleep 0.1
  done
  die "the installed $1 runs with core dumps allowed (core file size limit: ${limit:-gone}): it must harden itself as the release build does"
}
# Allowed in the shell they start from, so that only their own hardening can turn them off.
[ "$(ulimit -H -c)" != 0 ] || die "this shell's hard core-file limit is 0: the check could not fail here (run it where core dumps may be allowed)"
mkdir -p "$work/home"
mkfifo "$work/stdin"
# skm waits for a key on stdin (temp-key) while its limits are read.
(ulimit -c "$(ulimit -H -c)"; exec env -u DASHSCOPE_API_KEY HOME="$work/home" XDG_CONFIG_HOME="$work/home/config" \
  XDG_DATA_HOME="$work/home/data" /usr/bin/skm temp-key <"$work/stdin" >/dev/null 2>&1) &
skm_pid=$!
exec 3>"$work/stdin"
expect_no_core skm "$skm_pid"
exec 3>&-
wait "$skm_pid" || true
(ulimit -c "$(ulimit -H -c)"; exec env HOME="$work/home" XDG_CONFIG_HOME="$work/home/config" \
  XDG_DATA_HOME="$work/home/data" XDG_STATE_HOME="$work/home/state" /usr/bin/studio-keys >/dev/null 2>&1) &
app_pid=$!
expect_no_core studio-keys "$app_pid"
# Asked to quit, then made to, so that a quit that hangs cannot hang the test.
kill "$app_pid" 2>/dev/null || true
for _ in $(seq 50); do kill -0 "$app_pid" 2>/dev/null || break; sleep 0.1; done
kill -9 "$app_pid" 2>/dev/null || true
wait "$app_pid" 2>/dev/null || true

# 6. The installed programs work: skm from PATH, the app's smoke and update journeys.
[ "$(command -v skm)" = /usr/bin/skm ] || die "skm is not the installed one on PATH"
skm --version | grep -q "$version" || die "skm --version does not say $version"
skm sandbox identities --db "$work/sandbox.db" --json | grep -q '"name"' || die "the installed skm cannot run the sandbox"

# The update is installed for real by a person on a desktop: the app runs as a
# throw-away user, in a session of its own, and its privileged step goes
# through setuid /usr/bin/pkexec and polkitd, as on a desktop. A system bus and
# polkitd are started only if none runs (setuid pkexec talks to the system bus
# at its fixed address). A polkit rule lets only that user, and only for
# Studio Keys' install action, past the password prompt, after a one-second
# pause, the time a person takes to type a password.
system_bus_up() {
  dbus-send --system --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.GetId >/dev/null 2>&1
}
polkit_up() {
  dbus-send --system --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.PolicyKit1 2>/dev/null | grep -q 'boolean true'
}
if ! system_bus_up; then
  $SUDO mkdir -p /run/dbus
  $SUDO rm -f /run/dbus/pid
  $SUDO dbus-daemon --system --fork --print-pid >"$work/system-bus.pid" || die "could not start a system bus"
  started_services+=("$(cat "$work/system-bus.pid")")
  for _ in $(seq 50); do system_bus_up && break; sleep 0.1; done
fi
system_bus_up || die "no system bus answers"
if ! polkit_up; then
  polkitd=/usr/lib/polkit-1/polkitd
  [ -x "$polkitd" ] || die "$polkitd is missing: scripts/deps.sh test installs polkitd"
  $SUDO "$polkitd" --no-debug >"$work/polkitd.log" 2>&1 &
  started_services+=("$!")
  for _ in $(seq 100); do polkit_up && break; sleep 0.1; done
fi
polkit_up || die "polkitd does not answer on the system bus: $(cat "$work/polkitd.log" 2>/dev/null)"
# The journey reads the user's files and signals its processes: root only.
[ "$(id -u)" -eq 0 ] || die "the update journey needs root (useradd, runuser, a polkit rule): run make test as root"
$SUDO useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$update_user"
# Its own folder, apart from the test's keys and fixtures.
user_root="$(mktemp -d -t studio-keys-update-user.XXXXXX)"
chmod 0755 "$user_root"
mkdir -p "$user_root/home" "$user_root/run" "$user_root/tmp"
cp "$(command -v tauri-driver || echo "${CARGO_HOME:-$HOME/.cargo}/bin/tauri-driver")" "$user_root/tauri-driver"
$SUDO chown -R "$update_user:" "$user_root"
chmod 0700 "$user_root/run" "$user_root/tmp"
$SUDO tee "$polkit_rule" >/dev/null <<RULE
// Written by Studio Keys' install test (tests/install/run.sh), removed when it ends.
polkit.addRule(function (action, subject) {
  if (action.id == "app.studiokeys.desktop.install-update" && subject.user == "$update_user") {
    polkit.spawn(["/bin/sleep", "1"]);
    return polkit.Result.YES;
  }
});
RULE
# setuid pkexec, polkitd and the rule work together (the helper, given no
# package, refuses with its usage) before the journey relies on them; pkexec
# runs nothing else for that user.
[ -u /usr/bin/pkexec ] || die "/usr/bin/pkexec is not setuid root: the update cannot be installed as on a desktop"
said=""
for _ in $(seq 50); do
  said="$(cd / && $SUDO runuser -u "$update_user" -- /usr/bin/pkexec /usr/lib/studio-keys/install-update 2>&1 || true)"
  grep -q "usage: install-update" <<<"$said" && break
  sleep 0.1
done
grep -q "usage: install-update" <<<"$said" \
  || die "pkexec could not run the packaged helper as root for $update_user (can setuid programs run here?): $said"
if (cd / && $SUDO runuser -u "$update_user" -- /usr/bin/pkexec /usr/bin/true) >/dev/null 2>&1; then
  die "the polkit rule lets $update_user run more than Studio Keys' install action"
fi
echo "install test: pkexec and polkitd authorise $update_user for the install action only"

STUDIO_KEYS_APP=/usr/bin/studio-keys E2E_ARTIFACTS="$root/artifacts/install" \
  UPDATE_FIXTURES="$work/fixtures" UPDATE_PORT="$update_port" \
  UPDATE_USER="$update_user" UPDATE_USER_ROOT="$user_root" \
  "$root/tests/e2e/run.sh" "$root/tests/e2e/test_smoke.py" "$root/tests/e2e/installed/test_updates.py" \
  "$root/tests/e2e/installed/test_update_install.py"
dpkg-query -W -f='${Version}' "$package" | grep -q '^0.2.0' || die "the update journey did not leave 0.2.0 installed"

# 7. Remove it: nothing of the package is left.
DEBIAN_FRONTEND=noninteractive $SUDO apt-get purge -y -qq "$package" >/dev/null
[ "$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)" != installed ] \
  || die "dpkg still has $package installed"
left=()
while read -r f; do
  if [ -f "$f" ] || [ -L "$f" ]; then left+=("$f"); fi
done < "$work/files"
[ ${#left[@]} -eq 0 ] || die "left behind after removal: ${left[*]}"
echo "install test: installed, opened, used and removed in $(( $(date +%s) - started )) s"
