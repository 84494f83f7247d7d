import { RutabagaError } from "../../rutabaga/error.ts";
import type { VenusWireReader } from "./wire-stream.ts";

/**
 * The small runtime the generated straight-line decoders (wire-decoders.generated.ts) call into: counts, markers,
 * strings, typed arrays and pNext chains, with the same checks and errors as the table interpreter in wire-codec.ts.
 */

/** Limits shared by both decoders; see VENUS_WIRE_LIMITS in wire-codec.ts for what each bounds. */
export const LIMITS = { maxChain: 128, maxDepth: 24, maxZeroSizeElements: 4096 } as const;

/** Throws `InvalidCommandBuffer` with `what`. */
export function malformed(what: string): never {
  throw new RutabagaError("InvalidCommandBuffer", what);
}

/** Throws `Unsupported` for a field venus has no encoding for here. */
export function unsupported(what: string): never {
  throw new RutabagaError("Unsupported", `${what} has no venus encoding here`);
}

/** Throws when nesting passes the limit. */
export function tooDeep(): never {
  return malformed(`nesting deeper than ${LIMITS.maxDepth}`);
}

/** A pointer's null marker: false for 0, true for 1, malformed otherwise. */
export function marker(r: VenusWireReader, name: string): boolean {
  const m = r.u64n(name);
  if (m === 0) return false;
  if (m !== 1) malformed(`${name}: pointer marker ${m}`);
  return true;
}

/** Checks a non-zero array count against its length expression's value, when that is a number. */
export function checkLen(n: number, want: unknown, name: string): void {
  if (typeof want === "number" && want !== n) malformed(`${name}: ${n} elements where its length says ${want}`);
}

/** Reads a fixed array's count, which must be `n`. */
export function fixedCount(r: VenusWireReader, n: number, name: string): void {
  const got = r.u64n(name);
  if (got !== n) malformed(`${name}: fixed array of ${n} sent as ${got}`);
}

/** A member of `v` for a length path (`a->b`), or undefined. */
export function member(v: unknown, key: string): unknown {
  return v !== null && typeof v === "object" ? (v as Record<string, unknown>)[key] : undefined;
}

/** Arithmetic in a length expression; undefined when either side is not a number. */
export function lenOp(a: unknown, op: string, b: unknown): number | undefined {
  if (typeof a !== "number" || typeof b !== "number") return undefined;
  if (op === "+") return a + b;
  if (op === "-") return a - b;
  if (op === "*") return a * b;
  return b === 0 ? undefined : Math.trunc(a / b);
}

/** Bounds an array of `n` elements of at least `least` bytes each before it is allocated. */
export function room(r: VenusWireReader, n: number, least: number, name: string): void {
  if (least === 0) {
    if (n > LIMITS.maxZeroSizeElements) malformed(`${name}: ${n} elements`);
  } else r.need(n * least);
}

const utf8 = new TextDecoder("utf-8");

function cString(b: Uint8Array): string {
  const nul = b.indexOf(0);
  return utf8.decode(nul < 0 ? b : b.subarray(0, nul));
}

/** A NUL-terminated string, or null for a zero count. */
export function str(r: VenusWireReader, name: string): string | null {
  const n = r.u64n(name);
  return n === 0 ? null : cString(r.bytesPadded(n));
}

/** A fixed char array of `n` bytes. */
export function cstr(r: VenusWireReader, n: number): string {
  return cString(r.bytesPadded(n));
}

/** An array of strings, or null. */
export function strs(r: VenusWireReader, want: unknown, name: string): string[] | null {
  const n = r.u64n(name);
  if (n === 0) return null;
  checkLen(n, want, name);
  r.need(n * 8);
  const out: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const len = r.u64n(name);
    out[i] = len === 0 ? "" : cString(r.bytesPadded(len));
  }
  return out;
}

/** Opaque bytes, or null. */
export function blob(r: VenusWireReader, want: unknown, name: string): Uint8Array | null {
  const n = r.u64n(name);
  if (n === 0) return null;
  checkLen(n, want, name);
  return r.bytesPadded(n);
}

/** VkAllocationCallbacks: only NULL crosses the wire. */
export function alloc(r: VenusWireReader, name: string): null {
  if (r.u64n(name) !== 0) malformed(`${name}: allocation callbacks cannot cross the wire`);
  return null;
}

/** A partial-form field: its pointer marker (true/null) or element count (null for 0). */
export function sizeOnly(r: VenusWireReader, pointer: boolean, name: string): true | number | null {
  const n = r.u64n(name);
  if (pointer) {
    if (n > 1) malformed(`${name}: pointer marker ${n}`);
    return n === 1 ? true : null;
  }
  return n === 0 ? null : n;
}

/** Object ids or sizes: u64 values that must be exact numbers. */
export function ids(r: VenusWireReader, n: number, name: string): number[] {
  r.need(n * 8);
  const out: number[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = r.u64n(name);
  return out;
}

export const u8s = (r: VenusWireReader, n: number): Uint8Array => r.bytesPadded(n);
export const i8s = (r: VenusWireReader, n: number): Int8Array => new Int8Array(r.bytesPadded(n).buffer);
export const u16s = (r: VenusWireReader, n: number): Uint16Array => new Uint16Array(r.bytesPadded(2 * n).buffer, 0, n);
export const i16s = (r: VenusWireReader, n: number): Int16Array => new Int16Array(r.bytesPadded(2 * n).buffer, 0, n);
export const u32s = (r: VenusWireReader, n: number): Uint32Array => new Uint32Array(r.bytesPadded(4 * n).buffer);
export const i32s = (r: VenusWireReader, n: number): Int32Array => new Int32Array(r.bytesPadded(4 * n).buffer);
export const f32s = (r: VenusWireReader, n: number): Float32Array => new Float32Array(r.bytesPadded(4 * n).buffer);
export const u64s = (r: VenusWireReader, n: number): BigUint64Array => new BigUint64Array(r.bytesPadded(8 * n).buffer);
export const i64s = (r: VenusWireReader, n: number): BigInt64Array => new BigInt64Array(r.bytesPadded(8 * n).buffer);
export const f64s = (r: VenusWireReader, n: number): Float64Array => new Float64Array(r.bytesPadded(8 * n).buffer);

/** Decodes one chain element's own members, given its sType and the already-decoded rest of the chain. */
export type ChainElement = (r: VenusWireReader, d: number, sType: number, pNext: unknown) => unknown;

/**
 * A pNext chain: markers and sTypes first (each looked up in `table`, the extenders the parent allows), a final 0, then
 * the elements' members innermost first.
 */
export function chain(
  r: VenusWireReader,
  d: number,
  table: ReadonlyMap<number, ChainElement>,
  parent: string,
): unknown {
  let m = r.u64n("pNext");
  if (m === 0) return null;
  const fns: ChainElement[] = [];
  const types: number[] = [];
  while (m !== 0) {
    if (m !== 1) malformed(`pNext marker ${m}`);
    const sType = r.i32();
    const f = table.get(sType);
    if (f === undefined) throw new RutabagaError("Unsupported", `sType ${sType} in the pNext chain of ${parent}`);
    if (fns.length >= LIMITS.maxChain) malformed(`pNext chain of ${parent} over ${LIMITS.maxChain}`);
    fns.push(f);
    types.push(sType);
    m = r.u64n("pNext");
  }
  let next: unknown = null;
  for (let i = fns.length - 1; i >= 0; i--) next = fns[i]!(r, d + 1, types[i]!, next);
  return next;
}

/** Checks a top-level struct's sType. */
export function expectSType(r: VenusWireReader, want: number, name: string): number {
  const t = r.i32();
  if (t !== want) malformed(`${name}.sType ${t}, want ${want}`);
  return t;
}

/** A union's member index, below `count`. */
export function unionTag(r: VenusWireReader, count: number, name: string): number {
  const tag = r.u32();
  if (tag >= count) malformed(`${name}: union member ${tag}`);
  return tag;
}
