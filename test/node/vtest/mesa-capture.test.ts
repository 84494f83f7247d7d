// Golden tests against what Mesa 22.3's virpipe really sent virglrenderer 0.10.4's virgl_test_server (captured with
// VTEST_SAVE into test/fixtures/vtest/: `wflinfo -p surfaceless_egl -a gl` and piglit `copybuffersubdata -auto
// -fbo`). Word counts below are typed from virglrenderer's vtest/vtest_protocol.h.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { closeFd } from "../../../src/node/os/fd.ts";
import { decodeVtestRequest, encodeVtestRequest, type VtestRequest } from "../../../src/node/vtest/codec.ts";
import { MockVtestClient } from "../../../src/node/vtest/mock-client.ts";
import { VtestCommand } from "../../../src/node/vtest/protocol.ts";
import { VtestError } from "../../../src/node/vtest/vtest-error.ts";
import { VtestServer } from "../../../src/node/vtest/vtest-server.ts";
import { ServerLog } from "./server-log.ts";

/** `VCMD_*_SIZE` and `VCMD_TRANSFER2_HDR_SIZE`, in words. */
const PAYLOAD_WORDS: Record<number, number> = {
  [VtestCommand.ResourceCreate2]: 11,
  [VtestCommand.ResourceUnref]: 1,
  [VtestCommand.ResourceBusyWait]: 2,
  [VtestCommand.ProtocolVersion]: 1,
  [VtestCommand.TransferGet2]: 10,
  [VtestCommand.PingProtocolVersion]: 0,
  [VtestCommand.GetCaps]: 0,
  [VtestCommand.GetCaps2]: 0,
};
/** Gallium: `PIPE_BUFFER`, `PIPE_TEXTURE_2D`; formats B5G6R5_UNORM (2 bytes), R8G8B8A8_UNORM (4), R8_UNORM (1). */
const PIPE_BUFFER = 0;
const PIPE_TEXTURE_2D = 2;
const BYTES_PER_PIXEL: Record<number, number> = { 7: 2, 67: 4, 64: 1 };

interface Message {
  command: number;
  bytes: Uint8Array;
  request: VtestRequest;
}

/** A recorded client stream cut at its `[length, id]` headers, each message decoded. */
function messages(name: string): Message[] {
  const bytes = new Uint8Array(readFileSync(new URL(`../../fixtures/vtest/${name}.c2s`, import.meta.url)));
  const v = new DataView(bytes.buffer);
  const out: Message[] = [];
  for (let at = 0; at < bytes.length; ) {
    const length = v.getUint32(at, true);
    const command = v.getUint32(at + 4, true);
    // CREATE_RENDERER's length counts bytes; every other one counts words.
    const payloadBytes = command === VtestCommand.CreateRenderer ? length : length * 4;
    const payload = bytes.subarray(at + 8, at + 8 + payloadBytes);
    assert.equal(payload.length, payloadBytes, "the recording ends on a message boundary");
    const words = PAYLOAD_WORDS[command];
    if (words !== undefined) assert.equal(length, words, `command ${command}'s payload words`);
    const request = decodeVtestRequest(command, payload);
    if (request instanceof VtestError) assert.fail(`command ${command}: ${request.message}`);
    out.push({ command, bytes: bytes.subarray(at, at + 8 + payloadBytes), request });
    at += 8 + payloadBytes;
  }
  return out;
}

test("Mesa's recorded vtest streams decode to typed requests and re-encode to the same bytes", () => {
  const wflinfo = messages("wflinfo");
  const piglit = messages("copybuffersubdata");
  for (const m of [...wflinfo, ...piglit])
    assert.deepEqual(encodeVtestRequest(m.request), m.bytes, `command ${m.command}`);
  // The sequence vtest.md reports for wflinfo: handshake (PING probed with a BUSY_WAIT), caps, one window, submits.
  assert.deepEqual(
    wflinfo.map((m) => m.command),
    [8, 10, 7, 11, 9, 1, 12, 6, 3, 6, 6],
  );
  assert.deepEqual(wflinfo[0]!.request, { command: VtestCommand.CreateRenderer, name: "wflinfo" });
  assert.deepEqual(wflinfo[2]!.request, { command: VtestCommand.ResourceBusyWait, handle: 0, flags: 0 });
  assert.deepEqual(wflinfo[3]!.request, { command: VtestCommand.ProtocolVersion, version: 2 });
  // Every RESOURCE_CREATE2 asks for exactly the shared memory its one level needs.
  const creates = [...wflinfo, ...piglit].flatMap((m) =>
    m.request.command === VtestCommand.ResourceCreate2 ? [m.request] : [],
  );
  assert.equal(creates.length, 5);
  for (const r of creates) {
    const { target, format, width, height, depth, arraySize, lastLevel, nrSamples } = r.create;
    assert.ok(target === PIPE_TEXTURE_2D || (target === PIPE_BUFFER && height === 1), `target ${target}`);
    assert.deepEqual([depth, arraySize, lastLevel, nrSamples], [1, 1, 0, 0]);
    assert.equal(r.dataSize, width * height * BYTES_PER_PIXEL[format]!, `resource ${r.handle}`);
  }
  // The piglit test reads its 600-byte result buffer back through shared memory.
  const get = piglit.find((m) => m.command === VtestCommand.TransferGet2)!.request;
  assert.equal(get.command, VtestCommand.TransferGet2);
  if (get.command === VtestCommand.TransferGet2) {
    assert.equal(get.handle, 4);
    assert.deepEqual(
      [get.transfer.x, get.transfer.w, get.transfer.h, get.transfer.d, get.transfer.offset],
      [0, 600, 1, 1, 0],
    );
    assert.equal(get.dataSize, 600);
  }
});

test("Mesa's recorded wflinfo and piglit sessions replay against our server, answered as virglrenderer answers", async () => {
  const dir = mkdtempSync(join(tmpdir(), "rutabaga-vtest-replay-"));
  const log = new ServerLog();
  const server = new VtestServer(join(dir, "vtest.sock"), { log: log.push });
  try {
    for (const name of ["wflinfo", "copybuffersubdata"]) {
      const c = new MockVtestClient(server.path);
      const answers: string[] = [];
      for (const m of messages(name)) {
        c.sendRaw(m.bytes);
        const a = await c.answerTo(m.request);
        if (a.kind === "fd") closeFd(a.fd);
        answers.push(a.kind === "reply" || a.kind === "caps" ? `${a.kind} ${a.id}` : a.kind);
      }
      // virglrenderer's replies to this stream: ids 10, 7, 11, caps with ids 2 and 1, one descriptor per shm resource.
      assert.deepEqual(
        answers.filter((a) => a !== "none"),
        name === "wflinfo"
          ? ["reply 10", "reply 7", "reply 11", "caps 2", "caps 1", "fd"]
          : [
              "reply 10",
              "reply 7",
              "reply 11",
              "caps 2",
              "caps 1",
              "fd",
              "fd",
              "fd",
              "fd",
              "reply 7",
              "reply 7",
              "reply 7",
            ],
      );
      // Everything sent ran before this answer: the last submit's fence is done.
      assert.equal(await c.busyWait(0), 0);
      const gone = log.next(new RegExp(`\\(${name}\\) (disconnected|dropped)`));
      c.close();
      assert.match(await gone, /disconnected/);
    }
    assert.equal(server.stats.dropped, 0, log.lines.join("\n"));
    assert.equal(server.stats.internalErrors, 0);
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
