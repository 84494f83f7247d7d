import { PipeLimits, PipeShaderType, SHADER_OFFSET_CONTINUATION, ShaderOffset } from "../commands.ts";
import { invalid, type VirglRefusal } from "../refusal.ts";
import type { DwordReader } from "../stream.ts";

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
  /** Compute shaders: the shared memory they ask for in bytes (the word other stages use for stream output). */
  readonly sharedMemoryBytes: number;
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
): VirglShaderStart | VirglShaderContinuation | VirglRefusal {
  const stage = r.u32(p + ShaderOffset.Type);
  const offsetWord = r.u32(p + ShaderOffset.Offset);
  const val = offsetWord & ~SHADER_OFFSET_CONTINUATION;
  if ((offsetWord & SHADER_OFFSET_CONTINUATION) !== 0) {
    return { kind: "shader-continuation", stage, offset: val, text: r.bytes(p + ShaderOffset.Offset + 1, length - 3) };
  }
  if (length < ShaderOffset.SoNumOutputs) return invalid(`shader in ${length} dwords`);
  if (stage === PipeShaderType.Compute) {
    return {
      kind: "shader",
      stage,
      totalBytes: val,
      numTokens: r.u32(p + ShaderOffset.NumTokens),
      streamOutput: { strides: [], outputs: [] },
      sharedMemoryBytes: r.u32(p + ShaderOffset.SoNumOutputs),
      text: r.bytes(p + ShaderOffset.SoNumOutputs + 1, length - ShaderOffset.SoNumOutputs),
    };
  }
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
    sharedMemoryBytes: 0,
    text: r.bytes(p + header + 1, length - header),
  };
}
