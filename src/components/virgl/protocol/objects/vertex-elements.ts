import { VertexElementsOffset } from "../commands.ts";
import type { DwordReader } from "../stream.ts";

/** One vertex attribute's source (Gallium `pipe_vertex_element`; `format` is a virgl format). */
export interface VirglVertexElement {
  readonly srcOffset: number;
  readonly instanceDivisor: number;
  readonly vertexBufferIndex: number;
  readonly format: number;
}

/** A vertex elements object (`VIRGL_OBJ_VERTEX_ELEMENTS_*`). */
export interface VirglVertexElementsState {
  readonly kind: "vertex-elements";
  readonly elements: readonly VirglVertexElement[];
}

/** Parses `(length - 1) / 4` elements at header index `p` (the length rule guarantees the multiple). */
export function parseVertexElements(r: DwordReader, p: number, length: number): VirglVertexElementsState {
  const elements: VirglVertexElement[] = [];
  for (let i = 0; i < (length - 1) / 4; i++) {
    const e = p + VertexElementsOffset.First + 4 * i;
    elements.push({
      srcOffset: r.u32(e + VertexElementsOffset.SrcOffset),
      instanceDivisor: r.u32(e + VertexElementsOffset.InstanceDivisor),
      vertexBufferIndex: r.u32(e + VertexElementsOffset.VertexBufferIndex),
      format: r.u32(e + VertexElementsOffset.SrcFormat),
    });
  }
  return { kind: "vertex-elements", elements };
}
