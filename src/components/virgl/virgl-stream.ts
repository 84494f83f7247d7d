import { RutabagaError } from "../../rutabaga/error.ts";
import { CMD_LENGTH, VIRGL_CMD_COUNT } from "./virgl-commands.ts";

/** Most dwords one submit may carry: 16 MiB of commands. */
export const MAX_SUBMIT_BYTES = 16 * 1024 * 1024;

/** One framed command: where its payload starts (dword index in the submit) and its header fields. */
export interface VirglCommandFrame {
  cmd: number;
  object: number;
  length: number;
  /** Dword index of the first payload word. */
  start: number;
}

/**
 * Walks a submit's headers (`cmd | object << 8 | length << 16`) and checks every command's length against its
 * rule before anything executes; returns the frames. A stream with any bad header executes nothing.
 */
export function frameVirglStream(reader: DwordReader, n: number): VirglCommandFrame[] {
  const frames: VirglCommandFrame[] = [];
  let i = 0;
  while (i < n) {
    const header = reader.u32(i);
    const cmd = header & 0xff;
    const object = (header >>> 8) & 0xff;
    const length = header >>> 16;
    if (cmd >= VIRGL_CMD_COUNT)
      throw new RutabagaError("InvalidCommandBuffer", `unknown virgl command ${cmd} at dword ${i}`);
    if (i + 1 + length > n) {
      throw new RutabagaError(
        "InvalidCommandSize",
        `command ${cmd} at dword ${i} needs ${length} dwords, ${n - i - 1} left`,
      );
    }
    const [min, max] = CMD_LENGTH[cmd]!;
    if (length < min || (max >= 0 && length > max)) {
      throw new RutabagaError(
        "InvalidCommandSize",
        `command ${cmd} has ${length} dwords, expected ${min}..${max < 0 ? "" : max}`,
      );
    }
    frames.push({ cmd, object, length, start: i + 1 });
    i += 1 + length;
  }
  return frames;
}

/**
 * Reads little-endian dwords of a submit. The submit is first copied into one reusable buffer (so the guest cannot
 * change bytes between validation and use); the DataView over it is remade only when the buffer grows.
 */
export class DwordReader {
  #buffer = new Uint8Array(4096);
  #view = new DataView(this.#buffer.buffer);

  /** Copies `bytes` (a whole submit, length a multiple of 4) in; returns its dword count. */
  reset(bytes: Uint8Array): number {
    if (bytes.byteLength > this.#buffer.byteLength) {
      let size = this.#buffer.byteLength;
      while (size < bytes.byteLength) size *= 2;
      this.#buffer = new Uint8Array(size);
      this.#view = new DataView(this.#buffer.buffer);
    }
    this.#buffer.set(bytes);
    return bytes.byteLength >>> 2;
  }

  /** Dword `index` of the submit as unsigned. */
  u32(index: number): number {
    return this.#view.getUint32(index * 4, true);
  }

  /** Dword `index` as a float. */
  f32(index: number): number {
    return this.#view.getFloat32(index * 4, true);
  }

  /** Two dwords from `index` as a little-endian double. */
  f64(index: number): number {
    return this.#view.getFloat64(index * 4, true);
  }

  /** Bytes of dwords `[index, index + count)`, as a view into the submit. */
  bytes(index: number, count: number): Uint8Array {
    return new Uint8Array(this.#view.buffer, this.#view.byteOffset + index * 4, count * 4);
  }
}
