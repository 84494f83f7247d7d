import { VirglHeader } from "./commands.ts";
import { commandRule } from "./decoder.ts";
import { invalid, VirglRefusal } from "./refusal.ts";

/** Most dwords one submit may carry: 16 MiB of commands. */
export const MAX_SUBMIT_BYTES = 16 * 1024 * 1024;

/** One framed command: its header fields and where it starts. */
export interface VirglCommandFrame {
  cmd: number;
  object: number;
  length: number;
  /** Dword index of the header; payload word k is at `header + k`. */
  header: number;
}

/**
 * Walks a submit's headers and checks every command's length against its rule's `min..max` (the command table in
 * decoder.ts) before anything executes; returns the frames, or the first refusal. A stream with any bad header
 * executes nothing.
 */
export function frameVirglStream(reader: DwordReader, n: number): VirglCommandFrame[] | VirglRefusal {
  const frames: VirglCommandFrame[] = [];
  let i = 0;
  while (i < n) {
    const header = reader.u32(i);
    const cmd = header & VirglHeader.CmdMask;
    const object = (header >>> VirglHeader.ObjectShift) & VirglHeader.ObjectMask;
    const length = header >>> VirglHeader.LengthShift;
    const rule = commandRule(cmd);
    if (rule === undefined) return invalid(`unknown virgl command ${cmd} at dword ${i}`);
    if (i + 1 + length > n) {
      return new VirglRefusal("size", `command ${cmd} at dword ${i} needs ${length} dwords, ${n - i - 1} left`);
    }
    const { min, max } = rule.length;
    if (length < min || length > max) {
      return new VirglRefusal("size", `command ${cmd} has ${length} dwords, expected ${min}..${max}`);
    }
    frames.push({ cmd, object, length, header: i });
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
