/** Buffer objects (GL 4.5 direct state access). */
export interface HostGlBuffers {
  /** A buffer of `size` bytes of immutable storage (contents undefined), updatable by sub-data calls. */
  createBuffer(size: number): number;
  deleteBuffer(buffer: number): void;
  /** Fills bytes `[offset, offset + size)` with zeros (`glClearNamedBufferSubData` with no value). */
  zeroBufferSubData(buffer: number, offset: number, size: number): void;
  bufferSubData(buffer: number, offset: number, data: Uint8Array): void;
  getBufferSubData(buffer: number, offset: number, out: Uint8Array): void;
  copyBufferSubData(src: number, dst: number, srcOffset: number, dstOffset: number, size: number): void;
}
