// Fetches QEMU 10 (bookworm-backports) and Debian's 6.1 kernel with `apt-get download`, unpacks them without install
// hooks, and builds a busybox initramfs that loads virtio_gpu and obeys commands on its serial line. Shared by the
// QEMU end-to-end test, the QEMU benchmarks and scripts/run-guest.sh.
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Where downloads and unpacked trees are kept between runs (gitignored): `.cache/qemu-e2e/` in the checkout. */
export const CACHE = fileURLToPath(new URL("../../.cache/qemu-e2e", import.meta.url));
/** A download older than this is taken for one whose process died, and its lock is broken. */
const STALE_LOCK_MS = 15 * 60_000;
/** QEMU 10 from bookworm-backports. */
export const QEMU_VERSION = "1:10.0.2+ds-2+deb13u1~bpo12+1";
const QEMU_PACKAGES = ["qemu-system-x86", "qemu-system-common", "qemu-system-data", "qemu-system-gui"];
/** Modules in load order (vhost-user-gpu.md); those built into the kernel are skipped. */
const MODULES = [
  "virtio_ring",
  "virtio",
  "virtio_pci_modern_dev",
  "virtio_pci_legacy_dev",
  "virtio_pci",
  "drm",
  "drm_kms_helper",
  "drm_shmem_helper",
  "virtio_dma_buf",
  "virtio-gpu",
];

/** The unpacked QEMU and kernel. */
export interface GuestTools {
  root: string;
  qemu: string;
  referenceBackend: string;
  kernel: string;
  modulesDir: string;
  kernelVersion: string;
}

/** apt options for the private package lists in the cache (bookworm + bookworm-backports, bookworm preferred). */
export function aptOptions(): string[] {
  const apt = join(CACHE, "apt");
  return [
    "-o",
    `Dir::Etc::SourceList=${join(apt, "sources.list")}`,
    "-o",
    "Dir::Etc::SourceParts=-",
    "-o",
    `Dir::State::Lists=${join(apt, "lists")}`,
    "-o",
    `Dir::Cache=${join(apt, "cache")}`,
    "-o",
    "APT::Default-Release=bookworm",
    "-o",
    "APT::Sandbox::User=root",
  ];
}

/** Runs `fn` holding a lock directory (mkdir is atomic), so parallel test files download once. */
export function withDownloadLock<T>(fn: () => T): T {
  const lock = join(CACHE, "download.lock");
  mkdirSync(CACHE, { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      try {
        if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true });
      } catch {
        // Released meanwhile.
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Downloads and unpacks what the guest needs, once; later calls find it in the cache. */
export function prepareTools(): GuestTools {
  const root = join(CACHE, "root");
  const stamp = join(CACHE, "unpacked.stamp");
  if (!existsSync(stamp)) withDownloadLock(() => download(root, stamp));
  const kernelVersion = readdirSync(join(root, "lib", "modules"))[0]!;
  const modulesDir = join(root, "lib", "modules", kernelVersion);
  if (!existsSync(join(modulesDir, "modules.dep"))) execFileSync("depmod", ["-b", root, kernelVersion]);
  return {
    root,
    qemu: join(root, "usr", "bin", "qemu-system-x86_64"),
    referenceBackend: join(root, "usr", "lib", "qemu", "vhost-user-gpu"),
    kernel: join(root, "boot", `vmlinuz-${kernelVersion}`),
    modulesDir,
    kernelVersion,
  };
}

function download(root: string, stamp: string): void {
  if (existsSync(stamp)) return; // another process finished while we waited for the lock
  const apt = join(CACHE, "apt");
  const debs = join(CACHE, "debs");
  for (const d of [join(apt, "lists", "partial"), join(apt, "cache", "archives", "partial"), debs])
    mkdirSync(d, { recursive: true });
  const keyring = "signed-by=/usr/share/keyrings/debian-archive-keyring.gpg";
  writeFileSync(
    join(apt, "sources.list"),
    [
      `deb [${keyring}] http://deb.debian.org/debian bookworm main`,
      `deb [${keyring}] http://deb.debian.org/debian bookworm-backports main`,
      "",
    ].join("\n"),
  );
  execFileSync("apt-get", [...aptOptions(), "-qq", "update"], { stdio: "inherit" });
  const depends = execFileSync("apt-cache", [...aptOptions(), "depends", "linux-image-amd64/bookworm"], {
    encoding: "utf8",
  });
  const kernelPackage = /Depends: (linux-image-6\.1\.\S+)/.exec(depends)?.[1];
  if (kernelPackage === undefined) throw new Error(`no 6.1 kernel package in:\n${depends}`);
  const packages = [...QEMU_PACKAGES.map((p) => `${p}=${QEMU_VERSION}`), "seabios/bookworm-backports", kernelPackage];
  execFileSync("apt-get", [...aptOptions(), "-qq", "download", ...packages], {
    cwd: debs,
    stdio: "inherit",
  });
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  for (const deb of readdirSync(debs).filter((f) => f.endsWith(".deb")))
    execFileSync("dpkg-deb", ["-x", join(debs, deb), root]);
  writeFileSync(stamp, "");
}

/** The guest's /init: load the GPU stack, announce itself, then run numbered commands from the serial line. */
const INIT = `#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in ${MODULES.join(" ")}; do
  f=$(find /lib/modules -name "$m.ko" -o -name "$(echo $m | tr - _).ko" | head -n 1)
  [ -n "$f" ] && insmod "$f" 2>/dev/null
done
i=0
while [ ! -e /dev/fb0 ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i+1)); done
stty -echo 2>/dev/null
echo "@@READY"
while read -r id line; do
  out=$(eval "$line" 2>&1)
  rc=$?
  echo "$out" | sed 's/^/@@OUT /'
  echo "@@DONE $id $rc"
done
poweroff -f
`;

/**
 * Builds the initramfs (busybox, the GPU modules, /init and `files` under /data) in `outDir` (default: the cache)
 * and returns its path.
 */
export function buildInitramfs(tools: GuestTools, files: Record<string, Uint8Array>, outDir = CACHE): string {
  const dir = join(outDir, "initramfs");
  rmSync(dir, { recursive: true, force: true });
  for (const d of ["bin", "proc", "sys", "dev", "data", `lib/modules/${tools.kernelVersion}`])
    mkdirSync(join(dir, d), { recursive: true });
  copyFileSync("/bin/busybox", join(dir, "bin", "busybox"));
  writeFileSync(join(dir, "init"), INIT);
  chmodSync(join(dir, "init"), 0o755);
  const found = execFileSync("find", [tools.modulesDir, "-name", "*.ko"], { encoding: "utf8" }).split("\n");
  for (const m of MODULES) {
    const names = [`${m}.ko`, `${m.replaceAll("-", "_")}.ko`];
    const path = found.find((f) => names.some((n) => f.endsWith(`/${n}`)));
    if (path !== undefined) copyFileSync(path, join(dir, "lib", "modules", tools.kernelVersion, names[0]!));
  }
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, "data", name), bytes);
  const out = join(outDir, "initramfs.cpio.gz");
  execFileSync("sh", ["-c", `cd '${dir}' && find . | cpio -o -H newc --quiet | gzip -1 > '${out}'`]);
  return out;
}
