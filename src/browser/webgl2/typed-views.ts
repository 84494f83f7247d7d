import { GL } from "../../components/virgl/host-gl/gl-constants.ts";

const GL_UNSIGNED_SHORT_4_4_4_4 = 0x8033;
const GL_UNSIGNED_SHORT_5_5_5_1 = 0x8034;

/** Bytes per element of the typed array WebGL2 demands for pixel `type` (it refuses a `Uint8Array` for the others). */
function elementBytes(type: number): 1 | 2 | 4 {
  switch (type) {
    case GL.UNSIGNED_SHORT:
    case GL.SHORT:
    case GL.HALF_FLOAT:
    case GL.UNSIGNED_SHORT_5_6_5:
    case GL_UNSIGNED_SHORT_4_4_4_4:
    case GL_UNSIGNED_SHORT_5_5_5_1:
      return 2;
    case GL.UNSIGNED_INT:
    case GL.INT:
    case GL.FLOAT:
    case GL.UNSIGNED_INT_2_10_10_10_REV:
    case GL.UNSIGNED_INT_24_8:
    case GL.UNSIGNED_INT_10F_11F_11F_REV:
    case GL.UNSIGNED_INT_5_9_9_9_REV:
    case GL.FLOAT_32_UNSIGNED_INT_24_8_REV:
      return 4;
    default:
      return 1;
  }
}

/**
 * `bytes` as the typed array WebGL2 checks against pixel `type` (same memory when aligned; `copy` says whether a
 * misaligned view was copied, so a read-back copies the result back).
 */
export function pixelView(type: number, bytes: Uint8Array): { view: ArrayBufferView; copy: boolean } {
  const size = elementBytes(type);
  const n = Math.floor(bytes.byteLength / size);
  const aligned = bytes.byteOffset % size === 0;
  const buffer = aligned ? bytes.buffer : bytes.slice().buffer;
  const offset = aligned ? bytes.byteOffset : 0;
  const signed = type === GL.BYTE || type === GL.SHORT || type === GL.INT;
  let view: ArrayBufferView;
  if (type === GL.FLOAT) view = new Float32Array(buffer, offset, n);
  else if (size === 4) view = signed ? new Int32Array(buffer, offset, n) : new Uint32Array(buffer, offset, n);
  else if (size === 2) view = signed ? new Int16Array(buffer, offset, n) : new Uint16Array(buffer, offset, n);
  else view = signed ? new Int8Array(buffer, offset, n) : new Uint8Array(buffer, offset, n);
  return { view, copy: !aligned };
}

/** Swaps bytes 0 and 2 of every 4-byte texel (BGRA ↔ RGBA of `GL_UNSIGNED_BYTE` data), into `out`. */
export function swapRedBlue(src: Uint8Array, out: Uint8Array): void {
  out.set(src);
  for (let i = 0; i + 3 < out.length; i += 4) {
    const r = out[i + 2]!;
    out[i + 2] = out[i]!;
    out[i] = r;
  }
}
