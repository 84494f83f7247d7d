import assert from "node:assert/strict";
import {
  type ResourceCreate3D,
  type Rutabaga,
  RutabagaBuilder,
  RutabagaComponentType,
  RutabagaError,
  type RutabagaErrorCode,
  type RutabagaFence,
} from "../../src/index.ts";

/** A 2D instance (legacy mask 0) and the fences its handler saw. */
export function make2d(hostMemoryLimit?: number): { rutabaga: Rutabaga; fences: RutabagaFence[] } {
  const fences: RutabagaFence[] = [];
  const builder = new RutabagaBuilder(0n, (f) => fences.push(f)).setDefaultComponent(RutabagaComponentType.Rutabaga2D);
  if (hostMemoryLimit !== undefined) builder.setHostMemoryLimit(hostMemoryLimit);
  return { rutabaga: builder.build(), fences };
}

/** The arguments a virtio-gpu RESOURCE_CREATE_2D turns into. */
export function create2d(width: number, height: number, format = 1): ResourceCreate3D {
  return { target: 2, format, bind: 2, width, height, depth: 1, arraySize: 1, lastLevel: 0, nrSamples: 0, flags: 0 };
}

/** Asserts that `fn` throws a RutabagaError with `code`. */
export function assertCode(fn: () => unknown, code: RutabagaErrorCode): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof RutabagaError, `expected RutabagaError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return true;
  });
}

/** Splits `memory` into views at the given cut points. */
export function splitAt(memory: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [0, ...cuts, memory.byteLength];
  const out: Uint8Array[] = [];
  for (let i = 0; i + 1 < points.length; i++) out.push(memory.subarray(points[i]!, points[i + 1]!));
  return out;
}

/** Bytes 0, 1, 2, ... wrapping at 251 (a prime, so rows never repeat by accident). */
export function pattern(length: number, seed = 0): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i + seed) % 251;
  return out;
}

/** Reads a whole 2D resource back as tightly packed rows. */
export function readAll(rutabaga: Rutabaga, resourceId: number, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height * 4);
  rutabaga.transferRead(
    0,
    resourceId,
    { x: 0, y: 0, z: 0, w: width, h: height, d: 1, level: 0, stride: width * 4, layerStride: 0, offset: 0 },
    out,
  );
  return out;
}
