import assert from "node:assert/strict";
import { test } from "node:test";
import { UnixSocket } from "../../../src/node/os/unix-socket.ts";
import { VtestCommand } from "../../../src/node/vtest/protocol.ts";
import { VTEST_READ_BUFFER_BYTES, VtestReader } from "../../../src/node/vtest/vtest-reader.ts";

function message(command: number, words: number): Uint8Array {
  const out = new Uint8Array(8 + words * 4);
  const view = new DataView(out.buffer);
  view.setUint32(0, words, true);
  view.setUint32(4, command, true);
  for (let i = 0; i < words; i++) view.setUint32(8 + i * 4, (i * 2654435761 + command) >>> 0, true);
  return out;
}

test("a payload larger than the read buffer, between small messages sent in one write, arrives whole and in order", async () => {
  const big = VTEST_READ_BUFFER_BYTES / 4 + 1000;
  const sent = [
    message(VtestCommand.SubmitCmd, 3),
    message(VtestCommand.TransferPut, big),
    message(VtestCommand.ResourceBusyWait, 2),
  ];
  const [a, b] = UnixSocket.pair();
  a.setSendBuffer(4 << 20);
  const got: [number, Uint8Array][] = [];
  const ended = new Promise<unknown>(
    (resolve) => new VtestReader(b, 4 << 20, (command, payload) => got.push([command, payload]), resolve),
  );
  const whole = new Uint8Array(sent.reduce((n, m) => n + m.length, 0));
  let at = 0;
  for (const m of sent) {
    whole.set(m, at);
    at += m.length;
  }
  a.send(whole);
  await a.flushed();
  a.close();
  assert.equal(await ended, undefined);
  b.close();
  assert.deepEqual(
    got.map(([command]) => command),
    [VtestCommand.SubmitCmd, VtestCommand.TransferPut, VtestCommand.ResourceBusyWait],
  );
  for (let i = 0; i < sent.length; i++) assert.deepEqual(got[i]![1], sent[i]!.subarray(8));
});
