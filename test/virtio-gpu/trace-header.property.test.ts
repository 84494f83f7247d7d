// The trace header decoder (format versions 1 and 2) under arbitrary headers with a valid checksum, so the JSON and
// its fields are what is tested: only TraceError escapes decodeTrace and a 2D replayTrace, what decodes is in range,
// and what a recorder writes decodes back to the same header.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { crc32 } from "../../src/rutabaga/crc32.ts";
import {
  decodeTrace,
  FramebufferSink,
  MAX_TRACE_CAPSET_BYTES,
  MAX_TRACE_CAPSETS,
  replayTrace,
  TraceError,
  type TraceHeader,
  TraceRecorder,
} from "../../src/virtio-gpu/index.ts";

const RUNS = Number(process.env.FC_RUNS ?? 300);
const MAGIC = new TextEncoder().encode("RTBTRACE");

/** A trace of `version` with `header` as its header bytes, no records, and a correct checksum. */
function traceWith(version: number, header: Uint8Array): Uint8Array {
  const out = new Uint8Array(16 + header.length + 5);
  out.set(MAGIC);
  const v = new DataView(out.buffer);
  v.setUint32(8, version, true);
  v.setUint32(12, header.length, true);
  out.set(header, 16);
  v.setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
  return out;
}

const edgeInt = fc.oneof(
  fc.constantFrom(-1, 0, 1, 15, 16, 17, 0xffff_ffff, 0x1_0000_0000, 2 ** 53, 1.5, Number.NaN),
  fc.integer({ min: -10, max: 20000 }),
);
const hexOf = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
const hexish = fc.oneof(
  fc.uint8Array({ maxLength: 64 }).map(hexOf),
  fc.constantFrom("", "0", "abc", "ABCD", "zz", "0x00", "ff".repeat(MAX_TRACE_CAPSET_BYTES + 1)),
  fc.string({ maxLength: 12 }),
);
const scanout = fc.record(
  {
    width: fc.oneof(edgeInt, fc.constant(1280)),
    height: fc.oneof(edgeInt, fc.constant(800)),
    connected: fc.anything(),
  },
  { requiredKeys: [] },
);
const capset = fc.record(
  { id: fc.oneof(edgeInt, fc.constantFrom(1, 2, 4)), version: edgeInt, bytes: fc.oneof(hexish, fc.anything()) },
  { requiredKeys: [] },
);
const features = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 2 },
  fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((b) => `0x${b.toString(16)}`),
  fc.constantFrom("0x", "0x1ffffffffffffffff", "0X1", "1", "-0x1", "0x-1"),
  fc.anything(),
);
/** Sides mostly valid, so the fields after the scanouts are reached, and at the edges of the range. */
const side = fc.oneof(fc.integer({ min: 16, max: 4095 }), fc.constantFrom(0, 15, 16, 4095, 4096));
const validScanout = fc.record({ width: side, height: side });
const headerObject = fc.record(
  {
    scanouts: fc.oneof(
      { arbitrary: fc.array(validScanout, { minLength: 1, maxLength: 2 }), weight: 4 },
      fc.array(scanout, { maxLength: 18 }),
      fc.anything(),
    ),
    features,
    capsets: fc.oneof(
      fc.array(capset, { maxLength: 4 }),
      fc.anything(),
      fc.constant(new Array(MAX_TRACE_CAPSETS + 1).fill({ id: 1, version: 1, bytes: "" })),
    ),
  },
  { requiredKeys: [] },
);
const headerBytes = fc.oneof(
  headerObject.map((o) => new TextEncoder().encode(JSON.stringify(o))),
  fc.jsonValue().map((o) => new TextEncoder().encode(JSON.stringify(o))),
  fc.uint8Array({ maxLength: 64 }),
);

test("arbitrary headers: only TraceError escapes decoding and a 2D replay; what decodes is in range", () => {
  const good = new TraceRecorder({ scanouts: [{ width: 64, height: 32 }] }).finish();
  fc.assert(
    fc.property(fc.constantFrom(0, 1, 2, 3, 0xffff_ffff), headerBytes, (version, header) => {
      const trace = traceWith(version, header);
      let decoded: TraceHeader | undefined;
      try {
        decoded = decodeTrace(trace).header;
      } catch (e) {
        assert.ok(e instanceof TraceError, String(e));
      }
      if (decoded !== undefined) {
        assert.ok(version === 1 || version === 2);
        assert.ok(decoded.scanouts.length >= 1 && decoded.scanouts.length <= 16);
        for (const s of decoded.scanouts) assert.ok(s.width >= 16 && s.height >= 16);
        if (version === 1) assert.equal(decoded.features ?? decoded.capsets, undefined);
        assert.ok((decoded.features ?? 0n) < 1n << 64n);
        assert.ok((decoded.capsets?.length ?? 0) <= MAX_TRACE_CAPSETS);
        for (const c of decoded.capsets ?? []) assert.ok(c.bytes.length <= MAX_TRACE_CAPSET_BYTES);
      }
      try {
        replayTrace(trace, new FramebufferSink()).device.destroy();
      } catch (e) {
        assert.ok(e instanceof TraceError, String(e));
      }
      // Nothing is kept between calls: a good trace still replays.
      replayTrace(good, new FramebufferSink()).device.destroy();
    }),
    { numRuns: RUNS },
  );
});

test("a recorder's header decodes back to itself", () => {
  const header = fc.record({
    scanouts: fc.array(
      fc.record({ width: fc.integer({ min: 16, max: 4095 }), height: fc.integer({ min: 16, max: 4095 }) }),
      { minLength: 1, maxLength: 16 },
    ),
    features: fc.option(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), { nil: undefined }),
    capsets: fc.uniqueArray(
      fc.record({
        capsetId: fc.nat({ max: 0xffff_ffff }),
        version: fc.nat({ max: 0xffff_ffff }),
        bytes: fc.uint8Array({ maxLength: 300 }),
      }),
      { maxLength: 5, selector: (c) => `${c.capsetId}/${c.version}` },
    ),
  });
  fc.assert(
    fc.property(header, (h) => {
      const recorder = new TraceRecorder({ scanouts: h.scanouts });
      if (h.features !== undefined) recorder.deviceFeatures(h.features);
      for (const c of h.capsets) recorder.capset(c.capsetId, c.version, c.bytes);
      const back = decodeTrace(recorder.finish()).header;
      assert.deepEqual(
        back.scanouts,
        h.scanouts.map((s) => ({ ...s, connected: true })),
      );
      assert.equal(back.features, h.features);
      assert.deepEqual(
        back.capsets,
        h.capsets.map((c) => ({ ...c })),
      );
    }),
    { numRuns: RUNS },
  );
});
