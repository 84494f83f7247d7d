// Emits straight-line TypeScript decoders for every decodable venus command from the same rows as the tables: one
// function per struct (full and partial form), per chain element and per command, reading into locals and returning
// one object literal. They call the small runtime in src/components/venus/wire-decode-helpers.ts.
import {
  Base,
  type CommandRow,
  compileField,
  type Field,
  type LenExpr,
  Partial,
  Shape,
  type StructRow,
} from "../../src/components/venus/wire-schema.ts";

const SCALAR_EXPR: Partial<Record<number, (name: string) => string>> = {
  [Base.u8]: () => "r.u32() & 0xff",
  [Base.i8]: () => "(r.u32() << 24) >> 24",
  [Base.u16]: () => "r.u32() & 0xffff",
  [Base.i16]: () => "(r.u32() << 16) >> 16",
  [Base.u32]: () => "r.u32()",
  [Base.i32]: () => "r.i32()",
  [Base.f32]: () => "r.f32()",
  [Base.u64]: () => "r.u64()",
  [Base.i64]: () => "r.i64()",
  [Base.f64]: () => "r.f64()",
  [Base.sz]: (n) => `r.u64n(${JSON.stringify(n)})`,
  [Base.h]: (n) => `r.u64n(${JSON.stringify(n)})`,
};
const TYPED: Partial<Record<number, string>> = {
  [Base.u8]: "u8s",
  [Base.i8]: "i8s",
  [Base.u16]: "u16s",
  [Base.i16]: "i16s",
  [Base.u32]: "u32s",
  [Base.i32]: "i32s",
  [Base.f32]: "f32s",
  [Base.u64]: "u64s",
  [Base.i64]: "i64s",
  [Base.f64]: "f64s",
};
const SCALAR_SIZE: Partial<Record<number, number>> = {
  [Base.u8]: 4,
  [Base.i8]: 4,
  [Base.u16]: 4,
  [Base.i16]: 4,
  [Base.u32]: 4,
  [Base.i32]: 4,
  [Base.f32]: 4,
  [Base.u64]: 8,
  [Base.i64]: 8,
  [Base.f64]: 8,
  [Base.sz]: 8,
  [Base.h]: 8,
};
const PACKED: Partial<Record<number, number>> = { [Base.u8]: 1, [Base.i8]: 1, [Base.u16]: 2, [Base.i16]: 2 };
const MAX_DEPTH = 24;
const HELPERS = [
  "alloc",
  "blob",
  "chain",
  "checkLen",
  "cstr",
  "expectSType",
  "f32s",
  "f64s",
  "fixedCount",
  "i8s",
  "i16s",
  "i32s",
  "i64s",
  "ids",
  "lenOp",
  "malformed",
  "marker",
  "member",
  "room",
  "sizeOnly",
  "str",
  "strs",
  "tooDeep",
  "u8s",
  "u16s",
  "u32s",
  "u64s",
  "unionTag",
  "unsupported",
];

/** The decoders' source text (not yet formatted). */
export function emitDecoders(structs: readonly StructRow[], commands: readonly CommandRow[]): string {
  const fields = structs.map((s) => s[3].map(([n, spec]) => compileField(n, spec, false)));
  const minCache = [new Map<number, number>(), new Map<number, number>()];
  const minStruct = (i: number, partial: boolean): number => {
    const cache = minCache[partial ? 1 : 0]!;
    const c = cache.get(i);
    if (c !== undefined) return c;
    cache.set(i, 0);
    let n = 0;
    if (structs[i]![1] === "union") {
      let least = Number.POSITIVE_INFINITY;
      for (const f of fields[i]!) least = Math.min(least, minField(f, false));
      n = 4 + (Number.isFinite(least) ? least : 0);
    } else {
      for (const f of fields[i]!) {
        if (partial && f.partial === Partial.skip) continue;
        n += partial && f.partial === Partial.sizeOnly ? 8 : minField(f, partial && f.partial === Partial.partial);
      }
    }
    cache.set(i, n);
    return n;
  };
  const minElem = (f: Field, partial: boolean) =>
    f.base === Base.struct
      ? minStruct(f.ref, partial)
      : f.base === Base.union
        ? minStruct(f.ref, false)
        : (SCALAR_SIZE[f.base] ?? 8);
  const minField = (f: Field, partial: boolean): number => {
    if (f.base === Base.unsupported) return 0;
    if (f.shape === Shape.pointer || f.shape === Shape.array) return 8;
    if (f.shape === Shape.fixed) {
      const packed = PACKED[f.base];
      if (f.base === Base.cstr || packed !== undefined) return 8 + ((f.fixed * (packed ?? 1) + 3) & ~3);
      return 8 + f.fixed * minElem(f, partial);
    }
    return minElem(f, partial);
  };

  const need = new Set<string>();
  const queue: string[] = [];
  const want = (key: string) => {
    if (!need.has(key)) {
      need.add(key);
      queue.push(key);
    }
    return key;
  };
  const q = JSON.stringify;

  const lenJs = (e: LenExpr | null, scope: Set<string>): string => {
    if (!e) return "undefined";
    if (e.k === "num") return String(e.v);
    if (e.k === "ref") {
      const [head, ...rest] = e.path;
      let js = head === "VK_UUID_SIZE" ? "16" : scope.has(head!) ? `m_${head}` : "undefined";
      for (const k of rest) js = `member(${js}, ${q(k)})`;
      return js;
    }
    return `lenOp(${lenJs(e.a, scope)}, ${q(e.op)}, ${lenJs(e.b, scope)})`;
  };

  /** An expression for one element of `f` (not its shape). */
  const one = (f: Field, partial: boolean, scope: Set<string>): string => {
    switch (f.base) {
      case Base.struct:
        return `${want(partial ? `p${f.ref}` : `s${f.ref}`)}(r, d + 1)`;
      case Base.union:
        return `${want(`u${f.ref}`)}(r, d + 1)`;
      case Base.str:
        return `str(r, ${q(f.name)})`;
      case Base.strs:
        return `strs(r, ${lenJs(f.len, scope)}, ${q(f.name)})`;
      case Base.blob:
        return `blob(r, ${lenJs(f.len, scope)}, ${q(f.name)})`;
      case Base.alloc:
        return `alloc(r, ${q(f.name)})`;
      case Base.unsupported:
        return `unsupported(${q(`${f.name} (${f.spec})`)})`;
      default: {
        const s = SCALAR_EXPR[f.base];
        return s ? s(f.name) : `unsupported(${q(f.name)})`;
      }
    }
  };

  /** Statements that prepare `n` elements of `f`, and the expression that then holds them. */
  const many = (f: Field, partial: boolean, n: string): { pre: string[]; expr: string } => {
    if (f.base === Base.cstr) return { pre: [], expr: `cstr(r, ${n})` };
    if (f.base === Base.sz || f.base === Base.h) return { pre: [], expr: `ids(r, ${n}, ${q(f.name)})` };
    const typed = TYPED[f.base];
    if (typed) return { pre: [], expr: `${typed}(r, ${n})` };
    if (f.base === Base.struct || f.base === Base.union) {
      const least = f.base === Base.struct ? minStruct(f.ref, partial) : minStruct(f.ref, false);
      const fn = want(f.base === Base.union ? `u${f.ref}` : partial ? `p${f.ref}` : `s${f.ref}`);
      return {
        pre: [
          `room(r, ${n}, ${least}, ${q(f.name)});`,
          `const a_${f.name}: unknown[] = new Array(${n});`,
          `for (let i = 0; i < ${n}; i++) a_${f.name}[i] = ${fn}(r, d + 1);`,
        ],
        expr: `a_${f.name}`,
      };
    }
    return { pre: [], expr: `unsupported(${q(`arrays of ${f.spec}`)})` };
  };

  /** Statements declaring `m_<name>` with the field's value. */
  const field = (f: Field, partial: boolean, scope: Set<string>): string[] => {
    const v = `m_${f.name}`;
    switch (f.shape) {
      case Shape.value:
        return [`const ${v} = ${one(f, partial, scope)};`];
      case Shape.pointer:
        return [`const ${v} = marker(r, ${q(f.name)}) ? ${one(f, partial, scope)} : null;`];
      case Shape.array: {
        const m = many(f, partial, `n_${f.name}`);
        return [
          `const n_${f.name} = r.u64n(${q(f.name)});`,
          `let ${v}: unknown = null;`,
          `if (n_${f.name} !== 0) {`,
          ...(f.len ? [`checkLen(n_${f.name}, ${lenJs(f.len, scope)}, ${q(f.name)});`] : []),
          ...m.pre,
          `${v} = ${m.expr};`,
          "}",
        ];
      }
      default: {
        const m = many(f, partial, String(f.fixed));
        return [`fixedCount(r, ${f.fixed}, ${q(f.name)});`, ...m.pre, `const ${v} = ${m.expr};`];
      }
    }
  };

  /** The member statements of struct i, and the names it returns. */
  const members = (i: number, partial: boolean, chained: boolean): { body: string[]; names: string[] } => {
    const body: string[] = [];
    const names: string[] = [];
    const scope = new Set<string>();
    const [name, sType] = structs[i]!;
    for (const f of fields[i]!) {
      if (f.base === Base.pnext) {
        if (!chained) {
          body.push(`const m_pNext = chain(r, d, ${want(partial ? `y${i}` : `x${i}`)}, ${q(name)});`);
          names.push("pNext");
        }
        continue;
      }
      if (f.name === "sType" && typeof sType === "number") {
        if (!chained) {
          body.push(`const m_sType = expectSType(r, ${sType}, ${q(name)});`);
          names.push("sType");
        }
        continue;
      }
      if (!partial || f.partial === Partial.full) body.push(...field(f, false, scope));
      else if (f.partial === Partial.partial) body.push(...field(f, true, scope));
      else if (f.partial === Partial.sizeOnly)
        body.push(`const m_${f.name} = sizeOnly(r, ${f.shape === Shape.pointer}, ${q(f.name)});`);
      else continue;
      scope.add(f.name);
      names.push(f.name);
    }
    return { body, names };
  };
  const literal = (names: string[], pre = "") =>
    `{ ${pre}${names.map((n) => (n === "sType" || n === "pNext" ? `${n}: m_${n}` : `${n}: m_${n}`)).join(", ")} }`;
  const dUse = (body: string[]) => body.some((l) => l.includes("d + 1") || l.includes("chain(r, d"));

  const out: string[] = [];
  const emit = (key: string) => {
    const kind = key[0]!;
    const i = Number(key.slice(1));
    const [name, , ext] = structs[i]!;
    if (kind === "s" || kind === "p") {
      const { body, names } = members(i, kind === "p", false);
      out.push(
        `/** ${name}${kind === "p" ? ", partial form" : ""}. */`,
        `function ${key}(r: VenusWireReader, d: number): unknown {`,
        `if (d > ${MAX_DEPTH}) tooDeep();`,
        ...body,
        `return ${literal(names)};`,
        "}",
      );
    } else if (kind === "e" || kind === "q") {
      const { body, names } = members(i, kind === "q", true);
      out.push(
        `/** ${name} as a pNext chain element${kind === "q" ? ", partial form" : ""}. */`,
        `function ${key}(r: VenusWireReader, d: number, sType: number, pNext: unknown): unknown {`,
        `if (d > ${MAX_DEPTH}) tooDeep();`,
        ...body,
        `return { sType, pNext${names.length ? ", " : ""}${names.map((n) => `${n}: m_${n}`).join(", ")} };`,
        "}",
      );
    } else if (kind === "u") {
      const cases = fields[i]!.map((f, tag) => {
        const stmts = field(f, false, new Set());
        return [`case ${tag}: {`, ...stmts, `return { tag, ${f.name}: m_${f.name} };`, "}"].join("\n");
      });
      out.push(
        `/** ${name} (union). */`,
        `function ${key}(r: VenusWireReader, d: number): unknown {`,
        `if (d > ${MAX_DEPTH}) tooDeep();`,
        `const tag = unionTag(r, ${fields[i]!.length}, ${q(name)});`,
        "switch (tag) {",
        ...cases,
        `default: return malformed(${q(name)});`,
        "}",
        "}",
      );
    } else if (kind === "x" || kind === "y") {
      const usable = ext.filter((e) => typeof structs[e]![1] === "number");
      out.push(
        `const ${key}: ReadonlyMap<number, ChainElement> = new Map<number, ChainElement>([${usable
          .map((e) => `[${structs[e]![1]}, ${want(`${kind === "x" ? "e" : "q"}${e}`)}]`)
          .join(", ")}]);`,
      );
    }
  };

  const commandFns: string[] = [];
  const dispatch: string[] = [];
  for (const [type, name, ret, params] of commands) {
    const ps = params.map(([n, spec]) => compileField(n, spec, true));
    if (ret === "x" || ps.some((p) => p.base === Base.unsupported)) continue;
    const body: string[] = [];
    const scope = new Set<string>();
    for (const p of ps) {
      if (p.dir === "o" && p.base !== Base.struct && p.base !== Base.union) {
        body.push(`const m_${p.name} = sizeOnly(r, ${p.shape === Shape.pointer}, ${q(p.name)});`);
      } else body.push(...field(p, p.dir === "o", scope));
      scope.add(p.name);
    }
    commandFns.push(
      `/** ${name} (${type}). */`,
      `function c${type}(r: VenusWireReader): Record<string, unknown> {`,
      ...(dUse(body) ? ["const d = 0;"] : []),
      ...body,
      `return { ${ps.map((p) => `${p.name}: m_${p.name}`).join(", ")} };`,
      "}",
    );
    dispatch.push(`decoders[${type}] = c${type};`);
  }
  while (queue.length) emit(queue.shift()!);
  const tables = out.filter((l) => l.startsWith("const x") || l.startsWith("const y"));
  const fns = out.filter((l) => !(l.startsWith("const x") || l.startsWith("const y")));
  const code = [...fns, ...commandFns, ...tables].join("\n");
  return [
    "// biome-ignore-all lint/correctness/noUnusedFunctionParameters: every decoder has the same signature",
    "// Generated by scripts/venus-gen/generate.ts from the same rows as wire-tables.generated.ts. Do not edit: regenerate.",
    'import * as H from "./wire-decode-helpers.ts";',
    'import type { ChainElement } from "./wire-decode-helpers.ts";',
    'import type { VenusWireReader } from "./wire-stream.ts";',
    "",
    "// Local bindings: a module-namespace read can cost a getter call per use under some loaders (tsx).",
    `const { ${HELPERS.filter((h) => new RegExp(`\\b${h}\\(`).test(code)).join(", ")} } = H;`,
    "",
    ...fns,
    ...commandFns,
    "",
    ...tables,
    "",
    "const decoders: (((r: VenusWireReader) => Record<string, unknown>) | undefined)[] = [];",
    ...dispatch,
    "",
    "/** Straight-line decoders by command type, for every command whose parameters all have an encoding. */",
    "export const COMMAND_DECODERS: readonly (((r: VenusWireReader) => Record<string, unknown>) | undefined)[] = decoders;",
    "",
  ].join("\n");
}
