// SharedFrameSink (the device's worker) and SharedFrameReceiver (the page) in one thread: what a flush puts in the
// shared frame, what the page's sink receives, and the cursor image handed over.
import assert from "node:assert/strict";
import { test } from "node:test";
import { type DisplayMessage, SharedFrameReceiver, SharedFrameSink } from "../../src/browser/shared-display.ts";
import { VirtioGpuFormat } from "../../src/index.ts";
import { FramebufferSink, type GpuRect, type ScanoutFrame } from "../../src/virtio-gpu/index.ts";

const WIDTH = 8;
const HEIGHT = 5;

/** A frame whose every byte differs, rows `stride` bytes apart (padding bytes included). */
function frameOf(stride: number, seed: number): ScanoutFrame {
  const pixels = new Uint8Array(stride * HEIGHT);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7 + seed) & 0xff;
  return { width: WIDTH, height: HEIGHT, stride, format: VirtioGpuFormat.B8G8R8X8Unorm, pixels };
}

function pair() {
  const posted: { message: DisplayMessage; transfer: ArrayBuffer[] | undefined }[] = [];
  const device = new SharedFrameSink((message, transfer) => posted.push({ message, transfer }));
  const page = new FramebufferSink();
  const receiver = new SharedFrameReceiver(page);
  const deliver = () => {
    for (const { message } of posted.splice(0)) receiver.receive(message);
  };
  return { posted, device, page, deliver };
}

for (const stride of [WIDTH * 4, WIDTH * 4 + 12]) {
  test(`a flush reaches the page's sink with the rectangle's pixels (rows ${stride} bytes apart)`, () => {
    const { device, page, deliver } = pair();
    device.scanoutChanged(0, { width: WIDTH, height: HEIGHT });
    const rects: GpuRect[] = [
      { x: 2, y: 1, w: 3, h: 2 },
      { x: 0, y: 4, w: WIDTH, h: 1 },
      { x: 7, y: 0, w: 1, h: 5 },
    ];
    const expected = new Uint8Array(WIDTH * HEIGHT * 4);
    rects.forEach((rect, k) => {
      const frame = frameOf(stride, k * 50);
      device.flush(0, rect, frame);
      for (let y = rect.y; y < rect.y + rect.h; y++) {
        const from = y * stride + rect.x * 4;
        expected.set(frame.pixels.subarray(from, from + rect.w * 4), (y * WIDTH + rect.x) * 4);
      }
      deliver();
    });
    const fb = page.framebuffers[0]!;
    assert.equal(page.flushes, rects.length);
    assert.equal(fb.format, VirtioGpuFormat.B8G8R8X8Unorm);
    assert.deepEqual(fb.pixels, expected);
  });
}

test("the receiver hands its sink one frame per mode, with each flush's format", () => {
  const seen: ScanoutFrame[] = [];
  const formats: number[] = [];
  const receiver = new SharedFrameReceiver({
    flush: (_id, _rect, frame) => {
      seen.push(frame);
      formats.push(frame.format);
    },
  });
  const device = new SharedFrameSink((message) => receiver.receive(message));
  device.scanoutChanged(0, { width: WIDTH, height: HEIGHT });
  device.flush(0, { x: 0, y: 0, w: 2, h: 2 }, frameOf(WIDTH * 4, 1));
  device.flush(0, { x: 1, y: 1, w: 2, h: 2 }, { ...frameOf(WIDTH * 4, 2), format: VirtioGpuFormat.R8G8B8X8Unorm });
  device.scanoutChanged(0, { width: WIDTH, height: HEIGHT + 1 });
  device.flush(0, { x: 0, y: 0, w: 1, h: 1 }, { ...frameOf(WIDTH * 4, 3), height: HEIGHT + 1 });
  assert.equal(seen.length, 3);
  assert.equal(seen[0], seen[1], "the same frame object while the mode stays");
  assert.notEqual(seen[1], seen[2], "a new frame after a mode change");
  assert.deepEqual(formats, [
    VirtioGpuFormat.B8G8R8X8Unorm,
    VirtioGpuFormat.R8G8B8X8Unorm,
    VirtioGpuFormat.B8G8R8X8Unorm,
  ]);
  assert.equal(seen[2]!.height, HEIGHT + 1);
});

test("the cursor image is posted as a copy whose buffer is handed over; a hidden cursor hands nothing", () => {
  const { posted, device } = pair();
  const image = new Uint8Array(64 * 64 * 4).map((_, i) => i & 0xff);
  device.cursorChanged({ scanoutId: 0, x: 5, y: 6, hotX: 1, hotY: 2, image });
  const shown = posted[0]!;
  assert.equal(shown.message.kind, "cursor");
  const sent = (shown.message as Extract<DisplayMessage, { kind: "cursor" }>).cursor.image!;
  assert.notEqual(sent.buffer, image.buffer, "not the device's own bytes");
  assert.deepEqual(sent, image);
  assert.deepEqual(shown.transfer, [sent.buffer]);
  device.cursorChanged({ scanoutId: 0, x: 5, y: 6, hotX: 1, hotY: 2, image: undefined });
  assert.deepEqual(posted[1]!.transfer, []);
});
