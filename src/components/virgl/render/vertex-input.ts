import { PipeTextureTarget } from "../../../rutabaga/constants.ts";
import type { HostGl } from "../host-gl/host-gl.ts";
import { invalid, type VirglError } from "../protocol/errors.ts";
import type { VirglVertexBuffer } from "../protocol/typed-commands.ts";
import type { VirglVertexElementsState } from "../state/vertex-elements.ts";
import type { ResourceLookup } from "./lookup.ts";
import { vertexFormat } from "./vertex-formats.ts";

/** What one attribute was last set to, to skip unchanged GL calls. */
interface AppliedAttrib {
  format: number;
  buffer: number;
  offset: number;
  stride: number;
  divisor: number;
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

  /** Points the attributes at the bound buffers; unknown formats and non-buffer resources are refused. */
  apply(
    ve: VirglVertexElementsState | undefined,
    buffers: readonly VirglVertexBuffer[],
    lookup: ResourceLookup,
  ): VirglError | undefined {
    const gl = this.#gl;
    const elements = ve?.elements ?? [];
    for (let i = 0; i < elements.length; i++) {
      const e = elements[i]!;
      const format = vertexFormat(e.format);
      if (format === undefined) return invalid(`vertex format ${e.format}`);
      const vb = buffers[e.vertexBufferIndex];
      let buffer = 0;
      if (vb !== undefined && vb.resourceId !== 0) {
        const res = lookup(vb.resourceId);
        if ("message" in res) return res;
        if (res.state.target !== PipeTextureTarget.Buffer)
          return invalid(`vertex buffer ${vb.resourceId} is a texture`);
        buffer = res.state.glName;
      }
      const want: AppliedAttrib = {
        format: e.format,
        buffer,
        offset: (vb?.offset ?? 0) + e.srcOffset,
        stride: vb?.stride ?? 0,
        divisor: e.instanceDivisor,
      };
      const had = this.#applied[i];
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
