import { RutabagaError } from "../../../rutabaga/error.ts";

/**
 * A parsed shader (or a key) the GLSL emitter cannot translate: code `Unsupported`, never thrown out of
 * {@link emitGlsl}. `line` is the 1-based TGSI line of the instruction or declaration at fault, 0 when the refusal
 * is about the whole shader or the key; `reason` names what is missing (an opcode by its TGSI name).
 */
export class GlslEmitError extends RutabagaError {
  readonly line: number;
  readonly reason: string;

  constructor(reason: string, line: number) {
    super(
      "Unsupported",
      line > 0 ? `TGSI line ${line}: cannot translate: ${reason}` : `TGSI: cannot translate: ${reason}`,
    );
    this.name = "GlslEmitError";
    this.reason = reason;
    this.line = line;
  }
}
