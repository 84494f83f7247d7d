// npm run bench -- transfer-2d: the 2D component's transfer_write against plain copies of the same bytes.
import { cpus } from "node:os";
import { RutabagaBuilder, RutabagaComponentType, transfer2d } from "../../src/index.ts";
import { create2d } from "../../test/rutabaga/helpers.ts";
import { compare, gbps } from "../harness.ts";

const W = 1920;
const H = 1080;
const PITCH = W * 4;
const FRAME = PITCH * H;
const PAGE = 4096;

function instance() {
  return new RutabagaBuilder(0n, () => {}).setDefaultComponent(RutabagaComponentType.Rutabaga2D).build();
}

/** Views of `bytes` bytes as 4 KiB pages scattered at random over a guest memory four times larger. */
function scatteredPages(bytes: number): { iovecs: Uint8Array[]; memory: Uint8Array } {
  const pages = Math.ceil(bytes / PAGE);
  const memory = new Uint8Array(pages * PAGE * 4);
  for (let i = 0; i < memory.length; i += 997) memory[i] = i & 0xff;
  const slots = Array.from({ length: pages * 4 }, (_, i) => i);
  let seed = 12345;
  for (let i = slots.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const j = seed % (i + 1);
    [slots[i], slots[j]] = [slots[j]!, slots[i]!];
  }
  const iovecs = Array.from({ length: pages }, (_, p) => memory.subarray(slots[p]! * PAGE, slots[p]! * PAGE + PAGE));
  return { iovecs, memory };
}

console.log(`machine: ${cpus()[0]?.model ?? "unknown"} × ${cpus().length}, Node ${process.version}`);
const rows: string[][] = [["case", "rutabaga-ts", "baseline", "ratio", "target"]];

{
  const r = instance();
  r.resourceCreate3d(1, create2d(W, H));
  const guest = new Uint8Array(FRAME).fill(7);
  r.attachBacking(1, [guest]);
  const dst = new Uint8Array(FRAME);
  const t = transfer2d(0, 0, W, H);
  const { baselineMs, subjectMs } = compare(
    () => dst.set(guest),
    () => r.transferWrite(0, 1, t),
  );
  rows.push([
    "full frame, one iovec",
    gbps(FRAME, subjectMs),
    gbps(FRAME, baselineMs),
    `${(subjectMs / baselineMs).toFixed(2)}× time`,
    "≤ 1.1×",
  ]);
}

const scattered = scatteredPages(FRAME);
{
  const r = instance();
  r.resourceCreate3d(1, create2d(W, H));
  r.attachBacking(1, scattered.iovecs);
  const src = new Uint8Array(FRAME).fill(3);
  const dst = new Uint8Array(FRAME);
  const t = transfer2d(0, 0, W, H);
  const { baselineMs, subjectMs } = compare(
    () => dst.set(src),
    () => r.transferWrite(0, 1, t),
  );
  rows.push([
    "full frame, 4 KiB pages scattered",
    gbps(FRAME, subjectMs),
    gbps(FRAME, baselineMs),
    `${(subjectMs / baselineMs).toFixed(2)}× time`,
    "≤ 1.5×",
  ]);
}

{
  const r = instance();
  r.resourceCreate3d(1, create2d(W, H));
  const guest = new Uint8Array(FRAME).fill(9);
  r.attachBacking(1, [guest]);
  const bytes = 1000 * 500 * 4;
  const src = new Uint8Array(bytes).fill(1);
  const dst = new Uint8Array(bytes);
  const x = 300;
  const y = 200;
  const t = transfer2d(x, y, 1000, 500, y * PITCH + x * 4);
  const { baselineMs, subjectMs } = compare(
    () => dst.set(src),
    () => r.transferWrite(0, 1, t),
  );
  rows.push([
    "1000×500 sub-rectangle of 1920 wide",
    gbps(bytes, subjectMs),
    gbps(bytes, baselineMs),
    `${(baselineMs / subjectMs).toFixed(2)} of bandwidth`,
    "≥ 0.55",
  ]);
}

for (const [label, backing] of [
  ["one iovec", [new Uint8Array(FRAME)]],
  ["scattered pages", scattered.iovecs],
] as const) {
  const r = instance();
  r.resourceCreate3d(1, create2d(W, H));
  r.attachBacking(1, backing);
  const bytes = 64 * 64 * 4;
  const src = new Uint8Array(bytes);
  const dst = new Uint8Array(bytes);
  const positions = Array.from({ length: 64 }, (_, i) => {
    const x = (i * 97) % (W - 64);
    const y = (i * 53) % (H - 64);
    return transfer2d(x, y, 64, 64, y * PITCH + x * 4);
  });
  let i = 0;
  const { baselineMs, subjectMs } = compare(
    () => dst.set(src),
    () => r.transferWrite(0, 1, positions[i++ & 63]!),
  );
  rows.push([
    `64×64 cursor transfers, ${label}`,
    `${(1 / subjectMs / 1000).toFixed(3)} M/s`,
    `${(1 / baselineMs / 1000).toFixed(3)} M/s (one set)`,
    `${(baselineMs / subjectMs).toFixed(2)} of one set`,
    label === "scattered pages" ? "≥ 0.2 M/s" : "-",
  ]);
}

const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
for (const row of rows) console.log(row.map((cell, c) => cell.padEnd(widths[c]!)).join("  "));
