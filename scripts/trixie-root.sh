#!/usr/bin/env bash
# A Debian 13 (trixie) root for the venus tests: Mesa 25's venus ICD and lavapipe, virglrenderer 1.1.0 (the reference
# `virgl_test_server --venus`), vulkan-tools and the Vulkan registry (vk.xml 1.4.309). Built once with mmdebstrap and
# cached outside the checkout; a changed package list (the stamp file) rebuilds it.
#
#   scripts/trixie-root.sh ensure            builds the root if needed, prints its path
#   scripts/trixie-root.sh run CMD [ARG...]  runs CMD inside the root (working directory: the checkout)
#   scripts/trixie-root.sh path              prints the root's path (built or not)
#
# `run` uses a private mount namespace: /proc, /dev (recursive), /sys, a fresh tmpfs on /tmp, the checkout (at its own
# path) and this machine's `node` binary (as /usr/local/bin/node) are mounted for the command only; no mount outlives it.
# Needs root (mmdebstrap's root mode, unshare -m, chroot). Environment: TRIXIE_ROOT (the root's path),
# TRIXIE_MIRROR (a Debian mirror; default: the one apt uses here), TRIXIE_ROOT_EXTRA_BINDS (colon-separated host
# paths bind-mounted at the same path).
set -euo pipefail

ROOT="${TRIXIE_ROOT:-/var/cache/rutabaga-ts/trixie-root}"
CHECKOUT="$(cd "$(dirname "$0")/.." && pwd)"
PACKAGES=(
  # the reference server (virgl_test_server, virgl_render_server)
  virgl-server
  # Mesa 25: venus ICD (virtio_icd.json) and lavapipe (lvp_icd.json); virpipe (Gallium's vtest client) for GL
  mesa-vulkan-drivers libgl1-mesa-dri libegl-mesa0 libegl1 libgles2
  # virglrenderer reaches GL through libepoxy, which opens libOpenGL.so.0 or libGL.so.1 even for EGL
  libopengl0 libgl1
  # clients: vulkaninfo, vkcube; wflinfo for GL through virpipe
  vulkan-tools waffle-utils
  # the Vulkan loader and the registry (/usr/share/vulkan/registry/vk.xml)
  libvulkan1 libvulkan-dev
  ca-certificates
)
STAMP_TEXT="suite=trixie variant=apt packages=${PACKAGES[*]}"

die() {
  echo "trixie-root: $*" >&2
  exit 1
}

mirror() {
  if [ -n "${TRIXIE_MIRROR:-}" ]; then
    echo "$TRIXIE_MIRROR"
    return
  fi
  local uri
  uri="$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -v security | head -n1 || true)"
  [ -n "$uri" ] || uri="$(grep -hs '^deb ' /etc/apt/sources.list | awk '{print $2}' | grep -v security | head -n1 || true)"
  echo "${uri:-http://deb.debian.org/debian}"
}

is_current() {
  [ -f "$ROOT/.rutabaga-ts-stamp" ] && [ "$(cat "$ROOT/.rutabaga-ts-stamp")" = "$STAMP_TEXT" ]
}

ensure() {
  [ "$(id -u)" -eq 0 ] || die "needs root (mmdebstrap's root mode, unshare -m, chroot)"
  is_current && return 0
  mkdir -p "$(dirname "$ROOT")"
  # One builder at a time: a second caller waits, then finds the root current.
  exec 9>"$ROOT.lock"
  flock 9
  if is_current; then
    exec 9>&-
    return 0
  fi
  if ! command -v mmdebstrap >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends mmdebstrap >&2
  fi
  local tmp="$ROOT.new" started
  rm -rf "$tmp"
  started=$(date +%s)
  echo "trixie-root: building $ROOT (mirror $(mirror))" >&2
  local include
  include="$(IFS=,; echo "${PACKAGES[*]}")"
  mmdebstrap --variant=apt --include="$include" trixie "$tmp" "deb $(mirror) trixie main" >&2
  echo "$STAMP_TEXT" >"$tmp/.rutabaga-ts-stamp"
  rm -rf "$ROOT"
  mv "$tmp" "$ROOT"
  echo "trixie-root: built in $(($(date +%s) - started)) s, $(du -sh "$ROOT" | cut -f1)" >&2
  exec 9>&-
}

run() {
  ensure
  [ "$#" -gt 0 ] || die "run: no command"
  local node
  node="$(command -v node)" || die "no node binary on PATH"
  # The inner shell receives its paths as arguments: nothing of the command is re-parsed.
  exec unshare -m --propagation private -- bash -euc '
    root="$1" checkout="$2" node="$3" extra="$4"
    shift 4
    mount -t proc proc "$root/proc"
    mount --rbind /dev "$root/dev"
    mount --rbind /sys "$root/sys"
    mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
    mkdir -p "$root$checkout"
    mount --bind "$checkout" "$root$checkout"
    mkdir -p "$root/usr/local/bin"
    [ -e "$root/usr/local/bin/node" ] || touch "$root/usr/local/bin/node"
    mount --bind "$node" "$root/usr/local/bin/node"
    IFS=: read -ra binds <<<"$extra"
    for path in "${binds[@]}"; do
      [ -n "$path" ] || continue
      if [ -d "$path" ]; then mkdir -p "$root$path"; else mkdir -p "$(dirname "$root$path")"; touch "$root$path"; fi
      mount --bind "$path" "$root$path"
    done
    exec chroot "$root" /usr/bin/env -C "$checkout" \
      PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root XDG_RUNTIME_DIR=/tmp "$@"
  ' bash "$ROOT" "$CHECKOUT" "$node" "${TRIXIE_ROOT_EXTRA_BINDS:-}" "$@"
}

case "${1:-}" in
ensure)
  ensure
  echo "$ROOT"
  ;;
path) echo "$ROOT" ;;
run)
  shift
  run "$@"
  ;;
*) die "usage: $0 ensure | path | run CMD [ARG...]" ;;
esac
