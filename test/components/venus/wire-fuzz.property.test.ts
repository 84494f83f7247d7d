import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  decodeVenusCommand,
  decodeVenusCommandInterpreted,
  decodeVenusReply,
  VENUS_WIRE_LIMITS,
  venusCommandBytes,
  venusReplyBytes,
} from "../../../src/components/venus/wire-codec.ts";
import { VenusWireReader } from "../../../src/components/venus/wire-stream.ts";
import { isRutabagaError } from "../../../src/rutabaga/error.ts";
import { commandArgs, DECODABLE_TYPES, replyValues } from "./wire-arbitrary.ts";
import { WireBytes } from "./wire-bytes.ts";

const RUNS = Number(process.env.FC_RUNS ?? 300);
const known = new WireBytes().u32(2).u32(1).u64(0x1234).u64(1).u32(1).u64(1).u64(0x10).bytes();

/** Decodes every command in `bytes` with `r`; returns how it ended. Any non-RutabagaError fails the property. */
function drain(r: VenusWireReader, bytes: Uint8Array): string {
  r.reset(bytes);
  try {
    while (r.remaining > 0) decodeVenusCommand(r);
    return "ok";
  } catch (e) {
    if (!isRutabagaError(e)) throw e;
    return e.code;
  }
}

function stillWorks(r: VenusWireReader): void {
  r.reset(known);
  assert.equal(decodeVenusCommand(r).name, "vkEnumeratePhysicalDevices");
}

test("random bytes: only RutabagaError escapes, and the reader still decodes afterwards", () => {
  const r = new VenusWireReader();
  fc.assert(
    fc.property(
      fc.oneof(
        fc.uint8Array({ maxLength: 512 }),
        // A valid command type up front, so the bytes reach the parameter decoders.
        fc
          .tuple(fc.constantFrom(...DECODABLE_TYPES), fc.uint8Array({ maxLength: 512 }))
          .map(([t, tail]) => Uint8Array.from([...new WireBytes().u32(t).u32(0).bytes(), ...tail])),
      ),
      (bytes) => {
        drain(r, bytes);
        stillWorks(r);
      },
    ),
    { numRuns: RUNS * 4 },
  );
});

test("mutated valid commands: only RutabagaError escapes", () => {
  const r = new VenusWireReader();
  fc.assert(
    fc.property(
      fc.constantFrom(...DECODABLE_TYPES),
      fc.integer(),
      fc.array(fc.tuple(fc.nat(), fc.constantFrom(0, 1, 2, 3, 0xff, 0x80)), { minLength: 1, maxLength: 4 }),
      fc.nat(),
      (type, seed, flips, cut) => {
        const b = venusCommandBytes(type, 0, commandArgs(type, seed)).slice();
        for (const [at, v] of flips) if (b.length) b[at % b.length] = v;
        drain(r, b);
        drain(r, b.subarray(0, b.length ? cut % b.length : 0));
        stillWorks(r);
      },
    ),
    { numRuns: RUNS * 4 },
  );
});

test("every decodable command: decode(encode(args)) is a fixed point, bytes and values", () => {
  const r = new VenusWireReader();
  fc.assert(
    fc.property(fc.constantFrom(...DECODABLE_TYPES), fc.integer(), (type, seed) => {
      const b1 = venusCommandBytes(type, 1, commandArgs(type, seed));
      r.reset(b1);
      const x = decodeVenusCommand(r);
      assert.equal(r.pos, b1.length);
      assert.equal(x.type, type);
      const b2 = venusCommandBytes(type, 1, x.args);
      assert.deepEqual(b2, b1);
      r.reset(b2);
      assert.deepEqual(decodeVenusCommand(r), x);
    }),
    { numRuns: RUNS * 4 },
  );
});

test("every decodable command's reply: decode(encode(values)) is a fixed point", () => {
  const r = new VenusWireReader();
  fc.assert(
    fc.property(fc.constantFrom(...DECODABLE_TYPES), fc.integer(), (type, seed) => {
      const b1 = venusReplyBytes(type, replyValues(type, seed));
      r.reset(b1);
      const y = decodeVenusReply(r);
      assert.equal(r.pos, b1.length);
      const b2 = venusReplyBytes(type, y.values);
      assert.deepEqual(b2, b1);
      r.reset(b2);
      assert.deepEqual(decodeVenusReply(r), y);
    }),
    { numRuns: RUNS * 4 },
  );
});

/** Decodes with `decode`, reporting the value or the error code, and where the reader stopped. */
function outcome(
  decode: typeof decodeVenusCommand,
  bytes: Uint8Array,
): { value?: unknown; code?: string; pos: number } {
  const r = new VenusWireReader(bytes);
  try {
    return { value: decode(r), pos: r.pos };
  } catch (e) {
    if (!isRutabagaError(e)) throw e;
    return { code: e.code, pos: -1 };
  }
}

test("the generated decoders agree with the table interpreter: values, error codes, bytes consumed", () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...DECODABLE_TYPES),
      fc.integer(),
      fc.array(fc.tuple(fc.nat(), fc.constantFrom(0, 1, 2, 0xff)), { maxLength: 3 }),
      (type, seed, flips) => {
        const b = venusCommandBytes(type, 0, commandArgs(type, seed)).slice();
        for (const [at, v] of flips) if (b.length) b[at % b.length] = v;
        assert.deepEqual(outcome(decodeVenusCommand, b), outcome(decodeVenusCommandInterpreted, b));
      },
    ),
    { numRuns: RUNS * 4 },
  );
});

test("limits: a pNext chain one over the limit and an array count beyond the stream are refused before allocating", () => {
  const chain = (n: number) => {
    const w = new WireBytes().u32(148).u32(1).u64(0x10).u64(1).i32(1000059001);
    for (let i = 0; i < n; i++) w.u64(1).i32(1000071004);
    return w.u64(0).bytes();
  };
  const r = new VenusWireReader();
  r.reset(chain(VENUS_WIRE_LIMITS.maxChain));
  assert.equal(decodeVenusCommand(r).name, "vkGetPhysicalDeviceProperties2");
  assert.equal(drain(r, chain(VENUS_WIRE_LIMITS.maxChain + 1)), "InvalidCommandBuffer");
  // vkCmdSetViewport with 2^40 viewports announced and 8 bytes present.
  const huge = new WireBytes()
    .u32(94)
    .u32(0)
    .u64(0x50)
    .u32(0)
    .u32(2 ** 31)
    .u64(2 ** 40)
    .u64(0)
    .bytes();
  assert.equal(drain(r, huge), "InvalidCommandBuffer");
  // Output structs whose partial form takes no bytes: the element count is capped instead.
  const families = (n: number) => new WireBytes().u32(7).u32(1).u64(0x10).u64(1).u32(n).u64(n).bytes();
  r.reset(families(VENUS_WIRE_LIMITS.maxZeroSizeElements));
  assert.equal(
    (decodeVenusCommand(r).args.pQueueFamilyProperties as unknown[]).length,
    VENUS_WIRE_LIMITS.maxZeroSizeElements,
  );
  assert.equal(drain(r, families(2 ** 31)), "InvalidCommandBuffer");
  const wide = new WireBytes()
    .u32(94)
    .u32(0)
    .u64(0x50)
    .u32(0)
    .u32(2 ** 31)
    .u64(2 ** 31)
    .u64(0)
    .bytes();
  assert.equal(drain(r, wide), "InvalidCommandSize");
});
