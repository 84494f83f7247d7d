// Values for the generated venus tables, built from a seed: what a venus driver could send (commands) or the host
// answer (replies), with every count consistent with its array. Biased to edges (0, all-ones, empty, NULL).

import { venusWireCoverage } from "../../../src/components/venus/wire-coverage.ts";
import { Base, compileField, type Field, Shape } from "../../../src/components/venus/wire-schema.ts";
import { COMMANDS, STRUCTS } from "../../../src/components/venus/wire-tables.generated.ts";

/** A small deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

function scalar(r: Rand, base: number): number | bigint {
  switch (base) {
    case Base.u8:
      return pick(r, [0, 255, int(r, 0, 255)]);
    case Base.i8:
      return pick(r, [0, -128, 127, int(r, -128, 127)]);
    case Base.u16:
      return pick(r, [0, 0xffff, int(r, 0, 0xffff)]);
    case Base.i16:
      return pick(r, [0, -32768, 32767, int(r, -32768, 32767)]);
    case Base.u32:
      return pick(r, [0, 1, 0xffffffff, int(r, 0, 0xffffffff)]);
    case Base.i32:
      return pick(r, [0, -1, 0x7fffffff, -0x80000000, int(r, -0x80000000, 0x7fffffff)]);
    case Base.f32:
      return Math.fround(pick(r, [0, 1, -2.5, 3.4e38, (r() - 0.5) * 1e6]));
    case Base.f64:
      return pick(r, [0, -1, 1e300, r()]);
    case Base.u64:
      return pick(r, [
        0n,
        2n ** 64n - 1n,
        BigInt(int(r, 0, 0xffffffff)) * 0x1_0000_0000n + BigInt(int(r, 0, 0xffffffff)),
      ]);
    case Base.i64:
      return pick(r, [0n, -1n, -(2n ** 63n), 2n ** 63n - 1n]);
    default:
      return pick(r, [0, 1, Number.MAX_SAFE_INTEGER, int(r, 0, 0xffffffff)]);
  }
}

const TYPED: Partial<Record<number, (n: number) => ArrayLike<unknown>>> = {
  [Base.u8]: (n) => new Uint8Array(n),
  [Base.u32]: (n) => new Uint32Array(n),
  [Base.i32]: (n) => new Int32Array(n),
  [Base.f32]: (n) => new Float32Array(n),
  [Base.u64]: (n) => new BigUint64Array(n),
  [Base.i64]: (n) => new BigInt64Array(n),
  [Base.f64]: (n) => new Float64Array(n),
};

const MAX_DEPTH = 4;
const fieldsCache = new Map<number, Field[]>();
const fieldsOf = (i: number) => {
  let f = fieldsCache.get(i);
  if (!f) {
    f = STRUCTS[i]![3].map(([n, spec]) => compileField(n, spec, false));
    fieldsCache.set(i, f);
  }
  return f;
};
const refusesAny = (i: number) => fieldsOf(i).some((f) => f.base === Base.unsupported);

function many(r: Rand, f: Field, n: number, depth: number): unknown {
  if (f.base === Base.cstr) return "";
  const typed = TYPED[f.base];
  if (typed) {
    const a = typed(n) as unknown as { [i: number]: unknown };
    for (let i = 0; i < n; i++) a[i] = scalar(r, f.base);
    return a;
  }
  if (f.base === Base.u16 || f.base === Base.i16 || f.base === Base.i8) {
    return Array.from({ length: n }, () => scalar(r, f.base === Base.i8 ? Base.u8 : Base.u16));
  }
  return Array.from({ length: n }, () => one(r, f, {}, depth));
}

function one(r: Rand, f: Field, counts: Record<string, number>, depth: number): unknown {
  switch (f.base) {
    case Base.struct:
    case Base.union:
      return structValue(r, f.ref, depth + 1);
    case Base.str:
      return pick(r, [null, "", "VK_KHR_maintenance4", "é"]);
    case Base.strs: {
      const n = lenOf(f, counts);
      return n ? Array.from({ length: n }, () => pick(r, ["", "VK_EXT_a", "VK_KHR_swapchain"])) : null;
    }
    case Base.blob: {
      const n = lenOf(f, counts);
      return n ? Uint8Array.from({ length: n }, () => int(r, 0, 255)) : null;
    }
    case Base.alloc:
      return null;
    default:
      return scalar(r, f.base);
  }
}

function lenOf(f: Field, counts: Record<string, number>): number {
  if (f.len?.k !== "ref" || f.len.path.length !== 1) return 0;
  return counts[f.len.path[0]!] ?? 0;
}

/** A value of field `f`; counts holds the sibling counts already chosen. */
export function fieldValue(r: Rand, f: Field, counts: Record<string, number>, depth: number): unknown {
  if (depth > MAX_DEPTH && (f.shape === Shape.pointer || f.shape === Shape.array)) return null;
  switch (f.shape) {
    case Shape.value:
      return one(r, f, counts, depth);
    case Shape.pointer:
      return r() < 0.3 ? null : one(r, f, counts, depth);
    case Shape.array: {
      const n = lenOf(f, counts);
      return n === 0 || r() < 0.15 ? null : many(r, f, n, depth);
    }
    default:
      if (f.base === Base.cstr) return pick(r, ["", "llvmpipe", "x".repeat(f.fixed - 1)]);
      return many(r, f, f.fixed, depth);
  }
}

/** Names of the fields that count a sibling array. */
function countNames(fields: readonly Field[]): Set<string> {
  const s = new Set<string>();
  for (const f of fields) if (f.len?.k === "ref" && f.len.path.length === 1) s.add(f.len.path[0]!);
  return s;
}

function members(r: Rand, fields: readonly Field[], o: Record<string, unknown>, depth: number): void {
  const counted = countNames(fields);
  const counts: Record<string, number> = {};
  for (const f of fields) {
    if (f.base === Base.pnext || f.name === "sType") continue;
    if (counted.has(f.name) && f.shape === Shape.value && (f.base === Base.u32 || f.base === Base.sz)) {
      const n = depth > MAX_DEPTH ? 0 : pick(r, [0, 1, 2, 3]);
      counts[f.name] = n;
      o[f.name] = n;
    } else if (counted.has(f.name) && f.shape === Shape.pointer && f.base === Base.u32) {
      const n = pick(r, [0, 1, 2]);
      counts[f.name] = n;
      o[f.name] = n;
    } else o[f.name] = fieldValue(r, f, counts, depth);
  }
}

/** A value of struct or union `i`, with a pNext chain of known extenders when it has one. */
export function structValue(r: Rand, i: number, depth: number): Record<string, unknown> {
  const [, sType, ext] = STRUCTS[i]!;
  const fields = fieldsOf(i);
  if (sType === "union") {
    const tag = int(r, 0, fields.length - 1);
    return { tag, [fields[tag]!.name]: fieldValue(r, fields[tag]!, {}, depth) };
  }
  const o: Record<string, unknown> = {};
  if (typeof sType === "number") o.sType = sType;
  if (fields.some((f) => f.base === Base.pnext)) {
    const usable = ext.filter((e) => !refusesAny(e));
    const n = depth > MAX_DEPTH || usable.length === 0 ? 0 : pick(r, [0, 0, 1, 2]);
    let chain: Record<string, unknown> | null = null;
    for (let k = 0; k < n; k++) {
      const e = pick(r, usable);
      const el: Record<string, unknown> = { sType: STRUCTS[e]![1], pNext: null };
      members(r, fieldsOf(e), el, depth + 1);
      el.pNext = chain;
      chain = el;
    }
    o.pNext = chain;
  }
  members(r, fields, o, depth);
  return o;
}

/** The command types whose every parameter has an encoding. */
export const DECODABLE_TYPES: readonly number[] = venusWireCoverage()
  .commands.filter((c) => c.decodable)
  .map((c) => c.type);

const paramsCache = new Map<number, { ret: Field | null; params: Field[] }>();
function paramsOf(type: number) {
  let p = paramsCache.get(type);
  if (!p) {
    const row = COMMANDS.find((c) => c[0] === type)!;
    p = {
      ret: row[2] ? compileField("ret", `x${row[2]}`, true) : null,
      params: row[3].map(([n, spec]) => compileField(n, spec, true)),
    };
    paramsCache.set(type, p);
  }
  return p;
}

/** Arguments for command `type`, as a driver would pass them (outputs as count or marker only). */
export function commandArgs(type: number, seed: number): Record<string, unknown> {
  const r = rng(seed);
  const { params } = paramsOf(type);
  const args: Record<string, unknown> = {};
  members(r, params, args, 0);
  for (const p of params) {
    if (p.dir === "o" && p.base !== Base.struct && p.base !== Base.union) {
      args[p.name] = p.shape === Shape.pointer ? (r() < 0.2 ? null : true) : r() < 0.2 ? null : int(r, 1, 4);
    }
  }
  return args;
}

/** Values for command `type`'s reply: its return value and output parameters in full. */
export function replyValues(type: number, seed: number): Record<string, unknown> {
  const r = rng(seed);
  const { ret, params } = paramsOf(type);
  const values: Record<string, unknown> = {};
  members(r, params, values, 0);
  if (ret) values.ret = fieldValue(r, ret, {}, 0);
  return values;
}
