import { RutabagaError } from "./error.ts";

/** Throws `CheckedRange` unless `value` is an integer in [0, 2^32). */
export function checkU32(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) {
    throw new RutabagaError("CheckedRange", `${name} ${String(value)} is not a 32-bit unsigned integer`);
  }
  return value;
}

/** True when `value` is an integer in [0, 2^32). */
export function isU32(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= 0xffff_ffff;
}

/** Throws `CheckedRange` unless `value` is an integer in [0, 2^64). */
export function checkU64(value: bigint, name: string): bigint {
  if (typeof value !== "bigint" || value < 0n || value > 0xffff_ffff_ffff_ffffn) {
    throw new RutabagaError("CheckedRange", `${name} ${String(value)} is not a 64-bit unsigned integer`);
  }
  return value;
}

/** Throws `CheckedRange` unless `value` is a non-negative safe integer (a byte offset). */
export function checkOffset(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RutabagaError("CheckedRange", `${name} ${String(value)} is not a byte offset`);
  }
  return value;
}

/** Checks every 32-bit field of an argument object, naming the field on failure. */
export function checkU32Fields<T extends object>(obj: T, fields: readonly (keyof T & string)[], what: string): void {
  if (typeof obj !== "object" || obj === null) throw new RutabagaError("CheckedRange", `${what} is not an object`);
  for (const f of fields) {
    const value = obj[f] as number;
    // The field's name is only put together for the error.
    if (!isU32(value)) checkU32(value, `${what}.${f}`);
  }
}
