// QEMU owns events_read for vhost-user-gpu and drops a backend's config-change message: a resized window reaches
// the guest from QEMU's side, and the guest reads the config before it asks GET_DISPLAY_INFO / GET_EDID. The backend
// fetches QEMU's modes at each GET_CONFIG and answers the guest's next commands with them.
import assert from "node:assert/strict";
import { test } from "node:test";
import { UnixSocket } from "../../../src/node/os/unix-socket.ts";
import { VhostUserGpuBackend } from "../../../src/node/vhost-user/backend.ts";
import { configRequest, MockFrontEnd } from "../../../src/node/vhost-user/mock-front-end.ts";
import { GpuDisplayRequest, VhostUserRequest } from "../../../src/node/vhost-user/protocol.ts";
import { GpuCommandType, GpuResponseType } from "../../../src/virtio-gpu/index.ts";

const FEATURES = (1n << 32n) | (1n << 29n) | (1n << 28n) | (1n << 30n) | (1n << 1n);

/** The preferred mode of an OK_EDID response: the EDID's first detailed timing (EDID 1.4 §3.10.2). */
function edidPreferred(bytes: Uint8Array): [number, number] {
  const d = 32 + 54;
  return [bytes[d + 2]! | ((bytes[d + 4]! & 0xf0) << 4), bytes[d + 5]! | ((bytes[d + 7]! & 0xf0) << 4)];
}

test("after QEMU's display changes, the guest's config read makes GET_DISPLAY_INFO and GET_EDID answer the new mode", async () => {
  const [qemu, ours] = UnixSocket.pair();
  const backend = new VhostUserGpuBackend(ours, {});
  const ended = new Promise<string>((resolve) => backend.onEnd(resolve));
  const fe = new MockFrontEnd(qemu);
  try {
    await fe.start(FEATURES);
    await fe.waitForDisplay(GpuDisplayRequest.GetDisplayInfo);
    const modeOf = async () => {
      const info = await fe.request({ type: GpuCommandType.GetDisplayInfo });
      assert.equal(info.type, GpuResponseType.OkDisplayInfo);
      const v = new DataView(info.bytes.buffer);
      return [v.getUint32(32, true), v.getUint32(36, true)];
    };
    assert.deepEqual(await modeOf(), [640, 480]);

    // QEMU's window is now 1024x768; the guest reads the config (events_read), then asks.
    fe.displayMode = { width: 1024, height: 768 };
    const asked = fe.displayMessages.filter((m) => m.request === GpuDisplayRequest.GetDisplayInfo).length;
    await fe.send(VhostUserRequest.GetConfig, configRequest(0, 16), [], { expectReply: true });
    assert.deepEqual(await modeOf(), [1024, 768]);
    assert.equal(fe.displayMessages.filter((m) => m.request === GpuDisplayRequest.GetDisplayInfo).length, asked + 1);
    const edid = await fe.request({ type: GpuCommandType.GetEdid, scanoutId: 0 });
    assert.equal(edid.type, GpuResponseType.OkEdid);
    assert.deepEqual(edidPreferred(edid.bytes), [1024, 768]);

    // Without a change, a config read asks again and changes nothing.
    await fe.send(VhostUserRequest.GetConfig, configRequest(0, 16), [], { expectReply: true });
    assert.deepEqual(await modeOf(), [1024, 768]);
  } finally {
    fe.close();
    await ended;
  }
});
