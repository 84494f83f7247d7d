#!/usr/bin/env bash
# A Linux guest on rutabaga-ts in one command (see scripts/run-guest.ts, or --help). Needs what scripts/setup.sh
# installs; QEMU 10 and the kernel are fetched into .cache/qemu-e2e/ on the first run.
set -euo pipefail
export RUN_GUEST_CWD="$PWD"
cd "$(dirname "$0")/.."
for tool in busybox cpio depmod dpkg-deb apt-get; do
  if ! command -v "$tool" >/dev/null && [ ! -x "/bin/$tool" ] && [ ! -x "/sbin/$tool" ]; then
    echo "run-guest: $tool is missing: run 'bash scripts/setup.sh' first" >&2
    exit 1
  fi
done
[ -d node_modules ] || npm ci --no-audit --no-fund
exec node --import tsx scripts/run-guest.ts "$@"
