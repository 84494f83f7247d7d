// Textures: sampler declarations and the TEX family (sample, fetch, size/level/sample queries, gather, LOD query).
import { samplerBinding } from "./glsl-bindings.ts";
import { COMP, type GlslEmitContext, type VType } from "./glsl-emit-context.ts";
import type { TgsiInstruction, TgsiSamplerInfo, TgsiSrc, TgsiTextureTarget } from "./tgsi-ir.ts";

/** Coordinate components of TEX-family lookups, shadow reference included (TGSI layout). */
const COORDS: Record<TgsiTextureTarget, number> = {
  BUFFER: 1,
  "1D": 1,
  "2D": 2,
  "3D": 3,
  CUBE: 3,
  RECT: 2,
  SHADOW1D: 3,
  SHADOW2D: 3,
  SHADOWRECT: 3,
  "1D_ARRAY": 2,
  "2D_ARRAY": 3,
  SHADOW1D_ARRAY: 3,
  SHADOW2D_ARRAY: 4,
  SHADOWCUBE: 4,
  "2D_MSAA": 2,
  "2D_ARRAY_MSAA": 3,
  CUBE_ARRAY: 4,
  SHADOWCUBE_ARRAY: 4,
};
/** Integer coordinate components of texelFetch (array layer included). */
const FETCH_COORDS: Record<TgsiTextureTarget, number> = {
  ...COORDS,
  SHADOW1D: 1,
  SHADOW2D: 2,
  SHADOWRECT: 2,
  SHADOW1D_ARRAY: 2,
  SHADOW2D_ARRAY: 3,
  SHADOWCUBE: 3,
  CUBE_ARRAY: 4,
  SHADOWCUBE_ARRAY: 4,
};
/** Dimensions of derivatives / texel offsets / LOD-query coordinates (no layer, no reference). */
const DIMS: Record<TgsiTextureTarget, number> = {
  BUFFER: 1,
  "1D": 1,
  "2D": 2,
  "3D": 3,
  CUBE: 3,
  RECT: 2,
  SHADOW1D: 1,
  SHADOW2D: 2,
  SHADOWRECT: 2,
  "1D_ARRAY": 1,
  "2D_ARRAY": 2,
  SHADOW1D_ARRAY: 1,
  SHADOW2D_ARRAY: 2,
  SHADOWCUBE: 3,
  "2D_MSAA": 2,
  "2D_ARRAY_MSAA": 2,
  CUBE_ARRAY: 3,
  SHADOWCUBE_ARRAY: 3,
};
/** Components of textureSize's result. */
const SIZE_DIMS: Record<TgsiTextureTarget, number> = {
  ...DIMS,
  CUBE: 2,
  SHADOWCUBE: 2,
  "1D_ARRAY": 2,
  SHADOW1D_ARRAY: 2,
  "2D_ARRAY": 3,
  SHADOW2D_ARRAY: 3,
  "2D_ARRAY_MSAA": 3,
};
const NO_LOD = new Set<TgsiTextureTarget>(["RECT", "SHADOWRECT", "BUFFER", "2D_MSAA", "2D_ARRAY_MSAA"]);
/** GLSL sampler type name after `sampler` (`2DArrayShadow`) of each target. */
const SAMPLER_BASE: Record<TgsiTextureTarget, string> = {
  BUFFER: "Buffer",
  "1D": "1D",
  "2D": "2D",
  "3D": "3D",
  CUBE: "Cube",
  RECT: "2DRect",
  SHADOW1D: "1DShadow",
  SHADOW2D: "2DShadow",
  SHADOWRECT: "2DRectShadow",
  "1D_ARRAY": "1DArray",
  "2D_ARRAY": "2DArray",
  SHADOW1D_ARRAY: "1DArrayShadow",
  SHADOW2D_ARRAY: "2DArrayShadow",
  SHADOWCUBE: "CubeShadow",
  "2D_MSAA": "2DMS",
  "2D_ARRAY_MSAA": "2DMSArray",
  CUBE_ARRAY: "CubeArray",
  SHADOWCUBE_ARRAY: "CubeArrayShadow",
};
/** The GLSL sampler (uniform or array element, index clamped) a texture instruction names, and its unit info. */
export function samplerRef(ctx: GlslEmitContext, s: TgsiSrc, L: number): { name: string; info: TgsiSamplerInfo } {
  const unit = s.index.index;
  if (s.index.indirect !== undefined) {
    const info = ctx.samplers.get(unit) ?? ctx.samplers.values().next().value;
    if (info === undefined) ctx.fail("indirect sampler without declarations", L);
    return { name: `${ctx.p}_samp[${ctx.indexExpr(s.index, 0, ctx.samplerArray)}]`, info };
  }
  const info = ctx.samplers.get(unit);
  if (info === undefined) ctx.fail(`sampler ${unit} not declared`, L);
  return { name: ctx.samplerArray > 0 ? `${ctx.p}_samp[${unit}]` : `${ctx.p}_samp${unit}`, info };
}

/** One TEX-family instruction: coordinates laid out per target, offsets from immediates, shadow results swizzled. */
export function emitTex(ctx: GlslEmitContext, inst: TgsiInstruction): void {
  const L = inst.line;
  const name = inst.opcode.name;
  const target = inst.texTarget!;
  const sampSrc = inst.src[inst.src.length - 1]!;
  const { name: s, info } = samplerRef(ctx, sampSrc, L);
  const vt: VType = info.returnType === "SINT" ? "i" : info.returnType === "UINT" ? "u" : "f";
  const declShadow = SAMPLER_BASE[info.target].endsWith("Shadow");
  const a = (t: VType = "f"): string => ctx.src(inst.src[0]!, t, L);
  const part = (e: string, n: number, t: VType): string => {
    if (n === 4) return e;
    const base =
      t === "f"
        ? n === 1
          ? "float"
          : `vec${n}`
        : t === "i"
          ? n === 1
            ? "int"
            : `ivec${n}`
          : n === 1
            ? "uint"
            : `uvec${n}`;
    return `${base}((${e}).${"xyzw".slice(0, n)})`;
  };
  const constOffset = (o: TgsiSrc, n: number): string => {
    const vals = ctx.immInts(o, n, L);
    if (vals.some((v) => v < -64 || v > 63)) ctx.fail("texel offset out of range", L);
    return n === 1 ? `${vals[0]}` : `ivec${n}(${vals.join(", ")})`;
  };
  const offsets = (): string => {
    const list = inst.texOffsets;
    if (list.length === 0) return "";
    const n = DIMS[target];
    if (name === "TG4" && list.length === 4) {
      // textureGatherOffsets: one constant offset per gathered texel.
      if (n !== 2) ctx.fail(`four gather offsets on ${target}`, L);
      return `, ivec2[4](${list.map((o) => constOffset(o, 2)).join(", ")})`;
    }
    if (list.length > 1) ctx.fail(`${list.length} texel offsets`, L);
    // Only gather takes an offset that is not a constant expression.
    if (name === "TG4" && list[0]!.file !== "IMM") return `, ${part(ctx.src(list[0]!, "i", L), n, "i")}`;
    return `, ${constOffset(list[0]!, n)}`;
  };
  const off = offsets();
  const O = off === "" ? "" : inst.texOffsets.length === 4 ? "Offsets" : "Offset";
  if (ctx.es && (name === "TG4" || name === "LODQ" || name === "TXQS")) ctx.fail(`${name} on GLSL ES 3.00`, L);
  if (ctx.es && name === "TXQ" && inst.dst.some((d) => d.writeMask & 8)) ctx.fail("TXQ levels on GLSL ES 3.00", L);
  let e: string;
  let rt: VType = vt;
  let shadowResult = false;
  switch (name) {
    case "TEX":
    case "TXB":
    case "TXL":
    case "TEX_LZ":
    case "TEX2":
    case "TXB2":
    case "TXL2": {
      const n = COORDS[target];
      const coord = part(a(), n, "f");
      const b = (): string => `(${ctx.src(inst.src[1]!, "f", L)}).x`;
      const extra =
        name === "TXB" || name === "TXL"
          ? `(${a()}).w`
          : name === "TEX_LZ"
            ? "0.0"
            : name === "TXB2" || name === "TXL2"
              ? b()
              : "";
      const isLod = name === "TXL" || name === "TXL2" || name === "TEX_LZ";
      if (name === "TEX2") {
        e = `texture(${s}, ${coord}, ${b()})`;
      } else if (isLod) {
        e = `textureLod${O}(${s}, ${coord}, ${extra}${off})`;
      } else if (extra !== "") {
        e = O === "" ? `texture(${s}, ${coord}, ${extra})` : `textureOffset(${s}, ${coord}${off}, ${extra})`;
      } else {
        e = `texture${O}(${s}, ${coord}${off})`;
      }
      shadowResult = declShadow;
      break;
    }
    case "TXP": {
      const projectable = ["1D", "2D", "3D", "RECT", "SHADOW1D", "SHADOW2D", "SHADOWRECT"].includes(target);
      if (projectable) e = `textureProj${O}(${s}, ${a()}${off})`;
      else {
        const n = COORDS[target];
        e = `texture${O}(${s}, ${part(`${a()} / (${a()}).w`, n, "f")}${off})`;
      }
      shadowResult = declShadow;
      break;
    }
    case "TXD": {
      const n = COORDS[target];
      const g = DIMS[target];
      const dx = part(ctx.src(inst.src[1]!, "f", L), g, "f");
      const dy = part(ctx.src(inst.src[2]!, "f", L), g, "f");
      e = `textureGrad${O}(${s}, ${part(a(), n, "f")}, ${dx}, ${dy}${off})`;
      shadowResult = declShadow;
      break;
    }
    case "TXF":
    case "TXF_LZ": {
      const n = FETCH_COORDS[target];
      const c = part(a("i"), n, "i");
      const lod = name === "TXF_LZ" ? "0" : `(${a("i")}).w`;
      if (target === "BUFFER" || target === "RECT" || target === "SHADOWRECT") e = `texelFetch(${s}, ${c})`;
      else if (target === "2D_MSAA" || target === "2D_ARRAY_MSAA") e = `texelFetch(${s}, ${c}, (${a("i")}).w)`;
      else e = `texelFetch${O}(${s}, ${c}, ${lod}${off})`;
      break;
    }
    case "TXQ": {
      const n = SIZE_DIMS[target];
      const noLod = NO_LOD.has(target);
      const size = noLod ? `textureSize(${s})` : `textureSize(${s}, (${a("i")}).x)`;
      const levels = noLod || ctx.es ? "1" : `textureQueryLevels(${s})`;
      const pad = n === 1 ? ", 0, 0" : n === 2 ? ", 0" : "";
      e = `ivec4(${size}${pad}, ${levels})`;
      rt = "i";
      break;
    }
    case "TXQS":
      e = `ivec4(textureSamples(${s}))`;
      rt = "i";
      break;
    case "LODQ":
      if (ctx.stage !== "FRAG") ctx.fail("LODQ outside a fragment shader", L);
      e = `vec4(textureQueryLod(${s}, ${part(a(), DIMS[target], "f")}), 0.0, 0.0)`;
      rt = "f";
      break;
    case "TG4": {
      const n = COORDS[target];
      if (target === "SHADOWCUBE_ARRAY") {
        // Four coordinates leave no room for the reference: it comes in the second source, as for TEX2.
        e = `textureGather${O}(${s}, ${part(a(), n, "f")}, (${ctx.src(inst.src[1]!, "f", L)}).x${off})`;
        rt = "f";
      } else if (declShadow) {
        const coordN = n - 1;
        const ref = `(${a()}).${COMP[coordN]}`;
        e = `textureGather${O}(${s}, ${part(a(), coordN, "f")}, ${ref}${off})`;
        rt = "f";
      } else {
        const comp = ctx.immInts(inst.src[1]!, 1, L)[0]!;
        if (comp < 0 || comp > 3) ctx.fail("gather component out of range", L);
        e = `textureGather${O}(${s}, ${part(a(), n, "f")}${off}, ${comp})`;
      }
      break;
    }
    default:
      ctx.fail(`opcode ${name}`, L);
  }
  if (shadowResult) {
    const swz = ctx.key.shadowSwizzle?.[info.unit];
    const r = "r";
    const ch = (c: number): string => (c === 4 ? "0.0" : c === 5 ? "1.0" : r);
    const body = swz === undefined ? "vec4(r)" : `vec4(${swz.map(ch).join(", ")})`;
    const fname = `tgsi_shadow${info.unit}`;
    ctx.helper(fname, `vec4 ${fname}(float r) { return ${body}; }`);
    e = `${fname}(${e})`;
    rt = "f";
  }
  for (const d of inst.dst) ctx.assign(d, e, rt, inst.saturate, L);
}

/** GLSL sampler type of a unit (`usampler2DArray`, `samplerCubeShadow`); refuses what GLSL ES 3.00 lacks. */
export function samplerType(ctx: GlslEmitContext, info: TgsiSamplerInfo): string {
  const prefix = info.returnType === "SINT" ? "i" : info.returnType === "UINT" ? "u" : "";
  const base = SAMPLER_BASE[info.target];
  if (
    ctx.es &&
    [
      "1D",
      "2DRect",
      "Buffer",
      "1DShadow",
      "2DRectShadow",
      "1DArray",
      "1DArrayShadow",
      "2DMS",
      "2DMSArray",
      "CubeArray",
      "CubeArrayShadow",
    ].includes(base)
  )
    ctx.fail(`sampler${base} on GLSL ES 3.00`);
  return `${base.endsWith("Shadow") ? "" : prefix}sampler${base}`;
}

/** The sampler uniforms: one per unit, or one array when a sampler is indexed indirectly. */
export function samplerDeclarations(ctx: GlslEmitContext): string[] {
  const out: string[] = [];
  const sbind = (b: number): string => (ctx.es ? "" : `layout(binding = ${b}) `);
  const highp = ctx.es ? "highp " : "";
  const p = ctx.p;
  if (ctx.samplerArray > 0) {
    const first = [...ctx.samplers.values()][0]!;
    for (const s of ctx.samplers.values())
      if (samplerType(ctx, s) !== samplerType(ctx, first)) ctx.fail("indirectly indexed samplers of different types");
    const type = samplerType(ctx, first);
    out.push(`${sbind(samplerBinding(ctx.stage, 0))}uniform ${highp}${type} ${p}_samp[${ctx.samplerArray}];`);
  } else {
    for (const s of ctx.samplers.values())
      out.push(`${sbind(samplerBinding(ctx.stage, s.unit))}uniform ${highp}${samplerType(ctx, s)} ${p}_samp${s.unit};`);
  }
  return out;
}
