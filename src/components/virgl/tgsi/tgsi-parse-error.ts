import { RutabagaError } from "../../../rutabaga/error.ts";

/** Longest excerpt of the offending line kept in an error (characters). */
const EXCERPT_CHARS = 80;

/**
 * A TGSI text the parser refuses (code `InvalidCommandBuffer`). Returned as a value by {@link parseTgsi}, never
 * thrown out of it. `line`/`column` are 1-based (0 when the error is
 * about the whole text); `excerpt` is at most 80 characters of the offending line.
 */
export class TgsiParseError extends RutabagaError {
  readonly line: number;
  readonly column: number;
  readonly excerpt: string;
  readonly reason: string;

  constructor(reason: string, line: number, column: number, lineText: string) {
    const excerpt = lineText.length > EXCERPT_CHARS ? `${lineText.slice(0, EXCERPT_CHARS)}…` : lineText;
    super("InvalidCommandBuffer", `TGSI ${line}:${column}: ${reason}${excerpt === "" ? "" : ` in "${excerpt}"`}`);
    this.name = "TgsiParseError";
    this.reason = reason;
    this.line = line;
    this.column = column;
    this.excerpt = excerpt;
  }
}
