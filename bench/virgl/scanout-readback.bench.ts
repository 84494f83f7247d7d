// npm run bench -- scanout-readback: a GL-rendered scanout read back for the display (what `--virgl` does per
// RESOURCE_FLUSH of a 3D scanout), against the transfer path a guest's TRANSFER_FROM_HOST_3D takes for the same box
// into a contiguous guest buffer; then TRANSFER_FROM_HOST_3D into a backing of 4 KiB guest pages, as a VM's
// resources are (the read lands in the component's reused scratch, then its rows go to the pages).
import { cpus } from "node:os";
import type { VirglComponent } from "../../src/components/virgl/virgl-component.ts";
import { transfer2d } from "../../src/index.ts";
import { virglComponentFactory } from "../../src/node/gl/virgl-factory.ts";
import { buildVirglRutabaga } from "../../src/node/gl/virgl-rutabaga.ts";
import { scanoutBuffer } from "../../test/components/virgl/helpers.ts";
import { compare } from "../harness.ts";

const W = 1280;
const H = 800;
let component: VirglComponent | undefined;
const rutabaga = buildVirglRutabaga(() => {}, {
  factory: (init) => {
    component = virglComponentFactory(init) as VirglComponent;
    return component;
  },
});
// A 1280×800 B8G8R8X8 scanout buffer, as Mesa creates kmscube's (render target | sampler view | scanout).
rutabaga.resourceCreate3d(1, scanoutBuffer(W, H));
const backing = new Uint8Array(W * H * 4).map((_, i) => i * 7);
rutabaga.attachBacking(1, [backing]);
rutabaga.transferWrite(0, 1, { ...transfer2d(0, 0, W, H), stride: W * 4 });
const frame = { offset: 0, stride: W * 4, bytes: () => pixels };
const pixels = new Uint8Array(W * H * 4);
const guest = new Uint8Array(W * H * 4);

console.log(`machine: ${cpus()[0]?.model ?? "unknown"} × ${cpus().length}, Node ${process.version}`);
const rows: string[][] = [
  ["rectangle", "scanout read-back", "per frame (60 Hz budget 16.7 ms)", "transfer path", "ratio"],
];
for (const [name, x, y, w, h] of [
  ["full frame 1280×800", 0, 0, W, H],
  ["728×64 strip", 0, 700, 728, 64],
  ["8×16 glyph cell", 136, 48, 8, 16],
] as const) {
  frame.offset = y * W * 4 + x * 4;
  const { baselineMs, subjectMs } = compare(
    () => rutabaga.transferRead(0, 1, { ...transfer2d(x, y, w, h, y * W * 4 + x * 4), stride: W * 4 }, guest),
    () => rutabaga.readScanout(1, { x, y, w, h }, frame),
    { rounds: 9 },
  );
  rows.push([
    name,
    `${((w * h * 4) / subjectMs / 1e6).toFixed(2)} GB/s`,
    `${subjectMs.toFixed(3)} ms`,
    `${baselineMs.toFixed(3)} ms`,
    `${(subjectMs / baselineMs).toFixed(2)}× time`,
  ]);
}
for (const r of rows) console.log(`| ${r.join(" | ")} |`);

// The same frame as resource 2 backed by 4 KiB pages.
rutabaga.resourceCreate3d(2, scanoutBuffer(W, H));
const pages = Array.from({ length: (W * H * 4) / 4096 }, () => new Uint8Array(4096));
rutabaga.attachBacking(2, pages);
rutabaga.transferWrite(0, 1, { ...transfer2d(0, 0, W, H), stride: W * 4 }, backing);
rutabaga.transferWrite(0, 2, { ...transfer2d(0, 0, W, H), stride: W * 4 }, backing);
const paged: string[][] = [
  ["TRANSFER_FROM_HOST_3D into 4 KiB pages", "per transfer", "GB/s", "scanout read-back", "ratio"],
];
for (const [name, x, y, w, h] of [
  ["full frame 1280×800", 0, 0, W, H],
  ["728×64 strip", 0, 700, 728, 64],
  ["8×16 glyph cell", 136, 48, 8, 16],
] as const) {
  frame.offset = y * W * 4 + x * 4;
  const { baselineMs, subjectMs } = compare(
    () => rutabaga.readScanout(1, { x, y, w, h }, frame),
    () => rutabaga.transferRead(0, 2, { ...transfer2d(x, y, w, h, y * W * 4 + x * 4), stride: W * 4 }),
    { rounds: 9 },
  );
  paged.push([
    name,
    `${subjectMs.toFixed(3)} ms`,
    `${((w * h * 4) / subjectMs / 1e6).toFixed(2)}`,
    `${baselineMs.toFixed(3)} ms`,
    `${(subjectMs / baselineMs).toFixed(2)}× time`,
  ]);
}
for (const r of paged) console.log(`| ${r.join(" | ")} |`);
rutabaga.destroy();
