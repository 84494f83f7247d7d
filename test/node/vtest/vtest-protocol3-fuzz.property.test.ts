import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { test } from "node:test";
import fc from "fast-check";
import { VtestCommand } from "../../../src/node/vtest/protocol.ts";
import { VtestError } from "../../../src/node/vtest/vtest-error.ts";
import { virglRutabaga } from "../../../src/node/vtest/vtest-server.ts";
import { VtestSession } from "../../../src/node/vtest/vtest-session.ts";

const RUNS = Number(process.env.FC_RUNS ?? 120);
const LIMITS = {
  maxShmBytes: 1 << 20,
  hostMemoryLimit: 8 << 20,
  maxResources: 16,
  maxMessageBytes: 1 << 16,
  maxSyncs: 6,
  maxPendingWaits: 3,
  maxSyncsPerRequest: 4,
  maxBatches: 3,
  maxPendingSubmits: 4,
};
const openFds = () => readdirSync("/proc/self/fd").length;

const word = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 8 }), weight: 4 },
  { arbitrary: fc.constantFrom(64, 4096, 0x7fffffff, 0x80000000, 0xffffffff), weight: 1 },
  { arbitrary: fc.integer({ min: 0, max: 0xffffffff }), weight: 1 },
);
const syncId = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 2 }), weight: 4 },
  { arbitrary: fc.integer({ min: 0, max: 7 }), weight: 1 },
);
const value = fc.oneof(fc.integer({ min: 0, max: 9 }), fc.constant(0xffffffff));
const triple = fc.tuple(syncId, value, fc.constantFrom(0, 0, 1));
const triples = fc.array(triple, { maxLength: 5 }).map((t) => t.flat());

/** A SUBMIT_CMD2 payload: usually laid out right (headers, then each batch's words and syncs), flags and rings near the edges. */
const submitCmd2 = fc
  .array(
    fc.record({
      flags: fc.constantFrom(0, 1, 1, 2, 4, 3),
      ring: fc.constantFrom(0, 1, 63, 64, 0xffffffff),
      commands: fc.array(word, { maxLength: 6 }),
      syncs: triples,
    }),
    { maxLength: 4 },
  )
  .map((batches) => {
    const out = [batches.length];
    let at = 1 + batches.length * 8;
    const tail: number[] = [];
    for (const b of batches) {
      const cmdOffset = at;
      at += b.commands.length;
      const syncOffset = at;
      at += b.syncs.length;
      out.push(b.flags, cmdOffset, b.commands.length, syncOffset, b.syncs.length / 3, b.ring, 0, 0);
      tail.push(...b.commands, ...b.syncs);
    }
    return [...out, ...tail];
  });

/** Protocol 3 requests, mostly framed as their command expects. */
const v3Message: fc.Arbitrary<[number, number[]]> = fc.oneof(
  fc.tuple(fc.constant(VtestCommand.GetParam), fc.tuple(fc.integer({ min: 0, max: 3 }))),
  fc.tuple(
    fc.constant(VtestCommand.GetCapset),
    fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 3 })),
  ),
  fc.tuple(fc.constant(VtestCommand.ContextInit), fc.tuple(fc.constantFrom(0, 1, 2, 2, 4, 5, 9))),
  fc.tuple(
    fc.constant(VtestCommand.ResourceCreateBlob),
    fc.tuple(
      fc.integer({ min: 0, max: 4 }),
      fc.integer({ min: 0, max: 9 }),
      fc.constantFrom(0, 4096, 65536, 0xffffffff),
      fc.constantFrom(0, 0, 1),
      word,
      fc.constantFrom(0, 1),
    ),
  ),
  fc.tuple(fc.constant(VtestCommand.SyncCreate), fc.tuple(value, fc.constantFrom(0, 1))),
  fc.tuple(fc.constantFrom(VtestCommand.SyncUnref, VtestCommand.SyncRead), fc.tuple(syncId)),
  fc.tuple(fc.constant(VtestCommand.SyncWrite), fc.tuple(syncId, value, fc.constantFrom(0, 1))),
  fc.tuple(
    fc.constant(VtestCommand.SyncWait),
    fc.tuple(fc.integer({ min: 0, max: 2 }), fc.constantFrom(0, 1, 1000, 0xffffffff), triples),
  ),
  fc.tuple(fc.constant(VtestCommand.SubmitCmd2), submitCmd2),
  fc.tuple(fc.integer({ min: 1, max: 24 }), fc.array(word, { maxLength: 12 })),
) as fc.Arbitrary<[number, number[]]>;
const flat = (m: [number, unknown[]]): [number, number[]] => [m[0], (m[1] as (number | number[])[]).flat()];

const HANDSHAKE: [number, Uint8Array][] = [
  [VtestCommand.CreateRenderer, new TextEncoder().encode("fuzz3\0")],
  [VtestCommand.ProtocolVersion, Uint8Array.of(3, 0, 0, 0)],
  // Syncs 1 and 2 at 0, so waits and submits name syncs that exist.
  [VtestCommand.SyncCreate, new Uint8Array(8)],
  [VtestCommand.SyncCreate, new Uint8Array(8)],
];

test("any protocol 3 sequence makes a session return only VtestError, within its limits, and closing it closes every descriptor", () => {
  const fdsAtStart = openFds();
  fc.assert(
    fc.property(fc.array(v3Message.map(flat), { maxLength: 24 }), (messages) => {
      let sent = 0;
      const session = new VtestSession(
        {
          send: (_bytes, fds) => {
            sent += fds?.length ?? 0;
          },
        },
        { rutabaga: (handler, limit) => virglRutabaga(handler, limit), limits: LIMITS },
      );
      try {
        const all = [
          ...HANDSHAKE,
          ...messages.map(([c, w]) => [c, new Uint8Array(Uint32Array.from(w).buffer)] as [number, Uint8Array]),
        ];
        for (const [command, bytes] of all) {
          // Anything but a VtestError value (a throw included) fails the run.
          const refusal = session.handle(command, bytes);
          if (refusal !== undefined) {
            assert.ok(refusal instanceof VtestError, String(refusal));
            break;
          }
          const s = session.syncs;
          assert.ok(s.count <= LIMITS.maxSyncs && s.pendingWaits <= LIMITS.maxPendingWaits);
          assert.ok(s.pendingSubmits <= LIMITS.maxPendingSubmits);
          assert.ok(session.shmBytes <= LIMITS.maxShmBytes);
        }
      } finally {
        session.close();
      }
      assert.ok(sent >= 0);
      assert.deepEqual(session.syncs, { count: 0, pendingWaits: 0, pendingSubmits: 0 });
      assert.equal(session.shmBytes, 0);
      // The host GL may keep a descriptor or two of its own after the first instance: allow that once.
      assert.ok(openFds() <= fdsAtStart + 4, `${openFds()} descriptors open, ${fdsAtStart} at the start`);
    }),
    { numRuns: RUNS },
  );
});
