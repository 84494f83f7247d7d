import { PipeTextureTarget, VirglBind } from "../../../rutabaga/constants.ts";
import { RutabagaError } from "../../../rutabaga/error.ts";
import type { IovecList } from "../../../rutabaga/iovec-list.ts";
import { copyRows, readRows, writeRows } from "../../../rutabaga/iovec-rows.ts";
import type { RutabagaResource } from "../../../rutabaga/resource.ts";
import type { BackingReadObserver, ResourceCreate3D, Transfer3D } from "../../../rutabaga/types.ts";
import { GL } from "../host-gl/gl-constants.ts";
import { checkGl, drainGlErrors, type HostGl } from "../host-gl/host-gl.ts";
import type { GlBox } from "../host-gl/textures.ts";
import { VIRGL_FORMATS, type VirglFormatInfo } from "./formats.ts";
import type { ReadbackScratch } from "./readback-scratch.ts";
import { releaseTextureViews } from "./texture-view.ts";

/** Largest buffer resource: 1 GiB (GL buffer sizes are signed pointers; we keep well inside the host limit). */
export const MAX_BUFFER_BYTES = 1 << 30;

/** Host limits resource creation checks against (from the GL). */
export interface ResourceLimits {
  readonly max2d: number;
  readonly max3d: number;
  readonly maxCube: number;
  readonly maxLayers: number;
  readonly maxSamples: number;
  /** Formats the host can render to, use as depth/stencil, and sample (the caps masks). */
  readonly render: ReadonlySet<number>;
  readonly depthStencil: ReadonlySet<number>;
  readonly sampler: ReadonlySet<number>;
}

/** What the virgl component keeps for one resource: its GL object and shape. */
export interface VirglResourceState {
  readonly target: number;
  readonly format: VirglFormatInfo | undefined;
  readonly bind: number;
  readonly width: number;
  readonly height: number;
  readonly depth: number;
  readonly arraySize: number;
  readonly levels: number;
  readonly samples: number;
  /** GL texture target, or 0 for buffers and guest-only staging buffers. */
  readonly glTarget: number;
  /** GL texture or buffer name; 0 for a guest-only staging buffer (its bytes live in the backing only). */
  glName: number;
  readonly hostBytes: number;
}

/**
 * A resource of the virgl component: the library's record (guest backing), the component's GL state, and the
 * request that created it (a snapshot creates it again from that).
 */
export interface VirglResource {
  readonly record: RutabagaResource;
  readonly state: VirglResourceState;
  readonly create: ResourceCreate3D;
}

/** Whether `target` has layers GL addresses one at a time (arrays, cubes, 3D). */
export function isLayeredTarget(target: number): boolean {
  return (
    target !== PipeTextureTarget.Texture1D &&
    target !== PipeTextureTarget.Texture2D &&
    target !== PipeTextureTarget.TextureRect
  );
}

/** The GL texture target of a Gallium target (`PIPE_TEXTURE_*`), or 0 for buffers and unknown targets. */
export function glTextureTarget(target: number, samples: number): number {
  switch (target) {
    case PipeTextureTarget.Texture1D:
      return GL.TEXTURE_1D;
    case PipeTextureTarget.Texture2D:
      return samples > 1 ? GL.TEXTURE_2D_MULTISAMPLE : GL.TEXTURE_2D;
    case PipeTextureTarget.Texture3D:
      return GL.TEXTURE_3D;
    case PipeTextureTarget.TextureCube:
      return GL.TEXTURE_CUBE_MAP;
    case PipeTextureTarget.TextureRect:
      return GL.TEXTURE_RECTANGLE;
    case PipeTextureTarget.Texture1DArray:
      return GL.TEXTURE_1D_ARRAY;
    case PipeTextureTarget.Texture2DArray:
      return samples > 1 ? GL.TEXTURE_2D_MULTISAMPLE_ARRAY : GL.TEXTURE_2D_ARRAY;
    case PipeTextureTarget.TextureCubeArray:
      return GL.TEXTURE_CUBE_MAP_ARRAY;
    default:
      return 0;
  }
}

function invalid(message: string): never {
  throw new RutabagaError("InvalidResourceId", message);
}

/**
 * Width, height and depth of `level` in Gallium box terms: depth is 3D slices or the layers of array and cube
 * targets (Gallium puts 1D-array layers in z too; GL puts them in y, see {@link toGlBox}).
 */
export function levelExtent(s: VirglResourceState, level: number): [number, number, number] {
  const w = Math.max(1, s.width >>> level);
  const h = Math.max(1, s.height >>> level);
  let d = 1;
  if (s.target === PipeTextureTarget.Texture3D) d = Math.max(1, s.depth >>> level);
  else if (
    s.target === PipeTextureTarget.Texture1DArray ||
    s.target === PipeTextureTarget.Texture2DArray ||
    s.target === PipeTextureTarget.TextureCube ||
    s.target === PipeTextureTarget.TextureCubeArray
  ) {
    d = s.arraySize;
  }
  return [w, h, d];
}

/** A Gallium box in GL's coordinates: 1D-array layers move from z/depth to y/height. */
export function toGlBox(target: number, b: GlBox): GlBox {
  if (target === PipeTextureTarget.Texture1DArray) return { x: b.x, y: b.z, z: 0, w: b.w, h: b.d, d: 1 };
  return b;
}

function imageBytes(f: VirglFormatInfo, w: number, h: number): number {
  return Math.ceil(w / f.blockWidth) * Math.ceil(h / f.blockHeight) * f.blockBytes;
}

/** Bytes of one level (every layer or slice), tightly packed: what a whole-level transfer with stride 0 moves. */
export function levelByteLength(s: VirglResourceState, level: number): number {
  if (s.target === PipeTextureTarget.Buffer) return s.width;
  const [w, h, d] = levelExtent(s, level);
  return imageBytes(s.format!, w, h) * d;
}

/** The whole of `level` as a transfer box (stride 0: tightly packed, from offset 0). */
export function wholeLevelBox(s: VirglResourceState, level: number): Transfer3D {
  const [w, h, d] = s.target === PipeTextureTarget.Buffer ? [s.width, 1, 1] : levelExtent(s, level);
  return { x: 0, y: 0, z: 0, w, h, d, level, stride: 0, layerStride: 0, offset: 0 };
}

/** Validates a create request against Gallium's rules and the host limits; returns the state without GL objects. */
export function planResource(create: ResourceCreate3D, limits: ResourceLimits): VirglResourceState {
  const { target, width, height, depth, lastLevel, bind } = create;
  const samples = create.nrSamples;
  if (target > PipeTextureTarget.TextureCubeArray) invalid(`unknown target ${target}`);
  const arrayTarget =
    target === PipeTextureTarget.Texture1DArray ||
    target === PipeTextureTarget.Texture2DArray ||
    target === PipeTextureTarget.TextureCube ||
    target === PipeTextureTarget.TextureCubeArray;
  // Mesa sends array_size 0 for some buffers (query results); Gallium reads 0 as 1 outside array targets.
  const arraySize = create.arraySize === 0 && !arrayTarget ? 1 : create.arraySize;
  // rutabaga_gfx's CheckedRange: the device answers VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER, not a bad resource id.
  if (width === 0 || height === 0 || depth === 0 || arraySize === 0) {
    throw new RutabagaError("CheckedRange", `zero-sized resource ${width}×${height}×${depth}, ${arraySize} layers`);
  }
  if (target === PipeTextureTarget.Buffer) {
    if (height !== 1 || depth !== 1 || arraySize !== 1 || lastLevel !== 0 || samples > 1) {
      invalid("buffers are width × 1 × 1, one level, one sample");
    }
    if (width > MAX_BUFFER_BYTES) invalid(`buffer of ${width} bytes exceeds ${MAX_BUFFER_BYTES}`);
    return {
      target,
      format: VIRGL_FORMATS.get(create.format),
      bind,
      width,
      height: 1,
      depth: 1,
      arraySize: 1,
      levels: 1,
      samples: 0,
      glTarget: 0,
      glName: 0,
      hostBytes: (bind & VirglBind.Staging) !== 0 ? 0 : width,
    };
  }
  const format = VIRGL_FORMATS.get(create.format);
  if (format === undefined) throw new RutabagaError("Unsupported", `virgl format ${create.format} has no GL mapping`);
  // Bind flags are honoured as virglrenderer does: each use must be one the host offers for the format.
  if ((bind & VirglBind.RenderTarget) !== 0 && !limits.render.has(format.virgl)) {
    throw new RutabagaError("Unsupported", `${format.name} cannot be a render target`);
  }
  if ((bind & VirglBind.DepthStencil) !== 0 && !limits.depthStencil.has(format.virgl)) {
    throw new RutabagaError("Unsupported", `${format.name} cannot be a depth/stencil buffer`);
  }
  if (
    (bind & VirglBind.SamplerView) !== 0 &&
    !limits.sampler.has(format.virgl) &&
    !limits.depthStencil.has(format.virgl)
  ) {
    throw new RutabagaError("Unsupported", `${format.name} cannot be sampled`);
  }
  const is1d = target === PipeTextureTarget.Texture1D || target === PipeTextureTarget.Texture1DArray;
  const isCube = target === PipeTextureTarget.TextureCube || target === PipeTextureTarget.TextureCubeArray;
  const isArray =
    target === PipeTextureTarget.Texture1DArray ||
    target === PipeTextureTarget.Texture2DArray ||
    target === PipeTextureTarget.TextureCubeArray;
  if (is1d && height !== 1) invalid("1D resources have height 1");
  if (target !== PipeTextureTarget.Texture3D && depth !== 1) invalid("only 3D resources have depth");
  if (!isArray && !isCube && arraySize !== 1) invalid(`target ${target} has one layer`);
  if (target === PipeTextureTarget.TextureCube && arraySize !== 6) invalid("cube maps have 6 faces");
  if (target === PipeTextureTarget.TextureCubeArray && arraySize % 6 !== 0) invalid("cube arrays have 6n layers");
  if (isCube && width !== height) invalid("cube faces are square");
  const maxDim = target === PipeTextureTarget.Texture3D ? limits.max3d : isCube ? limits.maxCube : limits.max2d;
  if (width > maxDim || height > maxDim || depth > limits.max3d)
    invalid(`${width}x${height}x${depth} exceeds ${maxDim}`);
  if (arraySize > (isCube ? limits.maxLayers * 6 : limits.maxLayers)) invalid(`${arraySize} layers exceed the host`);
  const largest = Math.max(width, is1d ? 1 : height, target === PipeTextureTarget.Texture3D ? depth : 1);
  const maxLevels = 32 - Math.clz32(largest);
  if (lastLevel + 1 > maxLevels) invalid(`last level ${lastLevel} beyond ${maxLevels - 1}`);
  if (target === PipeTextureTarget.TextureRect && lastLevel !== 0) invalid("rectangle textures have one level");
  if (format.compressed && (is1d || target === PipeTextureTarget.TextureRect)) {
    throw new RutabagaError("Unsupported", `${format.name} cannot be a 1D or rectangle texture`);
  }
  if (samples > 1) {
    if (target !== PipeTextureTarget.Texture2D && target !== PipeTextureTarget.Texture2DArray)
      invalid("multisampling needs 2D");
    if (samples > limits.maxSamples || lastLevel !== 0) invalid(`${samples} samples not supported`);
    if (format.compressed) invalid("compressed formats cannot be multisampled");
  }
  const state: VirglResourceState = {
    target,
    format,
    bind,
    width,
    height,
    depth,
    arraySize,
    levels: lastLevel + 1,
    samples: samples > 1 ? samples : 0,
    glTarget: glTextureTarget(target, samples),
    glName: 0,
    hostBytes: 0,
  };
  let bytes = 0;
  for (let l = 0; l < state.levels; l++) {
    const [w, h, d] = levelExtent(state, l);
    bytes += imageBytes(format, w, h) * d;
  }
  return { ...state, hostBytes: bytes * Math.max(1, state.samples) };
}

/** One texel of zeros, as wide as the widest uncompressed format (RGBA32, Z32F_S8X24). */
const ZERO_TEXEL = new Uint8Array(16);
/** Largest compressed upload of zeros per call: bounds the one zero buffer whatever the texture's size. */
const ZERO_SLAB_BYTES = 256 << 10;
let zeroSlab: Uint8Array | undefined;

/**
 * Makes every texel of every level of a new texture read as zeros. GL leaves new storage undefined, and a driver may
 * hand a texture memory another context wrote (one guest would read another's texels). Uncompressed levels are
 * cleared on the GPU (`glClearTexSubImage`); compressed ones (which GL cannot clear) get all-zero blocks, uploaded in
 * slabs of whole block rows of at most {@link ZERO_SLAB_BYTES}.
 */
function zeroFillTexture(gl: HostGl, s: VirglResourceState): void {
  const f = s.format!;
  for (let level = 0; level < s.levels; level++) {
    const [w, h, d] = levelExtent(s, level);
    if (!f.compressed) {
      const box = toGlBox(s.target, { x: 0, y: 0, z: 0, w, h, d });
      gl.clearTexSubImage(s.glName, level, box, f.glFormat, f.glType, ZERO_TEXEL.subarray(0, f.blockBytes));
      continue;
    }
    zeroSlab ??= new Uint8Array(ZERO_SLAB_BYTES);
    const rowBytes = Math.ceil(w / f.blockWidth) * f.blockBytes;
    const blockRows = Math.ceil(h / f.blockHeight);
    const rowsPerSlab = Math.max(1, Math.min(blockRows, Math.floor(ZERO_SLAB_BYTES / rowBytes)));
    const dims = subImageDims(s.target);
    for (let z = 0; z < d; z++) {
      for (let row = 0; row < blockRows; row += rowsPerSlab) {
        const rows = Math.min(rowsPerSlab, blockRows - row);
        const y = row * f.blockHeight;
        const box = toGlBox(s.target, { x: 0, y, z, w, h: Math.min(rows * f.blockHeight, h - y), d: 1 });
        const n = rows * rowBytes;
        // A single block row wider than the slab (a 16384-wide texture of 16-byte blocks is 256 KiB) gets its own.
        const data = n <= ZERO_SLAB_BYTES ? zeroSlab.subarray(0, n) : new Uint8Array(n);
        gl.compressedTextureSubImage(s.glName, dims, level, box, f.internalFormat, data);
      }
    }
  }
}

/** Creates the GL object of a planned resource in the current (host) context; its contents read as zeros. */
export function allocateResource(gl: HostGl, s: VirglResourceState): void {
  if (s.target === PipeTextureTarget.Buffer) {
    if ((s.bind & VirglBind.Staging) !== 0) return;
    s.glName = gl.createBuffer(s.width);
    gl.zeroBufferSubData(s.glName, 0, s.width);
    return;
  }
  const f = s.format!;
  drainGlErrors(gl);
  const tex = gl.createTexture(s.glTarget);
  const t = s.target;
  const storage = { levels: s.levels, samples: s.samples, internalFormat: f.internalFormat, width: s.width };
  if (t === PipeTextureTarget.Texture1D) {
    gl.textureStorage(tex, { ...storage, dims: 1, height: 1, depth: 1 });
  } else if (
    t === PipeTextureTarget.Texture2D ||
    t === PipeTextureTarget.TextureRect ||
    t === PipeTextureTarget.TextureCube
  ) {
    gl.textureStorage(tex, { ...storage, dims: 2, height: s.height, depth: 1 });
  } else if (t === PipeTextureTarget.Texture1DArray) {
    gl.textureStorage(tex, { ...storage, dims: 2, height: s.arraySize, depth: 1 });
  } else if (t === PipeTextureTarget.Texture3D) {
    gl.textureStorage(tex, { ...storage, dims: 3, height: s.height, depth: s.depth });
  } else {
    gl.textureStorage(tex, { ...storage, dims: 3, height: s.height, depth: s.arraySize });
  }
  if (s.samples <= 1 && s.glTarget !== GL.TEXTURE_RECTANGLE)
    gl.textureParameteri(tex, GL.TEXTURE_MAX_LEVEL, s.levels - 1);
  if (f.swizzle !== undefined && s.samples <= 1)
    gl.textureParameteriv(tex, GL.TEXTURE_SWIZZLE_RGBA, Int32Array.from(f.swizzle));
  try {
    if (tex === 0) throw new RutabagaError("ComponentError", `no texture name for ${f.name} target ${t}`);
    checkGl(gl, `creating ${f.name} target ${t}`);
    s.glName = tex;
    zeroFillTexture(gl, s);
    checkGl(gl, `clearing ${f.name} target ${t}`);
  } catch (e) {
    s.glName = 0;
    if (tex !== 0) gl.deleteTexture(tex);
    throw e;
  }
}

/** Deletes the GL object (current context must be the host's). */
export function releaseResource(gl: HostGl, s: VirglResourceState): void {
  if (s.glName === 0) return;
  if (s.target === PipeTextureTarget.Buffer) gl.deleteBuffer(s.glName);
  else {
    releaseTextureViews(gl, s);
    gl.deleteTexture(s.glName);
  }
  s.glName = 0;
}

/** The box's rows as copied: bytes per row, rows per image, guest row and image pitch. */
interface BoxLayout {
  rowBytes: number;
  rows: number;
  stride: number;
  layerStride: number;
  /** Bytes the box spans in guest memory from `offset`. */
  span: number;
}

function layoutOf(s: VirglResourceState, b: Transfer3D): BoxLayout {
  if (s.target === PipeTextureTarget.Buffer) {
    if (b.level !== 0 || b.y !== 0 || b.z !== 0 || b.h !== 1 || b.d !== 1 || b.x + b.w > s.width) {
      throw new RutabagaError("InvalidCommandBuffer", `buffer box ${b.x}+${b.w} outside ${s.width} bytes`);
    }
    return { rowBytes: b.w, rows: 1, stride: b.w, layerStride: b.w, span: b.w };
  }
  const f = s.format!;
  if (b.level >= s.levels) throw new RutabagaError("InvalidCommandBuffer", `level ${b.level} of ${s.levels}`);
  const [lw, lh, ld] = levelExtent(s, b.level);
  if (b.x + b.w > lw || b.y + b.h > lh || b.z + b.d > ld) {
    throw new RutabagaError(
      "InvalidCommandBuffer",
      `box ${b.x},${b.y},${b.z} ${b.w}x${b.h}x${b.d} outside level ${b.level} (${lw}x${lh}x${ld})`,
    );
  }
  if (f.compressed && (b.x % f.blockWidth !== 0 || b.y % f.blockHeight !== 0)) {
    throw new RutabagaError("InvalidCommandBuffer", "compressed box not block aligned");
  }
  const rowBytes = Math.ceil(b.w / f.blockWidth) * f.blockBytes;
  const rows = Math.ceil(b.h / f.blockHeight);
  const stride = b.stride !== 0 ? b.stride : Math.ceil(lw / f.blockWidth) * f.blockBytes;
  const layerStride = b.layerStride !== 0 ? b.layerStride : stride * Math.ceil(lh / f.blockHeight);
  if (stride < rowBytes || (b.d > 1 && layerStride < stride * (rows - 1) + rowBytes)) {
    throw new RutabagaError("InvalidCommandBuffer", `stride ${stride}/${layerStride} smaller than the box rows`);
  }
  const span = (b.d - 1) * layerStride + (rows - 1) * stride + rowBytes;
  return { rowBytes, rows, stride, layerStride, span };
}

/** Rotates 32-bit words between Gallium Z24S8 (depth low) and GL 24_8 (depth high). */
function convertZ24S8(data: Uint8Array, toGl: boolean): void {
  const words = new Uint32Array(data.buffer, data.byteOffset, data.byteLength >>> 2);
  if (toGl) for (let i = 0; i < words.length; i++) words[i] = (words[i]! << 8) | (words[i]! >>> 24);
  else for (let i = 0; i < words.length; i++) words[i] = (words[i]! >>> 8) | (words[i]! << 24);
}

/**
 * Guest memory a transfer reads or writes: attached backing (with, for trace capture, whom to tell about each range
 * read from resource `resourceId`'s backing) or a caller buffer.
 */
export type TransferMemory =
  | { kind: "iovecs"; list: IovecList; onRead?: BackingReadObserver; resourceId?: number }
  | { kind: "buffer"; bytes: Uint8Array };

function memLength(m: TransferMemory): number {
  return m.kind === "iovecs" ? m.list.totalLength : m.bytes.byteLength;
}

/** Reads `rows` lines of `n` bytes of guest memory (line `r` at `offset + r * stride`) packed into `dst` at `at`. */
function gatherRows(
  m: TransferMemory,
  offset: number,
  stride: number,
  dst: Uint8Array,
  at: number,
  n: number,
  rows: number,
): void {
  if (m.kind === "iovecs") readRows(m.list, offset, stride, dst, at, n, n, rows);
  else copyRows(m.bytes, offset, stride, dst, at, n, n, rows);
}

/** Writes `rows` lines of `n` bytes packed in `src` from `at` into guest memory (line `r` at `offset + r * stride`). */
function scatterRows(
  m: TransferMemory,
  offset: number,
  stride: number,
  src: Uint8Array,
  at: number,
  n: number,
  rows: number,
): void {
  if (m.kind === "iovecs") writeRows(m.list, offset, stride, src, at, n, n, rows);
  else copyRows(src, at, n, m.bytes, offset, stride, n, rows);
}

function checkSpan(m: TransferMemory, b: Transfer3D, layout: BoxLayout): void {
  if (b.offset + layout.span > memLength(m)) {
    throw new RutabagaError(
      "InvalidIovec",
      `transfer needs ${layout.span} bytes at ${b.offset}; backing has ${memLength(m)}`,
    );
  }
}

/** Packs the guest rows of a box tightly: one copy when the guest layout is already tight. */
function packRows(m: TransferMemory, b: Transfer3D, L: BoxLayout): Uint8Array {
  const tight = new Uint8Array(L.rowBytes * L.rows * b.d);
  const layerBytes = L.rowBytes * L.rows;
  if (L.stride === L.rowBytes && L.layerStride === layerBytes) {
    gatherRows(m, b.offset, tight.byteLength, tight, 0, tight.byteLength, 1);
    return tight;
  }
  for (let z = 0; z < b.d; z++) {
    gatherRows(m, b.offset + z * L.layerStride, L.stride, tight, z * layerBytes, L.rowBytes, L.rows);
  }
  return tight;
}

/** The guest bytes `[offset, offset + n)` as one view when they are contiguous (one iovec or a caller buffer). */
function contiguous(m: TransferMemory, offset: number, n: number): Uint8Array | undefined {
  if (m.kind === "buffer") return m.bytes.subarray(offset, offset + n);
  const i = m.list.indexOf(offset);
  const view = m.list.iovecs[i];
  if (view === undefined) return undefined;
  const start = offset - m.list.starts[i]!;
  return start + n <= view.byteLength ? view.subarray(start, start + n) : undefined;
}

function unpackRows(m: TransferMemory, b: Transfer3D, L: BoxLayout, tight: Uint8Array): void {
  const layerBytes = L.rowBytes * L.rows;
  if (L.stride === L.rowBytes && L.layerStride === layerBytes) {
    scatterRows(m, b.offset, tight.byteLength, tight, 0, tight.byteLength, 1);
    return;
  }
  for (let z = 0; z < b.d; z++) {
    scatterRows(m, b.offset + z * L.layerStride, L.stride, tight, z * layerBytes, L.rowBytes, L.rows);
  }
}

/** The `glTexture*SubImage` dimensionality of a Gallium target (1D arrays are 2D images). */
export function subImageDims(target: number): 1 | 2 | 3 {
  if (target === PipeTextureTarget.Texture1D) return 1;
  if (
    target === PipeTextureTarget.Texture2D ||
    target === PipeTextureTarget.TextureRect ||
    target === PipeTextureTarget.Texture1DArray
  )
    return 2;
  return 3;
}

/** Guest → host: copies the box from guest memory into the GL object (validated first, nothing moves on error). */
export function transferToHost(gl: HostGl, s: VirglResourceState, m: TransferMemory, b: Transfer3D): void {
  if (b.w === 0 || b.h === 0 || b.d === 0) return;
  if (s.samples > 1) throw new RutabagaError("Unsupported", "transfers to multisampled resources");
  const L = layoutOf(s, b);
  checkSpan(m, b, L);
  if (m.kind === "iovecs" && m.resourceId !== undefined) m.onRead?.(m.resourceId, b.offset, L.span);
  if (s.glName === 0) return;
  drainGlErrors(gl);
  const data = packRows(m, b, L);
  if (s.target === PipeTextureTarget.Buffer) {
    gl.bufferSubData(s.glName, b.x, data);
    return;
  }
  const f = s.format!;
  if (f.conversion === "z24s8") convertZ24S8(data, true);
  const dims = subImageDims(s.target);
  const g = toGlBox(s.target, b);
  if (f.compressed) gl.compressedTextureSubImage(s.glName, dims, b.level, g, f.internalFormat, data);
  else gl.textureSubImage(s.glName, dims, b.level, g, f.glFormat, f.glType, data);
  checkGl(gl, `uploading ${f.name}`);
}

/**
 * Host → guest: reads the box out of the GL object into guest memory. A tightly laid out box in one guest view is
 * read straight into it; otherwise the read lands in `scratch` (kept across calls, nothing allocated per
 * read-back) and its rows are copied to where the layout puts them.
 */
export function transferFromHost(
  gl: HostGl,
  s: VirglResourceState,
  m: TransferMemory,
  b: Transfer3D,
  scratch: ReadbackScratch,
): void {
  if (b.w === 0 || b.h === 0 || b.d === 0) return;
  if (s.samples > 1) throw new RutabagaError("Unsupported", "transfers from multisampled resources");
  const L = layoutOf(s, b);
  checkSpan(m, b, L);
  if (s.glName === 0) return;
  drainGlErrors(gl);
  const n = L.rowBytes * L.rows * b.d;
  const tight = L.stride === L.rowBytes && L.layerStride === L.rowBytes * L.rows;
  const direct = tight && s.format?.conversion !== "z24s8" ? contiguous(m, b.offset, n) : undefined;
  const data = direct ?? scratch.view(n);
  if (s.target === PipeTextureTarget.Buffer) {
    gl.getBufferSubData(s.glName, b.x, data);
  } else {
    const f = s.format!;
    const g = toGlBox(s.target, b);
    if (f.compressed) gl.getCompressedTextureSubImage(s.glName, b.level, g, data);
    else gl.getTextureSubImage(s.glName, b.level, g, f.glFormat, f.glType, data);
    checkGl(gl, `reading ${f.name}`);
    if (f.conversion === "z24s8") convertZ24S8(data, false);
  }
  if (direct === undefined) unpackRows(m, b, L, data);
}
