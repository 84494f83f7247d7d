import assert from "node:assert/strict";
import { test } from "node:test";
import { VirtioGpuFormat } from "../../../src/index.ts";
import { UnixSocket } from "../../../src/node/os/unix-socket.ts";
import { DisplayChannel } from "../../../src/node/vhost-user/display-channel.ts";
import { GpuUpdate, VhostUserHeader } from "../../../src/node/vhost-user/protocol.ts";

/** One pixel with red 0x11, green 0x22, blue 0x33, alpha 0x44, laid out in each format's byte order. */
const PIXEL: Record<number, number[]> = {
  [VirtioGpuFormat.B8G8R8A8Unorm]: [0x33, 0x22, 0x11, 0x44],
  [VirtioGpuFormat.B8G8R8X8Unorm]: [0x33, 0x22, 0x11, 0x44],
  [VirtioGpuFormat.A8R8G8B8Unorm]: [0x44, 0x11, 0x22, 0x33],
  [VirtioGpuFormat.X8R8G8B8Unorm]: [0x44, 0x11, 0x22, 0x33],
  [VirtioGpuFormat.R8G8B8A8Unorm]: [0x11, 0x22, 0x33, 0x44],
  [VirtioGpuFormat.R8G8B8X8Unorm]: [0x11, 0x22, 0x33, 0x44],
  [VirtioGpuFormat.A8B8G8R8Unorm]: [0x44, 0x33, 0x22, 0x11],
  [VirtioGpuFormat.X8B8G8R8Unorm]: [0x44, 0x33, 0x22, 0x11],
};

/** Resolves with the next `n` bytes, read as the socket becomes readable. */
function readMessage(socket: UnixSocket, n: number): Promise<Uint8Array> {
  const out = new Uint8Array(n);
  let got = 0;
  return new Promise((resolve, reject) => {
    socket.onReadable(() => {
      for (;;) {
        const r = socket.recv(out.subarray(got));
        if (r === undefined) return;
        if (r.bytes === 0) {
          socket.onReadable(undefined);
          reject(new Error("closed"));
          return;
        }
        got += r.bytes;
        if (got === n) {
          socket.onReadable(undefined);
          resolve(out);
          return;
        }
      }
    });
  });
}

test("UPDATE carries x8r8g8b8 pixels whatever the scanout's virtio-gpu format", async () => {
  for (const [format, bytes] of Object.entries(PIXEL)) {
    const [qemu, ours] = UnixSocket.pair();
    const channel = new DisplayChannel(ours);
    try {
      const W = 3;
      const H = 2;
      const stride = 5 * 4;
      const pixels = new Uint8Array(stride * H);
      for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) pixels.set(bytes, y * stride + x * 4);
      channel.flush(0, { x: 1, y: 0, w: 2, h: 2 }, { width: W, height: H, stride, format: Number(format), pixels });
      const message = await readMessage(qemu, VhostUserHeader.SIZE + GpuUpdate.pixels + 2 * 2 * 4);
      const body = message.subarray(VhostUserHeader.SIZE + GpuUpdate.pixels);
      for (let i = 0; i < 4; i++) {
        assert.deepEqual(
          [...body.subarray(i * 4, i * 4 + 3)],
          [0x33, 0x22, 0x11],
          `format ${format}, pixel ${i}: B, G, R`,
        );
      }
      assert.deepEqual([...pixels.subarray(4, 8)], bytes, "the scanout's own pixels are untouched");
    } finally {
      channel.close();
      qemu.close();
    }
  }
});
