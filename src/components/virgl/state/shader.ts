import type { VirglShaderStart, VirglStreamOutputInfo } from "../protocol/objects/shader.ts";
import { parseTgsi, type TgsiShader } from "../tgsi/index.ts";

/**
 * A stored shader: its header fields and its TGSI text, gathered over CREATE_OBJECT chunks. The text is decoded
 * (up to the first NUL) once, when asked for.
 */
export class VirglShader {
  readonly kind = "shader";
  readonly stage: number;
  readonly numTokens: number;
  readonly totalBytes: number;
  readonly streamOutput: VirglStreamOutputInfo;
  /** Compute shaders: shared memory bytes asked for at creation. */
  readonly sharedMemoryBytes: number;
  #bytes: Uint8Array;
  #text: string | undefined;
  #tgsi: TgsiShader | undefined;
  #parseError: string | undefined;
  /** Whether a draw skipped for this refused shader has been reported (once per shader). */
  drawSkipWarned = false;

  constructor(start: VirglShaderStart) {
    this.stage = start.stage;
    this.numTokens = start.numTokens;
    this.totalBytes = start.totalBytes;
    this.streamOutput = start.streamOutput;
    this.sharedMemoryBytes = start.sharedMemoryBytes;
    this.#bytes = start.text.slice();
  }

  /** Bytes of text received so far. */
  get receivedBytes(): number {
    return this.#bytes.byteLength;
  }

  /** Whether every chunk the first one announced has arrived. */
  get complete(): boolean {
    return this.#bytes.byteLength >= this.totalBytes;
  }

  /** Appends a continuation chunk's text. */
  append(text: Uint8Array): void {
    const joined = new Uint8Array(this.#bytes.byteLength + text.byteLength);
    joined.set(this.#bytes);
    joined.set(text, this.#bytes.byteLength);
    this.#bytes = joined;
    this.#text = undefined;
  }

  /** The TGSI text (up to the first NUL). */
  get text(): string {
    if (this.#text === undefined) {
      const end = this.#bytes.indexOf(0);
      this.#text = new TextDecoder().decode(end < 0 ? this.#bytes : this.#bytes.subarray(0, end));
    }
    return this.#text;
  }

  /** The parsed TGSI, once {@link parse} succeeded. */
  get tgsi(): TgsiShader | undefined {
    return this.#tgsi;
  }

  /** Why the TGSI was refused (the parser's line and excerpt), once {@link parse} failed; draws using it are skipped. */
  get parseError(): string | undefined {
    return this.#parseError;
  }

  /** Parses the complete text once: the shader gets its TGSI, or is kept refused with the parser's message. */
  parse(): void {
    const parsed = parseTgsi(this.text);
    if (parsed.ok) this.#tgsi = parsed.shader;
    else this.#parseError = parsed.error.message;
  }
}
