// Memory: shader buffers, images, shared memory, atomics and the barriers that order them.
import type { GlslEmitContext } from "./glsl-emit-context.ts";
import type { TgsiInstruction } from "./tgsi-ir.ts";

/** BARRIER (CS/TCS execution barrier), MEMBAR (memory barrier), NOP. */
export function emitBarrier(ctx: GlslEmitContext, inst: TgsiInstruction): void {
  switch (inst.opcode.name) {
    case "BARRIER":
      if (ctx.stage !== "COMP" && ctx.stage !== "TESS_CTRL") ctx.fail("BARRIER outside CS/TCS", inst.line);
      ctx.line("barrier();");
      return;
    case "MEMBAR":
      ctx.line("memoryBarrier();");
      return;
    case "NOP":
      return;
    default:
      ctx.fail(`opcode ${inst.opcode.name}`, inst.line);
  }
}

/** Declarations of buffers, images and shared memory (none translated yet: refused). */
export function memoryDeclarations(ctx: GlslEmitContext): string[] {
  const info = ctx.shader.info;
  if (info.images.length > 0 || info.shaderBuffers.length > 0 || info.usesMemory)
    ctx.fail("images, shader buffers and shared memory are not translated yet");
  return [];
}
