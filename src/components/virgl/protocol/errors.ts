import { RutabagaError } from "../../../rutabaga/error.ts";

/**
 * Why a virgl command was refused: `size` (its length breaks the command's rule), `invalid` (a field is out of range
 * or names something that does not exist), `iovec` (guest memory the command needs is missing or too short).
 */
export type VirglErrorKind = "size" | "invalid" | "iovec";

/** A refusal as a value: decoders and executors return it, the context turns it into a {@link RutabagaError}. */
export interface VirglError {
  readonly kind: VirglErrorKind;
  readonly message: string;
}

/** A {@link VirglError} with `kind` and `message`. */
export function virglError(kind: VirglErrorKind, message: string): VirglError {
  return { kind, message };
}

/** An `invalid` refusal, the common case. */
export function invalid(message: string): VirglError {
  return { kind: "invalid", message };
}

/** Whether a decode or execute result is a refusal. */
export function isVirglError(x: unknown): x is VirglError {
  return typeof x === "object" && x !== null && "kind" in x && "message" in x && !("cmd" in x);
}

const CODES = {
  size: "InvalidCommandSize",
  invalid: "InvalidCommandBuffer",
  iovec: "InvalidIovec",
} as const;

/** The Rutabaga API's error for a refusal (rutabaga_gfx variant names). */
export function toRutabagaError(e: VirglError): RutabagaError {
  return new RutabagaError(CODES[e.kind], e.message);
}
