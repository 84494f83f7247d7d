import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  encodeAssignSocketUuid,
  encodeGetImageRequirements,
  encodeInit,
  encodePoll,
  encodeReadCreateEvent,
  encodeSend,
  encodeWrite,
} from "../../../src/components/cross-domain/guest-encoder.ts";
import { fourcc } from "../../../src/components/cross-domain/image-layout.ts";
import { type MemoryHandle, MemoryHost } from "../../../src/components/cross-domain/memory-host.ts";
import { RutabagaBlobFlags, RutabagaBlobMem, RutabagaFenceFlags } from "../../../src/rutabaga/constants.ts";
import { RutabagaError } from "../../../src/rutabaga/error.ts";
import { crossDomainSetup, text } from "./helpers.ts";

// FC_RUNS scales the run count; CI runs a slice, `FC_RUNS=1000000` runs the million.
const RUNS = Number(process.env.FC_RUNS ?? 300);

const small = fc.nat({ max: 6 });
const id = fc.oneof(small, fc.constantFrom(0x80000001, 0x80000002, 0xffffffff), fc.nat({ max: 0xffff_ffff }));
const idType = fc.oneof(fc.integer({ min: 0, max: 8 }), fc.nat({ max: 0xffff_ffff }));
const format = fc.oneof(fc.constantFrom(...["XR24", "AR24", "NV12", "YV12", "R8  ", "AB4H"].map(fourcc)), fc.nat());
const dim = fc.oneof(fc.nat({ max: 64 }), fc.constantFrom(0xffff_ffff, 65536, 0x4000_0000));
const data = fc.uint8Array({ maxLength: 48 });
const identifiers = fc.array(fc.record({ id, type: idType, size: fc.nat({ max: 0xffff_ffff }) }), { maxLength: 4 });

const command = fc.oneof(
  fc
    .tuple(
      small,
      small,
      fc.constantFrom(0, 1, 2, 0x11, 0xffffffff),
      fc.constantFrom(16, 20, 36) as fc.Arbitrary<16 | 20 | 36>,
    )
    .map(([q, c, t, s]) => encodeInit(q, c, t, s)),
  fc.tuple(dim, dim, format, fc.nat()).map(([w, h, f, u]) => encodeGetImageRequirements(w, h, f, u)),
  fc.constant(encodePoll()),
  fc.tuple(identifiers, data).map(([ids, d]) => encodeSend(ids, d)),
  fc.tuple(id, data, fc.boolean()).map(([i, d, h]) => encodeWrite(i, d, h)),
  id.map(encodeReadCreateEvent),
  fc.tuple(fc.uint8Array({ minLength: 16, maxLength: 16 }), id).map(([u, i]) => encodeAssignSocketUuid(u, i)),
  fc.uint8Array({ maxLength: 64 }),
);

/** A valid command damaged: cut short, its cmd_size changed, its cmd byte changed. */
const damaged = fc
  .tuple(command, fc.nat({ max: 400 }), fc.nat({ max: 0xffff }), fc.nat({ max: 255 }), fc.nat({ max: 3 }))
  .map(([c, cut, size, cmd, how]) => {
    const b = c.slice();
    if (how === 0) return b.subarray(0, Math.min(cut, b.length));
    if (how === 1 && b.length >= 4) new DataView(b.buffer).setUint16(2, size, true);
    if (how === 2 && b.length >= 1) b[0] = cmd;
    return b;
  });

type Op =
  | { op: "submit"; bytes: Uint8Array[] }
  | { op: "fence"; ring: number }
  | { op: "peer"; data: Uint8Array; fds: number[] }
  | { op: "poll" }
  | { op: "blob"; resourceId: number; blobId: number; size: number; mem: number }
  | { op: "map"; resourceId: number; unmap: boolean }
  | { op: "unref"; resourceId: number }
  | { op: "attach"; resourceId: number; detach: boolean }
  | { op: "ring"; resourceId: number; size: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant("submit" as const),
      bytes: fc.array(fc.oneof(command, damaged), { minLength: 1, maxLength: 3 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("fence" as const),
      ring: fc.oneof(fc.constantFrom(0, 1), fc.nat({ max: 255 })),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("peer" as const),
      data,
      fds: fc.array(fc.nat({ max: 5 }), { maxLength: 3 }),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ op: "poll" as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("blob" as const),
      resourceId: fc.integer({ min: 10, max: 14 }),
      blobId: fc.oneof(small, fc.nat()),
      size: fc.oneof(fc.constantFrom(0, 4096, 8192, 16384), fc.nat()),
      mem: fc.constantFrom(RutabagaBlobMem.Host3D, RutabagaBlobMem.Guest),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("map" as const),
      resourceId: fc.integer({ min: 1, max: 14 }),
      unmap: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant("unref" as const), resourceId: fc.integer({ min: 1, max: 14 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("attach" as const),
      resourceId: fc.integer({ min: 1, max: 14 }),
      detach: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("ring" as const),
      resourceId: fc.integer({ min: 1, max: 4 }),
      size: fc.constantFrom(0, 7, 24, 64, 351, 352, 4096),
    }),
  },
);

function only(e: unknown): void {
  if (!(e instanceof RutabagaError)) throw e;
}

test("cross-domain SUBMIT payloads, ring set-ups and host traffic: only RutabagaError escapes, nothing leaks, the instance still works", () => {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 12 }), fc.boolean(), (ops, started) => {
      const host = new MemoryHost();
      const { rutabaga, guest, peers } = crossDomainSetup(host, { ringSize: 4096 });
      const kinds = (): MemoryHandle => host.createMemory(4096);
      if (started) guest.start(1);
      else rutabaga.createContext(1, 5);
      const mine: MemoryHandle[] = [];
      for (const o of ops) {
        try {
          switch (o.op) {
            case "submit":
              for (const b of o.bytes) rutabaga.submitCommand(1, b);
              break;
            case "fence":
              rutabaga.createFence({ flags: RutabagaFenceFlags.InfoRingIdx, fenceId: 1n, ctxId: 1, ringIdx: o.ring });
              break;
            case "peer": {
              const fds = o.fds.map((k) => {
                const made: MemoryHandle[] =
                  k === 0
                    ? [kinds()]
                    : k === 1
                      ? [host.createEvent()]
                      : k === 2
                        ? (({ read, write }) => [write, read])(host.createPipe())
                        : k === 3
                          ? [host.createFile()]
                          : k === 4
                            ? host.createSocketPair()
                            : (({ read, write }) => [read, write])(host.createPipe());
                mine.push(...made);
                return made[0]!;
              });
              peers[0]?.send(o.data.length === 0 && fds.length > 0 ? text("x") : o.data, fds);
              break;
            }
            case "poll":
              host.poll();
              break;
            case "blob":
              rutabaga.resourceCreateBlob(
                o.mem === RutabagaBlobMem.Guest ? 0 : 1,
                o.resourceId,
                {
                  blobMem: o.mem,
                  blobFlags: RutabagaBlobFlags.UseMappable,
                  blobId: BigInt(o.blobId),
                  size: BigInt(o.size),
                },
                o.mem === RutabagaBlobMem.Guest ? [new Uint8Array(Math.min(o.size, 8192))] : undefined,
              );
              break;
            case "map":
              if (o.unmap) rutabaga.unmap(o.resourceId);
              else rutabaga.map(o.resourceId);
              break;
            case "unref":
              rutabaga.unrefResource(o.resourceId);
              break;
            case "attach":
              if (o.detach) rutabaga.contextDetachResource(1, o.resourceId);
              else rutabaga.contextAttachResource(1, o.resourceId);
              break;
            case "ring":
              rutabaga.resourceCreateBlob(
                0,
                o.resourceId,
                { blobMem: RutabagaBlobMem.Guest, blobFlags: 1, blobId: 0n, size: BigInt(o.size) },
                [new Uint8Array(o.size)],
              );
              break;
          }
        } catch (e) {
          only(e);
        }
      }
      host.poll();
      // Still serving: a fresh context on the same instance works end to end.
      rutabaga.createContext(9, 5);
      const q = new Uint8Array(4096);
      rutabaga.resourceCreateBlob(0, 100, { blobMem: 1, blobFlags: 1, blobId: 0n, size: 4096n }, [q]);
      rutabaga.contextAttachResource(9, 100);
      rutabaga.submitCommand(9, encodeInit(100, 100, 1, 20));
      rutabaga.submitCommand(9, encodeGetImageRequirements(4, 4, fourcc("XR24"), 0));
      assert.equal(new DataView(q.buffer).getUint32(0, true), 16);
      // Nothing leaks once the guest and the test drop everything.
      rutabaga.destroy();
      for (const p of peers) for (const m of p.take()) for (const f of m.fds) host.close(f);
      for (const p of peers) p.close();
      for (const h of mine) if (host.open.has(h)) host.close(h);
      assert.deepEqual(
        [...host.open].map((h) => host.describe(h).kind),
        [],
      );
    }),
    { numRuns: RUNS },
  );
});
