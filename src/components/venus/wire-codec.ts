import { RutabagaError } from "../../rutabaga/error.ts";
import { COMMAND_DECODERS } from "./wire-decoders.generated.ts";
import {
  Base,
  type BaseKind,
  type CommandRow,
  compileField,
  evalLen,
  type Field,
  Partial,
  Shape,
} from "./wire-schema.ts";
import { type VenusWireReader, VenusWireWriter } from "./wire-stream.ts";
import { COMMAND_ALIASES, COMMANDS, RETIRED_COMMANDS, STRUCTS } from "./wire-tables.generated.ts";

// Local copies: module-namespace lookups cost a getter call per use under some loaders (tsx), in the hottest switches.
const {
  alloc: BASE_ALLOC,
  blob: BASE_BLOB,
  cstr: BASE_CSTR,
  f32: BASE_F32,
  f64: BASE_F64,
  h: BASE_H,
  i16: BASE_I16,
  i32: BASE_I32,
  i64: BASE_I64,
  i8: BASE_I8,
  pnext: BASE_PNEXT,
  str: BASE_STR,
  strs: BASE_STRS,
  struct: BASE_STRUCT,
  sz: BASE_SZ,
  u16: BASE_U16,
  u32: BASE_U32,
  u64: BASE_U64,
  u8: BASE_U8,
  union: BASE_UNION,
  unsupported: BASE_UNSUPPORTED,
} = Base;
const { full: PARTIAL_FULL, partial: PARTIAL_PARTIAL, sizeOnly: PARTIAL_SIZEONLY, skip: PARTIAL_SKIP } = Partial;
const { array: SHAPE_ARRAY, fixed: SHAPE_FIXED, pointer: SHAPE_POINTER, value: SHAPE_VALUE } = Shape;

/**
 * Limits the decoder enforces beyond the stream's own bounds. Errors: a short stream is
 * `RutabagaError("InvalidCommandSize")`; malformed content (a count that disagrees with its length field, a wrong
 * sType, a null marker other than 0/1, a non-NULL pAllocator, a limit below) is `"InvalidCommandBuffer"`; an unknown
 * command type, an sType not allowed in that pNext chain, or a type venus has no encoding for here is `"Unsupported"`.
 */
export const VENUS_WIRE_LIMITS = {
  /** pNext chain elements per chain. */
  maxChain: 128,
  /** Struct nesting (through pointers, arrays and chains). */
  maxDepth: 24,
  /** Elements of an array whose elements can take no bytes on the wire (partial output structs). */
  maxZeroSizeElements: 4096,
} as const;

/** A decoded command: its type number, canonical name, flags (VkCommandFlagsEXT) and arguments by parameter name. */
export interface VenusCommand {
  readonly type: number;
  readonly name: string;
  readonly flags: number;
  readonly args: Record<string, unknown>;
}

/** A decoded reply: the command type and its values (`ret` for the return value, then output parameters). */
export interface VenusReply {
  readonly type: number;
  readonly values: Record<string, unknown>;
}

interface CompiledStruct {
  readonly name: string;
  readonly sType: number | null;
  readonly union: boolean;
  readonly fields: readonly Field[];
  /** sType → struct index, for the structs allowed in this struct's pNext chain. */
  readonly extenders: ReadonlyMap<number, number>;
}

interface CompiledCommand {
  readonly type: number;
  readonly name: string;
  readonly ret: Field | null;
  readonly params: readonly Field[];
  readonly unsupported: boolean;
}

const structCache: (CompiledStruct | undefined)[] = [];
const minCache: (number | undefined)[][] = [[], []];

function struct(i: number): CompiledStruct {
  let s = structCache[i];
  if (s) return s;
  const row = STRUCTS[i];
  if (!row) throw new RutabagaError("Unsupported", `struct #${i}`);
  const [name, sType, ext, fields] = row;
  const extenders = new Map<number, number>();
  for (const e of ext) {
    const st = STRUCTS[e]?.[1];
    if (typeof st === "number") extenders.set(st, e);
  }
  s = {
    name,
    sType: typeof sType === "number" ? sType : null,
    union: sType === "union",
    fields: fields.map(([n, spec]) => compileField(n, spec, false)),
    extenders,
  };
  structCache[i] = s;
  return s;
}

const commandCache = new Map<number, CompiledCommand>();
const rowByType = new Map<number, CommandRow>(COMMANDS.map((r) => [r[0], r]));
const COMMAND_NAMES: string[] = [];
// A local binding: a module-namespace read can cost a getter call per use under some loaders (tsx).
const DECODERS = COMMAND_DECODERS;
for (const [type, name] of COMMANDS) COMMAND_NAMES[type] = name;

function command(type: number): CompiledCommand {
  let c = commandCache.get(type);
  if (c) return c;
  const row = rowByType.get(type);
  if (!row) {
    const retired = RETIRED_COMMANDS[type];
    throw new RutabagaError("Unsupported", retired ? `${retired} (retired)` : `venus command type ${type}`);
  }
  const [, name, ret, params] = row;
  c = {
    type,
    name,
    ret: ret ? compileField("ret", `x${ret}`, true) : null,
    params: params.map(([n, spec]) => compileField(n, spec, true)),
    unsupported: ret === "x" || params.some(([, spec]) => /^[ixo](\*|\[\d*\])?x(:|$)/.test(spec)),
  };
  commandCache.set(type, c);
  return c;
}

/** The command type of a command name (canonical or a vk.xml alias), or undefined. */
export function venusCommandType(name: string): number | undefined {
  const t = COMMAND_ALIASES[name];
  if (t !== undefined) return t;
  for (const r of COMMANDS) if (r[1] === name) return r[0];
  return undefined;
}

const SCALAR_SIZE: Partial<Record<BaseKind, number>> = {
  [BASE_U8]: 4,
  [BASE_I8]: 4,
  [BASE_U16]: 4,
  [BASE_I16]: 4,
  [BASE_U32]: 4,
  [BASE_I32]: 4,
  [BASE_F32]: 4,
  [BASE_U64]: 8,
  [BASE_I64]: 8,
  [BASE_F64]: 8,
  [BASE_SZ]: 8,
  [BASE_H]: 8,
};
const ARRAY_ELEM: Partial<Record<BaseKind, number>> = {
  [BASE_U8]: 1,
  [BASE_I8]: 1,
  [BASE_U16]: 2,
  [BASE_I16]: 2,
  [BASE_U32]: 4,
  [BASE_I32]: 4,
  [BASE_F32]: 4,
  [BASE_U64]: 8,
  [BASE_I64]: 8,
  [BASE_F64]: 8,
  [BASE_SZ]: 8,
  [BASE_H]: 8,
};

/** The fewest bytes struct `i` takes on the wire (in partial form when `partial`). */
function minStructSize(i: number, partial: boolean): number {
  const cache = minCache[partial ? 1 : 0]!;
  const c = cache[i];
  if (c !== undefined) return c;
  cache[i] = 0;
  const s = struct(i);
  let n = 0;
  if (s.union) {
    let least = Number.POSITIVE_INFINITY;
    for (const f of s.fields) least = Math.min(least, minFieldSize(f, false));
    n = 4 + (Number.isFinite(least) ? least : 0);
  } else {
    for (const f of s.fields) {
      if (partial && f.partial === PARTIAL_SKIP) continue;
      n += partial && f.partial === PARTIAL_SIZEONLY ? 8 : minFieldSize(f, partial && f.partial === PARTIAL_PARTIAL);
    }
  }
  cache[i] = n;
  return n;
}

function minElemSize(f: Field, partial: boolean): number {
  if (f.base === BASE_STRUCT) return minStructSize(f.ref, partial);
  if (f.base === BASE_UNION) return minStructSize(f.ref, false);
  return SCALAR_SIZE[f.base] ?? 8;
}

function minFieldSize(f: Field, partial: boolean): number {
  if (f.base === BASE_UNSUPPORTED) return 0;
  if (f.shape === SHAPE_POINTER || f.shape === SHAPE_ARRAY) return 8;
  if (f.shape === SHAPE_FIXED) {
    const packed = ARRAY_ELEM[f.base];
    if (f.base === BASE_CSTR || (packed !== undefined && packed < 4)) return 8 + ((f.fixed * (packed ?? 1) + 3) & ~3);
    return 8 + f.fixed * minElemSize(f, partial);
  }
  return minElemSize(f, partial);
}

const utf8 = new TextDecoder("utf-8");
const utf8e = new TextEncoder();

function cString(b: Uint8Array): string {
  const nul = b.indexOf(0);
  return utf8.decode(nul < 0 ? b : b.subarray(0, nul));
}

function malformed(what: string): never {
  throw new RutabagaError("InvalidCommandBuffer", what);
}

function readScalar(r: VenusWireReader, base: BaseKind, name: string): number | bigint {
  switch (base) {
    case BASE_U8:
      return r.u32() & 0xff;
    case BASE_I8:
      return (r.u32() << 24) >> 24;
    case BASE_U16:
      return r.u32() & 0xffff;
    case BASE_I16:
      return (r.u32() << 16) >> 16;
    case BASE_U32:
      return r.u32();
    case BASE_I32:
      return r.i32();
    case BASE_F32:
      return r.f32();
    case BASE_U64:
      return r.u64();
    case BASE_I64:
      return r.i64();
    case BASE_F64:
      return r.f64();
    case BASE_SZ:
      return r.u64n(name);
    case BASE_H:
      return r.u64n(`object id ${name}`);
    default:
      throw new RutabagaError("Unsupported", `${name}: not a scalar`);
  }
}

function readTyped(r: VenusWireReader, base: BaseKind, n: number): unknown {
  const size = ARRAY_ELEM[base]!;
  const bytes = r.bytesPadded(n * size);
  switch (base) {
    case BASE_U8:
      return bytes;
    case BASE_I8:
      return new Int8Array(bytes.buffer);
    case BASE_U16:
      return new Uint16Array(bytes.buffer, 0, n);
    case BASE_I16:
      return new Int16Array(bytes.buffer, 0, n);
    case BASE_U32:
      return new Uint32Array(bytes.buffer);
    case BASE_I32:
      return new Int32Array(bytes.buffer);
    case BASE_F32:
      return new Float32Array(bytes.buffer);
    case BASE_U64:
      return new BigUint64Array(bytes.buffer);
    case BASE_I64:
      return new BigInt64Array(bytes.buffer);
    default:
      return new Float64Array(bytes.buffer);
  }
}

function checkLen(f: Field, n: number, scope: Readonly<Record<string, unknown>>): void {
  if (!f.len) return;
  const want = evalLen(f.len, scope);
  if (want !== undefined && want !== n) malformed(`${f.name}: ${n} elements where its length says ${want}`);
}

function readMany(r: VenusWireReader, f: Field, n: number, partial: boolean, depth: number): unknown {
  if (f.base === BASE_CSTR) return cString(r.bytesPadded(n));
  if (f.base === BASE_SZ || f.base === BASE_H) {
    r.need(n * 8);
    const out: number[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = r.u64n(f.name);
    return out;
  }
  if (ARRAY_ELEM[f.base] !== undefined) return readTyped(r, f.base, n);
  if (f.base === BASE_STRUCT || f.base === BASE_UNION) {
    const least = f.base === BASE_STRUCT ? minStructSize(f.ref, partial) : minStructSize(f.ref, false);
    if (least === 0) {
      if (n > VENUS_WIRE_LIMITS.maxZeroSizeElements) malformed(`${f.name}: ${n} elements`);
    } else r.need(n * least);
    const out: unknown[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = readStruct(r, f.ref, partial, depth + 1);
    return out;
  }
  throw new RutabagaError("Unsupported", `${f.name}: arrays of ${f.spec}`);
}

function readOne(
  r: VenusWireReader,
  f: Field,
  scope: Readonly<Record<string, unknown>>,
  partial: boolean,
  depth: number,
): unknown {
  switch (f.base) {
    case BASE_STRUCT:
    case BASE_UNION:
      return readStruct(r, f.ref, partial && f.base === BASE_STRUCT, depth + 1);
    case BASE_STR: {
      const n = r.u64n(f.name);
      return n === 0 ? null : cString(r.bytesPadded(n));
    }
    case BASE_STRS: {
      const n = r.u64n(f.name);
      if (n === 0) return null;
      checkLen(f, n, scope);
      r.need(n * 8);
      const out: string[] = new Array(n);
      for (let i = 0; i < n; i++) {
        const len = r.u64n(f.name);
        out[i] = len === 0 ? "" : cString(r.bytesPadded(len));
      }
      return out;
    }
    case BASE_BLOB: {
      const n = r.u64n(f.name);
      if (n === 0) return null;
      checkLen(f, n, scope);
      return r.bytesPadded(n);
    }
    case BASE_ALLOC:
      if (r.u64n(f.name) !== 0) malformed(`${f.name}: allocation callbacks cannot cross the wire`);
      return null;
    case BASE_UNSUPPORTED:
      throw new RutabagaError("Unsupported", `${f.name} (${f.spec}) has no venus encoding here`);
    default:
      return readScalar(r, f.base, f.name);
  }
}

function readField(
  r: VenusWireReader,
  f: Field,
  scope: Readonly<Record<string, unknown>>,
  partial: boolean,
  depth: number,
): unknown {
  switch (f.shape) {
    case SHAPE_VALUE:
      return readOne(r, f, scope, partial, depth);
    case SHAPE_POINTER: {
      const m = r.u64n(f.name);
      if (m === 0) return null;
      if (m !== 1) malformed(`${f.name}: pointer marker ${m}`);
      return readOne(r, f, scope, partial, depth);
    }
    case SHAPE_ARRAY: {
      const n = r.u64n(f.name);
      if (n === 0) return null;
      checkLen(f, n, scope);
      return readMany(r, f, n, partial, depth);
    }
    default: {
      const n = r.u64n(f.name);
      if (n !== f.fixed) malformed(`${f.name}: fixed array of ${f.fixed} sent as ${n}`);
      return readMany(r, f, n, partial, depth);
    }
  }
}

/** A field the partial form carries as its null marker or element count only. */
function readSizeOnly(r: VenusWireReader, f: Field): unknown {
  const n = r.u64n(f.name);
  if (f.shape === SHAPE_POINTER) {
    if (n > 1) malformed(`${f.name}: pointer marker ${n}`);
    return n === 1 ? true : null;
  }
  return n === 0 ? null : n;
}

function readChain(r: VenusWireReader, parent: number, partial: boolean, depth: number): unknown {
  const p = struct(parent);
  const idx: number[] = [];
  const types: number[] = [];
  for (;;) {
    const m = r.u64n("pNext");
    if (m === 0) break;
    if (m !== 1) malformed(`pNext marker ${m}`);
    const sType = r.i32();
    const e = p.extenders.get(sType);
    if (e === undefined) throw new RutabagaError("Unsupported", `sType ${sType} in the pNext chain of ${p.name}`);
    if (idx.length >= VENUS_WIRE_LIMITS.maxChain)
      malformed(`pNext chain of ${p.name} over ${VENUS_WIRE_LIMITS.maxChain}`);
    idx.push(e);
    types.push(sType);
  }
  let next: Record<string, unknown> | null = null;
  for (let i = idx.length - 1; i >= 0; i--) {
    const o: Record<string, unknown> = { sType: types[i], pNext: next };
    readMembers(r, idx[i]!, o, partial, depth + 1, true);
    next = o;
  }
  return next;
}

function readMembers(
  r: VenusWireReader,
  i: number,
  o: Record<string, unknown>,
  partial: boolean,
  depth: number,
  chained: boolean,
): void {
  const s = struct(i);
  for (const f of s.fields) {
    if (f.base === BASE_PNEXT) {
      if (!chained) o.pNext = readChain(r, i, partial, depth);
      continue;
    }
    if (f.name === "sType" && s.sType !== null) {
      if (chained) continue;
      const t = r.i32();
      if (t !== s.sType) malformed(`${s.name}.sType ${t}, want ${s.sType}`);
      o.sType = t;
      continue;
    }
    if (!partial) o[f.name] = readField(r, f, o, false, depth);
    else if (f.partial === PARTIAL_FULL) o[f.name] = readField(r, f, o, false, depth);
    else if (f.partial === PARTIAL_PARTIAL) o[f.name] = readField(r, f, o, true, depth);
    else if (f.partial === PARTIAL_SIZEONLY) o[f.name] = readSizeOnly(r, f);
  }
}

function readStruct(r: VenusWireReader, i: number, partial: boolean, depth: number): unknown {
  if (depth > VENUS_WIRE_LIMITS.maxDepth) malformed(`nesting deeper than ${VENUS_WIRE_LIMITS.maxDepth}`);
  const s = struct(i);
  if (s.union) {
    const tag = r.u32();
    const f = s.fields[tag];
    if (!f) malformed(`${s.name}: union member ${tag}`);
    return { tag, [f.name]: readField(r, f, {}, false, depth) };
  }
  const o: Record<string, unknown> = {};
  readMembers(r, i, o, partial, depth, false);
  return o;
}

/**
 * Decodes the next command of a venus command stream (type, flags, then its parameters in declaration order) and
 * advances the reader past it, with the generated straight-line decoder of its type. Throws only `RutabagaError` (see
 * {@link VENUS_WIRE_LIMITS}).
 */
export function decodeVenusCommand(r: VenusWireReader): VenusCommand {
  const start = r.pos;
  const type = r.u32();
  const flags = r.u32();
  const decode = DECODERS[type];
  if (decode === undefined) {
    r.pos = start;
    return decodeVenusCommandInterpreted(r);
  }
  return { type, name: COMMAND_NAMES[type]!, flags, args: decode(r) };
}

/**
 * Decodes the next command of a venus command stream (type, flags, then its parameters in declaration order) and
 * advances the reader past it, by interpreting the tables. The reference for the generated decoders, which
 * {@link decodeVenusCommand} uses; they must agree on every input. Throws only `RutabagaError`.
 */
export function decodeVenusCommandInterpreted(r: VenusWireReader): VenusCommand {
  const type = r.u32();
  const flags = r.u32();
  const c = command(type);
  if (c.unsupported) throw new RutabagaError("Unsupported", `${c.name} has no venus encoding here`);
  const args: Record<string, unknown> = {};
  for (const p of c.params) {
    if (p.dir === "o" && p.base !== BASE_STRUCT && p.base !== BASE_UNION && p.base !== BASE_UNSUPPORTED) {
      args[p.name] = readSizeOnly(r, p);
    } else args[p.name] = readField(r, p, args, p.dir === "o", 0);
  }
  return { type, name: c.name, flags, args };
}

/** Decodes a reply (type, return value, output parameters) as a venus driver would read it. */
export function decodeVenusReply(r: VenusWireReader): VenusReply {
  const type = r.u32();
  const c = command(type);
  const values: Record<string, unknown> = {};
  if (c.ret) values.ret = readOne(r, c.ret, values, false, 0);
  for (const p of c.params) if (p.dir !== "i") values[p.name] = readField(r, p, values, false, 0);
  return { type, values };
}

// ---- encoding ----

function bad(what: string): never {
  throw new RutabagaError("InvalidCommandBuffer", `cannot encode ${what}`);
}

function writeScalar(w: VenusWireWriter, base: BaseKind, v: unknown, name: string): void {
  if (base === BASE_U64 || base === BASE_I64) {
    const b = typeof v === "bigint" ? v : typeof v === "number" && Number.isInteger(v) ? BigInt(v) : bad(name);
    if (base === BASE_U64) w.u64(b);
    else w.i64(b);
    return;
  }
  if (typeof v !== "number") bad(`${name}: ${typeof v}`);
  switch (base) {
    case BASE_U8:
    case BASE_I8:
      w.u32(v & 0xff);
      return;
    case BASE_U16:
    case BASE_I16:
      w.u32(v & 0xffff);
      return;
    case BASE_U32:
      w.u32(v);
      return;
    case BASE_I32:
      w.i32(v);
      return;
    case BASE_F32:
      w.f32(v);
      return;
    case BASE_F64:
      w.f64(v);
      return;
    case BASE_SZ:
    case BASE_H:
      w.u64n(v);
      return;
    default:
      bad(name);
  }
}

function writeStr(w: VenusWireWriter, s: string): void {
  const b = utf8e.encode(s);
  const z = new Uint8Array(b.byteLength + 1);
  z.set(b);
  w.u64n(z.byteLength);
  w.bytesPadded(z);
}

function writeMany(w: VenusWireWriter, f: Field, v: unknown, n: number, partial: boolean): void {
  if (f.base === BASE_CSTR) {
    const z = new Uint8Array(n);
    const b = utf8e.encode(typeof v === "string" ? v : bad(f.name));
    z.set(b.subarray(0, n - 1));
    w.bytesPadded(z);
    return;
  }
  if (ArrayBuffer.isView(v) && ARRAY_ELEM[f.base] !== undefined && f.base !== BASE_SZ && f.base !== BASE_H) {
    w.bytesPadded(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
    return;
  }
  if (!Array.isArray(v)) bad(`${f.name}: not an array`);
  if (ARRAY_ELEM[f.base] !== undefined && ARRAY_ELEM[f.base]! < 4) {
    const size = ARRAY_ELEM[f.base]!;
    const bytes = new Uint8Array(n * size);
    const dv = new DataView(bytes.buffer);
    for (let i = 0; i < n; i++) {
      if (size === 1) dv.setUint8(i, v[i] & 0xff);
      else dv.setUint16(i * 2, v[i] & 0xffff, true);
    }
    w.bytesPadded(bytes);
    return;
  }
  for (let i = 0; i < n; i++) {
    if (f.base === BASE_STRUCT || f.base === BASE_UNION) writeStruct(w, f.ref, v[i], partial);
    else writeScalar(w, f.base, v[i], f.name);
  }
}

function lengthOf(v: unknown): number {
  if (typeof v === "string") return -1;
  if (ArrayBuffer.isView(v)) return (v as unknown as { length: number }).length;
  if (Array.isArray(v)) return v.length;
  return -1;
}

function writeOne(w: VenusWireWriter, f: Field, v: unknown, partial: boolean): void {
  switch (f.base) {
    case BASE_STRUCT:
    case BASE_UNION:
      writeStruct(w, f.ref, v, partial && f.base === BASE_STRUCT);
      return;
    case BASE_STR:
      if (v === null || v === undefined) {
        w.u64n(0);
        return;
      }
      writeStr(w, typeof v === "string" ? v : bad(f.name));
      return;
    case BASE_STRS: {
      if (v === null || v === undefined || lengthOf(v) === 0) {
        w.u64n(0);
        return;
      }
      if (!Array.isArray(v)) bad(f.name);
      w.u64n(v.length);
      for (const s of v) writeStr(w, typeof s === "string" ? s : bad(f.name));
      return;
    }
    case BASE_BLOB: {
      if (v === null || v === undefined) {
        w.u64n(0);
        return;
      }
      if (!(v instanceof Uint8Array)) bad(f.name);
      w.u64n(v.byteLength);
      if (v.byteLength) w.bytesPadded(v);
      return;
    }
    case BASE_ALLOC:
      if (v !== null && v !== undefined) bad(`${f.name}: allocation callbacks`);
      w.u64n(0);
      return;
    case BASE_PNEXT:
      bad(f.name);
      return;
    case BASE_UNSUPPORTED:
      throw new RutabagaError("Unsupported", `${f.name} (${f.spec}) has no venus encoding here`);
    default:
      writeScalar(w, f.base, v, f.name);
      return;
  }
}

function writeField(w: VenusWireWriter, f: Field, v: unknown, partial: boolean): void {
  switch (f.shape) {
    case SHAPE_VALUE:
      writeOne(w, f, v, partial);
      return;
    case SHAPE_POINTER:
      if (v === null || v === undefined) {
        w.u64n(0);
        return;
      }
      w.u64n(1);
      writeOne(w, f, v, partial);
      return;
    case SHAPE_ARRAY: {
      const n = v === null || v === undefined ? 0 : lengthOf(v);
      if (n < 0) bad(`${f.name}: not an array`);
      w.u64n(n);
      if (n > 0) writeMany(w, f, v, n, partial);
      return;
    }
    default: {
      w.u64n(f.fixed);
      if (f.base !== BASE_CSTR && lengthOf(v) !== f.fixed) bad(`${f.name}: want ${f.fixed} elements`);
      writeMany(w, f, v, f.fixed, partial);
      return;
    }
  }
}

function writeSizeOnly(w: VenusWireWriter, f: Field, v: unknown): void {
  if (f.shape === SHAPE_POINTER) {
    w.u64n(v === null || v === undefined || v === false ? 0 : 1);
    return;
  }
  w.u64n(typeof v === "number" ? v : 0);
  return;
}

function writeChain(w: VenusWireWriter, parent: number, v: unknown, partial: boolean): void {
  const p = struct(parent);
  const elems: Record<string, unknown>[] = [];
  const idx: number[] = [];
  for (let e = v as Record<string, unknown> | null; e; e = e.pNext as Record<string, unknown> | null) {
    const i = p.extenders.get(e.sType as number);
    if (i === undefined)
      throw new RutabagaError("Unsupported", `sType ${String(e.sType)} in the pNext chain of ${p.name}`);
    if (elems.length >= VENUS_WIRE_LIMITS.maxChain) bad(`pNext chain of ${p.name}`);
    elems.push(e);
    idx.push(i);
    w.u64n(1);
    w.i32(e.sType as number);
  }
  w.u64n(0);
  for (let i = elems.length - 1; i >= 0; i--) writeMembers(w, idx[i]!, elems[i]!, partial, true);
}

function writeMembers(
  w: VenusWireWriter,
  i: number,
  o: Record<string, unknown>,
  partial: boolean,
  chained: boolean,
): void {
  const s = struct(i);
  for (const f of s.fields) {
    if (f.base === BASE_PNEXT) {
      if (!chained) writeChain(w, i, o.pNext, partial);
      continue;
    }
    if (f.name === "sType" && s.sType !== null) {
      if (!chained) w.i32(s.sType);
      continue;
    }
    const v = o[f.name];
    if (!partial || f.partial === PARTIAL_FULL) writeField(w, f, v, false);
    else if (f.partial === PARTIAL_PARTIAL) writeField(w, f, v, true);
    else if (f.partial === PARTIAL_SIZEONLY) writeSizeOnly(w, f, v);
  }
}

function writeStruct(w: VenusWireWriter, i: number, v: unknown, partial: boolean): void {
  // A partial struct may be omitted: its members travel in the reply.
  if (partial && (v === null || v === undefined)) v = {};
  if (v === null || typeof v !== "object") bad(`${struct(i).name}: not an object`);
  const s = struct(i);
  const o = v as Record<string, unknown>;
  if (s.union) {
    const tag = o.tag;
    const f = typeof tag === "number" ? s.fields[tag] : undefined;
    if (!f) bad(`${s.name}: union tag ${String(tag)}`);
    w.u32(tag as number);
    writeField(w, f, o[f.name], false);
    return;
  }
  writeMembers(w, i, o, partial, false);
}

/**
 * Encodes a command as the venus driver does (outputs in their partial form). The host never sends commands; this is
 * for tests, fixtures and mock clients.
 */
export function encodeVenusCommand(
  w: VenusWireWriter,
  type: number,
  flags: number,
  args: Readonly<Record<string, unknown>>,
): void {
  const c = command(type);
  w.u32(type);
  w.u32(flags);
  for (const p of c.params) {
    const v = args[p.name];
    if (p.dir === "o" && p.base !== BASE_STRUCT && p.base !== BASE_UNION) writeSizeOnly(w, p, v);
    else writeField(w, p, v, p.dir === "o");
  }
}

/** Encodes a reply: the command type, its return value (when it has one), then every output parameter in full. */
export function encodeVenusReply(w: VenusWireWriter, type: number, values: Readonly<Record<string, unknown>>): void {
  const c = command(type);
  w.u32(type);
  if (c.ret) writeOne(w, c.ret, values.ret, false);
  for (const p of c.params) if (p.dir !== "i") writeField(w, p, values[p.name], false);
}

/** Convenience: a command's bytes. */
export function venusCommandBytes(type: number, flags: number, args: Readonly<Record<string, unknown>>): Uint8Array {
  const w = new VenusWireWriter();
  encodeVenusCommand(w, type, flags, args);
  return w.finish();
}

/** Convenience: a reply's bytes. */
export function venusReplyBytes(type: number, values: Readonly<Record<string, unknown>>): Uint8Array {
  const w = new VenusWireWriter();
  encodeVenusReply(w, type, values);
  return w.finish();
}

/** Whether command `type` is numbered and every parameter has an encoding (its structs may still refuse members). */
export function venusCommandHasCodec(type: number): boolean {
  return rowByType.has(type) && !command(type).unsupported;
}
