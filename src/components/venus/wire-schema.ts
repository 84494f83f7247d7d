/**
 * The grammar of the generated venus wire tables (wire-tables.generated.ts) and their compiled form.
 *
 * A field spec is `[mode][shape]base[:len]`:
 * - mode, for a command parameter: `i` input, `o` output (the command carries only a partial form: a struct's sType,
 *   pNext and handles; a scalar's null marker or an array's size), `x` carried both ways (handles the guest names,
 *   in/out counts). For a struct member, how it travels when the struct is a command's output: `=` in full, `~` in
 *   partial form, `#` only its pointer marker or array size, `-` not at all.
 * - shape: none (a value), `*` (u64 null marker 0/1, then the value), `[]` (u64 element count, 0 = NULL, then the
 *   elements), `[N]` (a fixed array: count N, then N elements).
 * - base: `u8 i8 u16 i16` (4 bytes each as scalars, packed and padded to 4 in arrays), `u32 i32 e f32` (4 bytes),
 *   `u64 i64 f64` (8), `sz` (size_t as u64), `h` (an object id, u64), `S<n>`/`U<n>` (struct/union n of STRUCTS; a
 *   union is a u32 member index then that member), `str` (u64 byte count including the NUL, then the bytes padded to
 *   4), `strs` (a count, then that many `str`), `cstr` (a fixed char array), `blob` (u64 byte count, bytes padded to 4),
 *   `pnext` (a chain: each element is marker 1 and its sType, a final marker 0, then the elements' members innermost
 *   first), `alloc` (VkAllocationCallbacks: must be NULL), `x` (no venus encoding here: refused).
 * - len: the vk.xml length expression an array's count must equal when it is non-zero.
 */

/** A generated struct row: name, sType value (null without one, "union" for a union), pNext extenders, fields. */
export type StructRow = readonly [
  string,
  number | null | "union",
  readonly number[],
  readonly (readonly [string, string])[],
];

/** A generated command row: command type, canonical name, return spec ("" for void), params. */
export type CommandRow = readonly [number, string, string, readonly (readonly [string, string])[]];

/** Base kinds, as small integers for the interpreter. */
export const Base = {
  u8: 0,
  i8: 1,
  u16: 2,
  i16: 3,
  u32: 4,
  i32: 5,
  f32: 6,
  u64: 7,
  i64: 8,
  f64: 9,
  sz: 10,
  h: 11,
  struct: 12,
  union: 13,
  str: 14,
  strs: 15,
  cstr: 16,
  blob: 17,
  pnext: 18,
  alloc: 19,
  unsupported: 20,
} as const;
/** One of {@link Base}'s values. */
export type BaseKind = (typeof Base)[keyof typeof Base];

/** Shapes. */
export const Shape = { value: 0, pointer: 1, array: 2, fixed: 3 } as const;
/** One of {@link Shape}'s values. */
export type ShapeKind = (typeof Shape)[keyof typeof Shape];

/** How a field travels in the partial (command-side output) form. */
export const Partial = { skip: 0, full: 1, partial: 2, sizeOnly: 3 } as const;
/** One of {@link Partial}'s values. */
export type PartialKind = (typeof Partial)[keyof typeof Partial];

/** A parsed length expression: evaluated against the object or arguments decoded so far. */
export type LenExpr =
  | { readonly k: "num"; readonly v: number }
  | { readonly k: "ref"; readonly path: readonly string[] }
  | { readonly k: "op"; readonly op: "+" | "-" | "*" | "/"; readonly a: LenExpr; readonly b: LenExpr };

/** A compiled field. */
export interface Field {
  readonly name: string;
  /** Command parameters: "i", "o" or "x"; struct members: "-". */
  readonly dir: "i" | "o" | "x" | "-";
  readonly partial: PartialKind;
  readonly shape: ShapeKind;
  /** For fixed arrays: the element count. */
  readonly fixed: number;
  readonly base: BaseKind;
  /** For struct and union bases: the index in STRUCTS. */
  readonly ref: number;
  readonly len: LenExpr | null;
  /** The spec text, for messages. */
  readonly spec: string;
}

const BASE_NAMES: Record<string, BaseKind> = {
  u8: Base.u8,
  i8: Base.i8,
  u16: Base.u16,
  i16: Base.i16,
  u32: Base.u32,
  i32: Base.i32,
  e: Base.i32,
  f32: Base.f32,
  u64: Base.u64,
  i64: Base.i64,
  f64: Base.f64,
  sz: Base.sz,
  h: Base.h,
  str: Base.str,
  strs: Base.strs,
  cstr: Base.cstr,
  blob: Base.blob,
  pnext: Base.pnext,
  alloc: Base.alloc,
  x: Base.unsupported,
};

const PARTIAL_PREFIX: Record<string, PartialKind> = {
  "-": Partial.skip,
  "=": Partial.full,
  "~": Partial.partial,
  "#": Partial.sizeOnly,
};

/** Parses a vk.xml length expression (identifiers, `a->b`, integers, + - * / and parentheses); null when it has none. */
export function parseLen(text: string): LenExpr | null {
  const toks = text.match(/->|[A-Za-z_][A-Za-z0-9_]*|\d+|[-+*/().]/g);
  if (!toks || toks.length === 0) return null;
  let i = 0;
  const primary = (): LenExpr => {
    const t = toks[i++];
    if (t === undefined) throw new Error(`bad length ${text}`);
    if (t === "(") {
      const e = sum();
      if (toks[i++] !== ")") throw new Error(`bad length ${text}`);
      return e;
    }
    if (/^\d+$/.test(t)) return { k: "num", v: Number(t) };
    if (/^[A-Za-z_]/.test(t)) {
      const path = [t];
      while (toks[i] === "->" || toks[i] === ".") {
        i++;
        path.push(toks[i++]!);
      }
      return { k: "ref", path };
    }
    throw new Error(`bad length ${text}`);
  };
  const product = (): LenExpr => {
    let a = primary();
    while (toks[i] === "*" || toks[i] === "/") {
      const op = toks[i++] as "*" | "/";
      a = { k: "op", op, a, b: primary() };
    }
    return a;
  };
  const sum = (): LenExpr => {
    let a = product();
    while (toks[i] === "+" || toks[i] === "-") {
      const op = toks[i++] as "+" | "-";
      a = { k: "op", op, a, b: product() };
    }
    return a;
  };
  try {
    const e = sum();
    return i === toks.length ? e : null;
  } catch {
    return null;
  }
}

/** Constants a length expression may name. */
const LEN_CONSTANTS: Readonly<Record<string, number>> = { VK_UUID_SIZE: 16 };

/** Evaluates a length expression against decoded values; undefined when a name is absent or not a number. */
export function evalLen(e: LenExpr, scope: Readonly<Record<string, unknown>>): number | undefined {
  if (e.k === "num") return e.v;
  if (e.k === "ref") {
    let v: unknown = LEN_CONSTANTS[e.path[0]!] ?? scope[e.path[0]!];
    for (let j = 1; j < e.path.length; j++) {
      if (v === null || typeof v !== "object") return undefined;
      v = (v as Record<string, unknown>)[e.path[j]!];
    }
    return typeof v === "number" ? v : undefined;
  }
  const a = evalLen(e.a, scope);
  const b = evalLen(e.b, scope);
  if (a === undefined || b === undefined) return undefined;
  if (e.op === "+") return a + b;
  if (e.op === "-") return a - b;
  if (e.op === "*") return a * b;
  return b === 0 ? undefined : Math.trunc(a / b);
}

/** Compiles one field spec. */
export function compileField(name: string, spec: string, isParam: boolean): Field {
  let s = spec;
  let dir: Field["dir"] = "-";
  let partial: PartialKind = Partial.skip;
  if (isParam) {
    dir = s[0] as "i" | "o" | "x";
    s = s.slice(1);
  } else {
    partial = PARTIAL_PREFIX[s[0]!] ?? Partial.skip;
    s = s.slice(1);
  }
  const colon = s.indexOf(":");
  const lenText = colon >= 0 ? s.slice(colon + 1) : "";
  if (colon >= 0) s = s.slice(0, colon);
  let shape: ShapeKind = Shape.value;
  let fixed = 0;
  const m = /^(\*|\[\]|\[(\d+)\])?(.*)$/.exec(s)!;
  if (m[1] === "*") shape = Shape.pointer;
  else if (m[1] === "[]") shape = Shape.array;
  else if (m[1] !== undefined) {
    shape = Shape.fixed;
    fixed = Number(m[2]);
  }
  const b = m[3]!;
  let base: BaseKind;
  let ref = -1;
  if (b[0] === "S" || b[0] === "U") {
    base = b[0] === "S" ? Base.struct : Base.union;
    ref = Number(b.slice(1));
  } else {
    const k = BASE_NAMES[b];
    if (k === undefined) throw new Error(`unknown base ${b} in ${spec}`);
    base = k;
  }
  return { name, dir, partial, shape, fixed, base, ref, len: lenText ? parseLen(lenText) : null, spec };
}
