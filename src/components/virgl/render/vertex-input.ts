import { PipeTextureTarget } from "../../../rutabaga/constants.ts";
import type { HostGl } from "../host-gl/host-gl.ts";
import type { VirglVertexElementsState } from "../protocol/objects/vertex-elements.ts";
import { invalid, VirglRefusal } from "../protocol/refusal.ts";
import type { VirglVertexBuffer } from "../protocol/typed-commands.ts";
import type { ResourceLookup } from "./lookup.ts";
import { vertexFormat, vertexFormatBytes } from "./vertex-formats.ts";

/** What one attribute was last set to, to skip unchanged GL calls. */
interface AppliedAttrib {
  format: number;
  buffer: number;
  offset: number;
  stride: number;
  divisor: number;
}

/**
 * The vertices and instances a draw fetches: per-vertex attributes read vertices `firstVertex..lastVertex` (none when
 * `lastVertex < firstVertex`), per-instance attributes read `startInstance + floor(i / divisor)` for
 * `i < instanceCount`.
 */
export interface VertexReach {
  readonly firstVertex: number;
  readonly lastVertex: number;
  readonly startInstance: number;
  readonly instanceCount: number;
}

/**
 * The highest byte (exclusive) a draw reads from one attribute's buffer, or 0 when it reads none: stride 0 reads
 * the first element only.
 */
function bytesRead(offset: number, stride: number, formatBytes: number, divisor: number, r: VertexReach): number {
  let last: number;
  if (divisor === 0) {
    if (r.lastVertex < r.firstVertex) return 0;
    last = r.lastVertex;
  } else {
    if (r.instanceCount === 0) return 0;
    last = r.startInstance + Math.floor((r.instanceCount - 1) / divisor);
  }
  return offset + formatBytes + stride * last;
}

/**
 * Vertex elements and buffers on one vertex array: attribute i reads through binding i (the buffer of its element,
 * at the buffer's offset plus the element's, with its stride and divisor), so divisors stay per attribute.
 */
export class VertexInput {
  readonly vao: number;
  readonly #gl: HostGl;
  readonly #applied: (AppliedAttrib | undefined)[] = [];
  #elementBuffer = -1;

  constructor(gl: HostGl) {
    this.#gl = gl;
    this.vao = gl.createVertexArray();
  }

  /**
   * Points the attributes at the bound buffers. Unknown formats, non-buffer resources and a draw that would read past
   * the end of a bound vertex buffer (`reach`, or each of several for a multi-draw) are refused before any GL state
   * changes; an element without a GL
   * buffer is disabled (it reads the current generic attribute), never pointed at client memory.
   */
  apply(
    ve: VirglVertexElementsState | undefined,
    buffers: readonly VirglVertexBuffer[],
    lookup: ResourceLookup,
    reach: VertexReach | readonly VertexReach[],
  ): VirglRefusal | undefined {
    const reaches = Array.isArray(reach) ? reach : [reach as VertexReach];
    const gl = this.#gl;
    const elements = ve?.elements ?? [];
    const wants: (AppliedAttrib | undefined)[] = [];
    for (let i = 0; i < elements.length; i++) {
      const e = elements[i]!;
      const format = vertexFormat(e.format);
      if (format === undefined) return invalid(`vertex format ${e.format}`);
      const vb = buffers[e.vertexBufferIndex];
      if (vb === undefined || vb.resourceId === 0) {
        wants.push(undefined);
        continue;
      }
      const res = lookup(vb.resourceId);
      if (res instanceof VirglRefusal) return res;
      if (res.state.target !== PipeTextureTarget.Buffer) return invalid(`vertex buffer ${vb.resourceId} is a texture`);
      if (res.state.glName === 0) {
        wants.push(undefined);
        continue;
      }
      const want: AppliedAttrib = {
        format: e.format,
        buffer: res.state.glName,
        offset: vb.offset + e.srcOffset,
        stride: vb.stride,
        divisor: e.instanceDivisor,
      };
      let end = 0;
      for (const r of reaches) {
        end = Math.max(end, bytesRead(want.offset, want.stride, vertexFormatBytes(format), want.divisor, r));
      }
      if (end > res.state.width) {
        return invalid(`vertex element ${i} reads to byte ${end} of the ${res.state.width}-byte vertex buffer`);
      }
      wants.push(want);
    }
    for (let i = 0; i < elements.length; i++) {
      const want = wants[i];
      const had = this.#applied[i];
      if (want === undefined) {
        if (had !== undefined) gl.enableVertexArrayAttrib(this.vao, i, false);
        this.#applied[i] = undefined;
        continue;
      }
      const format = vertexFormat(want.format)!;
      if (had === undefined) {
        gl.enableVertexArrayAttrib(this.vao, i, true);
        gl.vertexArrayAttribBinding(this.vao, i, i);
      }
      if (had?.format !== want.format) gl.vertexArrayAttribFormat(this.vao, i, { ...format, relativeOffset: 0 });
      if (had?.buffer !== want.buffer || had.offset !== want.offset || had.stride !== want.stride) {
        gl.vertexArrayVertexBuffer(this.vao, i, want.buffer, want.offset, want.stride);
      }
      if (had?.divisor !== want.divisor) gl.vertexArrayBindingDivisor(this.vao, i, want.divisor);
      this.#applied[i] = want;
    }
    for (let i = elements.length; i < this.#applied.length; i++) {
      if (this.#applied[i] !== undefined) gl.enableVertexArrayAttrib(this.vao, i, false);
      this.#applied[i] = undefined;
    }
    return undefined;
  }

  /** Binds the index buffer (a GL buffer name). */
  elementBuffer(buffer: number): void {
    if (buffer === this.#elementBuffer) return;
    this.#gl.vertexArrayElementBuffer(this.vao, buffer);
    this.#elementBuffer = buffer;
  }

  destroy(): void {
    this.#gl.deleteVertexArray(this.vao);
  }
}
