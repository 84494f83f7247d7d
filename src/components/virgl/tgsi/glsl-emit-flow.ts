// Flow control: IF/UIF/ELSE, loops with the iteration budget, SWITCH, subroutines, END/RET, KILL/KILL_IF.
import type { GlslEmitContext } from "./glsl-emit-context.ts";
import type { TgsiInstruction } from "./tgsi-ir.ts";
import { calTarget } from "./tgsi-parser.ts";

/** KILL (discard) and KILL_IF (discard when any component is negative). */
export function emitKill(ctx: GlslEmitContext, inst: TgsiInstruction): void {
  const L = inst.line;
  if (ctx.stage !== "FRAG") ctx.fail(`${inst.opcode.name} outside a fragment shader`, L);
  if (inst.opcode.name === "KILL") ctx.line("discard;");
  else ctx.line(`if (any(lessThan(${ctx.src(inst.src[0]!, "f", L)}, vec4(0.0)))) discard;`);
}

/** One flow instruction, translated structurally (labels are ignored except CAL's). */
export function emitFlow(ctx: GlslEmitContext, inst: TgsiInstruction, index: number, inMain: boolean): void {
  const L = inst.line;
  switch (inst.opcode.name) {
    case "IF":
      ctx.line(`if (${ctx.src(inst.src[0]!, "f", L)}.x != 0.0) {`);
      ctx.indent++;
      return;
    case "UIF":
      ctx.line(`if (${ctx.src(inst.src[0]!, "u", L)}.x != 0u) {`);
      ctx.indent++;
      return;
    case "ELSE":
      ctx.indent--;
      ctx.line("} else {");
      ctx.indent++;
      return;
    case "ENDIF":
    case "ENDLOOP":
      ctx.indent--;
      ctx.line("}");
      return;
    case "BGNLOOP": {
      // One budget for all loops of an invocation: nesting cannot multiply it.
      ctx.line(ctx.loopLimit() > 0 ? "while (--loop_budget >= 0) {" : "while (true) {");
      ctx.indent++;
      ctx.usesLoops = true;
      return;
    }
    case "BRK":
      ctx.line("break;");
      return;
    case "CONT":
      ctx.line("continue;");
      return;
    case "SWITCH":
      ctx.line(`switch (${ctx.src(inst.src[0]!, "u", L)}.x) {`);
      ctx.indent++;
      return;
    case "CASE": {
      const v = ctx.immInts(inst.src[0]!, 1, L)[0]! >>> 0;
      ctx.line(`case ${v}u:`);
      return;
    }
    case "DEFAULT":
      ctx.line("default:");
      return;
    case "ENDSWITCH":
      ctx.line("break;");
      ctx.indent--;
      ctx.line("}");
      return;
    case "CAL":
      ctx.line(`sub${calTarget(ctx.shader.instructions, inst.label!)}();`);
      return;
    case "RET":
      if (inMain) ctx.line("{ store_outputs(); return; }");
      else ctx.line("return;");
      return;
    case "BGNSUB":
      ctx.line(`void sub${index}() {`);
      ctx.indent++;
      return;
    case "ENDSUB":
      ctx.indent--;
      ctx.line("}");
      return;
    case "END":
      ctx.line("store_outputs();");
      ctx.indent--;
      ctx.line("}");
      return;
    default:
      ctx.fail(`opcode ${inst.opcode.name}`, L);
  }
}
