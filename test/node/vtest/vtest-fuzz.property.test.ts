import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import fc from "fast-check";
import { closeFd } from "../../../src/node/os/fd.ts";
import { MemoryMapping } from "../../../src/node/os/memory-mapping.ts";
import { UnixSocket } from "../../../src/node/os/unix-socket.ts";
import { frameVtest } from "../../../src/node/vtest/codec.ts";
import { MockVtestClient } from "../../../src/node/vtest/mock-client.ts";
import { VtestCommand } from "../../../src/node/vtest/protocol.ts";
import { VtestError } from "../../../src/node/vtest/vtest-error.ts";
import { VtestReader } from "../../../src/node/vtest/vtest-reader.ts";
import { VtestServer, virglRutabaga } from "../../../src/node/vtest/vtest-server.ts";
import { VtestSession } from "../../../src/node/vtest/vtest-session.ts";
import { ServerLog } from "./server-log.ts";

const RUNS = Number(process.env.FC_RUNS ?? 120);
const LIMITS = { maxShmBytes: 1 << 20, hostMemoryLimit: 8 << 20, maxResources: 16, maxMessageBytes: 1 << 16 };

const word = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 4 }), weight: 4 },
  { arbitrary: fc.integer({ min: 0, max: 70 }), weight: 3 },
  { arbitrary: fc.constantFrom(1, 2, 67, 64, 0x10, 0x1000, 0xffffffff, 0x80000000), weight: 2 },
  { arbitrary: fc.integer({ min: 0, max: 0xffffffff }), weight: 1 },
);
const commandId = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 14 }), weight: 10 },
  { arbitrary: fc.integer({ min: 0, max: 0xffffffff }), weight: 1 },
);
/** Payload words each command takes (TRANSFER_PUT then carries data, SUBMIT_CMD a stream). */
const FIXED_WORDS: Record<number, number> = {
  [VtestCommand.ResourceCreate]: 10,
  [VtestCommand.ResourceCreate2]: 11,
  [VtestCommand.ResourceUnref]: 1,
  [VtestCommand.TransferGet]: 11,
  [VtestCommand.TransferPut]: 11,
  [VtestCommand.ResourceBusyWait]: 2,
  [VtestCommand.ProtocolVersion]: 1,
  [VtestCommand.TransferGet2]: 10,
  [VtestCommand.TransferPut2]: 10,
};
/** RESOURCE_CREATE(2) words that a host can often honour: small 2D textures and buffers on handles 1–4. */
const plausibleCreate = (v2: boolean) =>
  fc
    .record({
      handle: fc.integer({ min: 1, max: 4 }),
      buffer: fc.boolean(),
      format: fc.constantFrom(67, 1, 2, 64),
      bind: fc.constantFrom(2, 8, 10, 16, 0x10000),
      width: fc.integer({ min: 1, max: 64 }),
      height: fc.integer({ min: 1, max: 64 }),
      lastLevel: fc.integer({ min: 0, max: 2 }),
      bytes: fc.constantFrom(0, 64, 4096, 16384, 70000),
    })
    .map((r) => [
      r.handle,
      r.buffer ? 0 : 2,
      r.buffer ? 64 : r.format,
      r.buffer ? 16 : r.bind,
      r.width,
      r.buffer ? 1 : r.height,
      1,
      1,
      r.buffer ? 0 : r.lastLevel,
      0,
      ...(v2 ? [r.bytes] : []),
    ]);
/** A message, mostly framed the way its command expects so it reaches the library, sometimes any words at all. */
type Message = [number, number[] | Uint8Array];
const message: fc.Arbitrary<Message> = commandId.chain((command): fc.Arbitrary<Message> => {
  if (command === VtestCommand.CreateRenderer) return fc.tuple(fc.constant(command), fc.uint8Array({ maxLength: 40 }));
  const fixed = FIXED_WORDS[command] ?? 0;
  const trailing = command === VtestCommand.SubmitCmd || command === VtestCommand.TransferPut ? 40 : 0;
  const wellFramed = fc
    .tuple(fc.array(word, { minLength: fixed, maxLength: fixed }), fc.array(word, { maxLength: trailing }))
    .map(([head, tail]) => [...head, ...tail]);
  const isCreate = command === VtestCommand.ResourceCreate || command === VtestCommand.ResourceCreate2;
  return fc.tuple(
    fc.constant(command),
    fc.oneof(
      { arbitrary: isCreate ? plausibleCreate(command === VtestCommand.ResourceCreate2) : wellFramed, weight: 4 },
      { arbitrary: wellFramed, weight: 1 },
      { arbitrary: fc.array(word, { maxLength: 12 }), weight: 1 },
    ),
  );
});
/** Resources made first, so later transfers and submits find something to work on. */
const setup = fc.array(
  fc
    .boolean()
    .chain((v2) =>
      fc.tuple(fc.constant(v2 ? VtestCommand.ResourceCreate2 : VtestCommand.ResourceCreate), plausibleCreate(v2)),
    ) as fc.Arbitrary<[number, number[]]>,
  { maxLength: 3 },
);
const handshake: Message[] = [
  [VtestCommand.CreateRenderer, new TextEncoder().encode("fuzz\0")],
  [VtestCommand.ProtocolVersion, [2]],
];

/** A fresh client can still do the whole useful cycle: create with shm, upload, read back. */
async function newClientServed(path: string): Promise<void> {
  const c = new MockVtestClient(path);
  try {
    assert.equal(await c.handshake("after-fuzz"), 2);
    const fd = await c.createResource2(1, { width: 4, height: 4, bytes: 128 });
    const shm = MemoryMapping.map(fd, 128);
    closeFd(fd);
    for (let i = 0; i < 64; i++) shm.bytes[i] = i * 3;
    const box = { x: 0, y: 0, z: 0, w: 4, h: 4, d: 1, level: 0, stride: 0, layerStride: 0 };
    c.request({ command: VtestCommand.TransferPut2, handle: 1, transfer: { ...box, offset: 0 }, dataSize: 64 });
    c.request({ command: VtestCommand.TransferGet2, handle: 1, transfer: { ...box, offset: 64 }, dataSize: 64 });
    assert.equal(await c.busyWait(1), 0);
    assert.deepEqual([...shm.bytes.subarray(64, 128)], [...shm.bytes.subarray(0, 64)]);
    shm.unmap();
  } finally {
    c.close();
  }
}

test("any message sequence makes a session throw only VtestError, and closing it releases everything", () => {
  fc.assert(
    fc.property(
      fc.oneof({ arbitrary: fc.constant(true), weight: 9 }, { arbitrary: fc.constant(false), weight: 1 }),
      setup,
      fc.array(message, { maxLength: 24 }),
      (greet, created, messages) => {
        const session = new VtestSession(
          { send: () => {} },
          { rutabaga: (handler, limit) => virglRutabaga(handler, limit), limits: LIMITS },
        );
        try {
          for (const [command, payload] of [...(greet ? handshake : []), ...created, ...messages]) {
            const bytes = payload instanceof Uint8Array ? payload : new Uint8Array(Uint32Array.from(payload).buffer);
            // Anything but a VtestError value (a throw included) fails the run.
            const refusal = session.handle(command, bytes);
            if (refusal !== undefined) {
              assert.ok(refusal instanceof VtestError, String(refusal));
              break;
            }
            assert.ok(session.shmBytes <= LIMITS.maxShmBytes);
            assert.ok(session.resourceCount <= LIMITS.maxResources);
          }
        } finally {
          session.close();
        }
        assert.equal(session.shmBytes, 0);
      },
    ),
    { numRuns: RUNS },
  );
});

let dir: string;
let server: VtestServer;
const log = new ServerLog();
/** Clients the server has let go of so far, dropped or disconnected. */
let clientsEnded = 0;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "rutabaga-vtest-fuzz-"));
  server = new VtestServer(join(dir, "vtest.sock"), {
    limits: LIMITS,
    log: (line) => {
      if (/ (dropped|disconnected)/.test(line)) clientsEnded++;
      log.push(line);
    },
  });
});
after(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

test("random bytes and mutated sessions over the socket never hurt the server; a new client is served after", async () => {
  const framed = fc.array(message, { maxLength: 12 }).map((messages) => {
    const parts = [...handshake, ...messages].map(([command, payload]) =>
      frameVtest(command, payload instanceof Uint8Array ? payload : new Uint8Array(Uint32Array.from(payload).buffer)),
    );
    return Uint8Array.from(parts.flatMap((p) => [...p]));
  });
  const stream = fc.oneof(fc.uint8Array({ maxLength: 512 }), framed);
  await fc.assert(
    fc.asyncProperty(stream, fc.nat(64), async (bytes, flip) => {
      const ended = clientsEnded;
      const c = new MockVtestClient(server.path);
      const mutated = bytes.slice();
      if (mutated.length > 0 && flip > 0) mutated[flip % mutated.length]! ^= 1 << (flip % 8);
      c.sendRaw(mutated);
      c.close();
      // The server reads what was sent, then the end: this client is let go of, and nothing of ours failed.
      await log.until(() => (clientsEnded > ended ? true : undefined), "the client's end");
      assert.equal(server.stats.internalErrors, 0, log.lines.join("\n"));
      assert.equal(server.clientCount, 0);
    }),
    { numRuns: Math.max(10, Math.floor(RUNS / 3)) },
  );
  await newClientServed(server.path);
});

test("messages split at any byte boundaries reach the session whole and in order", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(fc.integer({ min: 1, max: 14 }), fc.array(fc.nat(), { maxLength: 20 })), { maxLength: 10 }),
      fc.array(fc.integer({ min: 1, max: 37 }), { minLength: 1, maxLength: 10 }),
      async (messages, cuts) => {
        const [a, b] = UnixSocket.pair();
        const got: [number, number[]][] = [];
        const ended = new Promise<unknown>(
          (resolve) => new VtestReader(b, 1 << 16, (command, payload) => got.push([command, [...payload]]), resolve),
        );
        const whole = messages.flatMap(([command, words]) => {
          const payload =
            command === VtestCommand.CreateRenderer
              ? words.map((w) => w & 0xff)
              : [...new Uint8Array(Uint32Array.from(words).buffer)];
          const head = new Uint8Array(
            Uint32Array.of(command === VtestCommand.CreateRenderer ? payload.length : words.length, command).buffer,
          );
          return [...head, ...payload];
        });
        for (let at = 0, i = 0; at < whole.length; i++) {
          const n = cuts[i % cuts.length]!;
          a.send(Uint8Array.from(whole.slice(at, at + n)));
          at += n;
          await new Promise((r) => setImmediate(r));
        }
        a.close();
        assert.equal(await ended, undefined);
        b.close();
        assert.deepEqual(
          got,
          messages.map(([command, words]) => [
            command,
            command === VtestCommand.CreateRenderer
              ? words.map((w) => w & 0xff)
              : [...new Uint8Array(Uint32Array.from(words).buffer)],
          ]),
        );
      },
    ),
    { numRuns: RUNS },
  );
});
