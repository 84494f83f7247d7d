// Obtains the Vulkan registry (vk.xml 1.4.309) the venus codec is generated from: Debian 13's libvulkan-dev, fetched
// from the Debian mirror by a pinned pool path and SHA-256, unpacked with dpkg-deb into a cache outside the checkout.
// `npx tsx scripts/venus-gen/vk-registry.ts` prints the path (downloading on first use).
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The registry version the checked-in codec is generated from. */
export const VK_REGISTRY_VERSION = "1.4.309";
const DEB = "pool/main/v/vulkan-loader/libvulkan-dev_1.4.309.0-1_amd64.deb";
const DEB_SHA256 = "8d329d465e16168afff58b1bd0dd6db46aac2cc3f56054a481b25a04e90b345a";
/** snapshot.debian.org keeps the file if trixie's pool moves on to a newer vulkan-loader. */
const MIRRORS = ["http://deb.debian.org/debian", "https://snapshot.debian.org/archive/debian/20250601T000000Z"];
const CACHE = process.env.RUTABAGA_VK_REGISTRY_CACHE ?? `/var/cache/rutabaga-ts/vk-registry-${VK_REGISTRY_VERSION}`;

function headerVersion(xml: string): number | undefined {
  const m = /#define <name>VK_HEADER_VERSION<\/name> (\d+)/.exec(xml);
  return m ? Number(m[1]) : undefined;
}

function usable(path: string): boolean {
  return existsSync(path) && headerVersion(readFileSync(path, "utf8")) === 309;
}

/** The Vulkan C headers of the same release, when the package was unpacked into the cache (`include/vulkan/…`). */
export function vkHeadersDir(): string | undefined {
  const dir = join(CACHE, "include");
  return existsSync(join(dir, "vulkan/vulkan.h")) ? dir : undefined;
}

/**
 * The path of a vk.xml of version 1.4.309, or an explanation of why none could be had. `VK_XML` names one explicitly;
 * a trixie root's `/usr/share/vulkan/registry/vk.xml` is used when it is the right version.
 */
export function obtainVkXml(): { path: string } | { error: string } {
  const cached = join(CACHE, "vk.xml");
  // A cache from before the headers were kept is refreshed so the layout check can run.
  if (usable(cached) && vkHeadersDir()) return { path: cached };
  for (const p of [process.env.VK_XML, "/usr/share/vulkan/registry/vk.xml"]) {
    if (p && usable(p)) return { path: p };
  }
  const errors: string[] = [];
  for (const mirror of MIRRORS) {
    const url = `${mirror}/${DEB}`;
    const got = spawnSync("curl", ["-fsSL", "--max-time", "120", url], { maxBuffer: 64 << 20 });
    if (got.status !== 0 || !got.stdout) {
      errors.push(`${url}: ${got.stderr?.toString().trim() || `curl exit ${got.status}`}`);
      continue;
    }
    const sum = createHash("sha256").update(got.stdout).digest("hex");
    if (sum !== DEB_SHA256) {
      errors.push(`${url}: sha256 ${sum} != ${DEB_SHA256}`);
      continue;
    }
    mkdirSync(CACHE, { recursive: true });
    const tmp = join(CACHE, `tmp-${process.pid}`);
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp);
    writeFileSync(join(tmp, "pkg.deb"), got.stdout);
    const x = spawnSync("dpkg-deb", ["-x", join(tmp, "pkg.deb"), join(tmp, "root")]);
    const extracted = join(tmp, "root/usr/share/vulkan/registry/vk.xml");
    if (x.status !== 0 || !usable(extracted)) {
      errors.push(`dpkg-deb -x: ${x.stderr?.toString().trim() || "no vk.xml 1.4.309 inside"}`);
      rmSync(tmp, { recursive: true, force: true });
      continue;
    }
    renameSync(extracted, join(CACHE, "vk.xml"));
    // The C headers of the same release, for the layout check against a C compiler.
    rmSync(join(CACHE, "include"), { recursive: true, force: true });
    renameSync(join(tmp, "root/usr/include"), join(CACHE, "include"));
    rmSync(tmp, { recursive: true, force: true });
    return { path: join(CACHE, "vk.xml") };
  }
  if (usable(cached)) return { path: cached };
  return { error: errors.join("; ") };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = obtainVkXml();
  if ("error" in r) {
    console.error(`vk.xml ${VK_REGISTRY_VERSION} unavailable: ${r.error}`);
    process.exit(1);
  }
  console.log(r.path);
}
