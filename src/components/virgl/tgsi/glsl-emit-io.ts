// Declarations and I/O: inputs, outputs and system values as GLSL expressions, and the declarations of varyings,
// constant buffers, the sysval block and the register variables.
import { MAX_UBO_SLOT, sysvalBinding, uboBinding, varyingId, varyingName } from "./glsl-bindings.ts";
import { BUILTIN_SEMANTICS, COMP, type GlslEmitContext, maskText, type VType } from "./glsl-emit-context.ts";
import type { ShaderKey } from "./shader-key.ts";
import type { TgsiDst, TgsiIndex, TgsiIoSlot, TgsiShader, TgsiSrc, TgsiStage } from "./tgsi-ir.ts";

/** Semantics (inputs, outputs, system values) without a GLSL ES 3.00 built-in. */
const ES_MISSING_SEMANTICS = new Set<string>([
  "CLIPDIST",
  "LAYER",
  "VIEWPORT_INDEX",
  "PRIM_ID",
  "PRIMID",
  "SAMPLEID",
  "SAMPLEPOS",
  "SAMPLEMASK",
  "HELPER_INVOCATION",
  "STENCIL",
  "TESSCOORD",
  "TESSOUTER",
  "TESSINNER",
  "VERTICESIN",
  "INVOCATIONID",
]);

/** The stage whose outputs this stage reads. */
export function producer(ctx: GlslEmitContext): TgsiStage {
  if (ctx.stage === "GEOM" || ctx.stage === "TESS_CTRL") return ctx.key.producer ?? "VERT";
  // A TES without a TCS reads the VS's outputs (key.producer "VERT").
  if (ctx.stage === "TESS_EVAL") return ctx.key.producer ?? "TESS_CTRL";
  return ctx.key.producer ?? "VERT";
}

/** The producer writes the varying `sem` (from the key's list; without a list, everything but BCOLOR). */
export function producerWrites(ctx: GlslEmitContext, sem: { name: string; index: number }): boolean {
  const list = ctx.key.producerOutputs;
  return list === undefined ? sem.name !== "BCOLOR" || ctx.key.twoSidedColor === true : list.includes(varyingId(sem));
}

/**
 * A TCS output read: a per-vertex one of vertex `dimension` (default: this invocation's), or a patch output read
 * back from GL (patch outputs are shared by the patch's invocations). An indirect register index selects among the
 * declared outputs with a helper.
 */
export function tcsOutRead(ctx: GlslEmitContext, r: { index: TgsiIndex; dimension?: TgsiIndex }, line: number): string {
  const v = r.dimension === undefined ? "gl_InvocationID" : vertexIndex(ctx, r.dimension);
  if (r.index.indirect === undefined) return tcsOutName(ctx, r.index.index, v, line);
  const regs = [...ctx.outputs.keys()].sort((a, b) => a - b);
  const fname = `tgsi_tcs_out_${line}`;
  const cases = regs.map((reg) => `case ${reg}: return ${tcsOutName(ctx, reg, "v", line)};`);
  return ctx.call(
    fname,
    `vec4 ${fname}(int r, int v) { switch (r) { ${cases.join(" ")} } return vec4(0.0); }`,
    `${ctx.indexExpr(r.index, 0, Math.max(...regs) + 1)}, ${v}`,
  );
}

/** GLSL (an rvalue) of TCS output register `reg`, vertex `v` when per-vertex. */
function tcsOutName(ctx: GlslEmitContext, reg: number, v: string, line: number): string {
  const slots = ctx.outputs.get(reg);
  if (slots === undefined) ctx.fail(`OUT[${reg}] has no declaration`, line);
  if (slots.length > 1) ctx.fail("a TCS output declared in component parts", line);
  const sem = slots[0]!.semantic;
  switch (sem.name) {
    case "POSITION":
      return `gl_out[${v}].gl_Position`;
    case "TESSOUTER":
      return "vec4(gl_TessLevelOuter[0], gl_TessLevelOuter[1], gl_TessLevelOuter[2], gl_TessLevelOuter[3])";
    case "TESSINNER":
      return "vec4(gl_TessLevelInner[0], gl_TessLevelInner[1], 0.0, 0.0)";
  }
  if (BUILTIN_SEMANTICS.has(sem.name)) ctx.fail(`TCS output ${sem.name}`, line);
  return ctx.isPerVertexTcsOut(reg) ? `${varyingName("TESS_CTRL", sem)}[${v}]` : varyingName("TESS_CTRL", sem);
}

/** Statements storing the `m` components of vec4 `value` into TCS output `reg` (this invocation's vertex). */
function tcsStore(ctx: GlslEmitContext, reg: number, value: string, mask: number, line: number): string {
  const sem = ctx.outputs.get(reg)?.[0]?.semantic;
  if (sem === undefined) ctx.fail(`OUT[${reg}] has no declaration`, line);
  if (sem.name === "TESSOUTER" || sem.name === "TESSINNER") {
    const n = sem.name === "TESSOUTER" ? 4 : 2;
    const out: string[] = [];
    for (let c = 0; c < n; c++)
      if ((mask >> c) & 1)
        out.push(`gl_TessLevel${sem.name === "TESSOUTER" ? "Outer" : "Inner"}[${c}] = ${value}.${COMP[c]};`);
    return out.join(" ");
  }
  const lv = tcsOutName(ctx, reg, "gl_InvocationID", line);
  if (mask === 0xf) return `${lv} = ${value};`;
  const m = maskText(mask);
  return `${lv}.${m} = ${value}.${m};`;
}

/**
 * A TCS output write, straight into the GL output: GLSL lets an invocation write only its own vertex (indexed by the
 * literal gl_InvocationID), and the TGSI vertex index of a write is that vertex whatever its form (Mesa computes it
 * from INVOCATIONID); an indirect register index becomes a switch over the declared outputs.
 */
export function tcsWrite(ctx: GlslEmitContext, dst: TgsiDst, value: string, line: number): void {
  if (dst.index.indirect === undefined) {
    const simple = !["TESSOUTER", "TESSINNER"].includes(ctx.outputs.get(dst.index.index)?.[0]?.semantic.name ?? "");
    if (simple) {
      ctx.line(tcsStore(ctx, dst.index.index, dst.writeMask === 0xf ? value : `(${value})`, dst.writeMask, line));
      return;
    }
    ctx.line(`{ vec4 tgsi_v = ${value}; ${tcsStore(ctx, dst.index.index, "tgsi_v", dst.writeMask, line)} }`);
    return;
  }
  const regs = [...ctx.outputs.keys()].sort((a, b) => a - b);
  ctx.line(`{ vec4 tgsi_v = ${value}; switch (${ctx.indexExpr(dst.index, 0, Math.max(...regs) + 1)}) {`);
  for (const reg of regs) ctx.line(`  case ${reg}: ${tcsStore(ctx, reg, "tgsi_v", dst.writeMask, line)} break;`);
  ctx.line("} }");
}

function vertexIndex(ctx: GlslEmitContext, dim: TgsiIndex): string {
  return dim.indirect === undefined ? String(dim.index) : ctx.indexExpr(dim, 0, 32);
}

/** An IN source as a float vec4 expression (swizzle `sw` applied). */
export function inputNative(ctx: GlslEmitContext, src: TgsiSrc, line: number, sw: string): { e: string; t: VType } {
  if (src.index.indirect !== undefined && src.dimension !== undefined) {
    // Per-vertex varyings are separate GLSL arrays: select the register with a helper.
    const regs = [...ctx.inputs.keys()]
      .filter((r) => ctx.inputs.get(r)!.every((x) => x.perVertex))
      .sort((a, b) => a - b);
    if (regs.length === 0) ctx.fail("indirect per-vertex input without per-vertex inputs", line);
    const fname = `tgsi_in_${line}`;
    const cases = regs.map((reg) => `case ${reg}: return ${inputExpr(ctx, reg, "v", line)};`);
    const e = ctx.call(
      fname,
      `vec4 ${fname}(int r, int v) { switch (r) { ${cases.join(" ")} } return vec4(0.0); }`,
      `${ctx.indexExpr(src.index, 0, Math.max(...regs) + 1)}, ${vertexIndex(ctx, src.dimension)}`,
    );
    return { e: e + sw, t: "f" };
  }
  if (src.index.indirect !== undefined) {
    const base = ctx.homeFor(ctx.inArrays, "IN", src.index, src.arrayId, line);
    const home = ctx.inArrays.get(base)!;
    return { e: `${home.name}[${ctx.indexExpr(src.index, home.first, home.length)}]${sw}`, t: "f" };
  }
  const v = src.dimension === undefined ? undefined : vertexIndex(ctx, src.dimension);
  return { e: inputExpr(ctx, src.index.index, v, line) + sw, t: "f" };
}

/**
 * Float-typed vec4 value of input register `reg` (vertex `v` for per-vertex inputs). A register declared in
 * component parts gathers each component from its part's varying (components no part declares read 0).
 */
export function inputExpr(ctx: GlslEmitContext, reg: number, v: string | undefined, line: number): string {
  const slots = ctx.inputs.get(reg);
  if (slots === undefined) ctx.fail(`IN[${reg}] has no declaration`, line);
  if (slots.length === 1) return slotExpr(ctx, slots[0]!, v, line);
  const parts = slots.map((s) => slotExpr(ctx, s, v, line));
  const comps = [0, 1, 2, 3].map((c) => {
    const i = slots.findIndex((s) => (s.usageMask >> c) & 1);
    return i < 0 ? "0.0" : `(${parts[i]}).${COMP[c]}`;
  });
  return `vec4(${comps.join(", ")})`;
}

/** A point's sprite coordinate as a vec4, its y turned when the key says the origins differ. */
function pointCoord(ctx: GlslEmitContext): string {
  return ctx.key.pointCoordFlipY
    ? "vec4(gl_PointCoord.x, 1.0 - gl_PointCoord.y, 0.0, 1.0)"
    : "vec4(gl_PointCoord, 0.0, 1.0)";
}

function slotExpr(ctx: GlslEmitContext, slot: TgsiIoSlot, v: string | undefined, line: number): string {
  const reg = slot.register;
  const sem = slot.semantic;
  const st = ctx.stage;
  if (st === "VERT") {
    const k = ctx.key;
    if (((k.vsIntInputs ?? 0) >> reg) & 1) return `intBitsToFloat(in_${reg})`;
    if (((k.vsUintInputs ?? 0) >> reg) & 1) return `uintBitsToFloat(in_${reg})`;
    return `in_${reg}`;
  }
  const perVertex = st === "GEOM" || st === "TESS_CTRL" || st === "TESS_EVAL";
  if (perVertex && v === undefined && !["PATCH", "TESSOUTER", "TESSINNER", "PRIM_ID"].includes(sem.name))
    ctx.fail("per-vertex input read without a vertex index", line);
  const at = v === undefined ? "" : `[${v}]`;
  switch (sem.name) {
    case "POSITION":
      return st === "FRAG" ? "gl_FragCoord" : `gl_in${at}.gl_Position`;
    case "PSIZE":
      return `vec4(gl_in${at}.gl_PointSize, 0.0, 0.0, 1.0)`;
    case "CLIPDIST": {
      if (st === "FRAG") ctx.fail("FS CLIPDIST input", line);
      const b = sem.index * 4;
      return `vec4(gl_in${at}.gl_ClipDistance[${b}], gl_in${at}.gl_ClipDistance[${b + 1}], gl_in${at}.gl_ClipDistance[${b + 2}], gl_in${at}.gl_ClipDistance[${b + 3}])`;
    }
    case "FACE":
      return "vec4(gl_FrontFacing ? 1.0 : -1.0, 0.0, 0.0, 1.0)";
    case "PRIM_ID":
      return `intBitsToFloat(ivec4(${st === "GEOM" ? "gl_PrimitiveIDIn" : "gl_PrimitiveID"}))`;
    case "PCOORD":
      return pointCoord(ctx);
    case "LAYER":
      return "intBitsToFloat(ivec4(gl_Layer))";
    case "VIEWPORT_INDEX":
      return "intBitsToFloat(ivec4(gl_ViewportIndex))";
    case "TESSOUTER":
      return "vec4(gl_TessLevelOuter[0], gl_TessLevelOuter[1], gl_TessLevelOuter[2], gl_TessLevelOuter[3])";
    case "TESSINNER":
      return "vec4(gl_TessLevelInner[0], gl_TessLevelInner[1], 0.0, 0.0)";
    default:
      break;
  }
  if (st === "FRAG" && sem.name === "TEXCOORD" && ((ctx.key.spriteCoordEnable ?? 0) >> sem.index) & 1)
    return pointCoord(ctx);
  if (!producerWrites(ctx, sem)) return "vec4(0.0)";
  const name = varyingName(producer(ctx), sem) + at;
  if (st === "FRAG" && sem.name === "COLOR" && ctx.key.twoSidedColor) {
    const back = { name: "BCOLOR", index: sem.index };
    if (producerWrites(ctx, back)) return `(gl_FrontFacing ? ${name} : ${varyingName(producer(ctx), back)})`;
  }
  return name;
}

/** System value `SV[reg]` in its natural type (swizzle `sw` applied). */
export function sysvalNative(ctx: GlslEmitContext, reg: number, line: number, sw: string): { e: string; t: VType } {
  const name = ctx.sysvals.get(reg);
  if (name === undefined) ctx.fail(`SV[${reg}] has no declaration`, line);
  const drawParams = (): void => ctx.need("drawParameters", name, line);
  let e: string;
  let t: VType = "i";
  switch (name) {
    case "INSTANCEID":
      e = "ivec4(gl_InstanceID)";
      break;
    case "VERTEXID":
      e = "ivec4(gl_VertexID)";
      break;
    case "VERTEXID_NOBASE":
      drawParams();
      e = "ivec4(gl_VertexID - gl_BaseVertexARB)";
      break;
    case "BASEVERTEX":
      drawParams();
      e = "ivec4(gl_BaseVertexARB)";
      break;
    case "BASEINSTANCE":
      drawParams();
      e = "ivec4(gl_BaseInstanceARB)";
      break;
    case "DRAWID":
      drawParams();
      e = "ivec4(gl_DrawIDARB)";
      break;
    case "PRIMID":
    case "PRIM_ID":
      e = `ivec4(${ctx.stage === "GEOM" ? "gl_PrimitiveIDIn" : "gl_PrimitiveID"})`;
      break;
    case "INVOCATIONID":
      e = "ivec4(gl_InvocationID)";
      break;
    case "FACE":
      e = "vec4(gl_FrontFacing ? 1.0 : -1.0, 0.0, 0.0, 1.0)";
      t = "f";
      break;
    case "SAMPLEID":
      e = "ivec4(gl_SampleID)";
      break;
    case "SAMPLEPOS":
      e = "vec4(gl_SamplePosition, 0.0, 0.0)";
      t = "f";
      break;
    case "SAMPLEMASK":
      e = "ivec4(gl_SampleMaskIn[0])";
      break;
    case "POSITION":
      e = "gl_FragCoord";
      t = "f";
      break;
    case "HELPER_INVOCATION":
      e = "uvec4(gl_HelperInvocation ? 0xffffffffu : 0u)";
      t = "u";
      break;
    case "TESSCOORD":
      e = "vec4(gl_TessCoord, 0.0)";
      t = "f";
      break;
    case "TESSOUTER":
      e = "vec4(gl_TessLevelOuter[0], gl_TessLevelOuter[1], gl_TessLevelOuter[2], gl_TessLevelOuter[3])";
      t = "f";
      break;
    case "TESSINNER":
      e = "vec4(gl_TessLevelInner[0], gl_TessLevelInner[1], 0.0, 0.0)";
      t = "f";
      break;
    case "VERTICESIN":
      e = "ivec4(gl_PatchVerticesIn)";
      break;
    case "BLOCK_ID":
      e = "uvec4(gl_WorkGroupID, 0u)";
      t = "u";
      break;
    case "THREAD_ID":
      e = "uvec4(gl_LocalInvocationID, 0u)";
      t = "u";
      break;
    case "GRID_SIZE":
      e = "uvec4(gl_NumWorkGroups, 0u)";
      t = "u";
      break;
    case "BLOCK_SIZE":
      e = "uvec4(gl_WorkGroupSize, 0u)";
      t = "u";
      break;
    default:
      ctx.fail(`system value ${name}`, line);
  }
  return { e: sw === "" ? e : `${e}${sw}`, t };
}

/** GLSL ES 3.00: refuses inputs, outputs and system values it has no built-in for, and user clip planes. */
export function checkEsSemantics(ctx: GlslEmitContext): void {
  if (!ctx.es) return;
  const info = ctx.shader.info;
  for (const x of [...info.inputs, ...info.outputs])
    if (ES_MISSING_SEMANTICS.has(x.semantic.name)) ctx.fail(`${x.semantic.name} on GLSL ES 3.00`);
  for (const x of info.systemValues) if (ES_MISSING_SEMANTICS.has(x.name)) ctx.fail(`${x.name} on GLSL ES 3.00`);
  if ((ctx.key.clipPlaneEnable ?? 0) !== 0 && ctx.lastVertexStage) ctx.fail("user clip planes on GLSL ES 3.00");
}

/** Input declarations: vertex attributes, varyings with their qualifiers. */
export function inputDeclarations(ctx: GlslEmitContext): string[] {
  const out: string[] = [];
  const st = ctx.stage;
  const k = ctx.key;
  const declared = new Set<string>();
  const declareIn = (q: string, type: string, name: string, arr: string): void => {
    if (declared.has(name)) return;
    declared.add(name);
    out.push(`${q}in ${type} ${name}${arr};`);
  };
  for (const slot of ctx.shader.info.inputs) {
    if (st === "VERT") {
      const r = slot.register;
      const type = ((k.vsIntInputs ?? 0) >> r) & 1 ? "ivec4" : ((k.vsUintInputs ?? 0) >> r) & 1 ? "uvec4" : "vec4";
      if (r >= 32) ctx.fail("vertex attribute above 31");
      out.push(`layout(location = ${r}) in ${type} in_${r};`);
      continue;
    }
    if (st === "COMP") ctx.fail("compute shader inputs");
    const sem = slot.semantic;
    if (BUILTIN_SEMANTICS.has(sem.name)) continue;
    if (st === "FRAG" && sem.name === "TEXCOORD" && ((k.spriteCoordEnable ?? 0) >> sem.index) & 1) continue;
    if (!producerWrites(ctx, sem)) continue;
    const perVertex = st === "GEOM" || st === "TESS_CTRL" || (st === "TESS_EVAL" && sem.name !== "PATCH");
    const arr = perVertex ? "[]" : "";
    let q = "";
    if (st === "FRAG") {
      q = fsInputQualifier(slot, k);
      if (ctx.es && /noperspective|sample/.test(q)) ctx.fail(`${q.trim()} on GLSL ES 3.00`);
      if (q !== "") q += " ";
    }
    if (st === "TESS_EVAL" && sem.name === "PATCH") q = "patch ";
    declareIn(q, "vec4", varyingName(producer(ctx), sem), arr);
    if (st === "FRAG" && sem.name === "COLOR" && k.twoSidedColor) {
      const back = { name: "BCOLOR", index: sem.index };
      if (producerWrites(ctx, back)) declareIn(q, "vec4", varyingName(producer(ctx), back), "");
    }
  }
  return out;
}

/** Output declarations: FS colour outputs, other stages' output varyings. */
export function outputDeclarations(ctx: GlslEmitContext): string[] {
  const out: string[] = [];
  const info = ctx.shader.info;
  const st = ctx.stage;
  const k = ctx.key;
  for (const slot of info.outputs) {
    const sem = slot.semantic;
    if (st === "FRAG") {
      if (sem.name === "COLOR") {
        const copies = sem.index === 0 && info.color0WritesAllCbufs ? Math.max(1, Math.min(8, k.nrCbufs ?? 1)) : 1;
        for (let c = 0; c < copies; c++) {
          const loc = sem.index + c;
          const type =
            ((k.fsIntOutputs ?? 0) >> loc) & 1 ? "ivec4" : ((k.fsUintOutputs ?? 0) >> loc) & 1 ? "uvec4" : "vec4";
          const layout = k.dualSourceBlend && sem.index === 1 ? "location = 0, index = 1" : `location = ${loc}`;
          if (k.dualSourceBlend && sem.index === 1 && ctx.es) ctx.fail("dual-source blending on GLSL ES");
          out.push(`layout(${layout}) out ${type} fs_color${loc};`);
        }
      } else if (sem.name === "STENCIL") {
        ctx.need("stencilExport", "stencil export");
      } else if (!["POSITION", "SAMPLEMASK"].includes(sem.name)) ctx.fail(`FS output ${sem.name}`);
      continue;
    }
    if (st === "COMP") ctx.fail("compute shader outputs");
    if (BUILTIN_SEMANTICS.has(sem.name) || sem.name === "CLIPVERTEX") continue;
    const inv = slot.invariant ? "invariant " : "";
    const stream = st === "GEOM" && slot.stream > 0 ? `layout(stream = ${slot.stream}) ` : "";
    if (st === "TESS_CTRL" && sem.name !== "PATCH") out.push(`out vec4 ${varyingName(st, sem)}[];`);
    else {
      const q = ctx.lastVertexStage ? (k.outputQualifiers?.[varyingId(sem)] ?? "") : "";
      if (!/^(flat|smooth|noperspective|centroid|sample| )*$/.test(q)) ctx.fail(`output qualifier "${q}"`);
      if (ctx.es && /noperspective|sample/.test(q)) ctx.fail(`${q} on GLSL ES 3.00`);
      const tq = st === "TESS_CTRL" ? "patch " : q === "" ? "" : `${q} `;
      out.push(`${stream}${inv}${tq}out vec4 ${varyingName(st, sem)};`);
    }
  }
  return out;
}

/** `layout(std140, binding = b)` on desktop GLSL; GLSL ES 3.00 has no binding qualifier (bound by name). */
export function blockLayout(ctx: GlslEmitContext, binding: number): string {
  return ctx.es ? "layout(std140)" : `layout(std140, binding = ${binding})`;
}

/** The default constant buffer and the UBO block array. */
export function constantDeclarations(ctx: GlslEmitContext): string[] {
  const out: string[] = [];
  const info = ctx.shader.info;
  const p = ctx.p;
  if (info.constantRows > 0 && ctx.key.constantsAsUniforms === true)
    out.push(`uniform uvec4 ${p}_c[${info.constantRows}];`);
  else if (info.constantRows > 0)
    out.push(
      `${blockLayout(ctx, uboBinding(ctx.stage, 0))} uniform ${p}_consts { uvec4 ${p}_c[${info.constantRows}]; };`,
    );
  const slots = ctx.uboSlots();
  if (slots > 0) {
    if (slots > MAX_UBO_SLOT) ctx.fail(`UBO slot ${slots} above ${MAX_UBO_SLOT}`);
    out.push(
      `${blockLayout(ctx, uboBinding(ctx.stage, 1))} uniform ${p}_ubo_block { uvec4 d[${ctx.uboRows()}]; } ${p}_ubo[${slots}];`,
    );
  }
  return out;
}

/** The sysval block (clip planes, stipple), when the epilogue or prologue uses it. */
export function sysvalDeclarations(ctx: GlslEmitContext): string[] {
  if (!ctx.usesSysval) return [];
  const p = ctx.p;
  return [
    `${blockLayout(ctx, sysvalBinding(ctx.stage))} uniform ${p}_sysval { vec4 ${p}_clip_plane[8]; uvec4 ${p}_stipple[8]; };`,
  ];
}

/** Immediates, TEMP/ADDR/OUT register variables, input arrays, the loop budget. */
export function registerDeclarations(ctx: GlslEmitContext): string[] {
  const out: string[] = [];
  const imms = ctx.shader.immediates;
  if (imms.length > 0) {
    const vals = imms.map((m) => `uvec4(${[...m.words].map((w) => `${w}u`).join(", ")})`);
    out.push(`const uvec4 imm[${imms.length}] = uvec4[${imms.length}](${vals.join(", ")});`);
  }
  const seen = new Set<string>();
  for (const h of ctx.temps.values()) {
    if (seen.has(h.name)) continue;
    seen.add(h.name);
    out.push(h.first < 0 ? `vec4 ${h.name};` : `vec4 ${h.name}[${h.length}];`);
  }
  for (const d of ctx.shader.declarations)
    if (d.file === "ADDR") for (let r = d.first; r <= d.last; r++) out.push(`ivec4 addr${r};`);
  if (ctx.usesLoops && ctx.loopLimit() > 0) out.push(`int loop_budget = ${ctx.loopLimit()};`);
  for (const h of ctx.outs.values()) {
    if (seen.has(h.name)) continue;
    seen.add(h.name);
    out.push(h.first < 0 ? `vec4 ${h.name} = vec4(0.0);` : `vec4 ${h.name}[${h.length}];`);
  }
  for (const h of ctx.inArrays.values()) {
    if (seen.has(h.name)) continue;
    seen.add(h.name);
    out.push(`vec4 ${h.name}[${h.length}];`);
  }
  return out;
}

/** The interpolation/location qualifiers (`flat`, `noperspective centroid`, ...) the FS declares on an input. */
function fsInputQualifier(slot: TgsiIoSlot, key: ShaderKey): string {
  const interp = slot.interpolation;
  if (interp === "CONSTANT" || (interp === "COLOR" && key.flatShade)) return "flat";
  const q: string[] = [];
  if (interp === "LINEAR") q.push("noperspective");
  if (slot.interpLocation === "CENTROID") q.push("centroid");
  else if (slot.interpLocation === "SAMPLE") q.push("sample");
  return q.join(" ");
}

/**
 * The qualifiers a fragment shader emitted with `key` puts on its varyings, by {@link varyingId} (only non-empty
 * ones). GLSL ES requires the producer to repeat them: pass the result as the producer's `key.outputQualifiers`.
 */
export function inputQualifiers(shader: TgsiShader, key: ShaderKey): Record<string, string> {
  const out: Record<string, string> = {};
  if (shader.stage !== "FRAG") return out;
  for (const slot of shader.info.inputs) {
    const q = fsInputQualifier(slot, key);
    if (q === "") continue;
    out[varyingId(slot.semantic)] = q;
    if (slot.semantic.name === "COLOR" && key.twoSidedColor)
      out[varyingId({ name: "BCOLOR", index: slot.semantic.index })] = q;
  }
  return out;
}
