// ALU: arithmetic, logic, compares and conversions on 32-bit channels, and fp64 on channel pairs.
import { ALU_EXPRESSIONS, ALU_HELPERS, type AluOperands } from "./alu-expressions.ts";
import { COMP, convert, type GlslEmitContext, swizzleText, VEC, type VType } from "./glsl-emit-context.ts";
import { inputExpr } from "./glsl-emit-io.ts";
import type { TgsiInstruction, TgsiSrc } from "./tgsi-ir.ts";
import type { TgsiOpcodeName, TgsiValueType } from "./tgsi-opcodes.ts";

/** Opcodes whose GLSL functions GLSL ES 3.00 lacks (bitfield ops and ldexp are ES 3.10, interpolateAt ES 3.20). */
const ES_MISSING_OPS = new Set<TgsiOpcodeName>([
  "IBFE",
  "UBFE",
  "BFI",
  "BREV",
  "POPC",
  "LSB",
  "UMSB",
  "IMSB",
  "LDEXP",
  "INTERP_CENTROID",
  "INTERP_SAMPLE",
  "INTERP_OFFSET",
]);

/** A 32-bit channel type of the opcode table (`d`/`raw` have no place in a 32-bit ALU expression). */
function channelType(ctx: GlslEmitContext, t: TgsiValueType, line: number): VType {
  if (t === "d" || t === "raw") ctx.fail(`a ${t} operand in a 32-bit ALU opcode`, line);
  return t;
}

/** One ALU instruction (32-bit channel types; doubles go to {@link emitDouble}). */
export function emitAlu(ctx: GlslEmitContext, inst: TgsiInstruction): void {
  const op = inst.opcode;
  const L = inst.line;
  let dt: VType;
  let a: string[];
  if (op.name === "MOV") {
    // MOV copies bits: it reads its source in the source's own type unless a modifier needs a float.
    const s0 = inst.src[0]!;
    dt = inst.saturate || s0.negate || s0.absolute ? "f" : ctx.srcNative(s0, L).t;
    a = [ctx.src(s0, dt, L)];
  } else {
    dt = channelType(ctx, op.dstType, L);
    // INTERP_*'s first source names the input to interpolate; it is not read as a value.
    a = inst.src.map((s, i) =>
      i === 0 && op.name.startsWith("INTERP_") ? "" : ctx.src(s, channelType(ctx, op.srcTypes[i]!, L), L),
    );
  }
  if (ctx.es && ES_MISSING_OPS.has(op.name)) ctx.fail(`${op.name} on GLSL ES 3.00`, L);
  const [x, y, z, w] = [a[0]!, a[1] ?? "", a[2] ?? "", a[3] ?? ""];
  const operands: AluOperands = [x, y, z, w];
  const plain = ALU_EXPRESSIONS.get(op.name);
  const helper = ALU_HELPERS.get(op.name);
  let e: string;
  switch (op.name) {
    case "MOV":
      e = x;
      break;
    case "UCMP":
      e = `${ctx.imix("u")}(${z}, ${y}, notEqual(${x}, uvec4(0u)))`;
      break;
    case "IMUL_HI":
    case "UMUL_HI": {
      // Exact 32x32→64 high word from 16-bit halves (llvmpipe's [iu]mulExtended gave the low word in testing).
      const umulHi = ctx.call(
        "tgsi_umul_hi",
        "uvec4 tgsi_umul_hi(uvec4 a, uvec4 b) { uvec4 al = a & 0xffffu, ah = a >> 16u, bl = b & 0xffffu, bh = b >> 16u; uvec4 lh = al * bh, hl = ah * bl; uvec4 mid = ((al * bl) >> 16u) + (lh & 0xffffu) + (hl & 0xffffu); return ah * bh + (lh >> 16u) + (hl >> 16u) + (mid >> 16u); }",
        "a, b",
      );
      e =
        op.name === "UMUL_HI"
          ? `tgsi_umul_hi(${x}, ${y})`
          : ctx.call(
              "tgsi_imul_hi",
              `ivec4 tgsi_imul_hi(ivec4 a, ivec4 b) { uvec4 h = ${umulHi.replace("a, b", "uvec4(a), uvec4(b)")}; h -= ${ctx.imix("u")}(uvec4(0u), uvec4(b), lessThan(a, ivec4(0))); h -= ${ctx.imix("u")}(uvec4(0u), uvec4(a), lessThan(b, ivec4(0))); return ivec4(h); }`,
              `${x}, ${y}`,
            );
      break;
    }
    case "INTERP_CENTROID":
    case "INTERP_SAMPLE":
    case "INTERP_OFFSET": {
      if (ctx.stage !== "FRAG") ctx.fail(`${op.name} outside a fragment shader`, L);
      const s0 = inst.src[0]!;
      if (s0.file !== "IN" || s0.index.indirect !== undefined) ctx.fail(`${op.name} needs a direct input`, L);
      const v = inputExpr(ctx, s0.index.index, undefined, L);
      if (!/^[a-z_0-9]+$/.test(v)) ctx.fail(`${op.name} of a built-in input`, L);
      const f =
        op.name === "INTERP_CENTROID"
          ? `interpolateAtCentroid(${v})`
          : op.name === "INTERP_SAMPLE"
            ? `interpolateAtSample(${v}, (${y}).x)`
            : `interpolateAtOffset(${v}, (${y}).xy)`;
      let r = `${f}${swizzleText(s0.swizzle)}`;
      if (s0.absolute) r = `abs(${r})`;
      if (s0.negate) r = `(-${r})`;
      e = r;
      break;
    }
    default:
      if (plain !== undefined) e = plain(operands, ctx.es);
      else if (helper !== undefined) {
        e = ctx.call(
          helper.name,
          helper.code((t) => ctx.imix(t)),
          operands.slice(0, helper.arity).join(", "),
        );
      } else ctx.fail(`opcode ${op.name}`, L);
  }
  for (const d of inst.dst) ctx.assign(d, e, dt, inst.saturate, L);
}

/** fp64: each double lives in a channel pair (xy, zw) of a register. */
export function emitDouble(ctx: GlslEmitContext, inst: TgsiInstruction): void {
  const op = inst.opcode;
  const L = inst.line;
  if (ctx.es) ctx.fail("doubles on GLSL ES", L);
  const dst = inst.dst[0]!;
  const { lv, t: nt } = ctx.dstRef(dst, L);
  if (nt !== "f") ctx.fail("double result into ADDR", L);
  const dsrc = (s: TgsiSrc, pair: number): string => {
    const n = ctx.srcNative(s, L);
    const bits = convert(`(${n.e})`, n.t, "u");
    // srcNative has applied the swizzle: the pair is read by position.
    let e = `packDouble2x32(${bits}.${pair === 0 ? "xy" : "zw"})`;
    if (s.absolute) e = `abs(${e})`;
    if (s.negate) e = `(-${e})`;
    return e;
  };
  const ssrc = (s: TgsiSrc, comp: number, t: VType): string => {
    const n = ctx.srcNative(s, L);
    let e = `${convert(`(${n.e})`, n.t, t)}.${COMP[comp]}`;
    if (s.absolute && t !== "u") e = `abs(${e})`;
    if (s.negate) e = `(-${e})`;
    return e;
  };
  const dexpr = (args: string[]): string => {
    const [a, b, c] = args as [string, string, string];
    switch (op.name) {
      case "DABS":
        return `abs(${a})`;
      case "DNEG":
        return `(-${a})`;
      case "DADD":
        return `(${a} + ${b})`;
      case "DMUL":
        return `(${a} * ${b})`;
      case "DDIV":
        return `(${a} / ${b})`;
      case "DMAX":
        return `max(${a}, ${b})`;
      case "DMIN":
        return `min(${a}, ${b})`;
      case "DRCP":
        return `(1.0LF / ${a})`;
      case "DSQRT":
        return `sqrt(${a})`;
      case "DRSQ":
        return `inversesqrt(${a})`;
      case "DMAD":
        return `(${a} * ${b} + ${c})`;
      case "DFMA":
        return `fma(${a}, ${b}, ${c})`;
      case "DFRAC":
        return `fract(${a})`;
      case "DTRUNC":
        return `trunc(${a})`;
      case "DCEIL":
        return `ceil(${a})`;
      case "DFLR":
        return `floor(${a})`;
      case "DROUND":
        return `roundEven(${a})`;
      case "DLDEXP":
        return `ldexp(${a}, ${b})`;
      case "DSSG":
        return `sign(${a})`;
      case "DSLT":
        return `(${a} < ${b} ? 0xffffffffu : 0u)`;
      case "DSGE":
        return `(${a} >= ${b} ? 0xffffffffu : 0u)`;
      case "DSEQ":
        return `(${a} == ${b} ? 0xffffffffu : 0u)`;
      case "DSNE":
        return `(${a} != ${b} ? 0xffffffffu : 0u)`;
      case "D2F":
        return `float(${a})`;
      case "D2I":
        return `int(${a})`;
      case "D2U":
        return `uint(${a})`;
      case "F2D":
      case "I2D":
      case "U2D":
        return `double(${a})`;
      default:
        ctx.fail(`opcode ${op.name}`, L);
    }
  };
  if (op.dstType === "d") {
    // Sources are read pair by pair in the order the destination's pairs are written: Mesa writes a lone .zw result
    // from operands it placed in .xy.
    let srcPair = 0;
    for (let pair = 0; pair < 2; pair++) {
      const m = (dst.writeMask >> (pair * 2)) & 3;
      if (m === 0) continue;
      const p = srcPair++;
      const args = inst.src.map((s, i) => {
        const t = op.srcTypes[i]!;
        return t === "d" ? dsrc(s, p) : ssrc(s, p, channelType(ctx, t, L));
      });
      const comps = pair === 0 ? "xy" : "zw";
      ctx.line(`${lv}.${comps} = uintBitsToFloat(unpackDouble2x32(${dexpr(args)}));`);
    }
  } else {
    // The k-th channel the write mask enables gets double k (tgsi_exec's rule): `D2F TEMP[0].y, TEMP[1]` reads .xy.
    const t = channelType(ctx, op.dstType, L);
    let pair = 0;
    for (let comp = 0; comp < 4 && pair < 2; comp++) {
      if (!((dst.writeMask >> comp) & 1)) continue;
      const args = inst.src.map((s) => dsrc(s, pair));
      ctx.line(`${lv}.${COMP[comp]} = ${convert(`${VEC[t]}(${dexpr(args)})`, t, "f")}.x;`);
      pair++;
    }
  }
}
