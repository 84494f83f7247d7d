/**
 * Guest-physical memory as the device sees it. Implementations own the memory (an emulator's ArrayBuffer, mmapped
 * regions); the device only asks for bounded views.
 */
export interface GuestMemory {
  /**
   * Views covering guest-physical `[addr, addr + length)`, in order; several when the range crosses regions.
   * Returns `undefined` when any byte of the range is outside guest memory (or the range overflows 64 bits):
   * the caller turns that into an error response, never an exception.
   */
  translate(addr: bigint, length: number): Uint8Array[] | undefined;
}
