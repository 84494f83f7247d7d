import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { UnixSocket } from "../../src/node/os/unix-socket.ts";
import { MockFrontEnd } from "../../src/node/vhost-user/mock-front-end.ts";
import { GpuCommandType, GpuResponseType } from "../../src/virtio-gpu/protocol.ts";
import { BIN, CliServer } from "./cli-process.ts";

const RECORD = new URL("./fixtures/record-loads.mjs", import.meta.url).pathname;
/** What a 2D backend must never load: the virgl component and the host GL bindings (from src/ or dist/). */
const GL_CODE = /\/(src|dist)\/(components\/virgl|node\/gl)\//;
/** VIRTIO_F_VERSION_1, VIRTIO_RING_F_EVENT_IDX, INDIRECT_DESC, VHOST_USER_F_PROTOCOL_FEATURES, EDID. */
const FEATURES = (1n << 32n) | (1n << 29n) | (1n << 28n) | (1n << 30n) | (1n << 1n);

const dir = mkdtempSync(join(tmpdir(), "rutabaga-loads-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function loaded(log: string): string[] {
  return readFileSync(log, "utf8").split("\n").filter(Boolean);
}

test("`vhost-user-gpu --help` loads no virgl component and no GL bindings", () => {
  const log = join(dir, "help.log");
  const r = spawnSync(process.execPath, ["--import", RECORD, BIN, "vhost-user-gpu", "--help"], {
    encoding: "utf8",
    env: { ...process.env, RUTABAGA_LOAD_LOG: log },
  });
  assert.equal(r.status, 0, r.stderr);
  const modules = loaded(log);
  assert.ok(
    modules.some((m) => m.includes("/cli/vhost-user-gpu/command.")),
    "the log records the CLI's modules",
  );
  assert.deepEqual(
    modules.filter((m) => /\/cli\/[^/]+\/run\./.test(m)),
    [],
    "no command's runner is loaded for --help",
  );
  assert.deepEqual(
    modules.filter((m) => GL_CODE.test(m)),
    [],
  );
});

test("a 2D vhost-user-gpu session serves a front-end without loading the virgl component or the GL bindings", async () => {
  const log = join(dir, "session.log");
  const socket = join(dir, "gpu.sock");
  const server = new CliServer(["vhost-user-gpu", "--socket-path", socket], BIN, {
    nodeArgs: ["--import", RECORD],
    env: { RUTABAGA_LOAD_LOG: log },
  });
  try {
    await server.waitFor("listening on");
    const fe = new MockFrontEnd(UnixSocket.connect(socket));
    await fe.start(FEATURES);
    const response = await fe.request({
      type: GpuCommandType.ResourceCreate2d,
      resourceId: 1,
      format: 2,
      width: 64,
      height: 64,
    });
    assert.equal(response.type, GpuResponseType.OkNodata);
    fe.close();
    assert.equal((await server.exited).code, 0, server.output);
  } finally {
    await server.kill();
  }
  const modules = loaded(log);
  assert.ok(
    modules.some((m) => m.includes("/cli/vhost-user-gpu/run.")),
    "the log records the runner",
  );
  assert.deepEqual(
    modules.filter((m) => GL_CODE.test(m)),
    [],
  );
});
