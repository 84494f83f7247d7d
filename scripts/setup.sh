#!/usr/bin/env bash
# Installs everything the project needs on a fresh Debian machine (idempotent): Debian packages named by
# scripts/deps.d/*.sh, the npm dependencies from package-lock.json, then builds dist/.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=()
for part in scripts/deps.d/*.sh; do
  [ -e "$part" ] || continue
  # shellcheck source=/dev/null
  source "$part"
done

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  # Another apt or dpkg run (unattended-upgrades, a second setup) holds the locks: wait for it, up to 10 minutes.
  WAIT_FOR_LOCK=(-o DPkg::Lock::Timeout=600)
  $SUDO apt-get "${WAIT_FOR_LOCK[@]}" update -qq
  $SUDO apt-get "${WAIT_FOR_LOCK[@]}" install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
# The compiled CLI starts in a tenth of the time tsx needs; bin/rutabaga-ts.js falls back to tsx for newer sources.
npm run build --silent
