import { GUEST_PAGE_SIZE, RutabagaMapInfo } from "../../rutabaga/constants.ts";
import { RutabagaError } from "../../rutabaga/error.ts";

/** DRM fourcc of four ASCII characters (`a | b<<8 | c<<16 | d<<24`). */
export function fourcc(code: string): number {
  if (code.length !== 4) throw new RangeError(`fourcc "${code}"`);
  return (
    (code.charCodeAt(0) | (code.charCodeAt(1) << 8) | (code.charCodeAt(2) << 16) | (code.charCodeAt(3) << 24)) >>> 0
  );
}

/** `fourcc(XR24)` when all four bytes are printable ASCII, else `fourcc(0x…)` of the bytes in order (rutabaga_gfx). */
export function fourccName(format: number): string {
  const bytes = [format & 0xff, (format >>> 8) & 0xff, (format >>> 16) & 0xff, (format >>> 24) & 0xff];
  if (bytes.every((b) => b > 0x20 && b < 0x7f)) return `fourcc(${String.fromCharCode(...bytes)})`;
  return `fourcc(0x${bytes.map((b) => b.toString(16).padStart(2, "0")).join("")})`;
}

/** Per plane of a DRM format: horizontal subsampling, vertical subsampling, bytes per pixel. */
export type PlaneLayout = readonly [hsub: number, vsub: number, bpp: number];

const ONE_PLANE = (bpp: number): readonly PlaneLayout[] => [[1, 1, bpp]];

/** The DRM formats rutabaga_gfx's gralloc knows (rutabaga.md §2.3), with their planes. */
export const DRM_FORMAT_PLANES: ReadonlyMap<number, readonly PlaneLayout[]> = new Map([
  [fourcc("R8  "), ONE_PLANE(1)],
  [fourcc("RG16"), ONE_PLANE(2)],
  [fourcc("BG24"), ONE_PLANE(3)],
  ...["XR24", "XB24", "AR24", "AB24", "XR30", "XB30", "AR30", "AB30"].map((c) => [fourcc(c), ONE_PLANE(4)] as const),
  [fourcc("AB4H"), ONE_PLANE(8)],
  [
    fourcc("NV12"),
    [
      [1, 1, 1],
      [2, 2, 2],
    ],
  ],
  [
    fourcc("YV12"),
    [
      [1, 1, 1],
      [2, 2, 1],
      [2, 2, 1],
    ],
  ],
]);

/** Page size blob sizes are rounded up to. */
export const IMAGE_PAGE_SIZE = GUEST_PAGE_SIZE;

/** A linear image's layout in one shared-memory allocation. */
export interface ImageLayout {
  width: number;
  height: number;
  drmFormat: number;
  strides: [number, number, number, number];
  offsets: [number, number, number, number];
  modifier: bigint;
  /** Bytes to allocate: the planes' sum rounded up to {@link IMAGE_PAGE_SIZE}. */
  size: number;
  /** Cache type of the memory (system memory: cached). */
  mapInfo: number;
}

function checked(value: number, what: string): number {
  if (value > 0xffff_ffff) throw new RutabagaError("CheckedArithmetic", `${what} ${value} overflows 32 bits`);
  return value;
}

/**
 * Canonical linear layout (rutabaga_gfx's system gralloc): per plane `stride = bpp * (width / hsub)`, planes packed in
 * order, 32-bit arithmetic checked, total rounded up to a page. Unknown formats are `InvalidGrallocDrmFormat`.
 * `_usage` (gralloc usage flags) does not change a linear system-memory layout.
 */
export function linearImageLayout(width: number, height: number, drmFormat: number, _usage: number): ImageLayout {
  const planes = DRM_FORMAT_PLANES.get(drmFormat >>> 0);
  if (planes === undefined) throw new RutabagaError("InvalidGrallocDrmFormat", fourccName(drmFormat >>> 0));
  const strides: [number, number, number, number] = [0, 0, 0, 0];
  const offsets: [number, number, number, number] = [0, 0, 0, 0];
  let total = 0;
  planes.forEach(([hsub, vsub, bpp], p) => {
    const stride = checked(bpp * Math.floor(width / hsub), "stride");
    const planeSize = checked(Math.floor(height / vsub) * stride, "plane size");
    strides[p] = stride;
    offsets[p] = total;
    total = checked(total + planeSize, "image size");
  });
  const size = checked(Math.ceil(total / IMAGE_PAGE_SIZE) * IMAGE_PAGE_SIZE, "image size");
  return {
    width,
    height,
    drmFormat: drmFormat >>> 0,
    strides,
    offsets,
    modifier: 0n,
    size,
    mapInfo: RutabagaMapInfo.CacheCached,
  };
}
