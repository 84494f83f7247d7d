import assert from "node:assert/strict";
import { test } from "node:test";
import { UnixSocket } from "../../../src/node/os/unix-socket.ts";
import { VhostUserGpuBackend } from "../../../src/node/vhost-user/backend.ts";
import { MockFrontEnd } from "../../../src/node/vhost-user/mock-front-end.ts";
import { VhostUserRequest } from "../../../src/node/vhost-user/protocol.ts";
import { RutabagaBlobFlags, RutabagaBlobMem } from "../../../src/rutabaga/constants.ts";
import { GpuCommandType, GpuFeature, GpuResponseType } from "../../../src/virtio-gpu/index.ts";

// QEMU 10's vhost-user protocol cannot place backend memory in the guest (no shared memory regions: the
// SHMEM_MAP/UNMAP backend requests and protocol feature 20 are proposals, not part of it), so host blobs cannot be
// mapped over vhost-user at all.
const SHMEM_PROTOCOL_FEATURE = 20n;
const FEATURES = (1n << 32n) | (1n << 30n) | (1n << 29n) | (1n << 28n) | (1n << GpuFeature.ResourceBlob);

test("vhost-user: RESOURCE_MAP_BLOB is refused with ERR_UNSPEC and a reason, and the backend keeps serving", async () => {
  const [qemu, ours] = UnixSocket.pair();
  const logs: string[] = [];
  const backend = new VhostUserGpuBackend(ours, { log: (m) => logs.push(m) });
  const ended = new Promise<string>((resolve) => backend.onEnd(resolve));
  const fe = new MockFrontEnd(qemu);
  try {
    const protocol = MockFrontEnd.u64(
      await fe.send(VhostUserRequest.GetProtocolFeatures, undefined, [], { expectReply: true }),
    );
    assert.equal(protocol & (1n << SHMEM_PROTOCOL_FEATURE), 0n, "no shared memory regions are offered");
    await fe.start(FEATURES);
    assert.ok(backend.device.driverFeatures & (1n << GpuFeature.ResourceBlob), "guest blobs are served");

    const page = fe.ram.alloc(4096, 4096);
    const blob = {
      type: GpuCommandType.ResourceCreateBlob as typeof GpuCommandType.ResourceCreateBlob,
      resourceId: 7,
      blobMem: RutabagaBlobMem.Guest,
      blobFlags: RutabagaBlobFlags.UseMappable,
      blobId: 0n,
      size: 4096n,
      entries: [{ addr: page, length: 4096 }],
    };
    assert.equal((await fe.request(blob)).type, GpuResponseType.OkNodata);
    const map = await fe.request({ type: GpuCommandType.ResourceMapBlob, resourceId: 7, offset: 0n });
    assert.equal(map.type, GpuResponseType.ErrUnspec);
    assert.ok(
      logs.some((l) => l.includes("no host-visible memory region")),
      logs.join("\n"),
    );
    assert.equal(
      (await fe.request({ type: GpuCommandType.ResourceUnmapBlob, resourceId: 7 })).type,
      GpuResponseType.ErrInvalidParameter,
    );

    // The same connection goes on: the resource is still there and can be released.
    assert.equal(
      (await fe.request({ type: GpuCommandType.ResourceUnref, resourceId: 7 })).type,
      GpuResponseType.OkNodata,
    );
    assert.equal((await fe.request({ type: GpuCommandType.GetDisplayInfo })).type, GpuResponseType.OkDisplayInfo);
  } finally {
    fe.close();
  }
  await ended;
});
