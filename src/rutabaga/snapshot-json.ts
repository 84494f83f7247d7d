import { RutabagaError } from "./error.ts";

/** A value parsed from a snapshot's JSON header, not checked yet. */
export type Json = unknown;

/** Throws `SnapshotError` with `why`. */
export function snapshotFail(why: string): never {
  throw new RutabagaError("SnapshotError", why);
}

/** `v` as an object (not an array), or `SnapshotError` naming `what`. */
export function jsonObject(v: Json, what: string): Record<string, Json> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) snapshotFail(`${what} is not an object`);
  return v as Record<string, Json>;
}

/** `v` as an integer in 0..2³²−1. */
export function jsonU32(v: Json, what: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 0xffff_ffff) snapshotFail(`${what} is not a u32`);
  return v;
}

/** `v` as a u64 written as a decimal string (JSON numbers lose precision past 2⁵³). */
export function jsonU64(v: Json, what: string): bigint {
  if (typeof v !== "string" || !/^[0-9]{1,20}$/.test(v)) snapshotFail(`${what} is not a u64 string`);
  const n = BigInt(v);
  if (n > 0xffff_ffff_ffff_ffffn) snapshotFail(`${what} overflows u64`);
  return n;
}

/** `v` as a boolean. */
export function jsonBool(v: Json, what: string): boolean {
  if (typeof v !== "boolean") snapshotFail(`${what} is not a boolean`);
  return v;
}

/** `v` as an array of at most `max` entries. */
export function jsonArray(v: Json, what: string, max = Number.MAX_SAFE_INTEGER): Json[] {
  if (!Array.isArray(v)) snapshotFail(`${what} is not an array`);
  if (v.length > max) snapshotFail(`${what} has more than ${max} entries`);
  return v;
}
