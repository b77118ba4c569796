#!/usr/bin/env bash
# The check a prepared machine cannot fool: clone this repository (its committed HEAD) into an
# empty folder and run the README's set-up and test commands there, with none of this checkout's
# node_modules, dist/ or environment variables.
#   bash scripts/fresh-check.sh [FOLDER]     (default: a new folder under /tmp, removed on success)
set -euo pipefail
src=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
dest=${1:-$(mktemp -d /tmp/saddle-fresh-XXXXXX)}
[ -z "$(ls -A "$dest" 2>/dev/null)" ] || { echo "fresh-check: $dest is not empty" >&2; exit 2; }
step() { echo "▶ fresh-check: $1"; }
trap 'echo "✖ fresh-check: failed in $dest (see above)" >&2' ERR

step "git clone $src → $dest ($(git -C "$src" rev-parse --short HEAD))"
git clone -q "$src" "$dest"
cd "$dest"
# No variable from the calling shell may help the install (the README's commands, as typed).
unset ELECTRON_SKIP_BINARY_DOWNLOAD npm_config_electron_skip_binary_download
step "npm install"
npm install --no-audit --no-fund
step "npm test"
npm test
step "passed; removing $dest"
[ -n "${1:-}" ] || rm -rf "$dest"
