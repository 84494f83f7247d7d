/** A non-indexed draw (`glDrawArraysInstancedBaseInstance`). */
export interface GlDrawArrays {
  readonly mode: number;
  readonly first: number;
  readonly count: number;
  readonly instances: number;
  readonly baseInstance: number;
}

/** An indexed draw (`glDrawElementsInstancedBaseVertexBaseInstance`); `offset` is a byte offset in the element buffer. */
export interface GlDrawElements {
  readonly mode: number;
  readonly count: number;
  readonly type: number;
  readonly offset: number;
  readonly instances: number;
  readonly baseVertex: number;
  readonly baseInstance: number;
}

/** Direct draw calls, reading the bound vertex array, program and pipeline state. */
export interface HostGlDraws {
  drawArrays(d: GlDrawArrays): void;
  drawElements(d: GlDrawElements): void;
}
