// Records every request a device serves into a trace, then replays the trace headless and writes the screen as PNG,
// as `rutabaga-ts vhost-user-gpu --trace FILE` and `rutabaga-ts replay FILE --png DIR` do.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodePng, PngSink } from "rutabaga-ts/node";
import { GpuCommandType, MockGpuDriver, replayTrace, TraceRecorder, VirtioGpuDevice } from "rutabaga-ts/virtio-gpu";

const W = 32;
const H = 16;
const scanouts = [{ width: W, height: H }];

// Record: a device with a recorder, driven by the mock guest driver (a guest under QEMU in real use).
const recorder = new TraceRecorder({ scanouts });
const driver = new MockGpuDriver(new VirtioGpuDevice({ scanouts, recorder }));
const entries = driver.scatteredPages(W * H * 4);
const red = new Uint8Array(W * H * 4);
for (let i = 0; i < red.length; i += 4) red.set([0, 0, 255, 0], i); // B, G, R, X
driver.writeBacking(entries, 0, red);
const rect = { x: 0, y: 0, w: W, h: H };
driver.send({ type: GpuCommandType.ResourceCreate2d, resourceId: 7, format: 2, width: W, height: H });
driver.send({ type: GpuCommandType.ResourceAttachBacking, resourceId: 7, entries });
driver.send({ type: GpuCommandType.TransferToHost2d, rect, offset: 0n, resourceId: 7 });
driver.send({ type: GpuCommandType.SetScanout, rect, scanoutId: 0, resourceId: 7 });
driver.send({ type: GpuCommandType.ResourceFlush, rect, resourceId: 7 });
const trace = recorder.finish();
console.log(`recorded ${trace.length} bytes`);

// Replay: no guest, no QEMU; the sink writes scanout-0.png.
const dir = mkdtempSync(join(tmpdir(), "rutabaga-example-"));
const sink = new PngSink(dir);
const result = replayTrace(trace, sink);
const written = sink.writeAll();
const png = decodePng(readFileSync(join(dir, "scanout-0.png")));
console.log(`${result.requests} requests replayed, ${written} PNG in ${dir}: ${png.width}x${png.height}`);
if ([...png.rgba.subarray(0, 4)].join(",") !== "255,0,0,255") throw new Error("the replayed screen is not red");
