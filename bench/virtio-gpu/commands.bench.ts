// npm run bench -- virtio-gpu: commands per second through the mock virtqueue, against plain copies of the same bytes.
import { cpus } from "node:os";
import { encodeRequest, GpuCommandType, MockGpuDriver, VirtioGpuDevice } from "../../src/virtio-gpu/index.ts";
import { compare } from "../harness.ts";

const W = 1280;
const H = 800;
const PITCH = W * 4;

/** A device showing a 1280×800 resource backed by scattered 4 KiB pages, as a Linux guest sets it up. */
function linuxLikeDevice() {
  const device = new VirtioGpuDevice({ scanouts: [{ width: W, height: H }] });
  const driver = new MockGpuDriver(device, { indirect: true, eventIdx: true, ramBytes: 32 * 1024 * 1024 });
  const entries = driver.scatteredPages(W * H * 4, 3);
  driver.send({ type: GpuCommandType.ResourceCreate2d, resourceId: 2, format: 2, width: W, height: H });
  driver.send({ type: GpuCommandType.ResourceAttachBacking, resourceId: 2, entries });
  driver.send({
    type: GpuCommandType.SetScanout,
    rect: { x: 0, y: 0, w: W, h: H },
    scanoutId: 0,
    resourceId: 2,
  });
  return driver;
}

/** TRANSFER_TO_HOST_2D then RESOURCE_FLUSH of `rect`, encoded once. */
function updatePair(x: number, y: number, width: number, height: number): [Uint8Array, Uint8Array] {
  const rect = { x, y, w: width, h: height };
  return [
    encodeRequest({ type: GpuCommandType.TransferToHost2d, rect, offset: BigInt(y * PITCH + x * 4), resourceId: 2 }),
    encodeRequest({ type: GpuCommandType.ResourceFlush, rect, resourceId: 2 }),
  ];
}

console.log(`machine: ${cpus()[0]?.model ?? "unknown"} × ${cpus().length}, Node ${process.version}`);
const rows: string[][] = [["case", "commands/s", "µs per command", "baseline", "ratio"]];

{
  const driver = linuxLikeDevice();
  const cells = Array.from({ length: 64 }, (_, i) => updatePair((i * 8) % W, ((i * 16) % H) & ~15, 8, 16));
  const glyph = new Uint8Array(8 * 16 * 4);
  const dst = new Uint8Array(8 * 16 * 4);
  let i = 0;
  const { baselineMs, subjectMs } = compare(
    () => dst.set(glyph),
    () => {
      const [transfer, flush] = cells[i++ & 63]!;
      driver.sendBytes(transfer, 0, 64);
      driver.sendBytes(flush, 0, 64);
    },
  );
  rows.push([
    "8×16 glyph: transfer + flush",
    `${(2 / subjectMs / 1000).toFixed(3)} M/s`,
    `${((subjectMs * 1000) / 2).toFixed(2)} µs`,
    `copy of 512 B: ${(baselineMs * 1e6).toFixed(0)} ns`,
    "-",
  ]);
}

{
  const driver = linuxLikeDevice();
  const [transfer, flush] = updatePair(0, 0, W, H);
  const src = new Uint8Array(W * H * 4).fill(3);
  const dst = new Uint8Array(W * H * 4);
  const { baselineMs, subjectMs } = compare(
    () => dst.set(src),
    () => {
      driver.sendBytes(transfer, 0, 64);
      driver.sendBytes(flush, 0, 64);
    },
    { rounds: 11, targetMs: 60 },
  );
  rows.push([
    "1280×800 frame over 4 KiB pages: transfer + flush",
    `${(2000 / subjectMs).toFixed(0)} /s`,
    `${((subjectMs * 1000) / 2).toFixed(0)} µs`,
    `one 4 MB set: ${(baselineMs * 1000).toFixed(0)} µs`,
    `${(subjectMs / baselineMs).toFixed(2)}× a bare copy`,
  ]);
}

const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
for (const row of rows) console.log(row.map((cell, c) => cell.padEnd(widths[c]!)).join("  "));
