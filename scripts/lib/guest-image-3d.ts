// The 3D guest (vm-3d.md): the 2D guest image plus Debian 12's Mesa (virtio_gpu_dri.so, libgbm, libEGL, libGLESv2,
// libLLVM-15), kmscube, eglinfo and glmark2-es2-drm with every library they load (the Depends closure, about 80
// packages fetched with `apt-get download` into the shared cache and unpacked without install hooks), and a hold shim
// that keeps a KMS program's last frame on screen until the host has taken it. The host side gets QEMU's opengl
// module (virtio-vga-gl, the SDL display's GL) for the reference run. The initramfs is the 2D one with a second,
// cached cpio archive appended (Linux unpacks concatenated archives in order), then a third small one with the
// compute program (test/e2e/qemu-3d/compute-checksum.c), compiled on the host against the guest's own EGL, GLES and
// GBM (headers from the matching -dev packages, linked to the libraries in the guest tree) and cached by its source.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  aptOptions,
  buildInitramfs,
  CACHE,
  type GuestTools,
  prepareTools,
  QEMU_VERSION,
  withDownloadLock,
} from "./guest-image.ts";

/** Packages whose Depends closure goes into the guest (bookworm's versions). */
const GUEST_ROOTS = ["libgl1-mesa-dri", "libgbm1", "libegl1", "libegl-mesa0", "libgles2", "kmscube", "mesa-utils-bin"];
const GLMARK2 = "glmark2-es2-drm";
/** Packages with the headers the compute program is built against (bookworm's, as the guest's libraries; libgl-dev
 * holds KHR/khrplatform.h). */
const HEADER_PACKAGES = ["libegl-dev", "libgles-dev", "libgbm-dev", "libgl-dev"];
/** The compute program's source. */
const COMPUTE_SOURCE = fileURLToPath(new URL("../../test/e2e/qemu-3d/compute-checksum.c", import.meta.url));
/** Where the guest's shared libraries are, in the guest tree. */
const GUEST_LIBS = ["usr/lib/x86_64-linux-gnu", "lib/x86_64-linux-gnu"];
/** Data no program in the guest reads (documentation, translations, ISO code tables). */
const TRIMMED = [
  "usr/share/doc",
  "usr/share/man",
  "usr/share/info",
  "usr/share/locale",
  "usr/share/lintian",
  "usr/share/bug",
  "usr/share/iso-codes",
  "usr/share/xml",
  "usr/share/gtk-doc",
];
/** Where the hold shim is in the guest. */
export const HOLD_SHIM = "/usr/lib/rutabaga-hold.so";
/** The shim's release file: the held program exits once it exists. */
export const HOLD_RELEASE = "/tmp/rutabaga-release";
/** The line the shim prints (on stderr) when it holds. */
export const HOLD_MARK = "@@HELD";
/** Where the compute program is in the guest: GLES 3.1 compute on GBM, prints `checksum <hex>` and `compute ok`. */
export const COMPUTE_PROGRAM = "/usr/bin/rutabaga-compute-checksum";

// At the first eglSwapBuffers the shim registers an exit handler; registered after Mesa's own, it runs before them,
// so the last flipped frame is still on the CRTC (nothing torn down) while the program waits for the release file.
const HOLD_SOURCE = `#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void hold(void) {
  fprintf(stderr, "${HOLD_MARK}\\n");
  fflush(stderr);
  for (int i = 0; i < 6000 && access("${HOLD_RELEASE}", F_OK) != 0; i++) usleep(20000);
}

unsigned int eglSwapBuffers(void *display, void *surface) {
  static unsigned int (*real)(void *, void *);
  static int registered;
  if (real == NULL) real = (unsigned int (*)(void *, void *))dlsym(RTLD_NEXT, "eglSwapBuffers");
  if (!registered) {
    registered = 1;
    atexit(hold);
  }
  return real(display, surface);
}
`;

/** The 2D guest's tools plus the unpacked 3D guest tree. */
export interface GuestTools3d extends GuestTools {
  /** The unpacked guest packages (Mesa, kmscube, glmark2). */
  guestRoot: string;
  /** A cached gzip cpio archive of {@link guestRoot} and the hold shim, appended to the 2D initramfs. */
  overlay: string;
  /** A cached gzip cpio archive holding {@link COMPUTE_PROGRAM}, appended after {@link overlay}. */
  programs: string;
}

/** The shared apt options, blind to what the host has installed (its versions may come from sources we lack). */
function guestApt(): string[] {
  const status = join(CACHE, "apt", "empty-status");
  if (!existsSync(status)) writeFileSync(status, "");
  return [...aptOptions(), "-o", `Dir::State::status=${status}`];
}

function closure(roots: readonly string[]): string[] {
  const out = execFileSync(
    "apt-cache",
    [
      ...guestApt(),
      "depends",
      "--recurse",
      "--no-recommends",
      "--no-suggests",
      "--no-conflicts",
      "--no-breaks",
      "--no-replaces",
      "--no-enhances",
      ...roots,
    ],
    { encoding: "utf8" },
  );
  // Unindented lines are packages; "<name>" ones are virtual.
  return [...new Set(out.split("\n").filter((l) => l !== "" && !l.startsWith(" ") && !l.startsWith("<")))].sort();
}

function fetch3d(tools: GuestTools, guestRoot: string, stamp: string): void {
  if (existsSync(stamp)) return;
  const debs = join(CACHE, "debs-3d");
  const hostDebs = join(CACHE, "debs-3d-host");
  for (const d of [debs, hostDebs]) mkdirSync(d, { recursive: true });
  execFileSync("apt-get", [...aptOptions(), "-qq", "download", `qemu-system-modules-opengl=${QEMU_VERSION}`], {
    cwd: hostDebs,
    stdio: "inherit",
  });
  for (const deb of readdirSync(hostDebs).filter((f) => f.endsWith(".deb")))
    execFileSync("dpkg-deb", ["-x", join(hostDebs, deb), tools.root]);
  const packages = closure([...GUEST_ROOTS, GLMARK2]);
  execFileSync("apt-get", [...guestApt(), "-qq", "download", ...packages], { cwd: debs, stdio: "inherit" });
  rmSync(guestRoot, { recursive: true, force: true });
  mkdirSync(guestRoot, { recursive: true });
  for (const deb of readdirSync(debs).filter((f) => f.endsWith(".deb")))
    execFileSync("dpkg-deb", ["-x", join(debs, deb), guestRoot]);
  for (const t of TRIMMED) rmSync(join(guestRoot, t), { recursive: true, force: true });
  writeFileSync(stamp, `${packages.join("\n")}\n`);
}

function buildOverlay(guestRoot: string, overlay: string): void {
  const shimSource = join(CACHE, "rutabaga-hold.c");
  writeFileSync(shimSource, HOLD_SOURCE);
  execFileSync("cc", ["-shared", "-fPIC", "-O2", "-o", join(guestRoot, HOLD_SHIM), shimSource, "-ldl"]);
  mkdirSync(join(guestRoot, "tmp"), { recursive: true });
  const partial = `${overlay}.partial`;
  execFileSync("sh", ["-c", `cd '${guestRoot}' && find . | cpio -o -H newc --quiet | gzip -1 > '${partial}'`]);
  execFileSync("mv", [partial, overlay]);
}

/** Unpacks the EGL, GLES and GBM headers of the guest's packages into `headersRoot` (no install hooks). */
function fetchHeaders(headersRoot: string, stamp: string): void {
  if (existsSync(stamp)) return;
  const debs = join(CACHE, "debs-3d-headers");
  mkdirSync(debs, { recursive: true });
  execFileSync("apt-get", [...guestApt(), "-qq", "download", ...HEADER_PACKAGES], { cwd: debs, stdio: "inherit" });
  rmSync(headersRoot, { recursive: true, force: true });
  mkdirSync(headersRoot, { recursive: true });
  for (const deb of readdirSync(debs).filter((f) => f.endsWith(".deb")))
    execFileSync("dpkg-deb", ["-x", join(debs, deb), headersRoot]);
  writeFileSync(stamp, "");
}

/** Compiles the compute program against the guest's headers and libraries and packs it as a cpio archive. */
function buildPrograms(guestRoot: string, headersRoot: string, archive: string): void {
  const tree = join(CACHE, "programs-3d");
  rmSync(tree, { recursive: true, force: true });
  mkdirSync(join(tree, "usr", "bin"), { recursive: true });
  const libs = GUEST_LIBS.map((d) => join(guestRoot, d));
  // The libraries by path (their -dev symlinks would dangle here); rpath-link finds what they load in turn.
  const link = ["libEGL.so.1", "libGLESv2.so.2", "libgbm.so.1"].map((l) => join(libs[0]!, l));
  execFileSync(
    "cc",
    [
      "-std=gnu11",
      "-O2",
      "-Wall",
      "-Wextra",
      "-Werror",
      "-isystem",
      join(headersRoot, "usr", "include"),
      "-o",
      join(tree, COMPUTE_PROGRAM),
      COMPUTE_SOURCE,
      ...link,
      ...libs.map((d) => `-Wl,-rpath-link,${d}`),
    ],
    { stdio: ["ignore", "inherit", "inherit"] },
  );
  const partial = `${archive}.partial`;
  execFileSync("sh", ["-c", `cd '${tree}' && find . | cpio -o -H newc --quiet | gzip -1 > '${partial}'`]);
  execFileSync("mv", [partial, archive]);
}

/** Downloads and unpacks the 3D guest and QEMU's opengl module once (under the shared download lock). */
export function prepareTools3d(): GuestTools3d {
  const tools = prepareTools();
  const guestRoot = join(CACHE, "root-3d");
  const stamp = join(CACHE, "unpacked-3d.stamp");
  const overlay = join(CACHE, "guest-3d.cpio.gz");
  const headersRoot = join(CACHE, "headers-3d");
  const headersStamp = join(CACHE, "headers-3d.stamp");
  const version = createHash("sha256").update(readFileSync(COMPUTE_SOURCE)).digest("hex").slice(0, 16);
  const programs = join(CACHE, `programs-3d-${version}.cpio.gz`);
  if (!existsSync(stamp) || !existsSync(overlay) || !existsSync(programs)) {
    withDownloadLock(() => {
      fetch3d(tools, guestRoot, stamp);
      if (!existsSync(overlay)) buildOverlay(guestRoot, overlay);
      fetchHeaders(headersRoot, headersStamp);
      if (!existsSync(programs)) buildPrograms(guestRoot, headersRoot, programs);
    });
  }
  return { ...tools, guestRoot, overlay, programs };
}

/** The packages the 3D guest holds (written when they were fetched). */
export function guestPackages3d(): string[] {
  return readFileSync(join(CACHE, "unpacked-3d.stamp"), "utf8").split("\n").filter(Boolean);
}

/** The 2D initramfs with the 3D overlay and the compute program appended, in `outDir`; returns its path. */
export function buildInitramfs3d(tools: GuestTools3d, files: Record<string, Uint8Array>, outDir: string): string {
  const base = buildInitramfs(tools, files, outDir);
  const out = join(outDir, "initramfs-3d.cpio.gz");
  execFileSync("sh", ["-c", `cat '${base}' '${tools.overlay}' '${tools.programs}' > '${out}'`]);
  return out;
}
