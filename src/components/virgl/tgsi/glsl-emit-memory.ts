// Memory: shader storage buffers, compute shared memory, images, atomic counters, and the barriers that order them.
// Every access is bounded: buffer and shared-memory indices are checked against the length, resource indices clamped.
import {
  ATOMIC_BUFFER_BINDINGS,
  atomicBufferBinding,
  IMAGES_PER_STAGE,
  imageBinding,
  SHADER_BUFFERS_PER_STAGE,
  shaderBufferBinding,
} from "./glsl-bindings.ts";
import { COMP, type GlslEmitContext, VEC, type VType } from "./glsl-emit-context.ts";
import { type GlslImageFormat, IMAGE_FORMATS } from "./glsl-image-formats.ts";
import { MAX_SHARED_MEMORY_BYTES } from "./shader-key.ts";
import type { TgsiDeclaration, TgsiDst, TgsiFile, TgsiInstruction, TgsiSrc, TgsiTextureTarget } from "./tgsi-ir.ts";

/** GLSL image type after `image` of each target (shadow targets have no image). */
const IMAGE_TYPE: Partial<Record<TgsiTextureTarget, string>> = {
  BUFFER: "Buffer",
  "1D": "1D",
  "2D": "2D",
  "3D": "3D",
  CUBE: "Cube",
  RECT: "2DRect",
  "1D_ARRAY": "1DArray",
  "2D_ARRAY": "2DArray",
  CUBE_ARRAY: "CubeArray",
  "2D_MSAA": "2DMS",
  "2D_ARRAY_MSAA": "2DMSArray",
};
/** Integer coordinate components of an image access (layer included; an MS sample index is `.w`). */
const IMAGE_COORDS: Partial<Record<TgsiTextureTarget, number>> = {
  BUFFER: 1,
  "1D": 1,
  "2D": 2,
  "3D": 3,
  CUBE: 3,
  RECT: 2,
  "1D_ARRAY": 2,
  "2D_ARRAY": 3,
  CUBE_ARRAY: 3,
  "2D_MSAA": 2,
  "2D_ARRAY_MSAA": 3,
};
/** Components of imageSize's result. */
const IMAGE_SIZE: Partial<Record<TgsiTextureTarget, number>> = { ...IMAGE_COORDS, CUBE: 2 };
/** GLSL atomic function suffix (`atomic<X>`, `imageAtomic<X>`) of each 32-bit integer atomic opcode. */
const ATOMIC_FUNCTION: Readonly<Record<string, string>> = {
  ATOMUADD: "Add",
  ATOMXCHG: "Exchange",
  ATOMCAS: "CompSwap",
  ATOMAND: "And",
  ATOMOR: "Or",
  ATOMXOR: "Xor",
  ATOMUMIN: "Min",
  ATOMUMAX: "Max",
  ATOMIMIN: "Min",
  ATOMIMAX: "Max",
};

interface ImagePlan {
  readonly decl: TgsiDeclaration;
  readonly target: TgsiTextureTarget;
  /** Undefined for `PIPE_FORMAT_NONE` (no format qualifier). */
  readonly format: GlslImageFormat | undefined;
  readonly type: VType;
  readonly glslType: string;
}

/** What the shader's memory resources look like in GLSL, derived once per translation. */
interface MemoryPlan {
  /** Length of the `<p>_ssbo[]` block array (highest declared slot + 1), 0 when none. */
  readonly buffers: number;
  readonly bufferQualifiers: string;
  /** Dwords of shared memory, 0 when none is declared. */
  readonly sharedWords: number;
  readonly images: ReadonlyMap<number, ImagePlan>;
  /** The images are one array `<p>_img[]` (an image is indexed indirectly). */
  readonly imageArray: number;
  readonly imageQualifiers: ReadonlyMap<number, string>;
  /** Atomic counters: buffer binding → declared counter indices. */
  readonly counters: ReadonlyMap<number, readonly number[]>;
}

const plans = new WeakMap<GlslEmitContext, MemoryPlan>();

function resourceOf(inst: TgsiInstruction): TgsiSrc | TgsiDst {
  return inst.opcode.name === "STORE" ? inst.dst[0]! : inst.src[0]!;
}

function qualifierText(list: readonly TgsiInstruction[]): string {
  const q: string[] = [];
  if (list.some((i) => i.memory?.coherent || i.memory?.volatile)) q.push("coherent");
  if (list.some((i) => i.memory?.volatile)) q.push("volatile");
  if (list.length > 0 && list.every((i) => i.memory?.restrict)) q.push("restrict");
  return q.map((x) => `${x} `).join("");
}

function plan(ctx: GlslEmitContext): MemoryPlan {
  const known = plans.get(ctx);
  if (known !== undefined) return known;
  const uses = (file: TgsiFile): TgsiInstruction[] =>
    ctx.shader.instructions.filter((i) => i.opcode.kind === "memory" && resourceOf(i).file === file);
  let buffers = 0;
  let shared = false;
  const images = new Map<number, ImagePlan>();
  const counters = new Map<number, number[]>();
  const imageUses = uses("IMAGE");
  for (const d of ctx.shader.declarations) {
    if (d.file === "BUFFER") {
      if (d.last >= SHADER_BUFFERS_PER_STAGE) ctx.fail(`shader buffer ${d.last} above ${SHADER_BUFFERS_PER_STAGE - 1}`);
      buffers = Math.max(buffers, d.last + 1);
    } else if (d.file === "MEMORY") {
      if (d.memoryType !== "SHARED") ctx.fail(`${d.memoryType ?? "untyped"} memory`, d.line);
      if (ctx.stage !== "COMP") ctx.fail("shared memory outside a compute shader", d.line);
      shared = true;
    } else if (d.file === "HWATOMIC") {
      const b = d.dimension ?? 0;
      if (b >= ATOMIC_BUFFER_BINDINGS) ctx.fail(`atomic counter buffer ${b} above ${ATOMIC_BUFFER_BINDINGS - 1}`);
      const list = counters.get(b) ?? [];
      for (let r = d.first; r <= d.last; r++) if (!list.includes(r)) list.push(r);
      counters.set(b, list);
    } else if (d.file === "IMAGE") {
      if (d.last >= IMAGES_PER_STAGE) ctx.fail(`image ${d.last} above ${IMAGES_PER_STAGE - 1}`);
      const target = d.target!;
      const base = IMAGE_TYPE[target];
      if (base === undefined) ctx.fail(`image target ${target}`, d.line);
      const formatName = d.format ?? "PIPE_FORMAT_NONE";
      const format = formatName === "PIPE_FORMAT_NONE" ? undefined : IMAGE_FORMATS[formatName];
      if (formatName !== "PIPE_FORMAT_NONE" && format === undefined) ctx.fail(`image format ${formatName}`, d.line);
      for (let r = d.first; r <= d.last; r++) {
        // Without a declared format, the instructions' format (or float) gives the component type.
        const instFormat = imageUses.find((i) => resourceOf(i).index.index === r && i.memory?.format !== undefined)
          ?.memory?.format;
        const type = format?.type ?? (instFormat !== undefined ? (IMAGE_FORMATS[instFormat]?.type ?? "f") : "f");
        const glslType = `${type === "f" ? "" : type}image${base}`;
        images.set(r, { decl: d, target, format, type, glslType });
      }
    }
  }
  let imageArray = 0;
  if (imageUses.some((i) => resourceOf(i).index.indirect !== undefined)) {
    const all = [...images.values()];
    if (all.some((x) => x.glslType !== all[0]!.glslType || x.format !== all[0]!.format))
      ctx.fail("indirectly indexed images of different types");
    imageArray = Math.max(0, ...images.keys()) + 1;
  }
  const imageQualifiers = new Map<number, string>();
  for (const r of images.keys())
    imageQualifiers.set(r, qualifierText(imageUses.filter((i) => imageArray > 0 || resourceOf(i).index.index === r)));
  const sharedBytes = Math.min(
    MAX_SHARED_MEMORY_BYTES,
    Math.max(4, ctx.key.sharedMemoryBytes ?? MAX_SHARED_MEMORY_BYTES),
  );
  const p: MemoryPlan = {
    buffers,
    bufferQualifiers: qualifierText(uses("BUFFER")),
    sharedWords: shared ? Math.ceil(sharedBytes / 4) : 0,
    images,
    imageArray,
    imageQualifiers,
    counters,
  };
  plans.set(ctx, p);
  return p;
}

/** Declarations of the shader buffers, shared memory, images and atomic counters. */
export function memoryDeclarations(ctx: GlslEmitContext): string[] {
  const info = ctx.shader.info;
  const used = info.images.length > 0 || info.shaderBuffers.length > 0 || info.usesMemory;
  const hasCounters = ctx.shader.declarations.some((d) => d.file === "HWATOMIC");
  if (!used && !hasCounters) return [];
  if (ctx.es) ctx.fail("shader buffers, images, shared memory and atomic counters on GLSL ES 3.00");
  const m = plan(ctx);
  const out: string[] = [];
  const p = ctx.p;
  if (m.buffers > 0)
    out.push(
      `layout(std430, binding = ${shaderBufferBinding(ctx.stage, 0)}) ${m.bufferQualifiers}buffer ${p}_ssbo_block { uint d[]; } ${p}_ssbo[${m.buffers}];`,
    );
  if (m.sharedWords > 0) out.push(`shared uint ${p}_shared[${m.sharedWords}];`);
  const imageLayout = (im: ImagePlan, binding: number): string =>
    `layout(binding = ${binding}${im.format === undefined ? "" : `, ${im.format.qualifier}`}) `;
  const access = (im: ImagePlan, r: number): string => {
    const reads = ctx.shader.instructions.some(
      (i) =>
        i.opcode.kind === "memory" &&
        i.opcode.name !== "STORE" &&
        i.opcode.name !== "RESQ" &&
        resourceOf(i).file === "IMAGE" &&
        (m.imageArray > 0 || resourceOf(i).index.index === r),
    );
    if (im.format === undefined && reads) ctx.need("imageLoadFormatted", "reading an image without a format");
    const q = m.imageQualifiers.get(r) ?? "";
    if (!im.decl.writable) return `${q}readonly `;
    return im.format === undefined && !reads ? `${q}writeonly ` : q;
  };
  if (m.imageArray > 0) {
    const [r, im] = [...m.images][0]!;
    out.push(
      `${imageLayout(im, imageBinding(ctx.stage, 0))}${access(im, r)}uniform ${im.glslType} ${p}_img[${m.imageArray}];`,
    );
  } else {
    for (const [r, im] of m.images)
      out.push(`${imageLayout(im, imageBinding(ctx.stage, r))}${access(im, r)}uniform ${im.glslType} ${p}_img${r};`);
  }
  // Counter names carry no stage prefix: every stage of a program names the same counter the same way.
  for (const [b, list] of m.counters)
    for (const i of list)
      out.push(`layout(binding = ${atomicBufferBinding(b)}, offset = ${i * 4}) uniform atomic_uint ac${b}_${i};`);
  return out;
}

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

/** One memory instruction: LOAD, STORE, RESQ or an ATOM* on a buffer, shared memory, an image or a counter. */
export function emitMemory(ctx: GlslEmitContext, inst: TgsiInstruction): void {
  const L = inst.line;
  const name = inst.opcode.name;
  if (ctx.es) ctx.fail(`${name} on GLSL ES 3.00`, L);
  if (name === "ATOMFADD" || name === "ATOMINC_WRAP" || name === "ATOMDEC_WRAP") ctx.fail(`opcode ${name}`, L);
  const res = resourceOf(inst);
  switch (res.file) {
    case "BUFFER":
    case "MEMORY":
      emitLinear(ctx, inst, res);
      return;
    case "IMAGE":
      emitImage(ctx, inst, res);
      return;
    case "HWATOMIC":
      emitCounter(ctx, inst, res);
      return;
    default:
      ctx.fail(`${name} of ${res.file}`, L);
  }
}

/** Buffers and shared memory: arrays of dwords addressed in bytes. */
function emitLinear(ctx: GlslEmitContext, inst: TgsiInstruction, res: TgsiSrc | TgsiDst): void {
  const L = inst.line;
  const m = plan(ctx);
  const name = inst.opcode.name;
  let arr: string;
  let len: string;
  if (res.file === "MEMORY") {
    if (m.sharedWords === 0) ctx.fail("shared memory access without a declaration", L);
    arr = `${ctx.p}_shared`;
    len = `${m.sharedWords}u`;
  } else {
    if (m.buffers === 0) ctx.fail("shader buffer access without a declaration", L);
    arr = `${ctx.p}_ssbo[${ctx.indexExpr(res.index, 0, m.buffers)}].d`;
    len = `uint(${arr}.length())`;
  }
  if (name === "RESQ") {
    if (res.file === "MEMORY") ctx.fail("RESQ of shared memory", L);
    for (const d of inst.dst) ctx.assign(d, `uvec4(${len} * 4u)`, "u", false, L);
    return;
  }
  const addrSrc = name === "STORE" ? inst.src[0]! : inst.src[1]!;
  ctx.line("{");
  ctx.indent++;
  ctx.line(`uint a = (${ctx.src(addrSrc, "u", L)}).x >> 2u;`);
  ctx.line(`uint n = ${len};`);
  // Indices are clamped as well as guarded: NVIDIA's 580 driver hangs linking or dispatching a guarded access whose
  // constant index is far out of range (a guest's `STORE` at 0xfffffffc did), where a clamped one runs.
  ctx.line(`uint last = max(n, 1u) - 1u;`);
  const at = (c: number) => (c === 0 ? `${arr}[min(a, last)]` : `${arr}[min(a + ${c}u, last)]`);
  if (name === "LOAD") {
    const mask = inst.dst[0]!.writeMask;
    const comps = [0, 1, 2, 3].map((c) => ((mask >> c) & 1 ? `a + ${c}u < n ? ${at(c)} : 0u` : "0u"));
    ctx.assign(inst.dst[0]!, `uvec4(${comps.join(", ")})`, "u", false, L);
  } else if (name === "STORE") {
    ctx.line(`uvec4 v = ${ctx.src(inst.src[1]!, "u", L)};`);
    const mask = (res as TgsiDst).writeMask;
    for (let c = 0; c < 4; c++) if ((mask >> c) & 1) ctx.line(`if (a + ${c}u < n) ${at(c)} = v.${COMP[c]};`);
  } else {
    const fn = ATOMIC_FUNCTION[name];
    if (fn === undefined) ctx.fail(`opcode ${name}`, L);
    const v = `(${ctx.src(inst.src[2]!, "u", L)}).x`;
    if (name === "ATOMIMIN" || name === "ATOMIMAX") {
      // GLSL's signed atomicMin/Max need an int array: a compare-and-swap loop on the uint one instead.
      const op = name === "ATOMIMIN" ? "min" : "max";
      ctx.line(`uint r = 0u;`);
      ctx.line(`if (a < n) {`);
      ctx.line(`  r = ${at(0)};`);
      ctx.line(
        `  for (;;) { uint prev = atomicCompSwap(${at(0)}, r, uint(${op}(int(r), int(${v})))); if (prev == r) break; r = prev; }`,
      );
      ctx.line("}");
    } else {
      const args = name === "ATOMCAS" ? `${v}, (${ctx.src(inst.src[3]!, "u", L)}).x` : v;
      ctx.line(`uint r = a < n ? atomic${fn}(${at(0)}, ${args}) : 0u;`);
    }
    for (const d of inst.dst) ctx.assign(d, "uvec4(r)", "u", false, L);
  }
  ctx.indent--;
  ctx.line("}");
}

function emitImage(ctx: GlslEmitContext, inst: TgsiInstruction, res: TgsiSrc | TgsiDst): void {
  const L = inst.line;
  const m = plan(ctx);
  const name = inst.opcode.name;
  const slot = res.index.index;
  const im = m.imageArray > 0 ? [...m.images.values()][0] : m.images.get(slot);
  if (im === undefined) ctx.fail(`image ${slot} not declared`, L);
  const img = m.imageArray > 0 ? `${ctx.p}_img[${ctx.indexExpr(res.index, 0, m.imageArray)}]` : `${ctx.p}_img${slot}`;
  const ms = im.target === "2D_MSAA" || im.target === "2D_ARRAY_MSAA";
  if (name === "RESQ") {
    const n = IMAGE_SIZE[im.target]!;
    const size =
      n === 1 ? `ivec4(imageSize(${img}), 0, 0, 0)` : `ivec4(imageSize(${img})${n === 2 ? ", 0, 0" : ", 0"})`;
    const e = ms ? `ivec4(${size}.xyz, imageSamples(${img}))` : size;
    for (const d of inst.dst) ctx.assign(d, e, "i", false, L);
    return;
  }
  const coordSrc = name === "STORE" ? inst.src[0]! : inst.src[1]!;
  const c = ctx.src(coordSrc, "i", L);
  const n = IMAGE_COORDS[im.target]!;
  const coord = n === 1 ? `(${c}).x` : `(${c}).${COMP.slice(0, n)}`;
  const args = ms ? `${img}, ${coord}, (${c}).w` : `${img}, ${coord}`;
  const t = im.type;
  if (name === "LOAD") {
    for (const d of inst.dst) ctx.assign(d, `imageLoad(${args})`, t, false, L);
    return;
  }
  if (name === "STORE") {
    ctx.line(`imageStore(${args}, ${ctx.src(inst.src[1]!, t, L)});`);
    return;
  }
  const fn = ATOMIC_FUNCTION[name];
  if (fn === undefined) ctx.fail(`opcode ${name}`, L);
  if (im.format !== undefined && !/^r32(ui|i|f)$/.test(im.format.qualifier))
    ctx.fail(`image atomics on ${im.format.qualifier}`, L);
  if (t === "f" && name !== "ATOMXCHG") ctx.fail(`${name} on a float image`, L);
  // Signed opcodes on a uint image (and the reverse) reinterpret the value bits, as TGSI's registers do.
  const v = `(${ctx.src(inst.src[2]!, t, L)}).x`;
  const extra = name === "ATOMCAS" ? `, (${ctx.src(inst.src[3]!, t, L)}).x` : "";
  for (const d of inst.dst) ctx.assign(d, `${VEC[t]}(imageAtomic${fn}(${args}, ${v}${extra}))`, t, false, L);
}

/** GL atomic counter function of an opcode on counter `c`: increment/decrement core, the rest ARB ops. */
function counterCall(ctx: GlslEmitContext, inst: TgsiInstruction, c: string, v: string, w: string): string {
  const name = inst.opcode.name;
  const L = inst.line;
  if (name === "LOAD") return `atomicCounter(${c})`;
  if (name === "ATOMUADD") {
    const value = inst.src[2]!;
    if (value.file === "IMM" && value.index.indirect === undefined && !value.negate && !value.absolute) {
      const k = ctx.immInts(value, 1, L)[0]!;
      if (k === 1) return `atomicCounterIncrement(${c})`;
      // Decrement returns the new value; TGSI wants the old one.
      if (k === -1) return `(atomicCounterDecrement(${c}) + 1u)`;
    }
  }
  // Counters are unsigned: Mesa sends GLSL's atomicCounterMin/Max as ATOMIMIN/ATOMIMAX, meant unsigned.
  const fn = ATOMIC_FUNCTION[name];
  if (fn === undefined) ctx.fail(`${name} on an atomic counter`, L);
  ctx.need("atomicCounterOps", `${name} on an atomic counter`, L);
  return `atomicCounter${fn}ARB(${c}, ${v}${name === "ATOMCAS" ? `, ${w}` : ""})`;
}

function emitCounter(ctx: GlslEmitContext, inst: TgsiInstruction, res: TgsiSrc | TgsiDst): void {
  const L = inst.line;
  const name = inst.opcode.name;
  if (name === "STORE" || name === "RESQ") ctx.fail(`${name} of an atomic counter`, L);
  const m = plan(ctx);
  const b = res.dimension?.index ?? 0;
  const list = m.counters.get(b);
  if (list === undefined) ctx.fail(`atomic counter buffer ${b} not declared`, L);
  // The byte-offset operand repeats the register index (index * 4): the register names the counter.
  const v = name === "LOAD" ? "0u" : `(${ctx.src(inst.src[2]!, "u", L)}).x`;
  const w = name === "ATOMCAS" ? `(${ctx.src(inst.src[3]!, "u", L)}).x` : "0u";
  let e: string;
  if (res.index.indirect === undefined) {
    if (!list.includes(res.index.index)) ctx.fail(`atomic counter ${b}/${res.index.index} not declared`, L);
    e = counterCall(ctx, inst, `ac${b}_${res.index.index}`, v, w);
  } else {
    // Opaque counters cannot live in variables: select among the declared ones (an undeclared index reads 0).
    const sorted = [...list].sort((x, y) => x - y);
    const cases = sorted.map((i) => `case ${i}: return ${counterCall(ctx, inst, `ac${b}_${i}`, "v", "w")};`);
    const fname = `tgsi_ac${b}_${name.toLowerCase()}_${L}`;
    const idx = ctx.indexExpr(res.index, 0, Math.max(...sorted) + 1);
    e = ctx.call(
      fname,
      `uint ${fname}(int i, uint v, uint w) { switch (i) { ${cases.join(" ")} } return 0u; }`,
      `${idx}, ${v}, ${w}`,
    );
  }
  for (const d of inst.dst) ctx.assign(d, `uvec4(${e})`, "u", false, L);
}
