/**
 * Why a virgl command was refused: `size` (its length breaks the command's rule), `invalid` (a field is out of range
 * or names something that does not exist), `iovec` (guest memory the command needs is missing or too short).
 */
export type VirglRefusalKind = "size" | "invalid" | "iovec";

/**
 * A refusal as a value: decoders and executors return it (tested with `instanceof`), and the context turns it into
 * a `RutabagaError` at its edge. Not an `Error`: a hostile guest may make many, and none needs a stack.
 */
export class VirglRefusal {
  readonly kind: VirglRefusalKind;
  readonly message: string;

  constructor(kind: VirglRefusalKind, message: string) {
    this.kind = kind;
    this.message = message;
  }
}

/** An `invalid` refusal, the common case. */
export function invalid(message: string): VirglRefusal {
  return new VirglRefusal("invalid", message);
}
