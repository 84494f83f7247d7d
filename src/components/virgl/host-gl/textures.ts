/** A box in GL texel coordinates (for 1D arrays, y is the layer; for arrays and cubes, z is the layer). */
export interface GlBox {
  readonly x: number;
  readonly y: number;
  readonly z: number;
  readonly w: number;
  readonly h: number;
  readonly d: number;
}

/** Immutable storage for a texture (`glTextureStorage{1,2,3}D[Multisample]`). */
export interface GlTextureStorage {
  readonly dims: 1 | 2 | 3;
  /** Mip levels; ignored when `samples` > 1. */
  readonly levels: number;
  /** > 1 selects multisample storage (2 or 3 dims only). */
  readonly samples: number;
  readonly internalFormat: number;
  readonly width: number;
  readonly height: number;
  readonly depth: number;
}

/** One end of an image copy: texture, its target and level, and the box origin. */
export interface GlImageRef {
  readonly name: number;
  readonly target: number;
  readonly level: number;
  readonly x: number;
  readonly y: number;
  readonly z: number;
}

/** Texture objects and their images (GL 4.5 direct state access). */
export interface HostGlTextures {
  createTexture(target: number): number;
  deleteTexture(texture: number): void;
  textureStorage(texture: number, storage: GlTextureStorage): void;
  /** Points a `TEXTURE_BUFFER` texture at bytes `[offset, offset + size)` of a buffer (`glTextureBufferRange`). */
  textureBufferRange(texture: number, internalFormat: number, buffer: number, offset: number, size: number): void;
  textureParameteri(texture: number, pname: number, value: number): void;
  textureParameteriv(texture: number, pname: number, values: Int32Array): void;
  /** Uploads tightly packed rows (unpack alignment 1). */
  textureSubImage(
    texture: number,
    dims: 1 | 2 | 3,
    level: number,
    box: GlBox,
    format: number,
    type: number,
    data: Uint8Array,
  ): void;
  compressedTextureSubImage(
    texture: number,
    dims: 1 | 2 | 3,
    level: number,
    box: GlBox,
    internalFormat: number,
    data: Uint8Array,
  ): void;
  /** Reads a box into tightly packed rows (pack alignment 1). */
  getTextureSubImage(texture: number, level: number, box: GlBox, format: number, type: number, out: Uint8Array): void;
  getCompressedTextureSubImage(texture: number, level: number, box: GlBox, out: Uint8Array): void;
  /** `data` is one texel in `format`/`type`. */
  clearTexSubImage(texture: number, level: number, box: GlBox, format: number, type: number, data: Uint8Array): void;
  /** Copies `w × h × d` texels from `src` to `dst`. */
  copyImageSubData(src: GlImageRef, dst: GlImageRef, w: number, h: number, d: number): void;
  /**
   * `glTextureView` (GL 4.3): makes `texture`, a name from {@link HostGlTextures.createTextureName}, a view of levels
   * and layers of `original`'s immutable storage as `target` in a compatible `internalFormat`.
   */
  textureView(
    texture: number,
    target: number,
    original: number,
    internalFormat: number,
    view: GlTextureViewRange,
  ): void;
  /** A texture name without an object yet (`glGenTextures`), as {@link HostGlTextures.textureView} needs. */
  createTextureName(): number;
}

/** The levels and layers a texture view shows of its original. */
export interface GlTextureViewRange {
  readonly minLevel: number;
  readonly numLevels: number;
  readonly minLayer: number;
  readonly numLayers: number;
}
