import { VirtioGpuFormat } from "../../src/index.ts";
import {
  GpuCommandType,
  GpuResponseType,
  MockGpuDriver,
  TraceRecorder,
  VirtioGpuDevice,
} from "../../src/virtio-gpu/index.ts";

/** A synthetic trace and what it shows. */
export interface SyntheticTrace {
  name: string;
  format: number;
  width: number;
  height: number;
  trace: Uint8Array;
}

/** 4-byte pixels whose every byte varies (alpha too: an alpha format must still show opaque). */
function bytesPattern(width: number, height: number, seed: number): Uint8Array {
  const out = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      out[i] = (x * 5 + seed) & 0xff;
      out[i + 1] = (y * 3 + (x >> 4) * 40) & 0xff;
      out[i + 2] = (x ^ y ^ seed) & 0xff;
      out[i + 3] = (x * 11 + y * 7) & 0xff;
    }
  }
  return out;
}

/**
 * A session made with the mock driver in one scanout format: a full frame, a partial update, and (with `cursor`) a
 * 64×64 B8G8R8A8 cursor set then moved.
 */
export function syntheticTrace(name: string, format: number, width: number, height: number, cursor = false) {
  const recorder = new TraceRecorder({ scanouts: [{ width, height }] });
  const device = new VirtioGpuDevice({ scanouts: [{ width, height }], recorder });
  const driver = new MockGpuDriver(device, { indirect: true });
  const ok = (r: { type: number } | undefined, what: string) => {
    if (r?.type !== GpuResponseType.OkNodata) throw new Error(`${what}: response 0x${r?.type.toString(16)}`);
  };
  const full = { x: 0, y: 0, w: width, h: height };
  const entries = driver.scatteredPages(width * height * 4, 3);
  ok(driver.send({ type: GpuCommandType.ResourceCreate2d, resourceId: 1, format, width, height }), "create");
  ok(driver.send({ type: GpuCommandType.ResourceAttachBacking, resourceId: 1, entries }), "attach");
  driver.writeBacking(entries, 0, bytesPattern(width, height, 17));
  ok(driver.send({ type: GpuCommandType.TransferToHost2d, rect: full, offset: 0n, resourceId: 1 }), "transfer");
  ok(driver.send({ type: GpuCommandType.SetScanout, rect: full, scanoutId: 0, resourceId: 1 }), "set scanout");
  ok(driver.send({ type: GpuCommandType.ResourceFlush, rect: full, resourceId: 1 }), "flush");
  const patch = bytesPattern(48, 20, 99);
  const px = 30;
  const py = 40;
  for (let row = 0; row < 20; row++) {
    driver.writeBacking(entries, ((py + row) * width + px) * 4, patch.subarray(row * 48 * 4, (row + 1) * 48 * 4));
  }
  const rect = { x: px, y: py, w: 48, h: 20 };
  const offset = BigInt((py * width + px) * 4);
  ok(driver.send({ type: GpuCommandType.TransferToHost2d, rect, offset, resourceId: 1 }), "partial transfer");
  ok(driver.send({ type: GpuCommandType.ResourceFlush, rect, resourceId: 1 }), "partial flush");
  if (cursor) {
    const c = { x: 0, y: 0, w: 64, h: 64 };
    const cursorEntries = driver.scatteredPages(64 * 64 * 4, 7);
    ok(
      driver.send({
        type: GpuCommandType.ResourceCreate2d,
        resourceId: 2,
        format: VirtioGpuFormat.B8G8R8A8Unorm,
        width: 64,
        height: 64,
      }),
      "cursor create",
    );
    ok(
      driver.send({ type: GpuCommandType.ResourceAttachBacking, resourceId: 2, entries: cursorEntries }),
      "cursor attach",
    );
    const image = new Uint8Array(64 * 64 * 4);
    for (let i = 0; i < 64 * 64; i++) image.set(i % 64 < 32 ? [0x20, 0x40, 0xe0, 0xff] : [0, 0, 0, 0], i * 4);
    driver.writeBacking(cursorEntries, 0, image);
    ok(driver.send({ type: GpuCommandType.TransferToHost2d, rect: c, offset: 0n, resourceId: 2 }), "cursor transfer");
    const at = { scanoutId: 0, resourceId: 2, hotX: 2, hotY: 3 };
    driver.send({ type: GpuCommandType.UpdateCursor, x: 10, y: 12, ...at }, undefined, 1);
    driver.send({ type: GpuCommandType.MoveCursor, x: 100, y: 50, ...at }, undefined, 1);
    // The host resizes the output (a display record); the guest reads the new mode.
    device.setScanoutConfig(0, { width: 200, height: 150 });
    const info = driver.send({ type: GpuCommandType.GetDisplayInfo });
    if (info?.type !== GpuResponseType.OkDisplayInfo || info.view.getUint32(24 + 8, true) !== 200)
      throw new Error("display info");
  }
  return { name, format, width, height, trace: recorder.finish() } satisfies SyntheticTrace;
}

/** The two synthetic traces the browser tests replay, in formats a Linux guest does not scan out. */
export function syntheticTraces(): SyntheticTrace[] {
  return [
    syntheticTrace("r8g8b8x8", VirtioGpuFormat.R8G8B8X8Unorm, 320, 200),
    syntheticTrace("a8b8g8r8", VirtioGpuFormat.A8B8G8R8Unorm, 256, 192, true),
  ];
}
