import { pixelByteOrder, RGBA_ORDER } from "../virtio-gpu/pixel-byte-order.ts";

/**
 * A WebAssembly module with one function, `s(from, to)`: every 16 bytes of its memory in [from, to) go through
 * `i8x16.swizzle` with the mask at bytes 0–15 and are OR-ed with bytes 16–31 (four pixels per step). Hand-assembled:
 * type (i32 i32) → (); memory imported as m.mem; export "s".
 */
// biome-ignore format: one line per section and instruction
const MODULE_BYTES = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  // type section: one type, func (i32, i32) -> ()
  0x01, 0x06, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x00,
  // import section: "m" "mem" memory, min 1 page
  0x02, 0x0a, 0x01, 0x01, 0x6d, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00, 0x01,
  // function section: one function of type 0
  0x03, 0x02, 0x01, 0x00,
  // export section: "s" = function 0
  0x07, 0x05, 0x01, 0x01, 0x73, 0x00, 0x00,
  // code section: one body of 62 bytes
  0x0a, 0x40, 0x01, 0x3e,
  0x01, 0x02, 0x7b, // two v128 locals: 2 (mask), 3 (bits to set)
  0x41, 0x00, 0xfd, 0x00, 0x00, 0x00, 0x21, 0x02, // mask = v128.load(0)
  0x41, 0x10, 0xfd, 0x00, 0x00, 0x00, 0x21, 0x03, // set = v128.load(16)
  0x02, 0x40, // block
  0x03, 0x40, // loop
  0x20, 0x00, 0x20, 0x01, 0x4f, 0x0d, 0x01, // br_if 1 (from >= to)
  0x20, 0x00, // address of the store
  0x20, 0x00, 0xfd, 0x00, 0x00, 0x00, // v128.load(from)
  0x20, 0x02, 0xfd, 0x0e, // i8x16.swizzle with the mask
  0x20, 0x03, 0xfd, 0x50, // v128.or with the bits to set
  0xfd, 0x0b, 0x00, 0x00, // v128.store
  0x20, 0x00, 0x41, 0x10, 0x6a, 0x21, 0x00, // from += 16
  0x0c, 0x00, // br 0
  0x0b, 0x0b, 0x0b, // end loop, block, function
]);

/** Bytes of the memory before the pixels: the swizzle mask and the bits to set, then padding to 64. */
export const SIMD_PIXELS_AT = 64;

/** The part of the WebAssembly API used here (Node's type declarations have no WebAssembly values). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBufferLike };
}

const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
let compiled: object | null | undefined;

/** The module, or null where WebAssembly or its SIMD is missing (the caller converts in JavaScript). */
function simdModule(): object | null {
  if (compiled === undefined) {
    try {
      compiled = wasm?.validate(MODULE_BYTES) === true ? new wasm.Module(MODULE_BYTES) : null;
    } catch {
      // A content security policy without 'wasm-unsafe-eval' refuses to compile.
      compiled = null;
    }
  }
  return compiled;
}

/**
 * Pixels converted to RGBA in place, four at a time, in a WebAssembly memory of their own that an `ImageData` can
 * wrap: the sink copies a flush's rows in, shuffles them, and puts the `ImageData` straight from the memory.
 */
export class SimdPixels {
  /** The memory's bytes; pixels from {@link SIMD_PIXELS_AT}. */
  readonly bytes: Uint8Array;
  /** The pixels as words, from word 0. */
  readonly words: Uint32Array;
  /** The pixels as `ImageData`'s array. */
  readonly clamped: Uint8ClampedArray<ArrayBuffer>;
  readonly #shuffle: (from: number, to: number) => void;
  #format = -1;
  #keepAlpha = false;

  private constructor(api: WasmApi, module: object, pixelBytes: number) {
    const memory = new api.Memory({ initial: Math.ceil((SIMD_PIXELS_AT + pixelBytes) / 65536) });
    const instance = new api.Instance(module, { m: { mem: memory } });
    this.#shuffle = instance.exports.s as (from: number, to: number) => void;
    const buffer = memory.buffer as ArrayBuffer;
    this.bytes = new Uint8Array(buffer);
    this.words = new Uint32Array(buffer, SIMD_PIXELS_AT, pixelBytes >>> 2);
    this.clamped = new Uint8ClampedArray(buffer, SIMD_PIXELS_AT, pixelBytes);
  }

  /** Room for `pixelBytes` bytes of pixels, or undefined where WebAssembly SIMD or the memory is missing. */
  static create(pixelBytes: number): SimdPixels | undefined {
    const module = simdModule();
    if (module === null || wasm === undefined) return undefined;
    try {
      return new SimdPixels(wasm, module, pixelBytes);
    } catch {
      // No memory of that size now (the caller converts in JavaScript, into an ImageData of its own).
      return undefined;
    }
  }

  /**
   * Converts the pixels from byte `first` (of the pixels) on, `count` of them, from virtio-gpu `format` to RGBA in
   * place (opaque unless `keepAlpha` and the format has alpha); a tail of fewer than four pixels is left to the
   * caller, whose count this returns.
   */
  convert(first: number, count: number, format: number, keepAlpha: boolean): number {
    if (format !== this.#format || keepAlpha !== this.#keepAlpha) this.#setMask(format, keepAlpha);
    const from = SIMD_PIXELS_AT + first;
    this.#shuffle(from, from + (count & ~3) * 4);
    return count & 3;
  }

  #setMask(format: number, keepAlpha: boolean): void {
    const order = pixelByteOrder(format);
    // Byte k of an RGBA pixel comes from byte source[k] of the format's pixel.
    const source = [0, 0, 0, 0];
    source[RGBA_ORDER.r] = order.r;
    source[RGBA_ORDER.g] = order.g;
    source[RGBA_ORDER.b] = order.b;
    source[RGBA_ORDER.a] = order.a;
    for (let p = 0; p < 4; p++) {
      for (let k = 0; k < 4; k++) {
        this.bytes[p * 4 + k] = p * 4 + source[k]!;
        this.bytes[16 + p * 4 + k] = k === RGBA_ORDER.a && !(keepAlpha && order.alpha) ? 0xff : 0;
      }
    }
    this.#format = format;
    this.#keepAlpha = keepAlpha;
  }
}
