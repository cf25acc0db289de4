#!/bin/sh
# Fails the build with one line when Node.js >= 20 or npm is missing (run by Maven first).
need=20
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "sightline-ui: Node.js $need or newer with npm is needed to build the web UI and was not found on the PATH: install Node.js $need+ with npm from https://nodejs.org/en/download (Debian 12's own nodejs package is 18, too old)" >&2
  exit 1
fi
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -lt "$need" ]; then
  echo "sightline-ui: Node.js $need or newer is needed to build the web UI, found $(node --version) at $(command -v node): install Node.js $need+ (https://nodejs.org)" >&2
  exit 1
fi
