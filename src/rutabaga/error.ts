/**
 * The discriminating codes of {@link RutabagaError}. Each is the name of the rutabaga_gfx `RutabagaError` variant
 * it corresponds to; `OutOfMemory` is ours (rutabaga_gfx has no host memory limit) and maps to
 * `VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY` at the device edge.
 */
export type RutabagaErrorCode =
  | "AlreadyInUse"
  | "CheckedArithmetic"
  | "CheckedRange"
  | "ComponentError"
  | "Invalid2DInfo"
  | "InvalidCapset"
  | "InvalidCommandBuffer"
  | "InvalidCommandSize"
  | "InvalidComponent"
  | "InvalidContextId"
  | "InvalidCrossDomainChannel"
  | "InvalidCrossDomainItemId"
  | "InvalidCrossDomainItemType"
  | "InvalidCrossDomainState"
  | "InvalidCrossDomainWriteLength"
  | "InvalidGrallocDrmFormat"
  | "InvalidGrallocDimensions"
  | "InvalidIovec"
  | "InvalidResourceId"
  | "InvalidRutabagaBuild"
  | "InvalidVulkanInfo"
  | "BadHandle"
  | "MappingFailed"
  | "OutOfMemory"
  | "SnapshotError"
  | "Unsupported";

/** The one error type the library throws. `code` tells the failures apart; the message names the values involved. */
export class RutabagaError extends Error {
  /** Which failure this is, named after the rutabaga_gfx variant. */
  readonly code: RutabagaErrorCode;

  constructor(code: RutabagaErrorCode, message?: string) {
    super(message === undefined ? code : `${code}: ${message}`);
    this.name = "RutabagaError";
    this.code = code;
  }
}

/** True when `e` is a {@link RutabagaError}, optionally of the given code. */
export function isRutabagaError(e: unknown, code?: RutabagaErrorCode): e is RutabagaError {
  return e instanceof RutabagaError && (code === undefined || e.code === code);
}
