#!/usr/bin/env bash
# A global install from the tarball, as a user would: npm pack, npm install -g into a temporary
# prefix, then from an empty folder: --version, train on a copy of the bundled sheet, predict a
# seed dump. Needs the npm registry (for the dependencies). Usage: bash scripts/install-check.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cd "$root"
tarball="$(npm pack --pack-destination "$tmp" --silent | tail -n 1)"
npm install -g --prefix "$tmp/prefix" "$tmp/$tarball" --no-audit --no-fund --loglevel=error
mkdir "$tmp/empty" && cd "$tmp/empty"
cp "$root/data/labeled.csv" sheet.csv
"$tmp/prefix/bin/safetag" --version
"$tmp/prefix/bin/safetag" -q train --data sheet.csv --out model.json
"$tmp/prefix/bin/safetag" -q predict --model model.json --input "$root/data/raw/000_2801137c12bd7e27.txt" --output predictions.csv
echo "installed from $tarball: $(($(wc -l < predictions.csv) - 1)) abstracts labeled from an empty folder"
