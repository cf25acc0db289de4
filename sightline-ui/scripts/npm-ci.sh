#!/bin/sh
# `npm ci`, skipped when node_modules was installed by this script from the same package-lock.json
# (its hash is kept in node_modules/.sightline-lock-sha256); any other state reinstalls.
set -e
cd "$(dirname "$0")/.."
stamp=node_modules/.sightline-lock-sha256
hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ]; then
  echo "sightline-ui: node_modules matches package-lock.json, skipping npm ci"
  exit 0
fi
npm ci --no-audit --no-fund --prefer-offline
echo "$hash" > "$stamp"
