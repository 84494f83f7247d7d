import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { closeFd } from "../../../src/node/os/fd.ts";
import { createMemfd } from "../../../src/node/os/memfd.ts";
import { UnixSocket } from "../../../src/node/os/unix-socket.ts";
import { VhostUserGpuBackend } from "../../../src/node/vhost-user/backend.ts";
import { frameMessage } from "../../../src/node/vhost-user/codec.ts";
import { MessageReader } from "../../../src/node/vhost-user/message-reader.ts";
import { VhostUserFlags, VhostUserRequest } from "../../../src/node/vhost-user/protocol.ts";

const RUNS = Number(process.env.FC_RUNS ?? 60);
const REQUESTS = Object.values(VhostUserRequest);

/** A message as a hostile front-end might send it: known or unknown ids, any flags, short or random payloads. */
const message = fc.record({
  request: fc.oneof(fc.constantFrom(...REQUESTS), fc.nat({ max: 60 })),
  flags: fc.oneof(
    fc.constantFrom(VhostUserFlags.Version, VhostUserFlags.Version | VhostUserFlags.NeedReply),
    fc.nat({ max: 0xff }),
  ),
  payload: fc.oneof(
    fc.uint8Array({ maxLength: 48 }),
    fc.tuple(fc.nat({ max: 1 }), fc.nat({ max: 40000 })).map(([index, num]) => {
      const p = new Uint8Array(8);
      new DataView(p.buffer).setUint32(0, index, true);
      new DataView(p.buffer).setUint32(4, num, true);
      return p;
    }),
  ),
  withFd: fc.boolean(),
});

/** Sends GET_QUEUE_NUM and waits for the answer (or the end of the connection). */
function queueNum(socket: UnixSocket): Promise<bigint | "ended"> {
  return new Promise((resolve) => {
    const reader = new MessageReader(
      socket,
      4096,
      (m) => {
        // Replies to earlier messages come first; ours is the one for GET_QUEUE_NUM.
        if (m.request !== VhostUserRequest.GetQueueNum) return;
        socket.onReadable(undefined);
        resolve(new DataView(m.payload.buffer).getBigUint64(0, true));
      },
      () => resolve("ended"),
    );
    void reader;
    socket.send(frameMessage(VhostUserRequest.GetQueueNum, VhostUserFlags.Version));
  });
}

test("random vhost-user message streams never throw out of the backend; a new connection is served afterwards", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(message, { maxLength: 12 }), async (messages) => {
      const [front, back] = UnixSocket.pair();
      const backend = new VhostUserGpuBackend(back, {});
      const ended = new Promise<string>((resolve) => backend.onEnd(resolve));
      for (const m of messages) {
        const fd = m.withFd ? createMemfd("fuzz", 4096) : undefined;
        front.send(frameMessage(m.request, m.flags, m.payload), fd === undefined ? [] : [fd]);
        if (fd !== undefined) closeFd(fd);
      }
      // Whatever it made of that, the connection either still answers or has ended cleanly.
      const answer = await Promise.race([queueNum(front), ended.then(() => "ended" as const)]);
      assert.ok(answer === 2n || answer === "ended", String(answer));
      front.close();
      await ended;
      const [front2, back2] = UnixSocket.pair();
      const fresh = new VhostUserGpuBackend(back2, {});
      assert.equal(await queueNum(front2), 2n);
      front2.close();
      await new Promise<string>((resolve) => fresh.onEnd(resolve));
    }),
    { numRuns: RUNS },
  );
});
