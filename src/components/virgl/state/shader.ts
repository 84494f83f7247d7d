import { PipeLimits, SHADER_OFFSET_CONTINUATION, ShaderOffset } from "../protocol/commands.ts";
import { invalid, type VirglError } from "../protocol/errors.ts";
import type { DwordReader } from "../protocol/stream.ts";

/** One stream-output binding of a shader (`VIRGL_OBJ_SHADER_SO_OUTPUT_*`). */
export interface VirglStreamOutput {
  readonly registerIndex: number;
  readonly startComponent: number;
  readonly numComponents: number;
  readonly buffer: number;
  readonly dstOffset: number;
  readonly stream: number;
}

/** The stream-output layout a shader declares (empty when it has none). */
export interface VirglStreamOutputInfo {
  readonly strides: readonly number[];
  readonly outputs: readonly VirglStreamOutput[];
}

/** The first CREATE_OBJECT(SHADER) of a shader: header fields and the first piece of TGSI text. */
export interface VirglShaderStart {
  readonly kind: "shader";
  readonly stage: number;
  /** Bytes of text the whole shader carries (`VIRGL_OBJ_SHADER_OFFSET_VAL` of the first chunk). */
  readonly totalBytes: number;
  readonly numTokens: number;
  readonly streamOutput: VirglStreamOutputInfo;
  /** This chunk's text bytes, a view into the submit (copied when stored). */
  readonly text: Uint8Array;
}

/** A later chunk of a shader's text (`VIRGL_OBJ_SHADER_OFFSET_CONT` set). */
export interface VirglShaderContinuation {
  readonly kind: "shader-continuation";
  readonly stage: number;
  /** Byte offset of this chunk in the text. */
  readonly offset: number;
  readonly text: Uint8Array;
}

/** Parses a shader chunk at header index `p` (`length` ≥ 3 payload dwords by the length rule). */
export function parseShaderChunk(
  r: DwordReader,
  p: number,
  length: number,
): VirglShaderStart | VirglShaderContinuation | VirglError {
  const stage = r.u32(p + ShaderOffset.Type);
  const offsetWord = r.u32(p + ShaderOffset.Offset);
  const val = offsetWord & ~SHADER_OFFSET_CONTINUATION;
  if ((offsetWord & SHADER_OFFSET_CONTINUATION) !== 0) {
    return { kind: "shader-continuation", stage, offset: val, text: r.bytes(p + ShaderOffset.Offset + 1, length - 3) };
  }
  if (length < ShaderOffset.SoNumOutputs) return invalid(`shader in ${length} dwords`);
  const nso = r.u32(p + ShaderOffset.SoNumOutputs);
  if (nso > PipeLimits.MaxSoOutputs) return invalid(`shader with ${nso} stream outputs`);
  const header = nso === 0 ? ShaderOffset.SoNumOutputs : ShaderOffset.SoOutputs + 2 * nso - 1;
  if (length < header) return invalid(`shader with ${nso} stream outputs in ${length} dwords`);
  const strides: number[] = [];
  const outputs: VirglStreamOutput[] = [];
  if (nso > 0) {
    for (let i = 0; i < PipeLimits.MaxSoBuffers; i++) strides.push(r.u32(p + ShaderOffset.SoStride0 + i));
    for (let i = 0; i < nso; i++) {
      const w = r.u32(p + ShaderOffset.SoOutputs + 2 * i);
      outputs.push({
        registerIndex: w & 0xff,
        startComponent: (w >>> 8) & 0x3,
        numComponents: (w >>> 10) & 0x7,
        buffer: (w >>> 13) & 0x7,
        dstOffset: w >>> 16,
        stream: r.u32(p + ShaderOffset.SoOutputs + 2 * i + 1) & 0x3,
      });
    }
  }
  return {
    kind: "shader",
    stage,
    totalBytes: val,
    numTokens: r.u32(p + ShaderOffset.NumTokens),
    streamOutput: { strides, outputs },
    text: r.bytes(p + header + 1, length - header),
  };
}

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
  #bytes: Uint8Array;
  #text: string | undefined;

  constructor(start: VirglShaderStart) {
    this.stage = start.stage;
    this.numTokens = start.numTokens;
    this.totalBytes = start.totalBytes;
    this.streamOutput = start.streamOutput;
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
}
