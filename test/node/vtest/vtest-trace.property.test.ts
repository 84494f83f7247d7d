// A traced vtest session under arbitrary request sequences: the session still refuses only with VtestError, the
// trace it leaves decodes, and replaying it on a new virgl library answers every request with success (only what
// the live library accepted is traced), with the same bytes read back.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { VirglTransferDirection } from "../../../src/components/virgl/protocol/commands.ts";
import { VirglEncoder } from "../../../src/components/virgl/protocol/encoder.ts";
import { replayTraceOnHost } from "../../../src/node/gl/trace-replay.ts";
import { VIRGL_FORMAT_R8G8B8A8_UNORM as RGBA8 } from "../../../src/node/vtest/mock-client.ts";
import { VtestCommand } from "../../../src/node/vtest/protocol.ts";
import { VtestError } from "../../../src/node/vtest/vtest-error.ts";
import { virglRutabaga } from "../../../src/node/vtest/vtest-server.ts";
import { VtestSession } from "../../../src/node/vtest/vtest-session.ts";
import { VtestTraceWriter } from "../../../src/node/vtest/vtest-trace.ts";
import type { IovecSource } from "../../../src/rutabaga/rutabaga.ts";
import type { RutabagaFenceHandler } from "../../../src/rutabaga/types.ts";
import { decodeTrace, FramebufferSink } from "../../../src/virtio-gpu/index.ts";
import { packBox } from "./readback-box.ts";

const RUNS = Number(process.env.FC_RUNS ?? 40);
const LIMITS = { maxShmBytes: 1 << 20, hostMemoryLimit: 8 << 20, maxResources: 16, maxMessageBytes: 1 << 16 };
const SIDE = 16;

const words = (a: readonly number[]) => new Uint8Array(Uint32Array.from(a).buffer);
/** Mostly inside the resource, so requests get through; now and then at or past its edge. */
const coord = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 8 }), weight: 20 },
  { arbitrary: fc.constantFrom(SIDE - 1, SIDE, 0xffff_ffff), weight: 1 },
);
const size = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 8 }), weight: 20 },
  { arbitrary: fc.constantFrom(0, SIDE, SIDE + 1), weight: 1 },
);
/** Mostly the resources every run starts with (1: a texture, 2: a buffer). */
const handle = fc.oneof(
  { arbitrary: fc.constantFrom(1, 2), weight: 6 },
  { arbitrary: fc.constantFrom(3, 4), weight: 1 },
);
const rare = <T>(usual: T, ...others: T[]) =>
  fc.oneof({ arbitrary: fc.constant(usual), weight: 15 }, { arbitrary: fc.constantFrom(...others), weight: 1 });
/** A box (handle, level, x, y, z, w, h, d, size, offset) on texture 1, buffer 2, or now and then anything. */
const box = fc
  .oneof(
    {
      arbitrary: fc
        .tuple(rare(0, 1), coord, coord, size, size, rare(0, 64, 1024, 2048, 0xffff_fff0))
        .map(([level, x, y, w, h, offset]) => [1, level, x, y, 0, w, h, 1, 64, offset]),
      weight: 4,
    },
    {
      arbitrary: fc
        .tuple(fc.integer({ min: 0, max: 4000 }), fc.integer({ min: 1, max: 96 }), rare(0, 100, 4000, 4096))
        .map(([x, w, offset]) => [2, 0, x, 0, 0, w, 1, 1, w, offset]),
      weight: 4,
    },
    {
      arbitrary: fc.tuple(handle, rare(0, 1), coord, coord, rare(0, 1), size, size, rare(1, 0, 2), rare(0, 4, 4096)),
      weight: 1,
    },
  )
  .map((b) => (b.length === 9 ? [...b.slice(0, 8), 64, b[8]!] : b));
type Step = [number, Uint8Array];
/**
 * RESOURCE_CREATE2 (handle, target, format, bind, w, h, depth, array size, last level, samples, shm bytes): a 16×16
 * RGBA8 texture of two levels or a 4 KiB buffer.
 */
const createWords = (h: number, buffer: boolean, bytes: number) =>
  words(
    buffer
      ? [h, 0, 64, 16, 4096, 1, 1, 1, 0, 0, bytes]
      : [h, 2, RGBA8, 10, SIDE, SIDE, 1, 1, 1, 0, bytes === 0 ? 0 : 2048],
  );
const create: fc.Arbitrary<Step> = fc
  .tuple(rare(3, 4, 1), fc.boolean(), fc.constantFrom(0, 2048, 4096))
  .map(([h, buffer, bytes]): Step => [VtestCommand.ResourceCreate2, createWords(h, buffer, bytes)]);
/** Every run's first resources. */
const SETUP: Step[] = [
  [VtestCommand.ResourceCreate2, createWords(1, false, 2048)],
  [VtestCommand.ResourceCreate2, createWords(2, true, 4096)],
];
const step: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: create, weight: 1 },
  { arbitrary: box.map((b): Step => [VtestCommand.TransferPut2, words(b)]), weight: 3 },
  { arbitrary: box.map((b): Step => [VtestCommand.TransferGet2, words(b)]), weight: 3 },
  fc
    .tuple(
      rare(1, 2, 3),
      rare(2, 1, 4),
      fc.integer({ min: 0, max: 8 }),
      fc.integer({ min: 0, max: 3000 }),
      fc.boolean(),
    )
    .map(([dst, src, w, offset, reread]): Step => {
      // With `reread`, the staging bytes are read, overwritten by a read-back of the buffer and read again.
      const copy = { x: 1, y: 1, z: 0, w, h: 2, d: 1, level: 0, stride: 64, layerStride: 0, offset };
      const e = new VirglEncoder().copyTransfer3d(reread ? 1 : dst, copy, reread ? 2 : src, 1);
      if (reread) {
        // Texture 1 takes the staging bytes at (1, 1), buffer 2's read-back overwrites them, (9, 9) takes those.
        const all = { x: 0, y: 0, z: 0, w: 4096, h: 1, d: 1, level: 0, stride: 0, layerStride: 0, offset: 0 };
        e.transfer3d(2, all, VirglTransferDirection.FromHost).copyTransfer3d(1, { ...copy, x: 9, y: 9 }, 2, 1);
      }
      e.transfer3d(dst, { x: 0, y: 0, z: 0, w: 4, h: 4, d: 1, level: 0, stride: 0, layerStride: 0, offset: 0 });
      return [VtestCommand.SubmitCmd, e.finish()];
    }),
  { arbitrary: fc.constantFrom(1, 2, 3, 4).map((h): Step => [VtestCommand.ResourceUnref, words([h])]), weight: 1 },
);

test("a traced session refuses only with VtestError; its trace replays with every request succeeding and the same bytes read back", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(step, { minLength: 4, maxLength: 16 }),
      fc.uint8Array({ minLength: 64, maxLength: 64 }),
      async (steps, fill) => {
        const trace = new VtestTraceWriter();
        // Each resource's shared memory, as the session hands it to the library.
        const shm = new Map<number, Uint8Array>();
        const rutabaga = (h: RutabagaFenceHandler, limit: number) => {
          const rb = virglRutabaga(h, limit);
          const attach = rb.attachBacking.bind(rb);
          rb.attachBacking = (id: number, iovecs: IovecSource) => {
            attach(id, iovecs);
            shm.set(id, (iovecs as Uint8Array[])[0]!);
          };
          return rb;
        };
        const session = new VtestSession({ send: () => {} }, { rutabaga, limits: LIMITS, trace });
        const live: Uint8Array[] = [];
        try {
          for (const [command, payload] of [
            [VtestCommand.CreateRenderer, new TextEncoder().encode("fuzz\0")],
            [VtestCommand.ProtocolVersion, words([2])],
            ...SETUP,
            ...steps,
          ] as Step[]) {
            // The client's memory holds something: the upload's bytes must come from the trace.
            for (const view of shm.values()) for (let i = 0; i < view.length; i++) view[i] = fill[i % 64]! ^ (i & 0xff);
            const refusal = session.handle(command, payload);
            if (refusal !== undefined) {
              assert.ok(refusal instanceof VtestError, String(refusal));
              break;
            }
            if (command === VtestCommand.TransferGet2) {
              const [id, level, x, y, z, w, h, d, , offset] = new Uint32Array(payload.buffer);
              const t = {
                x: x!,
                y: y!,
                z: z!,
                w: w!,
                h: h!,
                d: d!,
                level: level!,
                stride: 0,
                layerStride: 0,
                offset: offset!,
              };
              const info = session.rutabaga!.resourceInfo(id!);
              const view = shm.get(id!)!;
              const read = (o: number, n: number) => view.slice(o, o + n);
              live.push(packBox(read, t, info.width, info.height, info.format ?? 0));
            }
          }
        } finally {
          session.close();
        }
        const bytes = trace.finish();
        decodeTrace(bytes);
        const got: Uint8Array[] = [];
        const result = await replayTraceOnHost(bytes, new FramebufferSink(), {
          onReadBack: (r) => {
            const read = (o: number, n: number) => r.read(o, n) ?? new Uint8Array(n);
            got.push(packBox(read, r.transfer, r.width, r.height, r.format));
          },
        });
        try {
          assert.deepEqual([...result.errors], []);
          assert.deepEqual(got, live);
        } finally {
          result.device.destroy();
        }
      },
    ),
    { numRuns: RUNS },
  );
});
