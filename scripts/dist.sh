#!/usr/bin/env bash
# `make dist`: the release bundles of this OS with the Tauri bundler, into
# target/release/bundle/. Linux: .deb and .rpm. The AppImage needs tools the
# bundler downloads from GitHub at bundle time, so the release pipeline
# (.github/workflows/release.yml) builds it; so are the macOS and Windows ones.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tauri="$root/ui/node_modules/.bin/tauri"
[ -x "$tauri" ] || { echo "dist: the Tauri CLI is missing: run 'make deps'" >&2; exit 1; }

args=(build --ci)
if [ -z "${TAURI_SIGNING_PRIVATE_KEY:-}" ]; then
  echo "dist: TAURI_SIGNING_PRIVATE_KEY is not set: the update artifacts are unsigned (--no-sign)."
  echo "dist: installed apps refuse unsigned updates; the release pipeline signs with the real key."
  args+=(--no-sign)
fi
case "$(uname -s)" in
  Linux)
    args+=(--bundles deb,rpm)
    echo "dist: the AppImage is built by the release pipeline (its tools download from GitHub at bundle time)."
    ;;
esac
(cd "$root/src-tauri" && "$tauri" "${args[@]}")
echo "dist: bundles:"
find "$root/target/release/bundle" -maxdepth 2 -type f \( -name '*.deb' -o -name '*.rpm' -o -name '*.dmg' \
  -o -name '*.msi' -o -name '*.exe' -o -name '*.sig' -o -name '*.tar.gz' \) -exec ls -lh {} \;
