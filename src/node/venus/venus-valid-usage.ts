import { RutabagaError } from "../../rutabaga/error.ts";

// What the host driver trusts the application for, checked before a call a hostile guest could otherwise use to
// corrupt it: lavapipe's vkCreateImage with out-of-range enums or zero extents corrupts its heap (found by the venus
// fuzz property). Values from the Vulkan 1.4 registry.

function refuse(what: string): never {
  throw new RutabagaError("InvalidCommandBuffer", `vkCreateImage: ${what}`);
}

/** VkFormat values that exist: core, and the extension ranges a venus guest can name. */
export function isKnownFormat(f: unknown): boolean {
  if (typeof f !== "number" || !Number.isInteger(f)) return false;
  return (
    (f >= 1 && f <= 184) ||
    (f >= 1000156000 && f <= 1000156033) ||
    (f >= 1000066000 && f <= 1000066013) ||
    (f >= 1000330000 && f <= 1000330003) ||
    (f >= 1000340000 && f <= 1000340001) ||
    (f >= 1000470000 && f <= 1000470001)
  );
}

/** VkImageCreateFlags a venus guest may use: no sparse, no protected memory. */
const IMAGE_FLAGS = 0x8 | 0x10 | 0x20 | 0x80 | 0x100 | 0x200 | 0x400;
/** VkImageUsageFlags of Vulkan 1.0. */
const IMAGE_USAGE = 0xff;
const SAMPLE_COUNTS = new Set([1, 2, 4, 8, 16, 32, 64]);
/** VkExternalMemoryHandleTypeFlags of Vulkan 1.1 plus dma-buf. */
const EXTERNAL_MEMORY = 0x7f | 0x200;
/** pNext structs a created image may carry. */
const IMAGE_FORMAT_LIST = 1000147000;
const IMAGE_STENCIL_USAGE = 1000246000;
const EXTERNAL_MEMORY_IMAGE = 1000072001;

/** What the host says an image of these parameters may be (vkGetPhysicalDeviceImageFormatProperties). */
export interface ImageFormatLimits {
  readonly maxExtent: { width: number; height: number; depth: number };
  readonly maxMipLevels: number;
  readonly maxArrayLayers: number;
  readonly sampleCounts: number;
}

/**
 * Checks a decoded VkImageCreateInfo's enums, flags and chain before anything reaches the host, then (through
 * `limits`, a host query made with the checked values; undefined when the combination is unsupported) its sizes.
 */
export function checkImageCreateInfo(
  info: Record<string, unknown>,
  queueFamilyCount: number,
  limits: (format: number, type: number, tiling: number, usage: number, flags: number) => ImageFormatLimits | undefined,
): void {
  const { imageType, format, tiling, usage, flags, samples, sharingMode, initialLayout } = info;
  const extent = info.extent as { width: number; height: number; depth: number };
  if (imageType !== 0 && imageType !== 1 && imageType !== 2) refuse(`imageType ${String(imageType)}`);
  if (!isKnownFormat(format)) refuse(`format ${String(format)}`);
  if (tiling !== 0 && tiling !== 1) refuse(`tiling ${String(tiling)}`);
  if (typeof usage !== "number" || usage === 0 || (usage & ~IMAGE_USAGE) !== 0) refuse(`usage ${String(usage)}`);
  if (typeof flags !== "number" || (flags & ~IMAGE_FLAGS) !== 0) refuse(`flags ${String(flags)}`);
  if (!SAMPLE_COUNTS.has(samples as number)) refuse(`samples ${String(samples)}`);
  if (initialLayout !== 0 && initialLayout !== 8) refuse(`initialLayout ${String(initialLayout)}`);
  if (sharingMode === 1) {
    const families = info.pQueueFamilyIndices as ArrayLike<number> | null;
    if (!families || families.length < 2) refuse("concurrent sharing with fewer than 2 queue families");
    for (let i = 0; i < families.length; i++)
      if (families[i]! >>> 0 >= queueFamilyCount) refuse(`queue family ${families[i]}`);
  } else if (sharingMode !== 0) refuse(`sharingMode ${String(sharingMode)}`);
  const { width, height, depth } = extent;
  if (!(width >= 1 && height >= 1 && depth >= 1)) refuse(`extent ${width}×${height}×${depth}`);
  if (imageType === 0 && (height !== 1 || depth !== 1)) refuse("a 1D image taller than 1");
  if (imageType === 1 && depth !== 1) refuse("a 2D image deeper than 1");
  const mips = info.mipLevels as number;
  const layers = info.arrayLayers as number;
  if (!(mips >= 1) || !(layers >= 1)) refuse(`${mips} mip levels, ${layers} layers`);
  if (mips > 1 + Math.floor(Math.log2(Math.max(width, height, depth)))) refuse(`${mips} mip levels`);
  for (let e = info.pNext as Record<string, unknown> | null; e; e = e.pNext as Record<string, unknown> | null) {
    if (e.sType === IMAGE_FORMAT_LIST) {
      const list = (e.pViewFormats ?? []) as ArrayLike<number>;
      for (let i = 0; i < list.length; i++) if (!isKnownFormat(list[i])) refuse(`view format ${list[i]}`);
    } else if (e.sType === IMAGE_STENCIL_USAGE) {
      const u = e.stencilUsage as number;
      if (u === 0 || (u & ~IMAGE_USAGE) !== 0) refuse(`stencilUsage ${u}`);
    } else if (e.sType === EXTERNAL_MEMORY_IMAGE) {
      if (((e.handleTypes as number) & ~EXTERNAL_MEMORY) !== 0) refuse(`handleTypes ${String(e.handleTypes)}`);
    } else refuse(`sType ${String(e.sType)} in the chain`);
  }
  const l = limits(format as number, imageType as number, tiling as number, usage as number, flags as number);
  if (l === undefined) refuse("a format, type, tiling and usage the host does not support");
  if (width > l.maxExtent.width || height > l.maxExtent.height || depth > l.maxExtent.depth)
    refuse(`extent ${width}×${height}×${depth} over the host's`);
  if (mips > l.maxMipLevels || layers > l.maxArrayLayers) refuse(`${mips} mips, ${layers} layers over the host's`);
  if ((l.sampleCounts & (samples as number)) === 0) refuse(`${String(samples)} samples`);
}
