#!/usr/bin/env bash
# Sets up a fresh clone: Debian packages, then npm ci (compiles the encrypted SQLite addon).
# The Electron binary is downloaded only with SWITCHBOARD_WITH_ELECTRON=1 (machines with internet);
# without it, `npm start` runs the browser host.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
if [ "${SWITCHBOARD_WITH_ELECTRON:-0}" != "1" ]; then export ELECTRON_SKIP_BINARY_DOWNLOAD=1; fi
echo "npm ci: installing packages (the encrypted SQLite addon compiles from source, about two minutes)"
npm ci --no-audit --no-fund
