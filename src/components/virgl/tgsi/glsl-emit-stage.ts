// Stage-specific: layout qualifiers of GS/TCS/TES/CS/FS, the epilogue that stores outputs into GL built-ins and
// varyings (clip planes, stream output, y flip, alpha test), the FS prologue (stipple), GS EMIT/ENDPRIM.
import { varyingName } from "./glsl-bindings.ts";
import { COMP, convert, floatLiteral, type GlslEmitContext, type VType } from "./glsl-emit-context.ts";
import { inputExpr } from "./glsl-emit-io.ts";
import { MAX_STREAM_OUTPUTS, type StreamOutputEntry } from "./shader-key.ts";
import type { TgsiInstruction } from "./tgsi-ir.ts";

const GS_IN_PRIM: Record<string, string> = {
  POINTS: "points",
  LINES: "lines",
  LINES_ADJACENCY: "lines_adjacency",
  TRIANGLES: "triangles",
  TRIANGLES_ADJACENCY: "triangles_adjacency",
};
const GS_OUT_PRIM: Record<string, string> = {
  POINTS: "points",
  LINE_STRIP: "line_strip",
  TRIANGLE_STRIP: "triangle_strip",
};
/** TES_PRIM_MODE by name, or as tgsi_dump prints it, a PIPE_PRIM_* number (1 lines, 4 triangles, 7 quads). */
const TES_PRIM: Record<string, string> = {
  TRIANGLES: "triangles",
  QUADS: "quads",
  LINES: "isolines",
  "1": "isolines",
  "4": "triangles",
  "7": "quads",
};
/** TES_SPACING by name, or a PIPE_TESS_SPACING_* number (0 fractional odd, 1 fractional even, 2 equal). */
const TES_SPACING: Record<string, string> = {
  EQUAL: "equal_spacing",
  FRACTIONAL_ODD: "fractional_odd_spacing",
  FRACTIONAL_EVEN: "fractional_even_spacing",
  "0": "fractional_odd_spacing",
  "1": "fractional_even_spacing",
  "2": "equal_spacing",
};
/** PIPE_FUNC_* → GLSL comparison operator (alpha test passes when `alpha op ref`). */
const ALPHA_OPS = ["false", "<", "==", "<=", ">", "!=", ">=", "true"] as const;
const MAX_GS_VERTICES = 1024;

/** The stage's layout qualifiers (GS primitives, TCS vertices, TES mode, CS block size, FS fragment tests/coord). */
export function stageLayout(ctx: GlslEmitContext): string[] {
  const out: string[] = [];
  const info = ctx.shader.info;
  const st = ctx.stage;
  const k = ctx.key;
  if (st === "GEOM") {
    const inPrim = GS_IN_PRIM[info.gsInputPrimitive ?? ""];
    const outPrim = GS_OUT_PRIM[info.gsOutputPrimitive ?? ""];
    if (inPrim === undefined || outPrim === undefined) ctx.fail("GS without input/output primitive");
    if (info.gsMaxOutputVertices > MAX_GS_VERTICES) ctx.fail("GS_MAX_OUTPUT_VERTICES too large");
    out.push(`layout(${inPrim}) in;`);
    if (info.gsInvocations > 1) {
      if (info.gsInvocations > 32) ctx.fail("GS_INVOCATIONS too large");
      out.push(`layout(invocations = ${info.gsInvocations}) in;`);
    }
    out.push(`layout(${outPrim}, max_vertices = ${info.gsMaxOutputVertices}) out;`);
  } else if (st === "TESS_CTRL") {
    if (info.tcsVerticesOut < 1 || info.tcsVerticesOut > 32) ctx.fail("TCS_VERTICES_OUT out of range");
    out.push(`layout(vertices = ${info.tcsVerticesOut}) out;`);
  } else if (st === "TESS_EVAL") {
    const prim = TES_PRIM[info.tesPrimMode ?? ""];
    if (prim === undefined) ctx.fail("TES without TES_PRIM_MODE");
    const parts = [
      prim,
      TES_SPACING[info.tesSpacing ?? "EQUAL"] ?? "equal_spacing",
      info.tesVertexOrderCw ? "cw" : "ccw",
    ];
    if (info.tesPointMode) parts.push("point_mode");
    out.push(`layout(${parts.join(", ")}) in;`);
  } else if (st === "COMP") {
    const [x, y, z] = info.csBlockSize;
    if (x < 1 || y < 1 || z < 1 || x * y * z > 1024) ctx.fail("CS block size out of range");
    out.push(`layout(local_size_x = ${x}, local_size_y = ${y}, local_size_z = ${z}) in;`);
  } else if (st === "FRAG") {
    if (info.fsEarlyDepthStencil && !ctx.es) out.push("layout(early_fragment_tests) in;");
    if (info.fsBlendEquationAdvanced !== 0) {
      // Declaring every equation is a superset of the guest's mask and lets the host accept any mode the blend sets.
      ctx.need("advancedBlend", "advanced blend equations");
      out.push("layout(blend_support_all_equations) out;");
    }
    const usesFragCoord =
      info.inputs.some((s) => s.semantic.name === "POSITION") ||
      info.systemValues.some((s) => s.name === "POSITION") ||
      k.polygonStipple === true;
    if (usesFragCoord && !ctx.es) {
      const upper = (info.fsCoordOrigin === "LOWER_LEFT") === (k.lowerLeftOrigin ?? true);
      const q = [
        upper ? "origin_upper_left" : "",
        info.fsCoordPixelCenter === "INTEGER" ? "pixel_center_integer" : "",
      ].filter((x) => x !== "");
      if (q.length > 0) out.push(`layout(${q.join(", ")}) in vec4 gl_FragCoord;`);
    }
  }
  return out;
}

/** Stream-output varyings, clip/cull distance arrays, `invariant gl_Position`. */
export function builtinOutputDeclarations(ctx: GlslEmitContext): string[] {
  const out: string[] = [];
  const info = ctx.shader.info;
  for (const [i, so] of streamOutputs(ctx).entries()) {
    const type = so.numComponents === 1 ? "float" : `vec${so.numComponents}`;
    const layout = so.stream > 0 ? `layout(stream = ${so.stream}) ` : "";
    out.push(`${layout}out ${type} tfout${i};`);
  }
  if (ctx.lastVertexStage && !ctx.es) {
    const clip = clipCount(ctx);
    if (clip > 0) out.push(`out float gl_ClipDistance[${clip}];`);
    if (info.numCullDistances > 0) out.push(`out float gl_CullDistance[${info.numCullDistances}];`);
  }
  if (info.outputs.some((s) => s.semantic.name === "POSITION" && s.invariant) && ctx.stage !== "FRAG")
    out.push("invariant gl_Position;");
  return out;
}

/** EMIT / ENDPRIM: the stream id is an immediate; outputs are stored before each emitted vertex. */
export function emitGsStream(ctx: GlslEmitContext, inst: TgsiInstruction): void {
  const L = inst.line;
  if (ctx.stage !== "GEOM") ctx.fail(`${inst.opcode.name} outside a geometry shader`, L);
  const stream = ctx.immInts(inst.src[0]!, 1, L)[0]!;
  if (stream < 0 || stream > 3) ctx.fail("stream above 3", L);
  if (inst.opcode.name === "EMIT") {
    ctx.line("store_outputs();");
    ctx.line(stream === 0 ? "EmitVertex();" : `EmitStreamVertex(${stream});`);
  } else ctx.line(stream === 0 ? "EndPrimitive();" : `EndStreamPrimitive(${stream});`);
}

/** The key's stream-output entries, checked against this shader (only the last vertex stage has them). */
export function streamOutputs(ctx: GlslEmitContext): readonly StreamOutputEntry[] {
  const list = ctx.key.streamOutput ?? [];
  if (list.length === 0) return list;
  if (!ctx.lastVertexStage) ctx.fail("stream output outside the last vertex stage");
  if (ctx.es) ctx.fail("stream output on GLSL ES");
  if (list.length > MAX_STREAM_OUTPUTS) ctx.fail("too many stream outputs");
  for (const so of list) {
    if (!ctx.outs.has(so.register)) ctx.fail(`stream output of undeclared OUT[${so.register}]`);
    if (so.numComponents < 1 || so.startComponent < 0 || so.startComponent + so.numComponents > 4)
      ctx.fail("stream output components out of range");
    if (so.stream < 0 || so.stream > 3 || (so.stream > 0 && ctx.stage !== "GEOM")) ctx.fail("stream out of range");
    if (so.outputBuffer < 0 || so.outputBuffer > 3 || so.dstOffset < 0 || so.dstOffset > 0xffff)
      ctx.fail("stream output buffer or offset out of range");
  }
  return list;
}

/** Size of `gl_ClipDistance`: the shader's clip distances, or the highest enabled user clip plane. */
export function clipCount(ctx: GlslEmitContext): number {
  const info = ctx.shader.info;
  const writesClipDist = info.outputs.some((s) => s.semantic.name === "CLIPDIST");
  const planes = ctx.key.clipPlaneEnable ?? 0;
  if (!writesClipDist && planes !== 0) return 32 - Math.clz32(planes & 0xff);
  return info.numClipDistances;
}

/** The epilogue: shadow outputs → GL outputs, plus clip planes, y flip, alpha test. */
export function storeOutputs(ctx: GlslEmitContext): string[] {
  const out: string[] = [];
  const info = ctx.shader.info;
  const k = ctx.key;
  const reg = (r: number): string => {
    const h = ctx.outs.get(r)!;
    return h.first < 0 ? h.name : `${h.name}[${r - h.first}]`;
  };
  let position: string | undefined;
  let clipVertex: string | undefined;
  const numClip = info.numClipDistances;
  const total = numClip + info.numCullDistances;
  for (const slot of info.outputs) {
    const sem = slot.semantic;
    // TCS outputs are written straight into GL as they are computed.
    if (ctx.stage === "TESS_CTRL") continue;
    const v = reg(slot.register);
    if (ctx.stage === "FRAG") {
      switch (sem.name) {
        case "COLOR": {
          if (sem.index === 0 && k.alphaFunc !== undefined && k.alphaFunc !== 7) {
            const opText = ALPHA_OPS[k.alphaFunc & 7]!;
            const cond =
              opText === "false" ? "false" : `${v}.w ${opText} ${floatLiteral(Math.fround(k.alphaRef ?? 0))}`;
            out.push(`if (!(${cond})) discard;`);
          }
          const copies = sem.index === 0 && info.color0WritesAllCbufs ? Math.max(1, Math.min(8, k.nrCbufs ?? 1)) : 1;
          for (let c = 0; c < copies; c++) {
            const loc = sem.index + c;
            const t: VType = ((k.fsIntOutputs ?? 0) >> loc) & 1 ? "i" : ((k.fsUintOutputs ?? 0) >> loc) & 1 ? "u" : "f";
            // Alpha-only / luminance-alpha targets live in GL as R / RG textures: move alpha into .x / .y.
            let value = v;
            if (((k.fsAlphaOutputs ?? 0) >> loc) & 1) value = `vec4(${v}.w, 0.0, 0.0, ${v}.w)`;
            else if (((k.fsLuminanceAlphaOutputs ?? 0) >> loc) & 1) value = `vec4(${v}.x, ${v}.w, 0.0, ${v}.w)`;
            out.push(`fs_color${loc} = ${convert(value, "f", t)};`);
          }
          break;
        }
        case "POSITION":
          out.push(`gl_FragDepth = ${v}.z;`);
          break;
        case "STENCIL":
          out.push(`gl_FragStencilRefARB = floatBitsToInt(${v}.y);`);
          break;
        case "SAMPLEMASK":
          out.push(`gl_SampleMask[0] = floatBitsToInt(${v}.x);`);
          break;
      }
      continue;
    }
    switch (sem.name) {
      case "POSITION":
        position = v;
        out.push(`gl_Position = ${v};`);
        break;
      case "PSIZE":
        out.push(`gl_PointSize = ${v}.x;`);
        break;
      case "CLIPDIST":
        for (let c = 0; c < 4; c++) {
          const i = sem.index * 4 + c;
          if (i < numClip) out.push(`gl_ClipDistance[${i}] = ${v}.${COMP[c]};`);
          else if (i < total) out.push(`gl_CullDistance[${i - numClip}] = ${v}.${COMP[c]};`);
        }
        break;
      case "CLIPVERTEX":
        clipVertex = v;
        break;
      case "LAYER":
        if (ctx.stage !== "GEOM") ctx.need("viewportLayerArray", `${ctx.stage} writing gl_Layer`);
        out.push(`gl_Layer = floatBitsToInt(${v}.x);`);
        break;
      case "VIEWPORT_INDEX":
        if (ctx.stage !== "GEOM") ctx.need("viewportLayerArray", `${ctx.stage} writing gl_ViewportIndex`);
        out.push(`gl_ViewportIndex = floatBitsToInt(${v}.x);`);
        break;
      case "PRIM_ID":
        if (ctx.stage === "GEOM") out.push(`gl_PrimitiveID = floatBitsToInt(${v}.x);`);
        break;
      case "TESSOUTER":
        for (let c = 0; c < 4; c++) out.push(`gl_TessLevelOuter[${c}] = ${v}.${COMP[c]};`);
        break;
      case "TESSINNER":
        for (let c = 0; c < 2; c++) out.push(`gl_TessLevelInner[${c}] = ${v}.${COMP[c]};`);
        break;
      case "EDGEFLAG":
      case "VIEWPORT_MASK":
        break;
      default:
        out.push(`${varyingName(ctx.stage, sem)} = ${v};`);
    }
  }
  if (ctx.lastVertexStage) {
    const planes = k.clipPlaneEnable ?? 0;
    const writesClipDist = info.outputs.some((s) => s.semantic.name === "CLIPDIST");
    if (planes !== 0 && !writesClipDist) {
      const src = clipVertex ?? position;
      ctx.usesSysval = true;
      for (let i = 0; i < 8; i++) {
        if (!((planes >> i) & 1)) {
          if (i < clipCount(ctx)) out.push(`gl_ClipDistance[${i}] = 0.0;`);
          continue;
        }
        out.push(`gl_ClipDistance[${i}] = ${src === undefined ? "0.0" : `dot(${src}, ${ctx.p}_clip_plane[${i}])`};`);
      }
    }
    for (const [i, so] of streamOutputs(ctx).entries()) {
      const h = ctx.outs.get(so.register)!;
      const v = h.first < 0 ? h.name : `${h.name}[${so.register - h.first}]`;
      out.push(`tfout${i} = ${v}.${COMP.slice(so.startComponent, so.startComponent + so.numComponents)};`);
    }
    if (k.flipY && position !== undefined) out.push("gl_Position.y = -gl_Position.y;");
  }
  return out;
}

/** Statements at the start of `main`: polygon stipple, ADDR zeroing, copies of indirectly read inputs. */
export function prologue(ctx: GlslEmitContext): string[] {
  const out: string[] = [];
  const k = ctx.key;
  if (ctx.stage === "FRAG" && k.polygonStipple) {
    ctx.usesSysval = true;
    out.push(
      `{ uvec2 sp = uvec2(gl_FragCoord.xy) & 31u; if ((${ctx.p}_stipple[sp.y >> 2u][sp.y & 3u] & (0x80000000u >> sp.x)) == 0u) discard; }`,
    );
  }
  for (const d of ctx.shader.declarations) {
    if (d.file !== "ADDR") continue;
    for (let r = d.first; r <= d.last; r++) out.push(`addr${r} = ivec4(0);`);
  }
  for (const [r, h] of ctx.inArrays) {
    out.push(`${h.name}[${r - h.first}] = ${inputExpr(ctx, r, undefined, 0)};`);
  }
  return out;
}
