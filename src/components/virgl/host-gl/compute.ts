/** Compute dispatches (GL 4.3) of the program in use. */
export interface HostGlCompute {
  /** `glBindBuffer(GL_DISPATCH_INDIRECT_BUFFER, buffer)`. */
  bindDispatchIndirectBuffer(buffer: number): void;
  dispatchCompute(x: number, y: number, z: number): void;
  /** Reads the three u32 work group counts at byte `offset` of the dispatch indirect buffer. */
  dispatchComputeIndirect(offset: number): void;
}
