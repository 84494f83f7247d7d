// TGSI → GLSL: the instruction dispatch by family and the assembly of the GLSL text. The families live in
// glsl-emit-*.ts over one GlslEmitContext.

import { emitAlu, emitDouble } from "./glsl-emit-alu.ts";
import { GlslEmitContext } from "./glsl-emit-context.ts";
import { GlslEmitError } from "./glsl-emit-error.ts";
import { emitFlow, emitKill } from "./glsl-emit-flow.ts";
import {
  checkEsSemantics,
  constantDeclarations,
  inputDeclarations,
  outputDeclarations,
  registerDeclarations,
  sysvalDeclarations,
} from "./glsl-emit-io.ts";
import { emitBarrier, emitMemory, memoryDeclarations } from "./glsl-emit-memory.ts";
import { builtinOutputDeclarations, emitGsStream, prologue, stageLayout, storeOutputs } from "./glsl-emit-stage.ts";
import { emitTex, samplerDeclarations } from "./glsl-emit-texture.ts";
import { extensionLines } from "./glsl-requirements.ts";
import type { ShaderKey } from "./shader-key.ts";
import type { TgsiInstruction, TgsiShader } from "./tgsi-ir.ts";

/** FS input qualifiers, for the producer's `key.outputQualifiers` (GLSL ES). */
export { inputQualifiers } from "./glsl-emit-io.ts";

/** Result of {@link emitGlsl}: the GLSL source, or why this shader/key cannot be translated. */
export type GlslResult =
  | { readonly ok: true; readonly glsl: string }
  | { readonly ok: false; readonly error: GlslEmitError };

function emitInstruction(ctx: GlslEmitContext, inst: TgsiInstruction, index: number, inMain: boolean): void {
  const op = inst.opcode;
  switch (op.kind) {
    case "alu":
      if (op.srcType === "d" || op.dstType === "d") emitDouble(ctx, inst);
      else emitAlu(ctx, inst);
      return;
    case "tex":
      emitTex(ctx, inst);
      return;
    case "kill":
      emitKill(ctx, inst);
      return;
    case "gs":
      emitGsStream(ctx, inst);
      return;
    case "other":
      emitBarrier(ctx, inst);
      return;
    case "flow":
      emitFlow(ctx, inst, index, inMain);
      return;
    case "memory":
      emitMemory(ctx, inst);
      return;
  }
}

function declarations(ctx: GlslEmitContext): string[] {
  checkEsSemantics(ctx);
  return [
    ...stageLayout(ctx),
    ...inputDeclarations(ctx),
    ...outputDeclarations(ctx),
    ...builtinOutputDeclarations(ctx),
    ...constantDeclarations(ctx),
    ...samplerDeclarations(ctx),
    ...sysvalDeclarations(ctx),
    ...memoryDeclarations(ctx),
    ...registerDeclarations(ctx),
  ];
}

function emit(ctx: GlslEmitContext): string {
  ctx.planRegisters();
  const insts = ctx.shader.instructions;
  const endIndex = insts.findIndex((i) => i.opcode.name === "END");
  const main: string[] = [];
  const subs: string[] = [];
  const protos: string[] = [];
  for (let i = 0; i < insts.length; i++) {
    const inst = insts[i]!;
    const inMain = i <= endIndex;
    if (!inMain && inst.opcode.name === "BGNSUB") {
      ctx.indent = 0;
      protos.push(`void sub${i}();`);
    }
    const before = ctx.body.length;
    emitInstruction(ctx, inst, i, inMain);
    const emitted = ctx.body.splice(before);
    (inMain ? main : subs).push(...emitted);
  }
  // The epilogue and prologue decide whether the sysval block is declared: both before the declarations.
  const store = storeOutputs(ctx);
  const pro = prologue(ctx);
  const decls = declarations(ctx);
  const header: string[] = [];
  if (ctx.es) {
    if (ctx.stage !== "VERT" && ctx.stage !== "FRAG") ctx.fail(`${ctx.stage} on GLSL ES 3.00`);
    header.push("#version 300 es");
  } else header.push("#version 450 core");
  header.push(...extensionLines(ctx.key.target, ctx.requirements));
  if (ctx.es) header.push("precision highp float;", "precision highp int;", "precision highp sampler2D;");
  return [
    ...header,
    ...decls,
    ...ctx.helpers.values(),
    ...protos,
    "void store_outputs() {",
    ...store.map((s) => `  ${s}`),
    "}",
    "void main() {",
    ...pro.map((s) => `  ${s}`),
    ...main,
    ...subs,
    "",
  ].join("\n");
}

/**
 * Translates a parsed shader into GLSL for the variant selected by `key` (see README "TGSI to GLSL" for the
 * naming and binding contract the draw code follows). Pure: no GL calls. Shaders using what is not translated
 * yet or keys the target cannot express return a {@link GlslEmitError} (code `Unsupported`).
 */
export function emitGlsl(shader: TgsiShader, key: ShaderKey): GlslResult {
  try {
    return { ok: true, glsl: emit(new GlslEmitContext(shader, key)) };
  } catch (e) {
    if (e instanceof GlslEmitError) return { ok: false, error: e };
    throw e;
  }
}
